with

source as (

    select * from {{ source('raw', 'google_analytics__traffic_daily') }}

),

renamed as (

    select
        cast(brand as varchar) as brand,
        cast(property_id as varchar) as property_id,
        cast(metric_date as date) as metric_date,
        cast(session_source as varchar) as session_source,
        cast(session_medium as varchar) as session_medium,
        cast(session_campaign_name as varchar) as session_campaign_name,
        cast(landing_page as varchar) as landing_page,
        cast(sessions as bigint) as sessions,
        cast(engaged_sessions as bigint) as engaged_sessions,
        cast(key_events as bigint) as key_events,
        cast(purchase_revenue as double) as purchase_revenue,
        cast(currency_code as varchar) as currency_code,
        cast(property_time_zone as varchar) as property_time_zone,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
