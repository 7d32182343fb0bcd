"""Reading ingest sources: one source (`read_source`), and every source of a run side by side (`read_side_by_side`,
`read_for_step`).

Most of an ingest step is waiting for an API, and Dagster's in-process executor runs the steps one after another.
So the first ingest step of an in-process run starts the reads of every ingest step of the run at once, one
thread per **lane**: the platform whose limits a source draws on (`SourceDescription.lane`). A lane reads its
sources one after another (Facebook's own accounts, then its competitors), so a platform never has more requests
in flight than its `max_concurrent_requests`, while different platforms wait for their answers at the same time.
Each step then takes its source's read and loads it: the reads only speak HTTP, the loading stays the step's, with
the step's one DuckDB connection (the single-writer rule holds). A read that ran ahead logged into a buffer; its
step replays the lines into its own log, so the Dagster UI shows every source's progress under its own step.

Steps of another executor (each step its own process) read their source themselves, as does a step whose read
was not started ahead (a run whose selection changed). The bench's fetch baseline reads the same way
(`read_side_by_side`), so pipeline and baseline share one concurrency.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from pipelines.errors import SocialPulseError
from pipelines.partitions import DateWindow

# Executors that run every step of a run in this one process (Dagster's names for them).
IN_PROCESS_EXECUTORS = frozenset({"in_process", "execute_in_process_executor"})


@dataclass
class SourceRead:
    """What reading one source gave: the source (None: not configured, skipped), its tables' batches (its
    `failures` say what could not be read), and, for a read that ran ahead of its step, what it logged."""

    source: Any
    batches: dict[str, Any]
    logged: list[tuple[int, float, str]] = field(default_factory=list)  # (level, unix time, message)
    seconds: float = 0.0  # how long opening and reading the source took


def read_source(description, api, log: logging.Logger, window: DateWindow, tables: set[str]) -> SourceRead:
    """Open `description`'s source and read `tables` over `window`. A failure of the read is recorded as the
    failure of every table (the step reports them and keeps their previous rows); the source is always closed."""
    from assets.ingest import Failure

    started = time.perf_counter()
    source = description.open(api, log)
    if source is None:
        return SourceRead(None, {})
    log.info(f"{description.name}: reading {window} ({window.days} day(s)) for {len(tables)} table(s)")
    try:
        batches = source.read_window(window, set(tables))
    except Exception as exc:  # noqa: BLE001 - one failing source never stops the others: record it, go on
        reason = str(exc) if isinstance(exc, SocialPulseError) else f"{type(exc).__name__}: {exc}"
        source.failures.extend(Failure(t, source.redact(reason)) for t in description.tables if t in tables)
        batches = {}
    finally:
        source.close()
    return SourceRead(source, batches, seconds=time.perf_counter() - started)


class _Buffer(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, record.created, record.getMessage()))


def buffered_logger(name: str) -> tuple[logging.Logger, list[tuple[int, float, str]]]:
    """A logger that keeps what it is told (for a read running ahead of its step) and the list it keeps it in.
    It is not registered with `logging` (no logger left behind per run) and does not propagate."""
    logger = logging.Logger(f"socialpulse.read_ahead.{name}", logging.DEBUG)
    handler = _Buffer()
    logger.addHandler(handler)
    return logger, handler.lines


def read_side_by_side(
    jobs: Iterable[tuple[Any, set[str]]],
    api,
    window: DateWindow,
    log_for: Callable[[Any], tuple[logging.Logger, list]],
) -> dict[str, Future]:
    """Start reading every (source description, tables) of `jobs`: one thread per lane, a lane's sources in the
    given order. Returns a future per source name; a read that raised (opening the source failed) raises from
    its future."""
    jobs = list(jobs)
    lanes: dict[str, list[tuple[Any, set[str]]]] = {}
    for description, tables in jobs:
        lanes.setdefault(description.lane, []).append((description, tables))
    futures: dict[str, Future] = {description.name: Future() for description, _ in jobs}

    def read_lane(items: list[tuple[Any, set[str]]]) -> None:
        for description, tables in items:
            future = futures[description.name]
            if not future.set_running_or_notify_cancel():
                continue
            log, lines = log_for(description)
            try:
                read = read_source(description, api, log, window, tables)
            except BaseException as exc:  # noqa: BLE001 - handed to the step that takes this read
                future.set_exception(exc)
            else:
                read.logged = lines
                future.set_result(read)

    for lane, items in lanes.items():
        threading.Thread(target=read_lane, args=(items,), name=f"socialpulse-read-{lane}", daemon=True).start()
    return futures


# The reads started ahead, per run id: source name -> (its tables, its future). Taken by the sources' steps.
_reads_ahead: dict[str, dict[str, tuple[frozenset[str], Future]]] = {}
_reads_lock = threading.Lock()


def read_for_step(context, description, api, window: DateWindow, tables: set[str], sources: dict) -> SourceRead:
    """The read of `description`'s `tables` for this ingest step. In an in-process run, the first ingest step starts
    the reads of every ingest step of the run (`sources`: the descriptions by their step's name), lanes side by side,
    and each step takes its own; otherwise the step reads its source now."""
    if context.job_def.executor_def.name not in IN_PROCESS_EXECUTORS:
        return read_source(description, api, context.log, window, tables)
    run_id = context.run_id
    with _reads_lock:
        if run_id not in _reads_ahead:
            jobs = list(_ingest_jobs_of_run(context, sources))
            futures = read_side_by_side(jobs, api, window, lambda d: buffered_logger(d.name))
            _reads_ahead[run_id] = {d.name: (frozenset(t), futures[d.name]) for d, t in jobs}
            lanes = sorted({d.lane for d, _ in jobs})
            context.log.info(
                f"reading {len(jobs)} source(s) of this run side by side in {len(lanes)} lane(s) "
                f"({', '.join(lanes)}); each step loads its own source's rows"
            )
        reads = _reads_ahead[run_id]
        planned = reads.pop(description.name, None)
        if not reads:
            del _reads_ahead[run_id]
    if planned is None or planned[0] != frozenset(tables):
        return read_source(description, api, context.log, window, tables)
    read = planned[1].result()
    redact = read.source.redact if read.source is not None else (lambda text: text)
    for level, created, message in read.logged:
        at = dt.datetime.fromtimestamp(created, dt.UTC).strftime("%H:%M:%S")
        context.log.log(level, f"{redact(message)} (read ahead, {at} UTC)")
    return read


def _ingest_jobs_of_run(context, sources: dict) -> Iterable[tuple[Any, set[str]]]:
    """(description, selected tables) of every ingest step in this run, in the job's node order."""
    for data in context.job_def.asset_layer.data:
        description = sources.get(data.node_handle.name)
        if description is None:
            continue
        tables = {key.path[-1] for key in data.assets_def.keys if key.path[-1] in description.tables}
        if tables:
            yield description, tables
