"""`alerts/kpi_alerts`: the alert rules evaluated inside the run, right after the KPIs are built, so the alerts
are in Dagster (metadata, a warning check, search "alert") and in the reports rendered by the same run.

It runs the one evaluation path of the sensor and `socialpulse alerts` (sensors.service.evaluate_and_deliver):
an alert is raised once whoever evaluates first; the kpi_alert_sensor then finds the dates evaluated and only
retries deliveries.
"""

import datetime as dt
from collections.abc import Iterator

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.dbt import window_from_run_tags
from assets.ingest import WRITER_POOL
from pipelines.partitions import SINGLE_RUN_BACKFILL
from pipelines.reports import data
from pipelines.resources import WarehouseResource
from sensors.resources import AlertingResource
from sensors.service import KPI_ASSET_PATH, evaluate_and_deliver

ALERTS_ASSET_KEY = AssetKey(["alerts", "kpi_alerts"])
CHECK_NAME = "no_warning_alerts_in_window"
RECENT_DAYS = 28  # the window shown when the run has no partitions
MAX_LISTED = 40


def alerts_markdown(alerts: pl.DataFrame, limit: int = MAX_LISTED) -> str:
    """The alerts as a Markdown table a person reads in the UI (newest first)."""
    if alerts.height == 0:
        return "No alert was raised on these days."
    lines = ["| day | severity | brand | platform | what happened |", "|---|---|---|---|---|"]
    for row in alerts.sort("kpi_date", descending=True).head(limit).to_dicts():
        message = str(row["message"]).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {row['kpi_date']} | {row['severity']} | {row['brand']} | {row['platform']} | {message} |")
    if alerts.height > limit:
        lines.append(f"\n… and {alerts.height - limit} more in alerts.kpi_alerts")
    return "\n".join(lines)


@asset(
    key=ALERTS_ASSET_KEY,
    group_name="alerts",
    deps=[AssetKey(list(KPI_ASSET_PATH))],
    backfill_policy=SINGLE_RUN_BACKFILL,
    pool=WRITER_POOL,
    kinds={"duckdb"},
    check_specs=[
        AssetCheckSpec(
            CHECK_NAME,
            asset=ALERTS_ASSET_KEY,
            description="Warns when a warning or critical KPI alert was raised on the days of the run.",
        )
    ],
    description="KPI alerts: the days your engagement, reach, views, followers, posting or share of voice fell "
    "out of their usual range (rules in kpi_alerts.yaml), listed in this asset's metadata and in the table "
    "alerts.kpi_alerts, and sent to the rules' channels. Evaluated on every run right after "
    "marts/fct_kpi_daily; the check turns yellow when a warning or critical alert was raised.",
)
def kpi_alerts(
    context: AssetExecutionContext, warehouse: WarehouseResource, alerting: AlertingResource
) -> Iterator[MaterializeResult | AssetCheckResult]:
    config = alerting.load_config()
    channels = alerting.build_channels(config, log=context.log)
    window = window_from_run_tags(context.run.tags)
    with warehouse.connect() as conn:
        result = evaluate_and_deliver(conn, config, channels, log=context.log)
        through = data.alerts_evaluated_through(conn)
        if window is not None:
            start, end = window.start, window.end
        else:
            end = through or dt.date.today()
            start = end - dt.timedelta(days=RECENT_DAYS - 1)
        shown = data.alerts_between(conn, start, end)
        (total,) = conn.execute(f"select count(*) from {data.ALERTS_TABLE}").fetchone()
    for line in result.summary_lines():
        context.log.info(line)
    severities = shown["severity"].value_counts().to_dicts() if shown.height else []
    by_severity = {row["severity"]: row["count"] for row in severities}
    yield MaterializeResult(
        metadata={
            "alerts_in_window": MetadataValue.int(shown.height),
            "alerts_raised_now": MetadataValue.int(len(result.alerts_raised)),
            "alerts_total": MetadataValue.int(int(total)),
            "critical": MetadataValue.int(by_severity.get("critical", 0)),
            "warning": MetadataValue.int(by_severity.get("warning", 0)),
            "info": MetadataValue.int(by_severity.get("info", 0)),
            "window": f"{start}..{end}",
            "dates_evaluated_now": MetadataValue.int(len(result.dates_evaluated)),
            "evaluated_through": str(through) if through else "never",
            "alerts": MetadataValue.md(f"**Alerts on {start} .. {end}**\n\n" + alerts_markdown(shown)),
            "table": "alerts.kpi_alerts",
        }
    )
    serious = shown.filter(pl.col("severity").is_in(["warning", "critical"])) if shown.height else shown
    yield AssetCheckResult(
        check_name=CHECK_NAME,
        passed=serious.height == 0,
        severity=AssetCheckSeverity.WARN,
        description=f"{serious.height} warning or critical alert(s) on {start} .. {end}",
        metadata={"alerts": MetadataValue.md(alerts_markdown(serious)), "count": MetadataValue.int(serious.height)},
    )
