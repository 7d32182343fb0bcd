with

source as (

    select * from {{ source('raw', 'x__mention_counts') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(metric_date as date) as metric_date,
        cast(mention_count as bigint) as mention_count,
        cast(query as varchar) as search_query,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
