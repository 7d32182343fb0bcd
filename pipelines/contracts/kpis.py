"""The KPIs of marts.fct_kpi_daily that alert rules and goals can name: one source for the names, how a KPI
reads in a message, whether it is a percentage, and which engagement view it uses.

The dbt project computes them (dbt_project/macros/kpis.sql); the generated macro `contract_kpi_names()` carries
this list to dbt, where an accepted_values test on fct_kpi_daily.kpi keeps both sides equal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    is_percent: bool = False
    # account_figures: the platform's own account numbers; received_on_posts: daily increases of own posts'
    # lifetime totals; published_posts: lifetime totals of the posts published that day; not_applicable
    engagement_view: str = "not_applicable"


KPI_CATALOGUE: tuple[Kpi, ...] = (
    Kpi("engagement_rate_by_reach", "Engagement rate (by reach)", True, "account_figures"),
    Kpi("engagement_rate_by_views", "Engagement rate (by views)", True, "account_figures"),
    Kpi("engagement_rate_by_followers", "Engagement rate (by followers)", True, "account_figures"),
    Kpi("engagements", "Engagements", False, "account_figures"),
    Kpi("engagements_received_on_posts", "Engagements received on posts", False, "received_on_posts"),
    Kpi("reach", "Reach"),
    Kpi("views", "Views"),
    Kpi("followers", "Followers"),
    Kpi("net_follower_change", "Net follower change"),
    Kpi("follower_growth_rate", "Follower growth rate", True),
    Kpi("posts_published", "Posts published"),
    Kpi("mentions", "Mentions"),
    Kpi("share_of_voice_mentions", "Share of voice (mentions)", True),
    Kpi("share_of_voice_engagement", "Share of voice (engagement)", True, "published_posts"),
    Kpi("negative_mention_spike", "Negative share of mentions", True),
    Kpi("editorial_plan_adherence", "Editorial plan adherence", True),
    Kpi("comments_answered_share", "Comments answered", True),
    Kpi("median_reply_minutes", "Median reply time (minutes)"),
    Kpi("unanswered_questions", "Questions unanswered after 24 h"),
    Kpi("goal_pace", "Goal pace", True),
)

KPIS: tuple[str, ...] = tuple(k.name for k in KPI_CATALOGUE)
KPI_LABELS: dict[str, str] = {k.name: k.label for k in KPI_CATALOGUE}
PERCENT_KPIS: frozenset[str] = frozenset(k.name for k in KPI_CATALOGUE if k.is_percent)
