"""A warehouse of hand-written raw rows and a real dbt run on it (shared by the dbt and the report tests): every
contract raw table created the way the loader does, rows inserted by column name, dbt in a subprocess so each
run gets a clean dbt and DuckDB state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse import contract_tables, ensure_tables

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")


def create_warehouse(path: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    """Create every contract raw table (the one DDL source: `pipelines.warehouse.contract_tables()`, as the
    loader does) and insert the given rows."""
    with duckdb.connect(str(path)) as con:
        ensure_tables(con, contract_tables())
        insert_rows(con, rows)
    return path


def insert_rows(con: duckdb.DuckDBPyConnection, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert dict rows into raw tables by column name; missing columns stay NULL, lineage is filled in (an API
    load, `api:<platform>`, unless the row says otherwise)."""
    for table, table_rows in rows.items():
        source = f"api:{table.split('__')[0]}"
        for row in table_rows:
            full = {"_source": source, "_loaded_at": "2026-01-01 00:00:00+00", "_run_id": "test", **row}
            columns = ", ".join(full)
            placeholders = ", ".join("?" for _ in full)
            con.execute(f"insert into raw.{table} ({columns}) values ({placeholders})", list(full.values()))


def run_dbt(warehouse: Path, work_dir: Path, *args: str, vars: dict[str, Any] | None = None) -> str:
    """Run one dbt command against `warehouse`; target and logs go to `work_dir`. Returns the output."""
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    if vars:
        command += ["--vars", json.dumps(vars)]
    env = {
        **os.environ,
        "SOCIALPULSE_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def fetch(warehouse: Path, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """Rows of a query as dicts (read-only connection)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
