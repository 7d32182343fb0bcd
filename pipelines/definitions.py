"""The one entry point: every asset, check, job, schedule, sensor and resource of socialpulse."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import warnings
from pathlib import Path

from dagster import (
    AssetSelection,
    BetaWarning,
    DefaultScheduleStatus,
    Definitions,
    PreviewWarning,
    SupersessionWarning,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
    map_asset_specs,
    multiprocess_executor,
)
from dagster_dbt import DbtCliResource

from assets.configuration import configuration_snapshot
from assets.dbt import build_dbt_assets, build_dbt_source_specs, dbt_project
from assets.platforms import build_platform_assets
from assets.publish import published_warehouse
from assets.reports import marketing_reports
from pipelines.partitions import daily_partitions
from pipelines.resources import ConfigurationResource, PlatformApiResource, ReportsResource, WarehouseResource
from pipelines.settings import (
    ENV_SIMULATOR_URL,
    base_url_overrides,
    enable_event_batches,
    executor_choice,
    mode,
    reports_dir,
    warehouse_path,
)
from pipelines.simulation import simulated_platform_api
from pipelines.validation import validate_configuration

OWNERS = ["team:data-engineering"]

# We pin Dagster's version; its beta/preview notices about APIs we chose knowingly are noise in every log.
for _category in (BetaWarning, PreviewWarning, SupersessionWarning):
    warnings.filterwarnings("ignore", category=_category)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), so PATH does not matter."""
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        if (folder / "dbt").exists():
            return str(folder / "dbt")
    return shutil.which("dbt") or "dbt"


def platform_api_resource(configuration: ConfigurationResource | None = None) -> PlatformApiResource:
    """The platform API access of this process's mode. Tokens are read from the environment (or the secret files
    brands.yaml names) when a client is built in the run, never stored in the run configuration the UI shows; in
    simulator mode the simulator's tokens fill in unset variables (pipelines/simulation.py)."""
    common = {
        "simulator_url": os.environ.get(ENV_SIMULATOR_URL),
        "base_url_overrides": base_url_overrides(),
        "config_dir": (configuration or ConfigurationResource()).config_dir,
    }
    if mode() == "simulator":
        return simulated_platform_api(**common)
    return PlatformApiResource(mode="production", **common)


def all_assets() -> list:
    """Every asset of socialpulse, with the global policies applied (tests materialize these)."""
    return _with_owners(_build_assets())


def _build_assets() -> list:
    from assets.market import build_analytics_assets, build_market_assets
    from sensors.alerts_asset import kpi_alerts

    built = [
        configuration_snapshot,
        *build_platform_assets(),
        *build_market_assets(),
        *build_analytics_assets(),
        build_dbt_assets(),
        kpi_alerts,
        published_warehouse,
        marketing_reports,
    ]
    produced = {key for definition in built for key in definition.keys}
    return [*built, *build_dbt_source_specs(produced)]


def _with_owners(assets: list) -> list:
    """Global policies, applied once: owners on every asset."""
    return list(map_asset_specs(lambda spec: spec.replace_attributes(owners=OWNERS), assets))


def pipeline_resources(
    warehouse_file: str, platform_api: PlatformApiResource, reports_folder: str | None = None
) -> dict:
    """The resources every ingest, dbt, alerts, publishing and reports asset, sensor and check needs. The
    configuration resource is the platform API's, and the alerting resource reads the same folder (rules,
    channels, clients), so one folder serves everything."""
    from sensors.resources import AlertingResource

    return {
        "warehouse": WarehouseResource.from_environment(warehouse_file),  # a DuckDB file or a DuckLake
        "configuration": platform_api.configuration,
        "platform_api": platform_api,
        "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable()),
        "alerting": AlertingResource(config_dir=platform_api.config_dir),
        "reports": ReportsResource(output_dir=reports_folder or str(reports_dir())),
    }


def _build_definitions() -> Definitions:
    from sensors.wiring import build_sensor_definitions

    validate_configuration()  # every file and the references between them, before anything is built
    assets = all_assets()
    partitions = daily_partitions()
    nightly_job = define_asset_job(
        "nightly_job",
        selection=AssetSelection.all(),
        partitions_def=partitions,
        description="Everything, for one day: ingest all platforms and sources, build and test the marts, "
        "publish the BI copy. Backfills of a range run as one run per asset.",
    )
    nightly_schedule = build_schedule_from_partitioned_job(
        nightly_job,
        hour_of_day=2,
        minute_of_hour=30,
        name="nightly_schedule",
        description="Every night at 02:30 (partition timezone): loads yesterday's partition, rebuilds the marts, "
        "evaluates the alerts, publishes the BI copy and renders the reports of a week or month that just ended. "
        "On by default; turn it off in the UI (Automation) or with `dagster schedule stop nightly_schedule`.",
        default_status=DefaultScheduleStatus.RUNNING,
    )
    sensor_defs = build_sensor_definitions()
    return Definitions(
        assets=assets,
        asset_checks=sensor_defs.asset_checks,
        jobs=[nightly_job, *sensor_defs.jobs],
        schedules=[nightly_schedule],
        sensors=sensor_defs.sensors,
        resources={**sensor_defs.resources, **pipeline_resources(str(warehouse_path()), platform_api_resource())},
        executor=pipeline_executor(),
    )


def pipeline_executor():
    """In one process by default (the DuckDB file has one writer anyway; no process start per step). With
    SOCIALPULSE_EXECUTOR=multiprocess each step runs in its own process, at most SOCIALPULSE_MAX_PROCESSES at once;
    the pools of dagster.yaml still bound who writes (`duckdb_writer`: 1 for a DuckDB file, more for a DuckLake)."""
    name, processes = executor_choice()
    if name == "multiprocess":
        return multiprocess_executor.configured({"max_concurrent": processes})
    return in_process_executor


enable_event_batches()  # runs launched by the UI, the daemon or a sensor load this module: batch their events too
defs = _build_definitions()
