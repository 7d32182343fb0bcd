"""import_files_job in process over a real DuckDB file: loads, rejections with their explanation, the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
from import_helpers import CORRUPTED, FIXTURES, OWN, VALID, drop, import_resources

from assets.imports import import_files_job, import_run_config
from pipelines.imports import parse_export
from pipelines.imports.ledger import LEDGER_TABLE


def run_import(folder: Path, warehouse: Path, files: list[str]):
    return import_files_job.execute_in_process(
        run_config=import_run_config(files, str(folder)),
        resources=import_resources(warehouse),
        raise_on_error=False,
    )


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def op_metadata(result) -> dict:
    output = next(e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT")
    return {k: v.value for k, v in output.event_specific_data.metadata.items()}


def test_every_kind_loads_with_lineage_and_ledger(imports_folder: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    for name in VALID:
        drop(imports_folder, name)
    result = run_import(imports_folder, warehouse, sorted(VALID))
    assert result.success

    expected_rows = {}
    for name in VALID:
        parsed = parse_export(FIXTURES / name, account_ids=OWN, timezone="Asia/Jakarta")
        expected_rows[name] = parsed.rows
        got = query(
            warehouse,
            f'select count(*), min(_partition_date), max(_partition_date), min(_run_id) from raw."{parsed.table}" '
            "where _source = ?",
            [f"file:{name}"],
        )[0]
        if parsed.spec.is_posts:
            # snapshot day = the file's modification day (drop() sets 2026-11-21 06:00 UTC)
            assert got[:3] == (parsed.rows, dt.date(2026, 11, 21), dt.date(2026, 11, 21)), name
        else:
            assert got[:3] == (parsed.rows, *parsed.window), name
        assert got[3] == result.run_id
        assert (imports_folder / "loaded" / name).exists()
        assert not (imports_folder / name).exists()

    ledger = query(
        warehouse, f"select file_name, export_kind, platform, table_name, rows, run_id from raw.{LEDGER_TABLE}"
    )
    assert {r[0]: r[1] for r in ledger} == VALID
    assert {r[0]: r[4] for r in ledger} == expected_rows
    assert {r[5] for r in ledger} == {result.run_id}

    metadata = op_metadata(result)
    assert metadata["rows_per_file"] == expected_rows
    assert metadata["files_loaded"] == len(VALID)
    assert metadata["rows_loaded"] == sum(expected_rows.values())
    observed = {e.asset_key.path[1] for e in result.asset_observations_for_node("import_files")}
    assert "youtube__post_snapshots" in observed and "facebook__account_daily" in observed

    # A value checked by hand in the warehouse itself: Facebook reach on 2026-11-02.
    reach = query(
        warehouse,
        "select account_id, reach from raw.facebook__account_daily where metric_date = '2026-11-02'",
    )
    assert reach == [(OWN["facebook"], 1350)]


def test_corrupted_files_are_rejected_with_explanations(imports_folder: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    for name in CORRUPTED:
        drop(imports_folder, name)
    drop(imports_folder, "tiktok_overview.csv")
    result = run_import(imports_folder, warehouse, [*CORRUPTED, "tiktok_overview.csv"])
    assert result.success  # a bad file is an outcome, not a failed run
    rejected = imports_folder / "rejected"
    expected = {
        "bad_wrong_field_count.csv": (3, None, "6 fields"),
        "bad_non_numeric.csv": (4, "Facebook Page reach", "whole number"),
        "bad_missing_column.csv": (1, "Video publish time", "Video publish time"),
    }
    for name, (line, column, expectation) in expected.items():
        assert (rejected / name).exists() and not (imports_folder / name).exists()
        details = json.loads((rejected / f"{name}.error.json").read_text())
        assert (details["line"], details["column"]) == (line, column)
        assert expectation in details["expected"]
        assert details["run_id"] == result.run_id
        text = (rejected / f"{name}.error.txt").read_text()
        assert f"Line:     {line}" in text and "Expected:" in text
    assert "Column:   2 ('Facebook Page reach')" in (rejected / "bad_non_numeric.csv.error.txt").read_text()

    ledger = query(warehouse, f"select file_name from raw.{LEDGER_TABLE}")
    assert ledger == [("tiktok_overview.csv",)]
    assert query(warehouse, "select count(*) from raw.tiktok__account_daily") == [(3,)]
    metadata = op_metadata(result)
    assert (metadata["files_rejected"], metadata["files_loaded"]) == (3, 1)


def test_same_file_twice_loads_once(imports_folder: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    drop(imports_folder, "meta_facebook_insights.csv")
    assert run_import(imports_folder, warehouse, ["meta_facebook_insights.csv"]).success

    # Dropped again under its own name and under another name, in one run.
    drop(imports_folder, "meta_facebook_insights.csv")
    drop(imports_folder, "meta_facebook_insights.csv", as_name="facebook export (1).csv")
    second = run_import(imports_folder, warehouse, ["meta_facebook_insights.csv", "facebook export (1).csv"])
    assert second.success
    assert second.output_for_node("import_files") == {
        "meta_facebook_insights.csv": "duplicate",
        "facebook export (1).csv": "duplicate",
    }
    assert query(warehouse, "select count(*) from raw.facebook__account_daily") == [(3,)]
    assert query(warehouse, f"select count(*) from raw.{LEDGER_TABLE}") == [(1,)]
    loaded = sorted(p.name for p in (imports_folder / "loaded").iterdir())
    assert len(loaded) == 3 and "facebook export (1).csv" in loaded  # the copy is kept, under a unique name
    assert not any(imports_folder.glob("*.csv"))


def test_file_rows_never_touch_api_rows_and_a_new_version_replaces_its_own(
    imports_folder: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "wh.duckdb"
    drop(imports_folder, "tiktok_overview.csv")
    assert run_import(imports_folder, warehouse, ["tiktok_overview.csv"]).success
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "insert into raw.tiktok__account_daily (account_id, metric_date, views, _source, _partition_date) "
            "values ('7000000000000000001', '2026-11-02', 1, 'api:tiktok', '2026-11-02')"
        )
    # A corrected export with the same name: new content, days 2026-11-02..03 only.
    (imports_folder / "tiktok_overview.csv").write_text("Date,Video Views\n2026-11-02,6200\n2026-11-03,4900\n")
    assert run_import(imports_folder, warehouse, ["tiktok_overview.csv"]).success
    rows = query(
        warehouse,
        "select metric_date, _source, views from raw.tiktok__account_daily order by metric_date, _source",
    )
    assert rows == [
        (dt.date(2026, 11, 1), "file:tiktok_overview.csv", 5400),
        (dt.date(2026, 11, 2), "api:tiktok", 1),
        (dt.date(2026, 11, 2), "file:tiktok_overview.csv", 6200),
        (dt.date(2026, 11, 3), "file:tiktok_overview.csv", 4900),
    ]
    assert query(warehouse, f"select count(*) from raw.{LEDGER_TABLE}") == [(2,)]


def test_a_file_gone_before_the_run_is_reported_missing(imports_folder: Path, tmp_path: Path) -> None:
    result = run_import(imports_folder, tmp_path / "wh.duckdb", ["not-there.csv"])
    assert result.success
    assert result.output_for_node("import_files") == {"not-there.csv": "missing"}


def test_sensor_to_job_end_to_end_and_a_second_drop(imports_folder: Path, tmp_path: Path) -> None:
    from dagster import DagsterInstance, build_sensor_context

    from sensors.imports import build_import_files_sensor

    warehouse = tmp_path / "wh.duckdb"
    sensor = build_import_files_sensor(folder=imports_folder)
    drop(imports_folder, "youtube_by_content.csv")
    with DagsterInstance.ephemeral() as instance:
        first = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=None))
        (request,) = first.run_requests
        result = import_files_job.execute_in_process(
            run_config=request.run_config, resources=import_resources(warehouse), instance=instance
        )
        assert result.output_for_node("import_files") == {"youtube_by_content.csv": "loaded"}

        # The folder is empty again: the sensor skips and its cursor forgets the file.
        idle = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=first.cursor))
        assert idle.run_requests == [] and json.loads(idle.cursor) == {"files": {}}

        # The same export dropped again under another name: same run key (Dagster drops such a request when a
        # daemon evaluates it); run anyway, the ledger refuses it.
        drop(imports_folder, "youtube_by_content.csv", as_name="Table data.csv")
        second = sensor.evaluate_tick(build_sensor_context(instance=instance, cursor=idle.cursor))
        (again,) = second.run_requests
        assert again.run_key == request.run_key
        rerun = import_files_job.execute_in_process(
            run_config=again.run_config, resources=import_resources(warehouse), instance=instance
        )
        assert rerun.output_for_node("import_files") == {"Table data.csv": "duplicate"}
    assert query(warehouse, "select count(*) from raw.youtube__post_snapshots") == [(2,)]
    assert query(warehouse, f"select file_name from raw.{LEDGER_TABLE}") == [("youtube_by_content.csv",)]
