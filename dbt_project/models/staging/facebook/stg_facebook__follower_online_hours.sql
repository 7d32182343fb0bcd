with

source as (

    select * from {{ source('raw', 'facebook__follower_online_hours') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(metric_date as date) as metric_date,
        cast(hour_of_day as integer) as hour_of_day_utc,
        cast(online_followers as bigint) as online_followers,
        cast(_loaded_at as timestamptz) as loaded_at
    from source

)

select * from renamed
