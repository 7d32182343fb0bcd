-- Every follower figure socialpulse holds, with the instant it describes: own accounts' daily figures (the end of
-- the platform's reporting day) and public profile counts of the competitive set (read nightly for the partition
-- day, so the end of that local day). A post's "followers at publish" is the latest figure that describes a
-- moment before the post was published (followers_at_publish macro): never a figure from after it.

with

account_daily as (

    select * from {{ ref('int_account_daily_unioned') }}

),

competitor_profiles as (

    select * from {{ ref('int_competitor_profiles_unioned') }}

),

own_figures as (

    select
        platform,
        account_id,
        metric_date,
        followers,
        {{ platform_day_end_at('platform', 'metric_date') }} as counted_at,
        'account_metrics' as figure_source
    from account_daily
    where followers is not null

),

profile_figures as (

    select
        platform,
        account_id,
        snapshot_date as metric_date,
        followers,
        {{ day_end_at('snapshot_date', var('timezone')) }} as counted_at,
        'public_profile' as figure_source
    from competitor_profiles
    where followers is not null

),

final as (

    select * from own_figures
    union all
    select * from profile_figures

)

select * from final
