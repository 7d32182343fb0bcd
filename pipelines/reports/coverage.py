"""Data-coverage notes: what a report's numbers do not cover, said next to them instead of hidden.

The one place that decides what counts as a missing platform, a day without data, a partial period or a thin
sample. When the marts carry their own flags (issue 9: is_sufficient_sample, is_complete_period, days_covered,
platforms_reporting), they feed in here. What could not be read (ops.ingest_failures) is pipelines/reports/gaps.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from pipelines.contracts.platforms import REPORTING_DAYS
from pipelines.reports.charts import platform_label
from pipelines.reports.formatting import day
from pipelines.reports.periods import Period

MIN_POSTS_PER_PLATFORM = 3  # fewer posts in a period: its rates rest on too little to compare
LEVELS = ("missing", "partial", "thin", "info")


@dataclass(frozen=True)
class CoverageNote:
    level: str  # missing | partial | thin | info
    text: str


def covered_dates(platform: str, row: Mapping | None) -> list[dt.date]:
    """The days an own account has data for: the platform's daily account figures where it has a daily series;
    any row (posts, a nightly read) where it has none (X: figures are read nightly, never for past days, so a
    day without them is the platform's limit, not a gap)."""
    if not row:
        return []
    facts = REPORTING_DAYS.get(platform)
    daily_series = facts is None or facts.timezone is not None
    return list(row["figure_dates"] if daily_series else row["dates"])


@dataclass(frozen=True)
class AccountDays:
    """An own account with expected days lacking figures in the period (all of them: no data at all)."""

    platform: str
    days: int  # days with account figures
    period_days: int
    missing: list[dt.date]  # the expected days without figures
    has_posts: bool = False  # rows of its posts exist (only the account figures are missing)

    @property
    def short(self) -> str:
        """The mark on the numbers it is part of."""
        if self.days == 0:
            return "no account figures (posts counted)" if self.has_posts else "no data"
        return f"data for {self.days} of {self.period_days} days"


def account_days(
    period: Period, expected_platforms: Iterable[str], accounts: pl.DataFrame, latest_data: dt.date | None
) -> list[AccountDays]:
    """The client's accounts (one per platform) with days without figures; `accounts` is data.account_coverage."""
    covered = {row["platform"]: row for row in accounts.iter_rows(named=True)}
    out = []
    for platform in dict.fromkeys(expected_platforms):
        dates = covered_dates(platform, covered.get(platform))
        missing = missing_days(period, dates, latest_data)
        if missing:
            out.append(AccountDays(platform, len(dates), period.days, missing, platform in covered))
    return out


def expected_days(period: Period, latest_data: dt.date | None) -> list[dt.date]:
    """The period's days an account should have figures for: up to the newest day any client has data for (a
    day nobody has yet is a partial period, not a gap of one account)."""
    last = min(period.end, latest_data) if latest_data else period.end
    return [period.start + dt.timedelta(days=n) for n in range((last - period.start).days + 1)]


def missing_days(period: Period, dates: Iterable[dt.date], latest_data: dt.date | None) -> list[dt.date]:
    """The expected days of the period without account figures."""
    present = set(dates)
    return [d for d in expected_days(period, latest_data) if d not in present]


def day_ranges(days: list[dt.date], limit: int = 6) -> str:
    """[6, 7, 8, 12 Nov] -> `Fri 6 Nov – Sun 8 Nov, Thu 12 Nov` (at most `limit` ranges, then `…`)."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for value in sorted(days):
        if ranges and value - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], value)
        else:
            ranges.append((value, value))
    short = lambda d: f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"  # noqa: E731
    texts = [short(a) if a == b else f"{short(a)} – {short(b)}" for a, b in ranges[:limit]]
    return ", ".join(texts) + (", …" if len(ranges) > limit else "")


def account_label(platform: str, handles: Mapping[str, str]) -> str:
    """`Instagram (@tehtarikco)`: the platform and the client's account on it, as brands.yaml names it."""
    handle = handles.get(platform)
    if not handle:
        return platform_label(platform)
    return f"{platform_label(platform)} ({handle if handle.startswith('@') else '@' + handle})"


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
    handles: Mapping[str, str] | None = None,
    not_read: Mapping[str, str] | None = None,
) -> list[CoverageNote]:
    """Notes, most serious first. `accounts` / `previous_accounts` are data.account_coverage of the period and
    of the one before, `posts` data.posts_by_platform, `handles` the client's account handle per platform,
    `not_read` per own platform why it could not be read (its open ingest failure, from gaps.py)."""
    notes: list[CoverageNote] = []
    handles, not_read = handles or {}, not_read or {}
    expected = list(dict.fromkeys(expected_platforms))
    rows = {row["platform"]: row for row in accounts.iter_rows(named=True)}
    dates_of = {platform: covered_dates(platform, row) for platform, row in rows.items()}
    covered = {platform: row for platform, row in rows.items() if dates_of[platform]}
    for platform in expected:
        if platform not in covered:
            cause = (
                f"not read since {not_read[platform]}"
                if platform in not_read
                else "the account is not connected, its token expired, or the platform was skipped"
            )
            what = "no account figures for this period, only posts" if platform in rows else "no data for this period"
            notes.append(
                CoverageNote(
                    "missing",
                    f"{platform_label(platform)}: {what} ({account_label(platform, handles)}: {cause}). Its "
                    "numbers are missing from every total and chart, not counted as zero.",
                )
            )
    if latest_data is None or latest_data < period.end:
        through = f"up to {day(latest_data)}" if latest_data else "none yet"
        notes.append(CoverageNote("partial", f"Partial period: data {through}; the period ends {day(period.end)}."))
    for platform, row in covered.items():
        label = platform_label(platform)
        dates = dates_of[platform]
        if len(dates) < period.days:
            gaps = missing_days(period, dates, latest_data)
            without = f"; none on {day_ranges(gaps)}" if gaps else ""
            cause = f" (not read since {not_read[platform]})" if gaps and platform in not_read else ""
            notes.append(
                CoverageNote(
                    "partial",
                    f"{label}: data for {len(dates)} of {period.days} days "
                    f"({day(dates[0])} – {day(dates[-1])}){without}{cause}.",
                )
            )
        if 0 < row["days_with_followers"] < len(dates):
            notes.append(
                CoverageNote(
                    "partial", f"{label}: followers known on {row['days_with_followers']} of {len(dates)} days."
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
