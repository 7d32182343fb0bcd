"""The daily partitions every time-based asset shares, and the date arithmetic of a run's window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dagster import AssetExecutionContext, BackfillPolicy, DailyPartitionsDefinition

from pipelines.config import load_settings

# A date range runs as one run per asset, not one run per day: the first load of 400 days is one run.
SINGLE_RUN_BACKFILL = BackfillPolicy.single_run()


def daily_partitions() -> DailyPartitionsDefinition:
    settings = load_settings()
    return DailyPartitionsDefinition(
        start_date=settings.partitions_start_date.isoformat(), timezone=settings.timezone, end_offset=0
    )


@dataclass(frozen=True)
class DateWindow:
    """An inclusive range of partition days."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def widened(self, lookback_days: int) -> DateWindow:
        """The window extended backwards so that its first day also re-reads `lookback_days` - 1 earlier days."""
        return DateWindow(self.start - dt.timedelta(days=max(lookback_days, 1) - 1), self.end)

    def __str__(self) -> str:
        return f"{self.start}..{self.end}" if self.start != self.end else str(self.start)


def observation_day(window: DateWindow, today: dt.date) -> dt.date:
    """The partition day a value read now stands for (snapshot streams: lifetime totals of posts, profile counts,
    audiences): the last complete day, yesterday (the nightly run reads after midnight), or today for a run whose
    window reaches today. Never an older day, even in a backfill of old days: a value read now must not be given
    to a past day (it would look ahead)."""
    return today if window.end >= today else today - dt.timedelta(days=1)


def run_window(context: AssetExecutionContext) -> DateWindow:
    """The partition days of this run (one day nightly, a range in a backfill)."""
    if not context.has_partition_key and not context.has_partition_key_range:
        raise ValueError("this asset is daily-partitioned: choose a partition or a range")
    time_window = context.partition_time_window
    return DateWindow(time_window.start.date(), (time_window.end - dt.timedelta(days=1)).date())
