{{ incremental_fact_config('metric_date', 'post_lookback_days') }}

-- One row per brand, platform (and 'all') and day: the own accounts' numbers summed per brand, and for every
-- brand of the set its mentions and daily share of voice. The wide source of fct_kpi_daily.

with

account_daily as (

    select * from {{ ref('fct_account_daily') }}

),

share_of_voice as (

    select * from {{ ref('fct_share_of_voice') }}

),

own_accounts as (

    select
        brand,
        coalesce(platform, 'all') as platform,
        metric_date,
        count(*) as accounts_reporting,
        sum(followers) as followers,
        sum(net_follower_change) as net_follower_change,
        sum(net_follower_change) filter (where followers - net_follower_change > 0)
            as net_follower_change_with_start,
        sum(followers - net_follower_change) filter (where followers - net_follower_change > 0)
            as followers_at_start,
        sum(views) as views,
        sum(reach) as reach,
        sum(engagements) as engagements,
        sum(public_engagements) as public_engagements,
        sum(posts_published) as posts_published,
        sum(engagements) filter (where reach > 0) as engagements_with_reach,
        sum(reach) filter (where reach > 0 and engagements is not null) as reach_with_engagements,
        sum(engagements) filter (where views > 0) as engagements_with_views,
        sum(views) filter (where views > 0 and engagements is not null) as views_with_engagements,
        sum(public_engagements) filter (where followers > 0) as public_engagements_with_followers,
        sum(followers) filter (where followers > 0 and public_engagements is not null)
            as followers_with_public_engagements
    from account_daily
    where brand is not null
        and {{ incremental_window('metric_date', var('post_lookback_days')) }}
    group by grouping sets (
        (brand, platform, metric_date),
        (brand, metric_date)
    )

),

daily_share_of_voice as (

    select
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
        brand,
        platform,
        period_start

),

spine as (

    select brand, platform, metric_date from own_accounts
    union
    select brand, platform, metric_date from daily_share_of_voice

),

final as (

    select
        spine.brand,
        coalesce(daily_share_of_voice.is_own_brand, own_accounts.brand is not null) as is_own_brand,
        spine.platform,
        spine.metric_date,
        coalesce(own_accounts.accounts_reporting, 0) as accounts_reporting,
        own_accounts.followers,
        own_accounts.net_follower_change,
        own_accounts.net_follower_change_with_start,
        own_accounts.followers_at_start,
        {{ rate_pct('own_accounts.net_follower_change_with_start', 'own_accounts.followers_at_start') }}
            as follower_growth_rate,
        own_accounts.views,
        own_accounts.reach,
        own_accounts.engagements,
        own_accounts.public_engagements,
        own_accounts.posts_published,
        own_accounts.engagements_with_reach,
        own_accounts.reach_with_engagements,
        {{ rate_pct('own_accounts.engagements_with_reach', 'own_accounts.reach_with_engagements') }}
            as engagement_rate_by_reach,
        own_accounts.engagements_with_views,
        own_accounts.views_with_engagements,
        {{ rate_pct('own_accounts.engagements_with_views', 'own_accounts.views_with_engagements') }}
            as engagement_rate_by_views,
        own_accounts.public_engagements_with_followers,
        own_accounts.followers_with_public_engagements,
        {{ rate_pct('own_accounts.public_engagements_with_followers', 'own_accounts.followers_with_public_engagements') }}
            as engagement_rate_by_followers,
        daily_share_of_voice.mentions,
        daily_share_of_voice.mentions_set_total,
        daily_share_of_voice.share_of_voice_mentions,
        daily_share_of_voice.public_engagements_on_posts,
        daily_share_of_voice.public_engagements_set_total,
        daily_share_of_voice.share_of_voice_engagement,
        daily_share_of_voice.posts_in_set
    from spine
    left join own_accounts
        on spine.brand = own_accounts.brand
        and spine.platform = own_accounts.platform
        and spine.metric_date = own_accounts.metric_date
    left join daily_share_of_voice
        on spine.brand = daily_share_of_voice.brand
        and spine.platform = daily_share_of_voice.platform
        and spine.metric_date = daily_share_of_voice.metric_date

)

select * from final
