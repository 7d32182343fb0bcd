"""What every market-intelligence source is: tables, endpoints and credentials, plus one `read(start, end)`.

A source subclasses `MarketSource`; it reuses the platform client machinery (`PlatformClient`: sessions with
retries and redaction, `warn()`, `stats`, `close()`) through inheritance, with a `PlatformSpec` built from its
class attributes, so nothing of the HTTP handling is duplicated here.

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
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, TypeVar

from pipelines.config.models import BrandsConfig
from pipelines.contracts.streams import StreamSpec
from pipelines.http import CallStats
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row

__all__ = ["ClientContext", "Credential", "MarketSource", "Row"]

GROUPS = ("competitors", "mentions", "trends", "web_analytics")  # web_analytics: pipelines/analytics
ClientT = TypeVar("ClientT", bound=PlatformClient)


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

    def require_credential(self, name: str) -> str:
        """The secret, or an ApiAuthError naming the environment variable to set."""
        from pipelines.http import ApiAuthError

        value = self.credential(name)
        if not value:
            cred = next((c for c in self.credentials if c.name == name), None)
            env = cred.env_var if cred else name
            raise ApiAuthError(self.name, f"no token configured: set the environment variable {env}")
        return value

    def note_fields(self, where: str, item: Mapping[str, object], known: Iterable[str]) -> None:
        """Warn once per field the source does not know (the API added it; it is ignored)."""
        seen = self.__dict__.setdefault("_seen_fields", set())
        for key in item:
            if key not in known and (where, key) not in seen:
                seen.add((where, key))
                self.warn(f"new field '{key}' in {where} ignored")

    def snapshot_lookback_start(self, end: dt.date) -> dt.date:
        """First publish day of the posts re-read in a snapshot (same lookback as the own posts)."""
        return end - dt.timedelta(days=self.settings.post_lookback_days - 1)
