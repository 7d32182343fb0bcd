"""What a client's report must say is missing, and which of its numbers that touches.

Two kinds of gap, both of one client only: what could not be read and still is not (open rows of
ops.ingest_failures: its accounts, the sources read through them, a brand of its competitive set, or a whole
source), and the days its own accounts have no figures for (coverage.py decides those). A number that adds up
what was read while something is missing is marked next to it, never shown as if complete, and a missing
platform is a dash, never a zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.contracts.platforms import PLATFORMS
from pipelines.reports.charts import platform_label
from pipelines.reports.coverage import AccountDays, account_label, day_ranges
from pipelines.reports.formatting import local_time

# what a raw table's stream holds, in words, and which part of the report it feeds
STREAMS: Mapping[str, tuple[str, str]] = {
    "account_daily": ("account figures (reach, views, engagements, followers)", "account"),
    "post_snapshots": ("posts and their metrics", "posts"),
    "audience_demographics": ("audience demographics", "other"),
    "follower_online_hours": ("follower online hours", "other"),
    "competitor_profiles": ("public profiles of the competitive set", "competitors"),
    "competitor_posts": ("public posts of the competitive set", "competitors"),
    "mention_counts": ("mention counts", "mentions"),
    "mentions": ("mentions", "mentions"),
    "search_interest": ("search interest", "other"),
    "trending_searches": ("trending searches", "other"),
}
AREAS = ("account", "posts", "competitors", "mentions", "other")
MARK = "⚠"


@dataclass(frozen=True)
class IngestGap:
    """One open ingest failure as the report states it."""

    platform: str | None  # the platform of the table (None: a source of no platform, e.g. RSS feeds)
    table: str
    data: str  # what the table holds, in words
    area: str  # the part of the report it feeds: one of AREAS
    account: str  # `Instagram (@tehtarikco)`, a competitor, or `whole source`
    scope: str  # client | competitor | source
    since: dt.datetime
    last: dt.datetime
    runs: int
    reason: str  # the platform's words, secrets removed when they were recorded

    @property
    def where(self) -> str:
        return platform_label(self.platform) if self.platform else self.table.split("__")[0].upper()

    @property
    def subject(self) -> str:
        """Whose data: `Instagram (@tehtarikco)`, `RSS · whole source (every client)`."""
        return self.account if self.account.startswith(self.where) else f"{self.where} · {self.account}"


@dataclass(frozen=True)
class FailureGroup:
    """The failures of one account (or source) with one cause: the tables it could not read, said once."""

    subject: str
    where: str
    account: str
    data: list[str]
    since: dt.datetime
    runs: int
    reason: str


def grouped(failures: Iterable[IngestGap]) -> list[FailureGroup]:
    """Failures of the same account, cause and run count as one (an expired token fails every stream)."""
    groups: dict[tuple, list[IngestGap]] = {}
    for gap in failures:
        groups.setdefault((gap.subject, gap.reason, gap.since, gap.runs), []).append(gap)
    return [
        FailureGroup(
            first.subject, first.where, first.account, [g.data for g in gaps], first.since, first.runs, first.reason
        )
        for gaps in groups.values()
        for first in gaps[:1]
    ]


@dataclass
class Gaps:
    """A client's gaps for one period, and the marks they put on its numbers."""

    failures: list[IngestGap] = field(default_factory=list)
    days_without_data: list[AccountDays] = field(default_factory=list)  # own accounts with days lacking figures
    platforms: dict[str, list[str]] = field(default_factory=dict)  # own platform -> why its numbers are short
    areas: dict[str, list[str]] = field(default_factory=dict)  # area -> what it lacks
    lines: list[str] = field(default_factory=list)  # each gap in one line (index, UI preview, metadata)

    @property
    def any(self) -> bool:
        return bool(self.failures or self.days_without_data)

    def platform_mark(self, platform: str) -> str | None:
        reasons = self.platforms.get(platform)
        return f"{MARK} {'; '.join(reasons)}" if reasons else None

    def totals_mark(self) -> str | None:
        """The mark of a total over the client's platforms (a section's): which platforms it leaves out, why."""
        if not self.platforms:
            return None
        parts = [f"{platform_label(p)}: {'; '.join(dict.fromkeys(r))}" for p, r in self.platforms.items()]
        return f"{MARK} incomplete, adds up what was read — " + " · ".join(parts)

    def card_mark(self) -> str | None:
        """The short mark of a headline number: the platforms it leaves (part of) out."""
        if not self.platforms:
            return None
        return f"{MARK} incomplete: " + ", ".join(f"{platform_label(p)} {r[0]}" for p, r in self.platforms.items())

    def area_mark(self, area: str) -> str | None:
        reasons = self.areas.get(area)
        return f"{MARK} incomplete: " + "; ".join(dict.fromkeys(reasons)) if reasons else None


def _platform_of(table: str) -> str | None:
    prefix = table.split("__")[0]
    return prefix if prefix in PLATFORMS else None


def _stream_of(table: str) -> str:
    return table.split("__", 1)[1] if "__" in table else table


def ingest_gaps(
    failures: pl.DataFrame,
    *,
    handles: Mapping[str, str],
    account_platforms: Mapping[str, str],
) -> list[IngestGap]:
    """data.open_ingest_failures of a client as the report states them. `handles`: platform -> the client's
    handle; `account_platforms`: account id -> platform of the client's accounts. A whole platform that failed
    concerns only the clients with an account on it."""
    gaps: list[IngestGap] = []
    for row in failures.iter_rows(named=True):
        table, source = row["table_name"], row["source"]
        if row["scope"] == "source" and source in PLATFORMS and source not in handles:
            continue  # a platform this client has no account on
        platform = _platform_of(table)
        stream = _stream_of(table)
        data, area = STREAMS.get(stream, (stream.replace("_", " "), "other"))
        if row["scope"] == "competitor":
            account = f"{row['brand']} (competitor)"
        elif row["account_id"] in account_platforms:
            account = account_label(account_platforms[row["account_id"]], handles)
        elif row["scope"] == "source":
            account = "whole source (every client)"
        else:
            account = row["account_id"] or "all accounts"
        gaps.append(
            IngestGap(
                platform=platform,
                table=table,
                data=data,
                area=area,
                account=account,
                scope=row["scope"],
                since=row["first_failed_at"],
                last=row["last_failed_at"],
                runs=int(row["failed_runs"]),
                reason=row["reason"],
            )
        )
    return gaps


def since_text(gap: IngestGap | FailureGroup, timezone: str) -> str:
    runs = "1 run" if gap.runs == 1 else f"{gap.runs} runs"
    return f"{local_time(gap.since, timezone)}, {runs}"


def not_read_by_platform(failures: Iterable[IngestGap], timezone: str) -> dict[str, str]:
    """Own platform -> since when its account figures could not be read (for the coverage notes)."""
    out: dict[str, str] = {}
    for gap in failures:
        if gap.platform and gap.area == "account" and gap.scope != "competitor" and gap.platform not in out:
            out[gap.platform] = since_text(gap, timezone)
    return out


MAX_REASON_CHARS = 160  # in the one-line summaries; the report's table has the platform's words in full


def report_gaps(
    failures: list[IngestGap],
    days_without_data: list[AccountDays],
    *,
    timezone: str,
    handles: Mapping[str, str],
    absent_competitors: Iterable[str] = (),
) -> Gaps:
    """The gaps and their marks: the failures, the own accounts with days without figures
    (coverage.account_days), and the brands of the set without public data for the period's weeks."""
    gaps = Gaps(failures=list(failures), days_without_data=list(days_without_data))
    for account in gaps.days_without_data:
        gaps.platforms.setdefault(account.platform, []).append(account.short)
    for gap in gaps.failures:
        since = f"{gap.since.astimezone(ZoneInfo(timezone)):%-d %b %Y}"
        if gap.platform and gap.scope == "client" and gap.area in ("account", "posts"):
            what = "not read" if gap.area == "account" else "posts not read"
            gaps.platforms.setdefault(gap.platform, []).append(f"{what} since {since}")
        if gap.area in ("posts", "competitors", "mentions"):
            label = gap.account if gap.scope == "competitor" else gap.where
            gaps.areas.setdefault(gap.area, []).append(f"{label}: {gap.data} not read since {since}")
    for brand in absent_competitors:
        gaps.areas.setdefault("competitors", []).append(f"{brand}: no public data for these weeks")
    for group in grouped(gaps.failures):
        reason = group.reason if len(group.reason) <= MAX_REASON_CHARS else group.reason[: MAX_REASON_CHARS - 1] + "…"
        gaps.lines.append(
            f"{group.subject}: {', '.join(group.data)} not read since {since_text(group, timezone)}: {reason}"
        )
    for account in gaps.days_without_data:
        days = (
            "no data for the period" if account.days == 0 else f"{account.short}, none on {day_ranges(account.missing)}"
        )
        gaps.lines.append(f"{account_label(account.platform, handles)}: {days}")
    return gaps
