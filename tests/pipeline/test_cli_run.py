"""`socialpulse run` as a user runs it: a subprocess, `dagster asset materialize` over a partition range,
the simulator, dbt, the alert evaluation and the summary, in a temporary warehouse and Dagster home."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def socialpulse(*args, env):
    executable = str(Path(sys.executable).parent / "socialpulse")
    return subprocess.run([executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


def test_help_lists_the_commands():
    completed = socialpulse("--help", env=os.environ)
    assert completed.returncode == 0
    for command in ("run", "ui", "alerts", "publish", "simulator", "summary"):
        assert command in completed.stdout


def test_run_loads_a_range_in_one_run_and_prints_the_summary(clean_cli_run):
    completed, home, tmp_path = clean_cli_run.completed, clean_cli_run.home, clean_cli_run.warehouse.parents[1]
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = completed.stdout
    assert "partitions 2026-11-18..2026-11-20" in out
    assert "=== socialpulse summary ===" in out and "marts.fct_account_daily" in out and "KPI alerts" in out
    published = tmp_path / "warehouse" / "socialpulse_published.duckdb"
    assert published.exists()
    with duckdb.connect(str(published), read_only=True) as conn:
        (platforms,) = conn.execute("select count(distinct platform) from marts.fct_account_daily").fetchone()
        assert platforms == 6
    # one run for the whole range (single-run backfill policy), recorded in the Dagster home the UI reads
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1
        assert runs[0].tags["dagster/asset_partition_range_start"] == "2026-11-18"
