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
import polars as pl

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
    f"""
    create table if not exists {SCHEMA}.evaluated_inputs (
        kpi varchar not null,
        platform varchar not null,
        metric_date date not null,
        fingerprint varchar not null,
        evaluated_at timestamptz not null,
        primary key (kpi, platform, metric_date)
    )
    """,
)

# One (kpi, platform, day) of the mart: the unit whose change makes the dates it feeds be evaluated again.
InputKey = tuple[str, str, date]

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
    if not table_exists(conn, f"{SCHEMA}.evaluated_dates"):
        return set()
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


def input_fingerprints(conn: duckdb.DuckDBPyConnection, kpis: Iterable[str]) -> dict[InputKey, str]:
    """A fingerprint of every (kpi, platform, day) of the mart for these KPIs: the values, ratio parts and samples
    of all brands, rounded so that the last bits of a re-summed double do not count as a change."""
    kpi_list = sorted(set(kpis))
    if not kpi_list or not table_exists(conn, KPI_TABLE):
        return {}
    placeholders = ", ".join("?" for _ in kpi_list)
    rows = conn.execute(
        f"""
        select kpi, platform, metric_date, md5(string_agg(
            concat_ws('|', brand, coalesce(round(value, 6)::varchar, '-'), coalesce(round(numerator, 6)::varchar, '-'),
                coalesce(round(denominator, 6)::varchar, '-'), coalesce(sample_size::varchar, '-')),
            ';' order by brand
        ))
        from {KPI_TABLE}
        where kpi in ({placeholders})
        group by kpi, platform, metric_date
        """,
        kpi_list,
    ).fetchall()
    return {(kpi, platform, day): fingerprint for kpi, platform, day, fingerprint in rows}


def evaluated_inputs(conn: duckdb.DuckDBPyConnection) -> dict[InputKey, str]:
    """The fingerprint of each (kpi, platform, day) as it was when the dates it feeds were last evaluated."""
    if not table_exists(conn, f"{SCHEMA}.evaluated_inputs"):
        return {}
    rows = conn.execute(f"select kpi, platform, metric_date, fingerprint from {SCHEMA}.evaluated_inputs").fetchall()
    return {(kpi, platform, day): fingerprint for kpi, platform, day, fingerprint in rows}


def insert_alerts(
    conn: duckdb.DuckDBPyConnection,
    alerts: Sequence[Alert],
    *,
    now: datetime,
    evaluated: Iterable[date] = (),
    inputs: dict[InputKey, str] | None = None,
) -> list[Alert]:
    """Insert the alerts not seen before, one pending delivery per channel, mark `evaluated` dates done and
    remember the fingerprints of the `inputs` those evaluations saw.

    One transaction: either the alerts, their deliveries, the evaluated dates and inputs are all recorded, or
    none. Returns the alerts that are new.
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
        if inputs:
            frame = pl.DataFrame(
                [(kpi, platform, day, fingerprint) for (kpi, platform, day), fingerprint in inputs.items()],
                schema={"kpi": pl.Utf8, "platform": pl.Utf8, "metric_date": pl.Date, "fingerprint": pl.Utf8},
                orient="row",
            )
            conn.register("evaluated_inputs_incoming", frame.to_arrow())
            try:
                conn.execute(
                    f"insert or replace into {SCHEMA}.evaluated_inputs "
                    "select kpi, platform, metric_date, fingerprint, ? from evaluated_inputs_incoming",
                    [now],
                )
            finally:
                conn.unregister("evaluated_inputs_incoming")
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
