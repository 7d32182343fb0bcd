with

source as (

    select * from {{ source('raw', 'youtube__competitor_posts') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(account_id as varchar) as account_id,
        cast(post_id as varchar) as post_id,
        cast(published_at as timestamptz) as published_at,
        cast(content_type as varchar) as content_type,
        cast(caption as varchar) as caption,
        cast(hashtags as varchar[]) as hashtags,
        cast(reactions as bigint) as reactions,
        cast(comments as bigint) as comments,
        cast(shares as bigint) as shares,
        cast(views as bigint) as views,
        cast(snapshot_date as date) as snapshot_date,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
