-- One row per account (platform x account id) known from brands.yaml, own-account data or competitor profiles.

with

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

account_daily as (

    select * from {{ ref('int_account_daily_unioned') }}

),

competitor_profiles as (

    select * from {{ ref('int_competitor_profiles_unioned') }}

),

configured as (

    select
        platform,
        account_id,
        min(brand) as brand,
        bool_or(is_own_brand) as is_own_brand,
        min(account_handle) as account_handle
    from brand_accounts
    where platform is not null
        and account_id is not null
    group by
        platform,
        account_id

),

own_data as (

    select
        platform,
        account_id,
        min(metric_date) as first_metric_date,
        max(metric_date) as last_metric_date,
        arg_max(followers, metric_date) as latest_followers
    from account_daily
    group by
        platform,
        account_id

),

profiles as (

    select
        platform,
        account_id,
        arg_max(brand, snapshot_date) as brand,
        arg_max(account_handle, snapshot_date) as account_handle,
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as last_snapshot_date,
        arg_max(followers, snapshot_date) as latest_followers
    from competitor_profiles
    where account_id is not null
    group by
        platform,
        account_id

),

spine as (

    select platform, account_id from configured
    union
    select platform, account_id from own_data
    union
    select platform, account_id from profiles

),

final as (

    select
        spine.platform || ':' || spine.account_id as account_key,
        spine.platform,
        spine.account_id,
        coalesce(configured.brand, profiles.brand) as brand,
        coalesce(configured.is_own_brand, own_data.account_id is not null) as is_own_brand,
        coalesce(configured.account_handle, profiles.account_handle) as account_handle,
        configured.account_id is not null as is_configured,
        own_data.account_id is not null as has_own_account_data,
        profiles.account_id is not null as has_public_profile_data,
        least(own_data.first_metric_date, profiles.first_snapshot_date) as first_seen_date,
        greatest(own_data.last_metric_date, profiles.last_snapshot_date) as last_seen_date,
        coalesce(own_data.latest_followers, profiles.latest_followers) as latest_followers
    from spine
    left join configured
        on spine.platform = configured.platform
        and spine.account_id = configured.account_id
    left join own_data
        on spine.platform = own_data.platform
        and spine.account_id = own_data.account_id
    left join profiles
        on spine.platform = profiles.platform
        and spine.account_id = profiles.account_id

)

select * from final
