"""Faults the simulator injects on request: error statuses, slowness, malformed bodies, expired tokens,
repeating cursors, schema drift (a field missing from or added to every item) and throttling that lasts.

`throttle` (options `seconds`, default 180, and `code`, default 4) throttles every matching request for
`seconds` of the simulator's clock from the first one it meets: Meta answers its throttle error with the usage
headers at 100 % (code 80001/80002: `estimated_time_to_regain_access` in X-Business-Use-Case-Usage), the other
platforms their rate-limit answer. The clock advances with real time and with `Simulator.advance` (a test's fake
sleep), so a three-minute throttle passes in no real time.

`batch_timeout` answers a matching request inside a Graph API batch request null (Meta's answer for a request the
batch did not complete in time); a request sent alone is not affected. A `status` fault with the option `batch`
(e.g. `status=500,batch=1`) hits only batch requests themselves (the POST), never the requests inside one or a
request sent alone.

Every kind takes the option `token`: the fault then hits only requests carrying that token (in a parameter, the
Authorization bearer or any header), the way one account's expired token fails everything it is used for.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.simulator.core import Request

KINDS = (
    "status",
    "slow",
    "malformed_json",
    "expired_token",
    "repeat_cursor",
    "missing_field",
    "extra_field",
    "throttle",
    "batch_timeout",
)
# Kinds that describe a lasting condition rather than one bad response: unlimited unless `times` is given.
LASTING = ("repeat_cursor", "missing_field", "extra_field", "throttle")
PRIMARY_OPTION = {
    "status": "status",
    "slow": "seconds",
    "missing_field": "field",
    "extra_field": "field",
    "throttle": "seconds",
}


@dataclass
class Fault:
    kind: str
    path_contains: str | None = None
    times: int | None = 1  # None = unlimited
    opts: dict[str, Any] = field(default_factory=dict)
    used: int = 0

    def matches(self, request: Request) -> bool:
        """The path holds `path_contains` (when given) and the request carries the fault's `token` option (when
        given: e.g. one agency account's token expired, whatever endpoint it calls)."""
        if self.path_contains is not None and self.path_contains not in request.full_path:
            return False
        if bool(self.opts.get("batch")) != bool(getattr(request, "is_batch", False)):
            return False
        token = self.opts.get("token")
        return token is None or request.carries(str(token))

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.used >= self.times

    def describe(self) -> dict[str, Any]:
        opts = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in self.opts.items()}
        return {"kind": self.kind, "path_contains": self.path_contains, "times": self.times, "used": self.used, **opts}


class FaultRegistry:
    """Thread-safe list of pending faults. `add` one, the server `take`s it when a request matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str, path_contains: str | None = None, times: int | None = None, **opts: Any) -> Fault:
        """Queue a fault. `times`: how many matching requests it affects (default 1; unlimited for
        repeat_cursor, missing_field and extra_field; 0 = unlimited)."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
        if kind == "status":
            opts["status"] = int(opts.get("status", 500))
            if opts["status"] not in (400, 401, 403, 404, 429, 500, 502, 503):
                raise ValueError(f"unsupported status {opts['status']}; expected 429, 500 or 503 (or 400-404)")
        if kind in ("missing_field", "extra_field") and not opts.get("field"):
            raise ValueError(f"fault {kind} needs field=NAME")
        if times is None:
            times = None if kind in LASTING else 1
        elif int(times) == 0:
            times = None
        fault = Fault(kind, path_contains or None, None if times is None else int(times), dict(opts))
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_spec(self, spec: str) -> Fault:
        """Add from a CLI/HTTP spec such as `status=500,path=/insights,times=3` or `slow=2,path=/media`."""
        kind, path, times, opts = parse_spec(spec)
        return self.add(kind, path, times, **opts)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def take(self, kind: str, request: Request) -> Fault | None:
        """The first pending fault of `kind` matching `request`, consuming one use."""
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and not fault.exhausted and fault.matches(request):
                    fault.used += 1
                    return fault
        return None

    def active_throttle(self, request: Request, now: dt.datetime) -> tuple[Fault, float] | None:
        """A `throttle` fault matching `request` that still lasts at `now` (the simulator's clock), with the
        seconds it has left; it starts at the first request it meets and ends `seconds` later."""
        with self._lock:
            for fault in self._faults:
                if fault.kind != "throttle" or fault.exhausted or not fault.matches(request):
                    continue
                started = fault.opts.setdefault("started_at", now)
                left = float(fault.opts.get("seconds", 180)) - (now - started).total_seconds()
                if left <= 0:
                    fault.times = fault.used  # over: exhausted
                    continue
                fault.used += 1
                return fault, left
        return None

    def take_first(self, kinds: tuple[str, ...], request: Request) -> Fault | None:
        """The oldest pending fault among `kinds` that matches, consuming one use."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and not fault.exhausted and fault.matches(request):
                    fault.used += 1
                    return fault
        return None

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for f in self._faults if not f.exhausted)


def _coerce(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            continue
    return value


def parse_spec(spec: str) -> tuple[str, str | None, int | None, dict[str, Any]]:
    """`status=500,path=/insights,times=3` → ("status", "/insights", 3, {"status": 500})."""
    kind: str | None = None
    path: str | None = None
    times: int | None = None
    opts: dict[str, Any] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        value = value.strip()
        if key == "kind":
            kind = value
        elif key in ("path", "path_contains"):
            path = value
        elif key == "times":
            times = int(value)
        elif key in KINDS and kind is None:
            kind = key
            if sep and key in PRIMARY_OPTION:
                opts[PRIMARY_OPTION[key]] = _coerce(value)
        else:
            opts[key] = _coerce(value) if sep else True
    if kind is None:
        raise ValueError(f"fault spec {spec!r} names no kind; expected one of {', '.join(KINDS)}")
    return kind, path, times, opts
