with

unioned as (
    {{ union_platforms(own_platforms(), 'account_daily') }}

),

final as (

    select
        platform,
        account_id,
        metric_date,
        followers,
        followers_gained,
        followers_lost,
        views,
        reach,
        engagements,
        profile_visits,
        website_clicks,
        loaded_at
    from unioned

)

select * from final
