"""What every platform client is: a declarative spec plus one class implementing the streams it supports."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from abc import ABC
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from pipelines.config.models import Account, Settings
from pipelines.http import ApiAuthError, ApiError, ApiSession, CallStats, Redactor
from pipelines.http.session import Classifier, Pacer
from pipelines.platforms.clock import PlatformClock
from pipelines.platforms.deferral import Outcome, run_deferring
from pipelines.platforms.values import to_count

Row = dict[str, Any]
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def local_day_bounds(timezone: str, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The days [start, end] of `timezone` as UTC instants [start 00:00, end + 1 00:00) (end exclusive)."""
    zone = ZoneInfo(timezone)
    since = dt.datetime.combine(start, dt.time(), zone).astimezone(dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return since, until


def local_date_of(timezone: str, moment: dt.datetime) -> dt.date:
    """The day of `timezone` an instant falls on (a naive instant is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Credential:
    """A secret a client needs, read from an environment variable (never from a file)."""

    name: str  # field name used by the client, e.g. "access_token"
    env_var: str  # e.g. "FACEBOOK_PAGE_ACCESS_TOKEN"
    simulator_key: str  # the simulator's token key, e.g. "meta"
    description: str
    required: bool = True

    def used_for(self, description: str, *, required: bool | None = None) -> Credential:
        """The same secret (same variable) described for another use, e.g. a market source reading competitors
        with the platform client's token: the variable's name stays written once, in the client's spec."""
        return replace(self, description=description, required=self.required if required is None else required)


@dataclass(frozen=True)
class PlatformSpec:
    """The data that describes a platform: where its APIs live, which secrets and streams it has."""

    name: str
    title: str
    api_bases: Mapping[str, str]  # key -> real base URL, e.g. {"graph": "https://graph.facebook.com"}
    credentials: tuple[Credential, ...]
    streams: tuple[str, ...]  # subset of pipelines.contracts.streams.OWN_STREAMS
    notes: str = ""
    # How many accounts are read at once (one request in flight per account), chosen from the platform's
    # documented limits (each client's spec says which); settings `http.max_concurrent_requests` overrides it.
    max_concurrent_requests: int = 1

    def credential(self, name: str) -> Credential:
        """The credential `name` of this platform (KeyError naming the known ones)."""
        for credential in self.credentials:
            if credential.name == name:
                return credential
        raise KeyError(f"{self.name} has no credential {name!r} (spec: {[c.name for c in self.credentials]})")


def concurrency_limit(spec: PlatformSpec, settings: Settings) -> int:
    """How many accounts of `spec`'s platform a run reads at once: settings `http.max_concurrent_requests` for the
    platform, else the spec's number."""
    override = settings.http.max_concurrent_requests.get(spec.name)
    return override if override is not None else spec.max_concurrent_requests


@dataclass
class ClientContext:
    """Everything a client needs at run time, injected by the resource (tests build one directly)."""

    settings: Settings
    base_urls: Mapping[str, str]  # same keys as PlatformSpec.api_bases, possibly pointing at the simulator
    credentials: Mapping[str, str | None]  # Credential.name -> secret value
    redactor: Redactor = field(default_factory=Redactor)
    today: dt.date = field(default_factory=dt.date.today)  # the partition calendar's today (settings.timezone)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))  # the moment the APIs are read
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("socialpulse.platforms"))
    sleep: Callable[[float], None] | None = None


class PlatformClient(ABC):
    """Base of the six platform clients and the market sources. A stream a platform lacks raises
    NotImplementedError.

    The helpers every client uses live here once: sessions (`new_session`), credentials by the spec's names
    (`credential`, `require_credential`), the platform's clock (`clock`), the partition calendar
    (`local_day_bounds`, `local_date_of`, `observed_snapshot_day`), data-shape reports (`warn`, `note_fields`,
    `warn_missing`, `unexpected_shape`), the one retry of a rejected window end (`with_earlier_end`) and the
    deferral of throttled work (`run_deferring`). Values are read with pipelines.platforms.values.
    """

    spec: ClassVar[PlatformSpec]

    def __init__(self, context: ClientContext) -> None:
        self.context = context
        self.settings = context.settings
        self.log = context.log
        self.warnings: list[str] = []
        for secret in context.credentials.values():
            context.redactor.add(secret)
        self._sessions: list[ApiSession] = []
        # Accounts are read by concurrent threads (`run_deferring`): what they share on the client (sessions
        # created lazily, warnings) changes under this lock; per-account caches are only touched by the one thread
        # reading that account.
        self._lock = threading.RLock()

    # --- sessions and credentials ------------------------------------------------------------------------

    def new_session(
        self,
        *,
        credential: str | None = None,
        classify: Classifier | None = None,
        pace: Pacer | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiSession:
        """An HTTP session of this platform; `credential` (a Credential.name of the spec) is the secret it sends,
        named in an auth error so the user knows which variable to renew."""
        kwargs: dict[str, Any] = {}
        if self.context.sleep is not None:
            kwargs["sleep"] = self.context.sleep
        session = ApiSession(
            self.spec.name,
            http=self.settings.http,
            redactor=self.context.redactor,
            token_env_var=self.credential_env_var(credential) if credential else "",
            classify=classify,
            pace=pace,
            headers=headers,
            **kwargs,
        )
        with self._lock:
            self._sessions.append(session)
        return session

    def base_url(self, key: str) -> str:
        return self.context.base_urls[key].rstrip("/")

    def credential(self, name: str) -> str | None:
        """The secret of the spec's credential `name` (None when not configured)."""
        return self.context.credentials.get(name)

    def credential_env_var(self, name: str) -> str:
        """The environment variable the spec reads the credential `name` from."""
        return self.spec.credential(name).env_var

    def require_credential(self, *names: str, purpose: str = "") -> str:
        """The first configured secret of `names`, else an ApiAuthError naming the variable(s) to set."""
        for name in names:
            value = self.credential(name)
            if value:
                return value
        variables = " or ".join(self.credential_env_var(n) for n in names)
        why = f" ({purpose})" if purpose else ""
        raise ApiAuthError(self.spec.name, f"no token configured{why}: set the environment variable {variables}.")

    # --- the platform's clock ------------------------------------------------------------------------------

    @property
    def clock(self) -> PlatformClock:
        """The platform's days at `context.now` (see pipelines/platforms/clock.py)."""
        return PlatformClock(self.clock_platform(), self.context.now, self.settings.timezone)

    def clock_platform(self) -> str:
        """The contract platform whose clock this client reads (a market source `x_mentions` reads X's)."""
        return self.spec.name.split("_", 1)[0]

    def with_earlier_end(
        self,
        read: Callable[[dt.date, dt.date], T],
        first: dt.date,
        last: dt.date,
        *,
        rejects_end: Callable[[ApiError], bool],
        what: str,
    ) -> tuple[T | None, dt.date]:
        """`read(first, last)` and the last day it covers; when the API rejects the window's end (`rejects_end`),
        one retry ending a day earlier (the platform may be later than its documented lag), with a warning
        keeping the platform's words. (None, the earlier end) when that window is empty; a second rejection is
        raised."""
        try:
            return read(first, last), last
        except ApiError as exc:
            if not rejects_end(exc):
                raise
            earlier = last - dt.timedelta(days=1)
            self.warn(
                f"{what}: the API rejected the window end {last} ({exc.platform_message or exc}); retried once "
                f"ending {earlier}"
            )
            if earlier < first:
                return None, earlier
            return read(first, earlier), earlier

    @property
    def max_concurrent_requests(self) -> int:
        """How many accounts of this platform are read at once: settings `http.max_concurrent_requests` for the
        platform, else the spec's number (from the platform's documented limits)."""
        return concurrency_limit(self.spec, self.settings)

    def run_deferring(
        self,
        items: Iterable[K],
        work: Callable[[K], T],
        *,
        describe: Callable[[K], str],
        lane: Callable[[K], Hashable] | None = None,
        concurrency: int | None = None,
    ) -> Outcome[K, T]:
        """Run `work` on every item; an item whose platform throttles it for longer than a request may wait is
        deferred and retried after the others, within the bounds of settings.http.throttle (see
        pipelines/platforms/deferral.py). Other errors are returned per item, never raised. Items of one `lane`
        (an account) run one after another in one thread; up to `concurrency` lanes (default: the platform's
        `max_concurrent_requests`) run at once."""
        return run_deferring(
            items,
            work,
            describe=describe,
            settings=self.settings.http.throttle,
            sleep=self.context.sleep or time.sleep,
            log=self.log,
            platform=self.spec.name,
            lane=lane,
            concurrency=self.max_concurrent_requests if concurrency is None else concurrency,
        )

    # --- the partition calendar --------------------------------------------------------------------------
    # Partitions are days of `settings.timezone` (the reporting timezone, Asia/Jakarta by default). A post or
    # any other dated item belongs to the local day of its UTC timestamp; a window of partition days is read as
    # the UTC instants bounding those local days. Timestamps stay UTC in the rows. Account-level daily metrics
    # keep the platform's own reporting day (`clock`; each client says which in its docstring).

    def local_day_bounds(self, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The partition days [start, end] as UTC instants [since, until) (until exclusive)."""
        return local_day_bounds(self.settings.timezone, start, end)

    def local_date_of(self, moment: dt.datetime) -> dt.date:
        """The partition day (a day of settings.timezone) an instant belongs to."""
        return local_date_of(self.settings.timezone, moment)

    def observed_snapshot_day(self, start: dt.date, end: dt.date) -> dt.date | None:
        """The day a snapshot read now (a follower count) stands for, if it lies in [start, end]: today when the
        window includes it, else yesterday when the window ends there (the nightly run). Older days cannot be
        observed any more: None, and the caller writes no row rather than an invented value."""
        today = self.context.today
        if start <= today <= end:
            return today
        if end == today - dt.timedelta(days=1):
            return end
        return None

    # --- data-shape reports --------------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Record a data-shape surprise (missing or new field); it lands in the run log and metadata."""
        message = self.context.redactor(message)
        with self._lock:
            if message in self.warnings:
                return
            self.warnings.append(message)
        self.log.warning("%s: %s", self.spec.name, message)

    def note_fields(self, where: str, item: Mapping[str, Any], known: Iterable[str], *, prefix: str = "") -> None:
        """Warn once per field the client does not know (the API added it; it is ignored)."""
        known = set(known)
        for key in item:
            if key not in known:
                self.warn(f"new field '{prefix}{key}' in {where} ignored")

    def warn_missing(self, where: str, counts: Mapping[str, int], total: int, effect: str = "left NULL") -> None:
        """Warn per field that `counts[field]` of `total` items lacked."""
        for name, count in sorted(counts.items()):
            if count:
                self.warn(f"{where}: {count} of {total} item(s) have no '{name}' field; {effect}")

    def count_field(self, item: Mapping[str, Any], key: str, where: str) -> int | None:
        """A count field that may be absent: its value read with `to_count`, a warning naming `where` when the
        answer has no such field (left NULL)."""
        if key not in item:
            self.warn(f"{where} has no '{key}'; left NULL")
        return to_count(item.get(key))

    def unexpected_shape(self, endpoint: str, expected: str, found: Any, effect: str) -> None:
        """Warn that an answer came in a shape the client does not read (never a silent empty result)."""
        shown = type(found).__name__ if not isinstance(found, str | int | float | type(None)) else repr(found)
        if isinstance(found, Mapping):
            shown = f"an object with keys {sorted(found)[:8]}"
        elif isinstance(found, list):
            shown = f"a list of {len(found)} item(s)"
        self.warn(f"{endpoint}: expected {expected}, got {shown}; {effect}")

    @property
    def stats(self) -> CallStats:
        total = CallStats()
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            total.add(session.stats)
        return total

    def close(self) -> None:
        with self._lock:
            sessions = list(self._sessions)
        for s in sessions:
            s.close()

    # --- the streams (rows follow pipelines.contracts.streams) ------------------------------------------

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

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Comments and replies shown now on the posts published in [published_from, published_to];
        streams.POST_COMMENTS (rows built with `comment_row`)."""
        raise NotImplementedError(f"{self.spec.name} has no post_comments stream")

    def comment_row(
        self,
        account: Account,
        *,
        post_id: str,
        comment_id: str,
        parent_id: str | None,
        author_id: str | None,
        author_name: str | None,
        created_at: dt.datetime,
        text: str | None,
        snapshot_date: dt.date,
        is_brand: bool | None = None,
    ) -> Row:
        """One row of streams.POST_COMMENTS. The author is the brand when the platform names the own account (its
        id, or its handle where only a name is given; `is_brand` when the client decides, e.g. from a URN);
        unknown (NULL) when the platform names no author."""
        handles = {account.handle.lower().lstrip("@"), str(account.id).lower()}
        if is_brand is not None:
            pass
        elif author_id is not None:
            is_brand: bool | None = str(author_id) == str(account.id)
        elif author_name is not None:
            is_brand = author_name.lower().lstrip("@") in handles
        else:
            is_brand = None
        return {
            "account_id": account.id,
            "post_id": post_id,
            "comment_id": comment_id,
            "parent_comment_id": parent_id,
            "author_id": None if author_id is None else str(author_id),
            "author_name": author_name,
            "is_brand_author": is_brand,
            "created_at": created_at,
            "comment_text": text,
            "observed_at": self.context.now,
            "snapshot_date": snapshot_date,
        }


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day of [start, end] (inclusive)."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def day_windows(start: dt.date, end: dt.date, max_days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """[start, end] (inclusive) cut into consecutive windows of at most `max_days` days."""
    first = start
    while first <= end:
        last = min(end, first + dt.timedelta(days=max_days - 1))
        yield first, last
        first = last + dt.timedelta(days=1)


def batched(items: list[T], size: int) -> Iterator[list[T]]:
    """`items` in consecutive lists of at most `size` (ids per request)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
