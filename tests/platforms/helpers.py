"""Shared helpers of the tests that talk to the simulator (tests/platforms and tests/market).

Imported as `from tests.platforms.helpers import ...` (pyproject puts the repository root on sys.path). The two
conftests import the `simulator` and `clean_faults` fixtures from here, so each test module gets one simulator:

    def test_something(simulator):
        ctx = make_context(simulator, "facebook")             # tokens of the simulator, fast HTTP settings
        client = FacebookClient(ctx)

`make_context(sim, platform, credentials=None, http=None)`:
- `platform` is a platform name from the catalog ("x", "youtube"...) or a PlatformClient class;
- the base URLs map each key of the platform's `spec.api_bases` through `sim.base_url(real_url)`;
- `credentials` default to the simulator's token for each `Credential.simulator_key` of the spec;
- `http` is an `HttpSettings` or a dict of overrides of the fast test defaults below (small retries/backoff so
  fault tests stay quick);
- the client's clock (`now`) is the simulator's (`sim.world.now`), as in simulator mode.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipelines.config.models import HttpSettings, Settings
from pipelines.http import ApiError, Redactor
from pipelines.platforms.base import ClientContext, PlatformClient, PlatformSpec

SEED = 7
TODAY = dt.date(2026, 11, 21)

# Fast defaults: a failing test gives up in well under a second of backoff (Retry-After from faults excepted);
# throttling waits are short too (tests of long throttles pass a fake sleep that advances the simulator's clock).
TEST_HTTP = {
    "timeout_seconds": 5,
    "max_retries": 2,
    "max_total_seconds": 20,
    "backoff_base_seconds": 0.01,
    "backoff_max_seconds": 0.05,
    "throttle": {"pause_seconds": 0.01, "max_pause_seconds": 0.05, "unknown_wait_seconds": 0.01, "max_wait_seconds": 5},
}


def start_simulator(tokens: dict[str, str] | None = None) -> Any:
    """A Simulator of seed 7, today 2026-11-21 and the configured brands (use it as a context manager)."""
    from pipelines.config.loader import load_brands
    from pipelines.simulator import Simulator

    return Simulator(seed=SEED, today=TODAY, brands=load_brands(), tokens=tokens)


@pytest.fixture(scope="module")
def simulator() -> Iterator[Any]:
    """The offline platform simulator on 127.0.0.1 (seed 7, today 2026-11-21), one per test module."""
    with start_simulator() as sim:
        yield sim


@pytest.fixture(autouse=True)
def clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults asked by one test never leak into the next one (the simulator is shared by the module)."""
    yield
    if "simulator" in request.fixturenames:
        sim = request.getfixturevalue("simulator")
        faults = getattr(sim, "faults", None)
        clear = getattr(faults, "clear", None)
        if callable(clear):
            clear()


def spec_of(platform: str | type[PlatformClient] | PlatformSpec) -> PlatformSpec:
    """The PlatformSpec of a platform name, a client class or a spec."""
    if isinstance(platform, PlatformSpec):
        return platform
    if isinstance(platform, str):
        from pipelines.platforms.catalog import platform_spec

        return platform_spec(platform)
    return platform.spec


def simulator_tokens(sim: Any) -> Mapping[str, str]:
    """The tokens the simulator accepts (its instance tokens if it has them, else the class defaults)."""
    tokens = getattr(sim, "tokens", None)
    if isinstance(tokens, Mapping):
        return tokens
    return type(sim).DEFAULT_TOKENS


def make_settings(http: HttpSettings | Mapping[str, Any] | None = None, **overrides: Any) -> Settings:
    """Settings with the fast HTTP defaults, `http` overriding them (a dict of fields or a full HttpSettings)."""
    return Settings(http=fast_http(http), **overrides)


def fast_http(http: HttpSettings | Mapping[str, Any] | None = None) -> HttpSettings:
    """HttpSettings with the fast test defaults, `http` overriding them (a dict of fields or a full HttpSettings;
    a `throttle` dict overrides the throttle defaults field by field)."""
    if isinstance(http, HttpSettings):
        return http
    fields = {**TEST_HTTP, **(http or {})}
    fields["throttle"] = {**TEST_HTTP["throttle"], **(http or {}).get("throttle", {})}
    return HttpSettings(**fields)


def make_context(
    sim: Any,
    platform: str | type[PlatformClient] | PlatformSpec,
    credentials: Mapping[str, str | None] | None = None,
    http: HttpSettings | Mapping[str, Any] | None = None,
    **overrides: Any,
) -> ClientContext:
    """A ClientContext pointing the platform's API bases at the simulator, with the simulator's tokens.

    Extra keyword arguments go to ClientContext (e.g. `today=`, `sleep=`, `log=`, `settings=`).
    """
    spec = spec_of(platform)
    tokens = simulator_tokens(sim)
    if credentials is None:
        credentials = {c.name: tokens.get(c.simulator_key) for c in spec.credentials}
    fields: dict[str, Any] = {
        "settings": make_settings(http),
        "base_urls": {key: sim.base_url(url) for key, url in spec.api_bases.items()},
        "credentials": dict(credentials),
        "redactor": Redactor(),
        "today": sim.world.today if hasattr(sim, "world") else TODAY,
        "now": sim.world.now if hasattr(sim, "world") else dt.datetime.combine(TODAY, dt.time(), dt.UTC),
        "log": logging.getLogger(f"socialpulse.platforms.{spec.name}"),
    }
    fields.update(overrides)
    return ClientContext(**fields)


def posts_in_local_days(
    sim: Any, platform: str, account_id: str, first: dt.date, last: dt.date, zone: str | None = None
) -> list[Any]:
    """Ground truth: the world's posts whose day in `zone` (default: the partition timezone, settings.timezone)
    is in [first, last].

    The clients assign a post to the local day of its UTC timestamp (PlatformClient.local_date_of).
    """
    tz = ZoneInfo(zone or sim.world.settings.timezone)
    posts = sim.world.posts(platform, account_id, first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    return [p for p in posts if first <= p.published_at.astimezone(tz).date() <= last]


def errors_under_faults(
    sim: Any, faults: Iterable[tuple[str, str, Mapping[str, Any]]], call: Callable[[], Any]
) -> list[ApiError]:
    """The ApiError `call()` raises under each fault `(kind, path_contains, options)`, one fault at a time.

    Every fault is cleared afterwards.
    """
    errors: list[ApiError] = []
    for kind, path, options in faults:
        sim.faults.clear()
        sim.faults.add(kind, path_contains=path, **options)
        with pytest.raises(ApiError) as info:
            call()
        errors.append(info.value)
    sim.faults.clear()
    return errors
