-- Share of voice: each brand's part of a client brand's competitive set (the client + its competitors) per
-- period, platform and basis. Shares of one client, period, platform and basis add up to 100; a competitor of
-- several clients has a share in each client's set.

{%- set grains = {'day': 1, 'week': 7, 'month': none} %}

with

inputs as (

    select * from {{ ref('int_share_of_voice_inputs_unioned') }}

),

-- each client brand's competitive set (the client first among its members)
competitive_sets as (

    select * from {{ ref('int_competitive_sets_resolved') }}

),

brand_daily as (

    select
        metric_date,
        platform,
        brand,
        basis,
        value
    from inputs
    where platform is not null

    union all

    select
        metric_date,
        'all' as platform,
        brand,
        basis,
        sum(value) as value
    from inputs
    group by
        metric_date,
        brand,
        basis

),

daily as (

    select
        competitive_sets.client_brand,
        brand_daily.*
    from brand_daily
    inner join competitive_sets
        on brand_daily.brand = competitive_sets.brand

),

periods as (
    {%- for grain in grains %}

    select
        client_brand,
        '{{ grain }}' as period_grain,
        cast({{ dbt.date_trunc(grain, 'metric_date') }} as date) as period_start,
        platform,
        brand,
        basis,
        sum(value) as value
    from daily
    group by 1, 2, 3, 4, 5, 6
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

-- how many days of each period the platform's data of a basis covers (any brand of the set with a value that day)
coverage as (
    {%- for grain in grains %}

    select
        client_brand,
        '{{ grain }}' as period_grain,
        cast({{ dbt.date_trunc(grain, 'metric_date') }} as date) as period_start,
        platform,
        basis,
        cast(count(distinct metric_date) as integer) as days_covered,
        cast(max({{ dbt.datediff(
            dbt.date_trunc(grain, 'metric_date'), period_end(dbt.date_trunc(grain, 'metric_date'), grain), 'day'
        ) }}) + 1 as integer) as period_days
    from daily
    group by 1, 2, 3, 4, 5
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

-- every brand of the client's set in every period that has data for the platform and basis (a silent brand
-- counts 0)
grid as (

    select distinct
        periods.client_brand,
        periods.period_grain,
        periods.period_start,
        periods.platform,
        periods.basis,
        competitive_sets.brand,
        competitive_sets.is_client as is_own_brand
    from periods
    inner join competitive_sets
        on periods.client_brand = competitive_sets.client_brand

),

valued as (

    select
        grid.client_brand,
        grid.period_grain,
        grid.period_start,
        grid.platform,
        grid.brand,
        grid.is_own_brand,
        grid.basis,
        coalesce(periods.value, 0) as value
    from grid
    left join periods
        on grid.client_brand = periods.client_brand
        and grid.period_grain = periods.period_grain
        and grid.period_start = periods.period_start
        and grid.platform = periods.platform
        and grid.basis = periods.basis
        and grid.brand = periods.brand

),

shares as (

    select
        *,
        sum(value) over period_set as set_total,
        {{ rate_pct('value', 'sum(value) over period_set') }} as share_pct,
        rank() over (partition by client_brand, period_grain, period_start, platform, basis order by value desc)
            as rank,
        case period_grain
            {%- for grain, days in grains.items() %}
            {%- if days %}
            when '{{ grain }}' then cast(period_start - {{ days }} as date)
            {%- else %}
            when '{{ grain }}' then cast({{ dbt.dateadd('month', -1, 'period_start') }} as date)
            {%- endif %}
            {%- endfor %}
        end as previous_period_start
    from valued
    window period_set as (partition by client_brand, period_grain, period_start, platform, basis)

),

final as (

    select
        shares.client_brand,
        shares.period_grain,
        shares.period_start,
        shares.platform,
        shares.brand,
        shares.is_own_brand,
        shares.basis,
        shares.value,
        shares.set_total,
        shares.share_pct,
        shares.rank,
        previous.share_pct as previous_share_pct,
        shares.share_pct - previous.share_pct as change_pct_points,
        coverage.days_covered,
        coverage.period_days,
        coverage.days_covered = coverage.period_days as is_complete_period
    from shares
    left join shares as previous
        on shares.client_brand = previous.client_brand
        and shares.period_grain = previous.period_grain
        and shares.previous_period_start = previous.period_start
        and shares.platform = previous.platform
        and shares.basis = previous.basis
        and shares.brand = previous.brand
    left join coverage
        on shares.client_brand = coverage.client_brand
        and shares.period_grain = coverage.period_grain
        and shares.period_start = coverage.period_start
        and shares.platform = coverage.platform
        and shares.basis = coverage.basis

)

select * from final
