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

    @property
    def day_basis(self) -> str:
        """The label the marts carry: `platform_day:<zone>` or `observed_day` (a value read nightly)."""
        return f"platform_day:{self.timezone}" if self.timezone else "observed_day"


REPORTING_DAYS: dict[str, ReportingDay] = {
    "facebook": ReportingDay(
        "America/Los_Angeles", 2, "Page Insights days end at midnight Pacific time; numbers settle within 48 h"
    ),
    "instagram": ReportingDay(
        "America/Los_Angeles", 2, "Instagram insights days end at midnight Pacific time; numbers settle within 48 h"
    ),
    "x": ReportingDay(
        None, 0, "no daily account metrics in the API: the follower count is read nightly for the partition day"
    ),
    "linkedin": ReportingDay("UTC", 2, "organization statistics are UTC days, served two days later"),
    "youtube": ReportingDay("America/Los_Angeles", 3, "YouTube Analytics reports Pacific days, 1-3 days late"),
    "tiktok": ReportingDay("UTC", 2, "Business API daily metrics are UTC days, 1-2 days late"),
}
