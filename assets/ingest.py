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

from pipelines.contracts.streams import StreamSpec
from pipelines.errors import SocialPulseError
from pipelines.http import CallStats
from pipelines.partitions import SINGLE_RUN_BACKFILL, DateWindow, daily_partitions, run_window
from pipelines.platforms.base import ClientContext
from pipelines.resources import PlatformApiResource, WarehouseResource
from pipelines.warehouse import ensure_tables, load_partitions

WRITER_POOL = "duckdb_writer"
Row = dict[str, Any]


class IngestError(SocialPulseError):
    """An unexpected failure inside a source, re-raised with secrets removed from its message."""


@dataclass
class Batch:
    """Rows for one raw table and the partition window they replace."""

    rows: list[Row]
    window: DateWindow


class ClientIngestion:
    """Base of the adapters that feed a platform client or market source (both PlatformClients) to the factory:
    warnings, call statistics, redaction context and closing come from the wrapped client. `failures` maps a
    table whose stream could not be read to the reason (the other tables are still loaded)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.context = client.context
        self.failures: dict[str, str] = {}

    def describe_error(self, error: Exception) -> str:
        """A failure in words, secrets removed (client errors are redacted already; a bug's message may not be)."""
        text = str(error) if isinstance(error, SocialPulseError) else f"{type(error).__name__}: {error}"
        return self.context.redactor(text)

    @property
    def warnings(self) -> list[str]:
        return self.client.warnings

    @property
    def stats(self) -> CallStats:
        return self.client.stats

    def close(self) -> None:
        self.client.close()


class IngestSource(Protocol):
    """What the factory needs from a source at run time."""

    context: ClientContext
    warnings: list[str]
    failures: Mapping[str, str]

    @property
    def stats(self) -> CallStats: ...

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]: ...

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
        source = description.open(platform_api, context.log)
        if source is None:
            context.log.warning(f"{description.name}: skipped, no credentials configured (see .env.example)")
            for table in tables:
                yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"skipped": True})
            return
        context.log.info(f"{description.name}: reading {window} ({window.days} day(s)) for {len(tables)} table(s)")
        redactor = source.context.redactor
        try:
            batches = source.read_window(window, set(tables))
        except SocialPulseError:
            raise
        except Exception as exc:  # noqa: BLE001 - a client bug: keep the message, never a secret
            raise IngestError(f"{description.name}: {type(exc).__name__}: {redactor(exc)}") from None
        finally:
            source.close()
        stats = source.stats.as_metadata()
        with warehouse.connect() as conn:
            for table, batch in batches.items():
                spec = tables[table]
                span = returned_span(batch.rows, spec, batch.window)
                if span is None:
                    context.log.info(f"raw.{table}: the source returned no rows for {batch.window}; kept as is")
                    yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"rows_loaded": 0, **stats})
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
                yield MaterializeResult(
                    asset_key=AssetKey(["raw", table]),
                    metadata={
                        **result.as_metadata(),
                        **stats,
                        "dates_covered": str(span),
                        "sample": MetadataValue.md(sample_rows_markdown(batch.rows, spec)),
                        "warnings": MetadataValue.md("\n".join(f"- {redactor(w)}" for w in warnings) or "none"),
                    },
                )
        if source.failures:
            failed = "; ".join(f"raw.{table}: {reason}" for table, reason in source.failures.items())
            raise IngestError(
                f"{description.name}: {len(source.failures)} of {len(tables)} table(s) could not be read and were not "
                f"loaded (the others were): {redactor(failed)}. Their previous rows are kept; the next run reads them "
                "again."
            )

    return _ingest


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
