"""Ingest assets of the own brand's accounts: one multi-asset per platform, generated from the catalog."""

import logging

from assets.ingest import Batch, ClientIngestion, Failure, SourceDescription, build_ingest_asset
from pipelines.config.models import Account, Brand, Settings
from pipelines.contracts.streams import OWN_STREAMS
from pipelines.partitions import DateWindow, observation_day
from pipelines.platforms.base import PlatformClient
from pipelines.platforms.catalog import available_platforms, client_class
from pipelines.resources import PlatformApiResource

logger = logging.getLogger("socialpulse.assets")


class PlatformIngestion(ClientIngestion):
    """Reads every selected stream of one platform for the client brands' accounts over a run window.

    Account metrics re-read `account_lookback_days` (late finalization); posts published in the last
    `post_lookback_days` are re-read so their lifetime metrics stay current; snapshot streams are stamped with
    the observation day (`observation_day`: yesterday for the nightly run and any backfill). Accounts come in
    groups that share a client (one per credential set: an agency's accounts each may have their own token). Each
    (stream, account) is read on its own (`PlatformClient.run_deferring`): a throttled one is deferred and retried
    after the others, and one that fails is recorded in `failures` while the other accounts' rows of the stream
    are loaded (a stream replaces only the accounts it brings: its replace scope).

    Accounts are read concurrently, up to the platform's `max_concurrent_requests` at once (each account's streams
    one after another in one thread); the rows are collected here and loaded after the reading by the one DuckDB
    writer (assets/ingest.py), so the rows and failures are the same as one account after another would give.
    """

    def __init__(self, groups: list[tuple[PlatformClient, list[tuple[Brand, Account]]]], settings: Settings) -> None:
        super().__init__(*(client for client, _ in groups))
        self.groups, self.settings = groups, settings

    def read_window(self, window: DateWindow, tables: set[str]) -> dict[str, Batch]:
        platform = self.client.spec.name
        account_window = window.widened(self.settings.account_lookback_days)
        post_window = window.widened(self.settings.post_lookback_days)
        observed = observation_day(window, self.client.context.today)
        snapshot_day = DateWindow(observed, observed)
        windows = {
            "account_daily": account_window,
            "post_snapshots": snapshot_day,
            "post_comments": snapshot_day,
            "audience_demographics": snapshot_day,
            "follower_online_hours": window,
        }

        def read(client: PlatformClient, stream: str, account: Account) -> list:
            if stream == "account_daily":
                return client.account_daily(account, *_bounds(account_window))
            if stream == "post_snapshots":
                return client.post_snapshots(account, post_window.start, post_window.end, observed)
            if stream == "post_comments":
                return client.post_comments(account, post_window.start, post_window.end, observed)
            if stream == "audience_demographics":
                return client.audience_demographics(account, observed)
            return client.follower_online_hours(account, *_bounds(window))

        streams = [s for s in self.client.spec.streams if f"{platform}__{s}" in tables]
        rows: dict[str, list] = {stream: [] for stream in streams}
        # items (group, stream, account id) must be hashable; an account's streams form one lane (one thread)
        by_id = [{account.id: (brand, account) for brand, account in pairs} for _, pairs in self.groups]
        items = [
            (g, stream, account_id) for g in range(len(self.groups)) for stream in streams for account_id in by_id[g]
        ]
        outcome = self.client.run_deferring(
            items,
            lambda item: read(self.groups[item[0]][0], item[1], by_id[item[0]][item[2]][1]),
            describe=lambda item: (
                f"{item[1]} of {by_id[item[0]][item[2]][0].name} ({by_id[item[0]][item[2]][1].handle})"
            ),
            lane=lambda item: (item[0], item[2]),
        )
        for (_, stream, _), result in outcome.results.items():
            rows[stream].extend(result)
        failures = []
        for (g, stream, account_id), error in outcome.errors.items():
            client = self.groups[g][0]
            brand, account = by_id[g][account_id]
            failure = Failure(f"{platform}__{stream}", self.describe_error(error, client), account.id, brand.name)
            failures.append(failure)
            client.log.error(f"{platform}: {failure.describe()}")
        # the order of the failures does not depend on which thread finished first
        self.failures.extend(sorted(failures, key=lambda f: (f.table, f.brand or "", f.account_id or "")))
        accounts = sum(len(pairs) for _, pairs in self.groups)
        stats = self.stats
        if stats.throttled or stats.waited_seconds:
            self.client.log.info(
                f"{platform}: {stats.throttled} throttled answer(s), {stats.waited_seconds:.0f}s waited for the "
                f"platform's limits, {outcome.deferrals} deferred read(s) retried"
            )
        batches: dict[str, Batch] = {}
        for stream in streams:
            table = f"{platform}__{stream}"
            failed = sum(1 for f in self.failures if f.table == table)
            if failed == accounts and accounts:
                continue  # nothing of it could be read: the factory reports the table failed
            client_log = self.client.log
            client_log.info(f"{platform}: {stream}: {len(rows[stream])} row(s) from {accounts - failed} account(s)")
            batches[table] = Batch(rows=rows[stream], window=windows[stream])
        return batches


def account_groups(
    api: PlatformApiResource, platform: str, pairs: list[tuple[Brand, Account]]
) -> list[tuple[dict, list[tuple[Brand, Account]]]]:
    """The client accounts grouped by the secrets they use (accounts sharing a token share a client)."""
    spec = client_class(platform).spec
    groups: dict[tuple, tuple[dict, list[tuple[Brand, Account]]]] = {}
    for brand, account in pairs:
        secrets = api.secrets_for(spec.credentials, account)
        key = tuple(sorted(secrets.items(), key=lambda item: item[0]))
        groups.setdefault(key, (secrets, []))[1].append((brand, account))
    return list(groups.values())


def _bounds(window: DateWindow):
    return window.start, window.end


def platform_source(platform: str) -> SourceDescription:
    cls = client_class(platform)
    spec = cls.spec

    def open_source(api: PlatformApiResource, log: logging.Logger) -> PlatformIngestion | None:
        pairs = api.brands().accounts_on(platform, own_only=True)
        if not pairs:
            log.warning(f"{platform}: no client brand has a {platform} account in brands.yaml; nothing to read")
            return PlatformIngestion([(api.platform_client(platform, log=log), [])], api.settings())
        usable = []
        for brand, account in pairs:
            missing = api.missing_credentials(spec.credentials, account)
            if missing:
                log.warning(f"{platform}: {brand.name} ({account.handle}) skipped: set {', '.join(missing)}")
            else:
                usable.append((brand, account))
        if not usable:
            return None
        groups = [
            (api.platform_client(platform, account=group[0][1], log=log), group)
            for _, group in account_groups(api, platform, usable)
        ]
        return PlatformIngestion(groups, api.settings())

    return SourceDescription(
        name=platform,
        group=platform,
        title=f"{spec.title} insights of the client brands",
        tables={f"{platform}__{stream}": OWN_STREAMS[stream] for stream in spec.streams},
        source_label=f"api:{platform}",
        open=open_source,
        kinds=frozenset({platform if platform != "x" else "twitter"}),
        lane=platform,
    )


def build_platform_assets() -> list:
    """One ingest multi-asset per platform whose client is available."""
    return [build_ingest_asset(platform_source(p)) for p in available_platforms()]
