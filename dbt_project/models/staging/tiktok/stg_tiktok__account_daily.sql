with

source as (

    select * from {{ source('raw', 'tiktok__account_daily') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(metric_date as date) as metric_date,
        cast(followers as bigint) as followers,
        cast(followers_gained as bigint) as followers_gained,
        cast(followers_lost as bigint) as followers_lost,
        cast(views as bigint) as views,
        cast(reach as bigint) as reach,
        cast(engagements as bigint) as engagements,
        cast(profile_visits as bigint) as profile_visits,
        cast(website_clicks as bigint) as website_clicks,
        cast(_source as varchar) as record_source,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
