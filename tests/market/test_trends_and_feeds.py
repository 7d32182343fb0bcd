"""Google Trends and the configured feeds served by the simulator. Days are local days (Asia/Jakarta, UTC+7)
of the items' UTC timestamps; the truth is cut from the simulator's timestamps."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pipelines.config.loader import load_brands, load_settings
from pipelines.market.google_trends import GoogleTrends
from pipelines.market.rss import RssFeeds

TODAY = dt.date(2026, 11, 21)
END = TODAY - dt.timedelta(days=1)
JAKARTA = ZoneInfo("Asia/Jakarta")


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(JAKARTA).date()


def test_trending_searches_per_country(simulator, make_source, assert_contract) -> None:
    source = make_source(simulator, GoogleTrends)
    result = source.read(END, TODAY)
    assert_contract(source, result)
    rows = result["google_trends__trending_searches"]
    for geo in load_settings().trend_countries:
        truth = simulator.world.trending(geo)
        got = sorted((r for r in rows if r["geo"] == geo), key=lambda r: r["rank"])
        assert [(r["rank"], r["topic"], r["approx_traffic"], r["metric_date"]) for r in got] == [
            (t.rank, t.title, t.traffic, local_day(t.published_at)) for t in truth
        ]
        for row, item in zip(got, truth, strict=True):
            assert row["news_titles"] == [n.title for n in item.news]


def test_trending_searches_land_on_the_local_day_of_their_pubdate(simulator, make_source) -> None:
    """The feed read on 2026-11-21 holds items published 2026-11-20 00:00Z..23:00Z, i.e. 07:00 on the 20th to
    06:00 on the 21st in Jakarta: a window of the 21st alone keeps exactly those published from 17:00Z."""
    source = make_source(simulator, GoogleTrends)
    rows = source.read(TODAY, TODAY)["google_trends__trending_searches"]
    for geo in load_settings().trend_countries:
        truth = simulator.world.trending(geo)
        late = [t.title for t in truth if t.published_at >= dt.datetime(2026, 11, 20, 17, tzinfo=dt.UTC)]
        assert [r["topic"] for r in sorted(rows, key=lambda r: r["rank"]) if r["geo"] == geo] == late
        assert 0 < len(late) < len(truth)  # some items are on each side of the local midnight


def test_search_interest_on_one_scale(simulator, make_source) -> None:
    source = make_source(simulator, GoogleTrends)
    start = END - dt.timedelta(days=13)
    rows = source.read(start, END)["google_trends__search_interest"]
    keywords = [k for b in load_brands().brands for k in b.keywords]
    countries = load_settings().trend_countries
    assert len(rows) == len(keywords) * len(countries) * 14
    # 9 keywords: the anchor + 8 others, 4 others per request -> 2 requests per country for one window
    assert len(keywords) == 9
    assert source.stats.by_endpoint["interest_over_time"] == 2 * len(countries)
    for geo in countries:
        values = [r["interest"] for r in rows if r["geo"] == geo]
        assert max(values) <= 100.0 and min(values) >= 0.0


def test_simulated_feeds_match_ground_truth(simulator, make_source, assert_contract) -> None:
    """Every served entry of the window is loaded, and the matcher agrees with the simulator on each one
    (tricky look-alikes such as "Kenangan Brewery", "#senjacoffeeshop", "kopi arabika" included)."""
    source = make_source(simulator, RssFeeds)
    start = END - dt.timedelta(days=179)
    result = source.read(start, END)
    assert_contract(source, result)
    entries = result["rss__entries"]
    expected_counts: dict[tuple[str, dt.date], int] = {}
    for feed in load_settings().feeds:
        truth = {
            e.entry_id: e for e in simulator.world.feed_entries(feed.name) if start <= local_day(e.published_at) <= END
        }
        got = {r["entry_id"]: r for r in entries if r["feed_url"] == feed.url}
        assert set(got) == set(truth) and len(got) > 50
        for entry_id, row in got.items():
            assert row["matched_brands"] == sorted(truth[entry_id].mentioned_brands), row["title"]
            assert row["published_at"] == truth[entry_id].published_at
            assert row["metric_date"] == local_day(truth[entry_id].published_at)
            for brand in truth[entry_id].mentioned_brands:
                key = (brand, local_day(truth[entry_id].published_at))
                expected_counts[key] = expected_counts.get(key, 0) + 1
    counts = {(r["brand"], r["metric_date"]): r["mention_count"] for r in result["rss__mention_counts"]}
    assert {k: v for k, v in counts.items() if v} == expected_counts
    assert len(result["rss__mentions"]) == sum(expected_counts.values())
    assert source.warnings == []
