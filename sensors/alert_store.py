"""The `alerts` schema in the warehouse: raised alerts, their deliveries per channel, evaluated dates.

It lives outside dbt's schemas so `dbt build` never drops it. Idempotence comes from the database, not from
the caller's memory: an alert id (rule, brand, platform, date) is inserted at most once, so re-running the
sensor, restarting it with a lost cursor or backfilling a week cannot raise an alert twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from sensors.channels.base import redact_stored
from sensors.evaluation import Alert

SCHEMA = "alerts"
KPI_TABLE = "marts.fct_kpi_daily"

DDL = (
    f"create schema if not exists {SCHEMA}",
    f"""
    create table if not exists {SCHEMA}.kpi_alerts (
        alert_id varchar primary key,
        rule_name varchar not null,
        kpi varchar not null,
        brand varchar not null,
        platform varchar not null,
        kpi_date date not null,
        value double,
        baseline double,
        change_pct double,
        robust_deviations double,
        sample_size bigint,
        severity varchar not null,
        first_seen_at timestamptz not null,
        message varchar not null
    )
    """,
    f"""
    create table if not exists {SCHEMA}.deliveries (
        alert_id varchar not null,
        channel varchar not null,
        status varchar not null,
        attempts integer not null default 0,
        last_attempt_at timestamptz,
        last_error varchar,
        delivered_at timestamptz,
        next_attempt_at timestamptz,
        primary key (alert_id, channel)
    )
    """,
    f"""
    create table if not exists {SCHEMA}.evaluated_dates (
        kpi_date date primary key,
        evaluated_at timestamptz not null
    )
    """,
)

# pending: not tried yet; failed: last attempt failed (retried while next_attempt_at is set);
# delivered; skipped: the channel is not configured (its environment variable is unset).
STATUSES = ("pending", "failed", "delivered", "skipped")


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        conn.execute(statement)


def table_exists(conn: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    row = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def kpi_dates(conn: duckdb.DuckDBPyConnection) -> list[date]:
    """Every metric_date present in the mart, ascending."""
    if not table_exists(conn, KPI_TABLE):
        return []
    return [row[0] for row in conn.execute(f"select distinct metric_date from {KPI_TABLE} order by 1").fetchall()]


def evaluated_dates(conn: duckdb.DuckDBPyConnection) -> set[date]:
    return {row[0] for row in conn.execute(f"select kpi_date from {SCHEMA}.evaluated_dates").fetchall()}


def dates_to_evaluate(
    conn: duckdb.DuckDBPyConnection, *, after: date | None = None, settle_days: int = 0
) -> list[date]:
    """Dates of the mart not evaluated yet (optionally only after a high-water mark), minus the newest
    `settle_days` dates whose numbers may still move."""
    dates = kpi_dates(conn)
    if settle_days and dates:
        dates = dates[: max(len(dates) - settle_days, 0)]
    done = evaluated_dates(conn)
    return [d for d in dates if d not in done and (after is None or d > after)]


def insert_alerts(
    conn: duckdb.DuckDBPyConnection,
    alerts: Sequence[Alert],
    *,
    now: datetime,
    evaluated: Iterable[date] = (),
) -> list[Alert]:
    """Insert the alerts not seen before, one pending delivery per channel, and mark `evaluated` dates done.

    One transaction: either the alerts, their deliveries and the evaluated dates are all recorded, or none.
    Returns the alerts that are new.
    """
    conn.execute("begin transaction")
    try:
        new: list[Alert] = []
        for alert in alerts:
            inserted = conn.execute(
                f"""
                insert into {SCHEMA}.kpi_alerts (alert_id, rule_name, kpi, brand, platform, kpi_date, value,
                    baseline, change_pct, robust_deviations, sample_size, severity, first_seen_at, message)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing
                returning alert_id
                """,
                [
                    alert.alert_id,
                    alert.rule_name,
                    alert.kpi,
                    alert.brand,
                    alert.platform,
                    alert.kpi_date,
                    alert.value,
                    alert.baseline,
                    alert.change_pct,
                    alert.robust_deviations,
                    alert.sample_size,
                    alert.severity,
                    now,
                    alert.message,
                ],
            ).fetchall()
            if not inserted:
                continue
            new.append(alert)
            for channel in dict.fromkeys(alert.channels):
                conn.execute(
                    f"insert into {SCHEMA}.deliveries (alert_id, channel, status, attempts) "
                    "values (?, ?, 'pending', 0) on conflict do nothing",
                    [alert.alert_id, channel],
                )
        for day in sorted(set(evaluated)):
            conn.execute(f"insert into {SCHEMA}.evaluated_dates values (?, ?) on conflict do nothing", [day, now])
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return new


@dataclass(frozen=True)
class DueDelivery:
    """A delivery to attempt now, with the alert it carries (as stored)."""

    alert_id: str
    channel: str
    attempts: int
    rule_name: str
    kpi: str
    brand: str
    platform: str
    kpi_date: date
    value: float | None
    baseline: float | None
    change_pct: float | None
    robust_deviations: float | None
    sample_size: int | None
    severity: str
    first_seen_at: datetime
    message: str


def due_deliveries(conn: duckdb.DuckDBPyConnection, *, now: datetime, max_attempts: int) -> list[DueDelivery]:
    """Deliveries never tried, or failed and due for a retry, oldest alert first."""
    rows = conn.execute(
        f"""
        select d.alert_id, d.channel, d.attempts, a.rule_name, a.kpi, a.brand, a.platform, a.kpi_date, a.value,
               a.baseline, a.change_pct, a.robust_deviations, a.sample_size, a.severity, a.first_seen_at,
               a.message
        from {SCHEMA}.deliveries d
        join {SCHEMA}.kpi_alerts a using (alert_id)
        where d.attempts < ?
          and (d.status = 'pending' or (d.status = 'failed' and d.next_attempt_at <= ?))
        order by a.first_seen_at, a.kpi_date, d.alert_id, d.channel
        """,
        [max_attempts, now],
    ).fetchall()
    return [DueDelivery(*row) for row in rows]


def mark_delivered(conn: duckdb.DuckDBPyConnection, alert_id: str, channel: str, *, now: datetime) -> None:
    conn.execute(
        f"""
        update {SCHEMA}.deliveries
        set status = 'delivered', attempts = attempts + 1, last_attempt_at = ?, delivered_at = ?,
            next_attempt_at = null, last_error = null
        where alert_id = ? and channel = ?
        """,
        [now, now, alert_id, channel],
    )


def mark_failed(
    conn: duckdb.DuckDBPyConnection,
    alert_id: str,
    channel: str,
    *,
    now: datetime,
    error: str,
    next_attempt_at: datetime | None,
) -> None:
    """Record a failed attempt; `next_attempt_at` None means the bound is reached: failed for good."""
    conn.execute(
        f"""
        update {SCHEMA}.deliveries
        set status = 'failed', attempts = attempts + 1, last_attempt_at = ?, last_error = ?,
            next_attempt_at = ?
        where alert_id = ? and channel = ?
        """,
        [now, redact_stored(error)[:1000], next_attempt_at, alert_id, channel],
    )


def mark_skipped(conn: duckdb.DuckDBPyConnection, alert_id: str, channel: str, *, reason: str) -> None:
    conn.execute(
        f"""
        update {SCHEMA}.deliveries
        set status = 'skipped', last_error = ?, next_attempt_at = null
        where alert_id = ? and channel = ?
        """,
        [reason, alert_id, channel],
    )


def delivery_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = conn.execute(f"select status, count(*) from {SCHEMA}.deliveries group by 1").fetchall()
    return {status: count for status, count in rows}
