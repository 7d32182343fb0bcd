-- Own accounts' daily numbers from every platform, one row per platform, account and day. A day can be loaded
-- both by the API ('api:<platform>') and by a file import ('file:<name>'): the API row wins, then the most
-- recently loaded one.

with

unioned as (
    {{ union_platforms(own_platforms(), 'account_daily') }}

),

deduplicated as (

    select *
    from unioned
    qualify row_number() over (
        partition by platform, account_id, metric_date
        order by {{ source_preference('record_source', 'loaded_at') }}
    ) = 1

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
        record_source,
        loaded_at
    from deduplicated

)

select * from final
