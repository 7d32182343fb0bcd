"""Runs of this machine's Dagster instance whose process died, and who holds a pool slot.

Everything that writes the warehouse shares the pool `duckdb_writer` (one slot). When a run's process is killed
(SIGKILL, the OOM killer, a reboot) Dagster keeps the run STARTED and its slot claimed, and every later run
waits for that slot forever. Dagster's run monitoring cannot tell on its own: the default run launcher has no
worker health check, and `dagster asset materialize` (what `socialpulse run` starts) runs without a launcher.
So this module asks the operating system: a run's process id is in its engine events ("Executing steps in
process (pid: N)", "Started process for run (pid: N)").

`fail_dead_runs` marks such runs failed and frees their slots; `socialpulse run` calls it before it starts and
the `stale_run_sensor` every few minutes under the daemon. Process ids only mean something on the machine that
ran the process, so runs are only judged when the instance's storage is local (SQLite, as
.dagster_home/dagster.yaml configures); with a shared database (PostgreSQL) Dagster's run monitoring and the
launcher's health checks are the tools.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

# Statuses of a run that may hold (or be about to hold) a pool slot.
ACTIVE_STATUSES = (
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
)
FINISHED_STATUSES = (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
# A run that has no process id after this long never got a process (its launcher died before starting one).
DEFAULT_START_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class RunProcess:
    """An unfinished run and what the operating system says about its process."""

    run_id: str
    job_name: str
    status: str
    pid: int | None
    since: float  # when the run recorded its process (else when it was created), epoch seconds
    alive: bool

    @property
    def short_id(self) -> str:
        return self.run_id[:8]

    def describe(self) -> str:
        if self.pid:
            process = f"process {self.pid} {'running' if self.alive else 'gone'}"
        else:
            process = "no process yet" if self.alive else "never got a process"
        started = dt.datetime.fromtimestamp(self.since, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"run {self.short_id} ({self.job_name}, {self.status} since {started}, {process})"


@dataclass(frozen=True)
class PoolWait:
    """A step waiting for a slot of a concurrency pool, and the steps that hold the pool's slots."""

    pool: str
    run_id: str
    step_key: str
    waiting_since: dt.datetime
    holders: tuple[tuple[str, str], ...]  # (run id, step key)

    def seconds(self, now: dt.datetime | None = None) -> float:
        return ((now or dt.datetime.now(dt.UTC)) - self.waiting_since).total_seconds()


def is_local_instance(instance: DagsterInstance) -> bool:
    """Whether the run storage lives on this machine (SQLite or in memory), so process ids can be checked."""
    name = type(instance.run_storage).__name__
    return name.startswith("Sqlite") or name.startswith("InMemory")


def run_process_id(instance: DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """(pid, when it was recorded) of the run's process: the first engine event that names one ("Started process
    for run" of a launched run worker, else "Executing steps in process"). Later ones may name step processes
    of a multiprocess executor, which come and go while the run lives."""
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        metadata = getattr(event.event_specific_data, "metadata", None) if event else None
        value = (metadata or {}).get("pid")
        text = getattr(value, "value", value)
        if text is not None and str(text).isdigit():
            return int(str(text)), record.timestamp
    return None


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        return None
    return None


def process_start_time(pid: int) -> float | None:
    """When the process started (epoch seconds), from /proc; None where /proc is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    boot = _boot_time()
    if boot is None:
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, *, recorded_at: float | None = None) -> bool:
    """Whether `pid` is a running process that can be the one a run recorded at `recorded_at`: not a zombie,
    and not a newer process that was given the same id after the run's process died."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by another user
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    if state in ("Z", "X"):
        return False
    started = process_start_time(pid)
    return not (recorded_at is not None and started is not None and started > recorded_at + 2)


def active_runs(
    instance: DagsterInstance, *, start_timeout_seconds: float = DEFAULT_START_TIMEOUT_SECONDS, now: float | None = None
) -> list[RunProcess]:
    """Every unfinished run with the liveness of its process. A run without a recorded process counts as alive
    until `start_timeout_seconds` after it was created (it may be starting)."""
    moment = time.time() if now is None else now
    out: list[RunProcess] = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=list(ACTIVE_STATUSES))):
        run = record.dagster_run
        found = run_process_id(instance, run.run_id)
        created = record.create_timestamp.timestamp()
        if found is None:
            alive = moment - created < start_timeout_seconds
            out.append(RunProcess(run.run_id, run.job_name, run.status.value, None, created, alive))
            continue
        pid, recorded_at = found
        alive = process_alive(pid, recorded_at=recorded_at)
        out.append(RunProcess(run.run_id, run.job_name, run.status.value, pid, recorded_at, alive))
    return out


def fail_dead_runs(
    instance: DagsterInstance,
    *,
    start_timeout_seconds: float = DEFAULT_START_TIMEOUT_SECONDS,
    only: Callable[[RunProcess], bool] | None = None,
) -> list[RunProcess]:
    """Mark every unfinished run whose process is gone as failed and free its pool slots; also free the slots
    finished runs still hold (a process that died between recording the end and releasing). Returns the runs
    failed. Does nothing on a shared (non-local) instance."""
    if not is_local_instance(instance):
        return []
    failed: list[RunProcess] = []
    for process in active_runs(instance, start_timeout_seconds=start_timeout_seconds):
        if process.alive or (only is not None and not only(process)):
            continue
        run = instance.get_run_by_id(process.run_id)
        if run is None or run.status not in ACTIVE_STATUSES:
            continue  # it finished while we looked
        reason = (
            f"its process {process.pid} is no longer running (killed or crashed)"
            if process.pid
            else f"it recorded no process within {start_timeout_seconds:.0f} s"
        )
        instance.report_run_failed(
            run, f"socialpulse marked this run failed: {reason}. Its pool slots were released; re-run it."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(process.run_id)
        failed.append(process)
    release_finished_runs_slots(instance)
    return failed


def release_finished_runs_slots(instance: DagsterInstance) -> list[str]:
    """Free the slots still claimed by runs that have finished; returns their run ids."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    holding = list(storage.get_concurrency_run_ids())
    if not holding:
        return []
    finished = instance.get_run_records(filters=RunsFilter(run_ids=holding, statuses=list(FINISHED_STATUSES)))
    released = []
    for record in finished:
        storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
        released.append(record.dagster_run.run_id)
    return released


def pool_waits(instance: DagsterInstance, run_ids: Sequence[str] | None = None) -> list[PoolWait]:
    """Steps (of `run_ids`, default any run) queued for a pool slot that is not theirs yet."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    waits: list[PoolWait] = []
    for pool in sorted(storage.get_concurrency_keys()):
        info = storage.get_concurrency_info(pool)
        holders = tuple((slot.run_id, slot.step_key) for slot in info.claimed_slots)
        for pending in info.pending_steps:
            if pending.assigned_timestamp is not None:
                continue
            if run_ids is not None and pending.run_id not in run_ids:
                continue
            since = pending.enqueued_timestamp
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            waits.append(PoolWait(pool, pending.run_id, pending.step_key, since, holders))
    return waits


def runs_of_process(instance: DagsterInstance, pid: int, *, created_after: float) -> list[str]:
    """Run ids created after `created_after` whose recorded process is `pid` (the runs a child started)."""
    since = dt.datetime.fromtimestamp(created_after - 1, dt.UTC)
    ids = []
    for record in instance.get_run_records(filters=RunsFilter(created_after=since)):
        found = run_process_id(instance, record.dagster_run.run_id)
        if found is not None and found[0] == pid:
            ids.append(record.dagster_run.run_id)
    return ids
