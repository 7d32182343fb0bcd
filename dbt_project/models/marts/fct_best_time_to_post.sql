-- When own posts do best: per client brand, platform, local weekday and hour, the median public engagement rate
-- (reactions, comments and shares, which every post has whatever its age; by reach, else by views) of the posts
-- published in the trailing var('best_time_weeks') weeks, against the brand's median on the platform.

with

posts as (

    select * from {{ ref('fct_posts') }}

),

online_hours as (

    select * from {{ ref('int_follower_online_hours_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

-- the trailing window ends at the latest local publish day, capped at the run's max_date
window_end as (

    select least(max(published_date_local), {{ max_date() }}) as end_date
    from posts
    where published_date_local <= {{ max_date() }}

),

analysis_window as (

    select
        cast(end_date - {{ var('best_time_weeks') | int * 7 - 1 }} as date) as start_date,
        end_date
    from window_end

),

post_rates as (

    select
        posts.client_brand,
        posts.platform,
        posts.published_weekday_local as weekday,
        posts.published_hour_local as hour_of_day,
        coalesce(posts.public_engagement_rate_by_reach, posts.public_engagement_rate_by_views) as engagement_rate,
        case
            when posts.public_engagement_rate_by_reach is not null then 'reach'
            when posts.public_engagement_rate_by_views is not null then 'views'
        end as engagement_rate_basis
    from posts
    inner join analysis_window
        on posts.published_date_local between analysis_window.start_date and analysis_window.end_date

),

platform_medians as (

    select
        client_brand,
        platform,
        median(engagement_rate) as platform_median_engagement_rate
    from post_rates
    group by
        client_brand,
        platform

),

slots as (

    select
        client_brand,
        platform,
        weekday,
        hour_of_day,
        count(*) as posts,
        count(engagement_rate) as posts_with_rate,
        median(engagement_rate) as median_engagement_rate,
        case
            when count(distinct engagement_rate_basis) > 1 then 'mixed'
            else min(engagement_rate_basis)
        end as engagement_rate_basis
    from post_rates
    group by
        client_brand,
        platform,
        weekday,
        hour_of_day

),

-- followers online, from UTC hours to local weekday and hour, as a share of the account's online hours
online_local as (

    select
        own_accounts.brand as client_brand,
        online_hours.platform,
        {{ to_local_timestamp(from_zone_timestamp(
            'cast(online_hours.metric_date as timestamp) + online_hours.hour_of_day_utc * interval 1 hour',
            'UTC'
        )) }} as online_at_local,
        online_hours.online_followers
    from online_hours
    inner join analysis_window
        on online_hours.metric_date between analysis_window.start_date - 1 and analysis_window.end_date + 1
    left join own_accounts
        on online_hours.platform = own_accounts.platform
        and online_hours.account_id = own_accounts.account_id

),

online_slots as (

    select
        client_brand,
        platform,
        cast({{ iso_weekday('online_at_local') }} as integer) as weekday,
        cast(extract(hour from online_at_local) as integer) as hour_of_day,
        sum(online_followers) as online_followers
    from online_local
    group by 1, 2, 3, 4

),

online_shares as (

    select
        client_brand,
        platform,
        weekday,
        hour_of_day,
        {{ rate_pct('online_followers', 'sum(online_followers) over (partition by client_brand, platform)') }}
            as follower_online_share_pct
    from online_slots

),

spine as (

    select client_brand, platform, weekday, hour_of_day from slots
    union
    select client_brand, platform, weekday, hour_of_day from online_shares

),

joined as (

    select
        spine.client_brand,
        spine.platform,
        spine.weekday,
        spine.hour_of_day,
        coalesce(slots.posts, 0) as posts,
        coalesce(slots.posts_with_rate, 0) as sample_size,
        slots.median_engagement_rate,
        slots.engagement_rate_basis,
        platform_medians.platform_median_engagement_rate,
        {{ rate_pct(
            'slots.median_engagement_rate - platform_medians.platform_median_engagement_rate',
            'platform_medians.platform_median_engagement_rate'
        ) }} as lift_pct,
        coalesce(slots.posts_with_rate, 0) >= {{ var('best_time_min_posts') | int }} as is_sufficient_sample,
        online_shares.follower_online_share_pct
    from spine
    left join slots
        on spine.client_brand is not distinct from slots.client_brand
        and spine.platform = slots.platform
        and spine.weekday = slots.weekday
        and spine.hour_of_day = slots.hour_of_day
    left join platform_medians
        on spine.client_brand is not distinct from platform_medians.client_brand
        and spine.platform = platform_medians.platform
    left join online_shares
        on spine.client_brand is not distinct from online_shares.client_brand
        and spine.platform = online_shares.platform
        and spine.weekday = online_shares.weekday
        and spine.hour_of_day = online_shares.hour_of_day

),

final as (

    select
        joined.client_brand,
        joined.platform,
        joined.weekday,
        {{ weekday_name('joined.weekday') }} as weekday_name,
        joined.hour_of_day,
        'published_posts' as engagement_view,
        joined.posts,
        joined.sample_size,
        joined.median_engagement_rate,
        joined.engagement_rate_basis,
        joined.platform_median_engagement_rate,
        joined.lift_pct,
        joined.is_sufficient_sample,
        case
            when joined.is_sufficient_sample and joined.median_engagement_rate is not null
                then rank() over (
                    partition by
                        joined.client_brand,
                        joined.platform,
                        joined.is_sufficient_sample and joined.median_engagement_rate is not null
                    order by joined.median_engagement_rate desc
                )
        end as slot_rank,
        joined.follower_online_share_pct,
        analysis_window.start_date as window_start_date,
        analysis_window.end_date as window_end_date
    from joined
    cross join analysis_window

)

select * from final
