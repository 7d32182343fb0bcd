"""Report failed runs (the nightly job) to the same channels as KPI alerts.

Each failed run is stored as an alert in `alerts.kpi_alerts` (kpi `run_failure`, one row per run id, never
twice) with one delivery per channel in `alerts.deliveries`, and delivered by `deliver_due`, the path KPI and
freshness alerts take: a channel that is down is retried with backoff on later ticks (of this sensor and of
`kpi_alert_sensor`) until it succeeds or `delivery.max_attempts` is reached, and stays visible as `failed`.
Only when the warehouse cannot be opened at once (a job holds its write lock) is the notification sent
immediately with a few quick retries, as before, and not stored.
"""

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb
from dagster import (
    DagsterEventType,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SensorDefinition,
    run_failure_sensor,
)

from pipelines.errors import WarehouseError
from pipelines.resources import WarehouseResource
from sensors import alert_store
from sensors.channels import Channel, DeliveryError, Notification
from sensors.channels.base import redact_stored
from sensors.evaluation import Alert
from sensors.resources import AlertingResource
from sensors.rules import AlertConfig
from sensors.service import RUN_FAILURE_KPI, deliver_due, run_failure_alert_id

logger = logging.getLogger("socialpulse.alerts")

MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class RunFailure:
    """What the sensor knows about one failed run."""

    run_id: str
    job_name: str
    error: str  # the run failure event's message
    failed_steps: tuple[tuple[str, str], ...]  # (step key, root-cause error message)
    run_date: date

    @property
    def root_cause(self) -> str:
        """The first failed step's root-cause error (e.g. an expired token), else the run's error."""
        return next((message for _, message in self.failed_steps if message), self.error).strip()

    @property
    def steps(self) -> str:
        return ", ".join(step for step, _ in self.failed_steps) or "n/a"


def run_failure_notification(
    *, run_id: str, job_name: str, error: str, failed_steps: Sequence[tuple[str, str]], config: AlertConfig
) -> Notification:
    """The immediate message of the fallback path (the warehouse could not be opened)."""
    error = redact_stored(error)
    failed_steps = [(step, redact_stored(message)) for step, message in failed_steps]
    steps = ", ".join(step for step, _ in failed_steps) or "n/a"
    first_error = next((message for _, message in failed_steps if message), error)
    text = f"Run {run_id[:8]} of {job_name} failed. {first_error.strip().splitlines()[0] if first_error else ''}"
    return Notification(
        key=run_failure_alert_id(run_id),
        kind="run_failure",
        title=f"Run failed: {job_name}",
        text=text.strip(),
        severity=config.run_failure.severity,
        link=f"{config.ui_url}/runs/{run_id}",
        link_label="Open the run in Dagster",
        fields={"Job": job_name, "Run": run_id, "Failed steps": steps},
        data={"run_id": run_id, "job_name": job_name, "error": error, "failed_steps": dict(failed_steps)},
    )


def run_failure_alert(failure: RunFailure, config: AlertConfig) -> Alert:
    """The stored alert of one failed run; its id comes from the run id, so it is stored at most once."""
    cause = redact_stored(failure.root_cause)
    if len(cause) > MAX_ERROR_CHARS:
        cause = cause[:MAX_ERROR_CHARS] + " ..."
    return Alert(
        alert_id=run_failure_alert_id(failure.run_id),
        rule_name=f"{RUN_FAILURE_KPI}:{failure.job_name}",
        kpi=RUN_FAILURE_KPI,
        brand="-",
        platform="all",
        kpi_date=failure.run_date,
        value=None,  # type: ignore[arg-type]  # nothing to measure: a run failed
        baseline=None,
        change_pct=None,
        robust_deviations=None,
        severity=config.run_failure.severity,
        message=(
            f"Run {failure.run_id} of {failure.job_name} failed (step(s): {failure.steps}). "
            f"Root cause: {cause or 'unknown'}"
        ),
        channels=tuple(config.run_failure.channels),
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


def step_failures(events: Iterable[Any]) -> list[tuple[str, str]]:
    """(step key, root-cause message) of STEP_FAILURE Dagster events."""
    failures: list[tuple[str, str]] = []
    for event in events:
        data: Any = event.event_specific_data
        error = getattr(data, "error", None)
        while error is not None and getattr(error, "cause", None) is not None:
            error = error.cause  # the root cause says what went wrong (e.g. an expired token)
        failures.append((event.step_key or "?", (getattr(error, "message", "") or "").strip()))
    return failures


def _run_date(instance: Any, run_id: str) -> date:
    """The (UTC) date the run started, else was created; today if the instance has no record of it."""
    record = instance.get_run_record_by_id(run_id)
    if record is not None:
        if record.start_time is not None:
            return datetime.fromtimestamp(record.start_time, UTC).date()
        if record.create_timestamp is not None:
            return record.create_timestamp.astimezone(UTC).date()
    return datetime.now(UTC).date()


def describe_failure(context: RunFailureSensorContext) -> RunFailure:
    run = context.dagster_run
    return RunFailure(
        run_id=run.run_id,
        job_name=run.job_name,
        error=context.failure_event.message or "",
        failed_steps=tuple(step_failures(context.get_step_failure_events())),
        run_date=_run_date(context.instance, run.run_id),
    )


def failure_of_run(instance: Any, run_id: str) -> RunFailure | None:
    """The same description read from the instance, for runs no sensor saw (the `socialpulse run` CLI path,
    runs marked failed after their process died); None unless the run failed."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.status != DagsterRunStatus.FAILURE:
        return None
    run_failures = instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
    error = (run_failures[-1].dagster_event.message or "") if run_failures and run_failures[-1].dagster_event else ""
    events = [record.dagster_event for record in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE)]
    return RunFailure(
        run_id=run_id,
        job_name=run.job_name,
        error=error,
        failed_steps=tuple(step_failures(e for e in events if e is not None)),
        run_date=_run_date(instance, run_id),
    )


def record_run_failure(
    failure: RunFailure,
    warehouse: WarehouseResource,
    alerting: AlertingResource,
    *,
    log: Any = None,
    retry_backoff_seconds: float = 2.0,
) -> str:
    """Store the failed run as an alert and deliver what is due; when the warehouse cannot be opened at once,
    send it now instead. Returns a line saying what happened."""
    log = log or logger
    config = alerting.pipeline_config()
    channels = alerting.build_channels(config, log=log)
    stored = False
    moment = datetime.now(UTC)
    try:
        with warehouse.connect(read_only=False, wait_seconds=0) as conn:
            alert_store.ensure_schema(conn)
            new = alert_store.insert_alerts(conn, [run_failure_alert(failure, config)], now=moment)
            stored = True  # recorded (now or by an earlier tick): deliver_due owns it from here on
            report = deliver_due(conn, config, channels, now=moment, log=log)
    except (WarehouseError, duckdb.Error, OSError) as exc:
        if stored:
            return f"run failure {failure.run_id} is stored, but delivering failed: {exc}; later ticks retry it"
        log.warning(f"could not store run failure {failure.run_id} in the warehouse ({exc}); sending it now instead")
        notification = run_failure_notification(
            run_id=failure.run_id,
            job_name=failure.job_name,
            error=failure.error,
            failed_steps=failure.failed_steps,
            config=config,
        )
        outcome = send_now(
            notification, channels, config.run_failure.channels, backoff_seconds=retry_backoff_seconds, log=log
        )
        return f"run failure {failure.run_id} reported immediately (not stored): {outcome}"
    state = "stored" if new else "was stored before"
    return (
        f"run failure {failure.run_id} {state}; deliveries: {report.delivered} delivered, {report.failed} failed "
        f"(retried on later ticks), {report.gave_up} failed for good, {report.skipped} skipped (not configured)"
    )


def build_run_failure_sensor(
    *,
    name: str = "run_failure_alert_sensor",
    monitored_jobs: Sequence[Any] | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
    retry_backoff_seconds: float = 2.0,
) -> SensorDefinition:
    """A run-failure sensor storing each failed run (of `monitored_jobs`, default all) as an alert and
    delivering it to the channels under `run_failure:` in kpi_alerts.yaml. Needs the `warehouse` and
    `alerting` resources. `retry_backoff_seconds` is the quick in-tick backoff of the fallback path."""

    @run_failure_sensor(
        name=name,
        monitored_jobs=list(monitored_jobs) if monitored_jobs else None,
        default_status=default_status,
        description=(
            "Stores failed runs (the nightly job) in alerts.kpi_alerts and delivers them to the alert channels "
            "of kpi_alerts.yaml; failed deliveries are retried on later ticks."
        ),
    )
    def run_failure_alert_sensor(
        context: RunFailureSensorContext, warehouse: WarehouseResource, alerting: AlertingResource
    ) -> None:
        summary = record_run_failure(
            describe_failure(context),
            warehouse,
            alerting,
            log=context.log,
            retry_backoff_seconds=retry_backoff_seconds,
        )
        context.log.info(summary)

    return run_failure_alert_sensor
