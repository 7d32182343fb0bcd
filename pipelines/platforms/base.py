"""What every platform client is: a declarative spec plus one class implementing the streams it supports."""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pipelines.config.models import Account, Settings
from pipelines.http import ApiSession, CallStats, Redactor
from pipelines.http.session import Classifier, Pacer

Row = dict[str, Any]


@dataclass(frozen=True)
class Credential:
    """A secret a client needs, read from an environment variable (never from a file)."""

    name: str  # field name used by the client, e.g. "access_token"
    env_var: str  # e.g. "FACEBOOK_PAGE_ACCESS_TOKEN"
    simulator_key: str  # the simulator's token key, e.g. "meta"
    description: str
    required: bool = True


@dataclass(frozen=True)
class PlatformSpec:
    """The data that describes a platform: where its APIs live, which secrets and streams it has."""

    name: str
    title: str
    api_bases: Mapping[str, str]  # key -> real base URL, e.g. {"graph": "https://graph.facebook.com"}
    credentials: tuple[Credential, ...]
    streams: tuple[str, ...]  # subset of pipelines.platforms.streams.OWN_STREAMS
    notes: str = ""


@dataclass
class ClientContext:
    """Everything a client needs at run time, injected by the resource (tests build one directly)."""

    settings: Settings
    base_urls: Mapping[str, str]  # same keys as PlatformSpec.api_bases, possibly pointing at the simulator
    credentials: Mapping[str, str | None]  # Credential.name -> secret value
    redactor: Redactor = field(default_factory=Redactor)
    today: dt.date = field(default_factory=dt.date.today)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("socialpulse.platforms"))
    sleep: Callable[[float], None] | None = None


class PlatformClient(ABC):
    """Base of the six platform clients. A stream a platform lacks raises NotImplementedError."""

    spec: ClassVar[PlatformSpec]

    def __init__(self, context: ClientContext) -> None:
        self.context = context
        self.settings = context.settings
        self.log = context.log
        self.warnings: list[str] = []
        for secret in context.credentials.values():
            context.redactor.add(secret)
        self._sessions: list[ApiSession] = []

    # --- helpers for subclasses -------------------------------------------------------------------------

    def new_session(
        self,
        *,
        token_env_var: str = "",
        classify: Classifier | None = None,
        pace: Pacer | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiSession:
        kwargs: dict[str, Any] = {}
        if self.context.sleep is not None:
            kwargs["sleep"] = self.context.sleep
        session = ApiSession(
            self.spec.name,
            http=self.settings.http,
            redactor=self.context.redactor,
            token_env_var=token_env_var,
            classify=classify,
            pace=pace,
            headers=headers,
            **kwargs,
        )
        self._sessions.append(session)
        return session

    def base_url(self, key: str) -> str:
        return self.context.base_urls[key].rstrip("/")

    def credential(self, name: str) -> str | None:
        return self.context.credentials.get(name)

    def warn(self, message: str) -> None:
        """Record a data-shape surprise (missing or new field); it lands in the run log and metadata."""
        message = self.context.redactor(message)
        if message not in self.warnings:
            self.warnings.append(message)
            self.log.warning("%s: %s", self.spec.name, message)

    @property
    def stats(self) -> CallStats:
        total = CallStats()
        for s in self._sessions:
            total.calls += s.stats.calls
            total.retries += s.stats.retries
            total.pages += s.stats.pages
            total.waited_seconds += s.stats.waited_seconds
            for k, v in s.stats.by_endpoint.items():
                total.by_endpoint[k] = total.by_endpoint.get(k, 0) + v
        return total

    def close(self) -> None:
        for s in self._sessions:
            s.close()

    # --- the streams (rows follow pipelines.platforms.streams) ------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        """One row per day in [start, end] (inclusive), columns of streams.ACCOUNT_DAILY."""
        raise NotImplementedError(f"{self.spec.name} has no account_daily stream")

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Posts published in [published_from, published_to] with lifetime metrics; streams.POST_SNAPSHOTS."""
        raise NotImplementedError(f"{self.spec.name} has no post_snapshots stream")

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        """Current audience breakdowns; streams.AUDIENCE_DEMOGRAPHICS."""
        raise NotImplementedError(f"{self.spec.name} has no audience_demographics stream")

    def follower_online_hours(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        """Followers online per hour for the days in [start, end] the API still has; streams.FOLLOWER_ONLINE_HOURS."""
        raise NotImplementedError(f"{self.spec.name} has no follower_online_hours stream")


def require_field(platform: str, item: Mapping[str, Any], key: str, where: str) -> Any:
    """Read a field that must be present (an id, a date); a missing one is a clear InputDataError."""
    from pipelines.errors import InputDataError

    if key not in item or item[key] is None:
        raise InputDataError(
            f"{platform}: {where} has no '{key}' field (keys present: {sorted(item)[:12]}). "
            "The API changed its answer; update the client's field mapping."
        )
    return item[key]
