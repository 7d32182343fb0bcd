"""What each mart's materialization tells a person in the Dagster UI: its row count, the newest values of its
headline numbers (numeric, so the asset's Plots tab draws them over time), a Markdown preview and the column
types as the warehouse has them. The SQL lives in the report data layer (pipelines/reports/data.py).

With several client brands (an agency), previews show each client on its own (its accounts, its competitive set,
its goals); numbers about one client carry its slug (`kopi-nusantara/own_share_of_voice_mentions_pct`), totals
over every client's accounts keep the plain names a single-brand deployment has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import polars as pl
from dagster import MetadataValue, TableColumn, TableSchema

from pipelines.config.models import slug
from pipelines.reports import data
from pipelines.reports import formatting as fmt
from pipelines.reports.charts import platform_label

WEEK_DAYS = 7
Summary = tuple[dict[str, Any], str]  # numeric metadata, Markdown preview


def _markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "no rows"
    escape = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _last_week(conn: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[dt.date, dt.date] | None:
    end = data.latest_date_of(conn, table, column)
    return (end - dt.timedelta(days=WEEK_DAYS - 1), end) if end else None


def _number(value: float | None, digits: int = 2) -> MetadataValue:
    return MetadataValue.float(round(float(value), digits)) if value is not None else MetadataValue.null()


def _key(client: str, name: str, clients: list[str]) -> str:
    """A number about one client: its plain name in a single-brand deployment, prefixed by the client's slug
    with several."""
    return name if len(clients) <= 1 else f"{slug(client)}/{name}"


def _platform_rows(frame: pl.DataFrame) -> list[list[str]]:
    return [
        [
            "**all platforms**" if r["platform"] == "all" else platform_label(r["platform"]),
            fmt.count(r["engagements"]),
            fmt.count(r["reach"]),
            fmt.count(r["views"]),
            fmt.percent(r["engagement_rate_by_reach"], 2),
            fmt.count(r["posts"]),
            fmt.count(r["followers_end"]),
        ]
        for r in frame.to_dicts()
    ]


PLATFORM_COLUMNS = ["platform", "engagements", "reach", "views", "eng. rate by reach", "posts", "followers"]


def engagement_by_platform(conn: duckdb.DuckDBPyConnection) -> Summary:
    week = _last_week(conn, "marts.fct_account_daily", "metric_date")
    if week is None:
        return {}, "no rows"
    frame = data.account_week_by_platform(conn, *week)
    total = frame.filter(pl.col("platform") == "all").to_dicts()[0]
    numbers = {
        "latest_day": MetadataValue.text(str(week[1])),
        "engagements_7d": _number(total["engagements"], 0),
        "reach_7d": _number(total["reach"], 0),
        "views_7d": _number(total["views"], 0),
        "engagement_rate_by_reach_7d_pct": _number(total["engagement_rate_by_reach"]),
        "posts_7d": _number(total["posts"], 0),
        "followers_latest": _number(total["followers_end"], 0),
    }
    clients = data.own_brands_in_warehouse(conn)
    if len(clients) <= 1:
        preview = f"**Engagement by platform, {week[0]} .. {week[1]}**\n\n" + _markdown_table(
            PLATFORM_COLUMNS, _platform_rows(frame)
        )
        return numbers, preview + "".join(_not_read(conn, client) for client in clients)
    parts = [f"**Engagement by platform, {week[0]} .. {week[1]}: every client's accounts**"]
    parts.append(_markdown_table(PLATFORM_COLUMNS, _platform_rows(frame)))
    for client in clients:
        own = data.account_week_by_platform(conn, *week, client=client)
        own_total = own.filter(pl.col("platform") == "all").to_dicts()[0]
        numbers[_key(client, "engagements_7d", clients)] = _number(own_total["engagements"], 0)
        numbers[_key(client, "engagement_rate_by_reach_7d_pct", clients)] = _number(
            own_total["engagement_rate_by_reach"]
        )
        parts.append(
            f"**{client}**\n\n" + _markdown_table(PLATFORM_COLUMNS, _platform_rows(own)) + _not_read(conn, client)
        )
    return numbers, "\n\n".join(parts)


def _not_read(conn: duckdb.DuckDBPyConnection, client: str) -> str:
    """What of the client's accounts could not be read and still is not (its numbers above leave it out)."""
    failures = data.open_ingest_failures(conn, client).filter(pl.col("scope") == "client")
    if not failures.height:
        return ""
    lines = [
        f"- ⚠ {platform_label(r['table_name'].split('__')[0])} `{r['table_name']}` not read since "
        f"{r['first_failed_at']:%Y-%m-%d %H:%M} UTC ({r['failed_runs']} run(s)): {r['reason'][:120]}"
        for r in failures.to_dicts()
    ]
    return "\n\n**Not read** (the numbers above leave it out; see the client's report):\n\n" + "\n".join(lines)


def top_posts_of_the_week(conn: duckdb.DuckDBPyConnection) -> Summary:
    week = _last_week(conn, "marts.fct_posts", "published_date_local")
    if week is None:
        return {}, "no rows"
    parts, numbers = [], {"latest_publish_day": MetadataValue.text(str(week[1]))}
    clients = data.own_brands_in_warehouse(conn)
    total_posts = 0
    for brand in clients:
        posts = data.posts_ranked(conn, brand, *week, limit=5, best=True)
        counts = data.posts_by_platform(conn, brand, *week)
        total_posts += int(counts["posts"].sum())
        numbers[_key(brand, "posts_7d", clients)] = _number(counts["posts"].sum(), 0)
        if posts.height:
            numbers[_key(brand, "top_post_engagement_rate_pct", clients)] = _number(posts["engagement_rate"][0])
        rows = [
            [
                f"[{(r['caption'] or r['post_id'])[:60]}]({r['post_url']})",
                platform_label(r["platform"]),
                fmt.count(r["engagements"]),
                fmt.percent(r["engagement_rate"], 2) + f" by {r['rate_basis']}",
            ]
            for r in posts.to_dicts()
        ]
        parts.append(
            f"**Top posts of {brand}, published {week[0]} .. {week[1]}**\n\n"
            + _markdown_table(["post", "platform", "engagements", "engagement rate"], rows)
        )
    if len(clients) > 1:
        numbers["posts_7d"] = _number(total_posts, 0)  # every client's
    return numbers, "\n\n".join(parts) or "no own brand"


def share_of_voice_by_brand(conn: duckdb.DuckDBPyConnection) -> Summary:
    week = data.latest_share_of_voice_week(conn)
    if week is None:
        return {}, "no rows"
    numbers: dict[str, Any] = {"week_starting": MetadataValue.text(str(week))}
    clients = data.own_brands_in_warehouse(conn)
    parts = []
    for client in clients:  # each within its own competitive set
        frame = data.share_of_voice_period(conn, client, "week", week)
        mentions = frame.filter(pl.col("basis") == "mentions")
        own = mentions.filter(pl.col("is_own_brand")).to_dicts()
        if own:
            numbers[_key(client, "own_share_of_voice_mentions_pct", clients)] = _number(own[0]["share_pct"])
            numbers[_key(client, "own_share_change_pct_points", clients)] = _number(own[0]["change_pct_points"])
            numbers[_key(client, "own_rank", clients)] = MetadataValue.int(int(own[0]["rank"]))
        rows = [
            [
                r["brand"] + (" (you)" if r["is_own_brand"] else ""),
                str(r["rank"]),
                fmt.count(r["value"]),
                fmt.percent(r["share_pct"]),
                fmt.points(r["change_pct_points"]),
            ]
            for r in mentions.sort("rank").to_dicts()
        ]
        title = "Share of voice by brand" if len(clients) <= 1 else f"Share of voice in {client}'s competitive set"
        parts.append(
            f"**{title} (mentions, all platforms), week of {week}**\n\n"
            + _markdown_table(["brand", "rank", "mentions", "share", "vs week before"], rows)
        )
    return numbers, "\n\n".join(parts) or "no own brand"


def latest_kpis(conn: duckdb.DuckDBPyConnection) -> Summary:
    frame = data.latest_kpis(conn)
    clients = sorted(set(frame["brand"].to_list()))
    numbers = {_key(r["brand"], f"{r['kpi']}_latest", clients): _number(r["value"]) for r in frame.to_dicts()}
    rows = [[r["brand"], r["kpi"], str(r["metric_date"]), f"{r['value']:,.2f}"] for r in frame.to_dicts()]
    return numbers, "**Newest value of each KPI (all platforms)**\n\n" + _markdown_table(
        ["brand", "kpi", "day", "value"], rows
    )


def goals_now(conn: duckdb.DuckDBPyConnection) -> Summary:
    parts, numbers = [], {}
    on_track = total = 0
    for brand in data.own_brands_in_warehouse(conn):
        goals = data.goal_progress(conn, brand, dt.date.max)
        on_track += int(goals["is_on_track"].fill_null(False).sum())
        total += goals.height
        numbers["goals_on_track"] = MetadataValue.int(on_track)  # every client's
        numbers["goals"] = MetadataValue.int(total)
        rows = [
            [
                g["goal_description"] or g["goal_id"],
                str(g["metric_date"]),
                fmt.percent(g["goal_pace_pct"], 0),
                "on track" if g["is_on_track"] else "behind" if g["is_on_track"] is False else "no data",
            ]
            for g in goals.to_dicts()
        ]
        parts.append(f"**Goals of {brand}**\n\n" + _markdown_table(["goal", "as of", "pace", "status"], rows))
    return numbers, "\n\n".join(parts)


def comments_to_answer(conn: duckdb.DuckDBPyConnection) -> Summary:
    """The list a community manager works through: comments needing a reply that have none, oldest first."""
    waiting, overdue = data.comments_awaiting_reply_count(conn)
    numbers = {
        "comments_awaiting_reply": MetadataValue.int(waiting),
        "questions_unanswered_over_24h": MetadataValue.int(overdue),
    }
    rows = [
        [
            r["brand"],
            platform_label(r["platform"]),
            str(r["created_at"])[:16],
            f"{r['age_hours']:.0f} h",
            "question" if r["is_question"] else r["sentiment"],
            (r["comment_text"] or "")[:80],
            r["post_url"] or "",
        ]
        for r in data.comments_awaiting_reply(conn).to_dicts()
    ]
    heading = f"**{waiting} comment(s) awaiting a reply, {overdue} question(s) unanswered after 24 h** (oldest first)"
    table = _markdown_table(["brand", "platform", "written (UTC)", "age", "kind", "comment", "post"], rows)
    return numbers, heading + "\n\n" + table


# mart -> its summary; a mart not listed gets its row count, newest day and column types only
SUMMARIES: Mapping[str, Callable[[duckdb.DuckDBPyConnection], Summary]] = {
    "fct_account_daily": engagement_by_platform,
    "fct_brand_daily": engagement_by_platform,
    "fct_posts": top_posts_of_the_week,
    "fct_post_metrics_daily": top_posts_of_the_week,
    "fct_share_of_voice": share_of_voice_by_brand,
    "fct_kpi_daily": latest_kpis,
    "fct_goal_progress": goals_now,
    "fct_comments": comments_to_answer,
    "fct_responsiveness": comments_to_answer,
}
DATE_COLUMNS = ("metric_date", "period_start", "snapshot_date", "published_date_local", "window_end_date")


def mart_metadata(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    column_types: Mapping[str, str],
    column_descriptions: Mapping[str, str],
) -> dict[str, Any]:
    """The metadata for one materialized mart (`marts.<table>`)."""
    qualified = f"marts.{table}"
    metadata: dict[str, Any] = {
        "dagster/row_count": MetadataValue.int(data.row_count(conn, qualified)),
        "dagster/column_schema": TableSchema(
            columns=[
                TableColumn(name, data_type, description=column_descriptions.get(name))
                for name, data_type in column_types.items()
            ]
        ),
    }
    date_column = next((c for c in DATE_COLUMNS if c in column_types), None)
    if date_column:
        newest = data.latest_date_of(conn, qualified, date_column)
        metadata["newest_day"] = MetadataValue.text(str(newest) if newest else "none")
    summary = SUMMARIES.get(table)
    if summary is not None:
        numbers, preview = summary(conn)
        metadata.update(numbers)
        metadata["preview"] = MetadataValue.md(preview)
    return metadata
