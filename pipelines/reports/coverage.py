"""Data-coverage notes: what a report's numbers do not cover, said next to them instead of hidden.

The one place that decides what counts as a missing platform, a partial period or a thin sample. When the marts
carry their own flags (issue 9: is_sufficient_sample, is_complete_period, days_covered, platforms_reporting),
they feed in here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from pipelines.reports.charts import platform_label
from pipelines.reports.formatting import day
from pipelines.reports.periods import Period

MIN_POSTS_PER_PLATFORM = 3  # fewer posts in a period: its rates rest on too little to compare
LEVELS = ("missing", "partial", "thin", "info")


@dataclass(frozen=True)
class CoverageNote:
    level: str  # missing | partial | thin | info
    text: str


def coverage_notes(
    period: Period,
    *,
    expected_platforms: Iterable[str],
    accounts: pl.DataFrame,
    previous_accounts: pl.DataFrame,
    posts: pl.DataFrame,
    latest_data: dt.date | None,
    alerts_through: dt.date | None,
    content_rows: pl.DataFrame | None = None,
    best_time: pl.DataFrame | None = None,
    share_of_voice_rows: int = 0,
    empty_sections: Iterable[str] = (),
) -> list[CoverageNote]:
    """Notes, most serious first. `accounts` / `previous_accounts` are data.account_coverage of the period and
    of the one before, `posts` data.posts_by_platform."""
    notes: list[CoverageNote] = []
    expected = list(dict.fromkeys(expected_platforms))
    covered = {row["platform"]: row for row in accounts.iter_rows(named=True)}
    for platform in expected:
        if platform not in covered:
            notes.append(
                CoverageNote(
                    "missing",
                    f"{platform_label(platform)}: no data for this period. Its numbers are missing from every "
                    "total and chart (the account is not connected, its token expired, or the platform was "
                    "skipped).",
                )
            )
    if latest_data is None or latest_data < period.end:
        through = f"up to {day(latest_data)}" if latest_data else "none yet"
        notes.append(CoverageNote("partial", f"Partial period: data {through}; the period ends {day(period.end)}."))
    for platform, row in covered.items():
        label = platform_label(platform)
        if row["days"] < period.days:
            notes.append(
                CoverageNote(
                    "partial",
                    f"{label}: data for {row['days']} of {period.days} days "
                    f"({day(row['first_day'])} – {day(row['last_day'])}).",
                )
            )
        if 0 < row["days_with_followers"] < row["days"]:
            notes.append(
                CoverageNote(
                    "partial", f"{label}: followers known on {row['days_with_followers']} of {row['days']} days."
                )
            )
    no_reach = sorted(p for p, row in covered.items() if row["days_with_reach"] == 0)
    if no_reach:
        names = ", ".join(platform_label(p) for p in no_reach)
        notes.append(
            CoverageNote(
                "info",
                f"Reach is not provided by {names}: engagement rate by reach leaves them out; their posts are "
                "ranked by engagement rate by views.",
            )
        )
    previous = {row["platform"]: row for row in previous_accounts.iter_rows(named=True)}
    previous_days = period.previous().days
    for platform, row in covered.items():
        before = previous.get(platform)
        for measure, column in (("reach", "days_with_reach"), ("engagements", "days_with_engagements")):
            now_share = row[column] / period.days
            before_share = (before[column] if before else 0) / previous_days
            if now_share > 0 and before_share < 0.8 * now_share:
                known = before[column] if before else 0
                notes.append(
                    CoverageNote(
                        "partial",
                        f"{platform_label(platform)}: {measure} known on {row[column]} of {period.days} days, "
                        f"but {known} of {previous_days} days in the previous period; totals that include it rise "
                        "against the previous period for that reason alone.",
                    )
                )
                break
    post_counts = {row["platform"]: row["posts"] for row in posts.iter_rows(named=True)}
    for platform in expected:
        if platform in covered and post_counts.get(platform, 0) < MIN_POSTS_PER_PLATFORM:
            notes.append(
                CoverageNote(
                    "thin",
                    f"{platform_label(platform)}: {post_counts.get(platform, 0)} post(s) published this period; "
                    "its post rates rest on too few posts to compare.",
                )
            )
    if content_rows is not None and content_rows.height:
        single = content_rows.filter(pl.col("posts") < 2).height
        if single:
            notes.append(
                CoverageNote("thin", f"{single} content-type row(s) rest on a single post: read them as anecdotes.")
            )
    if best_time is not None and best_time.height:
        insufficient = best_time.filter(~pl.col("is_sufficient_sample")).height
        window = f"{day(best_time['window_start_date'].min())} – {day(best_time['window_end_date'].max())}"
        notes.append(
            CoverageNote(
                "info",
                f"Best time to post uses the posts of {window} (trailing weeks, not only this period); "
                f"{insufficient} of {best_time.height} weekday-hour slots have too few posts and are grey.",
            )
        )
    for title in empty_sections:
        notes.append(CoverageNote("missing", f"{title}: no data for this period (see the section)."))
    if share_of_voice_rows == 0:
        notes.append(CoverageNote("missing", "Share of voice: no mentions measured for this period."))
    if alerts_through is None:
        notes.append(CoverageNote("partial", "Alerts: the alert rules have not been evaluated on this data yet."))
    elif alerts_through < min(period.end, latest_data or period.end):
        notes.append(
            CoverageNote(
                "partial", f"Alerts: rules evaluated through {day(alerts_through)}; later days are not checked yet."
            )
        )
    return sorted(notes, key=lambda note: LEVELS.index(note.level))
