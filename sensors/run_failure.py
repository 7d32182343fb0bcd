"""Report failed runs (the nightly job) to the same channels as KPI alerts."""

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from dagster import DefaultSensorStatus, RunFailureSensorContext, SensorDefinition, run_failure_sensor

from sensors.channels import Channel, DeliveryError, Notification
from sensors.resources import AlertingResource
from sensors.rules import AlertConfig

logger = logging.getLogger("socialpulse.alerts")


def run_failure_notification(
    *, run_id: str, job_name: str, error: str, failed_steps: Sequence[tuple[str, str]], config: AlertConfig
) -> Notification:
    steps = ", ".join(step for step, _ in failed_steps) or "n/a"
    first_error = next((message for _, message in failed_steps if message), error)
    text = f"Run {run_id[:8]} of {job_name} failed. {first_error.strip().splitlines()[0] if first_error else ''}"
    return Notification(
        key=f"run_failure:{run_id}",
        kind="run_failure",
        title=f"Run failed: {job_name}",
        text=text.strip(),
        severity=config.run_failure.severity,
        link=f"{config.ui_url}/runs/{run_id}",
        link_label="Open the run in Dagster",
        fields={"Job": job_name, "Run": run_id, "Failed steps": steps},
        data={"run_id": run_id, "job_name": job_name, "error": error, "failed_steps": dict(failed_steps)},
    )


def send_now(
    notification: Notification,
    channels: Mapping[str, Channel],
    names: Sequence[str],
    *,
    attempts: int = 3,
    backoff_seconds: float = 2.0,
    log: logging.Logger | None = None,
) -> dict[str, str]:
    """Send to each named channel with a few quick retries; returns the outcome per channel."""
    log = log or logger
    outcome: dict[str, str] = {}
    for name in names:
        channel = channels.get(name)
        reason = channel.not_configured_reason() if channel is not None else "not defined"
        if channel is None or reason:
            outcome[name] = f"skipped: {reason}"
            continue
        for attempt in range(1, attempts + 1):
            try:
                channel.send(notification)
            except DeliveryError as exc:
                outcome[name] = f"failed: {exc}"
                log.warning("%s via %s failed (attempt %d/%d): %s", notification.key, name, attempt, attempts, exc)
                if attempt < attempts:
                    time.sleep(backoff_seconds * 2 ** (attempt - 1))
                continue
            outcome[name] = "delivered"
            break
    return outcome


def _step_failures(context: RunFailureSensorContext) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    for event in context.get_step_failure_events():
        data: Any = event.event_specific_data
        error = getattr(data, "error", None)
        while error is not None and getattr(error, "cause", None) is not None:
            error = error.cause  # the root cause says what went wrong (e.g. an expired token)
        failures.append((event.step_key or "?", (getattr(error, "message", "") or "").strip()))
    return failures


def build_run_failure_sensor(
    *,
    name: str = "run_failure_alert_sensor",
    monitored_jobs: Sequence[Any] | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
    retry_backoff_seconds: float = 2.0,
) -> SensorDefinition:
    """A run-failure sensor sending each failed run (of `monitored_jobs`, default all) to the channels under
    `run_failure:` in kpi_alerts.yaml. Needs the `alerting` resource."""

    @run_failure_sensor(
        name=name,
        monitored_jobs=list(monitored_jobs) if monitored_jobs else None,
        default_status=default_status,
        description="Reports failed runs (the nightly job) to the alert channels of kpi_alerts.yaml.",
    )
    def run_failure_alert_sensor(context: RunFailureSensorContext, alerting: AlertingResource) -> None:
        config = alerting.load_config()
        channels = alerting.build_channels(config, log=context.log)
        run = context.dagster_run
        notification = run_failure_notification(
            run_id=run.run_id,
            job_name=run.job_name,
            error=context.failure_event.message or "",
            failed_steps=_step_failures(context),
            config=config,
        )
        outcome = send_now(
            notification,
            channels,
            config.run_failure.channels,
            backoff_seconds=retry_backoff_seconds,
            log=context.log,
        )
        context.log.info(f"run failure {run.run_id} reported: {outcome}")

    return run_failure_alert_sensor
