"""Shared fixtures of the market source tests: one simulator per module and a source builder.

def test_something(simulator, make_source, assert_contract):
    source = make_source(simulator, XMentions)      # simulator tokens, fast HTTP settings, sim.rewrite
    result = source.read(start, end)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import polars as pl
import pytest

from pipelines.config.loader import load_brands, load_settings
from pipelines.config.models import BrandsConfig
from pipelines.http import Redactor
from pipelines.market.base import MarketSource
from pipelines.platforms.base import ClientContext, Row
from tests.platforms.helpers import TODAY, clean_faults, fast_http, posts_in_local_days, simulator, simulator_tokens

__all__ = ["clean_faults", "simulator"]  # fixtures shared with tests/platforms, registered by this import


@pytest.fixture
def make_source() -> Any:
    """The builder below as a fixture (test modules of this folder do not import the conftest)."""
    return build_source


@pytest.fixture
def assert_contract() -> Any:
    return check_contract


@pytest.fixture
def local_posts() -> Any:
    """`posts_in_local_days(sim, platform, account_id, first, last)` as a fixture."""
    return posts_in_local_days


def build_source(
    sim: Any,
    source: type[MarketSource],
    *,
    brands: BrandsConfig | None = None,
    credentials: Mapping[str, str | None] | None = None,
    http: Mapping[str, Any] | None = None,
    settings_overrides: Mapping[str, Any] | None = None,
    **context: Any,
) -> MarketSource:
    tokens = simulator_tokens(sim)
    if credentials is None:
        credentials = {c.name: tokens.get(c.simulator_key) for c in source.credentials}
    settings = load_settings().model_copy(update={"http": fast_http(http), **(settings_overrides or {})})
    fields: dict[str, Any] = {
        "settings": settings,
        "base_urls": {key: sim.base_url(url) for key, url in source.api_bases.items()},
        "credentials": dict(credentials),
        "redactor": Redactor(),
        "today": sim.world.today if hasattr(sim, "world") else TODAY,
        "now": sim.world.now if hasattr(sim, "world") else dt.datetime.combine(TODAY, dt.time(), dt.UTC),
        "log": logging.getLogger(f"socialpulse.market.{source.name}"),
    }
    fields.update(context)
    return source(ClientContext(**fields), brands or load_brands(), rewrite=sim.rewrite)


def check_contract(source: MarketSource, result: Mapping[str, list[Row]]) -> None:
    """Every table present, rows with exactly the contract columns, and a frame with the contract types builds."""
    assert set(result) == {t.name for t in source.tables}
    for table in source.tables:
        rows = result[table.name]
        for row in rows:
            assert set(row) == set(table.columns), (table.name, set(row) ^ set(table.columns))
        frame = pl.DataFrame(rows, schema=table.columns, orient="row") if rows else pl.DataFrame(schema=table.columns)
        assert frame.height == len(rows)
        if rows:
            keys = frame.select(table.key)
            assert keys.is_duplicated().sum() == 0, f"duplicate keys in {table.name}"


@pytest.fixture
def local_mentions() -> Any:
    """`mentions_in_local_days(sim, brand, source, first, last)` as a fixture."""
    return mentions_in_local_days


def mentions_in_local_days(sim: Any, brand: str, source: str, first: dt.date, last: dt.date) -> list[Any]:
    """Ground truth: the world's true mentions of `brand` whose day in the partition timezone is in [first, last].

    `world.mentions` and `world.mention_count` work on UTC days; the market sources put an item on the local day
    of its UTC timestamp (PlatformClient.local_date_of), so the local days are cut from the items' timestamps.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(sim.world.settings.timezone)
    items = sim.world.mentions(brand, source, first - dt.timedelta(days=1), last + dt.timedelta(days=1))
    return [m for m in items if first <= m.created_at.astimezone(zone).date() <= last]
