-- Goal progress a marketer can act on: completion is bounded to 0-100 %, projections stay within what the metric
-- can be (shares and rates 0-100 %, counts and followers at least 0), nothing is judged without data.
-- Returns the rows that break it (none expected).

select
    goal_id,
    metric_date,
    metric,
    status,
    goal_completion_pct,
    projected_value
from {{ ref('fct_goal_progress') }}
where goal_completion_pct < 0
    or goal_completion_pct > 100
    or (projected_value < 0 and metric <> 'net_follower_change')
    or (
        projected_value > 100
        and metric in (
            'engagement_rate_by_reach', 'engagement_rate_by_views', 'engagement_rate_by_followers',
            'share_of_voice_mentions', 'share_of_voice_engagement', 'follower_growth_rate'
        )
    )
    or (status = 'no_data' and (actual_value is not null or expected_value is not null))
