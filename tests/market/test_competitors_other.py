"""X, YouTube and TikTok (Research API) competitor readers against the simulator."""

from __future__ import annotations

import datetime as dt

from pipelines.config.loader import load_brands
from pipelines.market.tiktok import TikTokCompetitors
from pipelines.market.x import XCompetitors
from pipelines.market.youtube import YouTubeCompetitors

TODAY = dt.date(2026, 11, 21)
END = TODAY - dt.timedelta(days=1)


def _check(simulator, result, platform: str, lookback: int, local_posts) -> None:
    profiles = result[f"{platform}__competitor_profiles"]
    posts = result[f"{platform}__competitor_posts"]
    pairs = load_brands().accounts_on(platform)
    assert [p["brand"] for p in profiles] == [b.name for b, _ in pairs]
    first = END - dt.timedelta(days=lookback - 1)
    for brand, account in pairs:
        profile = next(p for p in profiles if p["brand"] == brand.name)
        followers = simulator.world.followers_now(platform, account.id)
        # YouTube shows subscriberCount with 3 significant figures (rounded down)
        assert profile["followers"] is not None and abs(profile["followers"] - followers) <= followers * 0.01
        # posts of the local days (settings.timezone) of the lookback, the days a snapshot covers
        truth = {p.post_id: p for p in local_posts(simulator, platform, account.id, first, END)}
        got = {p["post_id"]: p for p in posts if p["brand"] == brand.name}
        assert set(got) == set(truth), brand.name
        for post_id, row in got.items():
            assert row["published_at"] == truth[post_id].published_at
            assert row["snapshot_date"] == END
            assert set(row["hashtags"]) >= {t.lower().lstrip("#") for t in truth[post_id].hashtags}


def test_x_competitors(simulator, make_source, assert_contract, local_posts) -> None:
    source = make_source(simulator, XCompetitors, settings_overrides={"post_lookback_days": 30})
    result = source.read(END, END)
    assert_contract(source, result)
    _check(simulator, result, "x", 30, local_posts)
    assert source.stats.by_endpoint["users/by"] == 1
    assert source.stats.by_endpoint["users/tweets"] > 5  # 100 posts a page: several pages per busy brand


def test_youtube_competitors(simulator, make_source, assert_contract, local_posts) -> None:
    source = make_source(simulator, YouTubeCompetitors, settings_overrides={"post_lookback_days": 120})
    result = source.read(END, END)
    assert_contract(source, result)
    _check(simulator, result, "youtube", 120, local_posts)
    for row in result["youtube__competitor_posts"]:
        assert row["shares"] is None and row["content_type"] in ("short", "video")


def test_tiktok_competitors(simulator, make_source, assert_contract, local_posts) -> None:
    source = make_source(simulator, TikTokCompetitors, settings_overrides={"post_lookback_days": 60})
    result = source.read(END, END)
    assert_contract(source, result)
    _check(simulator, result, "tiktok", 60, local_posts)
    # 60 days = two windows of at most 30 days per brand
    assert source.stats.by_endpoint["v2/research/video/query/"] >= 10
