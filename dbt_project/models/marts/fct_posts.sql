-- Engagement on posts published: one row per own post with its latest lifetime totals (the latest snapshot
-- wins), attributed to the post's publish day.

with

post_snapshots as (

    select * from {{ ref('int_post_snapshots_unioned') }}

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

-- followers when the post was published: the latest figure describing a moment before it (no look-ahead)
with_followers as (

    {{ with_followers_at_publish('localized') }}

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

metrics as (

    select
        with_followers.*,
        {{ engagements() }} as engagements,
        {{ public_engagements() }} as public_engagements,
        list_sort(list_distinct(
            regexp_extract_all(lower(coalesce(caption, '')), '#([\pL\pN_]+)', 1)
        )) as hashtags
    from with_followers

),

final as (

    select
        metrics.platform,
        metrics.account_id,
        own_accounts.brand as client_brand,
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
        metrics.followers_at_publish_date,
        metrics.followers_at_publish_counted_at,
        metrics.followers_at_publish_missing_reason,
        {{ rate_pct('metrics.engagements', 'metrics.reach') }} as engagement_rate_by_reach,
        {{ rate_pct('metrics.engagements', 'metrics.views') }} as engagement_rate_by_views,
        {{ rate_pct('metrics.public_engagements', 'metrics.followers_at_publish') }}
            as engagement_rate_by_followers,
        {{ rate_pct('metrics.public_engagements', 'metrics.reach') }} as public_engagement_rate_by_reach,
        {{ rate_pct('metrics.public_engagements', 'metrics.views') }} as public_engagement_rate_by_views,
        cast({{ dbt.datediff('metrics.published_date_local', 'snapshot_counts.latest_snapshot_date', 'day') }}
            as integer) as age_days_at_latest_snapshot,
        {{ platform_date_of('metrics.platform', 'metrics.published_at') }} as published_date_platform,
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
