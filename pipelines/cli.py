"""The `socialpulse` command: what the Makefile calls. `socialpulse --help` lists the subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import sysconfig
import time
import warnings
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pipelines.config import load_brands, load_settings
from pipelines.errors import SocialPulseError
from pipelines.settings import (
    ENV_SIMULATOR_URL,
    REPO_ROOT,
    mode,
    published_warehouse_path,
    reports_dir,
    warehouse_path,
)
from pipelines.validation import validate_configuration

if TYPE_CHECKING:
    from pipelines.run_supervisor import ChildOutcome


def _bin(name: str) -> str:
    """A console script of this environment (the venv's bin), whatever PATH says."""
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        if (folder / name).exists():
            return str(folder / name)
    return name


def default_window(days: int, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last `days` complete days in the partition timezone, clamped to the first partition."""
    settings = load_settings()
    if end is None:
        end = dt.datetime.now(ZoneInfo(settings.timezone)).date() - dt.timedelta(days=1)
    start = max(end - dt.timedelta(days=days - 1), settings.partitions_start_date)
    return start, end


def simulator_for_run(seed: int) -> AbstractContextManager:
    """In simulator mode, a simulator on 127.0.0.1 for the runs this command launches (unless one is given)."""
    if mode() != "simulator" or os.environ.get(ENV_SIMULATOR_URL):
        return nullcontext(None)
    from pipelines.simulator import Simulator

    settings = load_settings()
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    return Simulator(seed=seed, today=today, brands=load_brands())


def cmd_run(args: argparse.Namespace) -> int:
    validate_configuration()  # one clear message, before anything is launched
    start, end = default_window(
        args.days or load_settings().default_history_days, dt.date.fromisoformat(args.end) if args.end else None
    )
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC)
    print(f"socialpulse run: mode={mode()}, partitions {start}..{end}, warehouse {warehouse_path()}", flush=True)
    recover_dead_runs()
    with simulator_for_run(args.seed) as sim:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        if sim is not None:
            env[ENV_SIMULATOR_URL] = sim.url
            print(f"platform simulator listening on {sim.url} (seed {args.seed})", flush=True)
        command = [
            _bin("dagster"),
            "asset",
            "materialize",
            "-m",
            "pipelines.definitions",
            "--select",
            args.select,
            "--partition-range",
            f"{start}...{end}",
            # INFO keeps our progress lines and drops Dagster's one DEBUG line per asset and day.
            "--config-json",
            json.dumps({"loggers": {"console": {"config": {"log_level": args.log_level}}}}),
        ]
        print("$ " + " ".join(command[1:]), flush=True)
        from pipelines.run_supervisor import RunSupervisor

        outcome = RunSupervisor(command, env=env, cwd=REPO_ROOT).run()
    if outcome.returncode != 0 or outcome.signal_received:
        return run_failed(outcome)
    alert_lines = evaluate_alerts(raised_since=started_at)
    publish()
    gaps = print_summary(alert_lines, elapsed=time.monotonic() - started)
    if gaps and args.fail_on_partial:
        return EXIT_PARTIAL
    return 0


def recover_dead_runs() -> list[str]:
    """Before a run: runs whose process died (a kill, a crash) are marked failed, their pool slots released and
    their failure alerted, so nothing waits for them; runs still alive are reported (this run will queue)."""
    from dagster import DagsterInstance

    from pipelines.runs import active_runs, fail_dead_runs

    with DagsterInstance.get() as instance:
        failed = fail_dead_runs(instance)
        for process in failed:
            print(
                f"recovered: {process.describe()}: marked failed and its pool slots released. Its loads were "
                "transactional, so nothing partial was kept; this run re-reads its days.",
                flush=True,
            )
        for process in active_runs(instance):
            if process.alive and process.pid:
                print(f"note: {process.describe()} is in progress; this run waits for the warehouse pool", flush=True)
        if failed:
            alert_failed_runs(instance, [p.run_id for p in failed])
    return [p.run_id for p in failed]


def run_failed(outcome: ChildOutcome) -> int:
    """The child failed or was stopped: its run is marked failed (if its process is gone without saying so), the
    failure is alerted as the run-failure sensor would, and the exit code says what happened."""
    from dagster import DagsterInstance

    from pipelines.runs import fail_dead_runs

    mine = set(outcome.run_ids)  # only the child's own runs: another CLI's run may be starting meanwhile
    with DagsterInstance.get() as instance:
        fail_dead_runs(instance, only=lambda p: p.run_id in mine)
        alert_failed_runs(instance, outcome.run_ids)
    if outcome.signal_received:
        name = signal.Signals(outcome.signal_received).name
        print(f"\nthe run was stopped ({name}); its pool slots are released.", file=sys.stderr)
        return 128 + outcome.signal_received
    print(
        f"\nthe run failed (exit {outcome.returncode}); see the log above or `make ui` -> Runs. "
        "Re-running `make run` is safe: every load replaces its partitions.",
        file=sys.stderr,
    )
    return outcome.returncode or 1


def alert_failed_runs(instance, run_ids: Sequence[str]) -> None:
    """Store and deliver a run-failure alert for each failed run, as `run_failure_alert_sensor` does under the
    daemon (the same alert id: a run is alerted once, whichever path sees it first)."""
    from pipelines.resources import WarehouseResource
    from sensors.resources import AlertingResource
    from sensors.run_failure import failure_of_run, record_run_failure

    for run_id in run_ids:
        failure = failure_of_run(instance, run_id)
        if failure is None:
            continue
        try:
            line = record_run_failure(failure, WarehouseResource(path=str(warehouse_path())), AlertingResource())
        except SocialPulseError as exc:
            line = f"run failure {run_id} could not be alerted: {exc}"
        print(line, file=sys.stderr, flush=True)


def evaluate_alerts(raised_since: dt.datetime | None = None) -> list[str]:
    """The same evaluation the sensor runs, over every date whose inputs are new or changed since evaluated
    (and the alerts the run raised)."""
    from sensors.wiring import evaluate_all

    return evaluate_all(str(warehouse_path()), raised_since=raised_since)


def publish(wait_seconds: float | None = None) -> Path:
    """Refresh the BI copy from the warehouse: taken under the writer's lock, only when every mart is there."""
    from assets.publish import publish_copy
    from pipelines.resources import WarehouseResource

    target = published_warehouse_path()
    publish_copy(WarehouseResource(path=str(warehouse_path())), target, wait_seconds=wait_seconds)
    return target


def wait_for_running_writers(timeout: float, *, poll_seconds: float = 5.0) -> float:
    """Wait until no Dagster run of this instance is in progress (every job writes the warehouse); returns the
    seconds left of `timeout`, or raises PublishError naming the runs still going."""
    from dagster import DagsterInstance

    from assets.publish import PublishError
    from pipelines.runs import active_runs

    deadline = time.monotonic() + timeout
    announced = False
    with DagsterInstance.get() as instance:
        while True:
            running = [p for p in active_runs(instance) if p.alive]
            if not running:
                return max(deadline - time.monotonic(), 0.0)
            names = "; ".join(p.describe() for p in running)
            if time.monotonic() >= deadline:
                raise PublishError(
                    f"not published: {names} is still writing the warehouse"
                    + (f" after {timeout:.0f} s" if timeout else "")
                    + f". The copy {published_warehouse_path()} is unchanged; the run refreshes it when it ends "
                    "(or run `socialpulse publish --wait SECONDS` to wait longer)."
                )
            if not announced:
                print(f"waiting up to {timeout:.0f} s for {names} to finish before publishing", flush=True)
                announced = True
            time.sleep(poll_seconds)


EXIT_PARTIAL = 3  # `run --fail-on-partial`: the run finished but some account, stream or source could not be read


def gap_lines(failures: Sequence[dict]) -> list[str]:
    """What could not be read and still is not (ops.ingest_failures, open rows), for a person."""
    if not failures:
        return []
    lines = [
        f"PARTIAL: {len(failures)} part(s) could not be read; everything else was loaded and the marts were "
        "rebuilt from what is there (their previous rows are kept, the next run reads them again):"
    ]
    for failure in failures:
        who = f"{failure['brand']} ({failure['account_id']})" if failure["account_id"] else "the whole source"
        since = failure["first_failed_at"].strftime("%Y-%m-%d %H:%M UTC")
        reason = " ".join(str(failure["reason"]).split())
        lines.append(
            f"  raw.{failure['table_name']} for {who}: failing since {since} ({failure['failed_runs']} run(s)): "
            f"{reason[:300]}"
        )
    lines.append("  all open failures: select * from ops.ingest_failures where resolved_at is null")
    return lines


def print_summary(alert_lines: Sequence[str], elapsed: float | None = None) -> list[str]:
    """Rows per table, the run's alerts, what could not be read, and where to look. Returns the gap lines."""
    from pipelines.ingest_failures import open_failures
    from pipelines.resources import WarehouseResource
    from pipelines.warehouse import table_row_counts

    path = warehouse_path()
    with WarehouseResource(path=str(path)).connect(read_only=True, wait_seconds=60) as conn:
        counts = table_row_counts(conn, ["raw", "marts", "alerts", "ops"])
        gaps = gap_lines(open_failures(conn))
    print("\n=== socialpulse summary ===")
    if elapsed is not None:
        print(f"finished in {elapsed:.0f}s")
    for schema in ("raw", "marts", "alerts", "ops"):
        rows = [(t, n) for s, t, n in counts if s == schema]
        if not rows:
            continue
        print(f"\n{schema} ({len(rows)} tables)")
        for table, n in rows:
            print(f"  {schema}.{table:<45} {n:>10,}")
    print()
    for line in alert_lines:
        print(line)
    published = published_warehouse_path()
    print(f"\nwarehouse:  {path}")
    print(f"BI copy:    {published}  (read-only copy for Metabase, Superset, DBeaver, Evidence)")
    print(f"reports:    {reports_dir()}  (weekly and monthly HTML + PDF per own brand)")
    print("UI:         make ui   -> http://127.0.0.1:3000")
    print(f'query:      {_bin("duckdb")} -readonly {published} -c "from marts.fct_account_daily limit 5"')
    if gaps:
        print()
        for line in gaps:
            print(line)
    return gaps


def cmd_summary(args: argparse.Namespace) -> int:
    print_summary([])
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    for line in evaluate_alerts():
        print(line)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    left = wait_for_running_writers(args.wait)
    print(f"published {publish(wait_seconds=max(left, 5.0))}")
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_ui(args: argparse.Namespace) -> int:
    """dagster dev with the simulator; Ctrl-C stops both."""
    validate_configuration()
    with simulator_for_run(args.seed) as sim:
        env = dict(os.environ)
        if sim is not None:
            env[ENV_SIMULATOR_URL] = sim.url
            print(f"platform simulator listening on {sim.url}")
        command = [_bin("dagster"), "dev", "-w", "workspace.yaml", "-h", args.host, "-p", str(args.port)]
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, start_new_session=True)
        # dagster dev ignores SIGTERM when it is not in the foreground: turn ours into the Ctrl-C it obeys.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        print(f"Dagster UI on http://{args.host}:{args.port} (Ctrl-C to stop)")
        try:
            return process.wait()
        except KeyboardInterrupt:
            os.killpg(process.pid, signal.SIGINT)
            try:
                return process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                return 130


def cmd_simulator(args: argparse.Namespace) -> int:
    from pipelines.simulator.__main__ import main as simulator_main

    return simulator_main(args.simulator_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialpulse",
        description="Social-media analytics warehouse: ingest, dbt marts, KPI alerts. "
        "Configuration: pipelines/config/*.yaml (or SOCIALPULSE_CONFIG_DIR); tokens from environment variables "
        "(see .env.example); SOCIALPULSE_MODE=simulator (default) or production.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="load the default date range, build the marts, evaluate alerts, publish")
    run.add_argument(
        "--days", type=int, help="days to load, ending yesterday (default: settings.yaml default_history_days)"
    )
    run.add_argument("--end", help="last day to load (YYYY-MM-DD, default yesterday in the partition timezone)")
    run.add_argument("--select", default="*", help="Dagster asset selection (default: everything)")
    run.add_argument("--seed", type=int, default=7, help="simulator seed (simulator mode)")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"], help="console log level")
    run.add_argument(
        "--fail-on-partial",
        action="store_true",
        help=f"exit {EXIT_PARTIAL} when some account, stream or source could not be read (default: exit 0, "
        "the summary lists what is missing)",
    )
    run.set_defaults(func=cmd_run)
    sub.add_parser("summary", help="rows per table, paths and how to connect").set_defaults(func=cmd_summary)
    sub.add_parser("alerts", help="evaluate KPI alert rules over dates not yet evaluated").set_defaults(func=cmd_alerts)
    pub = sub.add_parser(
        "publish",
        help="copy the warehouse to the read-only BI copy (waits for a running run first)",
        description="Refresh the read-only copy BI tools open. A run in progress is waited for (it publishes "
        "itself when it ends); the copy is only replaced when every mart is there.",
    )
    pub.add_argument(
        "--wait", type=float, default=600, help="seconds to wait for a running run (default 600; 0 = refuse at once)"
    )
    pub.set_defaults(func=cmd_publish)
    ui = sub.add_parser("ui", help="start the Dagster UI (and the simulator in simulator mode)")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.add_argument("--seed", type=int, default=7)
    ui.set_defaults(func=cmd_ui)
    sim = sub.add_parser("simulator", help="run the platform simulator (arguments passed through)", add_help=False)
    sim.add_argument("simulator_args", nargs=argparse.REMAINDER)
    sim.set_defaults(func=cmd_simulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Dagster's notices about beta/preview APIs we chose knowingly (definitions.py silences them the same way)
    for notice in (r".* is currently in (beta|preview)", r".* is superseded"):
        warnings.filterwarnings("ignore", message=notice)
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home"))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")
    try:
        return args.func(args)
    except SocialPulseError as exc:
        print(f"socialpulse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
