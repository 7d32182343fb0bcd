"""The KPI alert sensor: after `marts.fct_kpi_daily` is materialized, evaluate the rules on the new dates.

Its cursor is a small JSON high-water mark: the last materialization it handled, the last date it evaluated
and when the next delivery retry is due. Duplicates are also refused by the store (deterministic alert ids),
so a lost cursor or a backfill cannot raise an alert twice. When a run holds the warehouse's write lock the
tick is skipped and the cursor stays put: the next tick does the work. On a tick with nothing new, a
read-only peek at `alerts.deliveries` also finds deliveries due that other writers stored (a failed run, a
stale table) while their channel was down, and delivers them.
"""

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

import duckdb
from dagster import (
    AssetKey,
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from pipelines.errors import WarehouseError
from pipelines.resources import WarehouseLockedError, WarehouseResource
from sensors import alert_store
from sensors.resources import AlertingResource
from sensors.service import KPI_ASSET_PATH, deliver_due, evaluate_and_deliver

KPI_ASSET_KEY = AssetKey(list(KPI_ASSET_PATH))


@dataclass(frozen=True)
class AlertCursor:
    storage_id: int | None = None  # the last materialization of fct_kpi_daily handled
    evaluated_through: str | None = None  # ISO date: every date up to it was evaluated
    retry_at: str | None = None  # ISO timestamp of the next delivery retry, if any

    @classmethod
    def parse(cls, raw: str | None) -> "AlertCursor":
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            return cls(
                storage_id=data.get("storage_id"),
                evaluated_through=data.get("evaluated_through"),
                retry_at=data.get("retry_at"),
            )
        except (ValueError, AttributeError):
            return cls()  # an unreadable cursor: the store's evaluated dates still prevent duplicates

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def through(self) -> date | None:
        return date.fromisoformat(self.evaluated_through) if self.evaluated_through else None


def is_lock_conflict(exc: BaseException) -> bool:
    if isinstance(exc, WarehouseLockedError):
        return True
    text = str(exc).lower()
    return "conflicting lock" in text or ("lock" in text and isinstance(exc, WarehouseError | duckdb.IOException))


def _next_retry(conn: duckdb.DuckDBPyConnection, max_attempts: int) -> str | None:
    row = conn.execute(
        f"""
        select min(case when status = 'pending' then timestamptz '1970-01-01 00:00:00+00'
                        else next_attempt_at end)
        from {alert_store.SCHEMA}.deliveries
        where attempts < ? and (status = 'pending' or (status = 'failed' and next_attempt_at is not null))
        """,
        [max_attempts],
    ).fetchone()
    value = row[0] if row else None
    return value.astimezone(UTC).isoformat() if value is not None else None


def _stored_deliveries_due(warehouse: WarehouseResource, alerting: AlertingResource, moment: datetime) -> bool:
    """Whether the store holds a delivery due now that the cursor does not know of: one stored by another
    writer (the run-failure sensor, a freshness check) whose channel was down. A cheap read-only peek that
    never waits: while a job holds the warehouse the answer is no, and a later tick looks again."""
    try:
        with warehouse.connect(read_only=True, wait_seconds=0) as conn:
            if not alert_store.table_exists(conn, f"{alert_store.SCHEMA}.deliveries"):
                return False
            due = _next_retry(conn, alerting.pipeline_config().delivery.max_attempts)
    except (WarehouseError, duckdb.Error):
        return False
    return due is not None and datetime.fromisoformat(due) <= moment


def _evaluated_status(warehouse: WarehouseResource, cursor: AlertCursor) -> str:
    """What has been evaluated, from the store (the run's alerts/kpi_alerts asset, `socialpulse run` and this
    sensor all record their dates there), falling back to the cursor when the warehouse is busy."""
    try:
        with warehouse.connect(read_only=True, wait_seconds=0) as conn:
            if alert_store.table_exists(conn, f"{alert_store.SCHEMA}.evaluated_dates"):
                count, first, last = conn.execute(
                    f"select count(*), min(kpi_date), max(kpi_date) from {alert_store.SCHEMA}.evaluated_dates"
                ).fetchone()
                (alerts,) = conn.execute(f"select count(*) from {alert_store.SCHEMA}.kpi_alerts").fetchone()
                if count:
                    return f"{count} date(s) evaluated, {first} .. {last}; {alerts} alert(s) stored"
    except (WarehouseError, duckdb.Error):
        pass
    if cursor.evaluated_through:
        return f"evaluated through {cursor.evaluated_through}"
    return "no date evaluated yet"


def run_alert_tick(
    context: SensorEvaluationContext,
    warehouse: WarehouseResource,
    alerting: AlertingResource,
    *,
    now: datetime | None = None,
) -> SensorResult | SkipReason:
    """One tick of the KPI alert sensor (also callable from tests with a built context)."""
    moment = now or datetime.now(UTC)
    cursor = AlertCursor.parse(context.cursor)
    records = context.instance.fetch_materializations(KPI_ASSET_KEY, limit=1).records
    latest_id = records[0].storage_id if records else None
    is_new = latest_id is not None and (cursor.storage_id is None or latest_id > cursor.storage_id)
    retry_due = cursor.retry_at is not None and datetime.fromisoformat(cursor.retry_at) <= moment
    if not is_new and not retry_due:
        retry_due = _stored_deliveries_due(warehouse, alerting, moment)
    if not is_new and not retry_due:
        if latest_id is None:
            return SkipReason("marts/fct_kpi_daily has never been materialized")
        waiting = f"; next delivery retry at {cursor.retry_at}" if cursor.retry_at else ""
        return SkipReason(
            f"no new materialization of marts/fct_kpi_daily since the last tick "
            f"({_evaluated_status(warehouse, cursor)}){waiting}"
        )

    config = alerting.load_config()
    channels = alerting.build_channels(config, log=context.log)
    try:
        with warehouse.connect(read_only=False, wait_seconds=0) as conn:
            alert_store.ensure_schema(conn)
            rechecked: list[date] = []
            if is_new:
                # the dates whose inputs are new or changed since they were evaluated (late data included)
                result = evaluate_and_deliver(conn, config, channels, log=context.log, now=moment)
                report, evaluated, raised = result.delivery, result.new_dates, len(result.alerts_raised)
                rechecked = result.dates_rechecked
            else:
                report = deliver_due(conn, config, channels, now=moment, log=context.log)
                evaluated, raised = [], 0
            retry_at = _next_retry(conn, config.delivery.max_attempts)
    except (WarehouseError, duckdb.IOException) as exc:
        if not is_lock_conflict(exc):
            raise
        return SkipReason(
            "the warehouse is locked by a running job; nothing evaluated, the cursor is unchanged and the "
            "next tick will try again"
        )

    through = max([d for d in [cursor.through, *evaluated] if d is not None], default=None)
    new_cursor = AlertCursor(
        storage_id=latest_id if is_new else cursor.storage_id,
        evaluated_through=through.isoformat() if through else None,
        retry_at=retry_at,
    )
    parts = []
    if is_new:
        parts.append(
            f"evaluated {len(evaluated)} new date(s)"
            + (f" through {through}" if evaluated else "")
            + (f", re-checked {len(rechecked)} date(s) whose inputs changed" if rechecked else "")
            + f": {raised} new alert(s)"
        )
    if report.attempted or report.skipped:
        parts.append(
            f"deliveries: {report.delivered} delivered, {report.failed} failed (retry at {retry_at}), "
            f"{report.gave_up} failed for good, {report.skipped} skipped (not configured)"
        )
    if is_new and not evaluated:
        parts.append(_evaluated_status(warehouse, new_cursor))
    summary = "; ".join(parts) or "nothing to do"
    context.log.info(summary)
    return SensorResult(skip_reason=SkipReason(summary), cursor=new_cursor.dump())


def build_kpi_alert_sensor(
    *,
    name: str = "kpi_alert_sensor",
    minimum_interval_seconds: int = 60,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
) -> SensorDefinition:
    """The sensor that evaluates KPI alert rules after each materialization of marts/fct_kpi_daily.

    Needs the resources `warehouse` (WarehouseResource) and `alerting` (AlertingResource).
    """

    @sensor(
        name=name,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=default_status,
        description=(
            "After marts/fct_kpi_daily is materialized, evaluates the KPI alert rules (kpi_alerts.yaml) on the "
            "new dates, records firings in alerts.kpi_alerts and delivers them; retries failed deliveries."
        ),
    )
    def kpi_alert_sensor(
        context: SensorEvaluationContext, warehouse: WarehouseResource, alerting: AlertingResource
    ) -> SensorResult | SkipReason:
        return run_alert_tick(context, warehouse, alerting)

    return kpi_alert_sensor
