with

source as (

    select * from {{ source('raw', 'google_trends__search_interest') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(keyword as varchar) as keyword,
        cast(geo as varchar) as geo,
        cast(metric_date as date) as metric_date,
        cast(interest as double) as search_interest,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
