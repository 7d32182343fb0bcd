"""Run a `dagster` command as a child of the `socialpulse` CLI and watch it, so a run never hangs silently.

- The child gets its own process group (dbt and every other grandchild are in it): a signal reaches all of them,
  and a Ctrl-C or `timeout` never leaves an orphaned run writing the warehouse.
- SIGINT or SIGTERM to the CLI become SIGINT to the group (Dagster's CLI turns SIGINT into an interrupt: the
  run is marked failed and its pool slot released), then SIGTERM after `grace_seconds` and SIGKILL after twice
  that: Dagster only acts on a SIGINT at its next checkpoint (or never, when the run ends first), and a stop
  must stop. A run whose process the escalation killed is marked failed by the CLI (`fail_dead_runs`).
- Every `poll_seconds` the Dagster instance is read: a step of the child's run that waits for a pool slot is
  printed with who holds the slot and for how long; a holder whose process is gone is marked failed and its slot
  released (`pipelines.runs.fail_dead_runs`), so the wait ends on its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pipelines.runs import PoolWait, active_runs, fail_dead_runs, pool_waits, runs_of_process

Printer = Callable[[str], None]


@dataclass
class ChildOutcome:
    returncode: int
    launched_at: float
    run_ids: list[str] = field(default_factory=list)  # the runs the child started (once they recorded it)
    signal_received: int | None = None


def _print(line: str) -> None:
    print(line, flush=True)


class RunSupervisor:
    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | os.PathLike[str],
        instance_factory: Callable[[], object] | None = None,
        out: Printer = _print,
        poll_seconds: float = 5.0,
        report_after_seconds: float = 10.0,
        report_every_seconds: float = 30.0,
        grace_seconds: float = 5.0,
    ) -> None:
        self.command = list(command)
        self.env = dict(env)
        self.cwd = cwd
        self.instance_factory = instance_factory
        self.out = out
        self.poll_seconds = poll_seconds
        self.report_after_seconds = report_after_seconds
        self.report_every_seconds = report_every_seconds
        self.grace_seconds = grace_seconds
        self._instance: object | None = None
        self._last_report: dict[str, float] = {}

    def instance(self):
        if self._instance is None:
            if self.instance_factory is not None:
                self._instance = self.instance_factory()
            else:
                from dagster import DagsterInstance

                self._instance = DagsterInstance.get()
        return self._instance

    def run(self) -> ChildOutcome:
        launched_at = time.time()
        process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, start_new_session=True)
        outcome = ChildOutcome(returncode=-1, launched_at=launched_at)
        received: list[int] = []

        def forward(signum: int, frame: object) -> None:
            if not received:
                name = signal.Signals(signum).name
                self.out(f"socialpulse: {name} received; stopping the run (its process group {process.pid})")
            received.append(signum)
            _signal_group(process.pid, signal.SIGINT)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            deadline: float | None = None
            escalated = 0
            while True:
                try:
                    outcome.returncode = process.wait(timeout=self.poll_seconds)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if received:
                    deadline = deadline or time.monotonic() + self.grace_seconds
                    if time.monotonic() > deadline and escalated < 2:
                        escalated += 1
                        _signal_group(process.pid, signal.SIGTERM if escalated == 1 else signal.SIGKILL)
                        deadline = time.monotonic() + self.grace_seconds
                    continue
                self._watch(process.pid, outcome)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if received:
            _signal_group(process.pid, signal.SIGKILL)  # grandchildren the interrupted child left behind
        if not outcome.run_ids:
            outcome.run_ids = self._child_runs(process.pid, launched_at)
        if received:
            outcome.signal_received = received[0]
        if self._instance is not None and self.instance_factory is None:
            self._instance.dispose()  # type: ignore[attr-defined]
            self._instance = None
        return outcome

    def _child_runs(self, pid: int, launched_at: float) -> list[str]:
        try:
            return runs_of_process(self.instance(), pid, created_after=launched_at)
        except Exception as exc:  # noqa: BLE001 - watching is best effort; the run itself goes on
            self.out(f"socialpulse: cannot read the Dagster instance ({type(exc).__name__}: {exc})")
            return []

    def _watch(self, pid: int, outcome: ChildOutcome) -> None:
        """Report the child's steps that wait for a pool slot; release slots of holders whose process died."""
        if not outcome.run_ids:
            outcome.run_ids = self._child_runs(pid, outcome.launched_at)
            if not outcome.run_ids:
                return
        instance = self.instance()
        waits = pool_waits(instance, outcome.run_ids)
        if not waits:
            return
        now = dt.datetime.now(dt.UTC)
        holders = {p.run_id: p for p in active_runs(instance)}
        held_by = {run_id for wait in waits for run_id, _ in wait.holders}
        dead = {run_id for run_id in held_by if run_id in holders and not holders[run_id].alive}
        if dead:
            for process in fail_dead_runs(instance, only=lambda p: p.run_id in dead):
                self.out(f"socialpulse: {process.describe()} held the warehouse pool; marked failed, slot released")
            return
        by_pool: dict[str, list[PoolWait]] = {}
        for wait in waits:
            by_pool.setdefault(wait.pool, []).append(wait)
        for pool, queued in by_pool.items():
            first = min(queued, key=lambda w: w.waiting_since)
            waited = first.seconds(now)
            last = self._last_report.get(pool)
            due = waited >= self.report_after_seconds and (
                last is None or time.monotonic() - last >= self.report_every_seconds
            )
            if not due:
                continue
            self._last_report[pool] = time.monotonic()
            held = (
                "; ".join(
                    f"step {step} of {holders[run_id].describe() if run_id in holders else 'run ' + run_id[:8]}"
                    for run_id, step in first.holders
                )
                or "nobody yet (the slot is being handed over)"
            )
            steps = f"step {first.step_key}" + (f" and {len(queued) - 1} more" if len(queued) > 1 else "")
            self.out(
                f"socialpulse: waiting {waited:.0f} s for a slot of pool {pool} ({steps} of run "
                f"{first.run_id[:8]}); held by {held}. The steps start when the slot is free "
                "(`dagster instance concurrency get --all` shows the pool)."
            )


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
