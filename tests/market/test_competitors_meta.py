"""Instagram (business_discovery) and Facebook competitor readers against the simulator."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from pipelines.config.loader import load_brands
from pipelines.config.models import Brand, BrandsConfig
from pipelines.http import ApiAuthError
from pipelines.market.facebook import FacebookCompetitors
from pipelines.market.instagram import InstagramCompetitors

TODAY = dt.date(2026, 11, 21)  # the simulator fixture's today
END = TODAY - dt.timedelta(days=1)
LOOKBACK = 60


def _expected_posts(sim, platform: str, account_id: str) -> dict[str, object]:
    """Posts of the local days (settings.timezone) of the lookback, the days a snapshot covers."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(sim.world.settings.timezone)
    first = END - dt.timedelta(days=LOOKBACK - 1)
    posts = sim.world.posts(platform, account_id, first - dt.timedelta(days=1), END + dt.timedelta(days=1))
    return {p.post_id: p for p in posts if first <= p.published_at.astimezone(zone).date() <= END}


def test_instagram_profiles_and_posts_across_pages(simulator, make_source, assert_contract) -> None:
    source = make_source(simulator, InstagramCompetitors, settings_overrides={"post_lookback_days": LOOKBACK})
    source.page_size = 10
    result = source.read(END, END)
    assert_contract(source, result)
    profiles = result["instagram__competitor_profiles"]
    posts = result["instagram__competitor_posts"]
    brands = load_brands()
    assert [p["brand"] for p in profiles] == [b.name for b, _ in brands.accounts_on("instagram")]
    for brand, account in brands.accounts_on("instagram"):
        profile = next(p for p in profiles if p["brand"] == brand.name)
        assert profile["followers"] == simulator.world.followers_now("instagram", account.id)
        assert profile["snapshot_date"] == END and profile["total_views"] is None
        expected = _expected_posts(simulator, "instagram", account.id)
        got = {p["post_id"]: p for p in posts if p["brand"] == brand.name}
        assert set(got) == set(expected)
        for post_id, row in got.items():
            truth = expected[post_id]
            assert row["published_at"] == truth.published_at
            assert set(row["hashtags"]) >= {t.lower().lstrip("#") for t in truth.hashtags}
            assert row["views"] is None and row["shares"] is None
            assert row["content_type"] == truth.content_type
    # several media pages per brand were followed (10 media a page)
    assert source.stats.by_endpoint["business_discovery"] > len(profiles) * 2
    assert source.warnings == []


def test_facebook_profiles_and_posts_across_pages(simulator, make_source, assert_contract) -> None:
    source = make_source(simulator, FacebookCompetitors, settings_overrides={"post_lookback_days": LOOKBACK})
    source.page_size = 25
    result = source.read(END, END)
    assert_contract(source, result)
    posts = result["facebook__competitor_posts"]
    for brand, account in load_brands().accounts_on("facebook"):
        expected = _expected_posts(simulator, "facebook", account.id)
        got = {p["post_id"]: p for p in posts if p["brand"] == brand.name}
        assert set(got) == set(expected)
        now = simulator.world.now
        for post_id, row in got.items():
            metrics = expected[post_id].metrics(now)
            assert row["reactions"] == metrics["reactions"]
            assert row["comments"] == metrics["comments"]
            assert row["shares"] == metrics["shares"]
    assert sum(v for k, v in source.stats.by_endpoint.items() if k.startswith("posts of Page")) > 5


def test_instagram_retries_a_429_then_succeeds(simulator, make_source) -> None:
    simulator.faults.add("status", path_contains="17841400000000001", status=429, retry_after=0, times=1)
    source = make_source(simulator, InstagramCompetitors)
    result = source.read(END, END)
    assert len(result["instagram__competitor_profiles"]) == 5
    assert source.stats.retries == 1


def test_expired_token_names_the_variable_and_never_the_token(simulator, make_source, caplog) -> None:
    canary = "CANARY-market-ig-7f3a9"
    simulator.faults.add("expired_token", path_contains="business_discovery", times=0)
    source = make_source(simulator, InstagramCompetitors, credentials={"access_token": canary})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiAuthError) as err:
        source.read(END, END)
    assert "INSTAGRAM_ACCESS_TOKEN" in str(err.value)
    assert canary not in str(err.value)
    assert canary not in caplog.text
    assert all(canary not in w for w in source.warnings)


def test_a_brand_added_to_brands_yaml_is_read_without_code_change(make_source) -> None:
    from pipelines.simulator import Simulator

    base = load_brands()
    extra = Brand(
        name="Tuku Baru",
        keywords=["Tuku Baru"],
        hashtags=["tukubaru"],
        accounts={"instagram": {"id": "17841400000000099", "handle": "tukubaru"}},
    )
    brands = BrandsConfig(brands=[*base.brands, extra])
    with Simulator(seed=7, today=TODAY, brands=brands) as sim:
        source = make_source(sim, InstagramCompetitors, brands=brands)
        result = source.read(END, END)
    assert "Tuku Baru" in {p["brand"] for p in result["instagram__competitor_profiles"]}


def test_a_throttled_brand_is_deferred_and_the_source_completes(simulator, make_source) -> None:
    """One competitor's lookups are throttled for 10 minutes (longer than a request may wait): that brand is set
    aside, the others are read, and it is read once its throttle is over; every profile arrives."""
    brands = load_brands()
    pairs = brands.accounts_on("instagram")
    throttled_brand, throttled = pairs[-1]
    simulator.faults.add("throttle", path_contains=throttled.handle.lstrip("@"), seconds=600, code=80002)
    http = {"throttle": {"max_wait_seconds": 60, "max_deferrals": 3, "max_deferred_wait_seconds": 3600}}
    source = make_source(simulator, InstagramCompetitors, http=http, sleep=simulator.advance)
    result = source.read(END, END)
    assert [p["brand"] for p in result["instagram__competitor_profiles"]] == [b.name for b, _ in pairs]
    assert source.stats.throttled >= 1
    assert throttled_brand.name in {p["brand"] for p in result["instagram__competitor_posts"]}
