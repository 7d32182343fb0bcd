"""Faults asked of the simulator: missing and new fields, malformed JSON, repeated 500s, rate limits."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from pipelines.http import ApiAuthError, ApiError, MalformedResponseError
from pipelines.market.google_trends import GoogleTrends
from pipelines.market.instagram import InstagramCompetitors
from pipelines.market.tiktok import TikTokCompetitors
from pipelines.market.x import XCompetitors

END = dt.date(2026, 11, 20)


def test_missing_optional_field_is_null_with_a_warning(simulator, make_source) -> None:
    simulator.faults.add("missing_field", path_contains="business_discovery", field="like_count")
    source = make_source(simulator, InstagramCompetitors)
    posts = source.read(END, END)["instagram__competitor_posts"]
    assert posts and all(p["reactions"] is None for p in posts)
    assert all(p["comments"] is not None for p in posts)
    assert any("like_count" in w for w in source.warnings)


def test_missing_profile_count_is_null_with_a_warning(simulator, make_source) -> None:
    simulator.faults.add("missing_field", path_contains="users/by", field="public_metrics.followers_count")
    source = make_source(simulator, XCompetitors, settings_overrides={"post_lookback_days": 2})
    profiles = source.read(END, END)["x__competitor_profiles"]
    assert len(profiles) == 5 and all(p["followers"] is None and p["following"] is not None for p in profiles)
    assert any("followers_count" in w for w in source.warnings)


def test_new_field_is_reported_once(simulator, make_source) -> None:
    simulator.faults.add("extra_field", path_contains="research/video", field="brand_safety_score")
    source = make_source(simulator, TikTokCompetitors, settings_overrides={"post_lookback_days": 10})
    source.read(END, END)
    new = [w for w in source.warnings if "brand_safety_score" in w]
    assert new == ["new field 'brand_safety_score' in research videos ignored"]


def test_malformed_json_is_a_clear_error(simulator, make_source) -> None:
    simulator.faults.add("malformed_json", path_contains="interest_over_time", times=2)
    source = make_source(simulator, GoogleTrends)
    with pytest.raises(MalformedResponseError) as err:
        source.read(END, END)
    assert "not valid JSON" in str(err.value)


def test_repeated_500_gives_up_after_the_bound(simulator, make_source) -> None:
    simulator.faults.add("status", path_contains="research/user", status=500, times=0)
    source = make_source(simulator, TikTokCompetitors, http={"max_retries": 2})
    with pytest.raises(ApiError) as err:
        source.read(END, END)
    assert "gave up after 3 attempt(s)" in str(err.value)
    # every account is tried (side by side, MarketSource.each), each within the bound: 1 attempt + 2 retries
    accounts = len(source.brands.accounts_on("tiktok"))
    assert accounts > 1
    assert source.stats.retries == 2 * accounts and source.stats.calls == 3 * accounts


def test_trends_429_is_retried(simulator, make_source) -> None:
    simulator.faults.add("status", path_contains="trending/rss", status=429, retry_after=0, times=1)
    source = make_source(simulator, GoogleTrends)
    result = source.read(END, dt.date(2026, 11, 21))
    assert result["google_trends__trending_searches"]
    assert source.stats.retries == 1


def test_tiktok_expired_token_with_canary(simulator, make_source, caplog) -> None:
    canary = "CANARY-market-tiktok-7f3a9"
    simulator.faults.add("expired_token", path_contains="research", times=0)
    source = make_source(simulator, TikTokCompetitors, credentials={"research_token": canary})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiAuthError) as err:
        source.read(END, END)
    assert "TIKTOK_RESEARCH_ACCESS_TOKEN" in str(err.value)
    assert canary not in str(err.value) and canary not in caplog.text


def test_missing_token_names_the_variable(simulator, make_source) -> None:
    source = make_source(simulator, TikTokCompetitors, credentials={"research_token": None})
    with pytest.raises(ApiAuthError, match="TIKTOK_RESEARCH_ACCESS_TOKEN"):
        source.read(END, END)
