"""Reading numbers, dates and encodings without guessing: each case by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from import_helpers import OWN

from pipelines.imports import ExportParseError, ReadingRules, parse_export_bytes
from pipelines.imports.values import NUMBER_FORMATS, BadValue, check_count_range, parse_count, parse_date

EN, DOT, SPACE = NUMBER_FORMATS["1,234.5"], NUMBER_FORMATS["1.234,5"], NUMBER_FORMATS["1 234,5"]


@pytest.mark.parametrize(
    "text, number_format, value",
    [
        ("1234", EN, 1234),
        ("1,234", EN, 1234),
        ("1,234,567", EN, 1234567),
        ("1 234", EN, 1234),
        ("1\u00a0234", EN, 1234),
        ("12.0", EN, 12),
        ("1,234.00", EN, 1234),
        ("1234.000", EN, 1234),  # four digits before the point: the other format cannot read it
        ("12.000", DOT, 12000),
        ("1.234.567", DOT, 1234567),
        ("1.234,00", DOT, 1234),
        ("1 234 567", SPACE, 1234567),
        ("-35", EN, -35),  # returned; the column's range refuses it
        ("", EN, None),
        ("--", EN, None),
        ("N/A", EN, None),
    ],
)
def test_counts_in_their_export_format(text: str, number_format, value) -> None:
    assert parse_count(text, number_format) == value


@pytest.mark.parametrize(
    "text, number_format, problem",
    [
        ("12.000", EN, "12.000 is ambiguous: 12 with decimals in the number format 1,234.5, or 12,000"),
        ("1,234", DOT, "1,234 is ambiguous: 1 with decimals in the number format 1.234,5"),
        ("1.5", EN, "1.5 is not a whole number"),
        ("1.234.567", EN, "not a whole number in the format 1,234.5"),
        ("12,34,567", EN, "not a whole number in the format 1,234.5"),
        ("lots", EN, "lots is not a whole number"),
    ],
)
def test_counts_that_do_not_fit_are_refused(text: str, number_format, problem: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_count(text, number_format)
    assert problem in caught.value.problem


def test_a_number_in_the_other_format_says_which_format_reads_it() -> None:
    with pytest.raises(BadValue) as caught:
        parse_count("1.234.567", EN)
    assert "reads in the number format '1.234,5'" in caught.value.expected


def test_count_ranges() -> None:
    check_count_range(0)
    check_count_range(10**12)
    with pytest.raises(BadValue, match="at least 0"):
        check_count_range(-1)
    with pytest.raises(BadValue) as caught:
        check_count_range(99999999999999999999999)
    assert "too large" in caught.value.problem


def test_numeric_dates_need_an_order_others_do_not() -> None:
    assert parse_date("11/05/2026", "MDY") == dt.date(2026, 11, 5)
    assert parse_date("11/05/2026", "DMY") == dt.date(2026, 5, 11)
    assert parse_date("05.11.2026") == dt.date(2026, 11, 5)  # dotted dates are day first everywhere
    assert parse_date("2026-11-05T00:00:00") == dt.date(2026, 11, 5)
    assert parse_date("Nov 5, 2026") == parse_date("5 November 2026") == dt.date(2026, 11, 5)
    with pytest.raises(BadValue) as caught:
        parse_date("11/05/2026")
    assert "ambiguous" in caught.value.problem
    with pytest.raises(BadValue) as caught:
        parse_date("25/11/2026", "MDY")
    assert "not a valid date month first" in caught.value.problem


def daily(rows: str, **rules) -> object:
    data = ("Date,Video Views\n" + rows).encode()
    return parse_export_bytes(data, "overview.csv", account_ids=OWN, rules=ReadingRules(**rules))


def test_the_date_order_a_file_proves_is_used_with_a_warning() -> None:
    parsed = daily("25/10/2026,1\n26/10/2026,2\n")  # TikTok states no order: a day above 12 proves day first
    assert parsed.frame["metric_date"].to_list() == [dt.date(2026, 10, 25), dt.date(2026, 10, 26)]
    assert any("dates read day first" in w and "25/10/2026 can only be read that way" in w for w in parsed.warnings)
    parsed = daily("10/30/2026,1\n10/31/2026,2\n11/01/2026,3\n")
    assert parsed.frame["metric_date"].to_list()[-1] == dt.date(2026, 11, 1)
    # both readings valid, but only month first makes the days of a daily export consecutive
    parsed = daily("11/01/2026,1\n11/02/2026,2\n")
    assert parsed.window == (dt.date(2026, 11, 1), dt.date(2026, 11, 2))
    assert any("consecutive only when read month first" in w for w in parsed.warnings)


def test_an_explicit_order_is_checked_against_the_values() -> None:
    parsed = daily("05/11/2026,1\n", date_orders={"tiktok_overview_daily": "DMY"})
    assert parsed.window == (dt.date(2026, 11, 5), dt.date(2026, 11, 5))
    with pytest.raises(ExportParseError) as caught:
        daily("11/25/2026,1\n", date_orders={"default": "DMY"})
    assert caught.value.line == 2 and "not written day first (DD/MM/YYYY) as settings.yaml imports.date_order" in str(
        caught.value
    )


def test_mixed_orders_are_refused() -> None:
    with pytest.raises(ExportParseError, match="mix month-first and day-first"):
        daily("25/10/2026,1\n10/26/2026,2\n")


def test_days_outside_the_partitions_and_today_are_refused() -> None:
    rules = {"first_day": dt.date(2025, 1, 1), "today": dt.date(2026, 11, 21)}
    assert daily("2026-11-21,1\n", **rules).rows == 1
    with pytest.raises(ExportParseError, match="the day 2026-11-22 is in the future"):
        daily("2026-11-22,1\n", **rules)
    with pytest.raises(ExportParseError, match="the day 2024-12-31 is before the first partition"):
        daily("2024-12-31,1\n", **rules)


def test_a_publish_time_after_the_export_or_before_2004_is_refused() -> None:
    header = "Time,Video title,Video link,Post time,Total likes\n"
    link = "https://www.tiktok.com/@k/video/7430000000000000001"
    for when, problem in (("2027-01-01 10:00:00", "after the export's day"), ("1970-01-01 00:00:00", "not a real")):
        data = f"{header}2026-11-21,t,{link},{when},1\n".encode()
        with pytest.raises(ExportParseError, match=problem):
            parse_export_bytes(data, "c.csv", account_ids=OWN, snapshot_date=dt.date(2026, 11, 21))


@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
def test_utf16_without_a_byte_order_mark_is_read_and_named(codec: str, name: str) -> None:
    data = "Date,Video Views,Profile Views\n2026-11-01,5400,120\n2026-11-02,6100,150\n".encode(codec)
    parsed = parse_export_bytes(data, "overview.csv", account_ids=OWN)
    assert parsed.frame["views"].to_list() == [5400, 6100]
    assert parsed.encoding == f"{name} without a byte order mark"
    assert any(f"read as {name} without a byte order mark" in w for w in parsed.warnings)


def test_every_error_names_the_encoding_it_read() -> None:
    data = "when,what\n2026-11-01,coffee\n".encode("utf-16-le")
    with pytest.raises(ExportParseError) as caught:
        parse_export_bytes(data, "notes.csv")
    assert "header is not one of a recognised export" in str(caught.value)
    assert str(caught.value).endswith("(file read as UTF-16 LE without a byte order mark)")
    assert caught.value.as_dict()["encoding"] == "UTF-16 LE without a byte order mark"


def test_a_file_with_nul_bytes_that_is_not_utf16_is_refused() -> None:
    with pytest.raises(ExportParseError, match="NUL bytes"):
        parse_export_bytes(b"Date,Video Views\n\x00\x01\x02garbage\xff\xfe\n", "x.csv")
