"""Where the warehouse lives and how to open it: a DuckDB file (the default) or a DuckLake catalog.

- `duckdb`: one file (`SOCIALPULSE_WAREHOUSE`). One writing process at a time (DuckDB locks the file), so
  everything that writes shares the Dagster pool `duckdb_writer` of limit 1 and BI tools read the published copy.
- `ducklake`: a DuckLake catalog in PostgreSQL (`SOCIALPULSE_DUCKLAKE_CATALOG`, a libpq connection string
  without the password) with the tables' Parquet files in a folder (`SOCIALPULSE_DUCKLAKE_DATA_PATH`). Several
  processes write at once (each commit is a PostgreSQL transaction; DuckLake retries a commit that raced another
  on a different table) and every reader sees a consistent snapshot, so BI tools read the lake itself.

The PostgreSQL password never appears in configuration: libpq takes it from the environment (`PGPASSWORD`) or a
password file (`PGPASSFILE`, `~/.pgpass`, e.g. a mounted secret), for DuckDB here and for dbt alike. Both kinds open
with the catalog name `socialpulse` (a file `socialpulse.duckdb`, the lake attached under that alias), so dbt's
relations and views name the same catalog in either.

The DuckLake and PostgreSQL extensions come from the `duckdb-ext-ducklake` / `duckdb-ext-postgres` wheels (the
`lake` extra), built for exactly the pinned DuckDB; they are loaded from the wheel, never downloaded.
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import ConfigError, WarehouseError
from pipelines.settings import (
    ENV_DUCKLAKE_CATALOG,
    ENV_DUCKLAKE_DATA_PATH,
    ENV_WAREHOUSE,
    ENV_WAREHOUSE_KIND,
    WAREHOUSE_KINDS,
    warehouse_path,
)

logger = logging.getLogger("socialpulse.warehouse")

CATALOG = "socialpulse"  # the lake's alias: the name a warehouse file socialpulse.duckdb has as well
ENV_EXTENSION_DIRECTORY = "SOCIALPULSE_DUCKDB_EXTENSION_DIRECTORY"  # for dbt's profile (set by dbt_environment)
_PASSWORD_IN_DSN = re.compile(r"(^|\s)password\s*=|://[^/@\s]*:[^/@\s]*@", re.IGNORECASE)


@dataclass(frozen=True)
class WarehouseLocation:
    """One deployment's warehouse: its kind and where it is (never a secret)."""

    kind: str = "duckdb"
    path: str = ""  # kind duckdb: the DuckDB file
    catalog: str | None = None  # kind ducklake: libpq connection string of the PostgreSQL catalog, no password
    data_path: str | None = None  # kind ducklake: folder (or object store URL) of the Parquet files

    def __post_init__(self) -> None:
        if self.kind not in WAREHOUSE_KINDS:
            raise ConfigError(
                f"environment variable {ENV_WAREHOUSE_KIND}",
                ENV_WAREHOUSE_KIND,
                "unknown warehouse kind",
                value=self.kind,
                expected=" or ".join(WAREHOUSE_KINDS),
            )
        if self.kind == "ducklake":
            for name, value in ((ENV_DUCKLAKE_CATALOG, self.catalog), (ENV_DUCKLAKE_DATA_PATH, self.data_path)):
                if not value:
                    raise ConfigError(
                        f"environment variable {name}",
                        name,
                        "is needed for the ducklake warehouse",
                        value=value,
                        expected=f"{ENV_DUCKLAKE_CATALOG}='dbname=socialpulse host=db.internal user=socialpulse' "
                        f"and {ENV_DUCKLAKE_DATA_PATH}=/srv/socialpulse/lake",
                    )
            if _PASSWORD_IN_DSN.search(self.catalog or ""):
                raise ConfigError(
                    f"environment variable {ENV_DUCKLAKE_CATALOG}",
                    ENV_DUCKLAKE_CATALOG,
                    "holds a password",
                    value="(not shown)",
                    expected="the connection string without password; set PGPASSWORD or a PGPASSFILE instead",
                )

    @property
    def is_lake(self) -> bool:
        return self.kind == "ducklake"

    @property
    def attach_path(self) -> str:
        return f"ducklake:postgres:{self.catalog}"

    def describe(self) -> str:
        """Where it is, for logs and summaries (no secret in it)."""
        if self.is_lake:
            return f"DuckLake catalog postgres:{self.catalog!r}, data files in {self.data_path}"
        return self.path


def location_from_environment(path: str | None = None) -> WarehouseLocation:
    """The deployment's warehouse from the environment (`path` overrides the DuckDB file's)."""
    kind = (os.environ.get(ENV_WAREHOUSE_KIND) or "duckdb").strip().lower()
    return WarehouseLocation(
        kind=kind,
        path=path or str(warehouse_path()),
        catalog=os.environ.get(ENV_DUCKLAKE_CATALOG) or None,
        data_path=os.environ.get(ENV_DUCKLAKE_DATA_PATH) or None,
    )


def extension_directory() -> str:
    """The folder the duckdb-ext-* wheels install into (DuckDB looks in <dir>/v<version>/<platform>/)."""
    return str(Path(duckdb.__file__).resolve().parent.parent / "duckdb_ext" / "extensions")


def missing_lake_extensions() -> str | None:
    """Why this DuckDB cannot open a lake (the extension wheels are absent or built for another DuckDB), or None."""
    folder = Path(extension_directory()) / f"v{duckdb.__version__}"
    if folder.is_dir():
        return None
    return (
        f"DuckDB {duckdb.__version__} has no DuckLake/PostgreSQL extensions at {folder} (the duckdb-ext-* wheels "
        "exist for DuckDB 1.4.4 only): use the lake environment, `make install-lake` (.venv-lake)"
    )


def lake_config() -> dict[str, str | bool]:
    """DuckDB settings for a connection that attaches the lake: extensions from the wheels, no download."""
    return {"extension_directory": extension_directory(), "autoinstall_known_extensions": False}


INIT_ATTEMPTS = 5


def open_lake(location: WarehouseLocation, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached (read-only for readers) and selected, so `raw.<table>`,
    `marts.<table>`... name the lake's tables. No lock to wait for: writers commit PostgreSQL transactions."""
    if reason := missing_lake_extensions():
        raise WarehouseError(f"cannot open the DuckLake warehouse ({location.describe()}): {reason}")
    conn = duckdb.connect(config=lake_config())
    if not read_only and "://" not in (location.data_path or ""):
        os.makedirs(location.data_path, exist_ok=True)
    options = f"DATA_PATH '{_quote(location.data_path)}'" + (", READ_ONLY" if read_only else "")
    for attempt in range(1, INIT_ATTEMPTS + 1):
        try:
            conn.execute(f"attach '{_quote(location.attach_path)}' as {CATALOG} ({options})")
            break
        except duckdb.Error as exc:
            # Two processes attaching a new lake at once both create its catalog tables: the loser finds them
            # there ("already exists") and attaches the lake the winner created when it tries again.
            if "already exists" in str(exc) and attempt < INIT_ATTEMPTS:
                time.sleep(0.2 * attempt)
                continue
            conn.close()
            raise WarehouseError(
                f"cannot attach the DuckLake warehouse ({location.describe()}): {exc}. Check that PostgreSQL "
                f"answers, that the database exists and that PGPASSWORD (or PGPASSFILE) holds the password."
            ) from exc
    conn.execute(f"use {CATALOG}")
    return conn


def _quote(text: str | None) -> str:
    return (text or "").replace("'", "''")


def dbt_environment(location: WarehouseLocation) -> dict[str, str]:
    """The environment variables dbt's profile (dbt_project/profiles.yml) reads: its target is the kind."""
    env = {ENV_WAREHOUSE_KIND: location.kind, ENV_WAREHOUSE: location.path}
    if location.is_lake:
        env |= {
            ENV_DUCKLAKE_CATALOG: location.catalog or "",
            ENV_DUCKLAKE_DATA_PATH: location.data_path or "",
            ENV_EXTENSION_DIRECTORY: extension_directory(),
        }
    return env


def current_snapshot(conn: duckdb.DuckDBPyConnection) -> int | None:
    """The lake's newest snapshot id (what a reader opening now sees), None for a DuckDB file."""
    try:
        row = conn.execute(f"select max(snapshot_id) from ducklake_snapshots('{CATALOG}')").fetchone()
    except duckdb.Error:
        return None
    return int(row[0]) if row and row[0] is not None else None


def is_lake_connection(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's current catalog is a DuckLake (not a DuckDB file)."""
    row = conn.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


_TABLE_KEY = re.compile(r",\s*primary key\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\s+primary key\b", re.IGNORECASE)


def keyed_table_ddl(conn: duckdb.DuckDBPyConnection, ddl: str) -> str:
    """`create table` for this warehouse: DuckLake has no PRIMARY KEY / UNIQUE constraints, so on a lake the key
    clauses are left out. Code writing keyed tables checks the keys in its statements (`where not exists`), so it
    behaves alike on both; on a DuckDB file the key stays as the database's guarantee."""
    if not is_lake_connection(conn):
        return ddl
    return _COLUMN_KEY.sub("", _TABLE_KEY.sub("", ddl))


# A DuckLake commit that raced another writer's fails with "Failed to commit DuckLake transaction" when DuckLake's
# own retries (ducklake_max_retry_count) do not resolve it; DuckLake 0.3 (DuckDB 1.4.4) fails so on any commit that
# overlaps another process's create table. Everything was rolled back: the whole transaction is tried again.
LAKE_COMMIT_ATTEMPTS = 8


def is_lake_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "DuckLake transaction" in str(exc)


def retry_lake_conflicts(attempt: Callable[[], Any], *, what: str) -> Any:
    """Run `attempt` (one whole transaction), again after a short random pause while it fails with a DuckLake
    commit conflict. A DuckDB file never raises one: there it runs once."""
    for number in range(1, LAKE_COMMIT_ATTEMPTS + 1):
        try:
            return attempt()
        except Exception as exc:
            cause = exc if is_lake_conflict(exc) else exc.__cause__
            if cause is None or not is_lake_conflict(cause) or number == LAKE_COMMIT_ATTEMPTS:
                raise
            reason = str(cause).splitlines()[-1][:160]
            logger.warning(f"{what}: the DuckLake commit raced another writer ({reason}); retry {number}")
            time.sleep(0.1 * number + random.random() * 0.3)
    raise AssertionError("unreachable")
