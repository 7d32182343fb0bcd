"""The platforms socialpulse reads and the day their account metrics describe: one source for both.

A platform reports its account-level daily metrics on its own reporting day (Meta and YouTube: Pacific days;
LinkedIn and TikTok: UTC days); socialpulse keeps that day as it is (converting a day total to another time zone
is impossible) and says so (`day_basis` in the marts). Items with a timestamp (posts, mentions, comments) are
put on the partition day instead: the day of `settings.timezone` their timestamp falls on. Clients, the simulator
and the dbt project read these facts from here (dbt through a generated macro: pipelines/contracts/dbt_facts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORMS: tuple[str, ...] = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")


@dataclass(frozen=True)
class ReportingDay:
    """Which day a platform's account metrics describe, and when its numbers stop changing."""

    timezone: str | None  # IANA zone whose midnight ends the platform's day; None = the partition day it is read
    final_after_days: int  # whole days after the day ends within which the platform may still revise it
    note: str
    lag_days: int = 0  # whole days after the day ends before the API serves it (0 = as soon as it has ended)
    history_days: int | None = None  # how many days back the daily account metrics are kept; None = no limit

    @property
    def day_basis(self) -> str:
        """The label the marts carry: `platform_day:<zone>` or `observed_day` (a value read nightly)."""
        return f"platform_day:{self.timezone}" if self.timezone else "observed_day"


REPORTING_DAYS: dict[str, ReportingDay] = {
    "facebook": ReportingDay(
        "America/Los_Angeles",
        2,
        "Page Insights days end at midnight Pacific time; numbers settle within 48 h; 2 years of history",
        lag_days=0,
        history_days=730,
    ),
    "instagram": ReportingDay(
        "America/Los_Angeles",
        2,
        "Instagram insights days end at midnight Pacific time; numbers settle within 48 h (history taken as Meta's "
        "2 years, unverified; follower_count and online_followers keep the last 30 days only)",
        lag_days=0,
        history_days=730,
    ),
    "x": ReportingDay(
        None, 0, "no daily account metrics in the API: the follower count is read nightly for the partition day"
    ),
    "linkedin": ReportingDay(
        "UTC",
        2,
        "organization statistics are UTC days of the rolling last 12 months, served two days later (day D from "
        "00:00 UTC of D + 2)",
        lag_days=1,
        history_days=365,
    ),
    "youtube": ReportingDay(
        "America/Los_Angeles",
        3,
        "YouTube Analytics reports Pacific days, 1-3 days late (day D from the end of D + 1)",
        lag_days=1,
    ),
    "tiktok": ReportingDay(
        "UTC",
        2,
        "Business API daily metrics are UTC days, 1-2 days late, kept about 60 days (unverified)",
        lag_days=1,
        history_days=60,
    ),
}
