"""`reports/marketing_reports`: each client brand's weekly and monthly report (HTML and PDF) in
`reports/<client slug>/`, and `reports/index.html` listing every client.

Partition-aware without being partitioned (like the dbt assets): a run renders the weeks and months that end
inside its partition window, at most the newest `max_weeks` and `max_months` of them; a run without partitions
(Materialize in the UI) renders the newest complete week and months of the data. A nightly run therefore
renders a weekly report on Sundays and a monthly report on the last day of a month.

A report whose content (data, configuration, renderer) is the same as when its files were written is left as it
is (`reports_unchanged`; still current, listed and in the metadata); the others are drawn in the run's process or
by worker processes (`processes`).
"""

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from assets.dbt import window_from_run_tags
from assets.ingest import WRITER_POOL
from pipelines.config.models import slug
from pipelines.partitions import SINGLE_RUN_BACKFILL
from pipelines.reports import data
from pipelines.reports.content import own_brand_names
from pipelines.reports.periods import periods_ending_within
from pipelines.reports.render import RenderedReport, index_path, write_reports
from pipelines.resources import ConfigurationResource, ReportsResource, WarehouseResource

REPORTS_ASSET_KEY = AssetKey(["reports", "marketing_reports"])
REPORT_COUNTS = ("reports_current", "reports_rendered", "reports_unchanged")  # current = rendered + unchanged
MARTS_READ = (
    "fct_account_daily",
    "fct_brand_daily",
    "fct_posts",
    "fct_share_of_voice",
    "fct_competitor_benchmark",
    "fct_best_time_to_post",
    "fct_content_performance",
    "fct_hashtag_performance",
    "fct_goal_progress",
)


class ReportsConfig(Config):
    """How many reports one run renders (a 400-day backfill would otherwise render 57 weeks and 13 months)."""

    max_weeks: int = 1
    # Two: the newest complete month and the one before it (`make run` leaves both; on the simulator's data the
    # planted Instagram drop, 60 days before today, always falls in one of them).
    max_months: int = 2
    pdf: bool = True
    processes: int = Field(
        default=1,
        description="Processes that draw the reports: 1 the run's own, N > 1 that many workers, 0 one per core "
        "(worth it on a machine with idle cores; on 2 busy cores the workers' start-up costs more than they save).",
    )


def preview_markdown(rendered: list[RenderedReport]) -> str:
    """The headline KPIs of each report rendered, as a person reads them in the UI."""
    if not rendered:
        return "No week or month ended inside this run's days, so no report was rendered."
    parts = []
    for item in rendered:
        report = item.report
        kept = " (unchanged since its files were written: left as it is)" if item.unchanged else ""
        lines = [
            f"**{report.title}** — `{item.html_path}`{kept}",
            "",
            "| KPI | value | vs previous period | goal |",
            "|---|---|---|---|",
        ]
        lines += [f"| {k.label} | {k.value}{' ⚠' if k.gap else ''} | {k.change} | {k.goal} |" for k in report.kpis]
        lines.append("")
        if report.gaps.any:
            lines.append(f"**Data gaps** ({len(report.gaps.lines)}; numbers marked ⚠ leave them out):")
            lines += [f"- {_escape(line)}" for line in report.gaps.lines]
        else:
            lines.append("**Data gaps**: none, every account was read on every day of the period.")
        lines.append("")
        lines.append(f"{report.alerts_count} alert(s) in the period; coverage notes: {len(report.coverage)}")
        lines += [f"- *{note.level}*: {note.text}" for note in report.coverage[:6]]
        parts.append("\n".join(lines))
    return "\n\n---\n\n".join(parts)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def client_metadata(rendered: list[RenderedReport], clients: list[str]) -> dict:
    """Per client: how many reports this run rendered, its newest report and how many gaps it states (numeric, so
    the Plots tab shows a client's gaps night after night)."""
    metadata: dict = {
        "clients": MetadataValue.int(len(clients)),
        "client_list": MetadataValue.md("\n".join(f"- {client} → `{slug(client)}/`" for client in clients)),
    }
    for client in clients:
        own = [r for r in rendered if r.report.brand == client]
        if not own:
            continue
        newest = max(own, key=lambda r: (r.report.period.end, r.report.period.days))
        client_slug = slug(client)
        metadata[f"{client_slug}_latest_report"] = MetadataValue.path(str(newest.html_path))
        metadata[f"{client_slug}_data_gaps"] = MetadataValue.int(len(newest.report.gaps.lines))
        metadata[f"{client_slug}_open_ingest_failures"] = MetadataValue.int(len(newest.report.gaps.failures))
    return metadata


@asset(
    key=REPORTS_ASSET_KEY,
    group_name="reports",
    deps=[AssetKey(["marts", name]) for name in MARTS_READ] + [AssetKey(["alerts", "kpi_alerts"])],
    backfill_policy=SINGLE_RUN_BACKFILL,
    pool=WRITER_POOL,  # it opens the warehouse file: one process at a time
    kinds={"html", "pdf"},
    description="Weekly and monthly reports for marketers, one per client brand (own: true in brands.yaml), each "
    "with the client's own accounts and its competitive set only: headline KPIs against the previous period and "
    "the goals, the data gaps (what could not be read, since when and why; days without data; the numbers they "
    "touch are marked), trends per platform, top and bottom posts, share of voice, competitors, best time to "
    "post, formats and hashtags, goal pace, the period's alerts and what the data does not cover. Self-contained "
    "HTML (open it in any browser, forward it) and PDF in reports/<client>/, every client listed in "
    "reports/index.html. A run renders the weeks and months that end inside its days (at most the newest week "
    "and two months); Materialize without a partition renders the newest complete ones. A report whose data is "
    "unchanged since its files were written is left as it is (reports_unchanged).",
)
def marketing_reports(
    context: AssetExecutionContext,
    config: ReportsConfig,
    warehouse: WarehouseResource,
    reports: ReportsResource,
    configuration: ConfigurationResource,
) -> MaterializeResult:
    settings = configuration.settings()
    brands = configuration.brands()
    clients = own_brand_names(brands)
    window = window_from_run_tags(context.run.tags)
    with warehouse.connect(read_only=True) as conn:
        latest = data.latest_data_date(conn)
        if latest is None:
            context.log.warning("no own-account data in the warehouse yet: no report rendered")
            return MaterializeResult(metadata={name: MetadataValue.int(0) for name in REPORT_COUNTS})
        first, last = (window.start, window.end) if window else (settings.partitions_start_date, latest)
        periods = periods_ending_within("week", first, last, config.max_weeks) + periods_ending_within(
            "month", first, last, config.max_months
        )
        context.log.info(f"rendering {len(periods)} period(s) ending in {first}..{last}: {[p.slug for p in periods]}")
        rendered = write_reports(
            conn,
            clients,
            periods,
            reports.folder,
            brands_config=brands,
            timezone=settings.timezone,
            with_pdf=config.pdf,
            processes=config.processes,
        )
    unchanged = sum(1 for item in rendered if item.unchanged)
    context.log.info(f"{len(rendered)} current report(s): {len(rendered) - unchanged} rendered, {unchanged} unchanged")
    metadata: dict = {
        "reports_current": MetadataValue.int(len(rendered)),
        "reports_rendered": MetadataValue.int(len(rendered) - unchanged),
        "reports_unchanged": MetadataValue.int(unchanged),
        "folder": MetadataValue.path(str(reports.folder)),
        "index": MetadataValue.path(str(index_path(reports.folder))),
        "preview": MetadataValue.md(preview_markdown(rendered)),
        **client_metadata(rendered, clients),
    }
    for item in rendered:
        name = f"{slug(item.report.brand)}_{item.report.period.adjective}_{item.report.period.slug}"
        metadata[f"{name}_html"] = MetadataValue.path(str(item.html_path))
        if item.pdf_path:
            metadata[f"{name}_pdf"] = MetadataValue.path(str(item.pdf_path))
    for grain in ("weekly", "monthly"):
        latest_of = [r for r in rendered if r.report.period.adjective == grain]
        if latest_of:
            newest = max(latest_of, key=lambda r: r.report.period.end)
            metadata[f"latest_{grain}_report"] = MetadataValue.path(str(newest.html_path))
            metadata[f"latest_{grain}_alerts"] = MetadataValue.int(newest.report.alerts_count)
    return MaterializeResult(metadata=metadata)
