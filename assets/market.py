"""Ingest assets of market intelligence: competitor profiles, brand mentions and trends (groups
`competitors`, `mentions`, `trends`), generated from the market source catalog."""

import logging

from assets.ingest import Batch, ClientIngestion, SourceDescription, build_ingest_asset
from pipelines.partitions import DateWindow
from pipelines.resources import PlatformApiResource


class MarketIngestion(ClientIngestion):
    """Adapts a MarketSource to the ingest factory: snapshot tables replace the window's last day."""

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]:
        specs = {spec.name: spec for spec in self.client.tables}
        rows_by_table = self.client.read(window.start, window.end)
        batches = {}
        for table, rows in rows_by_table.items():
            if table not in tables:
                continue
            replaced = DateWindow(window.end, window.end) if specs[table].is_snapshot else window
            batches[table] = Batch(rows=rows, window=replaced)
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
    return SourceDescription(
        name=source_cls.name,
        group=source_cls.group,
        title=source_cls.title,
        tables={spec.name: spec for spec in source_cls.tables},
        source_label=f"api:{source_cls.name}",
        open=open_source,
        kinds=frozenset({platform if platform != "x" else "twitter"}),
    )


def build_market_assets() -> list:
    from pipelines.market.catalog import MARKET_SOURCES

    return [build_ingest_asset(market_source_description(cls)) for cls in MARKET_SOURCES]
