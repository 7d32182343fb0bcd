"""Ingest assets of market intelligence: competitor profiles, brand mentions and trends (groups
`competitors`, `mentions`, `trends`), generated from the market source catalog."""

import logging

from assets.ingest import Batch, ClientIngestion, SourceDescription, build_ingest_asset
from pipelines.partitions import DateWindow, observation_day
from pipelines.resources import PlatformApiResource


class MarketIngestion(ClientIngestion):
    """Adapts a MarketSource to the ingest factory. Snapshot tables (competitor profiles and posts: what the
    platform shows when it is read) are written on the observation day, whatever day the source was asked to end
    on, so a backfill of old days never gives them a value read today."""

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]:
        specs = {spec.name: spec for spec in self.client.tables}
        rows_by_table = self.client.read(window.start, window.end)
        observed = observation_day(window, self.client.context.today)
        batches = {}
        for table, rows in rows_by_table.items():
            if table not in tables:
                continue
            spec = specs[table]
            if spec.is_snapshot:
                rows = [{**row, spec.partition_column: observed} for row in rows]
                batches[table] = Batch(rows=rows, window=DateWindow(observed, observed))
            else:
                batches[table] = Batch(rows=rows, window=window)
        return batches


def market_source_description(source_cls) -> SourceDescription:
    def open_source(api: PlatformApiResource, log: logging.Logger) -> MarketIngestion | None:
        missing = api.missing_credentials(tuple(source_cls.credentials))
        if missing:
            log.warning(f"{source_cls.name}: no token in {', '.join(missing)}; source skipped (production mode)")
            return None
        context = api.client_context(dict(source_cls.api_bases), tuple(source_cls.credentials), log=log)
        source = source_cls(context, api.brands())
        if hasattr(source, "rewrite"):
            source.rewrite = api.rewrite
        return MarketIngestion(source)

    platform = source_cls.name.split("_")[0]
    kind = {"x": "twitter", "google": "googleanalytics"}.get(platform, platform)
    return SourceDescription(
        name=source_cls.name,
        group=source_cls.group,
        title=source_cls.title,
        tables={spec.name: spec for spec in source_cls.tables},
        source_label=f"api:{source_cls.name}",
        open=open_source,
        kinds=frozenset({kind}),
    )


def build_market_assets() -> list:
    from pipelines.market.catalog import MARKET_SOURCES

    return [build_ingest_asset(market_source_description(cls)) for cls in MARKET_SOURCES]


def build_analytics_assets() -> list:
    """The web analytics sources (GA4), read through the same adapter and factory as the market sources."""
    from pipelines.analytics.catalog import ANALYTICS_SOURCES

    return [build_ingest_asset(market_source_description(cls)) for cls in ANALYTICS_SOURCES]
