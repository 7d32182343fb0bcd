"""The dbt models as Dagster assets (dagster-dbt), one lineage graph with the Python ingest assets."""

import datetime as dt
import json
import os
import sysconfig
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from assets.dbt_artifacts import prune_run_artifacts
from assets.ingest import WRITER_POOL
from pipelines.config import load_settings
from pipelines.config.models import Settings
from pipelines.partitions import SINGLE_RUN_BACKFILL, DateWindow
from pipelines.resources import WarehouseResource
from pipelines.settings import ENV_WAREHOUSE, dbt_project_dir
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


def _layer(props: Mapping[str, Any]) -> str:
    fqn = props.get("fqn") or []
    for part in fqn:
        if part in DBT_LAYERS:
            return part
    return props.get("schema") or "marts"


TRANSLATOR = SocialPulseDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


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
        context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        """dbt build (models and tests); incremental facts rebuild the days of the run's partitions."""
        window = window_from_run_tags(context.run.tags)
        os.environ[ENV_WAREHOUSE] = warehouse.path  # the dbt profile reads the warehouse path from here
        with warehouse.connect() as conn:  # every dbt source resolves, even for a platform that was skipped
            ensure_tables(conn, contract_tables())
        dbt_vars = dbt_vars_for_window(window, load_settings())
        context.log.info(f"dbt build for {window or 'all days'} with vars {dbt_vars}")
        invocation = dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context)
        yield from invocation.stream()
        prune_run_artifacts(invocation.target_path.parent, current=invocation.target_path)

    return socialpulse_dbt
