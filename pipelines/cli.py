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
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
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
    start, end = default_window(
        args.days or load_settings().default_history_days, dt.date.fromisoformat(args.end) if args.end else None
    )
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC)
    print(f"socialpulse run: mode={mode()}, partitions {start}..{end}, warehouse {warehouse_path()}", flush=True)
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
        code = subprocess.call(command, env=env, cwd=REPO_ROOT)
    if code != 0:
        print(
            f"\nthe run failed (exit {code}); see the log above or `make ui` -> Runs. "
            "Re-running `make run` is safe: every load replaces its partitions.",
            file=sys.stderr,
        )
        return code
    alert_lines = evaluate_alerts(raised_since=started_at)
    publish()
    print_summary(alert_lines, elapsed=time.monotonic() - started)
    return 0


def evaluate_alerts(raised_since: dt.datetime | None = None) -> list[str]:
    """The same evaluation the sensor runs, over every date not evaluated yet (and the alerts the run raised)."""
    from sensors.wiring import evaluate_all

    return evaluate_all(str(warehouse_path()), raised_since=raised_since)


def publish() -> Path:
    import duckdb

    from assets.publish import publish_copy

    with duckdb.connect(str(warehouse_path())) as conn:
        conn.execute("checkpoint")
    target = published_warehouse_path()
    publish_copy(warehouse_path(), target)
    return target


def print_summary(alert_lines: Sequence[str], elapsed: float | None = None) -> None:
    import duckdb

    from pipelines.warehouse import table_row_counts

    path = warehouse_path()
    with duckdb.connect(str(path), read_only=True) as conn:
        counts = table_row_counts(conn, ["raw", "marts", "alerts"])
    print("\n=== socialpulse summary ===")
    if elapsed is not None:
        print(f"finished in {elapsed:.0f}s")
    for schema in ("raw", "marts", "alerts"):
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


def cmd_summary(args: argparse.Namespace) -> int:
    print_summary([])
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    for line in evaluate_alerts():
        print(line)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    print(f"published {publish()}")
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_ui(args: argparse.Namespace) -> int:
    """dagster dev with the simulator; Ctrl-C stops both."""
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
    run.set_defaults(func=cmd_run)
    sub.add_parser("summary", help="rows per table, paths and how to connect").set_defaults(func=cmd_summary)
    sub.add_parser("alerts", help="evaluate KPI alert rules over dates not yet evaluated").set_defaults(func=cmd_alerts)
    sub.add_parser("publish", help="copy the warehouse to the read-only BI copy").set_defaults(func=cmd_publish)
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
