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
    assert_every_object_answers_a_select(published)
    # one run for the whole range (single-run backfill policy), recorded in the Dagster home the UI reads
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = instance.get_runs()
        assert len(runs) == 1
        assert runs[0].tags["dagster/asset_partition_range_start"] == "2026-11-18"


SELECT_EVERY_OBJECT = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
objects = conn.execute(
    "select table_schema, table_name from information_schema.tables order by 1, 2"
).fetchall()
failures = []
for schema, name in objects:
    try:
        conn.execute(f'select * from "{schema}"."{name}" limit 1').fetchall()
    except duckdb.Error as exc:
        failures.append(f"{schema}.{name}: {exc}")
print(len(objects), len([o for o in objects if o[0] == "marts"]))
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""


def assert_every_object_answers_a_select(published):
    """A BI tool opens the published file under its own name, in its own process: every table and view listed
    there must answer a select (dbt's views name the writer's catalog, so the copy keeps only tables)."""
    completed = subprocess.run(
        [sys.executable, "-c", SELECT_EVERY_OBJECT, str(published)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    objects, marts = map(int, completed.stdout.split()[:2])
    assert marts >= 16 and objects > marts
