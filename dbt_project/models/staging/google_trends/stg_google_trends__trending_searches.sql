with

source as (

    select * from {{ source('raw', 'google_trends__trending_searches') }}

),

renamed as (

    select
        cast(geo as varchar) as geo,
        cast(metric_date as date) as metric_date,
        cast(rank as bigint) as trend_rank,
        cast(topic as varchar) as topic,
        cast(approx_traffic as bigint) as approx_traffic,
        cast(published_at as timestamptz) as published_at,
        cast(news_titles as varchar[]) as news_titles,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
