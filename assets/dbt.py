"""The dbt models as Dagster assets (dagster-dbt), one lineage graph with the Python ingest assets."""

import datetime as dt
import json
import os
import sysconfig
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from assets.dbt_artifacts import prune_run_artifacts
from assets.ingest import WRITER_POOL
from pipelines.config.models import Settings
from pipelines.partitions import SINGLE_RUN_BACKFILL, DateWindow
from pipelines.resources import ConfigurationResource, WarehouseResource
from pipelines.settings import ENV_WAREHOUSE, PLATFORMS, dbt_project_dir
from pipelines.warehouse import contract_tables, ensure_tables

DBT_LAYERS = ("staging", "intermediate", "marts")


@cache
def dbt_project() -> DbtProject:
    """The one DbtProject. Its manifest is prepared by `make` (dbt parse), never at import in production;
    under `dagster dev` it is re-parsed on each reload so model edits show up."""
    _put_venv_scripts_on_path()
    project = DbtProject(project_dir=dbt_project_dir(), profiles_dir=dbt_project_dir())
    project.prepare_if_dev()
    return project


PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def window_from_run_tags(tags: Mapping[str, str]) -> DateWindow | None:
    """The partition days of the run the marts are built in (one day nightly, a range in a backfill), or None
    for a run without partitions (then every day is rebuilt)."""
    if tags.get(RANGE_START_TAG) and tags.get(RANGE_END_TAG):
        start, end = tags[RANGE_START_TAG], tags[RANGE_END_TAG]
    elif tags.get(PARTITION_TAG):
        start = end = tags[PARTITION_TAG]
    else:
        return None
    return DateWindow(dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10]))


def days_loaded_by_run(conn, run_id: str, tables: Iterable[str]) -> DateWindow | None:
    """The partition days this run's loads wrote in the given raw tables (wider than its partitions: account
    metrics re-read late days, snapshot streams are written on the observation day), so that the incremental
    facts rebuild every day the run touched. None when it loaded nothing."""
    present = {
        t
        for (t,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    tables = [t for t in tables if t in present]
    if not tables:
        return None
    union = " union all ".join(
        f'select min(_partition_date) as lo, max(_partition_date) as hi from raw."{t}" where _run_id = $run'
        for t in tables
    )
    low, high = conn.execute(f"select min(lo), max(hi) from ({union})", {"run": run_id}).fetchone()
    return DateWindow(low, high) if low is not None else None


def stream_tables() -> list[str]:
    """The raw tables partitioned by day (the configuration snapshots are replaced whole, not by day)."""
    from pipelines.configuration_tables import CONFIGURATION_TABLES

    configuration = {spec.name for spec in CONFIGURATION_TABLES}
    return [table for table in contract_tables() if table not in configuration]


def incremental_models_with_new_columns(conn, manifest_path) -> list[str]:
    """The incremental models whose table lacks a column their documentation (the manifest) names: a newer
    socialpulse changed them since the warehouse was built."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    existing: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in conn.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
    ).fetchall():
        existing.setdefault((schema, table), set()).add(column)
    drifted = []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or node.get("config", {}).get("materialized") != "incremental":
            continue
        columns = existing.get((node["schema"], node["alias"] or node["name"]))
        if columns is not None and set(node.get("columns", {})) - columns:
            drifted.append(node["name"])
    return sorted(drifted)


def rebuild_window(partitions: DateWindow | None, loaded: DateWindow | None) -> DateWindow | None:
    """The days the incremental facts rebuild: the run's partitions and every day its loads wrote."""
    if partitions is None:
        return None  # a run without partitions rebuilds every day
    if loaded is None:
        return partitions
    return DateWindow(min(partitions.start, loaded.start), max(partitions.end, loaded.end))


def _put_venv_scripts_on_path() -> None:
    """dagster-dbt's dev-time preparation runs `dbt` from PATH: make it this environment's dbt even when the venv
    is not activated (`.venv/bin/dagster dev`)."""
    scripts = sysconfig.get_path("scripts")
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])


def dbt_vars_for_window(window: DateWindow | None, settings: Settings) -> dict[str, str | int]:
    """The dbt `--vars`: incremental facts rebuild the window's days (all days when there is none), plus the days
    the ingest re-reads before it (the same look-backs as settings.yaml, so the two cannot drift apart)."""
    shared: dict[str, str | int] = {
        "timezone": settings.timezone,
        "account_lookback_days": settings.account_lookback_days,
        "post_lookback_days": settings.post_lookback_days,
    }
    if window is None:
        return shared
    return {"min_date": window.start.isoformat(), "max_date": window.end.isoformat(), **shared}


class SocialPulseDbtTranslator(DagsterDbtTranslator):
    """Short stable keys `<layer>/<model>`, groups from the folder, sources mapped onto the raw ingest assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return _layer(dbt_resource_props)

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's description for marketers first, then where it comes from (no SQL dump: `make docs`
        serves the dbt documentation with the SQL and the lineage)."""
        text = (dbt_resource_props.get("description") or "").strip() or f"dbt model {dbt_resource_props['name']}."
        materialized = (dbt_resource_props.get("config") or {}).get("materialized", "")
        path = dbt_resource_props.get("original_file_path", "")
        return f"{text}\n\nBuilt by dbt ({materialized}) from `dbt_project/{path}`; SQL and lineage: `make docs`."


def _layer(props: Mapping[str, Any]) -> str:
    fqn = props.get("fqn") or []
    for part in fqn:
        if part in DBT_LAYERS:
            return part
    return props.get("schema") or "marts"


TRANSLATOR = SocialPulseDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def build_dbt_source_specs(produced: set[AssetKey]) -> list[AssetSpec]:
    """The dbt sources no ingest asset loads (a platform that does not offer the stream, e.g. follower online
    hours on Facebook): visible with a group and a description instead of an anonymous `default` stub."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    specs = []
    for props in manifest["sources"].values():
        key = TRANSLATOR.get_asset_key(props)
        if key in produced:
            continue
        name = props["name"]
        platform = name.split("__")[0]
        group = platform if platform in PLATFORMS else "raw"
        specs.append(
            AssetSpec(
                key,
                group_name=group,
                kinds={"duckdb"},
                description=f"Not loaded by socialpulse: no {platform} stream provides `raw.{name}`, so the table "
                f"stays empty (created by the dbt assets so that the staging view resolves). "
                f"{(props.get('description') or '').strip()}",
            )
        )
    return specs


def mart_column_descriptions(manifest: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """{mart name: {column: description}} from the dbt .yml files."""
    out: dict[str, dict[str, str]] = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") == "model" and _layer(node) == "marts":
            out[node["name"]] = {name: col.get("description", "") for name, col in node.get("columns", {}).items()}
    return out


def with_mart_metadata(
    context: AssetExecutionContext, events: list[Any], warehouse: WarehouseResource, manifest: Mapping[str, Any]
) -> list[Any]:
    """The dbt events with each built mart's row count, headline numbers, preview and warehouse column types
    (read once dbt has finished and released the DuckDB file)."""
    from assets.mart_metadata import mart_metadata
    from pipelines.reports.data import column_types

    descriptions = mart_column_descriptions(manifest)
    enriched = []
    with warehouse.connect(read_only=True) as conn:
        types = column_types(conn, "marts")
        for event in events:
            if isinstance(event, Output):
                key = context.asset_key_for_output(event.output_name)
                table = key.path[-1]
                if key.path[0] == "marts" and table in types:
                    extra = mart_metadata(conn, table, types[table], descriptions.get(table, {}))
                    event = event.with_metadata({**event.metadata, **extra})
            enriched.append(event)
    return enriched


def build_dbt_assets():
    project = dbt_project()

    # The marts are whole tables (incremental facts inside rebuild only the run's days), so the dbt assets are
    # not partitioned: a 400-day backfill records one materialization per model, not 400.
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=TRANSLATOR,
        backfill_policy=SINGLE_RUN_BACKFILL,
        pool=WRITER_POOL,
        name="socialpulse_dbt",
    )
    def socialpulse_dbt(
        context: AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        configuration: ConfigurationResource,
    ) -> Iterator[Any]:
        """dbt build (models and tests); incremental facts rebuild the days of the run's partitions."""
        os.environ[ENV_WAREHOUSE] = warehouse.path  # the dbt profile reads the warehouse path from here
        with warehouse.connect() as conn:  # every dbt source resolves, even for a platform that was skipped
            ensure_tables(conn, contract_tables())
            loaded = days_loaded_by_run(conn, context.run_id, stream_tables())
            window = rebuild_window(window_from_run_tags(context.run.tags), loaded)
            drifted = incremental_models_with_new_columns(conn, project.manifest_path)
        dbt_vars = dbt_vars_for_window(window, configuration.settings())
        context.log.info(f"dbt build for {window or 'all days'} with vars {dbt_vars}")
        # unit tests check the SQL, not the data: `make test` runs them (tests/dbt), the nightly build does not
        command = ["build", "--exclude", "resource_type:unit_test", "--vars", json.dumps(dbt_vars)]
        if drifted:
            # a new version of socialpulse added columns to incremental facts: rebuild them from the raw tables
            # once (an incremental run cannot both alter and refill a table in one DuckDB transaction)
            context.log.warning(f"incremental marts with new columns, rebuilt in full this once: {drifted}")
            command.append("--full-refresh")
        invocation = dbt.cli(command, context=context)
        events: list[Any] = []
        try:
            for event in invocation.stream():  # DuckDB: the file is dbt's until the build ends
                events.append(event)
        except BaseException:
            yield from events  # what was built before a failure still counts
            raise
        yield from with_mart_metadata(context, events, warehouse, invocation.manifest)
        prune_run_artifacts(invocation.target_path.parent, current=invocation.target_path)

    return socialpulse_dbt
