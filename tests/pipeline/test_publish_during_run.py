"""`socialpulse publish` while `socialpulse run` writes a fresh warehouse: refused at once with --wait 0 (one
line, no traceback, no copy), and with a wait it publishes only once the run is done, a copy with every mart."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.instance.ref import InstanceRef

from assets.publish import expected_mart_tables

from .cli_helpers import cli_environment, socialpulse, start_run_and_wait_for_ingest

pytestmark = pytest.mark.slow


def test_publish_during_a_run_never_leaves_a_copy_without_marts(tmp_path: Path) -> None:
    env, home, warehouse = cli_environment(tmp_path)
    published = warehouse.with_name("socialpulse_published.duckdb")
    run = start_run_and_wait_for_ingest(env, tmp_path / "run.log")
    try:
        refused = socialpulse("publish", "--wait", "0", env=env, timeout=120)
        assert refused.returncode == 2
        assert "Traceback" not in refused.stderr and "IOException" not in refused.stderr
        lines = [text for text in refused.stderr.splitlines() if text.strip()]
        assert len(lines) == 1, refused.stderr
        (line,) = lines
        assert "not published" in line and "is still writing the warehouse" in line and str(published) in line
        assert not published.exists()

        waited = socialpulse("publish", "--wait", "600", env=env)
        assert waited.returncode == 0, waited.stderr[-3000:]
        assert "waiting up to 600 s for run" in waited.stdout
        with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:  # published after the run
            assert [r.status for r in instance.get_runs()] == [DagsterRunStatus.SUCCESS]
    finally:
        run.wait(timeout=600)
    assert run.returncode == 0, (tmp_path / "run.log").read_text()[-3000:]
    with duckdb.connect(str(published), read_only=True) as conn:
        rows = conn.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        tables = {name for (name,) in rows}
        assert set(expected_mart_tables()) <= tables
        assert conn.execute("select count(distinct platform) from marts.fct_account_daily").fetchone() == (6,)
        # dbt's views resolve in the copy on its own (they no longer name the writer's catalog)
        assert conn.execute("select count(*) from staging.stg_instagram__account_daily").fetchone()[0] > 0
        assert conn.execute("select count(*) from intermediate.int_account_daily_unioned").fetchone()[0] > 0


def test_publish_of_a_warehouse_without_marts_is_refused_in_one_line(tmp_path: Path) -> None:
    warehouse = tmp_path / "socialpulse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema raw; create table raw.x as select 1 as a")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "SOCIALPULSE_WAREHOUSE": str(warehouse)}
    env.pop("SOCIALPULSE_PUBLISHED_WAREHOUSE", None)
    completed = socialpulse("publish", env=env, timeout=120)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "no complete build yet (missing marts: dim_accounts" in completed.stderr
    assert not (tmp_path / "socialpulse_published.duckdb").exists()
