"""Feed parsing on hand-written fixtures: valid, malformed, missing dates, duplicates, Google Trends RSS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.market.feeds import parse_approx_traffic, parse_feed, parse_trending_rss, plain_text

FIXTURES = Path(__file__).parent / "fixtures"
UTC = dt.UTC


def _parse(name: str):
    return parse_feed((FIXTURES / name).read_bytes(), f"https://feeds.example.com/{name}")


def test_valid_rss_keeps_every_entry_with_utc_times_and_plain_summaries() -> None:
    feed = _parse("good.rss")
    assert feed.title == "Coffee Industry News"
    assert feed.problems == []
    assert [e.entry_id for e in feed.entries] == ["news-1001", "news-1002", "news-1003"]
    first = feed.entries[0]
    # 09:30 +07:00 is 02:30 UTC
    assert first.published_at == dt.datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
    assert first.summary == "The chain, known as #KopiNusantara, beat Java Roast to the milestone."
    assert first.author == "Rina"


def test_malformed_feed_keeps_what_is_valid_and_reports_the_rest() -> None:
    feed = _parse("malformed.rss")
    assert [e.entry_id for e in feed.entries] == ["blog-1", "blog-2"]
    assert feed.entries[0].title == "Senja Coffee & friends"
    assert any("malformed" in p for p in feed.problems)
    assert any("1 entry without id, title or link" in p for p in feed.problems)


def test_garbage_document_reads_nothing_and_says_so() -> None:
    feed = parse_feed(b"\x00\x01 this is not a feed <<<", "https://feeds.example.com/garbage")
    assert feed.entries == []
    assert len(feed.problems) == 1 and "could not be parsed" in feed.problems[0]


def test_entries_without_a_date_are_left_out_and_reported() -> None:
    feed = _parse("missing_dates.atom")
    assert [e.entry_id for e in feed.entries] == ["urn:food-blog:1", "urn:food-blog:2"]
    # no <published>: the <updated> time (07:00 +07:00 = 00:00 UTC) is used
    assert feed.entries[1].published_at == dt.datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    assert feed.problems == [
        "feed https://feeds.example.com/missing_dates.atom: 2 entries without a published or updated date left out "
        "(an entry must have a date to be counted on exactly one day)"
    ]


def test_duplicate_ids_or_links_are_counted_once() -> None:
    feed = _parse("duplicates.rss")
    # agg-1 twice (same guid) and once more by link: the first occurrence wins
    assert [(e.entry_id, e.title) for e in feed.entries] == [
        ("agg-1", "Arabika launches a cold brew"),
        ("https://agg.example.com/a2", "No guid, own link"),
    ]
    assert any("2 duplicate entries" in p for p in feed.problems)


def test_trending_rss_keeps_every_news_item_and_reports_bad_items() -> None:
    items, problems = parse_trending_rss((FIXTURES / "trending_id.rss").read_bytes())
    assert [(i.rank, i.topic, i.approx_traffic) for i in items] == [
        (1, "kopi nusantara", 20_000),
        (2, "timnas", 1_000),
        (4, "hujan", None),
    ]
    assert items[0].news_titles == ("Kopi Nusantara buka gerai baru", "Antrean panjang di Jakarta")
    assert items[0].published_at == dt.datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    # 23:00 -07:00 on the 20th is 06:00 UTC on the 21st
    assert items[1].published_at == dt.datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
    assert len(problems) == 2


def test_trending_rss_not_xml() -> None:
    items, problems = parse_trending_rss(b"<rss><channel><item>")
    assert items == [] and "not valid XML" in problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("200+", 200),
        ("2000+", 2000),
        ("1,000+", 1000),
        ("20K+", 20_000),
        ("1M+", 1_000_000),
        ("2.5K+", 2500),
        ("", None),
        (None, None),
        ("lots", None),
    ],
)
def test_parse_approx_traffic(text: str | None, expected: int | None) -> None:
    assert parse_approx_traffic(text) == expected


def test_plain_text() -> None:
    assert plain_text("<p>Hello <b>world</b> &amp; more</p>") == "Hello world & more"
    assert plain_text(None) == ""
