-- One row per own post with its latest lifetime totals (the latest snapshot wins).

with

post_snapshots as (

    select * from {{ ref('int_post_snapshots_unioned') }}

),

account_daily as (

    select * from {{ ref('int_account_daily_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

snapshot_counts as (

    select
        platform,
        post_id,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as latest_snapshot_date,
        count(*) as snapshots_count
    from post_snapshots
    group by
        platform,
        post_id

),

latest_snapshot as (

    select *
    from post_snapshots
    qualify row_number() over (
        partition by platform, post_id
        order by snapshot_date desc, loaded_at desc
    ) = 1

),

localized as (

    select
        *,
        {{ to_local_timestamp('published_at') }} as published_at_local,
        cast({{ to_local_timestamp('published_at') }} as date) as published_date_local
    from latest_snapshot

),

-- followers at the end of the day before the local publish day; if the account has no earlier day,
-- the first day on or after it
followers_before as (

    select
        localized.*,
        account_daily.followers as followers_before_publish
    from localized
    asof left join account_daily
        on localized.platform = account_daily.platform
        and localized.account_id = account_daily.account_id
        and localized.published_date_local > account_daily.metric_date

),

followers_after as (

    select
        followers_before.*,
        account_daily.followers as followers_after_publish
    from followers_before
    asof left join account_daily
        on followers_before.platform = account_daily.platform
        and followers_before.account_id = account_daily.account_id
        and followers_before.published_date_local <= account_daily.metric_date

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

metrics as (

    select
        followers_after.*,
        {{ engagements() }} as engagements,
        {{ public_engagements() }} as public_engagements,
        coalesce(followers_before_publish, followers_after_publish) as followers_at_publish,
        list_sort(list_distinct(
            regexp_extract_all(lower(coalesce(caption, '')), '#([\pL\pN_]+)', 1)
        )) as hashtags
    from followers_after

),

final as (

    select
        metrics.platform,
        metrics.account_id,
        own_accounts.brand,
        true as is_own_brand,
        metrics.post_id,
        metrics.post_url,
        metrics.published_at,
        metrics.published_at_local,
        metrics.published_date_local,
        cast({{ iso_weekday('metrics.published_at_local') }} as integer) as published_weekday_local,
        dayname(metrics.published_at_local) as published_weekday_name_local,
        cast(extract(hour from metrics.published_at_local) as integer) as published_hour_local,
        metrics.content_type,
        metrics.caption,
        metrics.hashtags,
        metrics.views,
        metrics.reach,
        metrics.reactions,
        metrics.comments,
        metrics.shares,
        metrics.saves,
        metrics.clicks,
        metrics.video_views,
        metrics.engagements,
        metrics.public_engagements,
        metrics.followers_at_publish,
        {{ rate_pct('metrics.engagements', 'metrics.reach') }} as engagement_rate_by_reach,
        {{ rate_pct('metrics.engagements', 'metrics.views') }} as engagement_rate_by_views,
        {{ rate_pct('metrics.public_engagements', 'metrics.followers_at_publish') }}
            as engagement_rate_by_followers,
        snapshot_counts.first_snapshot_date,
        snapshot_counts.latest_snapshot_date,
        snapshot_counts.snapshots_count
    from metrics
    left join own_accounts
        on metrics.platform = own_accounts.platform
        and metrics.account_id = own_accounts.account_id
    left join snapshot_counts
        on metrics.platform = snapshot_counts.platform
        and metrics.post_id = snapshot_counts.post_id

)

select * from final
