{{ incremental_fact_config('metric_date', 'post_lookback_days') }}

-- One row per own account and day, on the platform's reporting day (day_basis): the platform's own account
-- figures (audience, views, reach, engagements and the three engagement rates), the posts published that same
-- day, and - in columns of their own, never mixed into the account figures - the lifetime engagement of those
-- posts so far (the "posts published" view).

with

account_daily as (

    select * from {{ ref('int_account_daily_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

posts as (

    select * from {{ ref('fct_posts') }}

),

account_days as (

    select
        *,
        lag(followers) over (
            partition by platform, account_id
            order by metric_date
        ) as previous_followers
    -- one row per account and day already (int_account_daily_unioned keeps the API row over a file import)
    from account_daily

),

-- posts on the platform's reporting day, so that they join the account figures on the same day basis
published as (

    select
        platform,
        account_id,
        published_date_platform as metric_date,
        count(*) as posts_published,
        sum(public_engagements) as published_posts_public_engagements,
        {{ rate_parts('public_engagements', 'followers_at_publish', 'published_posts_engagement_rate_by_followers') }},
        min(age_days_at_latest_snapshot) as published_posts_min_age_days
    from posts
    group by
        platform,
        account_id,
        published_date_platform

),

spine as (

    select platform, account_id, metric_date from account_days
    union
    select platform, account_id, metric_date from published

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

joined as (

    select
        spine.platform,
        spine.account_id,
        own_accounts.brand,
        spine.metric_date,
        account_days.metric_date is not null as has_account_metrics,
        account_days.followers,
        account_days.previous_followers,
        account_days.followers_gained,
        account_days.followers_lost,
        -- the platform's own count of the day's change where it gives one (follows - unfollows; new followers
        -- alone where it reports no unfollows, LinkedIn and Instagram): exact even when the level is reconstructed
        -- or rounded (YouTube's subscriberCount, walk-backs anchored on different nights); else the difference of
        -- the levels
        case
            when account_days.followers_gained is not null
                then account_days.followers_gained - coalesce(account_days.followers_lost, 0)
            else account_days.followers - account_days.previous_followers
        end as net_follower_change,
        account_days.views,
        account_days.reach,
        account_days.engagements,
        account_days.profile_visits,
        account_days.website_clicks,
        coalesce(published.posts_published, 0) as posts_published,
        published.published_posts_public_engagements,
        published.published_posts_engagement_rate_by_followers_numerator,
        published.published_posts_engagement_rate_by_followers_denominator,
        published.published_posts_min_age_days
    from spine
    left join account_days
        on spine.platform = account_days.platform
        and spine.account_id = account_days.account_id
        and spine.metric_date = account_days.metric_date
    left join published
        on spine.platform = published.platform
        and spine.account_id = published.account_id
        and spine.metric_date = published.metric_date
    left join own_accounts
        on spine.platform = own_accounts.platform
        and spine.account_id = own_accounts.account_id

),

final as (

    select
        platform,
        account_id,
        brand as client_brand,
        brand,
        true as is_own_brand,
        metric_date,
        {{ platform_day_basis('platform') }} as day_basis,
        has_account_metrics,
        followers,
        followers_gained,
        followers_lost,
        net_follower_change,
        {{ rate_pct('net_follower_change', 'followers - net_follower_change') }} as follower_growth_rate,
        views,
        reach,
        engagements,
        {{ rate_pct('engagements', 'reach') }} as engagement_rate_by_reach,
        {{ rate_pct('engagements', 'views') }} as engagement_rate_by_views,
        {{ rate_pct('engagements', 'followers') }} as engagement_rate_by_followers,
        profile_visits,
        website_clicks,
        posts_published,
        published_posts_public_engagements,
        published_posts_engagement_rate_by_followers_numerator,
        published_posts_engagement_rate_by_followers_denominator,
        {{ rate_from_parts('published_posts_engagement_rate_by_followers') }}
            as published_posts_engagement_rate_by_followers,
        published_posts_min_age_days
    from joined
    where {{ incremental_window('metric_date', var('post_lookback_days')) }}

)

select * from final
