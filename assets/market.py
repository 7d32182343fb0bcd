"""Ingest assets of market intelligence: competitor profiles, brand mentions and trends (groups
`competitors`, `mentions`, `trends`), generated from the market source catalog."""

import logging
from typing import Any

from assets.ingest import Batch, ClientIngestion, Failure, SourceDescription, build_ingest_asset
from pipelines.config.models import Account, Brand, BrandsConfig
from pipelines.contracts.platforms import PLATFORMS
from pipelines.partitions import DateWindow, observation_day
from pipelines.resources import PlatformApiResource


class MarketIngestion(ClientIngestion):
    """Adapts MarketSources to the ingest factory. Snapshot tables (competitor profiles and posts: what the
    platform shows when it is read) are written on the observation day, whatever day the source was asked to end
    on, so a backfill of old days never gives them a value read today. A source that reads through a client's own
    account (Instagram's business discovery) runs once per client, each with its account's token: one client
    failing (an expired token) loses only the brands read through it."""

    def __init__(self, sources: list[tuple[Any, Brand | None]]) -> None:
        super().__init__(*(source for source, _ in sources))
        self.sources = sources

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]:
        specs = {spec.name: spec for spec in self.client.tables}
        observed = observation_day(window, self.client.context.today)
        rows_by_table: dict[str, list] = {}
        read_any = False
        for source, client in self.sources:
            try:
                for table, rows in source.read(window.start, window.end).items():
                    rows_by_table.setdefault(table, []).extend(rows)
                read_any = True
            except Exception as exc:  # noqa: BLE001 - one client's failure keeps the others' rows
                if client is None:
                    raise
                own = client.accounts.get(source.reads_through_own_account)
                reason = self.describe_error(exc, source)
                self.failures.extend(
                    Failure(table, reason, own.id if own else None, client.name) for table in specs if table in tables
                )
        batches = {}
        if not read_any:
            return batches
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


def sources_per_client(brands: BrandsConfig, platform: str) -> list[tuple[Brand, BrandsConfig]]:
    """For a source reading through a client's own account: each client with an account on `platform`, with the
    brands it reads - itself and those of its competitive set no earlier client reads (a shared competitor is
    read once)."""
    assigned: set[str] = set()
    out = []
    for client in brands.own_brands:
        if platform not in client.accounts:
            continue
        others = [b for b in brands.competitors_of(client) if b.name not in assigned]
        assigned.update(b.name for b in others)
        subset = BrandsConfig(brands=[client, *[b.model_copy(update={"own": False}) for b in others]])
        out.append((client, subset))
    return out


def market_source_description(source_cls) -> SourceDescription:
    def open_source(api: PlatformApiResource, log: logging.Logger) -> MarketIngestion | None:
        def build(brands: BrandsConfig, account: Account | None) -> Any:
            context = api.client_context(
                dict(source_cls.api_bases), tuple(source_cls.credentials), account=account, log=log
            )
            source = source_cls(context, brands)
            source.rewrite = api.rewrite
            return source

        credentials = tuple(source_cls.credentials)
        brands = api.brands()
        through = source_cls.reads_through_own_account
        if through is None:
            missing = api.missing_credentials(credentials)
            if missing:
                log.warning(f"{source_cls.name}: no token in {', '.join(missing)}; source skipped (production mode)")
                return None
            return MarketIngestion([(build(brands, None), None)])
        sources = []
        for client, subset in sources_per_client(brands, through):
            account = client.accounts[through]
            missing = api.missing_credentials(credentials, account)
            if missing:
                log.warning(f"{source_cls.name}: {client.name} skipped: set {', '.join(missing)}")
                continue
            sources.append((build(subset, account), client))
        return MarketIngestion(sources) if sources else None

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
        lane=platform if platform in PLATFORMS else source_cls.name,  # competitors and mentions share the platform's
    )


def build_market_assets() -> list:
    from pipelines.market.catalog import MARKET_SOURCES

    return [build_ingest_asset(market_source_description(cls)) for cls in MARKET_SOURCES]


def build_analytics_assets() -> list:
    """The web analytics sources (GA4), read through the same adapter and factory as the market sources."""
    from pipelines.analytics.catalog import ANALYTICS_SOURCES

    return [build_ingest_asset(market_source_description(cls)) for cls in ANALYTICS_SOURCES]
