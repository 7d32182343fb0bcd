with

source as (

    select * from {{ source('raw', 'x__mentions') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(mention_id as varchar) as mention_id,
        cast(mentioned_at as timestamptz) as mentioned_at,
        cast(metric_date as date) as metric_date,
        cast(text as varchar) as mention_text,
        cast(author as varchar) as author,
        cast(url as varchar) as mention_url,
        cast(engagements as bigint) as engagements,
        cast(matched_terms as varchar[]) as matched_terms,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
