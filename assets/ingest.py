"""One factory for every ingest asset: own platform streams and market-intelligence sources.

A source is described by data (its tables and their contract columns) and read by one client; this module
turns each source into a daily-partitioned multi-asset that loads its tables through the shared loader.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from assets.partition_metadata import partition_metadata, run_figures
from assets.source_reads import read_for_step
from pipelines.contracts.streams import StreamSpec
from pipelines.errors import SocialPulseError
from pipelines.http import CallStats
from pipelines.partitions import SINGLE_RUN_BACKFILL, DateWindow, daily_partitions, run_window
from pipelines.platforms.base import ClientContext
from pipelines.resources import PlatformApiResource, WarehouseResource
from pipelines.warehouse import ensure_tables, load_partitions

WRITER_POOL = "duckdb_writer"
PARTIAL_RUN_TAG = "socialpulse/outcome"
Row = dict[str, Any]


@dataclass
class Batch:
    """Rows for one raw table and the partition window they replace."""

    rows: list[Row]
    window: DateWindow


@dataclass(frozen=True)
class Failure:
    """One table of one source that could not be read this run, for one account (or for the whole source when
    `account_id` is None). Its previous rows are kept; the next run reads it again."""

    table: str
    reason: str  # the platform's words, secrets removed
    account_id: str | None = None
    brand: str | None = None

    def describe(self) -> str:
        who = f" for {self.brand} ({self.account_id})" if self.account_id else ""
        return f"raw.{self.table}{who}: {self.reason}"


class ClientIngestion:
    """Base of the adapters that feed platform clients or market sources (both PlatformClients) to the factory:
    warnings, call statistics and closing come from the wrapped clients (one per credential set: an agency's
    accounts each may have their own token). `failures` lists what could not be read; everything else is
    loaded."""

    def __init__(self, *clients: Any) -> None:
        self.clients = list(clients)
        self.context = clients[0].context
        self.failures: list[Failure] = []

    @property
    def client(self) -> Any:
        return self.clients[0]

    def describe_error(self, error: Exception, client: Any | None = None) -> str:
        """A failure in words, secrets removed (client errors are redacted already; a bug's message may not be)."""
        text = str(error) if isinstance(error, SocialPulseError) else f"{type(error).__name__}: {error}"
        return (client or self.client).context.redactor(text)

    def redact(self, text: str) -> str:
        for client in self.clients:
            text = client.context.redactor(text)
        return text

    @property
    def warnings(self) -> list[str]:
        return [w for client in self.clients for w in client.warnings]

    @property
    def stats(self) -> CallStats:
        total = CallStats()
        for client in self.clients:
            total.add(client.stats)
        return total

    def close(self) -> None:
        for client in self.clients:
            client.close()


class IngestSource(Protocol):
    """What the factory needs from a source at run time."""

    context: ClientContext
    warnings: list[str]
    failures: list[Failure]

    @property
    def stats(self) -> CallStats: ...

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]: ...

    def redact(self, text: str) -> str: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SourceDescription:
    """The data that makes an ingest asset: name, UI group, tables, and how to open the source."""

    name: str
    group: str
    title: str
    tables: Mapping[str, StreamSpec]  # raw table name -> contract
    source_label: str  # the `_source` lineage value, e.g. "api:facebook"
    open: Callable[[PlatformApiResource, logging.Logger], IngestSource | None]  # None = not configured, skip
    kinds: frozenset[str] = field(default_factory=frozenset)
    # The platform whose limits the source draws on (its own accounts, competitors and mentions share it); sources
    # of one lane are read one after another, lanes side by side (assets/source_reads.py). Default: its name.
    lane: str = ""

    def __post_init__(self) -> None:
        if not self.lane:
            object.__setattr__(self, "lane", self.name)


# Every ingest source by its step's name, as `build_ingest_asset` made them: an in-process run's first ingest step
# starts the reads of the run's other ingest steps from it (assets/source_reads.py).
INGEST_SOURCES: dict[str, SourceDescription] = {}


def returned_span(rows: list[Row], spec: StreamSpec, requested: DateWindow) -> DateWindow | None:
    """The days a date-stream answer actually covers, so that an API with short retention (30 or 60 days)
    never wipes older history in a long backfill. Snapshot streams always replace their snapshot day."""
    if spec.is_snapshot:
        return DateWindow(requested.end, requested.end)
    dates = [r[spec.partition_column] for r in rows if r.get(spec.partition_column) is not None]
    if not dates:
        return None
    dates = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10]) for d in dates]
    return DateWindow(min(dates), max(dates))


def build_ingest_asset(description: SourceDescription):
    """A daily-partitioned multi-asset loading every table of one source."""
    INGEST_SOURCES[f"ingest_{description.name}"] = description
    specs = [
        AssetSpec(
            key=AssetKey(["raw", table]),
            group_name=description.group,
            description=f"{spec.description}\n\nRaw table `raw.{table}`, loaded by the `{description.name}` "
            f"source ({description.title}). Lineage columns: _source, _partition_date, _loaded_at, _run_id.",
            kinds={"duckdb", *description.kinds},
            metadata={
                "table": f"raw.{table}",
                "partition_column": spec.partition_column,
                "grain": ", ".join(spec.key),
                "dagster/column_schema": _column_schema(spec),
            },
            skippable=True,
        )
        for table, spec in description.tables.items()
    ]

    @multi_asset(
        name=f"ingest_{description.name}",
        specs=specs,
        partitions_def=daily_partitions(),
        backfill_policy=SINGLE_RUN_BACKFILL,
        can_subset=True,
        pool=WRITER_POOL,
        description=f"Ingest {description.title} into the raw schema.",
    )
    def _ingest(
        context: AssetExecutionContext, warehouse: WarehouseResource, platform_api: PlatformApiResource
    ) -> Iterator[MaterializeResult]:
        window = run_window(context)
        selected = {key.path[-1] for key in context.selected_asset_keys}
        tables = {t: s for t, s in description.tables.items() if t in selected}
        with warehouse.connect() as conn:
            ensure_tables(conn, tables)
        read = read_for_step(context, description, platform_api, window, set(tables), INGEST_SOURCES)
        source, batches = read.source, read.batches
        if source is None:
            context.log.warning(f"{description.name}: skipped, no credentials configured (see .env.example)")
            for table in tables:
                yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"skipped": True})
            return
        stats = source.stats.as_metadata()
        failures = {table: [f for f in source.failures if f.table == table] for table in tables}
        loaded: dict[str, list[str | None]] = {}
        with warehouse.connect() as conn:
            for table, spec in tables.items():
                batch = batches.get(table)
                metadata = {**stats, **failure_metadata(failures[table], loaded=batch is not None)}
                if batch is None:
                    context.log.error(f"raw.{table}: not loaded: {'; '.join(f.reason for f in failures[table])}")
                    yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"rows_loaded": 0, **metadata})
                    continue
                loaded[table] = sorted({row.get("account_id") for row in batch.rows}, key=str)
                span = returned_span(batch.rows, spec, batch.window)
                if span is None:
                    context.log.info(f"raw.{table}: the source returned no rows for {batch.window}; kept as is")
                    yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"rows_loaded": 0, **metadata})
                    continue
                result = load_partitions(
                    conn,
                    table,
                    batch.rows,
                    spec,
                    window=(span.start, span.end),
                    source=description.source_label,
                    run_id=context.run_id,
                )
                warnings = result.warnings + source.warnings
                context.log.info(f"raw.{table}: {result.rows} row(s) loaded for {span}, {result.deleted} replaced")
                key = AssetKey(["raw", table])
                # each partition its own figures, the run's once (a ranged run gives every partition the run's
                # metadata): assets/partition_metadata.py
                shared, own = partition_metadata(
                    batch.rows,
                    spec.partition_column,
                    context.partition_keys,
                    dates_covered=str(span),
                    run_metadata={
                        **run_figures(result.as_metadata()),
                        **metadata,
                        "sample": MetadataValue.md(sample_rows_markdown(batch.rows, spec)),
                        "warnings": MetadataValue.md("\n".join(f"- {source.redact(w)}" for w in warnings) or "none"),
                    },
                )
                for partition, figures in own.items():
                    context.add_asset_metadata(figures, asset_key=key, partition_key=partition)
                yield MaterializeResult(asset_key=key, metadata=shared)
            record_failures(conn, description, source.failures, loaded, run_id=context.run_id)
        if source.failures:
            mark_run_partial(context, description.name, source.failures)

    return _ingest


def failure_metadata(failures: list[Failure], *, loaded: bool) -> dict[str, Any]:
    """What a table's materialization says: loaded, partial (some accounts could not be read) or failed (nothing
    could; its previous rows are kept), with the failures in the platforms' words."""
    if not failures:
        return {"outcome": "loaded"}
    return {
        "outcome": "partial" if loaded else "failed",
        "failures": MetadataValue.md("\n".join(f"- {f.describe()}" for f in failures)),
        "failed_accounts": len({f.account_id for f in failures if f.account_id}),
    }


def record_failures(
    conn,
    description: SourceDescription,
    failures: list[Failure],
    loaded: Mapping[str, list[str | None]],
    *,
    run_id: str,
) -> None:
    """Write this run's failures to ops.ingest_failures (since when each has failed) and close the earlier ones
    of what loaded this time (pipelines/ingest_failures.py)."""
    from pipelines.ingest_failures import record

    record(conn, description.name, failures, loaded, run_id=run_id)


def mark_run_partial(context: AssetExecutionContext, source: str, failures: list[Failure]) -> None:
    """Tag the run `socialpulse/outcome: partial` (it succeeds so the marts build from what is there; the tag,
    ops.ingest_failures and the freshness checks say what is missing)."""
    context.instance.add_run_tags(context.run_id, {PARTIAL_RUN_TAG: "partial"})
    context.log.error(
        f"{source}: {len(failures)} part(s) could not be read and were not loaded (the rest was): "
        + "; ".join(f.describe() for f in failures)
        + ". Their previous rows are kept; the next run reads them again."
    )


def sample_rows_markdown(rows: list[Row], spec: StreamSpec, limit: int = 3, max_columns: int = 8) -> str:
    """The first rows as a small Markdown table, so a reader of the UI sees what was loaded."""
    if not rows:
        return "no rows"
    columns = [c for c in spec.columns if any(row.get(c) is not None for row in rows[:limit])][:max_columns]

    def cell(value: Any) -> str:
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= 60 else text[:57] + "..."

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows[:limit]]
    return "\n".join(lines)


def _column_schema(spec: StreamSpec):
    from dagster import TableColumn, TableSchema

    return TableSchema(columns=[TableColumn(name, str(dtype)) for name, dtype in spec.columns.items()])
