"""The one set of value readers every client and market source uses (pipelines/platforms/values.py)."""

import datetime as dt

import pytest

from pipelines.errors import InputDataError
from pipelines.platforms.values import (
    parse_day,
    parse_epoch_ms,
    parse_time,
    require_day,
    require_field,
    require_time,
    to_count,
    to_number,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (812, 812),
        ("15400", 15400),  # YouTube's statistics are strings
        ("1,234", 1234),  # Meta sometimes sends thousands separators
        ("15400.0", 15400),
        (3.0, 3),
        (2.6, 3),  # rounded, not truncated
        ({"like": 300, "love": 30, "wow": 10}, 340),  # Meta's reactions by type are summed
        ({}, 0),
        ({"like": None}, None),
        (None, None),
        (True, None),
        ("n/a", None),
        ("", None),
    ],
)
def test_to_count(value, count):
    assert to_count(value) == count


def test_to_number():
    assert (to_number("12.5"), to_number(7), to_number(None), to_number("x"), to_number(False)) == (
        12.5,
        7.0,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "2026-05-03T14:00:00+0000",  # Graph
        "2026-05-03T14:00:00Z",  # YouTube
        "2026-05-03T14:00:00.000Z",  # X
        "2026-05-03T21:00:00+07:00",
        "2026-05-03T14:00:00",  # naive = UTC
        "1777816800",  # TikTok's unix seconds as a string
        1777816800,
    ],
)
def test_parse_time_reads_every_spelling(text):
    assert parse_time(text) == dt.datetime(2026, 5, 3, 14, 0, tzinfo=UTC)


def test_parse_time_and_epoch_ms_of_bad_values():
    assert parse_time("yesterday") is None and parse_time(None) is None and parse_time("") is None
    assert parse_epoch_ms(1746057600000) == dt.datetime(2025, 5, 1, tzinfo=UTC)  # LinkedIn
    assert parse_epoch_ms("nope") is None


def test_days():
    assert parse_day("2026-05-03") == dt.date(2026, 5, 3)
    assert parse_day("2026-05-03T23:00:00Z") == dt.date(2026, 5, 3)
    assert parse_day("03/05/2026") is None


def test_required_values_name_the_platform_and_field():
    with pytest.raises(InputDataError, match=r"tiktok: video 7 create_time is 'soon', not an ISO 8601"):
        require_time("tiktok", "soon", "video 7 create_time")
    with pytest.raises(InputDataError, match="epoch milliseconds"):
        require_time("linkedin", "x", "publishedAt", epoch_ms=True)
    with pytest.raises(InputDataError, match="YYYY-MM-DD"):
        require_day("youtube", "May 3", "Analytics day")
    with pytest.raises(InputDataError, match=r"x: a post has no 'id' field \(keys present: \['text'\]\)"):
        require_field("x", {"text": "hi"}, "id", "a post")
