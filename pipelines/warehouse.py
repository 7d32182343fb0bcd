"""The one loader: a polars frame into `raw.<table>`, replacing a partition window in one transaction.

Re-running a window gives the same table (delete + insert of exactly that window); a crash before COMMIT leaves
the previous state, because DuckDB rolls back an unfinished transaction when the file is opened again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from pipelines.contracts.streams import TIMESTAMP, StreamSpec
from pipelines.errors import InputDataError, WarehouseError
from pipelines.warehouse_kinds import retry_lake_conflicts

logger = logging.getLogger("socialpulse.warehouse")

RAW_SCHEMA = "raw"
LINEAGE_COLUMNS: dict[str, pl.DataType] = {
    "_source": pl.Utf8,
    "_partition_date": pl.Date,
    "_loaded_at": TIMESTAMP,
    "_run_id": pl.Utf8,
}

_DUCKDB_TYPES: dict[Any, str] = {
    pl.Utf8: "VARCHAR",
    pl.Date: "DATE",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
}


def duckdb_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP WITH TIME ZONE" if dtype.time_zone else "TIMESTAMP"
    if isinstance(dtype, pl.List):
        return f"{duckdb_type(dtype.inner)}[]"
    for polars_type, sql in _DUCKDB_TYPES.items():
        if dtype == polars_type:
            return sql
    raise WarehouseError(f"no DuckDB type for polars type {dtype}")


@dataclass
class LoadResult:
    table: str
    rows: int
    window: tuple[dt.date, dt.date]
    deleted: int
    warnings: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "rows_loaded": self.rows,
            "rows_replaced": self.deleted,
            "window_start": self.window[0].isoformat(),
            "window_end": self.window[1].isoformat(),
        }


def qualified(table: str) -> str:
    return f'{RAW_SCHEMA}."{table}"'


def table_ddl(table: str, spec: StreamSpec) -> str:
    columns = {**spec.columns, **LINEAGE_COLUMNS}
    body = ",\n  ".join(f'"{name}" {duckdb_type(dtype)}' for name, dtype in columns.items())
    return f"create table if not exists {qualified(table)} (\n  {body}\n)"


def ensure_tables(conn: duckdb.DuckDBPyConnection, tables: Mapping[str, StreamSpec]) -> None:
    """Create every contract table that does not exist yet (empty), so dbt sources always resolve."""
    statements = [f"create schema if not exists {RAW_SCHEMA}", *(table_ddl(t, spec) for t, spec in tables.items())]
    for statement in statements:  # each its own commit outside a transaction: retried if it raced on a DuckLake
        retry_lake_conflicts(lambda statement=statement: conn.execute(statement), what="creating raw tables")


def conform(
    frame: pl.DataFrame | list[dict[str, Any]], spec: StreamSpec, *, table: str
) -> tuple[pl.DataFrame, list[str]]:
    """Give the frame the contract's columns and types: missing columns become NULL (with a warning),
    columns the contract does not know are kept (and reported), a value that cannot be cast is an error."""
    if isinstance(frame, list):
        frame = _frame_from_rows(frame, spec, table)
    warnings: list[str] = []
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing and frame.height:
        warnings.append(f"{table}: column(s) {missing} absent from the source; stored as NULL")
    extra = [c for c in frame.columns if c not in spec.columns and c not in LINEAGE_COLUMNS]
    if extra:
        warnings.append(f"{table}: new column(s) {extra} kept as they came")
    exprs = []
    for name, dtype in spec.columns.items():
        if name in frame.columns:
            exprs.append(_cast(frame, name, dtype, table))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    exprs.extend(pl.col(c) for c in extra)
    return frame.select(exprs), warnings


def _frame_from_rows(rows: list[dict[str, Any]], spec: StreamSpec, table: str) -> pl.DataFrame:
    """Build a typed frame column by column, so that a bad value is reported with its column and row."""
    if not rows:
        return pl.DataFrame(schema=spec.columns)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    columns = []
    for name in names:
        values = [row.get(name) for row in rows]
        dtype = spec.columns.get(name)
        if dtype is None:  # a column the contract does not know: keep it with an inferred type
            columns.append(pl.Series(name, values, strict=False))
            continue
        series = pl.Series(name, values, dtype=dtype, strict=False)
        if _lost_values(values, series):  # numbers sent as strings ("1530"): parse them
            as_text = pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.Utf8)
            series = as_text.cast(dtype, strict=False)
        lost = _lost_values(values, series)
        if lost:
            index, value = lost[0]
            raise InputDataError(
                f"{table}: column '{name}' should be {dtype} but row {index + 1} has {value!r} "
                f"({len(lost)} such value(s)); fix the source or the client's mapping"
            )
        columns.append(series)
    return pl.DataFrame(columns)


def _lost_values(values: list[Any], series: pl.Series) -> list[tuple[int, Any]]:
    return [
        (i, v) for i, (v, s) in enumerate(zip(values, series.to_list(), strict=True)) if v is not None and s is None
    ]


def _cast(frame: pl.DataFrame, name: str, dtype: pl.DataType, table: str) -> pl.Expr:
    source = frame.schema[name]
    if source == dtype:
        return pl.col(name)
    try:
        frame.select(pl.col(name).cast(dtype, strict=True))
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        bad = frame.filter(pl.col(name).cast(dtype, strict=False).is_null() & pl.col(name).is_not_null())
        sample = bad.get_column(name).head(3).to_list()
        raise InputDataError(
            f"{table}: column '{name}' should be {dtype} but has values like {sample!r}; fix the source or mapping"
        ) from None
    return pl.col(name).cast(dtype)


def load_partitions(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame | list[dict[str, Any]],
    spec: StreamSpec,
    *,
    window: tuple[dt.date, dt.date],
    source: str,
    run_id: str,
    loaded_at: dt.datetime | None = None,
    before_commit: Callable[[], None] | None = None,
) -> LoadResult:
    """Replace the partitions `window` (inclusive) of raw.<table> from `source` with `frame`, in one transaction.
    A stream with a `replace_scope` replaces only the rows of the scopes the frame holds (the posts, accounts or
    brands it read): a narrower re-read never deletes what it did not read again.

    Every row's partition date (the spec's `partition_column`) must lie inside the window: a row outside it
    is an error, never silently dropped.
    """
    start, end = window
    if start > end:
        raise WarehouseError(f"{table}: window start {start} is after its end {end}")
    frame, warnings = conform(frame, spec, table=table)
    partition = frame.get_column(spec.partition_column)
    if partition.null_count():
        raise InputDataError(
            f"{table}: {partition.null_count()} row(s) have no {spec.partition_column}; every row needs its date"
        )
    if frame.height:
        low, high = partition.min(), partition.max()
        if low < start or high > end:
            raise InputDataError(
                f"{table}: rows dated {low}..{high} fall outside the window {start}..{end} being replaced; "
                "the source returned data for other days (load them with their own partitions)"
            )
    loaded_at = loaded_at or dt.datetime.now(dt.UTC)
    frame = frame.with_columns(
        pl.lit(source, dtype=pl.Utf8).alias("_source"),
        pl.col(spec.partition_column).alias("_partition_date"),
        pl.lit(loaded_at).cast(TIMESTAMP).alias("_loaded_at"),
        pl.lit(run_id, dtype=pl.Utf8).alias("_run_id"),
    )
    result = LoadResult(table=table, rows=frame.height, window=window, deleted=0, warnings=warnings)
    retry_lake_conflicts(
        lambda: _replace_window(conn, table, frame, spec, result, source=source, before_commit=before_commit),
        what=f"loading {qualified(table)} for {start}..{end}",
    )
    for warning in warnings:
        logger.warning(warning)
    return result


def _replace_window(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    spec: StreamSpec,
    result: LoadResult,
    *,
    source: str,
    before_commit: Callable[[], None] | None,
) -> None:
    """The load's one transaction: delete the window's rows of this source (and scope), insert the frame."""
    start, end = result.window
    arrow = frame.to_arrow()
    view = f"_incoming_{table}"
    try:
        conn.execute("begin transaction")
        ensure_tables(conn, {table: spec})
        result.added_columns = _add_new_columns(conn, table, frame)
        conn.register(view, arrow)
        incoming = view
        if spec.kept_when_no_longer_given and frame.height:
            incoming = _keep_values_no_longer_given(conn, table, spec, view, source, (start, end))
        # Scoped to this source (an API re-load never removes rows a file import brought, and vice versa) and,
        # for a stream with a replace scope, to the posts / accounts / brands this load brings.
        deleted = conn.execute(
            f"delete from {qualified(table)} as t where _partition_date between ? and ? and _source = ?"
            + _scope_condition(spec, incoming),
            [start, end, source],
        ).fetchone()
        result.deleted = int(deleted[0]) if deleted else 0
        if frame.height:
            conn.execute(f"insert into {qualified(table)} by name select * from {incoming}")
        if incoming != view:
            conn.execute(f"drop table {incoming}")
        if before_commit is not None:
            before_commit()
        conn.execute("commit")
    except BaseException as exc:
        _rollback(conn)
        if isinstance(exc, duckdb.Error):
            raise WarehouseError(
                f"loading {qualified(table)} for {start}..{end} failed and was rolled back: {exc}"
            ) from exc
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            conn.unregister(view)


def _keep_values_no_longer_given(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    spec: StreamSpec,
    incoming: str,
    source: str,
    window: tuple[dt.date, dt.date],
) -> str:
    """A copy of the incoming rows where a column the platform no longer gives (NULL) takes the value stored for
    the same key by the same source; returns the name of that copy."""
    kept = f'"_kept_{table}"'
    conn.execute(f"create or replace temp table {kept} as select * from {incoming}")
    same_key = " and ".join(f'i."{c}" is not distinct from t."{c}"' for c in spec.key)
    sets = ", ".join(f'"{c}" = coalesce(i."{c}", t."{c}")' for c in spec.kept_when_no_longer_given)
    conn.execute(
        f"update {kept} as i set {sets} from {qualified(table)} as t "
        f"where {same_key} and t._source = ? and t._partition_date between ? and ?",
        [source, *window],
    )
    return kept


def _scope_condition(spec: StreamSpec, incoming: str) -> str:
    """`and exists (a row of the load with the same scope)`: what a scoped load replaces (nothing if it is empty)."""
    if not spec.replace_scope:
        return ""
    same = " and ".join(f'i."{column}" is not distinct from t."{column}"' for column in spec.replace_scope)
    return f" and exists (select 1 from {incoming} as i where {same})"


def replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, source: str, run_id: str) -> int:
    """Replace a whole small table (configuration snapshots) in one transaction."""
    loaded_at = dt.datetime.now(dt.UTC)
    frame = frame.with_columns(
        pl.lit(source).alias("_source"),
        pl.lit(loaded_at.date()).alias("_partition_date"),
        pl.lit(loaded_at).cast(TIMESTAMP).alias("_loaded_at"),
        pl.lit(run_id).alias("_run_id"),
    )
    view = f"_incoming_{table}"

    def replace() -> None:
        try:
            conn.execute("begin transaction")
            conn.execute(f"create schema if not exists {RAW_SCHEMA}")
            conn.register(view, frame.to_arrow())
            conn.execute(f"create or replace table {qualified(table)} as select * from {view}")
            conn.unregister(view)
            conn.execute("commit")
        except BaseException:
            _rollback(conn)
            raise

    retry_lake_conflicts(replace, what=f"replacing {qualified(table)}")
    return frame.height


def _add_new_columns(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> list[str]:
    existing = {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, table],
        ).fetchall()
    }
    added = []
    for name, dtype in frame.schema.items():
        if name not in existing:
            conn.execute(f'alter table {qualified(table)} add column "{name}" {duckdb_type(dtype)}')
            added.append(name)
    return added


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        conn.execute("rollback")


def contract_tables() -> dict[str, StreamSpec]:
    """Every raw table of the contract: own streams for all six platforms, the configuration snapshots, the web
    analytics tables and the market sources' tables."""
    from pipelines.configuration_tables import CONFIGURATION_TABLES
    from pipelines.contracts.analytics import ANALYTICS_TABLES
    from pipelines.contracts.streams import OWN_STREAMS
    from pipelines.settings import PLATFORMS

    tables = {f"{platform}__{name}": spec for platform in PLATFORMS for name, spec in OWN_STREAMS.items()}
    tables.update({spec.name: spec for spec in (*CONFIGURATION_TABLES, *ANALYTICS_TABLES)})
    from pipelines.market.catalog import MARKET_SOURCES

    for source in MARKET_SOURCES:
        tables.update({spec.name: spec for spec in source.tables})
    return tables


def table_row_counts(conn: duckdb.DuckDBPyConnection, schemas: Iterable[str]) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every table of the schemas, for summaries and metadata."""
    schema_list = list(schemas)
    placeholders = ", ".join("?" for _ in schema_list)
    tables = conn.execute(
        f"select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({placeholders}) and table_type = 'BASE TABLE' order by 1, 2",
        schema_list,
    ).fetchall()
    return [(s, t, int(conn.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0])) for s, t in tables]
