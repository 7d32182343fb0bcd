{{ incremental_fact_config('metric_date') }}

-- Engagement received: per post and snapshot day, how much each lifetime total grew since the post's previous
-- snapshot. A first snapshot is never an increase (NULL, is_first_snapshot), except for a post first seen on its
-- publish day; a drop (a platform correction) is clamped to 0 and counted.

{%- set metrics = ['views', 'reach', 'reactions', 'comments', 'shares', 'saves', 'clicks', 'video_views'] %}

with

post_snapshots as (

    select * from {{ ref('int_post_snapshots_unioned') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_normalized') }}

),

-- all history up to the window end: the previous snapshot of a post can be older than the window
-- (one row per post and snapshot day already: int_post_snapshots_unioned keeps the API row over a file import)
history as (

    select
        *,
        cast({{ to_local_timestamp('published_at') }} as date) as published_date_local
    from post_snapshots
    where snapshot_date <= {{ max_date() }}

),

ordered as (

    select
        platform,
        account_id,
        post_id,
        published_date_local,
        snapshot_date,
        {%- for metric in metrics %}
        {{ metric }},
        lag({{ metric }}) over post_history as previous_{{ metric }},
        {%- endfor %}
        lag(snapshot_date) over post_history as previous_snapshot_date
    from history
    window post_history as (partition by platform, post_id order by snapshot_date)

),

flagged as (

    select
        *,
        previous_snapshot_date is null as is_first_snapshot,
        -- first seen on (or before) its local publish day: everything it has came that day
        previous_snapshot_date is null and snapshot_date <= published_date_local as is_seen_since_publish
    from ordered

),

increases as (

    select
        platform,
        account_id,
        post_id,
        snapshot_date as metric_date,
        previous_snapshot_date,
        is_first_snapshot,
        is_first_snapshot and not is_seen_since_publish as is_increase_unknown,
        cast({{ dbt.datediff('coalesce(previous_snapshot_date, published_date_local - 1)', 'snapshot_date', 'day') }}
            as integer) as days_since_previous_snapshot,
        {%- for metric in metrics %}
        {{ clamped_increase(metric, 'previous_' ~ metric, 'is_seen_since_publish') }} as {{ metric }},
        {%- endfor %}
        (
            {%- for metric in metrics %}
            {{ is_correction(metric, 'previous_' ~ metric) }}{% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as corrections_count
    from flagged

),

own_accounts as (

    {{ own_account_brands('brand_accounts') }}

),

final as (

    select
        increases.platform,
        increases.account_id,
        own_accounts.brand as client_brand,
        own_accounts.brand,
        true as is_own_brand,
        increases.post_id,
        increases.metric_date,
        'partition_day' as day_basis,
        increases.previous_snapshot_date,
        increases.days_since_previous_snapshot,
        increases.is_first_snapshot,
        increases.is_increase_unknown,
        not increases.is_increase_unknown and increases.days_since_previous_snapshot = 1 as is_single_day_increase,
        {%- for metric in metrics %}
        increases.{{ metric }},
        {%- endfor %}
        {{ engagements('increases.') }} as engagements,
        {{ public_engagements('increases.') }} as public_engagements,
        increases.corrections_count
    from increases
    left join own_accounts
        on increases.platform = own_accounts.platform
        and increases.account_id = own_accounts.account_id
    where {{ incremental_window('increases.metric_date') }}

)

select * from final
