-- One row per own post with its latest snapshot (the latest snapshot wins), its brand, local publish day and the
-- last day its platform was read (as_of_date: posts published up to that day are known).

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

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

latest_snapshot as (

    select *
    from post_snapshots
    qualify row_number() over (
        partition by platform, post_id
        order by snapshot_date desc, loaded_at desc
    ) = 1

),

-- the last day each platform was read: its newest post snapshot or account day
read_days as (

    select
        platform,
        max(read_date) as as_of_date
    from (
        select platform, snapshot_date as read_date from post_snapshots
        union all
        select platform, metric_date as read_date from account_daily
    ) as reads
    group by platform

),

final as (

    select
        own_accounts.brand,
        latest_snapshot.platform,
        latest_snapshot.account_id,
        latest_snapshot.post_id,
        latest_snapshot.post_url,
        latest_snapshot.caption,
        latest_snapshot.content_type,
        latest_snapshot.published_at,
        cast({{ to_local_timestamp('latest_snapshot.published_at') }} as date) as published_date,
        latest_snapshot.views,
        latest_snapshot.clicks,
        latest_snapshot.snapshot_date as latest_snapshot_date,
        read_days.as_of_date
    from latest_snapshot
    inner join own_accounts
        on latest_snapshot.platform = own_accounts.platform
        and latest_snapshot.account_id = own_accounts.account_id
    left join read_days
        on latest_snapshot.platform = read_days.platform

)

select * from final
