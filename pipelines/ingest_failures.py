"""ops.ingest_failures: what could not be read, for which account, with the platform's words, and since when.

One open row per (source, table, account) - account NULL when the whole source failed - kept while the failure
repeats night after night (first_failed_at is "since when", failed_runs how many runs), closed (resolved_at) by
the first run that reads that table again without a failure for that account. The marts and reports read it to
show the gaps; the warehouse writer writes it in the ingest step, after the loads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

import duckdb

from pipelines.warehouse_kinds import retry_lake_conflicts

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMA = "ops"
TABLE = f"{SCHEMA}.ingest_failures"

DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {TABLE} (
    source varchar not null,
    table_name varchar not null,
    account_id varchar,
    brand varchar,
    reason varchar not null,
    first_failed_at timestamptz not null,
    last_failed_at timestamptz not null,
    failed_runs integer not null,
    last_run_id varchar not null,
    resolved_at timestamptz,
    resolved_run_id varchar
)
"""


class FailureLike(Protocol):
    table: str
    reason: str
    account_id: str | None
    brand: str | None


def ensure_table(conn: duckdb.DuckDBPyConnection) -> None:
    # every ingest step records its failures: on a DuckLake several at once, so a race creating it is retried
    retry_lake_conflicts(lambda: conn.execute(DDL), what=f"creating {TABLE}")


def record(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    failures: Sequence[FailureLike],
    loaded: Mapping[str, Iterable[str | None]],
    *,
    run_id: str,
    now: dt.datetime | None = None,
) -> None:
    """This run's failures of `source` (new ones inserted, repeated ones counted), and the tables it loaded
    (`loaded`: table -> accounts in its rows): their open failures for accounts that did not fail now are
    resolved. One transaction."""
    now = now or dt.datetime.now(dt.UTC)
    ensure_table(conn)

    def write() -> None:
        conn.execute("begin transaction")
        try:
            failing = {(f.table, f.account_id) for f in failures}
            for table in loaded:
                for (account,) in conn.execute(
                    f"select account_id from {TABLE} where source = ? and table_name = ? and resolved_at is null",
                    [source, table],
                ).fetchall():
                    if (table, account) not in failing:
                        conn.execute(
                            f"update {TABLE} set resolved_at = ?, resolved_run_id = ? where source = ? and "
                            "table_name = ? and account_id is not distinct from ? and resolved_at is null",
                            [now, run_id, source, table, account],
                        )
            for failure in failures:
                updated = conn.execute(
                    f"update {TABLE} set reason = ?, last_failed_at = ?, failed_runs = failed_runs + 1, "
                    "last_run_id = ? where source = ? and table_name = ? and account_id is not distinct from ? "
                    "and resolved_at is null and last_run_id <> ?",
                    [failure.reason, now, run_id, source, failure.table, failure.account_id, run_id],
                ).fetchone()
                exists = conn.execute(
                    f"select count(*) from {TABLE} where source = ? and table_name = ? and account_id is not distinct "
                    "from ? and resolved_at is null",
                    [source, failure.table, failure.account_id],
                ).fetchone()[0]
                if not exists and not (updated and updated[0]):
                    conn.execute(
                        f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, 1, ?, null, null)",
                        [source, failure.table, failure.account_id, failure.brand, failure.reason, now, now, run_id],
                    )
            conn.execute("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                conn.execute("rollback")
            raise

    # ingest steps running at once (a DuckLake warehouse) update this table side by side: a commit that raced
    # another is run again, re-reading the open failures
    retry_lake_conflicts(write, what=f"recording the failures of {source}")


def open_failures(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    """The failures not resolved yet, oldest first (for the CLI summary and the reports); none when no run has
    written the table yet (works on a read-only connection)."""
    (exists,) = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [SCHEMA, TABLE.split(".", 1)[1]],
    ).fetchone()
    if not exists:
        return []
    cursor = conn.execute(f"select * from {TABLE} where resolved_at is null order by first_failed_at, source")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
