"""Publish a read-only copy of the warehouse for BI tools (DuckDB allows one process on a file while it writes)."""

import os
import shutil
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from assets.ingest import WRITER_POOL
from pipelines.partitions import SINGLE_RUN_BACKFILL
from pipelines.resources import WarehouseResource
from pipelines.settings import published_warehouse_path
from pipelines.warehouse import table_row_counts

MART_SCHEMAS = ("marts", "alerts")


def publish_copy(warehouse_file: Path, target: Path) -> None:
    """Copy a checkpointed, closed warehouse file next to `target`, keep only what a BI tool can open there,
    and swap it in atomically, so a BI tool never sees a half-written file (readers that hold the old copy keep
    it until they reconnect)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(warehouse_file, staging)
    keep_only_tables(staging)
    os.replace(staging, target)


def keep_only_tables(path: Path) -> list[str]:
    """Drop the views of a copied warehouse: dbt's staging and intermediate views name the writer's catalog
    (`"socialpulse"."staging"...`), which does not exist in a file opened under another name, so every BI tool
    would fail on them. The marts, raw and alerts tables stay; returns the views dropped."""
    with duckdb.connect(str(path)) as conn:
        views = conn.execute(
            "select schema_name, view_name from duckdb_views() "
            "where not internal and database_name = current_database()"
        ).fetchall()
        for schema, view in views:
            conn.execute(f'drop view "{schema}"."{view}"')
        for (schema,) in conn.execute(
            "select schema_name from duckdb_schemas() where not internal and database_name = current_database() "
            "and schema_name in ('staging', 'intermediate')"
        ).fetchall():
            conn.execute(f'drop schema if exists "{schema}" cascade')
        conn.execute("checkpoint")
    return [f"{schema}.{view}" for schema, view in views]


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
    "replaced atomically after the marts are built. Path: SOCIALPULSE_PUBLISHED_WAREHOUSE or "
    "warehouse/socialpulse_published.duckdb.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as conn:
        conn.execute("checkpoint")
        counts = table_row_counts(conn, MART_SCHEMAS)
    target = published_warehouse_path(Path(warehouse.path))
    publish_copy(Path(warehouse.path), target)
    context.log.info(f"published {warehouse.path} to {target}")
    return MaterializeResult(
        metadata={
            "path": str(target),
            "size_mb": round(target.stat().st_size / 1e6, 1),
            "mart_tables": len(counts),
            "mart_rows": sum(rows for _, _, rows in counts),
        }
    )
