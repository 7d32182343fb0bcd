"""The deployment beyond one machine (docs/deployment.md), as a user sets it up: Dagster's run, event and schedule
storage in PostgreSQL (dagster-postgres, docs/deployment/dagster.yaml copied verbatim), the steps in parallel
processes (the multiprocess executor), and the warehouse a DuckLake catalog in PostgreSQL with Parquet data files
in a folder. `socialpulse run` on the simulator must pass, dbt's build and tests included, and give the same marts
as the single-file DuckDB run of the same window (clean_cli_run); BI tools read the lake with the DuckDB CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse_kinds import (
    CATALOG,
    WarehouseLocation,
    dbt_environment,
    extension_directory,
    missing_lake_extensions,
    open_lake,
)

from .cli_helpers import REPO, WINDOW, cli_environment, socialpulse

if reason := missing_lake_extensions():
    pytest.skip(reason, allow_module_level=True)
psycopg2 = pytest.importorskip("psycopg2", reason="the lake extra is not installed: make install-lake")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake_run(postgres, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ducklake_run")
    env, home, _ = cli_environment(folder)
    shutil.copy(REPO / "docs" / "deployment" / "dagster.yaml", home / "dagster.yaml")
    suffix = uuid.uuid4().hex[:10]
    dagster_db, lake_db = f"dagster_{suffix}", f"lake_{suffix}"
    postgres.create_database(dagster_db)
    postgres.create_database(lake_db)
    lake = WarehouseLocation(kind="ducklake", catalog=postgres.dsn(lake_db), data_path=str(folder / "lake_files"))
    env.update(dbt_environment(lake))
    env.update(
        PGPASSWORD=postgres.password,
        DAGSTER_PG_HOST=postgres.host,
        DAGSTER_PG_PORT=str(postgres.port),
        DAGSTER_PG_DB=dagster_db,
        DAGSTER_PG_USER="socialpulse",
        SOCIALPULSE_EXECUTOR="multiprocess",
        SOCIALPULSE_MAX_PROCESSES="2",
    )
    completed = socialpulse("run", *WINDOW, env=env, timeout=1500)
    return completed, env, home, lake, postgres.dsn(dagster_db)


def test_the_pipeline_runs_on_ducklake_with_dagster_on_postgres(lake_run, monkeypatch):
    completed, env, home, _, dagster_dsn = lake_run
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "ERROR=0" in completed.stdout and "Done. PASS=" in completed.stdout  # dbt build: models and tests
    assert "BI tools read snapshot" in completed.stdout + completed.stderr  # published: the lake itself, no copy
    # Dagster kept nothing in SQLite: runs and events are in PostgreSQL
    assert not (home / "history").exists() and not list(home.rglob("*.db"))
    monkeypatch.setenv("PGPASSWORD", env["PGPASSWORD"])
    with psycopg2.connect(dagster_dsn) as conn, conn.cursor() as cursor:
        cursor.execute("select status from runs")
        statuses = [status for (status,) in cursor.fetchall()]
        cursor.execute("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'")
        (materializations,) = cursor.fetchone()
        cursor.execute(
            "select count(distinct step_key) from event_logs where dagster_event_type = 'STEP_START' "
            "and step_key like 'ingest_%'"
        )
        (ingest_steps,) = cursor.fetchone()
    assert statuses and set(statuses) == {"SUCCESS"}
    assert materializations > 50 and ingest_steps > 10
    # the ingest steps ran in their own processes, two of them at the same time at least once
    assert _overlapping_steps(dagster_dsn) >= 2


def _overlapping_steps(dagster_dsn: str) -> int:
    with psycopg2.connect(dagster_dsn) as conn, conn.cursor() as cursor:
        cursor.execute(
            "select step_key, dagster_event_type, timestamp from event_logs "
            "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE') order by timestamp, id"
        )
        running, most = set(), 0
        for step, kind, _ in cursor.fetchall():
            if kind == "STEP_START":
                running.add(step)
                most = max(most, len(running))
            else:
                running.discard(step)
    return most


def _rounded_columns(conn: duckdb.DuckDBPyConnection, database: str, table: str) -> str:
    rows = conn.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = 'marts' "
        "and table_name = ? order by column_index",
        [database, table],
    ).fetchall()
    # doubles summed in another order differ in the last bits: compare them to 9 decimals
    return ", ".join(f'round("{c}", 9)' if t in ("DOUBLE", "FLOAT") else f'"{c}"' for c, t in rows)


def test_the_lake_holds_the_same_marts_as_the_duckdb_file(lake_run, clean_cli_run, monkeypatch):
    completed, env, _, lake, _ = lake_run
    assert completed.returncode == 0
    assert clean_cli_run.completed.returncode == 0
    monkeypatch.setenv("PGPASSWORD", env["PGPASSWORD"])
    conn = open_lake(lake, read_only=True)
    try:
        conn.execute(f"attach '{clean_cli_run.warehouse}' as single_file (read_only)")
        tables = [
            name
            for (name,) in conn.execute(
                "select table_name from duckdb_tables() where database_name = 'single_file' and schema_name = "
                "'marts' order by 1"
            ).fetchall()
        ]
        assert len(tables) > 10
        for table in tables:
            lake_cols = _rounded_columns(conn, CATALOG, table)
            file_cols = _rounded_columns(conn, "single_file", table)
            assert lake_cols == file_cols, table
            (rows,) = conn.execute(f'select count(*) from {CATALOG}.marts."{table}"').fetchone()
            differences = conn.execute(
                f'select count(*) from ((select {lake_cols} from {CATALOG}.marts."{table}" except all '
                f'select {file_cols} from single_file.marts."{table}") union all (select {file_cols} from '
                f'single_file.marts."{table}" except all select {lake_cols} from {CATALOG}.marts."{table}"))'
            ).fetchone()[0]
            assert differences == 0, f"marts.{table}: {differences} of {rows} row(s) differ"
        (account_days,) = conn.execute(f"select count(*) from {CATALOG}.marts.fct_account_daily").fetchone()
    finally:
        conn.close()
    assert account_days > 0
    assert list(Path(lake.data_path).rglob("*.parquet"))  # the lake's data are Parquet files in its folder


def test_a_bi_tool_reads_the_lake_with_the_duckdb_cli(lake_run):
    completed, env, _, lake, _ = lake_run
    assert completed.returncode == 0
    cli = Path(sys.executable).parent / "duckdb"  # the CLI of the lake environment's DuckDB (its extensions)
    if not cli.exists():
        cli = shutil.which("duckdb")
    assert cli, "the duckdb CLI (duckdb-cli) is installed with socialpulse"
    sql = (
        f"set extension_directory = '{extension_directory()}'; load ducklake; load postgres; "
        f"attach '{lake.attach_path}' as lake (data_path '{lake.data_path}', read_only); "
        "select count(*) from lake.marts.fct_account_daily;"
    )
    result = subprocess.run(
        [str(cli), "-csv", "-noheader", "-c", sql], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) > 0
