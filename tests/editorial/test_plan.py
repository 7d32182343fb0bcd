"""editorial_plan.csv: the shipped plan is valid; a bad line names file, line, column, value and the fix."""

import datetime as dt
from pathlib import Path

import pytest

from pipelines.config import load_brands
from pipelines.editorial.plan import default_plan_path, load_editorial_plan, parse_plan
from pipelines.errors import ConfigError

HEADER = "platform,content_type,theme,campaign,date,weekday,from,until,tolerance_days\n"

REPO = Path(__file__).resolve().parents[2]


def parse(body: str, header: str = HEADER):
    return parse_plan(header + body, load_brands(), source="editorial_plan.csv")


def test_the_shipped_plan_is_valid_and_covers_every_platform():
    plan = load_editorial_plan(load_brands())
    assert plan.path == str(default_plan_path())
    assert {p.platform for p in plan.posts} == {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok"}
    assert all(p.brand == "Kopi Nusantara" for p in plan.posts)


def test_dated_and_weekly_rows():
    plan = parse(
        "instagram,reel,menu,ramadan-2026,2026-03-10,,,,\n"
        "tiktok,Video,behind the scenes,,,Tuesday,2026-03-01,2026-03-31,2\n"
        "\n"  # blank lines are skipped
    )
    dated, weekly = plan.posts
    assert (dated.line, dated.date, dated.campaign, dated.tolerance_days, dated.is_recurring) == (
        2, dt.date(2026, 3, 10), "ramadan-2026", 1, False,
    )  # fmt: skip
    assert (weekly.line, weekly.content_type, weekly.iso_weekday, weekly.starts, weekly.ends) == (
        3, "video", 2, dt.date(2026, 3, 1), dt.date(2026, 3, 31),
    )  # fmt: skip
    assert weekly.tolerance_days == 2 and weekly.brand == "Kopi Nusantara"


@pytest.mark.parametrize(
    ("body", "where", "problem", "value"),
    [
        ("myspace,reel,menu,,2026-03-10,,,,\n", "line 2, column platform", "unknown platform", "myspace"),
        ("instagram,story,menu,,2026-03-10,,,,\n", "line 2, column content_type", "unknown content type", "story"),
        ("instagram,reel,menu,,2026-02-30,,,,\n", "line 2, column date", "valid date", "2026-02-30"),
        ("instagram,reel,menu,,,funday,,,\n", "line 2, column weekday", "unknown weekday", "funday"),
        ("instagram,reel,menu,,2026-03-10,monday,,,\n", "line 2", "either date", None),
        ("instagram,reel,menu,,,,,,\n", "line 2", "either date", None),
        ("instagram,reel,,,2026-03-10,,,,\n", "line 2, column theme", "Field required", None),
        ("instagram,reel,menu,,,monday,2026-04-01,2026-03-01,\n", "line 2", "is before from", None),
        ("instagram,reel,menu,,2026-03-10,,,,9\n", "line 2, column tolerance_days", "less than or equal", "9"),
        ("instagram,reel,menu,,2026-03-10,,,,1,extra\n", "line 2", "more cells", None),
    ],
)
def test_a_bad_line_names_line_column_value_and_fix(body, where, problem, value):
    with pytest.raises(ConfigError) as info:
        parse(body)
    error = info.value
    assert error.file == "editorial_plan.csv" and error.key == where, str(error)
    assert problem in error.problem, str(error)
    assert error.value == value


def test_a_brand_must_be_an_own_brand_and_the_header_must_be_known():
    with pytest.raises(ConfigError, match="line 2, column brand: not a client brand.*Java Roast Co"):
        parse("Java Roast Co,instagram,reel,menu,,2026-03-10,,,,\n", header="brand," + HEADER)
    with pytest.raises(ConfigError, match=r"line 1 \(header\): unknown column\(s\) \['channel'\]"):
        parse("", header="channel,platform,content_type,theme\n")
    with pytest.raises(ConfigError, match=r"missing column\(s\) \['theme'\]"):
        parse("", header="platform,content_type\n")


def test_with_several_clients_each_line_names_a_known_client():
    agency = load_brands(REPO / "examples" / "agency" / "brands.yaml")
    plan = load_editorial_plan(agency, REPO / "examples" / "agency" / "editorial_plan.csv")
    assert {p.brand for p in plan.posts} == {"Kopi Nusantara", "Teh Tarik Co", "Roti Senja Bakery"}
    with pytest.raises(ConfigError, match="line 2, column brand: empty, but brands.yaml has 3 client brands") as info:
        parse_plan(HEADER + "instagram,reel,menu,,2026-03-10,,,,\n", agency)
    assert "Roti Senja Bakery" in str(info.value)  # the fix lists the clients
    with pytest.raises(ConfigError, match="line 2, column brand: not a client brand") as info:
        parse_plan("brand," + HEADER + "Kenangan Brew,instagram,reel,menu,,2026-03-10,,,,\n", agency)
    assert "Kenangan Brew" in str(info.value) and "Teh Tarik Co" in str(info.value)


def test_no_file_is_an_empty_plan(tmp_path):
    assert load_editorial_plan(load_brands(), tmp_path / "none.csv").posts == ()
