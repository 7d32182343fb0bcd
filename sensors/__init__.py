"""KPI alerting: rules, evaluation, delivery channels and the sensors that run them.

Wire into `Definitions`: `build_alert_sensors()` (sensors), `build_freshness_checks(raw_keys)` (asset checks),
resources `warehouse` (WarehouseResource) and `alerting` (AlertingResource). The `make run` CLI calls
`evaluate_and_deliver(conn, AlertingResource().load_config(), build_channels(config))` with the same code the sensor
runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dagster import DefaultSensorStatus, SensorDefinition

from sensors.channels import build_channels
from sensors.evaluation import Alert, alert_id, evaluate_rules
from sensors.rules import AlertConfig, AlertRule, default_rules_path, load_alert_rules
from sensors.service import EvaluationResult, deliver_due, evaluate_and_deliver

__all__ = [
    "Alert",
    "AlertConfig",
    "AlertRule",
    "EvaluationResult",
    "alert_id",
    "build_alert_sensors",
    "build_channels",
    "build_freshness_checks",
    "default_rules_path",
    "deliver_due",
    "evaluate_and_deliver",
    "evaluate_history",
    "evaluate_rules",
    "load_alert_rules",
]


def evaluate_history(conn: Any, *, rules_path: str | None = None, log: Any = None) -> EvaluationResult:
    """For `make run`: evaluate every mart date not evaluated yet with the sensor's code, channels from
    kpi_alerts.yaml (log and the table by default); `result.summary_lines()` lists the alerts raised."""
    from sensors.resources import AlertingResource

    config = AlertingResource(rules_path=rules_path).load_config()
    return evaluate_and_deliver(conn, config, build_channels(config, log=log), log=log)


def build_alert_sensors(
    *,
    monitored_jobs: Sequence[Any] | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
    minimum_interval_seconds: int = 60,
) -> list[SensorDefinition]:
    """The KPI alert sensor and the run-failure sensor (for `monitored_jobs`, default every job)."""
    from sensors.kpi_alert_sensor import build_kpi_alert_sensor
    from sensors.run_failure import build_run_failure_sensor

    return [
        build_kpi_alert_sensor(default_status=default_status, minimum_interval_seconds=minimum_interval_seconds),
        build_run_failure_sensor(monitored_jobs=monitored_jobs, default_status=default_status),
    ]


def build_freshness_checks(asset_keys: Sequence[Any], **kwargs: Any) -> list[Any]:
    """`data_is_fresh` asset checks for raw tables; see `sensors.freshness.build_freshness_checks`."""
    from sensors.freshness import build_freshness_checks as build

    return build(asset_keys, **kwargs)
