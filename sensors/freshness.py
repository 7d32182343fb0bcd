"""Data freshness checks for raw tables: a platform whose newest data lags is usually an expired token.

A load can succeed with zero rows (the API answers, but for an expired token some return empty pages), so the
check looks at the newest date *in the table*, not at when the asset last ran. It compares it with the freshest
of the checked tables (one platform falling behind the others) and, in production mode, with today.
A stale table fails the check (severity WARN) and raises one alert per table and newest date through the
same store and channels as KPI alerts. Dates after tomorrow are ignored (and counted in the check's metadata):
one future-dated row is an outlier, and taken as the freshest date it would make every other table stale.
Within a table each account is compared with the table's freshest one too: an agency's table holds every
client's accounts, and one client's expired token leaves its account behind while the table looks fresh.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    asset_check,
)

from pipelines.errors import WarehouseError
from pipelines.resources import WarehouseResource
from sensors import alert_store
from sensors.evaluation import Alert, alert_id
from sensors.resources import AlertingResource
from sensors.rules import AlertConfig
from sensors.service import FRESHNESS_KPI, deliver_due


@dataclass(frozen=True)
class Freshness:
    table: str  # the table, or "<table> for <brand> (account <id>)" for one account of it
    newest: date | None
    lag_vs_peers: int | None
    lag_vs_today: int | None
    max_lag_days: int
    brand: str | None = None
    account_id: str | None = None

    @property
    def stale(self) -> bool:
        if self.newest is None:
            return True
        lags = [lag for lag in (self.lag_vs_peers, self.lag_vs_today) if lag is not None]
        return any(lag > self.max_lag_days for lag in lags)

    @property
    def lag(self) -> int | None:
        lags = [lag for lag in (self.lag_vs_peers, self.lag_vs_today) if lag is not None]
        return max(lags) if lags else None

    def describe(self) -> str:
        if self.newest is None:
            return f"{self.table} has no data"
        parts = [f"newest data in {self.table} is {self.newest.isoformat()}"]
        if self.lag_vs_peers is not None:
            parts.append(f"{self.lag_vs_peers} day(s) behind the freshest source")
        if self.lag_vs_today is not None:
            parts.append(f"{self.lag_vs_today} day(s) before today")
        return ", ".join(parts) + f" (allowed: {self.max_lag_days})"


def assess_freshness(
    newest: Mapping[str, date | None], *, max_lag_days: int, today: date | None = None
) -> dict[str, Freshness]:
    """Pure: the freshness of each table given its newest date, the other tables' and (optionally) today."""
    dates = [d for d in newest.values() if d is not None]
    freshest = max(dates) if dates else None
    result: dict[str, Freshness] = {}
    for table, latest in newest.items():
        result[table] = Freshness(
            table=table,
            newest=latest,
            lag_vs_peers=(freshest - latest).days if latest and freshest else None,
            lag_vs_today=(today - latest).days if latest and today else None,
            max_lag_days=max_lag_days,
        )
    return result


def account_freshness(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    *,
    max_lag_days: int,
    not_after: date,
    today: date | None = None,
) -> list[Freshness]:
    """Each account of a table against the table's freshest account: one account whose token expired falls
    behind while the others stay fresh (an agency's table holds every client's accounts), so the table's newest
    date alone would hide it. Brands come from the configuration snapshot (raw.socialpulse__brands)."""
    if not alert_store.table_exists(conn, table):
        return []
    schema, name = table.split(".", 1)
    has_account = conn.execute(
        "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name = 'account_id'",
        [schema, name],
    ).fetchone()[0]
    if not has_account:
        return []
    newest = dict(
        conn.execute(
            f"select account_id, max({column})::date from {table} where {column}::date <= ? group by 1",
            [not_after],
        ).fetchall()
    )
    brands: dict[str, str] = {}
    if alert_store.table_exists(conn, "raw.socialpulse__brands"):
        platform = name.split("__")[0]
        brands = dict(
            conn.execute(
                "select account_id, brand from raw.socialpulse__brands where platform = ? and account_id is not null",
                [platform],
            ).fetchall()
        )
    statuses = assess_freshness(newest, max_lag_days=max_lag_days, today=today)
    return [
        Freshness(
            table=f"{table} for {brands.get(account, 'an unknown brand')} (account {account})",
            newest=status.newest,
            lag_vs_peers=status.lag_vs_peers,
            lag_vs_today=status.lag_vs_today,
            max_lag_days=max_lag_days,
            brand=brands.get(account),
            account_id=account,
        )
        for account, status in sorted(statuses.items())
    ]


def table_name(key: AssetKey) -> str:
    """`raw.instagram__account_daily` for AssetKey(["raw", "instagram__account_daily"])."""
    path = key.path
    return ".".join(path[-2:]) if len(path) >= 2 else f"raw.{path[0]}"


def newest_dates(
    conn: duckdb.DuckDBPyConnection, tables: Sequence[str], column: str, *, not_after: date | None = None
) -> dict[str, date | None]:
    """The newest date of each table, ignoring dates after `not_after`: one row dated 2099 (a bad file, a
    clock) must not become the freshest source and make every other table look stale."""
    out: dict[str, date | None] = {}
    for table in tables:
        if not alert_store.table_exists(conn, table):
            out[table] = None
            continue
        if not_after is None:
            row = conn.execute(f"select max({column})::date from {table}").fetchone()
        else:
            row = conn.execute(
                f"select max({column})::date from {table} where {column}::date <= ?", [not_after]
            ).fetchone()
        out[table] = row[0] if row else None
    return out


def future_rows(conn: duckdb.DuckDBPyConnection, table: str, column: str, after: date) -> tuple[int, date | None]:
    """How many rows of `table` are dated after `after`, and the latest such date (reported, not trusted)."""
    if not alert_store.table_exists(conn, table):
        return 0, None
    row = conn.execute(
        f"select count(*), max({column})::date from {table} where {column}::date > ?", [after]
    ).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


# Dates are days of the partition timezone; "today" is taken in UTC, so a local day may be one ahead of it.
FUTURE_SLACK_DAYS = 1


def freshness_alert(status: Freshness, config: AlertConfig, *, today: date) -> Alert:
    platform = status.table.split(" ", 1)[0].split(".")[-1].split("__")[0]
    kpi_date = status.newest or today
    rule = f"{FRESHNESS_KPI}:{status.table}"
    return Alert(
        alert_id=alert_id(rule, "-", platform, kpi_date),
        rule_name=rule,
        kpi=FRESHNESS_KPI,
        brand=status.brand or "-",
        platform=platform,
        kpi_date=kpi_date,
        value=float(status.lag) if status.lag is not None else None,  # never loaded: no lag to show
        baseline=float(status.max_lag_days),
        change_pct=None,
        robust_deviations=None,
        severity=config.freshness.severity,
        message=f"Stale data: {status.describe()}. A silently expired token is the usual cause.",
        channels=tuple(config.freshness.channels),
    )


def record_and_notify(
    conn: duckdb.DuckDBPyConnection,
    stale: Sequence[Freshness],
    config: AlertConfig,
    channels: Mapping[str, object],
    *,
    today: date,
    now: datetime | None = None,
) -> int:
    """Store one alert per stale table and newest date (never twice) and deliver what is due; returns new."""
    alert_store.ensure_schema(conn)
    moment = now or datetime.now(UTC)
    alerts = [freshness_alert(status, config, today=today) for status in stale]
    new = alert_store.insert_alerts(conn, alerts, now=moment)
    deliver_due(conn, config, channels, now=moment)  # type: ignore[arg-type]
    return len(new)


def build_freshness_checks(
    asset_keys: Sequence[AssetKey],
    *,
    max_lag_days: int | None = None,
    date_column: str = "_partition_date",
    compare_to_today: bool | None = None,
    today: Callable[[], date] | None = None,
    pool: str | None = None,
) -> list[AssetChecksDefinition]:
    """One `data_is_fresh` check per raw asset key; each compares its table with the others in `asset_keys`.

    `max_lag_days` defaults to `freshness.max_lag_days` of kpi_alerts.yaml. `compare_to_today` defaults to
    production mode only (the simulator's history may end before today). Needs the `warehouse` and
    `alerting` resources; `pool` should be the writer pool (the check records alerts).
    """
    keys = [AssetKey.from_coercible(key) for key in asset_keys]
    tables = [table_name(key) for key in keys]

    def make(key: AssetKey) -> AssetChecksDefinition:
        own_table = table_name(key)

        @asset_check(
            asset=key,
            name="data_is_fresh",
            description=(
                f"The newest {date_column} in {own_table} is at most N days behind the freshest raw table "
                "(and today in production). Fails with a warning and sends an alert when stale."
            ),
            blocking=False,
            pool=pool,
        )
        def _check(
            context: AssetCheckExecutionContext, warehouse: WarehouseResource, alerting: AlertingResource
        ) -> AssetCheckResult:
            config = alerting.pipeline_config()
            lag_limit = max_lag_days or config.freshness.max_lag_days
            against_today = compare_to_today
            if against_today is None:
                from pipelines.settings import mode

                against_today = mode() == "production"
            current = today() if today else datetime.now(UTC).date()
            latest_possible = current + timedelta(days=FUTURE_SLACK_DAYS)
            with warehouse.connect(read_only=False) as conn:
                newest = newest_dates(conn, tables, date_column, not_after=latest_possible)
                future_count, future_latest = future_rows(conn, own_table, date_column, latest_possible)
                statuses = assess_freshness(newest, max_lag_days=lag_limit, today=current if against_today else None)
                status = statuses[own_table]
                accounts = account_freshness(
                    conn,
                    own_table,
                    date_column,
                    max_lag_days=lag_limit,
                    not_after=latest_possible,
                    today=current if against_today else None,
                )
                stale_accounts = [a for a in accounts if a.stale and not status.stale]
                raised = 0
                if status.stale or stale_accounts:
                    try:
                        raised = record_and_notify(
                            conn,
                            [status] if status.stale else stale_accounts,
                            config,
                            alerting.build_channels(config, log=context.log),
                            today=current,
                        )
                    except (duckdb.Error, WarehouseError) as exc:  # the check result matters more
                        context.log.warning(f"could not record the freshness alert: {exc}")
            description = status.describe()
            if stale_accounts:
                description += "; stale account(s): " + "; ".join(a.describe() for a in stale_accounts)
            if future_count:
                description += (
                    f"; {future_count} row(s) dated after {latest_possible} (up to {future_latest}) ignored: "
                    "a date in the future is a bad input, not fresh data"
                )
            metadata = {
                "future_rows_ignored": future_count,
                "newest_date": status.newest.isoformat() if status.newest else "none",
                "lag_vs_freshest_days": status.lag_vs_peers if status.lag_vs_peers is not None else -1,
                "max_lag_days": lag_limit,
                "alerts_raised": raised,
                "accounts": len(accounts),
                "stale_accounts": len(stale_accounts),
            }
            if status.lag_vs_today is not None:
                metadata["lag_vs_today_days"] = status.lag_vs_today
            return AssetCheckResult(
                passed=not status.stale and not stale_accounts,
                severity=AssetCheckSeverity.WARN,
                description=description,
                metadata=metadata,
            )

        return _check

    return [make(key) for key in keys]
