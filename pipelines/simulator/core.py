"""Request/response plumbing shared by the route modules: parsed requests, JSON responses, API errors, stats."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

if TYPE_CHECKING:
    from pipelines.simulator.faults import FaultRegistry
    from pipelines.simulator.world import World

UTC = dt.UTC


class ApiError(Exception):
    """A platform error. `kind` is generic (bad_request, not_found, invalid_token, expired_token,
    rate_limit, server_error, forbidden, invalid_metric); each API family renders it in its own body shape."""

    def __init__(self, kind: str, message: str = "", *, status: int | None = None, **extra: Any) -> None:
        super().__init__(message or kind)
        self.kind = kind
        self.message = message or kind
        self.status = status
        self.extra = extra


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list → JSON, str/bytes → as is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Stats:
    """Served requests per path template (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, template: str) -> None:
        with self._lock:
            self._counts[template] += 1

    def __getitem__(self, template: str) -> int:
        with self._lock:
            return self._counts.get(template, 0)

    def get(self, template: str, default: int = 0) -> int:
        with self._lock:
            return self._counts.get(template, default)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def matching(self, fragment: str) -> int:
        """Requests whose template contains `fragment`."""
        with self._lock:
            return sum(n for t, n in self._counts.items() if fragment in t)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def __repr__(self) -> str:
        return f"Stats({self.snapshot()!r})"


class InFlight:
    """Requests being answered at once per API host, and the most seen at once (thread-safe): how a test sees that
    a client keeps within its concurrency limit, and that its reads really overlap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now: Counter[str] = Counter()
        self._peak: Counter[str] = Counter()
        self._hosts_peak = 0

    @contextmanager
    def request(self, host: str) -> Iterator[None]:
        with self._lock:
            self._now[host] += 1
            self._peak[host] = max(self._peak[host], self._now[host])
            self._hosts_peak = max(self._hosts_peak, sum(1 for count in self._now.values() if count > 0))
        try:
            yield
        finally:
            with self._lock:
                self._now[host] -= 1

    def peak(self, host: str) -> int:
        """The most requests to `host` answered at once since the start (or `reset`)."""
        with self._lock:
            return self._peak.get(host, 0)

    def hosts_at_once(self) -> int:
        """The most hosts with a request being answered at the same moment since the start (or `reset`): more
        than one when different APIs are read side by side."""
        with self._lock:
            return self._hosts_peak

    def reset(self) -> None:
        with self._lock:
            self._peak = Counter(self._now)
            self._hosts_peak = sum(1 for count in self._now.values() if count > 0)


class SimClock:
    """The simulator's running clock for what takes time (throttles, usage windows): it starts at the world's
    `now` (Simulator.set_clock) and advances with real time and with `advance(seconds)` (a test's fake sleep).
    The world's data stays as observed at `world.now`."""

    def __init__(self, start: dt.datetime) -> None:
        self._lock = threading.Lock()
        self.reset(start)

    def reset(self, start: dt.datetime) -> None:
        with self._lock:
            self._start, self._started, self._advanced = start.astimezone(UTC), time.monotonic(), 0.0

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._advanced += max(0.0, float(seconds))

    def now(self) -> dt.datetime:
        with self._lock:
            elapsed = time.monotonic() - self._started + self._advanced
            return self._start + dt.timedelta(seconds=elapsed)


@dataclass(frozen=True)
class RequestRecord:
    """One request the simulator answered (the tests check every window a client asked for)."""

    method: str
    host: str
    path: str
    params: dict[str, str]
    status: int
    envelope_code: object  # TikTok's `code` on HTTP 200 (None elsewhere)
    template: str


class RequestLog:
    """The last requests answered (thread-safe, bounded)."""

    def __init__(self, size: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._records: deque[RequestRecord] = deque(maxlen=size)

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def records(self, host: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._records if host is None or r.host == host]


class AcceptedTokens(str):
    """The token a family accepts (its default, the str value) plus the per-account tokens an agency's accounts
    may each have: a request token compares equal to it when it is any of them (`==`, `!=`, `in [...]`), so the
    routes' checks stay `token != ctx.tokens[key]`. `account_of(token)` names the account a token is for."""

    def __new__(cls, default: str, per_account: dict[str, str] | None = None) -> AcceptedTokens:
        value = super().__new__(cls, default)
        value.per_account = dict(per_account or {})  # token -> account id
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and (str.__eq__(self, other) or other in self.per_account)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return str.__hash__(self)

    def account_of(self, token: str | None) -> str | None:
        return self.per_account.get(token or "")


@dataclass
class Context:
    """What a route needs besides the request: the world, the accepted tokens, faults, the base URL and the
    simulator's running clock."""

    world: World
    tokens: dict[str, AcceptedTokens]
    faults: FaultRegistry
    base_url: str
    clock: SimClock | None = None

    def now(self) -> dt.datetime:
        """The running clock's instant (throttles, usage windows); the world's `now` without one."""
        return self.clock.now() if self.clock is not None else self.world.now


class Request:
    def __init__(
        self, method: str, host: str, path: str, query_string: str, headers: dict[str, str], body: bytes, ctx: Context
    ) -> None:
        self.method = method
        self.host = host
        self.path = path  # after the host, e.g. "/v24.0/104550001/insights"
        self.query_string = query_string
        self.params_multi = parse_qs(query_string, keep_blank_values=True)
        self.params = {k: v[-1] for k, v in self.params_multi.items()}
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.ctx = ctx
        self.template = f"{host}{path}"
        self.family = ""

    @property
    def world(self) -> World:
        return self.ctx.world

    @property
    def full_path(self) -> str:
        return f"/{self.host}{self.path}" + (f"?{self.query_string}" if self.query_string else "")

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def carries(self, token: str) -> bool:
        """The token is sent with this request: a query parameter, the bearer or any header value."""
        return token in self.params.values() or token == self.bearer() or token in self.headers.values()

    def bearer(self) -> str | None:
        auth = self.header("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return None

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError("bad_request", f"request body is not valid JSON: {exc}") from None

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def url(self, path: str, params: dict[str, Any]) -> str:
        """An absolute simulator URL on this request's host (used for `paging.next`)."""
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.ctx.base_url}/{self.host}{path}" + (f"?{query}" if query else "")

    def next_cursor(self, current: str | None, computed: str | None) -> str | None:
        """The cursor to hand out for the next page; a `repeat_cursor` fault hands back the current one."""
        if computed is not None and current and self.ctx.faults.take("repeat_cursor", self) is not None:
            return current
        return computed


# ---------------------------------------------------------------------- small helpers
def encode_cursor(value: int | str) -> str:
    return base64.urlsafe_b64encode(f"sim:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str = "cursor") -> int:
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        if not text.startswith("sim:"):
            raise ValueError(text)
        return int(text[4:])
    except (ValueError, UnicodeDecodeError):
        raise ApiError("bad_request", f"invalid {kind}: {cursor!r}", param=kind) from None


def parse_date(value: str | None, name: str) -> dt.date | None:
    """A date from `YYYY-MM-DD`, `YYYYMMDD`, ISO datetimes or unix seconds."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if text.isdigit() and len(text) == 8 and text.startswith(("19", "20")):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if text.lstrip("-").isdigit():
            return dt.datetime.fromtimestamp(int(text), UTC).date()
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return parse_datetime(text, name).date()
    except ValueError:
        raise ApiError("bad_request", f"invalid value for {name}: {value!r}", param=name) from None


def parse_datetime(value: str, name: str) -> dt.datetime:
    text = value.strip()
    try:
        if text.lstrip("-").isdigit() and len(text) != 8:
            return dt.datetime.fromtimestamp(int(text), UTC)
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), UTC)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
            text = text[:-2] + ":" + text[-2:]
        parsed = dt.datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        raise ApiError("bad_request", f"invalid value for {name}: {value!r}", param=name) from None


def iso_z(moment: dt.datetime, millis: bool = False) -> str:
    moment = moment.astimezone(UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def meta_time(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses and braces: `a,b.limit(2){x,y},c` → [a, b.limit(2){x,y}, c]."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return [p for p in parts if p]
