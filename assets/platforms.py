"""Ingest assets of the own brand's accounts: one multi-asset per platform, generated from the catalog."""

import logging

from assets.ingest import Batch, ClientIngestion, SourceDescription, build_ingest_asset
from pipelines.config.models import Account, Settings
from pipelines.contracts.streams import OWN_STREAMS
from pipelines.partitions import DateWindow, observation_day
from pipelines.platforms.base import PlatformClient
from pipelines.platforms.catalog import available_platforms, client_class
from pipelines.resources import PlatformApiResource

logger = logging.getLogger("socialpulse.assets")


class PlatformIngestion(ClientIngestion):
    """Reads every selected stream of one platform for the own brand's accounts over a run window.

    Account metrics re-read `account_lookback_days` (late finalization); posts published in the last
    `post_lookback_days` are re-read so their lifetime metrics stay current; snapshot streams are stamped with
    the observation day (`observation_day`: yesterday for the nightly run and any backfill). Each (stream,
    account) is read on its own (`PlatformClient.run_deferring`): a throttled one is deferred and retried after the
    others, and a stream that fails for any account is left out of the batches and recorded in `failures` (the
    factory loads the other streams, then fails the run naming it).
    """

    def __init__(self, client: PlatformClient, accounts: list[Account], settings: Settings) -> None:
        super().__init__(client)
        self.accounts, self.settings = accounts, settings

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]:
        platform = self.client.spec.name
        account_window = window.widened(self.settings.account_lookback_days)
        post_window = window.widened(self.settings.post_lookback_days)
        observed = observation_day(window, self.client.context.today)
        snapshot_day = DateWindow(observed, observed)
        readers = {
            "account_daily": (account_window, lambda a: self.client.account_daily(a, *_bounds(account_window))),
            "post_snapshots": (
                snapshot_day,
                lambda a: self.client.post_snapshots(a, post_window.start, post_window.end, observed),
            ),
            "post_comments": (
                snapshot_day,
                lambda a: self.client.post_comments(a, post_window.start, post_window.end, observed),
            ),
            "audience_demographics": (snapshot_day, lambda a: self.client.audience_demographics(a, observed)),
            "follower_online_hours": (window, lambda a: self.client.follower_online_hours(a, *_bounds(window))),
        }
        streams = [s for s in self.client.spec.streams if f"{platform}__{s}" in tables]
        outcome = self.client.run_deferring(
            [(stream, account) for stream in streams for account in self.accounts],
            lambda item: readers[item[0]][1](item[1]),
            describe=lambda item: f"{item[0]} of {item[1].handle}",
        )
        batches: dict[str, Batch] = {}
        for stream in streams:
            table = f"{platform}__{stream}"
            errors = [outcome.errors[(stream, a)] for a in self.accounts if (stream, a) in outcome.errors]
            if errors:
                self.failures[table] = "; ".join(self.describe_error(e) for e in errors)
                self.client.log.error(f"{platform}: {stream} failed and is not loaded: {self.failures[table]}")
                continue
            rows = [row for account in self.accounts for row in outcome.results[(stream, account)]]
            self.client.log.info(f"{platform}: {stream}: {len(rows)} row(s) from {len(self.accounts)} account(s)")
            batches[table] = Batch(rows=rows, window=readers[stream][0])
        return batches


def _bounds(window: DateWindow):
    return window.start, window.end


def platform_source(platform: str) -> SourceDescription:
    cls = client_class(platform)
    spec = cls.spec

    def open_source(api: PlatformApiResource, log: logging.Logger) -> PlatformIngestion | None:
        missing = api.missing_credentials(spec.credentials)
        if missing:
            log.warning(f"{platform}: no token in {', '.join(missing)}; platform skipped (production mode)")
            return None
        accounts = [account for _, account in api.brands().accounts_on(platform, own_only=True)]
        if not accounts:
            log.warning(f"{platform}: the own brand has no {platform} account in brands.yaml; nothing to read")
        return PlatformIngestion(api.platform_client(platform, log=log), accounts, api.settings())

    return SourceDescription(
        name=platform,
        group=platform,
        title=f"{spec.title} insights of the own brand",
        tables={f"{platform}__{stream}": OWN_STREAMS[stream] for stream in spec.streams},
        source_label=f"api:{platform}",
        open=open_source,
        kinds=frozenset({platform if platform != "x" else "twitter"}),
    )


def build_platform_assets() -> list:
    """One ingest multi-asset per platform whose client is available."""
    return [build_ingest_asset(platform_source(p)) for p in available_platforms()]
