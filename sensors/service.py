"""Evaluate the rules over new dates and deliver what is due: the one code path of the sensor and `make run`."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb
import polars as pl

from sensors import alert_store
from sensors.channels import Channel, DeliveryError, Notification
from sensors.evaluation import READ_COLUMNS, Alert, evaluate_rules, format_value, influence_days, subject
from sensors.rules import KPI_LABELS, AlertConfig, AlertRule

logger = logging.getLogger("socialpulse.alerts")

KPI_ASSET_PATH = ("marts", "fct_kpi_daily")
RUN_FAILURE_KPI = "run_failure"  # alerts.kpi_alerts rows of failed runs (sensors.run_failure)
FRESHNESS_KPI = "data_freshness"  # rows of stale raw tables (sensors.freshness)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # failed this tick, will be retried
    gave_up: int = 0  # failed this tick and reached max_attempts
    skipped: int = 0  # channel not configured
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.gave_up


@dataclass
class EvaluationResult:
    dates_evaluated: list[date]
    alerts_raised: list[Alert]  # new this time; an alert seen before is never raised again
    alerts_found: int  # firings found, including ones already raised earlier
    delivery: DeliveryReport
    rules_evaluated: int = 0
    dates_rechecked: list[date] = field(default_factory=list)  # evaluated before; their inputs changed since

    @property
    def new_dates(self) -> list[date]:
        rechecked = set(self.dates_rechecked)
        return [d for d in self.dates_evaluated if d not in rechecked]

    @property
    def evaluated_through(self) -> date | None:
        return max(self.dates_evaluated) if self.dates_evaluated else None

    def summary_lines(self) -> list[str]:
        """For the `make run` summary: what was evaluated and every alert raised."""
        if self.dates_evaluated:
            span = f"{min(self.dates_evaluated)} .. {max(self.dates_evaluated)}"
            rechecked = (
                f", {len(self.dates_rechecked)} of them re-checked because their inputs changed"
                if self.dates_rechecked
                else ""
            )
            head = (
                f"KPI alerts: {self.rules_evaluated} rules over {len(self.dates_evaluated)} dates ({span}"
                f"{rechecked}): {len(self.alerts_raised)} new alert(s)"
            )
        else:
            head = "KPI alerts: no new dates to evaluate"
        if self.alerts_found > len(self.alerts_raised):
            head += f", {self.alerts_found - len(self.alerts_raised)} already raised before"
        lines = [head]
        for alert in self.alerts_raised:
            change = f"{alert.change_pct:+.1f}%" if alert.change_pct is not None else "below floor"
            baseline = format_value(alert.kpi, alert.baseline) if alert.baseline is not None else "-"
            lines.append(
                f"  {alert.kpi_date}  {alert.severity:<8} {alert.rule_name:<24} "
                f"{subject(alert.brand, alert.client_brand)} / {alert.platform}: "
                f"{format_value(alert.kpi, alert.value)} vs {baseline} ({change})"
            )
        report = self.delivery
        if report.attempted or report.skipped:
            lines.append(
                f"  deliveries: {report.delivered} delivered, {report.failed} failed (will retry), "
                f"{report.gave_up} failed for good, {report.skipped} skipped (channel not configured)"
            )
        return lines


@dataclass
class EvaluationPlan:
    """What to evaluate: per (rule, client brand, platform) the dates whose inputs are new or changed since they
    were evaluated, and the input fingerprints to remember once they are."""

    scope: dict[tuple[str, str, str], set[date]]
    inputs: dict[alert_store.InputKey, str]
    rechecked: set[date]

    @property
    def dates(self) -> list[date]:
        return sorted(set().union(*self.scope.values())) if self.scope else []


def plan_evaluation(
    conn: duckdb.DuckDBPyConnection, rules: Iterable[AlertRule], *, settle_days: int = 0
) -> EvaluationPlan:
    """Late data is re-evaluated: a (client, kpi, platform, day) whose values differ from what the last evaluation
    saw (a platform backfilled, Meta finalizing a number 48 h later) makes every date it feeds be evaluated again,
    in that client's view, for each rule reading that KPI on that platform (`influence_days`). The newest
    `settle_days` days of each client's KPI and platform are left for a later evaluation while they still move.
    Alert ids make a re-check raise nothing twice.
    """
    rules = list(rules)
    kpis = {rule.kpi for rule in rules} | {rule.sample_kpi for rule in rules if rule.sample_kpi}
    current = alert_store.input_fingerprints(conn, kpis)
    stored = alert_store.evaluated_inputs(conn)
    newest: dict[tuple[str, str, str], date] = {}
    for client, kpi, platform, day in current:
        if day > newest.get((client, kpi, platform), date.min):
            newest[(client, kpi, platform)] = day
    settled = {
        key: fingerprint
        for key, fingerprint in current.items()
        if key[3] <= newest[key[:3]] - timedelta(days=settle_days)
    }
    changed: dict[tuple[str, str, str], list[date]] = {}
    series: dict[tuple[str, str, str], list[date]] = {}
    for key, fingerprint in settled.items():
        series.setdefault(key[:3], []).append(key[3])
        if stored.get(key) != fingerprint:
            changed.setdefault(key[:3], []).append(key[3])
    scope: dict[tuple[str, str, str], set[date]] = {}
    for rule in rules:
        reach = influence_days(rule)
        for kpi in {rule.kpi, rule.sample_kpi} - {None}:
            for (client, changed_kpi, platform), days in changed.items():
                if changed_kpi != kpi:
                    continue
                affected = _within_reach(series.get((client, rule.kpi, platform), []), days, reach)
                if affected:
                    scope.setdefault((rule.name, client, platform), set()).update(affected)
    inputs = {(*series_key, day): settled[(*series_key, day)] for series_key, days in changed.items() for day in days}
    evaluated_before = alert_store.evaluated_dates(conn)
    plan = EvaluationPlan(scope=scope, inputs=inputs, rechecked=set())
    plan.rechecked = {day for day in plan.dates if day in evaluated_before}
    return plan


def _within_reach(candidates: Iterable[date], changed: Iterable[date], reach: int) -> set[date]:
    """The candidate days d with a changed day c such that c <= d <= c + reach."""
    marks = sorted(changed)
    out: set[date] = set()
    for day in candidates:
        index = bisect.bisect_right(marks, day) - 1
        if index >= 0 and (day - marks[index]).days <= reach:
            out.add(day)
    return out


def read_kpi_frame(conn: duckdb.DuckDBPyConnection, kpis: Iterable[str], *, until: date | None = None) -> pl.DataFrame:
    """Rows of `marts.fct_kpi_daily` for the rules' KPIs (all history up to `until`: baselines need it)."""
    kpi_list = sorted(set(kpis))
    columns = ", ".join(READ_COLUMNS)
    if not kpi_list:
        return pl.DataFrame(schema={c: pl.Null for c in READ_COLUMNS})
    placeholders = ", ".join("?" for _ in kpi_list)
    query = f"select {columns} from {alert_store.KPI_TABLE} where kpi in ({placeholders})"
    params: list[object] = list(kpi_list)
    if until is not None:
        query += " and metric_date <= ?"
        params.append(until)
    return conn.sql(query, params=params).pl()


def asset_link(config: AlertConfig, path: Iterable[str] = KPI_ASSET_PATH) -> str:
    return f"{config.ui_url}/assets/{'/'.join(path)}"


def run_failure_alert_id(run_id: str) -> str:
    """The alert id of a failed run: the run id itself, readable and the same key on every path."""
    return f"{RUN_FAILURE_KPI}:{run_id}"


def _suffix(value: str, prefix: str) -> str:
    return value[len(prefix) + 1 :] if value.startswith(f"{prefix}:") else value


def _run_failure_notification(row: alert_store.DueDelivery | Alert, config: AlertConfig) -> Notification:
    run_id = _suffix(row.alert_id, RUN_FAILURE_KPI)
    job_name = _suffix(row.rule_name, RUN_FAILURE_KPI)
    return Notification(
        key=row.alert_id,
        kind=RUN_FAILURE_KPI,
        title=f"Run failed: {job_name}",
        text=row.message,
        severity=row.severity,
        link=f"{config.ui_url}/runs/{run_id}",
        link_label="Open the run in Dagster",
        fields={"Job": job_name, "Run": run_id, "Date": row.kpi_date.isoformat(), "Severity": row.severity},
        data={
            "alert_id": row.alert_id,
            "run_id": run_id,
            "job_name": job_name,
            "run_date": row.kpi_date.isoformat(),
            "severity": row.severity,
            "message": row.message,
        },
    )


def _freshness_notification(row: alert_store.DueDelivery | Alert, config: AlertConfig) -> Notification:
    table = _suffix(row.rule_name, FRESHNESS_KPI)
    allowed = f"{row.baseline:g} day(s)" if row.baseline is not None else "n/a"
    lag = f"{row.value:g} day(s)" if row.value is not None else "no data loaded"
    return Notification(
        key=row.alert_id,
        kind=FRESHNESS_KPI,
        title=f"Stale data: {table} ({row.platform})",
        text=row.message,
        severity=row.severity,
        link=asset_link(config, table.split(".")),
        link_label=f"Open {table.replace('.', '/')} in Dagster",
        fields={
            "Table": table,
            "Platform": row.platform,
            "Newest data": row.kpi_date.isoformat() if row.value is not None else "none",
            "Lag": lag,
            "Allowed": allowed,
            "Severity": row.severity,
        },
        data={
            "alert_id": row.alert_id,
            "rule_name": row.rule_name,
            "table": table,
            "platform": row.platform,
            "kpi_date": row.kpi_date.isoformat(),
            "lag_days": row.value,
            "max_lag_days": row.baseline,
            "severity": row.severity,
        },
    )


def alert_notification(row: alert_store.DueDelivery | Alert, config: AlertConfig) -> Notification:
    """The message for one stored alert (rebuilt from the table on every retry): a KPI alert, a failed run
    or a stale raw table, each with its own title, fields and link."""
    if row.kpi == RUN_FAILURE_KPI:
        return _run_failure_notification(row, config)
    if row.kpi == FRESHNESS_KPI:
        return _freshness_notification(row, config)
    label = KPI_LABELS.get(row.kpi, row.kpi)
    where = "all platforms" if row.platform == "all" else row.platform
    if row.change_pct is not None:
        movement = f"{'down' if row.change_pct < 0 else 'up'} {abs(row.change_pct):.1f}%"
    else:
        movement = "below its floor"
    who = subject(row.brand, row.client_brand)
    title = f"{label} {movement}: {who} on {where}, {row.kpi_date.isoformat()}"
    fields = {
        "Value": format_value(row.kpi, row.value),
        "Baseline": format_value(row.kpi, row.baseline),
        "Change": f"{row.change_pct:+.1f}%" if row.change_pct is not None else "n/a",
    }
    if row.robust_deviations is not None:
        fields["Robust deviations"] = f"{row.robust_deviations:+.1f}"
    if row.sample_size is not None:
        fields["Sample"] = str(row.sample_size)
    if row.client_brand and row.client_brand != row.brand:
        fields["Client"] = row.client_brand
    fields.update({"Rule": row.rule_name, "Severity": row.severity, "Date": row.kpi_date.isoformat()})
    return Notification(
        key=row.alert_id,
        kind="kpi_alert",
        title=title,
        text=row.message,
        severity=row.severity,
        link=asset_link(config),
        link_label="Open marts/fct_kpi_daily in Dagster",
        fields=fields,
        data={
            "alert_id": row.alert_id,
            "rule_name": row.rule_name,
            "kpi": row.kpi,
            "client_brand": row.client_brand,
            "brand": row.brand,
            "platform": row.platform,
            "kpi_date": row.kpi_date.isoformat(),
            "value": row.value,
            "baseline": row.baseline,
            "change_pct": row.change_pct,
            "robust_deviations": row.robust_deviations,
            "sample_size": row.sample_size,
            "severity": row.severity,
        },
    )


def deliver_due(
    conn: duckdb.DuckDBPyConnection,
    config: AlertConfig,
    channels: Mapping[str, Channel],
    *,
    now: datetime | None = None,
    log: logging.Logger | None = None,
) -> DeliveryReport:
    """Attempt every delivery that is pending or due for a retry; record each outcome at once.

    A failure is retried on later calls with exponential backoff until `delivery.max_attempts`, then it stays
    `failed`. Each outcome is committed right after the attempt, so a crash never re-sends a delivered alert
    that was recorded, and never loses one that was not.
    """
    log = log or logger
    moment = now or datetime.now(UTC)
    policy = config.delivery
    report = DeliveryReport()
    for due in alert_store.due_deliveries(conn, now=moment, max_attempts=policy.max_attempts):
        channel = channels.get(due.channel)
        reason = (
            channel.not_configured_reason()
            if channel is not None
            else f"channel {due.channel!r} is no longer defined in kpi_alerts.yaml"
        )
        if channel is None or reason:
            alert_store.mark_skipped(conn, due.alert_id, due.channel, reason=reason or "not configured")
            report.skipped += 1
            continue
        try:
            channel.send(alert_notification(due, config))
        except DeliveryError as exc:
            attempts = due.attempts + 1
            if attempts >= policy.max_attempts:
                retry_at = None
                report.gave_up += 1
                error = f"{exc} (gave up after {attempts} attempts)"
            else:
                retry_at = moment + timedelta(seconds=policy.delay_after(attempts))
                report.failed += 1
                error = str(exc)
            alert_store.mark_failed(conn, due.alert_id, due.channel, now=moment, error=error, next_attempt_at=retry_at)
            report.errors.append(f"{due.channel}: {error}")
            log.warning("alert %s via %s failed (attempt %d): %s", due.alert_id, due.channel, attempts, error)
            continue
        alert_store.mark_delivered(conn, due.alert_id, due.channel, now=moment)
        report.delivered += 1
    return report


def evaluate_and_deliver(
    conn: duckdb.DuckDBPyConnection,
    config: AlertConfig,
    channels: Mapping[str, Channel],
    dates: Iterable[date] | None = None,
    *,
    log: logging.Logger | None = None,
    now: datetime | None = None,
) -> EvaluationResult:
    """Evaluate every active rule on `dates` (None: every date whose inputs are new or changed since they were
    evaluated, see `plan_evaluation`), store the new alerts in `alerts.kpi_alerts` and deliver everything due
    (new alerts and retries). Each client's alerts also go to its channels (`config.client_channels`).

    `conn` must be writable. Running it again over the same dates raises nothing new: alert ids are
    deterministic and inserted at most once.
    """
    log = log or logger
    moment = now or datetime.now(UTC)
    alert_store.ensure_schema(conn)
    alert_store.require_client_views(conn)
    rules = config.active_rules
    scope: dict[tuple[str, str], set[date]] | None = None
    inputs: dict[alert_store.InputKey, str] = {}
    rechecked: set[date] = set()
    if dates is None:
        plan = plan_evaluation(conn, rules, settle_days=config.evaluation.settle_days)
        todo, scope, inputs, rechecked = plan.dates, plan.scope, plan.inputs, plan.rechecked
    else:
        todo = sorted(set(dates))
    alerts: list[Alert] = []
    if todo and rules and alert_store.table_exists(conn, alert_store.KPI_TABLE):
        kpis = {rule.kpi for rule in rules} | {rule.sample_kpi for rule in rules if rule.sample_kpi}
        frame = read_kpi_frame(conn, kpis, until=max(todo))
        alerts = evaluate_rules(frame, rules, todo, scope=scope, client_channels=config.client_channels)
    elif todo and not alert_store.table_exists(conn, alert_store.KPI_TABLE):
        todo = []
    new = alert_store.insert_alerts(conn, alerts, now=moment, evaluated=todo, inputs=inputs)
    for alert in new:
        log.info("new KPI alert %s: %s", alert.alert_id, alert.message)
    report = deliver_due(conn, config, channels, now=moment, log=log)
    return EvaluationResult(
        dates_evaluated=todo,
        alerts_raised=new,
        alerts_found=len(alerts),
        delivery=report,
        rules_evaluated=len(rules),
        dates_rechecked=sorted(rechecked),
    )
