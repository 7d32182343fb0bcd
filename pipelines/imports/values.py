"""Cell parsers for CSV exports: counts, dates, timestamps, content types. They never guess.

Each parser returns the value or raises `BadValue(expected)`; the caller adds the line and the column.
Exports are written for people, so counts carry thousands separators and "not provided" is spelled in several
ways (those become NULL, never 0). How a number is written depends on the export's locale: `12.000` is twelve
thousand in an Indonesian or German export and twelve with decimals in an English one. A count is read with the
number format of its export kind (`NumberFormat`); a value that the other common format would read differently
(one separator followed by exactly three digits where this format means decimals) is refused as ambiguous, as is
a numeric date whose day and month could be swapped when the file's date order is not known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipelines.config.models import NUMBER_FORMAT_EXAMPLES

NOT_PROVIDED = frozenset({"", "-", "--", "n/a", "na", "null", "none", "not available"})

COUNT_EXPECTED = "a whole number such as 1234 or 1,234 (empty when not provided)"
DATE_EXPECTED = "a date such as 2026-11-05, 11/05/2026 (month first) or Nov 5, 2026"
DATETIME_EXPECTED = "a date and time such as 2026-11-05T14:30:00, 2026-11-05 14:30 or 11/05/2026 14:30"

# A count larger than this is not a social-media number of one account on one day or of one post (a formula
# result, an id in the wrong column, a corrupted cell): refused rather than loaded.
MAX_COUNT = 10**12


class BadValue(ValueError):
    """A cell does not hold what its column should; `expected` says what would be accepted."""

    def __init__(self, expected: str, *, problem: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.problem = problem


@dataclass(frozen=True)
class NumberFormat:
    """How an export writes numbers: named by the way it writes one thousand two hundred thirty-four and a half."""

    example: str
    thousands: str
    decimal: str


# "1,234.5" English (the platforms' English exports); "1.234,5" Indonesian, German, Spanish, Italian,
# Portuguese ...; "1 234,5" French, Russian, Polish ... The separators are read off the example itself.
NUMBER_FORMATS: dict[str, NumberFormat] = {
    example: NumberFormat(example, thousands=example[1], decimal=example[5]) for example in NUMBER_FORMAT_EXAMPLES
}
ENGLISH_NUMBERS = NUMBER_FORMATS["1,234.5"]
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in NOT_PROVIDED


def parse_count(cell: str, number_format: NumberFormat = ENGLISH_NUMBERS) -> int | None:
    """A whole number as the export's number format writes it (negative values are returned; the column's
    range is checked by the caller)."""
    text = cell.strip().translate(_SPACES)
    if text.lower() in NOT_PROVIDED:
        return None
    negative = text.startswith("-")
    body = text.lstrip("+-").strip()
    try:
        value = _read_number(body, number_format)
    except _NotInFormat:
        fits = [f.example for f in NUMBER_FORMATS.values() if f != number_format and _reads(body, f)]
        hint = (
            f"; it reads in the number format {fits[0]!r}: set settings.yaml imports.number_format for this "
            "export kind if your exports write numbers that way"
            if fits
            else ""
        )
        raise BadValue(
            _count_expected(number_format) + hint,
            problem=f"{body} is not a whole number in the format {number_format.example} of this export kind",
        ) from None
    return -value if negative else value


class _NotInFormat(ValueError):
    """The text is not a whole number written in the given format (the caller says what would be)."""


def _read_number(body: str, number_format: NumberFormat) -> int:
    if not body or not re.fullmatch(r"[0-9][0-9., ]*", body) or not body[-1].isdigit():
        raise _NotInFormat
    thousands, decimal = number_format.thousands, number_format.decimal
    if body.count(decimal) > 1 or (decimal != " " and " " in body.partition(decimal)[2]):
        raise _NotInFormat
    integer, has_fraction, fraction = body.partition(decimal)
    separators = {c for c in integer if not c.isdigit()}
    if separators - {thousands, " "}:
        raise _NotInFormat
    if separators and not re.fullmatch(r"\d{1,3}(?:[ " + re.escape(thousands) + r"]\d{3})+", integer):
        raise _NotInFormat
    if has_fraction:
        if not fraction.isdigit():
            raise _NotInFormat
        if len(fraction) == 3 and not separators and len(integer) <= 3:
            other = next(f for f in NUMBER_FORMATS.values() if f.thousands == decimal)
            whole = int(integer + fraction)
            raise BadValue(
                f"a number that reads one way only: {whole} without a separator, or the number format "
                f"{other.example!r} for this export kind (settings.yaml imports.number_format) if {body} means "
                f"{whole:,}",
                problem=f"{body} is ambiguous: {integer} with decimals in the number format "
                f"{number_format.example}, or {whole:,} with {decimal!r} between thousands",
            )
        if set(fraction) != {"0"}:
            raise BadValue("a whole number (a count has no decimals)", problem=f"{body} is not a whole number")
    return int(re.sub(r"\D", "", integer))


def _count_expected(number_format: NumberFormat) -> str:
    grouped = "1" + number_format.thousands + "234"
    return f"a whole number such as 1234 or {grouped} (empty when not provided)"


def _reads(body: str, number_format: NumberFormat) -> bool:
    try:
        _read_number(body, number_format)
    except (BadValue, _NotInFormat):
        return False
    return True


def check_count_range(value: int, *, minimum: int | None = 0, maximum: int | None = MAX_COUNT) -> None:
    """Counts are never negative, and a value beyond `maximum` is a corrupted cell, not a metric."""
    if minimum is not None and value < minimum:
        raise BadValue(
            f"a count of at least {minimum} (a metric of this column is never negative)",
            problem=f"{value:,} is negative",
        )
    if maximum is not None and value > maximum:
        raise BadValue(
            f"a count up to {maximum:,} (larger values are not metrics: a formula result or an id in the wrong "
            "column?)",
            problem=f"{value:,} is too large for a count",
        )


# --- dates --------------------------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?=$|[ T])")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?=$|[ T])")  # 05.11.2026: day first everywhere
_TEXT_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p")
_TEXT_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%b %d, %Y %H:%M",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
)


def numeric_date_parts(cell: str) -> tuple[int, int, int] | None:
    """(first, second, year) of a date written with numbers only and the year last (11/05/2026, 5-11-26), whose
    day and month order the text alone does not tell; None for every other way of writing a date."""
    match = _NUMERIC_DATE.match(cell.strip())
    if not match:
        return None
    year = int(match[3])
    return int(match[1]), int(match[2]), year + 2000 if year < 100 else year


def date_from_parts(parts: tuple[int, int, int], order: str) -> dt.date | None:
    first, second, year = parts
    month, day = (first, second) if order == "MDY" else (second, first)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(cell: str, order: str | None = None) -> dt.date | None:
    """A day. Numeric dates with the year last need `order` (MDY or DMY): without it they are refused."""
    text = cell.strip()
    if text.lower() in NOT_PROVIDED:
        return None
    # ISO dates, also with a time part (Meta writes 2026-11-05T00:00:00 for a day): the day as written.
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            raise BadValue(DATE_EXPECTED) from None
    parts = numeric_date_parts(text)
    if parts is not None and _NUMERIC_DATE.match(text).end() == len(text):  # type: ignore[union-attr]
        return _numeric_date(parts, order, text)
    dotted = _DOTTED_DATE.match(text)
    if dotted and dotted.end() == len(text):
        try:
            return dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
        except ValueError:
            raise BadValue(DATE_EXPECTED) from None
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(DATE_EXPECTED)


def _numeric_date(parts: tuple[int, int, int], order: str | None, text: str) -> dt.date:
    if order is None:
        raise BadValue(
            "a date whose day and month cannot be swapped (2026-11-05 or Nov 5, 2026), or a date order for this "
            "export (settings.yaml imports.date_order: MDY or DMY)",
            problem=f"{text} is ambiguous: month first or day first",
        )
    day = date_from_parts(parts, order)
    if day is None:
        name = "month first (MM/DD/YYYY)" if order == "MDY" else "day first (DD/MM/YYYY)"
        raise BadValue(
            f"a date written {name}, as this export kind is read (settings.yaml imports.date_order)",
            problem=f"{text} is not a valid date {name}",
        )
    return day


def parse_datetime(cell: str, timezone: str, order: str | None = None) -> dt.datetime | None:
    """A timestamp in UTC. Exports write local times without an offset: those are read in `timezone`
    (the reporting timezone of settings.yaml); a date alone means midnight of that day."""
    text = cell.strip()
    if text.lower() in NOT_PROVIDED:
        return None
    value: dt.datetime | None = None
    match = _NUMERIC_DATE.match(text) or _DOTTED_DATE.match(text)
    if match:
        day = parse_date(match[0], order)
        rest = text[match.end() :].strip()
        if not rest:
            value = dt.datetime.combine(day, dt.time())  # type: ignore[arg-type]
        else:
            for fmt in _TIME_FORMATS:
                try:
                    value = dt.datetime.combine(day, dt.datetime.strptime(rest.upper(), fmt).time())  # type: ignore[arg-type]
                    break
                except ValueError:
                    continue
            if value is None:
                raise BadValue(DATETIME_EXPECTED)
    else:
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in _TEXT_DATETIME_FORMATS:
                try:
                    value = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if value is None:
        try:
            day = parse_date(text, order)
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
