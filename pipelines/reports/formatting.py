"""Numbers for people: thousands separators, percent with one decimal, changes with a sign, dashes for
missing values (never 0 for "not provided"), and times in the brand's time zone."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

MISSING = "–"


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: float | int | None) -> str:
    """12345 -> `12,345`."""
    if _is_missing(value):
        return MISSING
    return f"{round(value):,}"


def compact(value: float | int | None) -> str:
    """1234567 -> `1.2M`, 45300 -> `45.3K`, 950 -> `950` (headline cards)."""
    if _is_missing(value):
        return MISSING
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return count(value)


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent: 4.237 -> `4.2%`."""
    if _is_missing(value):
        return MISSING
    return f"{value:,.{decimals}f}%"


def signed_percent(value: float | None) -> str:
    """A relative change in percent: -34.71 -> `−34.7%` (a true minus sign), 0 -> `±0.0%`."""
    if _is_missing(value):
        return MISSING
    return _signed(value, "%")


def points(value: float | None) -> str:
    """A difference of two percentages, in percentage points: 1.25 -> `+1.3 pp`."""
    if _is_missing(value):
        return MISSING
    return _signed(value, " pp")


def signed_count(value: float | int | None) -> str:
    if _is_missing(value):
        return MISSING
    if round(value) == 0:
        return "±0"
    return ("+" if value > 0 else "−") + f"{abs(round(value)):,}"


def relative_change(current: float | None, previous: float | None) -> float | None:
    """(current - previous) / previous x 100; None when either is missing or previous is 0."""
    if _is_missing(current) or _is_missing(previous) or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100


def local_time(moment: dt.datetime, timezone: str) -> str:
    """An aware moment as wall-clock time of the brand: `1 Dec 2026, 15:04 (Asia/Jakarta)`."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.day} {local.strftime('%b %Y, %H:%M')} ({timezone})"


def day(value: dt.date) -> str:
    """`Fri 2 Oct 2026`."""
    return f"{value.strftime('%a')} {value.day} {value.strftime('%b %Y')}"


def _signed(value: float, unit: str) -> str:
    rounded = round(value, 1)
    if rounded == 0:
        return f"±0.0{unit}"
    return ("+" if rounded > 0 else "−") + f"{abs(rounded):,.1f}{unit}"
