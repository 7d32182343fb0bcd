{{ incremental_fact_config('metric_date', 'post_lookback_days') }}

-- One row per client brand, brand of its competitive set, platform (and 'all') and day: the client's own
-- accounts' account figures (on each platform's reporting day), the engagement its posts received that day
-- (partition day), and for every brand of the client's set its mentions and daily share of voice within that set
-- (partition day). The wide source of fct_kpi_daily.
-- 'all' rows count the platforms that reported; their follower change adds up the platforms that reported on
-- both days, so it does not jump when a platform starts or stops.

with

account_daily as (

    select * from {{ ref('fct_account_daily') }}

),

post_metrics_daily as (

    select * from {{ ref('fct_post_metrics_daily') }}

),

share_of_voice as (

    select * from {{ ref('fct_share_of_voice') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

-- the platforms each own brand has an account on (what a complete 'all' row adds up)
expected_platforms as (

    select
        brand,
        count(distinct platform) as platforms_expected
    from brand_accounts
    where is_own_brand and platform is not null
    group by brand

),

own_accounts as (

    select
        brand as client_brand,
        brand,
        coalesce(platform, 'all') as platform,
        metric_date,
        case when platform is null then 'mixed' else min(day_basis) end as account_day_basis,
        count(*) filter (where has_account_metrics) as accounts_reporting,
        count(distinct platform) filter (where has_account_metrics) as platforms_reporting,
        count(distinct platform) filter (where followers is not null) as followers_platforms_reporting,
        sum(followers) as followers,
        sum(net_follower_change) as net_follower_change,
        {{ rate_parts('net_follower_change', 'followers - net_follower_change', 'follower_growth_rate') }},
        sum(views) as views,
        sum(reach) as reach,
        sum(engagements) as engagements,
        sum(posts_published) as posts_published,
        {{ rate_parts('engagements', 'reach', 'engagement_rate_by_reach') }},
        {{ rate_parts('engagements', 'views', 'engagement_rate_by_views') }},
        {{ rate_parts('engagements', 'followers', 'engagement_rate_by_followers') }},
        sum(published_posts_public_engagements) as published_posts_public_engagements,
        sum(published_posts_engagement_rate_by_followers_numerator)
            as published_posts_engagement_rate_by_followers_numerator,
        sum(published_posts_engagement_rate_by_followers_denominator)
            as published_posts_engagement_rate_by_followers_denominator
    from account_daily
    where brand is not null
        and {{ incremental_window('metric_date', var('post_lookback_days')) }}
    group by grouping sets (
        (brand, platform, metric_date),
        (brand, metric_date)
    )

),

-- engagement received: increases of posts that had a snapshot the day before (single-day increases only)
received as (

    select
        brand as client_brand,
        brand,
        coalesce(platform, 'all') as platform,
        metric_date,
        sum(engagements) as engagements_received_on_posts,
        sum(public_engagements) as public_engagements_received_on_posts,
        count(*) as posts_with_received_engagement
    from post_metrics_daily
    where brand is not null
        and is_single_day_increase
        and {{ incremental_window('metric_date', var('post_lookback_days')) }}
    group by grouping sets (
        (brand, platform, metric_date),
        (brand, metric_date)
    )

),

daily_share_of_voice as (

    select
        client_brand,
        brand,
        platform,
        period_start as metric_date,
        bool_or(is_own_brand) as is_own_brand,
        max(value) filter (where basis = 'mentions') as mentions,
        max(set_total) filter (where basis = 'mentions') as mentions_set_total,
        max(share_pct) filter (where basis = 'mentions') as share_of_voice_mentions,
        max(value) filter (where basis = 'engagement') as public_engagements_on_posts,
        max(set_total) filter (where basis = 'engagement') as public_engagements_set_total,
        max(share_pct) filter (where basis = 'engagement') as share_of_voice_engagement,
        max(set_total) filter (where basis = 'posts') as posts_in_set
    from share_of_voice
    where period_grain = 'day'
        and {{ incremental_window('period_start', var('post_lookback_days')) }}
    group by
        client_brand,
        brand,
        platform,
        period_start

),

spine as (

    select client_brand, brand, platform, metric_date from own_accounts
    union
    select client_brand, brand, platform, metric_date from received
    union
    select client_brand, brand, platform, metric_date from daily_share_of_voice

),

final as (

    select
        spine.client_brand,
        spine.brand,
        coalesce(
            daily_share_of_voice.is_own_brand, own_accounts.brand is not null or received.brand is not null
        ) as is_own_brand,
        spine.platform,
        spine.metric_date,
        own_accounts.account_day_basis,
        coalesce(own_accounts.accounts_reporting, 0) as accounts_reporting,
        coalesce(own_accounts.platforms_reporting, 0) as platforms_reporting,
        case when spine.platform = 'all' then expected_platforms.platforms_expected else 1 end
            as platforms_expected,
        coalesce(own_accounts.followers_platforms_reporting, 0) as followers_platforms_reporting,
        own_accounts.followers,
        own_accounts.net_follower_change,
        own_accounts.follower_growth_rate_numerator,
        own_accounts.follower_growth_rate_denominator,
        {{ rate_from_parts('follower_growth_rate', 'own_accounts.') }} as follower_growth_rate,
        own_accounts.views,
        own_accounts.reach,
        own_accounts.engagements,
        own_accounts.posts_published,
        own_accounts.engagement_rate_by_reach_numerator,
        own_accounts.engagement_rate_by_reach_denominator,
        {{ rate_from_parts('engagement_rate_by_reach', 'own_accounts.') }} as engagement_rate_by_reach,
        own_accounts.engagement_rate_by_views_numerator,
        own_accounts.engagement_rate_by_views_denominator,
        {{ rate_from_parts('engagement_rate_by_views', 'own_accounts.') }} as engagement_rate_by_views,
        own_accounts.engagement_rate_by_followers_numerator,
        own_accounts.engagement_rate_by_followers_denominator,
        {{ rate_from_parts('engagement_rate_by_followers', 'own_accounts.') }} as engagement_rate_by_followers,
        own_accounts.published_posts_public_engagements,
        own_accounts.published_posts_engagement_rate_by_followers_numerator,
        own_accounts.published_posts_engagement_rate_by_followers_denominator,
        {{ rate_from_parts('published_posts_engagement_rate_by_followers', 'own_accounts.') }}
            as published_posts_engagement_rate_by_followers,
        received.engagements_received_on_posts,
        received.public_engagements_received_on_posts,
        received.posts_with_received_engagement,
        daily_share_of_voice.mentions,
        daily_share_of_voice.mentions_set_total,
        daily_share_of_voice.share_of_voice_mentions,
        daily_share_of_voice.public_engagements_on_posts,
        daily_share_of_voice.public_engagements_set_total,
        daily_share_of_voice.share_of_voice_engagement,
        daily_share_of_voice.posts_in_set
    from spine
    left join own_accounts
        on spine.client_brand = own_accounts.client_brand
        and spine.brand = own_accounts.brand
        and spine.platform = own_accounts.platform
        and spine.metric_date = own_accounts.metric_date
    left join received
        on spine.client_brand = received.client_brand
        and spine.brand = received.brand
        and spine.platform = received.platform
        and spine.metric_date = received.metric_date
    left join daily_share_of_voice
        on spine.client_brand = daily_share_of_voice.client_brand
        and spine.brand = daily_share_of_voice.brand
        and spine.platform = daily_share_of_voice.platform
        and spine.metric_date = daily_share_of_voice.metric_date
    left join expected_platforms
        on spine.brand = expected_platforms.brand

)

select * from final
