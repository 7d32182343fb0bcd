"""The one place API values are read: counts, numbers, instants and days, in whatever form a platform sends them.

Platforms send numbers as numbers or strings (YouTube's "15400", Meta's "1,234"), instants as ISO 8601 in several
spellings (`2026-05-03T14:00:00+0000`, `...Z`, `...000Z`), unix seconds (TikTok's "1746280800") or epoch
milliseconds (LinkedIn). Every client and market source reads them through these functions; a value that is
absent or unreadable is None (the column stays NULL) unless the caller needs it (`require_*`: an InputDataError
naming the platform and the field).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pipelines.errors import InputDataError

UTC = dt.UTC
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def to_count(value: Any) -> int | None:
    """A count: an int, a float (rounded), a numeric string ("15400", "1,234", "15400.0"); a map of counts (Meta's
    reactions by type) is summed. None when absent, a boolean or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        parts = [to_count(v) for v in value.values()]
        known = [p for p in parts if p is not None]
        return sum(known) if known or not parts else None
    if isinstance(value, int):
        return value
    number = to_number(value)
    return None if number is None else round(number)


def to_number(value: Any) -> float | None:
    """A number (int, float or numeric string, thousands commas allowed); None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return float(text) if text else None
        except ValueError:
            return None
    return None


def parse_time(value: Any) -> dt.datetime | None:
    """An aware UTC instant from ISO 8601 (`Z`, `+0000`, `+00:00`, fractions; naive = UTC) or unix seconds (a number
    or a string of digits); None when absent or unreadable."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_unix(value)
    text = str(value).strip()
    if text.isdigit():
        return _from_unix(int(text))
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", text)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def parse_epoch_ms(value: Any) -> dt.datetime | None:
    """An aware UTC instant from epoch milliseconds (LinkedIn); None when absent or not a number."""
    ms = to_count(value)
    return None if ms is None else _from_unix(ms / 1000)


def parse_day(value: Any) -> dt.date | None:
    """A calendar day from `YYYY-MM-DD` (or the date part of a timestamp); None when absent or unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def require_time(platform: str, value: Any, where: str, *, epoch_ms: bool = False) -> dt.datetime:
    """`parse_time` (or `parse_epoch_ms`) of a field the row cannot do without: an InputDataError when unreadable."""
    moment = parse_epoch_ms(value) if epoch_ms else parse_time(value)
    if moment is None:
        form = "epoch milliseconds" if epoch_ms else "an ISO 8601 timestamp or unix seconds"
        raise InputDataError(f"{platform}: {where} is {value!r}, not {form}; the API changed its answer.")
    return moment


def require_day(platform: str, value: Any, where: str) -> dt.date:
    """`parse_day` of a field the row cannot do without: an InputDataError when unreadable."""
    day = parse_day(value)
    if day is None:
        raise InputDataError(f"{platform}: {where} is {value!r}, not a YYYY-MM-DD date; the API changed its answer.")
    return day


def require_field(platform: str, item: Mapping[str, Any], key: str, where: str) -> Any:
    """A field that must be present (an id, a date); a missing one is a clear InputDataError."""
    if key not in item or item[key] is None:
        raise InputDataError(
            f"{platform}: {where} has no '{key}' field (keys present: {sorted(item)[:12]}). "
            "The API changed its answer; update the client's field mapping."
        )
    return item[key]


def _from_unix(seconds: float) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
