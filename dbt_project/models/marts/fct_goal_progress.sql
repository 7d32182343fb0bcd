-- Each goal of goals.yaml day by day: the actual value, where a straight line from the baseline to the target
-- says it should be, the status (no_data, on_track, behind, achieved, missed), and where the current pace leads
-- by the deadline. A goal goes up (direction increase: followers, engagement, share of voice) or down (decrease).
-- Actual to date: a stock (followers) is its latest figure on or before the day; a flow adds up since the start;
-- a ratio is sum(numerator) / sum(denominator) since the start (never a mean of daily rates).
-- Baseline: goals.yaml's, else 0 for a flow, else the actual on the start day or, without data that day, on the
-- first day with data (baseline_source says which). Before any data the status is no_data and nothing is
-- computed. Projections stay within what the metric can be (shares and rates 0-100, counts >= 0); completion is
-- bounded to 0-100.

{%- set flows = ['engagements', 'reach', 'views', 'posts_published', 'mentions', 'net_follower_change'] %}
{%- set percents = ['engagement_rate_by_reach', 'engagement_rate_by_followers', 'engagement_rate_by_views',
                    'share_of_voice_mentions', 'share_of_voice_engagement', 'follower_growth_rate'] %}

with

goals as (

    select * from {{ ref('int_goals_resolved') }}

),

brand_daily as (

    select * from {{ ref('fct_brand_daily') }}

),

kpis as (
    {{ unpivot_kpis('brand_daily') }}

),

data_end as (

    select max(metric_date) as last_metric_date
    from brand_daily

),

-- one row per goal and day from the start to the deadline, or to the last day with data if earlier
goal_days as (

    select
        goals.*,
        cast(day_value as date) as metric_date
    from goals
    cross join data_end
    cross join lateral unnest(
        generate_series(
            cast(goals.start_date as timestamp),
            cast(least(goals.deadline_date, data_end.last_metric_date) as timestamp),
            interval 1 day
        )
    ) as days(day_value)

),

-- a stock's latest figure on or before the goal's start (the baseline on the start day)
stock_before_start as (

    select
        goals.goal_id,
        arg_max(kpis.value, kpis.metric_date) as value_at_start
    from goals
    inner join kpis
        on goals.metric = kpis.kpi
        and goals.client_brand = kpis.client_brand
        and goals.brand = kpis.brand
        and goals.platform = kpis.platform
        and kpis.metric_date <= goals.start_date
    where kpis.kind = 'stock'
    group by goals.goal_id

),

daily as (

    select
        goal_days.*,
        kpis.value as day_value_of_metric,
        kpis.numerator,
        kpis.denominator,
        kpis.sample_size as day_sample_size,
        kpis.day_basis,
        kpis.value is not null as has_data,
        goal_days.metric in ({{ "'" ~ flows | join("', '") ~ "'" }}) as is_cumulative,
        goal_days.metric = 'followers' as is_stock,
        goal_days.metric in ({{ "'" ~ percents | join("', '") ~ "'" }}) as is_percent
    from goal_days
    left join kpis
        on goal_days.metric = kpis.kpi
        and goal_days.client_brand = kpis.client_brand
        and goal_days.brand = kpis.brand
        and goal_days.platform = kpis.platform
        and goal_days.metric_date = kpis.metric_date

),

accumulated as (

    select
        daily.*,
        count(*) filter (where has_data) over goal_to_date as days_with_data,
        count(*) over goal_to_date as days_elapsed,
        sum(day_sample_size) over goal_to_date as sample_size,
        case
            when is_stock then last_value(day_value_of_metric ignore nulls) over goal_to_date
            when is_cumulative then
                case when count(*) filter (where has_data) over goal_to_date > 0
                    then sum(coalesce(day_value_of_metric, 0)) over goal_to_date end
            else {{ rate_pct('sum(numerator) over goal_to_date', 'sum(denominator) over goal_to_date') }}
        end as actual_value,
        last_value(case when has_data then metric_date end ignore nulls) over goal_to_date as actual_value_date,
        min(case when has_data then metric_date end) over goal_all as first_data_date,
        last_value(day_basis ignore nulls) over goal_all as goal_day_basis
    from daily
    window
        goal_to_date as (
            partition by goal_id
            order by metric_date
            rows between unbounded preceding and current row
        ),
        goal_all as (
            partition by goal_id
            order by metric_date
            rows between unbounded preceding and unbounded following
        )

),

with_baseline as (

    select
        accumulated.*,
        case
            when baseline_value is not null then 'configured'
            when is_cumulative then 'zero_for_cumulative'
            when stock_before_start.value_at_start is not null then 'start_day'
            when first_data_date = start_date then 'start_day'
            when first_data_date is not null then 'first_day_with_data'
        end as baseline_source,
        coalesce(
            baseline_value,
            case when is_cumulative then 0 end,
            stock_before_start.value_at_start,
            first(actual_value ignore nulls) over (
                partition by accumulated.goal_id
                order by metric_date
                rows between unbounded preceding and unbounded following
            )
        ) as effective_baseline_value
    from accumulated
    left join stock_before_start
        on accumulated.goal_id = stock_before_start.goal_id

),

paced as (

    select
        *,
        {{ linear_expected_value('effective_baseline_value', 'target_value', 'start_date', 'deadline_date', 'metric_date') }}
            as expected_value,
        {{ linear_projected_value('effective_baseline_value', 'actual_value', 'start_date', 'deadline_date', 'metric_date') }}
            as unbounded_projected_value,
        case when direction = 'decrease' then -1 else 1 end as sign
    from with_baseline

),

judged as (

    select
        *,
        actual_value is not null and sign * (actual_value - target_value) >= 0 as is_target_reached,
        actual_value is not null and sign * (actual_value - expected_value) >= 0 as is_on_track,
        -- the range the metric can take: shares and rates 0-100 percent, counts and followers >= 0
        {{ rate_pct('actual_value - effective_baseline_value', 'target_value - effective_baseline_value') }}
            as completion_raw_pct,
        case
            when is_percent then least(greatest(unbounded_projected_value, 0), 100)
            when metric = 'net_follower_change' then unbounded_projected_value
            else greatest(unbounded_projected_value, 0)
        end as projected_value
    from paced

),

final as (

    select
        goal_id,
        metric_date,
        goal_description,
        metric,
        client_brand,
        brand,
        platform,
        direction,
        coalesce(goal_day_basis, 'partition_day') as day_basis,
        start_date,
        deadline_date,
        baseline_value,
        effective_baseline_value,
        baseline_source,
        target_value,
        {{ goal_elapsed_fraction('start_date', 'deadline_date', 'metric_date') }} * 100 as time_elapsed_pct,
        case
            when actual_value is null then 'no_data'
            when is_target_reached then 'achieved'
            when metric_date = deadline_date then 'missed'
            when is_on_track then 'on_track'
            else 'behind'
        end as status,
        actual_value,
        actual_value_date,
        days_with_data,
        days_elapsed,
        sample_size,
        case
            when actual_value is null then false
            when is_cumulative or is_stock then days_with_data >= 1
            else coalesce(sample_size, 0) >= {{ var('min_sample_posts') | int }}
        end as is_sufficient_sample,
        case when actual_value is not null then expected_value end as expected_value,
        case when actual_value is not null then is_on_track end as is_on_track,
        actual_value - effective_baseline_value as progress_value,
        case when actual_value is not null then expected_value - effective_baseline_value end
            as expected_progress_value,
        -- how the actual compares with where the goal needs to be today: 100 = on pace, 80 = 20 % short
        -- (for a goal that goes down: expected / actual). actual / expected, not progress / expected progress,
        -- which explodes while the expected progress is small.
        case
            when actual_value is null then null
            when direction = 'decrease' and actual_value > 0 then {{ rate_pct('expected_value', 'actual_value') }}
            when direction = 'increase' and expected_value > 0 then {{ rate_pct('actual_value', 'expected_value') }}
        end as goal_pace_pct,
        -- the share of the way from the baseline to the target covered so far, 0 to 100
        case
            when actual_value is null then null
            when is_target_reached then 100.0
            when coalesce(completion_raw_pct, 0) <= 0 then 0.0
            when completion_raw_pct >= 100 then 100.0
            else completion_raw_pct
        end as goal_completion_pct,
        case when actual_value is not null then projected_value end as projected_value,
        case when actual_value is not null then sign * (projected_value - target_value) >= 0 end
            as is_projected_to_reach_target
    from judged

)

select * from final
