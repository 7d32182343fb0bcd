"""The ledger of imported files, `raw.socialpulse__imported_files`: one row per file content (sha256) ever loaded.

It is written in the same transaction as the file's rows (through `load_partitions(before_commit=...)`), so a
file is in the ledger exactly when its rows are in the warehouse, and its sha256 primary key makes a second
load of the same content fail instead of doubling the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from pipelines.warehouse import RAW_SCHEMA, qualified
from pipelines.warehouse_kinds import keyed_table_ddl

LEDGER_TABLE = "socialpulse__imported_files"

LEDGER_DDL = f"""
create table if not exists {qualified(LEDGER_TABLE)} (
  sha256 VARCHAR PRIMARY KEY,
  file_name VARCHAR NOT NULL,
  export_kind VARCHAR NOT NULL,
  platform VARCHAR NOT NULL,
  table_name VARCHAR NOT NULL,
  "rows" BIGINT NOT NULL,
  date_from DATE NOT NULL,
  date_to DATE NOT NULL,
  loaded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  run_id VARCHAR NOT NULL
)
"""


@dataclass(frozen=True)
class LedgerEntry:
    sha256: str
    file_name: str
    export_kind: str
    platform: str
    table_name: str
    rows: int
    date_from: dt.date
    date_to: dt.date
    loaded_at: dt.datetime
    run_id: str


def ensure_ledger(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    conn.execute(keyed_table_ddl(conn, LEDGER_DDL))  # a DuckLake holds no key: find_loaded is asked before every load


def find_loaded(conn: duckdb.DuckDBPyConnection, sha256: str) -> LedgerEntry | None:
    """The earlier load of this exact content, if any (under whatever name it had then)."""
    row = conn.execute(
        f'select sha256, file_name, export_kind, platform, table_name, "rows", date_from, date_to, loaded_at, '
        f"run_id from {qualified(LEDGER_TABLE)} where sha256 = ?",
        [sha256],
    ).fetchone()
    return LedgerEntry(*row) if row else None


def record_load(conn: duckdb.DuckDBPyConnection, entry: LedgerEntry) -> None:
    """Insert the ledger row; call inside the load's transaction."""
    conn.execute(
        f"insert into {qualified(LEDGER_TABLE)} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            entry.sha256,
            entry.file_name,
            entry.export_kind,
            entry.platform,
            entry.table_name,
            entry.rows,
            entry.date_from,
            entry.date_to,
            entry.loaded_at,
            entry.run_id,
        ],
    )
