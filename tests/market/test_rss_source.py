"""The RSS source over real HTTP (pytest-httpserver) with the hand-written fixtures: broken feeds load what is
valid and report the rest; loading day after day counts every entry once."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from pipelines.config.loader import load_brands
from pipelines.config.models import Feed, HttpSettings, Settings
from pipelines.http import ApiError, Redactor
from pipelines.market.rss import RssFeeds
from pipelines.platforms.base import ClientContext

FIXTURES = Path(__file__).parent / "fixtures"
FEEDS = {
    "good": "https://news.example.com/coffee/rss",
    "malformed": "https://blog.example.com/broken.xml",
    "missing_dates": "https://blog.example.com/atom.xml",
    "duplicates": "https://agg.example.com/feed",
}
FILES = {
    "good": "good.rss",
    "malformed": "malformed.rss",
    "missing_dates": "missing_dates.atom",
    "duplicates": "duplicates.rss",
}


@pytest.fixture
def feed_server(httpserver):
    for name, url in FEEDS.items():
        path = "/" + url.split("://", 1)[1]
        httpserver.expect_request(path).respond_with_data(
            (FIXTURES / FILES[name]).read_bytes(), content_type="application/rss+xml"
        )
    return httpserver


def _source(server, feeds=None) -> RssFeeds:
    settings = Settings(
        http=HttpSettings(timeout_seconds=5, max_retries=1, backoff_base_seconds=0.01, backoff_max_seconds=0.02),
        feeds=[Feed(name=n, url=u) for n, u in (feeds or FEEDS).items()],
    )
    context = ClientContext(
        settings=settings,
        base_urls={},
        credentials={},
        redactor=Redactor(),
        today=dt.date(2026, 11, 21),
        log=logging.getLogger("socialpulse.market.rss"),
    )
    rewrite = lambda url: server.url_for("/" + url.split("://", 1)[1])  # noqa: E731
    return RssFeeds(context, load_brands(), rewrite=rewrite)


def test_every_valid_entry_is_loaded_and_problems_are_reported(feed_server) -> None:
    source = _source(feed_server)
    result = source.read(dt.date(2026, 11, 18), dt.date(2026, 11, 21))
    entries = result["rss__entries"]
    by_feed: dict[str, list[str]] = {}
    for row in entries:
        by_feed.setdefault(row["feed_url"], []).append(row["entry_id"])
    assert by_feed == {
        FEEDS["good"]: ["news-1001", "news-1002", "news-1003"],
        FEEDS["malformed"]: ["blog-1", "blog-2"],
        FEEDS["missing_dates"]: ["urn:food-blog:1", "urn:food-blog:2"],
        FEEDS["duplicates"]: ["agg-1", "https://agg.example.com/a2"],
    }
    # the configured URL is stored, not the rewritten one
    assert all(row["feed_url"].startswith("https://") for row in entries)
    text = "\n".join(source.warnings)
    assert "malformed" in text and "without a published or updated date" in text and "duplicate" in text
    assert source.stats.calls == 4


def test_matches_brands_and_counts_each_entry_on_its_day(feed_server) -> None:
    source = _source(feed_server)
    result = source.read(dt.date(2026, 11, 18), dt.date(2026, 11, 21))
    entries = {row["entry_id"]: row for row in result["rss__entries"]}
    assert entries["news-1001"]["matched_brands"] == ["Java Roast Co", "Kopi Nusantara"]
    assert entries["news-1001"]["matched_keywords"] == ["Kopi Nusantara", "#kopinusantara", "Java Roast"]
    assert entries["news-1001"]["metric_date"] == dt.date(2026, 11, 20)  # 09:30 +07:00 = 02:30 UTC
    assert entries["news-1002"]["matched_brands"] == []  # "kopi arabika", "biji arabika" are excluded phrases
    # local days of settings.timezone (Asia/Jakarta): 23:10 UTC on the 19th is 06:10 on the 20th
    assert entries["news-1002"]["metric_date"] == dt.date(2026, 11, 20)
    assert entries["news-1003"]["metric_date"] == dt.date(2026, 11, 18)  # 01:00 UTC = 08:00 in Jakarta
    assert entries["urn:food-blog:1"]["matched_brands"] == ["Kenangan Brew"]
    counts = {(r["brand"], r["metric_date"]): r["mention_count"] for r in result["rss__mention_counts"]}
    assert len(counts) == 5 * 4  # every brand, every day of the window, zeros included
    assert counts[("Kopi Nusantara", dt.date(2026, 11, 20))] == 1
    assert counts[("Arabika", dt.date(2026, 11, 20))] == 1  # agg-1 once, its repost and same-link copy dropped
    assert counts[("Senja Coffee", dt.date(2026, 11, 20))] == 1
    assert sum(counts.values()) == len(result["rss__mentions"]) == 5
    mentions = {(m["brand"], m["mention_id"]) for m in result["rss__mentions"]}
    assert ("Arabika", "https://agg.example.com/a1") in mentions


def test_daily_runs_never_count_an_entry_twice(feed_server) -> None:
    """Emulate the loader (replace the window's partitions) over four daily runs that all see the same feeds."""
    warehouse: dict[tuple[str, dt.date], list[dict]] = {}
    for day in (dt.date(2026, 11, 18), dt.date(2026, 11, 19), dt.date(2026, 11, 20), dt.date(2026, 11, 21)):
        for start in (day - dt.timedelta(days=1), day):  # overlapping windows, as a lookback would do
            result = _source(feed_server).read(start, day)
            for table, rows in result.items():
                column = "metric_date"
                for d in (start + dt.timedelta(days=i) for i in range((day - start).days + 1)):
                    warehouse[(table, d)] = [r for r in rows if r[column] == d]
    entries = [r for (table, _), rows in warehouse.items() if table == "rss__entries" for r in rows]
    keys = [(r["feed_url"], r["entry_id"]) for r in entries]
    assert len(keys) == len(set(keys)) == 9
    mentions = [r for (table, _), rows in warehouse.items() if table == "rss__mentions" for r in rows]
    assert len(mentions) == len({(m["brand"], m["mention_id"]) for m in mentions}) == 5
    total = sum(
        r["mention_count"] for (table, _), rows in warehouse.items() if table == "rss__mention_counts" for r in rows
    )
    assert total == 5


def test_an_unreachable_feed_fails_the_run_with_a_clear_error(feed_server) -> None:
    feeds = {**FEEDS, "gone": "https://gone.example.com/rss"}
    feed_server.expect_request("/gone.example.com/rss").respond_with_data("not here", status=404)
    with pytest.raises(ApiError) as err:
        _source(feed_server, feeds).read(dt.date(2026, 11, 18), dt.date(2026, 11, 21))
    assert "1 of 5 feed(s)" in str(err.value) and "gone" in str(err.value) and "settings.yaml" in str(err.value)
