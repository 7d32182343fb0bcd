"""Report periods: Monday-to-Sunday weeks and calendar months of local (settings.timezone) days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Grain = Literal["week", "month"]
GRAINS: tuple[Grain, ...] = ("week", "month")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days of one grain (a week starts on Monday, as in fct_share_of_voice)."""

    grain: Grain
    start: dt.date
    end: dt.date

    @classmethod
    def containing(cls, grain: Grain, day: dt.date) -> Period:
        if grain == "week":
            start = day - dt.timedelta(days=day.weekday())
            return cls(grain, start, start + dt.timedelta(days=6))
        start = day.replace(day=1)
        return cls(grain, start, _next_month(start) - dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period.containing(self.grain, self.start - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        """`Week 40, 2026 (28 Sep – 4 Oct)` or `October 2026`."""
        if self.grain == "month":
            return self.start.strftime("%B %Y")
        iso_year, iso_week, _ = self.start.isocalendar()
        return f"Week {iso_week}, {iso_year} ({_day_month(self.start)} – {_day_month(self.end)})"

    @property
    def slug(self) -> str:
        """For file names: `2026-W40` or `2026-10`."""
        if self.grain == "month":
            return self.start.strftime("%Y-%m")
        iso_year, iso_week, _ = self.start.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"

    @property
    def adjective(self) -> str:
        return "weekly" if self.grain == "week" else "monthly"


def periods_ending_within(grain: Grain, first: dt.date, last: dt.date, limit: int | None = None) -> list[Period]:
    """The periods of `grain` whose last day lies in [first, last], newest first, at most `limit` of them.

    A nightly run of one day renders a week on Sundays and a month on its last day; a backfill renders the
    newest `limit` periods that end inside it (not one report per week of a 400-day history)."""
    periods: list[Period] = []
    period = Period.containing(grain, last)
    if period.end > last:
        period = period.previous()
    while period.end >= first and (limit is None or len(periods) < limit):
        periods.append(period)
        period = period.previous()
    return periods


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _day_month(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')}"
