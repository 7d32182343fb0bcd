"""Collects the sensors, their jobs, checks and resources for the entry point (pipelines/definitions.py),
and the alert evaluation the `socialpulse run` command ends with (the same code the sensor runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dagster import AssetKey

from pipelines.settings import PLATFORMS

WRITER_POOL = "duckdb_writer"


@dataclass
class SensorDefinitions:
    sensors: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    asset_checks: list[Any] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)


def freshness_keys() -> list[AssetKey]:
    """Each platform's account metrics: when one falls behind the others, its token has usually expired."""
    return [AssetKey(["raw", f"{platform}__account_daily"]) for platform in PLATFORMS]


def build_sensor_definitions() -> SensorDefinitions:
    from assets.imports import import_files_job
    from sensors import build_alert_sensors, build_freshness_checks
    from sensors.imports import import_files_sensor
    from sensors.stale_runs import build_stale_run_sensor

    # their resources (warehouse, alerting) are the pipeline's: pipelines.definitions.pipeline_resources
    return SensorDefinitions(
        sensors=[*build_alert_sensors(), import_files_sensor, build_stale_run_sensor()],
        jobs=[import_files_job],
        asset_checks=build_freshness_checks(freshness_keys(), pool=WRITER_POOL),
    )


def evaluate_all(
    warehouse_file: str, raised_since: datetime | None = None, *, config_dir: str | None = None
) -> list[str]:
    """Evaluate every rule over every date not evaluated yet and deliver; the summary lines for the CLI, with
    the alerts the run's alerts/kpi_alerts asset raised since `raised_since` (it evaluates inside the run).
    `config_dir`: the configuration folder (None: SOCIALPULSE_CONFIG_DIR, else pipelines/config)."""
    import logging

    from pipelines.resources import WarehouseResource
    from sensors.resources import AlertingResource
    from sensors.service import evaluate_and_deliver

    alerting = AlertingResource(config_dir=config_dir)
    config = alerting.load_config()
    log = logging.getLogger("socialpulse.alerts")
    channels = alerting.build_channels(config, log=log)
    with WarehouseResource(path=warehouse_file).connect() as conn:
        result = evaluate_and_deliver(conn, config, channels, log=log)
        earlier = _raised_in_run(conn, raised_since) if raised_since else []
    lines = result.summary_lines()
    if earlier:
        lines += [f"KPI alerts raised in the run (alerts/kpi_alerts): {len(earlier)}", *earlier]
    return lines


def _raised_in_run(conn, since: datetime) -> list[str]:
    from sensors.evaluation import subject

    rows = conn.execute(
        "select kpi_date, severity, rule_name, brand, client_brand, platform, message from alerts.kpi_alerts "
        "where first_seen_at >= ? order by kpi_date, rule_name, client_brand, brand, platform",
        [since],
    ).fetchall()
    return [
        f"  {day}  {severity:<8} {rule:<24} {subject(brand, client)} / {platform}: {message}"
        for day, severity, rule, brand, client, platform, message in rows
    ]
