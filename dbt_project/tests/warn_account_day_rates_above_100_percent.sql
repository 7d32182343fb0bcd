{{ config(severity='warn') }}

-- An account day's engagement rates come from the platform's own figures; above 100 % usually means a figure
-- the platform revised or a mismatch of metrics (engagements counted on a different day than reach). A warning,
-- not an error: a platform can count more interactions than unique people reached. Returns those days.

select
    platform,
    account_id,
    metric_date,
    engagement_rate_by_reach,
    engagement_rate_by_followers
from {{ ref('fct_account_daily') }}
where engagement_rate_by_reach > 100
    or engagement_rate_by_followers > 100
