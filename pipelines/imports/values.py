"""Cell parsers for CSV exports: counts, dates, timestamps, content types.

Each parser returns the value or raises `BadValue(expected)`; the caller adds the line and the column.
Exports are written for people, so counts may carry thousands separators and "not provided" is spelled in
several ways; those become NULL, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

NOT_PROVIDED = frozenset({"", "-", "--", "n/a", "na", "null", "none", "not available"})

COUNT_EXPECTED = "a whole number such as 1234 or 1,234 (empty when not provided)"
DATE_EXPECTED = "a date such as 2026-11-05, 11/05/2026 (month first) or Nov 5, 2026"
DATETIME_EXPECTED = "a date and time such as 2026-11-05T14:30:00, 2026-11-05 14:30 or 11/05/2026 14:30"

_GROUPED = re.compile(r"^[+-]?\d{1,3}([, ]\d{3})+(\.0+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(\.0+)?$")

_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d", "%d.%m.%Y")
_DATETIME_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%b %d, %Y %H:%M",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
)


class BadValue(ValueError):
    """A cell does not hold what its column should; `expected` says what would be accepted."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in NOT_PROVIDED


def parse_count(cell: str) -> int | None:
    text = cell.strip().replace("\u00a0", " ")
    if text.lower() in NOT_PROVIDED:
        return None
    if _GROUPED.match(text):
        text = text.replace(",", "").replace(" ", "")
    if not _PLAIN.match(text):
        raise BadValue(COUNT_EXPECTED)
    return int(text.split(".")[0])


def parse_date(cell: str) -> dt.date | None:
    text = cell.strip()
    if text.lower() in NOT_PROVIDED:
        return None
    # ISO dates, also with a time part (Meta writes 2026-11-05T00:00:00 for a day): the day as written.
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise BadValue(DATE_EXPECTED) from None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(DATE_EXPECTED)


def parse_datetime(cell: str, timezone: str) -> dt.datetime | None:
    """A timestamp in UTC. Exports write local times without an offset: those are read in `timezone`
    (the reporting timezone of settings.yaml); a date alone means midnight of that day."""
    text = cell.strip()
    if text.lower() in NOT_PROVIDED:
        return None
    value: dt.datetime | None = None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATETIME_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        try:
            day = parse_date(text)
        except BadValue:
            raise BadValue(DATETIME_EXPECTED) from None
        if day is None:
            return None
        value = dt.datetime.combine(day, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value.astimezone(dt.UTC)


CONTENT_TYPES: dict[str, str] = {
    # Meta Business Suite (Facebook "Post type", Instagram "IG ..." types)
    "photo": "image",
    "photos": "image",
    "image": "image",
    "images": "image",
    "ig image": "image",
    "video": "video",
    "videos": "video",
    "ig video": "video",
    "live": "video",
    "live video": "video",
    "reel": "reel",
    "reels": "reel",
    "ig reel": "reel",
    "carousel": "carousel",
    "ig carousel": "carousel",
    "album": "carousel",
    "multi-photo": "carousel",
    "document": "carousel",
    "link": "link",
    "links": "link",
    "article": "link",
    "text": "text",
    "status": "text",
    "short": "short",
    "shorts": "short",
}


def parse_content_type(cell: str) -> str | None:
    """The contract's content type, or None for a type it does not know (stories, polls, events)."""
    text = cell.strip().lower()
    if text in NOT_PROVIDED:
        return None
    return CONTENT_TYPES.get(text)
