"""Runs whose process died: a real run holding a pool slot is SIGKILLed; `fail_dead_runs` marks it failed and
frees the slot, and leaves a live run alone. Also the supervisor's signal forwarding and its wait report."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.instance.ref import InstanceRef

from pipelines.run_supervisor import RunSupervisor
from pipelines.runs import active_runs, fail_dead_runs, pool_waits, process_alive

REPO = Path(__file__).resolve().parents[2]
HOLDER = Path(__file__).with_name("slot_holder_job.py")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "dagster_home"
    folder.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", folder / "dagster.yaml")
    open_instance(folder).dispose()  # create and stamp the SQLite storage once, before processes share it
    return folder


def open_instance(home: Path) -> DagsterInstance:
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def holder_env(home: Path, marker: Path, seconds: float = 120) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SLOT_HOLDER_MARKER": str(marker),
        "SLOT_HOLDER_SECONDS": str(seconds),
        "PYTHONPATH": str(REPO),
    }


def start_holder(home: Path, marker: Path, seconds: float = 120) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(HOLDER)], env=holder_env(home, marker, seconds), start_new_session=True
    )
    wait_for(marker.exists, 60, "the op never started")
    return process


def wait_for(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def claimed(instance: DagsterInstance) -> list[str]:
    return [slot.run_id for slot in instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots]


def test_a_killed_run_is_failed_and_its_slot_freed_a_live_one_is_left_alone(home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    process = start_holder(home, marker)
    with open_instance(home) as instance:
        (run,) = instance.get_runs()
        assert claimed(instance) == [run.run_id]
        (seen,) = active_runs(instance)
        assert (seen.run_id, seen.pid, seen.alive) == (run.run_id, process.pid, True)
        assert fail_dead_runs(instance) == []  # alive: untouched
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED

        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # the state the hostile probe found: STARTED forever, the slot claimed
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED
        assert claimed(instance) == [run.run_id]

        (failed,) = fail_dead_runs(instance)
        assert (failed.run_id, failed.pid, failed.alive) == (run.run_id, process.pid, False)
        after = instance.get_run_by_id(run.run_id)
        assert after.status == DagsterRunStatus.FAILURE
        assert claimed(instance) == []
        assert active_runs(instance) == []
        assert fail_dead_runs(instance) == []  # idempotent


def test_a_reused_process_id_is_not_mistaken_for_the_run() -> None:
    assert process_alive(os.getpid())
    # this process started long before "now": it cannot be a process recorded a minute ago ... and vice versa
    assert not process_alive(os.getpid(), recorded_at=time.time() - 10**7)
    assert not process_alive(2**22 + 12345)  # beyond pid_max: no such process


def test_supervisor_reports_a_wait_for_the_pool_and_who_holds_it(home: Path, tmp_path: Path) -> None:
    holder = start_holder(home, tmp_path / "first", seconds=12)
    lines: list[str] = []
    try:
        supervisor = RunSupervisor(
            [sys.executable, str(HOLDER)],
            env=holder_env(home, tmp_path / "second", seconds=0),
            cwd=REPO,
            instance_factory=lambda: open_instance(home),
            out=lines.append,
            poll_seconds=0.5,
            report_after_seconds=2,
            report_every_seconds=3,
        )
        outcome = supervisor.run()
    finally:
        holder.wait(timeout=60)
    assert outcome.returncode == 0 and len(outcome.run_ids) == 1
    waits = [line for line in lines if "waiting" in line]
    assert waits, lines
    assert "for a slot of pool duckdb_writer (step hold_the_writer_slot of run" in waits[0]
    assert f"held by step hold_the_writer_slot of run {open_first_run_id(home)[:8]}" in waits[0]
    assert f"process {holder.pid} running" in waits[0]
    with open_instance(home) as instance:
        assert pool_waits(instance) == []


def open_first_run_id(home: Path) -> str:
    with open_instance(home) as instance:
        return instance.get_runs()[-1].run_id  # newest first


def test_supervisor_forwards_sigterm_to_the_child_group_and_nothing_is_orphaned(home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "started"
    lines: list[str] = []
    supervisor = RunSupervisor(
        [sys.executable, str(HOLDER)],
        env=holder_env(home, marker, seconds=120),
        cwd=REPO,
        instance_factory=lambda: open_instance(home),
        out=lines.append,
        poll_seconds=0.5,
        grace_seconds=10,
    )

    def terminate_when_started() -> None:
        wait_for(marker.exists, 60, "the op never started")
        os.kill(os.getpid(), signal.SIGTERM)  # what `timeout` sends the CLI

    threading.Thread(target=terminate_when_started, daemon=True).start()
    started = time.monotonic()
    outcome = supervisor.run()
    assert time.monotonic() - started < 60
    assert outcome.signal_received == signal.SIGTERM
    assert any("SIGTERM received; stopping the run" in line for line in lines)
    op_pid = int(marker.read_text())
    assert not process_alive(op_pid)
    with open_instance(home) as instance:
        fail_dead_runs(instance, start_timeout_seconds=0)
        (run,) = instance.get_runs()
        assert run.status == DagsterRunStatus.FAILURE
        assert claimed(instance) == []
