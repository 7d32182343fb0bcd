"""What every market-intelligence source is: tables, endpoints and credentials, plus one `read(start, end)`.

A source subclasses `MarketSource`; it reuses the platform client machinery (`PlatformClient`: sessions with
retries and redaction, credentials by name, the platform clock, `warn()` and the field reports, `stats`,
`close()`) through inheritance, with a `PlatformSpec` built from its class attributes, so nothing of the HTTP
handling or the helpers is duplicated here. Its clock is the platform of its name (`x_mentions` reads X's).

URLs in simulator mode:
- API sources name their real base URLs in `api_bases`; the resource maps each key through the simulator into
  `context.base_urls` exactly as for the platform clients.
- Feeds live on arbitrary hosts (settings.yaml `feeds`), so they cannot be listed in `api_bases`. Every source
  accepts `rewrite: Callable[[str], str]` (default: identity) and sends every configured feed URL through it
  before fetching; the resource passes `sim.rewrite` in simulator mode. Rows keep the configured (real) URL.

Days: a source writes partition days of settings.timezone (`local_day_bounds`, `local_date_of` inherited from
`PlatformClient`), never UTC dates; `pipelines.market.tables` says how each table's `metric_date` is made.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, TypeVar

from pipelines.config.models import Account, Brand, BrandsConfig
from pipelines.contracts.streams import StreamSpec
from pipelines.http import CallStats
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row, concurrency_limit
from pipelines.platforms.catalog import platform_spec
from pipelines.settings import PLATFORMS

__all__ = ["ClientContext", "Credential", "MarketSource", "Row"]

GROUPS = ("competitors", "mentions", "trends", "web_analytics")  # web_analytics: pipelines/analytics
ClientT = TypeVar("ClientT", bound=PlatformClient)
T = TypeVar("T")
ItemT = TypeVar("ItemT")


def _identity(url: str) -> str:
    return url


class MarketSource(PlatformClient):
    """Base of the competitor, mention and trend readers. `read` returns table name -> rows (contract columns)."""

    name: ClassVar[str]  # e.g. "instagram_competitors"
    group: ClassVar[str]  # "competitors" | "mentions" | "trends"
    title: ClassVar[str]  # human description for the Dagster UI
    tables: ClassVar[tuple[StreamSpec, ...]]
    api_bases: ClassVar[Mapping[str, str]] = {}
    credentials: ClassVar[tuple[Credential, ...]] = ()
    # A source that reads through a client's own account on this platform (Instagram's business discovery is
    # asked through the client's IG user, with its token) runs once per client brand; None: one run for all.
    reads_through_own_account: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.group not in GROUPS:
                raise TypeError(f"{cls.__name__}.group must be one of {GROUPS}, not {cls.group!r}")
            cls.spec = PlatformSpec(
                name=cls.name, title=cls.title, api_bases=cls.api_bases, credentials=cls.credentials, streams=()
            )

    def __init__(
        self, context: ClientContext, brands: BrandsConfig, rewrite: Callable[[str], str] | None = None
    ) -> None:
        super().__init__(context)
        self.brands = brands
        self.rewrite = rewrite or _identity
        self._delegates: list[PlatformClient] = []

    @abstractmethod
    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        """Rows of every table in `tables` for the window [start, end] (inclusive); empty lists allowed."""

    # --- helpers shared by the sources ------------------------------------------------------------------

    def delegate(self, client_class: type[ClientT], **attributes: object) -> ClientT:
        """A platform client on this source's context, to reuse its requests, error classification and pacing.

        It shares this source's `warnings` list and its calls count in `stats`; `attributes` override instance
        attributes (e.g. the permission hint named in a permission error).
        """
        client = client_class(self.context)
        client.warnings = self.warnings
        for key, value in attributes.items():
            setattr(client, key, value)
        self._delegates.append(client)
        return client

    @property
    def stats(self) -> CallStats:
        total = super().stats
        for client in self._delegates:
            total.add(client.stats)
        return total

    def close(self) -> None:
        super().close()
        for client in self._delegates:
            client.close()

    def empty_result(self) -> dict[str, list[Row]]:
        return {t.name: [] for t in self.tables}

    def each_account(self, pairs: Sequence[tuple[Brand, Account]], read: Callable[[Brand, Account], T]) -> list[T]:
        """`read(brand, account)` for every pair (see `each`)."""
        return self.each(pairs, lambda pair: read(*pair), describe=lambda pair: f"{pair[0].name} @{pair[1].handle}")

    def each(self, items: Sequence[ItemT], read: Callable[[ItemT], T], *, describe: Callable[[ItemT], str]) -> list[T]:
        """`read(item)` for every item (a brand, an account), the results in the items' order; an item the platform
        throttles for longer than a request may wait is deferred and retried after the others
        (PlatformClient.run_deferring). Any error left after that is raised: a source replaces its tables whole, so
        a partial answer is never loaded. The items are read concurrently, as many at once as the platform's own
        accounts (`max_concurrent_requests`)."""
        outcome = self.run_deferring(range(len(items)), lambda i: read(items[i]), describe=lambda i: describe(items[i]))
        for i in range(len(items)):
            if i in outcome.errors:
                raise outcome.errors[i]
        return [outcome.results[i] for i in range(len(items))]

    @property
    def max_concurrent_requests(self) -> int:
        """The limit of the platform this source reads (`x_mentions` reads X's), from that platform's spec and
        settings; 1 for a source of no platform (feeds, trends)."""
        platform = self.clock_platform()
        if platform not in PLATFORMS:
            return 1
        return concurrency_limit(platform_spec(platform), self.settings)

    def snapshot_lookback_start(self, end: dt.date) -> dt.date:
        """First publish day of the posts re-read in a snapshot (same lookback as the own posts)."""
        return end - dt.timedelta(days=self.settings.post_lookback_days - 1)
