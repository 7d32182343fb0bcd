"""Publish a read-only copy of the warehouse for BI tools (DuckDB allows one process on a file while it writes).

Only a complete state is published: the copy is written while the writer's lock is held (nothing can write the
warehouse meanwhile), it must hold every mart the dbt project builds, and it holds no delivery error text (a
receiver may have echoed a URL or a token). Otherwise the previous copy stays as it was.
"""

import json
import os
import re
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from assets.ingest import WRITER_POOL
from pipelines.errors import SocialPulseError
from pipelines.partitions import SINGLE_RUN_BACKFILL
from pipelines.resources import WarehouseResource
from pipelines.settings import dbt_project_dir, published_warehouse_path
from pipelines.warehouse import table_row_counts

MART_SCHEMAS = ("marts", "alerts")


class PublishError(SocialPulseError):
    """The warehouse is not in a state worth publishing (marts missing); the previous copy is kept."""


def expected_mart_tables(manifest: Path | None = None) -> list[str]:
    """The tables of the `marts` schema the dbt project builds, from its manifest (`dbt parse`)."""
    path = manifest or dbt_project_dir() / "target" / "manifest.json"
    try:
        nodes = json.loads(path.read_text(encoding="utf-8"))["nodes"].values()
    except (OSError, ValueError, KeyError) as exc:
        raise PublishError(f"cannot read the dbt manifest {path} ({exc}); run `make manifest` first") from None
    return sorted(
        node.get("alias") or node["name"]
        for node in nodes
        if node.get("resource_type") == "model"
        and node.get("schema") == "marts"
        and node.get("config", {}).get("materialized") in ("table", "incremental")
    )


def missing_marts(conn: duckdb.DuckDBPyConnection, expected: list[str]) -> list[str]:
    rows = conn.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
    present = {name for (name,) in rows}
    return [name for name in expected if name not in present]


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy_for_readers(conn: duckdb.DuckDBPyConnection, staging: Path) -> int:
    """Write every schema, view and table of the connection's database into a new file, rows re-inserted (so the
    file holds no free blocks with old row versions) and delivery error texts left out (a receiver may have
    echoed what it was sent; the writer's warehouse keeps them for the operator). Returns the errors left out."""
    (source,) = conn.execute("select current_database()").fetchone()
    conn.execute(f"attach {_sql_string(str(staging))} as published_copy")
    try:
        conn.execute(f'copy from database "{source}" to published_copy (schema)')
        _views_without_catalog(conn, source)
        tables = conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'published_copy' order by 1, 2"
        ).fetchall()
        scrubbed = 0
        conn.execute("begin transaction")
        for schema, table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
                    "and table_name = ? order by column_index",
                    [source, schema, table],
                ).fetchall()
            ]
            select = ", ".join(
                "null" if (schema, table, name) == DELIVERY_ERROR_COLUMN else f'"{name}"' for name in columns
            )
            conn.execute(
                f'insert into published_copy."{schema}"."{table}" select {select} from "{source}"."{schema}"."{table}"'
            )
            if (schema, table) == DELIVERY_ERROR_COLUMN[:2] and "last_error" in columns:
                (scrubbed,) = conn.execute(
                    f'select count(*) from "{source}".alerts.deliveries where last_error is not null'
                ).fetchone()
        conn.execute("commit")
        conn.execute("checkpoint published_copy")
    finally:
        conn.execute("detach published_copy")
    return int(scrubbed)


DELIVERY_ERROR_COLUMN = ("alerts", "deliveries", "last_error")
_CREATE_VIEW = re.compile(r"^\s*CREATE\s+VIEW\s+", re.IGNORECASE)


def _views_without_catalog(conn: duckdb.DuckDBPyConnection, source: str) -> None:
    """dbt's views name the writer's catalog (`socialpulse.raw.x`), which does not exist when a BI tool opens
    the copy: re-create them naming only schema and table, resolved in whichever file holds them."""
    schemas = [
        name
        for (name,) in conn.execute(
            "select schema_name from duckdb_schemas() where database_name = 'published_copy'"
        ).fetchall()
    ]
    qualified = re.compile(
        r'(?<![\w."])"?' + re.escape(source) + r'"?\.(?="?(?:' + "|".join(re.escape(s) for s in schemas) + r')"?\.)'
    )
    views = conn.execute(
        "select schema_name, view_name, sql from duckdb_views() where database_name = 'published_copy' and not internal"
    ).fetchall()
    for schema, name, sql in views:
        body = _CREATE_VIEW.sub("", qualified.sub("", sql), count=1)
        body = body.split(" AS ", 1)[1] if " AS " in body else body
        conn.execute(f'create or replace view published_copy."{schema}"."{name}" as {body.rstrip().rstrip(";")}')


def publish_copy(
    warehouse: WarehouseResource, target: Path, *, expected: list[str] | None = None, wait_seconds: float | None = None
) -> dict[str, int]:
    """Write the copy BI tools read and swap it in atomically, so a BI tool never sees a half-written or incomplete
    file (readers that hold the old copy keep it until they reconnect). The copy is made while this process holds
    the warehouse's lock (no writer can change it meanwhile) and only when every mart is there."""
    marts = expected_mart_tables() if expected is None else expected
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # one per process: two publishers never share it
    staging.unlink(missing_ok=True)
    try:
        with warehouse.connect(wait_seconds=wait_seconds) as conn:
            missing = missing_marts(conn, marts)
            if missing:
                raise PublishError(
                    f"not published: the warehouse has no complete build yet (missing marts: {', '.join(missing)}); "
                    f"the copy {target} is unchanged. Run `socialpulse run` (or wait for the running one)."
                )
            scrubbed = _copy_for_readers(conn, staging)
        with duckdb.connect(str(staging), read_only=True) as copy:
            still_missing = missing_marts(copy, marts)
        if still_missing:
            raise PublishError(f"not published: the copy lacks marts {', '.join(still_missing)}")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    return {"mart_tables": len(marts), "delivery_errors_scrubbed": scrubbed}


@asset(
    key=AssetKey(["publishing", "published_warehouse"]),
    group_name="publishing",
    deps=[
        AssetKey(["marts", "fct_kpi_daily"]),
        AssetKey(["marts", "fct_share_of_voice"]),
        AssetKey(["alerts", "kpi_alerts"]),  # so the copy holds the run's alerts
    ],
    backfill_policy=SINGLE_RUN_BACKFILL,
    pool=WRITER_POOL,
    kinds={"duckdb"},
    description="The copy of the warehouse BI tools read (Metabase, Superset, DBeaver, Evidence, the duckdb CLI): "
    "replaced atomically after the marts are built, only when every mart is there, without delivery error texts. "
    "Path: SOCIALPULSE_PUBLISHED_WAREHOUSE or warehouse/socialpulse_published.duckdb.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    target = published_warehouse_path(Path(warehouse.path))
    checks = publish_copy(warehouse, target)
    with duckdb.connect(str(target), read_only=True) as conn:
        counts = table_row_counts(conn, MART_SCHEMAS)
    context.log.info(f"published {warehouse.path} to {target}")
    return MaterializeResult(
        metadata={
            "path": str(target),
            "size_mb": round(target.stat().st_size / 1e6, 1),
            "mart_tables": len(counts),
            "mart_rows": sum(rows for _, _, rows in counts),
            "delivery_errors_scrubbed": checks["delivery_errors_scrubbed"],
        }
    )
