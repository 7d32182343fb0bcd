{{ incremental_fact_config('metric_date') }}

-- Who follows the own accounts: share of the audience per dimension value on each snapshot day.

with

demographics as (

    select * from {{ ref('int_audience_demographics_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

shares as (

    select
        platform,
        account_id,
        snapshot_date as metric_date,
        dimension,
        dimension_value,
        audience_count,
        coalesce(
            audience_share,
            {{ safe_divide('audience_count', 'sum(audience_count) over (partition by platform, account_id, snapshot_date, dimension)') }}
        ) as audience_share
    from demographics
    where {{ incremental_window('snapshot_date') }}

),

final as (

    select
        shares.platform,
        shares.account_id,
        own_accounts.brand as client_brand,
        own_accounts.brand,
        true as is_own_brand,
        shares.metric_date,
        shares.dimension,
        shares.dimension_value,
        shares.audience_count,
        shares.audience_share * 100 as audience_share_pct
    from shares
    left join own_accounts
        on shares.platform = own_accounts.platform
        and shares.account_id = own_accounts.account_id

)

select * from final
