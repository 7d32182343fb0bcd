"""The HTTP server: `Simulator` runs a ThreadingHTTPServer on 127.0.0.1 and dispatches `/{real-host}/{path}`
to the API family serving that host. Faults are applied around the family's answer."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipelines.config.models import BrandsConfig, Settings
from pipelines.simulator.core import (
    AcceptedTokens,
    ApiError,
    Context,
    InFlight,
    Request,
    RequestLog,
    RequestRecord,
    Response,
    SimClock,
    Stats,
)
from pipelines.simulator.faults import FaultRegistry
from pipelines.simulator.routes import ApiFamily, families
from pipelines.simulator.throttle import UsageMeter
from pipelines.simulator.world import World

CONTROL_PREFIX = "/_simulator"


class Simulator:
    """Offline stand-in for every platform API socialpulse reads.

    >>> with Simulator(seed=7, today=dt.date(2026, 5, 1)) as sim:
    ...     requests.get(sim.rewrite("https://graph.facebook.com/v24.0/104550001?fields=followers_count"),
    ...                  params={"access_token": Simulator.DEFAULT_TOKENS["meta"]})

    Clocks: `world.now` is the instant the APIs are read (what is observable, which days are served);
    `set_clock(now)` moves it night by night. `clock` runs from there with real time and `advance(seconds)`
    for what lasts (throttle faults, usage windows of `limit_usage`). `revisions=True` serves recent days below
    their truth until each platform's settle window has passed (World.served_day). `requests` keeps every
    answered request (the tests check the windows clients ask for).
    """

    DEFAULT_TOKENS: ClassVar[dict[str, str]] = {
        key: f"sim-{key}-token"
        for key in (
            "meta",
            "x",
            "youtube_key",
            "youtube_oauth",
            "linkedin",
            "tiktok_business",
            "tiktok_research",
            "google_analytics",
        )
    }

    def __init__(
        self,
        seed: int = 0,
        today: dt.date | None = None,
        brands: BrandsConfig | None = None,
        *,
        settings: Settings | None = None,
        days: int = 400,
        tokens: dict[str, str] | None = None,
        account_tokens: dict[str, dict[str, str]] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        now: dt.datetime | None = None,
        verbose: bool = False,
        revisions: bool = False,
        latency_ms: float = 0.0,
    ) -> None:
        self.world = World(
            seed=seed, today=today, brands=brands, settings=settings, days=days, now=now, revisions=revisions
        )
        self._world_args = {
            "seed": seed,
            "brands": self.world.brands,
            "settings": self.world.settings,
            "days": days,
            "revisions": revisions,
        }
        unknown = sorted(set(tokens or {}) - set(self.DEFAULT_TOKENS))
        if unknown:
            raise ValueError(f"unknown token key(s) {unknown}; expected {sorted(self.DEFAULT_TOKENS)}")
        unknown = sorted(set(account_tokens or {}) - set(self.DEFAULT_TOKENS))
        if unknown:
            raise ValueError(
                f"unknown token key(s) {unknown} in account_tokens; expected {sorted(self.DEFAULT_TOKENS)}"
            )
        # Each family accepts its default token (a shared one, like a system user's) and, for an agency whose
        # accounts each have their own, a token per account: {"meta": {"<token>": "<page or IG user id>"}}.
        self.tokens = {
            key: AcceptedTokens(value, (account_tokens or {}).get(key))
            for key, value in {**self.DEFAULT_TOKENS, **(tokens or {})}.items()
        }
        self.faults = FaultRegistry()
        # Requests answered per path template; a request inside a Graph API batch counts under its own path, the
        # batch HTTP requests themselves in `batches` (so per-path counts stay the calls the platform counts).
        self.stats = Stats()
        self.batches = Stats()
        self.batched = Stats()  # requests answered inside batches (HTTP requests = total - batched + batches)
        self.requests = RequestLog()
        self.in_flight = InFlight()  # requests answered at once per host (concurrency tests)
        self.clock = SimClock(self.world.now)
        self.usage: dict[str, UsageMeter] = {}
        self.verbose = verbose
        self.latency_seconds = latency_ms / 1000  # every answer waits this long, as a real API's round trip
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        feed_hosts: dict[str, dict[str, str]] = {}
        for feed in self.world.settings.feeds:
            parts = urlsplit(feed.url)
            feed_hosts.setdefault(parts.netloc, {})[parts.path or "/"] = feed.name
        self._families = families(feed_hosts)
        self._by_host: dict[str, ApiFamily] = {}
        for family in self._families:
            for h in family.hosts:
                self._by_host[h] = family

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Simulator:
        if self._server is not None:
            return self
        handler = type("SimHandler", (_Handler,), {"simulator": self})
        self._server = ThreadingHTTPServer((self._host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Run in the foreground until interrupted (the CLI)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ clock
    def set_clock(self, now: dt.datetime, today: dt.date | None = None) -> World:
        """Move the simulated clock to `now` (the moment a nightly run reads the APIs), so that tests run the
        pipeline night after night as production does. `today` (default: the date of `now` in the partition
        timezone, as `socialpulse run` starts it) ends the history the day before. The world stays the same
        deterministic function of the seed: only what is observable at `now` changes (lifetime totals of posts,
        follower counts, the last days served)."""
        if now.tzinfo is None:
            raise ValueError("set_clock needs an aware datetime (UTC or with a zone)")
        settings: Settings = self._world_args["settings"]
        today = today or now.astimezone(ZoneInfo(settings.timezone)).date()
        self.world = World(today=today, now=now, drop_anchor=self.world.drop_anchor, **self._world_args)
        self.clock.reset(self.world.now)
        return self.world

    def advance(self, seconds: float) -> None:
        """Move the running clock (throttles, usage windows) forward, as time passing would: a test passes this
        as the clients' `sleep`, so a three-minute throttle passes in no real time. The world's data stays as
        observed at `world.now`."""
        self.clock.advance(seconds)

    def limit_usage(self, family: str = "meta", *, calls: int, window_seconds: float) -> UsageMeter:
        """Make the family's usage fill up: `calls` per rolling `window_seconds` of the running clock (see
        pipelines/simulator/throttle.py). Returns the meter (its highest percent and throttled answers)."""
        if family not in {f.name for f in self._families}:
            raise ValueError(f"unknown API family {family!r}; expected one of {[f.name for f in self._families]}")
        meter = UsageMeter(calls, window_seconds)
        self.usage[family] = meter
        return meter

    # ------------------------------------------------------------------ URLs
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running; call start() or use it as a context manager")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321 (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    def rewrite(self, url: str) -> str:
        """`https://HOST/PATH?Q` → `{url}/HOST/PATH?Q`."""
        parts = urlsplit(url)
        if not parts.netloc:
            raise ValueError(f"not an absolute URL: {url!r}")
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
        return f"{self.url}/{parts.netloc}{rest}"

    def base_url(self, real_base: str) -> str:
        """`https://api.x.com/2` → `{url}/api.x.com/2` (what a client uses as its base URL)."""
        return self.rewrite(real_base).rstrip("/")

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith(CONTROL_PREFIX):
            return self._control(method, path[len(CONTROL_PREFIX) :], body)
        host, _, rest = path.lstrip("/").partition("/")
        family = self._by_host.get(host.lower())
        ctx = Context(world=self.world, tokens=self.tokens, faults=self.faults, base_url=self.url, clock=self.clock)
        req = Request(method, host.lower(), "/" + rest, parts.query, headers, body, ctx)
        if family is None:
            self.stats.add(f"{host}/(unknown host)")
            return Response(404, f"simulator: no API is served for host {host!r}\n", content_type="text/plain")
        req.family = family.name
        batch = family.batch_requests(req)
        if batch is not None:
            return self._batch(req, family, batch)
        slow = self.faults.take("slow", req)
        if slow is not None:
            time.sleep(float(slow.opts.get("seconds", 1.0)))
        now = self.clock.now()
        throttle = self.faults.active_throttle(req, now)
        meter = self.usage.get(family.name)
        blocked = meter.blocked_for(now) if meter is not None and throttle is None else None
        if throttle is not None:
            fault, left = throttle
            resp = family.throttle_error(req, left, fault.opts.get("code"))
        elif blocked is not None:
            resp = family.throttle_error(req, blocked, None)
        else:
            if meter is not None:
                req.usage_percent = meter.record(now)  # type: ignore[attr-defined]
            try:
                resp = family.handle(req)
            except ApiError as err:
                resp = family.render_error(req, err)
        fault = self.faults.take_first(("status", "expired_token"), req)
        if fault is not None:
            resp = family.fault_error(req, fault)
        self._schema_faults(req, resp)
        family.decorate(req, resp)
        if self.faults.take("malformed_json", req) is not None:
            data = resp.encode()
            resp.body = data[: max(1, len(data) // 2)]
        self.stats.add(req.template)
        envelope = resp.body.get("code") if isinstance(resp.body, dict) and family.name.startswith("tiktok") else None
        self.requests.add(
            RequestRecord(method, req.host, req.path, dict(req.params), resp.status, envelope, req.template)
        )
        return resp

    def _batch(self, req: Request, family: ApiFamily, batch: list[dict[str, str]] | Response) -> Response:
        """A batch request (Meta's `POST /{version}/` with `batch`): every element is answered by `handle` as the
        same GET sent alone (its faults, usage meter, usage headers and stats), the answers listed in order. A
        `status` fault with the option `batch` hits the batch request itself; `batch_timeout` answers an element
        null (a request the batch did not complete in time)."""
        self.batches.add(req.template)
        req.is_batch = True  # type: ignore[attr-defined]  # faults with the option `batch` hit this request
        if isinstance(batch, Response):
            return batch  # the batch itself was malformed
        fault = self.faults.take("status", req)
        if fault is not None:
            return family.fault_error(req, fault)
        answers: list[object] = []
        for element in batch:
            self.batched.add(req.template)
            probe = Request("GET", req.host, element["path"], element["query"], req.headers, b"", req.ctx)
            if self.faults.take("batch_timeout", probe) is not None:
                answers.append(None)
                continue
            raw = f"/{req.host}{element['path']}" + (f"?{element['query']}" if element["query"] else "")
            answers.append(family.batch_element(self.handle("GET", raw, dict(req.headers), b""), element))
        return Response(200, answers)

    def _schema_faults(self, req: Request, resp: Response) -> None:
        if not isinstance(resp.body, dict | list) or resp.status >= 400:
            return
        for kind in ("missing_field", "extra_field"):
            fault = self.faults.take(kind, req)
            if fault is None:
                continue
            name = str(fault.opts["field"])
            for item in _items(resp.body):
                if kind == "missing_field":
                    _drop(item, name)
                else:
                    item[name] = fault.opts.get("value", "sim-extra-value")

    def _control(self, method: str, path: str, body: bytes) -> Response:
        path = path.rstrip("/")
        if path == "/faults":
            if method == "DELETE":
                self.faults.clear()
                return Response(200, {"faults": []})
            if method == "POST":
                try:
                    payload = json.loads(body or b"{}")
                    specs = payload if isinstance(payload, list) else [payload]
                    for spec in specs:
                        if "spec" in spec:
                            self.faults.add_spec(spec["spec"])
                        else:
                            opts = {
                                k: v for k, v in spec.items() if k not in ("kind", "path_contains", "path", "times")
                            }
                            self.faults.add(
                                spec["kind"], spec.get("path_contains") or spec.get("path"), spec.get("times"), **opts
                            )
                except (ValueError, KeyError, TypeError) as exc:
                    return Response(400, {"error": f"bad fault: {exc}"})
                return Response(201, {"faults": self.faults.list()})
            return Response(200, {"faults": self.faults.list()})
        if path == "/stats":
            if method == "DELETE":
                self.stats.reset()
                self.batches.reset()
                self.batched.reset()
            return Response(
                200,
                {
                    "stats": self.stats.snapshot(),
                    "total": self.stats.total(),
                    "batches": self.batches.snapshot(),
                    "batched": self.batched.snapshot(),
                },
            )
        if path == "/clock":
            if method == "POST":
                try:
                    payload = json.loads(body or b"{}")
                    if "advance_seconds" in payload and "now" not in payload:
                        self.advance(float(payload["advance_seconds"]))
                    else:
                        now = dt.datetime.fromisoformat(str(payload["now"]).replace("Z", "+00:00"))
                        today = dt.date.fromisoformat(payload["today"]) if payload.get("today") else None
                        self.set_clock(now, today)
                except (ValueError, KeyError, TypeError) as exc:
                    return Response(
                        400,
                        {
                            "error": f"bad clock: {exc}; expected "
                            '{"now": ISO-8601 instant} or {"advance_seconds": seconds}'
                        },
                    )
            w = self.world
            return Response(200, {"now": w.now.isoformat(), "today": w.today.isoformat()})
        if path == "/usage":
            if method == "POST":
                try:
                    payload = json.loads(body or b"{}")
                    self.limit_usage(
                        str(payload.get("family", "meta")),
                        calls=int(payload["calls"]),
                        window_seconds=float(payload["window_seconds"]),
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    return Response(
                        400, {"error": f'bad usage limit: {exc}; expected {{"calls": n, "window_seconds": s}}'}
                    )
            if method == "DELETE":
                self.usage.clear()
            return Response(200, {"usage": {name: meter.describe() for name, meter in self.usage.items()}})
        if path in ("", "/health"):
            w = self.world
            return Response(
                200,
                {
                    "status": "ok",
                    "seed": w.seed,
                    "now": w.now.isoformat(),
                    "today": w.today.isoformat(),
                    "history": [w.start.isoformat(), w.end.isoformat()],
                    "planted_kpi_drop": [str(x) for x in w.planted_kpi_drop()],
                    "planted_crisis": [str(x) for x in w.planted_crisis()],
                    "gaining_competitor": w.gaining_competitor(),
                },
            )
        return Response(404, {"error": f"unknown control path {path!r}"})


def _items(body: Any) -> list[dict]:
    """The item dicts of a response: list entries under the usual containers, else the object itself."""
    if isinstance(body, list):
        return [x for x in body if isinstance(x, dict)]
    if not isinstance(body, dict):
        return []
    if "business_discovery" in body:
        media = body["business_discovery"].get("media", {}).get("data")
        return [x for x in media if isinstance(x, dict)] if media else [body["business_discovery"]]
    for key in ("data", "items", "elements", "rows"):
        value = body.get(key)
        if isinstance(value, list):
            return [x for x in value if isinstance(x, dict)]
        if isinstance(value, dict):
            for inner in ("videos", "metrics", "user"):
                if isinstance(value.get(inner), list):
                    return [x for x in value[inner] if isinstance(x, dict)]
                if isinstance(value.get(inner), dict):
                    return [value[inner]]
            return [value]
    return [body]


def _drop(item: dict, name: str) -> None:
    head, _, rest = name.partition(".")
    if rest and isinstance(item.get(head), dict):
        _drop(item[head], rest)
    else:
        item.pop(name, None)


class _Handler(BaseHTTPRequestHandler):
    simulator: Simulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one response = headers + body; avoid 40 ms delayed-ACK stalls
    server_version = "socialpulse-simulator/1.0"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.path.lstrip("/").partition("/")[0].lower()
        with self.simulator.in_flight.request(host):
            if self.simulator.latency_seconds and not self.path.startswith(CONTROL_PREFIX):
                time.sleep(self.simulator.latency_seconds)
            try:
                resp = self.simulator.handle(self.command, self.path, dict(self.headers.items()), body)
            except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer, as a 500
                resp = Response(500, {"error": f"simulator bug: {type(exc).__name__}: {exc}"})
        data = resp.encode()
        self.send_response(resp.status)
        if data or resp.status != 304:
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in resp.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.simulator.verbose:
            super().log_message(format, *args)
