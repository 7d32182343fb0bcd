{{ incremental_fact_config('metric_date', 'account_lookback_days') }}

-- One row per own account and day: audience, reach, engagement and posting, with the three engagement rates.

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

post_metrics_daily as (

    select * from {{ ref('fct_post_metrics_daily') }}

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

posts_published as (

    select
        platform,
        account_id,
        published_date_local as metric_date,
        count(*) as posts_published
    from posts
    group by
        platform,
        account_id,
        published_date_local

),

post_engagements as (

    select
        platform,
        account_id,
        metric_date,
        sum(engagements) as engagements,
        sum(public_engagements) as public_engagements
    from post_metrics_daily
    group by
        platform,
        account_id,
        metric_date

),

spine as (

    select platform, account_id, metric_date from account_days
    union
    select platform, account_id, metric_date from posts_published
    union
    select platform, account_id, metric_date from post_engagements

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
        account_days.followers,
        account_days.previous_followers,
        account_days.followers_gained,
        account_days.followers_lost,
        account_days.followers - account_days.previous_followers as net_follower_change,
        account_days.views,
        account_days.reach,
        account_days.engagements as platform_engagements,
        post_engagements.engagements as post_engagements,
        post_engagements.public_engagements,
        coalesce(posts_published.posts_published, 0) as posts_published,
        account_days.profile_visits,
        account_days.website_clicks
    from spine
    left join account_days
        on spine.platform = account_days.platform
        and spine.account_id = account_days.account_id
        and spine.metric_date = account_days.metric_date
    left join posts_published
        on spine.platform = posts_published.platform
        and spine.account_id = posts_published.account_id
        and spine.metric_date = posts_published.metric_date
    left join post_engagements
        on spine.platform = post_engagements.platform
        and spine.account_id = post_engagements.account_id
        and spine.metric_date = post_engagements.metric_date
    left join own_accounts
        on spine.platform = own_accounts.platform
        and spine.account_id = own_accounts.account_id

),

final as (

    select
        platform,
        account_id,
        brand,
        true as is_own_brand,
        metric_date,
        followers,
        followers_gained,
        followers_lost,
        net_follower_change,
        {{ rate_pct('net_follower_change', 'previous_followers') }} as follower_growth_rate,
        views,
        reach,
        coalesce(platform_engagements, post_engagements) as engagements,
        case
            when platform_engagements is not null then 'platform'
            when post_engagements is not null then 'posts'
        end as engagements_source,
        public_engagements,
        posts_published,
        {{ rate_pct('coalesce(platform_engagements, post_engagements)', 'reach') }} as engagement_rate_by_reach,
        {{ rate_pct('coalesce(platform_engagements, post_engagements)', 'views') }} as engagement_rate_by_views,
        {{ rate_pct('public_engagements', 'followers') }} as engagement_rate_by_followers,
        profile_visits,
        website_clicks
    from joined
    where {{ incremental_window('metric_date', var('account_lookback_days')) }}

)

select * from final
