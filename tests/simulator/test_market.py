"""Google Trends and the RSS/Atom feeds, parsed with feedparser like the clients do."""

from __future__ import annotations

import datetime as dt
import re

import feedparser

from pipelines.simulator.market import term_pattern


def test_trending_rss_has_ht_namespace_and_own_brand(http, sim, world):
    own = world.own_brand
    for geo in world.settings.trend_countries:
        resp = http.get(sim.rewrite(f"https://trends.google.com/trending/rss?geo={geo}"))
        assert resp.status_code == 200
        parsed = feedparser.parse(resp.content)
        assert not parsed.bozo and 15 <= len(parsed.entries) <= 25
        assert all(re.fullmatch(r"\d+[KM]?\+", e.ht_approx_traffic) for e in parsed.entries)
        terms = [*own.keywords, *own.hashtags]
        assert any(any(term_pattern(t).search(e.title) for t in terms) for e in parsed.entries)
        assert "ht:news_item_title" in resp.text


def test_interest_over_time_records(http, sim, world):
    url = sim.rewrite("https://trends.google.com/trends/api/interest_over_time")
    records = http.get(
        url, params={"keywords": "Kopi Nusantara,Senja Coffee", "geo": "ID", "start": "2026-08-01", "end": "2026-10-31"}
    ).json()
    assert len(records) == 92
    assert set(records[0]) == {"date", "Kopi Nusantara", "Senja Coffee", "isPartial"}
    assert records[0]["date"] == "2026-08-01T00:00:00.000"
    assert max(max(r["Kopi Nusantara"], r["Senja Coffee"]) for r in records) == 100
    assert records[-1]["isPartial"] is True and not records[0]["isPartial"]
    weekly = http.get(url, params={"keywords": "kopi", "geo": "ID", "start": "2025-10-01", "end": "2026-10-31"}).json()
    assert 50 <= len(weekly) <= 60
    assert http.get(url, params={"keywords": "a,b,c,d,e,f"}).status_code == 400


def test_feeds_rss_and_atom_with_tricky_entries(http, sim, world):
    for feed in world.settings.feeds:
        resp = http.get(sim.rewrite(feed.url))
        assert resp.status_code == 200
        parsed = feedparser.parse(resp.content)
        assert not parsed.bozo
        assert parsed.version == ("atom10" if "atom" in feed.url else "rss20")
        truth = world.feed_entries(feed.name)
        assert len(parsed.entries) == len(truth)
        oldest = dt.date(*parsed.entries[-1].published_parsed[:3])
        assert (oldest - world.start).days < 20  # the whole history
        assert resp.headers["ETag"]
        assert http.get(sim.rewrite(feed.url), headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304
    entries = [e for f in world.settings.feeds for e in world.feed_entries(f.name)]
    assert any("kopi arabika" in e.title.lower() and not e.mentioned_brands for e in entries)
    assert any(re.search(r"[\u3040-\u30ff\u0600-\u06ff\u0400-\u04ff]", e.title) for e in entries)
    assert any(re.search(r"[éèàüñ]", e.title + e.summary) for e in entries if e.mentioned_brands)
    assert http.get(sim.rewrite("https://news.example.com/unknown/rss")).status_code == 404


def test_gaining_competitor_gains_share_of_mentions(world):
    gainer = world.gaining_competitor()
    assert gainer in {b.name for b in world.brands.competitors}

    def share(days):
        own = sum(world.mention_count(gainer, "x", d) for d in days)
        total = sum(world.mention_count(b.name, "x", d) for b in world.brands.brands for d in days)
        return own / total

    first = [world.start + dt.timedelta(days=i) for i in range(30)]
    last = [world.end - dt.timedelta(days=i) for i in range(30)]
    assert share(last) > share(first) * 1.3
