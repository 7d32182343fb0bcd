"""Google Trends and the configured feeds served by the simulator."""

from __future__ import annotations

import datetime as dt

from pipelines.config.loader import load_brands, load_settings
from pipelines.market.google_trends import GoogleTrends
from pipelines.market.rss import RssFeeds

TODAY = dt.date(2026, 11, 21)
END = TODAY - dt.timedelta(days=1)


def test_trending_searches_per_country(simulator, make_source, assert_contract) -> None:
    source = make_source(simulator, GoogleTrends)
    result = source.read(END, TODAY)
    assert_contract(source, result)
    rows = result["google_trends__trending_searches"]
    for geo in load_settings().trend_countries:
        truth = simulator.world.trending(geo)
        got = sorted((r for r in rows if r["geo"] == geo), key=lambda r: r["rank"])
        assert [(r["rank"], r["topic"], r["approx_traffic"]) for r in got] == [
            (t.rank, t.title, t.traffic) for t in truth if t.published_at.date() in (END, TODAY)
        ]
        for row, item in zip(got, truth, strict=False):
            assert row["news_titles"] == [n.title for n in item.news]


def test_search_interest_on_one_scale(simulator, make_source) -> None:
    source = make_source(simulator, GoogleTrends)
    start = END - dt.timedelta(days=13)
    rows = source.read(start, END)["google_trends__search_interest"]
    keywords = [k for b in load_brands().brands for k in b.keywords]
    countries = load_settings().trend_countries
    assert len(rows) == len(keywords) * len(countries) * 14
    # 10 keywords -> 3 requests per country (anchor + 4 others each) for one window
    assert source.stats.by_endpoint["interest_over_time"] == 3 * len(countries)
    for geo in countries:
        values = [r["interest"] for r in rows if r["geo"] == geo]
        assert max(values) <= 100.0 and min(values) >= 0.0


def test_simulated_feeds_match_ground_truth(simulator, make_source, assert_contract) -> None:
    source = make_source(simulator, RssFeeds)
    start = END - dt.timedelta(days=6)
    result = source.read(start, END)
    assert_contract(source, result)
    entries = result["rss__entries"]
    assert entries
    for feed in load_settings().feeds:
        truth = {
            e.entry_id: e for e in simulator.world.feed_entries(feed.name) if start <= e.published_at.date() <= END
        }
        got = {r["entry_id"]: r for r in entries if r["feed_url"] == feed.url}
        assert set(got) <= set(truth)
        for entry_id, row in got.items():
            assert row["matched_brands"] == sorted(truth[entry_id].mentioned_brands), row["title"]
