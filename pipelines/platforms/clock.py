"""Each platform's clock: its "today", its day boundaries and the days its API can serve.

A platform reports account metrics on its own day (pipelines.contracts.platforms.REPORTING_DAYS: Meta and YouTube
Pacific days, LinkedIn and TikTok UTC days), serves a day only some time after it ended (`lag_days`) and keeps a
limited history (`history_days`). The partition calendar (settings.timezone, Asia/Jakarta by default) is another
calendar: from 17:00 to 24:00 UTC a Jakarta date is already tomorrow in UTC, and from 00:00 to 08:00 UTC a UTC date
is still yesterday in Pacific time. So every "today", "ends N days ago" and window limit a client computes comes
from the platform's clock, never from the partition date: `PlatformClient.clock` builds one from `context.now` (the
one instant a run reads the APIs). A platform without a reporting zone (X: values read now stand for the
partition day) and the sources that are not platforms (feeds, Google Trends) tell days by the partition calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipelines.contracts.platforms import REPORTING_DAYS

UTC = dt.UTC


@dataclass(frozen=True)
class DayRange:
    """An inclusive range of a platform's days."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        return f"{self.first}..{self.last}" if self.first != self.last else str(self.first)


class PlatformClock:
    """The platform's days as seen at `now`.

    `platform` is a platform of the contract (a market source passes its platform, e.g. "x" for x_mentions); any
    other name (rss, google_trends) gets the partition calendar with no lag and no history limit.
    """

    def __init__(self, platform: str, now: dt.datetime, partition_timezone: str) -> None:
        if now.tzinfo is None:
            raise ValueError("PlatformClock needs an aware instant (ClientContext.now)")
        facts = REPORTING_DAYS.get(platform)
        self.platform = platform
        self.now = now.astimezone(UTC)
        self.timezone = (facts.timezone if facts is not None else None) or partition_timezone
        self.zone = ZoneInfo(self.timezone)
        self.lag_days = facts.lag_days if facts is not None else 0
        self.history_days = facts.history_days if facts is not None else None

    def __repr__(self) -> str:
        return f"PlatformClock({self.platform!r}, now={self.now.isoformat()}, timezone={self.timezone!r})"

    # --- days and their boundaries ----------------------------------------------------------------------

    @property
    def today(self) -> dt.date:
        """The platform's date at `now` (a day that has not ended yet)."""
        return self.now.astimezone(self.zone).date()

    def day_start(self, day: dt.date) -> dt.datetime:
        """The UTC instant the platform's `day` starts (its midnight in the platform's zone)."""
        return dt.datetime.combine(day, dt.time(), self.zone).astimezone(UTC)

    def day_bounds(self, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The platform days [first, last] as UTC instants [since, until) (until exclusive)."""
        return self.day_start(first), self.day_start(last + dt.timedelta(days=1))

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The platform day an instant falls on (a naive instant is taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).date()

    def has_ended(self, day: dt.date) -> bool:
        return self.day_start(day + dt.timedelta(days=1)) <= self.now

    # --- what the API can serve -------------------------------------------------------------------------

    def last_served_day(self, lag_days: int | None = None) -> dt.date:
        """The latest day the API serves at `now`: a day is served `lag_days` whole days after it ended
        (default: the platform's documented lag)."""
        lag = dt.timedelta(days=self.lag_days if lag_days is None else lag_days)
        day = self.today - dt.timedelta(days=1)
        while self.day_start(day + dt.timedelta(days=1)) + lag > self.now:
            day -= dt.timedelta(days=1)
        return day

    def earliest_kept_day(self, history_days: int | None = None) -> dt.date | None:
        """The oldest day the API still keeps (`history_days` days before today; default: the platform's
        documented history), None without a limit."""
        days = self.history_days if history_days is None else history_days
        return None if days is None else self.today - dt.timedelta(days=days)

    def clamp(
        self,
        first: dt.date,
        last: dt.date,
        *,
        what: str,
        warn: Callable[[str], None],
        history_days: int | None = None,
        lag_days: int | None = None,
    ) -> DayRange | None:
        """[first, last] cut to the days the API serves now (its history and its lag), with a warning naming the
        limits when anything was cut; None when no day is left."""
        earliest = self.earliest_kept_day(history_days)
        latest = self.last_served_day(lag_days)
        lo = first if earliest is None else max(first, earliest)
        hi = min(last, latest)
        if (lo, hi) != (first, last):
            lag = self.lag_days if lag_days is None else lag_days
            kept = self.history_days if history_days is None else history_days
            limits = [f"days of {self.timezone}", f"served {lag} day(s) after they end" if lag else "served once ended"]
            if kept is not None:
                limits.append(f"kept {kept} days")
            covered = f"{lo}..{hi}" if lo <= hi else "none of it"
            oldest = f"{earliest}.." if earliest is not None else "up to "
            warn(
                f"{what} are {', '.join(limits)} (at {self.now:%Y-%m-%d %H:%M} UTC that is {oldest}{latest}); the "
                f"window {first}..{last} was clamped to {covered}; a later run fills the days not served yet."
            )
        return DayRange(lo, hi) if lo <= hi else None

    def ago(self, days: float) -> dt.datetime:
        """The instant `days` days before now (rolling API limits such as "the last 7 days")."""
        return self.now - dt.timedelta(days=days)
