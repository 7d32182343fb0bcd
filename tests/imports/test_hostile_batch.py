"""A hostile batch of CSV exports in one import run: thousands separators, DD/MM dates, negative counts, far
dates, a huge number, UTF-16 without a byte order mark, a file that crashes the reader, among good files.
Every bad file is rejected with a clear .error.txt (line, column, what was expected), every good file is loaded
with the right numbers, none silently wrong; then dbt: the LinkedIn content, followers and visitors sheets of
the same days all reach marts.fct_account_daily."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import pytest
from import_helpers import FIXED_MTIME, OWN, VALID, drop, import_resources

import assets.imports as imports_module
from assets.imports import import_files_job, import_run_config
from pipelines.imports import ReadingRules
from pipelines.imports.ledger import LEDGER_TABLE

pytestmark = pytest.mark.slow
TODAY = dt.date(2026, 11, 21)

# name -> (content, line, column, phrases the explanation must hold)
HOSTILE: dict[str, tuple[bytes, int, str | None, tuple[str, ...]]] = {
    "reach_thousands_dot.csv": (
        b"Date,Facebook Page reach,Facebook Page views\n2026-11-01,12.000,2100\n",
        2,
        "Facebook Page reach",
        ("12.000 is ambiguous", "12,000 with '.' between thousands", "number_format"),
    ),
    "insights_dd_mm.csv": (  # 1-5 November written day first; read month first they would be 5 months
        b"Date,Instagram reach\n01/11/2026,100\n02/11/2026,110\n03/11/2026,120\n04/11/2026,90\n05/11/2026,95\n",
        2,
        "Date",
        ("not written month first", "consecutive only when read day first", "date_order"),
    ),
    "followers_day_13.csv": (
        b"Date,Sponsored followers,Organic followers,Auto-invited followers,Total followers\n"
        b"12/11/2026,0,5,1,6\n13/11/2026,2,7,0,9\n",
        3,
        "Date",
        ("13/11/2026 cannot be read month first", "DMY"),
    ),
    "followers_negative.csv": (
        b"Date,Followers,New followers\n2026-11-01,12040,35\n2026-11-02,-12090,50\n",
        3,
        "Followers",
        ("-12,090 is negative", "never negative"),
    ),
    "overview_1970.csv": (
        b"Date,Video Views,Profile Views\n1970-01-01,5400,120\n2026-11-02,6100,150\n",
        2,
        "Date",
        ("1970-01-01 is before the first partition", "partitions_start_date"),
    ),
    "youtube_2099.csv": (
        b'Date,Views,Watch time (hours),Subscribers gained\n"Nov 1, 2026",1500,47.2,8\n"Jan 5, 2099",1730,54.3,11\n',
        3,
        "Date",
        ("2099-01-05 is in the future", "on or before today (2026-11-21"),
    ),
    "visitors_huge.csv": (
        b"Date,Total page views (total)\n11/01/2026,68\n11/02/2026,99999999999999999999999\n",
        3,
        "Total page views (total)",
        ("too large for a count", "up to 1,000,000,000,000"),
    ),
    "utf16_binary_garbage.csv": (
        "Date,Video Views\n2026-11-01,5400\n".encode("utf-16-le") + b"\x00\xd8",  # a lone surrogate at the end
        3,
        None,
        ("UTF-16 LE without a byte order mark",),
    ),
    "crash.csv": (
        b"Date,Video Views\n2026-11-01,5400\n2026-11-02,6100\n",
        None,
        None,
        ("the file could not be read: RuntimeError: simulated reader bug",),
    ),
}
# Good files: every recognised fixture, one of them re-encoded as UTF-16 without a byte order mark.
UTF16_GOOD = "tiktok_follower_history_utf16.csv"


@pytest.fixture
def hostile_folder(imports_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in VALID:
        if name != "tiktok_follower_history.csv":
            drop(imports_folder, name)
    good_utf16 = imports_folder / UTF16_GOOD
    text = (Path(__file__).parent / "fixtures" / "tiktok_follower_history.csv").read_text(encoding="utf-8")
    good_utf16.write_bytes(text.encode("utf-16-le"))
    for name, (content, *_) in HOSTILE.items():
        (imports_folder / name).write_bytes(content)
    for path in imports_folder.iterdir():
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))

    real = imports_module.parse_export_bytes

    def parse_with_a_bug(data, file_name, **kwargs):  # a reader bug nobody foresaw, for one file
        if file_name == "crash.csv":
            raise RuntimeError("simulated reader bug")
        return real(data, file_name, **kwargs)

    monkeypatch.setattr(imports_module, "parse_export_bytes", parse_with_a_bug)
    # today and the partitions as the import op derives them from settings.yaml, at a fixed day
    rules = ReadingRules(first_day=dt.date(2025, 1, 1), today=TODAY)
    monkeypatch.setattr(imports_module, "reading_rules", lambda settings, now=None: rules)
    return imports_folder


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_a_hostile_batch_rejects_every_bad_file_and_loads_every_good_one(hostile_folder: Path, tmp_path: Path):
    warehouse = tmp_path / "wh.duckdb"
    # the crashing file and the huge number come first: nothing after them may be lost
    files = ["crash.csv", "visitors_huge.csv", *sorted(p.name for p in hostile_folder.glob("*.csv"))]
    files = list(dict.fromkeys(files))
    result = import_files_job.execute_in_process(
        run_config=import_run_config(files, str(hostile_folder)),
        resources=import_resources(warehouse),
        raise_on_error=False,
    )
    assert result.success
    outcome = result.output_for_node("import_files")
    good = {name for name in VALID if name != "tiktok_follower_history.csv"} | {UTF16_GOOD}
    assert {name for name, status in outcome.items() if status == "loaded"} == good
    assert {name for name, status in outcome.items() if status == "rejected"} == set(HOSTILE)
    assert not list(hostile_folder.glob("*.csv"))  # every file processed, none left behind

    rejected = hostile_folder / "rejected"
    for name, (_, line, column, phrases) in HOSTILE.items():
        text = (rejected / f"{name}.error.txt").read_text()
        details = json.loads((rejected / f"{name}.error.json").read_text())
        for phrase in phrases:
            assert phrase in text, f"{name}: {phrase!r} not in\n{text}"
        assert (details.get("line"), details.get("column")) == (line, column), name
        if line is not None:
            assert f"Line:     {line}" in text and "Expected:" in text
    assert (
        "Read as:  UTF-16 LE without a byte order mark" in (rejected / "utf16_binary_garbage.csv.error.txt").read_text()
    )

    loaded_names = {name for (name,) in query(warehouse, f"select file_name from raw.{LEDGER_TABLE}")}
    assert loaded_names == good
    # none silently wrong: values checked by hand
    assert query(
        warehouse,
        f"select metric_date, followers from raw.tiktok__account_daily where _source = 'file:{UTF16_GOOD}' order by 1",
    ) == [(dt.date(2026, 11, 1), 12040), (dt.date(2026, 11, 2), 12090)]
    assert query(
        warehouse, "select reach, views from raw.facebook__account_daily where metric_date = '2026-11-02'"
    ) == [(1350, 2390)]
    linkedin = query(
        warehouse,
        "select metric_date, _source, views, followers_gained, profile_visits from raw.linkedin__account_daily "
        "order by 1, 2",
    )
    assert linkedin == [
        (dt.date(2026, 11, 1), "file:linkedin_content.csv", 640, None, None),
        (dt.date(2026, 11, 1), "file:linkedin_followers.csv", None, 6, None),
        (dt.date(2026, 11, 1), "file:linkedin_visitors.csv", None, None, 68),
        (dt.date(2026, 11, 2), "file:linkedin_content.csv", 820, None, None),
        (dt.date(2026, 11, 2), "file:linkedin_followers.csv", None, 9, None),
        (dt.date(2026, 11, 2), "file:linkedin_visitors.csv", None, None, 69),
    ]
    for table in ("instagram__account_daily", "youtube__account_daily", "tiktok__account_daily"):
        years = query(warehouse, f"select distinct year(metric_date) from raw.{table}")
        assert years in ([], [(2026,)]), table  # no 1970, no 2099, no May-as-November

    metadata = next(e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT")
    values = {k: v.value for k, v in metadata.event_specific_data.metadata.items()}
    assert (values["files_loaded"], values["files_rejected"]) == (len(good), len(HOSTILE))

    # dbt over the imported rows: the three LinkedIn sheets of a day are one row of fct_account_daily
    from dbt_helpers import build_marts

    rows = build_marts(
        warehouse,
        tmp_path,
        "select metric_date, views, reach, engagements, followers_gained, profile_visits "
        "from marts.fct_account_daily where platform = 'linkedin' and metric_date <= '2026-11-02' order by 1",
    )
    # content sheet 11/02: views 820, reach 455, engagements 28 + 42 + 6 + 3 = 79 (tests/imports/test_parsing.py)
    assert rows == [
        (dt.date(2026, 11, 1), 640, 410, 22 + 31 + 4 + 2, 6, 68),
        (dt.date(2026, 11, 2), 820, 455, 79, 9, 69),
    ]
    assert OWN["linkedin"] == query(warehouse, "select distinct account_id from raw.linkedin__account_daily")[0][0]
