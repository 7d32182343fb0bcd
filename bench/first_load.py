"""The first load through Dagster vs the same work without it, and Dagster's event storage alone.

Measured in one run, on the offline simulator (the configuration `make run` uses):

- **pipeline**: `dagster asset materialize` of every ingest asset (the configuration snapshot, each platform and
  market source) over the first-load window, as `socialpulse run` starts it: a new process, the code location
  loaded, one ranged run, its per-partition events stored in the instance of `.dagster_home/dagster.yaml`;
- **bare**: the same API reads and the same DuckDB loads without Dagster: every source opened, its whole window
  read, every batch loaded by `pipelines.warehouse.load_partitions` into a fresh file, in this process;
- **event storage**: the pipeline run's own ASSET_MATERIALIZATION events written again, asset by asset as Dagster
  sends them, into a fresh Dagster SQLite event log (stock `SqliteEventLogStorage`) and into ours
  (`BatchingSqliteEventLogStorage`): events stored per second, each.

Each path reads a fresh simulator (its own process, same seed and day), so both read the same data and meet the
same throttles. Target (issue 14): pipeline / bare at most 2.0.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

TARGET_RATIO = 2.0
REPO = Path(__file__).resolve().parents[1]
logger = logging.getLogger("socialpulse.bench")


@dataclass
class Result:
    days: int
    window: str
    pipeline_seconds: float
    bare_seconds: float
    materializations: int
    api_calls_pipeline: int
    api_calls_bare: int
    rows_pipeline: int
    rows_bare: int
    storage_events: int = 0
    events_per_second: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.pipeline_seconds / self.bare_seconds

    def report(self) -> str:
        verdict = "meets" if self.ratio <= TARGET_RATIO else "MISSES"
        lines = [
            f"first load of {self.days} days ({self.window}), every ingest asset:",
            f"  pipeline (dagster asset materialize, one ranged run): {self.pipeline_seconds:7.1f} s "
            f"({self.materializations:,} materializations, {self.rows_pipeline:,} rows, "
            f"{self.api_calls_pipeline:,} API calls)",
            f"  bare work (same reads and loads, no Dagster):         {self.bare_seconds:7.1f} s "
            f"({self.rows_bare:,} rows, {self.api_calls_bare:,} API calls)",
            f"  ratio pipeline / bare: {self.ratio:.2f} ({verdict} the target {TARGET_RATIO})",
        ]
        if self.events_per_second:
            lines.append(f"  event storage, the run's {self.storage_events:,} materializations written again:")
            for name, rate in self.events_per_second.items():
                lines.append(f"    {name:<40} {rate:>10,.0f} events/s")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "target_ratio": TARGET_RATIO}


def first_load_window(days: int) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, today) as `socialpulse run` computes them: the last `days` complete days."""
    from pipelines.config import load_settings

    settings = load_settings()
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    end = today - dt.timedelta(days=1)
    return max(end - dt.timedelta(days=days - 1), settings.partitions_start_date), end, today


@contextlib.contextmanager
def simulator(today: dt.date) -> Iterator[str]:
    """The simulator in a process of its own, as `socialpulse run` has it beside the Dagster process: its threads
    never compete with the measured code for the interpreter. Yields its URL."""
    command = [sys.executable, "-m", "pipelines.simulator", "--seed", "7", "--today", today.isoformat()]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # "simulator listening on http://127.0.0.1:PORT"
        if "listening on" not in line:
            raise RuntimeError(f"the simulator did not start: {line!r}")
        yield line.rsplit(" ", 1)[-1].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def ingest_sources() -> list:
    """Every source the ingest factory turns into an asset (the same list `pipelines.definitions` builds)."""
    from assets.market import market_source_description
    from assets.platforms import platform_source
    from pipelines.analytics.catalog import ANALYTICS_SOURCES
    from pipelines.market.catalog import MARKET_SOURCES
    from pipelines.platforms.catalog import available_platforms

    market = map(market_source_description, (*MARKET_SOURCES, *ANALYTICS_SOURCES))
    return [*(platform_source(p) for p in available_platforms()), *market]


def ingest_selection() -> str:
    keys = ["raw/socialpulse__brands", "raw/socialpulse__goals"]
    keys += [f"raw/{table}" for source in ingest_sources() for table in source.tables]
    return ",".join(keys)


def run_pipeline(folder: Path, start: dt.date, end: dt.date, today: dt.date) -> tuple[float, str, Path]:
    """The ingest part of `socialpulse run`: a new `dagster asset materialize` process, one ranged run."""
    home = folder / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    warehouse = folder / "pipeline.duckdb"
    dagster = str(Path(sys.executable).parent / "dagster")
    with simulator(today) as url:
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "SOCIALPULSE_WAREHOUSE": str(warehouse),
            "SOCIALPULSE_SIMULATOR_URL": url,
            "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
            "DAGSTER_EVENT_BATCH_SIZE": os.environ.get("DAGSTER_EVENT_BATCH_SIZE", "10000"),
            "PYTHONWARNINGS": "ignore",
        }
        command = [dagster, "asset", "materialize", "-m", "pipelines.definitions", "--select", ingest_selection()]
        command += ["--partition-range", f"{start}...{end}"]
        command += ["--config-json", json.dumps({"loggers": {"console": {"config": {"log_level": "WARNING"}}}})]
        started = time.perf_counter()
        completed = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"the pipeline run failed:\n{completed.stderr[-4000:]}")
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        run_id = run.run_id
    return seconds, run_id, home


def run_bare(folder: Path, start: dt.date, end: dt.date, today: dt.date) -> tuple[float, int, int]:
    """The same reads and loads without Dagster; returns (seconds, API calls, rows loaded)."""
    import duckdb

    from assets.configuration import configuration_frames
    from assets.ingest import returned_span
    from assets.source_reads import read_side_by_side
    from pipelines.config import load_goals
    from pipelines.partitions import DateWindow
    from pipelines.simulation import simulated_platform_api
    from pipelines.warehouse import ensure_tables, load_partitions, replace_table

    window = DateWindow(start, end)
    calls = rows = 0
    with simulator(today) as url:
        api = simulated_platform_api(simulator_url=url)  # the simulator's tokens, as the pipeline's
        started = time.perf_counter()
        with duckdb.connect(str(folder / "bare.duckdb")) as conn:
            conn.execute("set TimeZone = 'UTC'")
            for table, frame in configuration_frames(api.brands(), load_goals()).items():
                replace_table(conn, table, frame, source="config", run_id="bare")  # as configuration_snapshot
            # read as the pipeline reads: lanes side by side (assets/source_reads.py), loaded one after another
            jobs = [(description, set(description.tables)) for description in ingest_sources()]
            reads = read_side_by_side(jobs, api, window, lambda _: (logger, []))
            for description, _ in jobs:
                ensure_tables(conn, description.tables)
                read = reads[description.name].result()
                source, batches = read.source, read.batches
                if source is None:  # no credentials: the pipeline skips it as well
                    continue
                calls += source.stats.calls
                for table, batch in batches.items():
                    spec = description.tables[table]
                    span = returned_span(batch.rows, spec, batch.window)
                    if span is None:
                        continue
                    loaded = load_partitions(
                        conn,
                        table,
                        batch.rows,
                        spec,
                        window=(span.start, span.end),
                        source=description.source_label,
                        run_id="bare",
                    )
                    rows += loaded.rows
        seconds = time.perf_counter() - started
    return seconds, calls, rows


def pipeline_figures(warehouse: Path, home: Path, run_id: str) -> tuple[int, int, int]:
    """(materializations, API calls, raw rows) of the pipeline run."""
    import duckdb
    from dagster import DagsterEventType, DagsterInstance

    from pipelines.warehouse import table_row_counts

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = sum(n for _, table, n in table_row_counts(conn, ["raw"]) if not table.startswith("socialpulse__"))
    with DagsterInstance.from_config(str(home)) as instance:
        materializations = instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION, limit=1_000_000
        ).records
    calls_by_step: dict[str, int] = {}  # a source's call statistics are on each of its tables' materializations
    for record in materializations:
        metadata = record.event_log_entry.dagster_event.step_materialization_data.materialization.metadata
        if "api_calls" in metadata:
            calls_by_step[record.event_log_entry.step_key] = int(metadata["api_calls"].value)
    return len(materializations), sum(calls_by_step.values()), rows


def storage_rates(home: Path, run_id: str, sample: int, folder: Path) -> tuple[int, dict[str, float]]:
    """The run's materialization events (their real metadata), written again per asset as Dagster sends them."""
    from dagster import DagsterEventType, DagsterInstance
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from pipelines.instance_storage import BatchingSqliteEventLogStorage

    with DagsterInstance.from_config(str(home)) as instance:
        entries = [
            record.event_log_entry
            for record in instance.get_records_for_run(
                run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION, limit=sample
            ).records
        ]
    by_asset: dict[str, list] = defaultdict(list)
    for entry in entries:
        by_asset[entry.dagster_event.asset_key.to_string()].append(entry)
    rates = {}
    for name, cls in (
        ("Dagster's SqliteEventLogStorage", SqliteEventLogStorage),
        ("socialpulse BatchingSqliteEventLogStorage", BatchingSqliteEventLogStorage),
    ):
        storage = cls(str(folder / cls.__name__))
        started = time.perf_counter()
        for batch in by_asset.values():
            storage.store_event_batch(batch)
        rates[name] = len(entries) / (time.perf_counter() - started)
        storage.dispose()
    return len(entries), rates


def run(days: int = 400, storage_events: int = 2_000, repeat: int = 1) -> Result:
    """`repeat` times each path, interleaved (machine drift hits both alike); medians are reported."""
    start, end, today = first_load_window(days)
    with tempfile.TemporaryDirectory(prefix="socialpulse-bench-first-load-") as tmp:
        bare, pipeline = [], []
        for index in range(repeat):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            bare.append(run_bare(folder, start, end, today))
            pipeline.append((*run_pipeline(folder, start, end, today), folder))
        bare_seconds, bare_calls, bare_rows = bare[0]
        _, run_id, home, folder = pipeline[0]
        materializations, pipeline_calls, pipeline_rows = pipeline_figures(folder / "pipeline.duckdb", home, run_id)
        result = Result(
            days=(end - start).days + 1,
            window=f"{start}..{end}",
            pipeline_seconds=statistics.median(p[0] for p in pipeline),
            bare_seconds=statistics.median(b[0] for b in bare),
            materializations=materializations,
            api_calls_pipeline=pipeline_calls,
            api_calls_bare=bare_calls,
            rows_pipeline=pipeline_rows,
            rows_bare=bare_rows,
        )
        if storage_events:
            result.storage_events, result.events_per_second = storage_rates(home, run_id, storage_events, folder)
    return result
