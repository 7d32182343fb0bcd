"""The report data layer: every query the reports and the Dagster UI summaries run against the marts.

This is the one Python module that names mart columns (besides the alert sensor's `fct_kpi_daily`), so a
column renamed in dbt is followed here and nowhere else. Each function returns a polars frame with the columns
its docstring lists. Period rates are pooled, sum(numerator) / sum(denominator) x 100, as in the marts.

Every query of a report is scoped to one client brand (`client`): the marts hold a competitor once per client
whose competitive set lists it (`client_brand`), so a query on competitor rows without `client_brand = ?` would
count a shared competitor twice and show one client's competitors in another's report. Own numbers are the rows
with `brand = client_brand`.

Every query orders its rows (a group by alone comes back in any order): the same data gives the same report,
byte for byte, which is what lets a run leave an unchanged report as it is (render.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import polars as pl

from pipelines.ingest_failures import TABLE as INGEST_FAILURES_TABLE

ALERTS_TABLE = "alerts.kpi_alerts"
SYSTEM_ALERT_KPIS = ("run_failure", "data_freshness")  # alerts about the pipeline, shown in every client's report


def _frame(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """The result as polars; sums of BIGINT (HUGEINT, arriving as decimals) become floats."""
    frame = conn.execute(sql, params or []).pl()
    decimals = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Decimal)]
    return frame.with_columns(pl.col(decimals).cast(pl.Float64)) if decimals else frame


def table_exists(conn: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    row = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchone()
    return bool(row and row[0])


def has_column(conn: duckdb.DuckDBPyConnection, qualified: str, column: str) -> bool:
    schema, name = qualified.split(".")
    row = conn.execute(
        "select count(*) from information_schema.columns where table_schema = ? and table_name = ? and column_name = ?",
        [schema, name, column],
    ).fetchone()
    return bool(row and row[0])


def latest_data_date(conn: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest day of own-account data of any client (the end of a report run without a partition window,
    and the day up to which a client's account is expected to have data)."""
    if not table_exists(conn, "marts.fct_account_daily"):
        return None
    (value,) = conn.execute("select max(metric_date) from marts.fct_account_daily").fetchone()
    return value


# ---------------------------------------------------------------------------------------------- headline, trends

_BRAND_TOTALS = """
    select
        platform,
        count(distinct metric_date) filter (where accounts_reporting > 0) as days_reported,
        sum(engagements) as engagements,
        sum(reach) as reach,
        sum(views) as views,
        sum(posts_published) as posts,
        sum(net_follower_change) as net_follower_change,
        arg_max(followers, metric_date) filter (where followers is not null) as followers_end,
        arg_min(follower_growth_rate_denominator, metric_date)
            filter (where follower_growth_rate_denominator is not null) as followers_start,
        sum(engagement_rate_by_reach_numerator) * 100.0 / nullif(sum(engagement_rate_by_reach_denominator), 0)
            as engagement_rate_by_reach,
        sum(engagement_rate_by_views_numerator) * 100.0 / nullif(sum(engagement_rate_by_views_denominator), 0)
            as engagement_rate_by_views,
        sum(mentions) as mentions
    from marts.fct_brand_daily
    where client_brand = ? and brand = client_brand and metric_date between ? and ?
    group by platform
    order by platform
"""


def brand_totals(conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The client's own accounts, one row per platform (and `all`): days_reported, engagements, reach, views,
    posts, net_follower_change, followers_end, followers_start, engagement_rate_by_reach,
    engagement_rate_by_views, mentions."""
    return _frame(conn, _BRAND_TOTALS, [client, start, end])


def brand_daily(conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The client's own accounts, one row per platform (not `all`) and day: metric_date, platform,
    engagement_rate_by_reach, engagement_rate_by_views, engagements, reach, views, followers, posts."""
    return _frame(
        conn,
        """
        select metric_date, platform, engagement_rate_by_reach, engagement_rate_by_views, engagements, reach,
               views, followers, posts_published as posts
        from marts.fct_brand_daily
        where client_brand = ? and brand = client_brand and platform <> 'all' and metric_date between ? and ?
            and accounts_reporting > 0
        order by platform, metric_date
        """,
        [client, start, end],
    )


def share_of_voice_period(
    conn: duckdb.DuckDBPyConnection, client: str, grain: str, period_start: dt.date, platform: str = "all"
) -> pl.DataFrame:
    """Every brand of the client's competitive set, its share in one period: brand, is_own_brand (the client),
    basis, value, share_pct, rank, change_pct_points, days_covered, period_days (bases mentions and
    engagement)."""
    return _frame(
        conn,
        """
        select brand, brand = client_brand as is_own_brand, basis, value, share_pct, rank, change_pct_points,
               days_covered, period_days
        from marts.fct_share_of_voice
        where client_brand = ? and period_grain = ? and period_start = ? and platform = ?
            and basis in ('mentions', 'engagement')
        order by basis, rank, brand
        """,
        [client, grain, period_start, platform],
    )


def share_of_voice_series(
    conn: duckdb.DuckDBPyConnection, client: str, grain: str, start: dt.date, end: dt.date, basis: str = "mentions"
) -> pl.DataFrame:
    """Shares within the client's set over time on all platforms: period_start, brand, is_own_brand, share_pct."""
    return _frame(
        conn,
        """
        select period_start, brand, brand = client_brand as is_own_brand, share_pct
        from marts.fct_share_of_voice
        where client_brand = ? and period_grain = ? and platform = 'all' and basis = ?
            and period_start between ? and ?
        order by period_start, brand
        """,
        [client, grain, basis, start, end],
    )


# ---------------------------------------------------------------------------------------------- posts

# posts are compared on public engagements (reactions, comments, shares), which every post has whatever its
# platform and age (X gives clicks only for posts under 30 days)
_POST_RATE = "coalesce(public_engagement_rate_by_reach, public_engagement_rate_by_views)"


def posts_ranked(
    conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date, limit: int, *, best: bool = True
) -> pl.DataFrame:
    """The client's best (or worst) posts published in the period by public engagement rate (by reach; by views
    where the platform gives no reach): platform, post_url, caption, content_type, published_at_local, engagements,
    reach, views, engagement_rate_by_reach, engagement_rate_by_views, engagement_rate, rate_basis."""
    order = "desc" if best else "asc"
    return _frame(
        conn,
        f"""
        select platform, post_id, post_url, caption, content_type, published_at_local, engagements, reach, views,
               public_engagement_rate_by_reach as engagement_rate_by_reach,
               public_engagement_rate_by_views as engagement_rate_by_views, {_POST_RATE} as engagement_rate,
               case when public_engagement_rate_by_reach is not null then 'reach' else 'views' end as rate_basis
        from marts.fct_posts
        where client_brand = ? and brand = client_brand and published_date_local between ? and ?
            and {_POST_RATE} is not null
        order by engagement_rate {order}, engagements {order}, post_id
        limit ?
        """,
        [client, start, end, limit],
    )


def posts_by_platform(conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The client's posts published in the period per platform: platform, posts, posts_with_rate."""
    return _frame(
        conn,
        f"""
        select platform, count(*) as posts, count({_POST_RATE}) as posts_with_rate
        from marts.fct_posts
        where client_brand = ? and brand = client_brand and published_date_local between ? and ?
        group by platform
        order by platform
        """,
        [client, start, end],
    )


# ---------------------------------------------------------------------------------------------- market


def competitor_benchmark(conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Every brand of the client's competitive set per platform over the weeks that start in the period: brand,
    is_own_brand (the client), platform, weeks, posts, public_engagements, public_engagements_per_post,
    follower_change, followers_end."""
    return _frame(
        conn,
        """
        select brand, brand = client_brand as is_own_brand, platform, count(*) as weeks, sum(posts) as posts,
               sum(public_engagements) as public_engagements,
               sum(public_engagements) / nullif(sum(posts), 0) as public_engagements_per_post,
               sum(follower_change) as follower_change,
               arg_max(followers, period_start) as followers_end
        from marts.fct_competitor_benchmark
        where client_brand = ? and period_start between ? and ?
        group by all
        order by platform, is_own_brand desc, brand
        """,
        [client, start, end],
    )


def best_time_slots(conn: duckdb.DuckDBPyConnection, client: str) -> pl.DataFrame:
    """The client's best-time-to-post grid: platform, weekday (1 = Monday), hour_of_day, posts, lift_pct,
    is_sufficient_sample, window_start_date, window_end_date."""
    return _frame(
        conn,
        """
        select platform, weekday, hour_of_day, posts, lift_pct, is_sufficient_sample, window_start_date,
               window_end_date
        from marts.fct_best_time_to_post
        where client_brand = ?
        order by platform, weekday, hour_of_day
        """,
        [client],
    )


def content_performance(conn: duckdb.DuckDBPyConnection, client: str, month_start: dt.date) -> pl.DataFrame:
    """The client's posts of one month by platform and format: platform, content_type, posts, total_engagements,
    median_engagements, engagement_rate_by_reach, engagement_rate_by_views."""
    return _frame(
        conn,
        """
        select platform, content_type, posts, total_public_engagements as total_engagements,
               median_public_engagements as median_engagements,
               public_engagement_rate_by_reach as engagement_rate_by_reach,
               public_engagement_rate_by_views as engagement_rate_by_views, is_sufficient_sample
        from marts.fct_content_performance
        where client_brand = ? and period_start = ?
        order by platform, posts desc, content_type
        """,
        [client, month_start],
    )


def hashtag_performance(
    conn: duckdb.DuckDBPyConnection, client: str, month_start: dt.date, limit: int = 12
) -> pl.DataFrame:
    """The month's most used hashtags of the client's posts: platform, hashtag, posts, posts_without,
    engagements_per_post, rate_difference (with minus without, percentage points; by reach, else by views)."""
    return _frame(
        conn,
        """
        select platform, hashtag, posts, posts_without, public_engagements_per_post as engagements_per_post,
               coalesce(public_engagement_rate_by_reach_difference, public_engagement_rate_by_views_difference)
                   as rate_difference,
               is_sufficient_sample
        from marts.fct_hashtag_performance
        where client_brand = ? and period_start = ?
        order by posts desc, public_engagements_per_post desc nulls last, hashtag
        limit ?
        """,
        [client, month_start, limit],
    )


# ---------------------------------------------------------------------------------------------- goals, alerts


def goal_progress(conn: duckdb.DuckDBPyConnection, client: str, as_of: dt.date) -> pl.DataFrame:
    """Each goal of the client (goals.yaml: its own, and those on a competitor's share it wants to take) on its
    newest day up to `as_of`: goal_id, goal_description, metric, brand, platform, metric_date, deadline_date,
    status, actual_value, target_value, expected_value, goal_pace_pct, is_on_track, goal_completion_pct,
    time_elapsed_pct, projected_value, is_projected_to_reach_target."""
    return _frame(
        conn,
        """
        select goal_id, goal_description, metric, brand, platform, metric_date, deadline_date, status, actual_value,
               target_value,
               expected_value, goal_pace_pct, is_on_track, goal_completion_pct, time_elapsed_pct, projected_value,
               is_projected_to_reach_target
        from marts.fct_goal_progress
        where client_brand = ? and metric_date <= ?
        qualify row_number() over (partition by goal_id order by (actual_value is not null) desc, metric_date desc) = 1
        order by goal_id
        """,
        [client, as_of],
    )


def alerts_between(
    conn: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, client: str | None = None
) -> pl.DataFrame:
    """Alerts raised on the period's days (of the client, plus pipeline alerts): kpi_date, severity, rule_name,
    kpi, brand, platform, value, baseline, change_pct, message. Empty when alerts were never evaluated.

    A client's alerts are those whose `client_brand` is the client; a table written before alerts carried
    `client_brand` (or a row without one) falls back to `brand`. Pipeline alerts without a client (a failed run,
    a stale table) are every client's."""
    columns = "kpi_date, severity, rule_name, kpi, brand, platform, value, baseline, change_pct, message"
    if not table_exists(conn, ALERTS_TABLE):
        return pl.DataFrame(schema=[c.strip() for c in columns.split(",")])
    client_filter, params = "", [start, end]
    if client is not None:
        own = f"(brand = ? or kpi in {SYSTEM_ALERT_KPIS})"
        if has_column(conn, ALERTS_TABLE, "client_brand"):
            client_filter = f"and (client_brand = ? or (client_brand is null and {own}))"
            params += [client, client]
        else:
            client_filter = f"and {own}"
            params.append(client)
    return _frame(
        conn,
        f"""
        select {columns}
        from {ALERTS_TABLE}
        where kpi_date between ? and ? {client_filter}
        order by kpi_date, case severity when 'critical' then 0 when 'warning' then 1 else 2 end, rule_name, platform
        """,
        params,
    )


# ---------------------------------------------------------------------------------------------- coverage, gaps


def account_coverage(conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    """What the client's own accounts cover in the period, per platform with any row: platform, account_ids,
    days (with any row: account figures or posts), days_with_figures (the platform's account figures),
    days_with_reach, days_with_engagements, days_with_followers, dates (with any row, sorted), figure_dates."""
    return _frame(
        conn,
        """
        select platform, list(distinct account_id order by account_id) as account_ids,
               count(distinct metric_date) as days,
               count(distinct metric_date) filter (where has_account_metrics) as days_with_figures,
               count(distinct metric_date) filter (where reach is not null) as days_with_reach,
               count(distinct metric_date) filter (where engagements is not null) as days_with_engagements,
               count(distinct metric_date) filter (where followers is not null) as days_with_followers,
               list(distinct metric_date order by metric_date) as dates,
               coalesce(list(distinct metric_date order by metric_date) filter (where has_account_metrics), [])
                   as figure_dates
        from marts.fct_account_daily
        where client_brand = ? and brand = client_brand and metric_date between ? and ?
        group by platform
        order by platform
        """,
        [client, start, end],
    )


def open_ingest_failures(
    conn: duckdb.DuckDBPyConnection, client: str, *, account_ids: Iterable[str] = (), competitors: Iterable[str] = ()
) -> pl.DataFrame:
    """What could not be read and still is not (ops.ingest_failures, open rows) that concerns the client, oldest
    first: source, table_name, account_id, brand, reason (the platform's words, secrets removed),
    first_failed_at, last_failed_at, failed_runs, scope (`client`: its accounts, or a source read through them;
    `competitor`: a brand of its set; `source`: a whole source failed, every client's)."""
    empty = pl.DataFrame(
        schema={
            "source": pl.Utf8,
            "table_name": pl.Utf8,
            "account_id": pl.Utf8,
            "brand": pl.Utf8,
            "reason": pl.Utf8,
            "first_failed_at": pl.Datetime(time_zone="UTC"),
            "last_failed_at": pl.Datetime(time_zone="UTC"),
            "failed_runs": pl.Int32,
            "scope": pl.Utf8,
        }
    )
    if not table_exists(conn, INGEST_FAILURES_TABLE):
        return empty
    accounts, rivals = list(account_ids) or [""], list(competitors) or [""]
    return _frame(
        conn,
        f"""
        select source, table_name, account_id, brand, reason, first_failed_at, last_failed_at, failed_runs,
               case
                   when brand = ? or list_contains(?, account_id) then 'client'
                   when list_contains(?, brand) then 'competitor'
                   else 'source'
               end as scope
        from {INGEST_FAILURES_TABLE}
        where resolved_at is null
            and (brand = ? or list_contains(?, account_id) or list_contains(?, brand)
                 or (brand is null and account_id is null))
        order by first_failed_at, source, table_name, account_id
        """,
        [client, accounts, rivals, client, accounts, rivals],
    )


def alerts_evaluated_through(conn: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest KPI date the alert rules have evaluated (None when never)."""
    if not table_exists(conn, "alerts.evaluated_dates"):
        return None
    (value,) = conn.execute("select max(kpi_date) from alerts.evaluated_dates").fetchone()
    return value


# ---------------------------------------------------------------------------------------------- UI summaries


def account_week_by_platform(
    conn: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, client: str | None = None
) -> pl.DataFrame:
    """fct_account_daily over some days (of one client's accounts, or of every client's), per platform and in
    total (`all`): platform, days, engagements, reach, views, posts, followers_end, engagement_rate_by_reach
    (pooled over the accounts with both)."""
    return _frame(
        conn,
        """
        with per_platform as (
            select platform, count(distinct metric_date) as days, sum(engagements) as engagements,
                   sum(reach) as reach, sum(views) as views, sum(posts_published) as posts,
                   arg_max(followers, metric_date) filter (where followers is not null) as followers_end,
                   sum(engagements) filter (where reach > 0) as engagements_with_reach,
                   sum(reach) filter (where engagements is not null) as reach_with_engagements
            from marts.fct_account_daily
            where metric_date between ? and ? and (cast(? as varchar) is null or client_brand = ?)
            group by platform
        ),
        with_total as (
            select * from per_platform
            union all
            select 'all', max(days), sum(engagements), sum(reach), sum(views), sum(posts), sum(followers_end),
                   sum(engagements_with_reach), sum(reach_with_engagements)
            from per_platform
        )
        select platform, days, engagements, reach, views, posts, followers_end,
               engagements_with_reach * 100.0 / nullif(reach_with_engagements, 0) as engagement_rate_by_reach
        from with_total
        order by platform = 'all', engagements desc nulls last
        """,
        [start, end, client, client],
    )


def own_brands_in_warehouse(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        row[0] for row in conn.execute("select brand from marts.dim_brands where is_own_brand order by 1").fetchall()
    ]


def latest_kpis(conn: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The newest value of every KPI of each client brand's own numbers on all platforms: kpi, brand,
    metric_date, value."""
    return _frame(
        conn,
        """
        select kpi, brand, metric_date, value
        from marts.fct_kpi_daily
        where brand = client_brand and platform = 'all'
        qualify row_number() over (partition by kpi, brand order by metric_date desc) = 1
        order by brand, kpi
        """,
    )


def comments_awaiting_reply(
    conn: duckdb.DuckDBPyConnection,
    limit: int = 10,
    client: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pl.DataFrame:
    """The audience comments that need the brand's reply and have none, oldest first: the community manager's
    list (fct_comments: needs_reply and not is_answered), of one client brand's own posts or all clients',
    written in [since, until]."""
    return _frame(
        conn,
        f"""
        select client_brand, brand, platform, created_at, age_hours, is_question, sentiment, comment_text, post_url
        from marts.fct_comments
        where needs_reply and not is_answered and brand = client_brand and (? is null or client_brand = ?)
            and created_date between coalesce(?, date '1970-01-01') and coalesce(?, date '9999-12-31')
        order by created_at
        limit {int(limit)}
        """,
        [client, client, since, until],
    )


def responsiveness_by_platform(
    conn: duckdb.DuckDBPyConnection, client: str, start: dt.date, end: dt.date
) -> pl.DataFrame:
    """Per platform (and 'all'), the comments written on a client brand's own posts in [start, end]: comments,
    needing a reply, answered share, median and 90th-percentile reply minutes, questions unanswered after 24 h
    (fct_comments)."""
    return _frame(
        conn,
        """
        with comments as (
            select * from marts.fct_comments
            where client_brand = ? and brand = client_brand and created_date between ? and ?
                and not coalesce(is_brand_author, false)
        )
        select
            coalesce(platform, 'all') as platform,
            count(*) as comments,
            count(*) filter (where needs_reply) as comments_needing_reply,
            100.0 * count(*) filter (where needs_reply and is_answered)
                / nullif(count(*) filter (where needs_reply), 0) as answered_share_pct,
            median(reply_minutes) filter (where needs_reply and is_answered) as median_reply_minutes,
            quantile_cont(reply_minutes, 0.9) filter (where needs_reply and is_answered) as p90_reply_minutes,
            count(*) filter (where is_unanswered_question_over_24h) as unanswered_questions_over_24h
        from comments
        group by rollup (platform)
        order by platform = 'all', platform
        """,
        [client, start, end],
    )


def comments_awaiting_reply_count(conn: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(comments awaiting a reply, of them questions unanswered after 24 h)."""
    (waiting, overdue) = conn.execute(
        "select count(*) filter (where needs_reply and not is_answered), "
        "count(*) filter (where is_unanswered_question_over_24h) from marts.fct_comments"
    ).fetchone()
    return int(waiting or 0), int(overdue or 0)


def latest_share_of_voice_week(conn: duckdb.DuckDBPyConnection) -> dt.date | None:
    (value,) = conn.execute(
        "select max(period_start) from marts.fct_share_of_voice where period_grain = 'week' and basis = 'mentions'"
    ).fetchone()
    return value


def latest_date_of(conn: duckdb.DuckDBPyConnection, table: str, column: str) -> dt.date | None:
    (value,) = conn.execute(f'select max("{column}") from {table}').fetchone()
    return value


def row_count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    (value,) = conn.execute(f"select count(*) from {table}").fetchone()
    return int(value)


def column_types(conn: duckdb.DuckDBPyConnection, schema: str) -> dict[str, dict[str, str]]:
    """{table: {column: warehouse type}} of one schema, in column order."""
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in conn.execute(
        "select table_name, column_name, data_type from information_schema.columns where table_schema = ? "
        "order by table_name, ordinal_position",
        [schema],
    ).fetchall():
        out.setdefault(table, {})[column] = data_type
    return out
