with

unioned as (
    {{ union_platforms(follower_online_hours_platforms(), 'follower_online_hours') }}

),

final as (

    select
        platform,
        account_id,
        metric_date,
        hour_of_day_utc,
        online_followers
    from unioned

)

select * from final
