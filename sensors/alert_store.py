"""The `alerts` schema in the warehouse: raised alerts, their deliveries per channel, evaluated dates.

It lives outside dbt's schemas so `dbt build` never drops it. Idempotence comes from the database, not from
the caller's memory: an alert id (rule, client, brand, platform, date) is inserted at most once, so re-running
the sensor, restarting it with a lost cursor or backfilling a week cannot raise an alert twice.

A store written by a single-brand release (no `client_brand` columns) is migrated in place by `ensure_schema`,
in one transaction, so that nothing it holds is raised again (see `_migrate_to_clients`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from pipelines.errors import WarehouseError
from sensors.channels.base import redact_stored
from sensors.evaluation import Alert, alert_id

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
        message varchar not null,
        client_brand varchar
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
        client_brand varchar not null,
        kpi varchar not null,
        platform varchar not null,
        metric_date date not null,
        fingerprint varchar not null,
        evaluated_at timestamptz not null,
        primary key (client_brand, kpi, platform, metric_date)
    )
    """,
)

# One (client brand, kpi, platform, day) of the mart: the unit whose change makes the dates it feeds be evaluated
# again, in that client's view only.
InputKey = tuple[str, str, str, date]

# alerts.kpi_alerts rows about the pipeline, of no client (sensors.run_failure, sensors.freshness)
PIPELINE_KPIS = ("run_failure", "data_freshness")

# pending: not tried yet; failed: last attempt failed (retried while next_attempt_at is set);
# delivered; skipped: the channel is not configured (its environment variable is unset).
STATUSES = ("pending", "failed", "delivered", "skipped")


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and its tables, and migrate a store of a single-brand release."""
    for statement in DDL:
        conn.execute(statement)
    _migrate_to_clients(conn)


def columns_of(conn: duckdb.DuckDBPyConnection, qualified: str) -> set[str]:
    schema, name = qualified.split(".")
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {row[0] for row in rows}


def client_views(conn: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Brand -> the client brands whose view in the mart holds it (an own brand: itself). A mart built by a
    single-brand release has no client_brand: there its own brand is every brand's client."""
    if not table_exists(conn, KPI_TABLE):
        return {}
    if "client_brand" in columns_of(conn, KPI_TABLE):
        pairs = conn.execute(f"select distinct brand, client_brand from {KPI_TABLE}").fetchall()
    else:
        rows = conn.execute(f"select distinct brand, is_own_brand from {KPI_TABLE}").fetchall()
        own = sorted({brand for brand, is_own in rows if is_own})
        pairs = [(brand, brand if is_own else own[0]) for brand, is_own in rows if is_own or len(own) == 1]
    views: dict[str, set[str]] = {}
    for brand, client in pairs:
        views.setdefault(brand, set()).add(client)
    return views


def _migrate_to_clients(conn: duckdb.DuckDBPyConnection) -> None:
    """Give a single-brand release's store its client columns without raising anything again.

    `kpi_alerts` gains `client_brand`: an own brand's rows get their brand (their ids are unchanged: see
    `sensors.evaluation.alert_id`); a competitor's rows get the one client whose set holds it in the mart, and the
    id it has in that view (deliveries follow it); pipeline alerts and brands no view holds keep NULL.
    `evaluated_inputs` is keyed by client too; each old fingerprint is kept for every client in the mart: a
    fingerprint is of the KPI's rows in a view, so where a client's rows are the ones evaluated before (a single-
    brand deployment) it matches and the day is not evaluated again, and where they differ it does not match.
    """
    alerts_table, inputs_table = f"{SCHEMA}.kpi_alerts", f"{SCHEMA}.evaluated_inputs"
    alerts_old = "client_brand" not in columns_of(conn, alerts_table)
    inputs_old = "client_brand" not in columns_of(conn, inputs_table)
    if not alerts_old and not inputs_old:
        return
    views = client_views(conn)
    conn.execute("begin transaction")
    try:
        if alerts_old:
            conn.execute(f"alter table {alerts_table} add column client_brand varchar")
            rows = conn.execute(
                f"select alert_id, rule_name, brand, platform, kpi_date from {alerts_table} "
                f"where kpi not in {PIPELINE_KPIS}"
            ).fetchall()
            for old_id, rule_name, brand, platform, kpi_date in rows:
                clients = views.get(brand, set())
                if len(clients) != 1:
                    continue  # a brand no view holds, or a competitor already in several sets: no client to tell
                (client,) = clients
                new_id = alert_id(rule_name, brand, platform, kpi_date, client)
                conn.execute(
                    f"update {alerts_table} set client_brand = ?, alert_id = ? where alert_id = ?",
                    [client, new_id, old_id],
                )
                if new_id != old_id:
                    conn.execute(f"update {SCHEMA}.deliveries set alert_id = ? where alert_id = ?", [new_id, old_id])
        if inputs_old:
            clients = sorted(set().union(*views.values())) if views else []
            conn.execute(f"alter table {inputs_table} rename to evaluated_inputs_before_clients")
            conn.execute(DDL[-1])
            conn.execute(
                f"insert into {inputs_table} select c.client_brand, i.kpi, i.platform, i.metric_date, i.fingerprint, "
                f"i.evaluated_at from {SCHEMA}.evaluated_inputs_before_clients i "
                "cross join (select unnest(?::varchar[]) as client_brand) c",
                [clients],
            )
            conn.execute(f"drop table {SCHEMA}.evaluated_inputs_before_clients")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def require_client_views(conn: duckdb.DuckDBPyConnection) -> None:
    """Alerts are evaluated per client: a mart built by a single-brand release (no client_brand) must be rebuilt
    first, or the evaluation would have no client to tell."""
    if table_exists(conn, KPI_TABLE) and "client_brand" not in columns_of(conn, KPI_TABLE):
        raise WarehouseError(
            f"{KPI_TABLE} has no client_brand column: it was built by an earlier socialpulse release. Rebuild the "
            "marts (socialpulse run, or materialize marts/fct_kpi_daily with a full refresh) before evaluating "
            "alerts; the alerts stored so far are kept."
        )


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
    """A fingerprint of every (client brand, kpi, platform, day) of the mart for these KPIs: the values, ratio parts
    and samples of the brands in that client's view, rounded so that the last bits of a re-summed double do not
    count as a change. One client's new numbers never make another client's days be evaluated again."""
    kpi_list = sorted(set(kpis))
    if not kpi_list or not table_exists(conn, KPI_TABLE):
        return {}
    placeholders = ", ".join("?" for _ in kpi_list)
    rows = conn.execute(
        f"""
        select client_brand, kpi, platform, metric_date, md5(string_agg(
            concat_ws('|', brand, coalesce(round(value, 6)::varchar, '-'), coalesce(round(numerator, 6)::varchar, '-'),
                coalesce(round(denominator, 6)::varchar, '-'), coalesce(sample_size::varchar, '-')),
            ';' order by brand
        ))
        from {KPI_TABLE}
        where kpi in ({placeholders})
        group by client_brand, kpi, platform, metric_date
        """,
        kpi_list,
    ).fetchall()
    return {(client, kpi, platform, day): fingerprint for client, kpi, platform, day, fingerprint in rows}


def evaluated_inputs(conn: duckdb.DuckDBPyConnection) -> dict[InputKey, str]:
    """The fingerprint of each (client brand, kpi, platform, day) as it was when the dates it feeds were last
    evaluated."""
    if not table_exists(conn, f"{SCHEMA}.evaluated_inputs"):
        return {}
    rows = conn.execute(
        f"select client_brand, kpi, platform, metric_date, fingerprint from {SCHEMA}.evaluated_inputs"
    ).fetchall()
    return {(client, kpi, platform, day): fingerprint for client, kpi, platform, day, fingerprint in rows}


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
                    baseline, change_pct, robust_deviations, sample_size, severity, first_seen_at, message,
                    client_brand)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                    alert.client_brand,
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
                [(*key, fingerprint) for key, fingerprint in inputs.items()],
                schema={
                    "client_brand": pl.Utf8,
                    "kpi": pl.Utf8,
                    "platform": pl.Utf8,
                    "metric_date": pl.Date,
                    "fingerprint": pl.Utf8,
                },
                orient="row",
            )
            conn.register("evaluated_inputs_incoming", frame.to_arrow())
            try:
                conn.execute(
                    f"insert or replace into {SCHEMA}.evaluated_inputs "
                    "select client_brand, kpi, platform, metric_date, fingerprint, ? from evaluated_inputs_incoming",
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
    client_brand: str | None


def due_deliveries(conn: duckdb.DuckDBPyConnection, *, now: datetime, max_attempts: int) -> list[DueDelivery]:
    """Deliveries never tried, or failed and due for a retry, oldest alert first."""
    rows = conn.execute(
        f"""
        select d.alert_id, d.channel, d.attempts, a.rule_name, a.kpi, a.brand, a.platform, a.kpi_date, a.value,
               a.baseline, a.change_pct, a.robust_deviations, a.sample_size, a.severity, a.first_seen_at,
               a.message, a.client_brand
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
