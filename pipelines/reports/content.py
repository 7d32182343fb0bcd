"""One client's report content, in the order a marketer reads it: headline KPIs, data gaps, trends, posts,
share of voice, competitors, best time to post, formats and hashtags, goals, alerts, data coverage. Built from
the data layer, every query scoped to the client (its own accounts, its competitive set, its goals and alerts);
the HTML, PDF and e-mail renderers only lay it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import duckdb
import polars as pl

from pipelines.config.models import Account, BrandsConfig
from pipelines.reports import charts, data
from pipelines.reports import formatting as fmt
from pipelines.reports.charts import Chart, platform_label
from pipelines.reports.coverage import CoverageNote, account_days, coverage_notes, day_ranges
from pipelines.reports.gaps import MARK, Gaps, grouped, ingest_gaps, not_read_by_platform, report_gaps, since_text
from pipelines.reports.periods import Period

TOP_POSTS = 5
RATE_ALERT_KPIS = ("engagement_rate_by_reach", "engagement_rate_by_views")
VOLUME_ALERT_KPIS = ("engagements", "views", "reach")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    tone: str | None = None  # good | bad | None: colours a change


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    numeric: set[int] = field(default_factory=set)  # right-aligned column indexes


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    change: str  # against the previous period
    change_tone: str | None
    previous: str
    goal: str  # against the goal, or "no goal set"
    gap: str | None = None  # what the number leaves out (gaps.py), shown next to it


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    charts: list[Chart] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)
    empty: str | None = None  # shown instead when there is nothing to show
    gap: str | None = None  # what its numbers leave out (gaps.py), shown above them


@dataclass
class Report:
    brand: str
    period: Period
    timezone: str
    generated_at: dt.datetime
    kpis: list[Kpi]
    sections: list[Section]
    coverage: list[CoverageNote]
    alerts_count: int
    gaps: Gaps = field(default_factory=Gaps)

    @property
    def title(self) -> str:
        return f"{self.brand} · {self.period.adjective} report · {self.period.label}"

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]

    @property
    def generated_local(self) -> str:
        return fmt.local_time(self.generated_at, self.timezone)


def _tone(change: float | None, higher_is_better: bool = True) -> str | None:
    if change is None or round(change, 1) == 0:
        return None
    return "good" if (change > 0) == higher_is_better else "bad"


def _row_for(frame: pl.DataFrame, column: str, value: str) -> dict:
    rows = frame.filter(pl.col(column) == value).to_dicts()
    return rows[0] if rows else {}


def _goal_text(goals: pl.DataFrame, metric: str, fmt_value: Callable[[float | None], str]) -> str:
    rows = goals.filter(pl.col("metric") == metric).to_dicts()
    if not rows:
        return "no goal set"
    parts = []
    for goal in rows:
        where = "all platforms" if goal["platform"] == "all" else platform_label(goal["platform"])
        pace = goal["goal_pace_pct"]
        state = "no data yet" if goal["actual_value"] is None else ("on track" if goal["is_on_track"] else "behind")
        parts.append(
            f"{where}: {fmt_value(goal['actual_value'])} of {fmt_value(goal['target_value'])} by "
            f"{goal['deadline_date']:%d %b %Y}, pace {fmt.percent(pace, 0)} ({state})"
        )
    return "; ".join(parts)


def headline_kpis(
    current: pl.DataFrame, previous: pl.DataFrame, sov: pl.DataFrame, goals: pl.DataFrame, gaps: Gaps | None = None
) -> list[Kpi]:
    kpis = _headline_kpis(current, previous, sov, goals)
    if gaps is None:
        return kpis
    totals, mentions = gaps.card_mark(), gaps.area_mark("mentions")
    return [replace(k, gap=mentions if k.key == "share_of_voice" else totals) for k in kpis]


def _headline_kpis(current: pl.DataFrame, previous: pl.DataFrame, sov: pl.DataFrame, goals: pl.DataFrame) -> list[Kpi]:
    now, before = _row_for(current, "platform", "all"), _row_for(previous, "platform", "all")
    kpis: list[Kpi] = []

    rate, rate_before = now.get("engagement_rate_by_reach"), before.get("engagement_rate_by_reach")
    rate_change = rate - rate_before if rate is not None and rate_before is not None else None
    kpis.append(
        Kpi(
            "engagement_rate_by_reach",
            "Engagement rate by reach",
            fmt.percent(rate, 2),
            fmt.points(rate_change),
            _tone(rate_change),
            fmt.percent(rate_before, 2),
            _goal_text(goals, "engagement_rate_by_reach", lambda v: fmt.percent(v, 2)),
        )
    )
    for key, label, goal_metric in (
        ("reach", "Reach", "reach"),
        ("views", "Views", "views"),
        ("engagements", "Engagements", "engagements"),
    ):
        change = fmt.relative_change(now.get(key), before.get(key))
        kpis.append(
            Kpi(
                key,
                label,
                fmt.count(now.get(key)),
                fmt.signed_percent(change),
                _tone(change),
                fmt.count(before.get(key)),
                _goal_text(goals, goal_metric, fmt.count),
            )
        )
    net, net_before = now.get("net_follower_change"), before.get("net_follower_change")
    growth = net * 100.0 / now["followers_start"] if net is not None and now.get("followers_start") else None
    kpis.append(
        Kpi(
            "follower_growth",
            "Follower growth",
            f"{fmt.signed_count(net)} ({fmt.signed_percent(growth)})",
            f"{fmt.signed_count(net - net_before)} vs previous" if net is not None and net_before is not None else "–",
            _tone(net - net_before if net is not None and net_before is not None else None),
            fmt.signed_count(net_before),
            _goal_text(goals, "followers", fmt.count),
        )
    )
    change = fmt.relative_change(now.get("posts"), before.get("posts"))
    kpis.append(
        Kpi(
            "posts",
            "Posts published",
            fmt.count(now.get("posts")),
            fmt.signed_percent(change),
            None,
            fmt.count(before.get("posts")),
            _goal_text(goals, "posts_published", fmt.count),
        )
    )
    own = sov.filter(pl.col("is_own_brand") & (pl.col("basis") == "mentions")).to_dicts()
    share = own[0]["share_pct"] if own else None
    share_change = own[0]["change_pct_points"] if own else None
    previous_share = share - share_change if share is not None and share_change is not None else None
    rank = f" (rank {own[0]['rank']})" if own else ""
    kpis.append(
        Kpi(
            "share_of_voice",
            "Share of voice (mentions)",
            fmt.percent(share) + rank,
            fmt.points(share_change),
            _tone(share_change),
            fmt.percent(previous_share),
            _goal_text(goals, "share_of_voice_mentions", fmt.percent),
        )
    )
    return kpis


def _platform_table(
    current: pl.DataFrame, previous: pl.DataFrame, expected: list[str] | None = None, gaps: Gaps | None = None
) -> Table:
    """One row per platform with data, then one per expected platform without (dashes, never zeros); the last
    column says what a row's numbers leave out."""
    gaps = gaps or Gaps()
    rows = []
    shown = current.filter(pl.col("platform") != "all").sort("engagements", descending=True, nulls_last=True)
    for row in shown.to_dicts():
        before = _row_for(previous, "platform", row["platform"])
        change = fmt.relative_change(row["engagements"], before.get("engagements"))
        mark = gaps.platform_mark(row["platform"])
        rows.append(
            [
                Cell(platform_label(row["platform"])),
                Cell(fmt.count(row["engagements"])),
                Cell(fmt.signed_percent(change), tone=_tone(change)),
                Cell(fmt.count(row["reach"])),
                Cell(fmt.count(row["views"])),
                Cell(fmt.percent(row["engagement_rate_by_reach"], 2)),
                Cell(fmt.count(row["posts"])),
                Cell(fmt.count(row["followers_end"])),
                Cell(fmt.signed_count(row["net_follower_change"])),
                Cell(mark or "complete", tone="bad" if mark else None),
            ]
        )
    for platform in expected or []:
        if platform not in shown["platform"].to_list():
            mark = gaps.platform_mark(platform) or f"{MARK} no data"
            rows.append([Cell(platform_label(platform)), *[Cell(fmt.MISSING)] * 8, Cell(mark, tone="bad")])
    columns = [
        "Platform",
        "Engagements",
        "vs previous",
        "Reach",
        "Views",
        "Eng. rate by reach",
        "Posts",
        "Followers",
        "Net followers",
        "Data",
    ]
    return Table(columns, rows, numeric=set(range(1, 9)))


def _posts_table(posts: pl.DataFrame) -> Table:
    rows = []
    for row in posts.to_dicts():
        caption = (row["caption"] or "").replace("\n", " ")
        caption = caption if len(caption) <= 70 else caption[:67] + "…"
        rows.append(
            [
                Cell(caption or row["post_id"], href=row["post_url"]),
                Cell(platform_label(row["platform"])),
                Cell(row["content_type"] or "–"),
                Cell(f"{row['published_at_local']:%a %d %b, %H:%M}"),
                Cell(fmt.count(row["engagements"])),
                Cell(fmt.percent(row["engagement_rate"], 2) + f" by {row['rate_basis']}"),
                Cell(fmt.percent(row["engagement_rate_by_reach"], 2)),
                Cell(fmt.percent(row["engagement_rate_by_views"], 2)),
            ]
        )
    columns = ["Post", "Platform", "Format", "Published (local)", "Engagements", "Rate", "By reach", "By views"]
    return Table(columns, rows, numeric={4, 5, 6, 7})


def _sov_table(sov: pl.DataFrame) -> Table:
    rows = []
    engagement = {r["brand"]: r for r in sov.filter(pl.col("basis") == "engagement").to_dicts()}
    for row in sov.filter(pl.col("basis") == "mentions").sort("rank").to_dicts():
        eng = engagement.get(row["brand"], {})
        rows.append(
            [
                Cell(row["brand"] + (" (you)" if row["is_own_brand"] else "")),
                Cell(str(row["rank"])),
                Cell(fmt.count(row["value"])),
                Cell(fmt.percent(row["share_pct"])),
                Cell(fmt.points(row["change_pct_points"]), tone=_tone(row["change_pct_points"])),
                Cell(fmt.percent(eng.get("share_pct"))),
                Cell(fmt.points(eng.get("change_pct_points")), tone=_tone(eng.get("change_pct_points"))),
            ]
        )
    columns = ["Brand", "Rank", "Mentions", "Share", "vs previous", "Engagement share", "vs previous"]
    return Table(columns, rows, numeric={1, 2, 3, 4, 5, 6})


def _benchmark_table(bench: pl.DataFrame) -> Table:
    totals = (
        bench.group_by("brand", "is_own_brand")
        .agg(
            pl.col("posts").sum(),
            pl.col("public_engagements").sum(),
            pl.col("follower_change").sum(),
            pl.col("followers_end").sum(),
        )
        .with_columns((pl.col("public_engagements") / pl.col("posts")).alias("per_post"))
        .sort("per_post", descending=True, nulls_last=True)
    )
    rows = [
        [
            Cell(r["brand"] + (" (you)" if r["is_own_brand"] else "")),
            Cell(fmt.count(r["followers_end"])),
            Cell(fmt.signed_count(r["follower_change"])),
            Cell(fmt.count(r["posts"])),
            Cell(fmt.count(r["public_engagements"])),
            Cell(fmt.count(r["per_post"])),
        ]
        for r in totals.to_dicts()
    ]
    columns = ["Brand", "Followers", "Follower change", "Posts", "Public engagements", "Per post"]
    return Table(columns, rows, numeric={1, 2, 3, 4, 5})


def _content_table(content: pl.DataFrame) -> Table:
    rows = [
        [
            Cell(platform_label(r["platform"])),
            Cell(r["content_type"]),
            Cell(fmt.count(r["posts"])),
            Cell(fmt.count(r["median_engagements"])),
            Cell(fmt.percent(r["engagement_rate_by_reach"], 2)),
            Cell(fmt.percent(r["engagement_rate_by_views"], 2)),
        ]
        for r in content.to_dicts()
    ]
    columns = ["Platform", "Format", "Posts", "Median engagements", "Rate by reach", "Rate by views"]
    return Table(columns, rows, numeric={2, 3, 4, 5})


def _hashtag_table(tags: pl.DataFrame) -> Table:
    rows = [
        [
            Cell("#" + r["hashtag"]),
            Cell(platform_label(r["platform"])),
            Cell(fmt.count(r["posts"])),
            Cell(fmt.count(r["engagements_per_post"])),
            Cell(fmt.points(r["rate_difference"]), tone=_tone(r["rate_difference"])),
        ]
        for r in tags.to_dicts()
    ]
    columns = ["Hashtag", "Platform", "Posts", "Engagements per post", "Rate vs posts without"]
    return Table(columns, rows, numeric={2, 3, 4})


def _goal_table(goals: pl.DataFrame) -> Table:
    rows = []
    for g in goals.to_dicts():
        state = "no data yet" if g["actual_value"] is None else ("on track" if g["is_on_track"] else "behind")
        rows.append(
            [
                Cell(g["goal_description"] or g["goal_id"]),
                Cell(f"{g['metric_date']:%d %b %Y}"),
                Cell(
                    fmt.count(g["actual_value"])
                    if abs(g["actual_value"] or 0) >= 100
                    else fmt.percent(g["actual_value"], 2)
                ),
                Cell(
                    fmt.count(g["target_value"]) if abs(g["target_value"]) >= 100 else fmt.percent(g["target_value"], 2)
                ),
                Cell(fmt.percent(g["goal_pace_pct"], 0), tone="good" if g["is_on_track"] else "bad"),
                Cell(fmt.percent(g["time_elapsed_pct"], 0)),
                Cell(state),
            ]
        )
    columns = ["Goal", "As of", "Actual", "Target", "Pace", "Time elapsed", "Status"]
    return Table(columns, rows, numeric={2, 3, 4, 5})


def _alerts_table(alerts: pl.DataFrame) -> Table:
    rows = [
        [
            Cell(f"{a['kpi_date']:%a %d %b}"),
            Cell(a["severity"], tone="bad" if a["severity"] in ("warning", "critical") else None),
            Cell(platform_label(a["platform"]) if a["platform"] != "all" else "All platforms"),
            Cell(a["message"]),
            Cell(fmt.signed_percent(a["change_pct"]), tone="bad" if (a["change_pct"] or 0) < 0 else None),
        ]
        for a in alerts.to_dicts()
    ]
    return Table(["Day", "Severity", "Platform", "What happened", "Change"], rows, numeric={4})


def _responsiveness_table(frame: pl.DataFrame) -> Table:
    rows = [
        [
            Cell("All platforms" if r["platform"] == "all" else platform_label(r["platform"])),
            Cell(fmt.count(r["comments"])),
            Cell(fmt.count(r["comments_needing_reply"])),
            Cell("-" if r["answered_share_pct"] is None else f"{r['answered_share_pct']:.0f} %",
                 tone="bad" if (r["answered_share_pct"] or 100) < 50 else None),
            Cell("-" if r["median_reply_minutes"] is None else f"{r['median_reply_minutes']:.0f} min"),
            Cell("-" if r["p90_reply_minutes"] is None else f"{r['p90_reply_minutes']:.0f} min"),
            Cell(fmt.count(r["unanswered_questions_over_24h"]),
                 tone="bad" if r["unanswered_questions_over_24h"] else None),
        ]
        for r in frame.to_dicts()
    ]  # fmt: skip
    columns = ["Platform", "Comments", "Need a reply", "Answered", "Median reply", "90 % within", "Unanswered > 24 h"]
    return Table(columns, rows, numeric={1, 2, 3, 4, 5, 6})


def _awaiting_table(frame: pl.DataFrame) -> Table:
    rows = [
        [
            Cell(platform_label(r["platform"])),
            Cell(f"{r['created_at']:%a %d %b %H:%M} UTC"),
            Cell("question" if r["is_question"] else r["sentiment"]),
            Cell((r["comment_text"] or "")[:120], href=r["post_url"]),
        ]
        for r in frame.to_dicts()
    ]
    return Table(["Platform", "Written", "Kind", "Comment (opens the post)"], rows)


def _gap_tables(gaps: Gaps, handles: dict[str, str], timezone: str) -> list[tuple[str, Table]]:
    from pipelines.reports.coverage import account_label

    tables = []
    if gaps.failures:
        rows = [
            [
                Cell(group.where),
                Cell("; ".join(group.data)),
                Cell(group.account),
                Cell(since_text(group, timezone), tone="bad"),
                Cell(group.reason),
            ]
            for group in grouped(gaps.failures)
        ]
        tables.append(
            (
                "Not read: open ingest failures",
                Table(["Source", "Data", "Account", "Failing since (runs)", "The platform's words"], rows),
            )
        )
    if gaps.days_without_data:
        rows = [
            [
                Cell(account_label(account.platform, handles)),
                Cell(f"{account.days} of {account.period_days}"),
                Cell(day_ranges(account.missing), tone="bad"),
            ]
            for account in gaps.days_without_data
        ]
        tables.append(("Days without account figures", Table(["Account", "Days with data", "No data on"], rows, {1})))
    return tables


def build_report(
    conn: duckdb.DuckDBPyConnection,
    brand: str,
    period: Period,
    *,
    brands: BrandsConfig,
    timezone: str,
    now: dt.datetime | None = None,
) -> Report:
    """Everything one client brand's report shows, read through the data layer: its own accounts, its
    competitive set, its goals, its alerts and its gaps (never another client's)."""
    client = brand
    previous = period.previous()
    trend_start = previous.start
    accounts = client_accounts(brands, client)
    handles = {platform: account.handle for platform, account in accounts.items()}
    expected = list(accounts)
    set_brands = [b.name for b in brands.competitive_set(brands.brand(client))] if _configured(brands, client) else []
    latest = data.latest_data_date(conn)

    current_totals = data.brand_totals(conn, client, period.start, period.end)
    previous_totals = data.brand_totals(conn, client, previous.start, previous.end)
    sov = data.share_of_voice_period(conn, client, period.grain, period.start)
    goals = data.goal_progress(conn, client, period.end)
    alerts = data.alerts_between(conn, period.start, period.end, client)
    daily = data.brand_daily(conn, client, trend_start, period.end)
    trend_alerts = data.alerts_between(conn, trend_start, period.end, client)
    coverage_now = data.account_coverage(conn, client, period.start, period.end)
    bench = data.competitor_benchmark(conn, client, period.start, period.end)

    failures = ingest_gaps(
        data.open_ingest_failures(
            conn,
            client,
            account_ids=[a.id for a in accounts.values()],
            competitors=[b for b in set_brands if b != client],
        ),
        handles=handles,
        account_platforms={account.id: platform for platform, account in accounts.items()},
    )
    absent = [b for b in set_brands if bench.height and b not in bench["brand"].to_list()]
    gaps = report_gaps(
        failures,
        account_days(period, expected, coverage_now, latest),
        timezone=timezone,
        handles=handles,
        absent_competitors=absent,
    )

    def marks(kpis: tuple[str, ...]) -> list[tuple[dt.date, str]]:
        return [(a["kpi_date"], a["platform"]) for a in trend_alerts.filter(pl.col("kpi").is_in(kpis)).to_dicts()]

    gap_section = Section(
        "gaps",
        "Data gaps",
        f"What could not be read for {client} and the days its accounts have no figures for. Numbers marked "
        f"{MARK} add up what was read: they leave these out (a missing platform is a dash, never a zero).",
        tables=_gap_tables(gaps, handles, timezone),
        empty=None
        if gaps.any
        else f"None: every account of {client} was read on every day of the period and no source is failing.",
    )

    shade = (period.start, period.end)
    trends = Section(
        "trends",
        "Trends per platform",
        f"Day by day over this {period.grain} (shaded) and the one before; ▼ marks a day an alert was raised.",
        charts=[
            charts.daily_lines(
                "engagement_rate",
                "Engagement rate by reach, per day",
                daily,
                "engagement_rate_by_reach",
                "engagement rate by reach, %",
                alerts=marks(RATE_ALERT_KPIS),
                shade=shade,
            ),
            charts.daily_lines(
                "engagements",
                "Engagements, per day",
                daily,
                "engagements",
                "engagements",
                alerts=marks(VOLUME_ALERT_KPIS),
                shade=shade,
            ),
        ],
        tables=[(f"{period.label} per platform", _platform_table(current_totals, previous_totals, expected, gaps))],
        gap=gaps.totals_mark(),
    )

    best_posts = data.posts_ranked(conn, client, period.start, period.end, TOP_POSTS, best=True)
    worst_posts = data.posts_ranked(conn, client, period.start, period.end, TOP_POSTS, best=False)
    posts = Section(
        "posts",
        "Top and bottom posts",
        "Posts published in the period, ranked by engagement rate (by reach; by views where the platform gives "
        "no reach). Links open the post.",
        tables=[("Top posts", _posts_table(best_posts)), ("Bottom posts", _posts_table(worst_posts))],
        empty=None if best_posts.height else "No posts with engagement figures were published in this period.",
        gap=gaps.area_mark("posts"),
    )

    sov_grain, sov_start = ("day", previous.start) if period.grain == "week" else ("week", previous.start)
    sov_series = data.share_of_voice_series(conn, client, sov_grain, sov_start, period.end)
    share = Section(
        "share_of_voice",
        "Share of voice by brand",
        f"Your share of the brand mentions of your competitive set ({', '.join(set_brands) or client}), per "
        f"{sov_grain}, on all platforms.",
        charts=[
            charts.brand_share_lines("share_of_voice", f"Share of voice (mentions) per {sov_grain}", sov_series, client)
        ],
        tables=[(f"{period.label}", _sov_table(sov))] if sov.height else [],
        empty=None if sov.height else "No mentions were measured for this period.",
        gap=gaps.area_mark("mentions"),
    )

    competitors = Section(
        "competitors",
        "Competitor benchmark",
        "Public numbers of every brand of your competitive set (the same for you and your competitors) over the "
        "weeks that start in the period.",
        charts=[
            charts.grouped_bars(
                "benchmark",
                "Public engagements per post, by platform",
                bench,
                "platform",
                "brand",
                "public_engagements_per_post",
                "public engagements per post",
                client,
            )
        ],
        tables=[("All platforms", _benchmark_table(bench))] if bench.height else [],
        empty=None if bench.height else "No competitor data for the weeks of this period.",
        gap=gaps.area_mark("competitors"),
    )

    slots = data.best_time_slots(conn, client)
    best_time = Section(
        "best_time",
        "Best time to post",
        "How posts did by local weekday and hour against the platform's usual level (green = better). Grey "
        "slots have too few posts to judge.",
        charts=[charts.best_time_heat_map("best_time", "Best time to post (lift vs platform median)", slots)],
        empty=None if slots.height else "No posts to learn from yet.",
        gap=gaps.area_mark("posts"),
    )

    month = Period.containing("month", period.end)
    content = data.content_performance(conn, client, month.start)
    tags = data.hashtag_performance(conn, client, month.start)
    scope = month.label if period.grain == "month" else f"{month.label} (formats and hashtags are measured per month)"
    formats = Section(
        "content",
        "Content types and hashtags",
        f"Posts published in {scope}.",
        charts=[
            charts.horizontal_bars(
                "content_types",
                "Engagement rate by format",
                [f"{platform_label(r['platform'])} · {r['content_type']}" for r in content.to_dicts()],
                [
                    r["engagement_rate_by_reach"]
                    if r["engagement_rate_by_reach"] is not None
                    else r["engagement_rate_by_views"]
                    for r in content.to_dicts()
                ],
                "engagement rate (by reach; by views without reach), %",
            )
        ],
        tables=[("Formats", _content_table(content))] + ([("Hashtags", _hashtag_table(tags))] if tags.height else []),
        empty=None if content.height else "No posts in this month.",
        gap=gaps.area_mark("posts"),
    )

    goal_section = Section(
        "goals",
        "Goal progress",
        "Each goal of goals.yaml at the end of the period: the actual value against the straight line from the "
        "baseline to the target (pace 100 % = on the line).",
        charts=[charts.goal_bars("goals", "Goal pace", goals)] if goals.height else [],
        tables=[("Goals", _goal_table(goals))] if goals.height else [],
        empty=None if goals.height else f"No goals are set for {client} (goals.yaml).",
        gap=gaps.totals_mark() if goals.height else None,
    )

    responsiveness = data.responsiveness_by_platform(conn, client, period.start, period.end)
    # the comments of the last 28 days up to the period's end still waiting (older posts are no longer read)
    awaiting = data.comments_awaiting_reply(
        conn, TOP_POSTS * 2, client, since=period.end - dt.timedelta(days=27), until=period.end
    )
    has_comments = responsiveness.height > 0 and responsiveness["comments"].sum() > 0
    conversation = Section(
        "responsiveness",
        "Comments and replies",
        "Comments written on your posts in the period: those that ask, request or complain need a reply; "
        "answered share and reply times count your first reply in the thread. Below, the oldest comments of the "
        "last 28 days still waiting for one.",
        tables=([("Per platform", _responsiveness_table(responsiveness))] if has_comments else [])
        + ([("Waiting for a reply (oldest first)", _awaiting_table(awaiting))] if awaiting.height else []),
        empty=None if has_comments or awaiting.height else "No comments were read for this period.",
    )

    alert_section = Section(
        "alerts",
        "Alerts",
        "Alerts raised on the days of this period (alerts.kpi_alerts).",
        tables=[("Alerts", _alerts_table(alerts))] if alerts.height else [],
        empty=None if alerts.height else "No alert was raised in this period.",
    )

    notes = coverage_notes(
        period,
        expected_platforms=expected,
        accounts=coverage_now,
        previous_accounts=data.account_coverage(conn, client, previous.start, previous.end),
        posts=data.posts_by_platform(conn, client, period.start, period.end),
        latest_data=latest,
        alerts_through=data.alerts_evaluated_through(conn),
        content_rows=content,
        best_time=slots,
        share_of_voice_rows=sov.height,
        empty_sections=[s.title for s in (competitors, posts, formats) if s.empty],
        handles=handles,
        not_read=not_read_by_platform(failures, timezone),
    )
    # a goal on a competitor (a share to take from it) is the client's, but not a target for the client's own KPIs
    own_goals = goals.filter(pl.col("brand") == client) if goals.height else goals
    kpis = headline_kpis(current_totals, previous_totals, sov, own_goals, gaps)
    sections = [
        gap_section,
        trends,
        posts,
        share,
        competitors,
        best_time,
        formats,
        goal_section,
        conversation,
        alert_section,
    ]
    for section in sections:  # a chart with nothing to draw is left out; the section says why
        section.charts = [chart for chart in section.charts if chart.points]
    return Report(
        brand=client,
        period=period,
        timezone=timezone,
        generated_at=now or dt.datetime.now(dt.UTC),
        kpis=kpis,
        sections=sections,
        coverage=notes,
        alerts_count=alerts.height,
        gaps=gaps,
    )


def _configured(brands: BrandsConfig, name: str) -> bool:
    return any(b.name == name for b in brands.brands)


def client_accounts(brands: BrandsConfig, client: str) -> dict[str, Account]:
    """The client's own accounts per platform in brands.yaml (what its report expects data for)."""
    for candidate in brands.brands:
        if candidate.name == client:
            return dict(candidate.accounts)
    return {}


def own_brand_names(brands: BrandsConfig) -> list[str]:
    """Every client brand of the configuration (own: true), in brands.yaml order: one report each."""
    return [b.name for b in brands.own_brands]
