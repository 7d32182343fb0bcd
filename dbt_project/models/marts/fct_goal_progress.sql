-- Each goal of goals.yaml day by day: the actual value, where a straight line from the baseline to the target
-- says it should be, whether it is on track, and where the current pace leads by the deadline.
-- Every goal metric is "higher is better" (followers, engagement rates, engagements, reach, views, posts,
-- mentions, share of voice): on track = at or above the expected value. The pace is the actual value as a
-- percentage of the expected value (100 = on pace, 80 = 20 % below where the goal needs to be today).

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

daily as (

    select
        goal_days.*,
        kpis.kind,
        kpis.value as day_value_of_metric,
        kpis.numerator,
        kpis.denominator
    from goal_days
    left join kpis
        on goal_days.metric = kpis.kpi
        and goal_days.brand = kpis.brand
        and goal_days.platform = kpis.platform
        and goal_days.metric_date = kpis.metric_date

),

-- actual to date: a stock is the day's value; a flow adds up since the start; a ratio is
-- sum(numerator) / sum(denominator) since the start (never a mean of daily rates)
accumulated as (

    select
        *,
        case
            when metric in ('followers') then day_value_of_metric
            when metric in ('engagements', 'reach', 'views', 'posts_published', 'mentions', 'net_follower_change')
                then sum(day_value_of_metric) over goal_to_date
            else {{ rate_pct('sum(numerator) over goal_to_date', 'sum(denominator) over goal_to_date') }}
        end as actual_value,
        metric in ('engagements', 'reach', 'views', 'posts_published', 'mentions', 'net_follower_change')
            as is_cumulative
    from daily
    window goal_to_date as (
        partition by goal_id
        order by metric_date
        rows between unbounded preceding and current row
    )

),

-- no baseline in goals.yaml: a cumulative goal starts from 0, any other from the first measured value
with_baseline as (

    select
        *,
        coalesce(
            baseline_value,
            case
                when is_cumulative then 0
                else first(actual_value ignore nulls) over (
                    partition by goal_id
                    order by metric_date
                    rows between unbounded preceding and unbounded following
                )
            end
        ) as effective_baseline_value
    from accumulated

),

paced as (

    select
        *,
        {{ linear_expected_value('effective_baseline_value', 'target_value', 'start_date', 'deadline_date', 'metric_date') }}
            as expected_value,
        {{ linear_projected_value('effective_baseline_value', 'actual_value', 'start_date', 'deadline_date', 'metric_date') }}
            as projected_value
    from with_baseline

),

final as (

    select
        goal_id,
        metric_date,
        goal_description,
        metric,
        brand,
        platform,
        start_date,
        deadline_date,
        baseline_value,
        effective_baseline_value,
        target_value,
        {{ goal_elapsed_fraction('start_date', 'deadline_date', 'metric_date') }} * 100 as time_elapsed_pct,
        actual_value,
        expected_value,
        actual_value >= expected_value as is_on_track,
        actual_value - effective_baseline_value as progress_value,
        expected_value - effective_baseline_value as expected_progress_value,
        -- actual / expected (not progress / expected progress: that ratio explodes while the expected progress
        -- is still small - early in a goal or when the baseline is close to the target - e.g. -1093 % a week into
        -- a share-of-voice goal, and it flips meaning when the baseline is already beyond the target)
        case
            when expected_value > 0 then {{ rate_pct('actual_value', 'expected_value') }}
        end as goal_pace_pct,
        {{ rate_pct('actual_value - effective_baseline_value', 'target_value - effective_baseline_value') }}
            as goal_completion_pct,
        projected_value,
        projected_value >= target_value as is_projected_to_reach_target
    from paced

)

select * from final
