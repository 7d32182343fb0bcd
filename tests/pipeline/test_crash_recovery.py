"""Crash recovery as a user meets it: `socialpulse run` is SIGKILLed mid-ingest (the CLI and the run's process
group), which leaves the run STARTED holding the `duckdb_writer` slot; the next `socialpulse run` recovers on its
own and ends with a warehouse equal to a clean run's. And `timeout` (SIGTERM to the CLI) stops the run's whole
process group, fails the run and frees its slot."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.instance.ref import InstanceRef

from .cli_helpers import WINDOW, cli_environment, socialpulse, start_run_and_wait_for_ingest
from .warehouse_compare import warehouse_content

pytestmark = pytest.mark.slow


def open_instance(home: Path) -> DagsterInstance:
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def run_processes(instance: DagsterInstance) -> list[int]:
    from pipelines.runs import active_runs

    return [p.pid for p in active_runs(instance) if p.pid]


def claimed_slots(instance: DagsterInstance) -> list[str]:
    return [s.run_id for s in instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots]


def test_a_run_killed_mid_ingest_is_recovered_by_the_next_run(tmp_path: Path, clean_cli_run) -> None:
    clean_warehouse = clean_cli_run.warehouse
    assert clean_cli_run.completed.returncode == 0, clean_cli_run.completed.stderr[-3000:]

    env, home, warehouse = cli_environment(tmp_path / "crashed")
    process = start_run_and_wait_for_ingest(env, tmp_path / "killed.log")
    with open_instance(home) as instance:
        (pid,) = run_processes(instance)
        deadline = time.monotonic() + 120
        while not claimed_slots(instance):  # kill while a step holds the writer slot, as in the probe
            assert time.monotonic() < deadline, "no step claimed the duckdb_writer slot"
            time.sleep(0.05)
        os.killpg(os.getpgid(pid), signal.SIGKILL)  # the run's process group (dagster, dbt)...
        os.killpg(process.pid, signal.SIGKILL)  # ...and the CLI: nothing is left to clean up
    process.wait(timeout=30)
    with open_instance(home) as instance:
        (killed,) = instance.get_runs()
        assert killed.status == DagsterRunStatus.STARTED  # the stuck state of the hostile probe
        assert claimed_slots(instance) == [killed.run_id]

    started = time.monotonic()
    again = socialpulse("run", *WINDOW, env=env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert time.monotonic() - started < 600
    assert f"recovered: run {killed.run_id[:8]}" in again.stdout
    assert "marked failed and its pool slots released" in again.stdout
    with open_instance(home) as instance:
        statuses = {r.run_id: r.status for r in instance.get_runs()}
        assert statuses.pop(killed.run_id) == DagsterRunStatus.FAILURE
        assert list(statuses.values()) == [DagsterRunStatus.SUCCESS]
        assert claimed_slots(instance) == []

    recovered, reference = warehouse_content(warehouse), warehouse_content(clean_warehouse)
    assert recovered.keys() == reference.keys()
    different = [table for table in reference if recovered[table] != reference[table]]
    assert different == []
    assert sum(len(rows) for rows in reference.values()) > 1000
    # the killed run is alerted once, as a failed scheduled run would be
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute(
            "select count(*) from alerts.kpi_alerts where kpi = 'run_failure' and alert_id = ?",
            [f"run_failure:{killed.run_id}"],
        ).fetchone() == (1,)


def test_sigterm_to_the_cli_stops_the_whole_run_and_frees_its_slot(tmp_path: Path) -> None:
    env, home, warehouse = cli_environment(tmp_path / "terminated")
    process = start_run_and_wait_for_ingest(env, tmp_path / "terminated.log")
    with open_instance(home) as instance:
        (pid,) = run_processes(instance)
    process.send_signal(signal.SIGTERM)  # what `timeout` does: the CLI only
    assert process.wait(timeout=90) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while True:  # the child's group is gone: no orphan keeps writing the warehouse
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, f"process {pid} survived the CLI"
        time.sleep(0.2)
    output = (tmp_path / "terminated.log").read_text()
    assert "SIGTERM received; stopping the run" in output
    with open_instance(home) as instance:
        (run,) = instance.get_runs()
        assert run.status == DagsterRunStatus.FAILURE
        assert claimed_slots(instance) == []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from alerts.kpi_alerts where kpi = 'run_failure'").fetchone() == (1,)
