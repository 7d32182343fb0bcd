"""Parse RSS/Atom feeds (feedparser) and the Google Trends trending-searches RSS (ElementTree).

Both parsers are pure: they take the document bytes (fetched by the caller through the shared HTTP session) and
return what is valid plus a list of problems in words a person can act on. A broken feed never raises: whatever
feedparser recovers is kept, entries without a date or with a repeated id are left out and reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import feedparser

_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")


def plain_text(value: str | None) -> str:
    """HTML fragment -> text (feed summaries are HTML)."""
    if not value:
        return ""
    text = _SPACES.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def _to_utc(parsed: time.struct_time | None) -> dt.datetime | None:
    if parsed is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
    except (OverflowError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    title: str
    link: str | None
    published_at: dt.datetime
    summary: str
    author: str | None


@dataclass
class ParsedFeed:
    url: str
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_feed(content: bytes | str, url: str) -> ParsedFeed:
    """Valid entries of one RSS/Atom document; duplicates (same id or link) and undated entries are reported."""
    doc = feedparser.parse(content)
    title = plain_text(doc.feed.get("title")) or None
    parsed = ParsedFeed(url=url, title=title)
    raw_entries = list(doc.entries)
    if doc.get("bozo"):
        reason = type(doc.get("bozo_exception")).__name__
        detail = str(doc.get("bozo_exception") or "")[:120]
        if raw_entries:
            parsed.problems.append(
                f"feed {url} is malformed ({reason}: {detail}); feedparser recovered {len(raw_entries)} "
                "entries, the valid ones are kept - ask the publisher to fix the feed"
            )
        else:
            parsed.problems.append(f"feed {url} could not be parsed ({reason}: {detail}); no entries read")
            return parsed
    seen: set[str] = set()
    undated = duplicates = unusable = 0
    for item in raw_entries:
        link = (item.get("link") or "").strip() or None
        entry_title = plain_text(item.get("title"))
        published = _to_utc(item.get("published_parsed")) or _to_utc(item.get("updated_parsed"))
        if not link and not entry_title and not item.get("id"):
            unusable += 1
            continue
        if published is None:
            undated += 1
            continue
        entry_id = (item.get("id") or "").strip() or link or _fingerprint(entry_title, published)
        keys = {entry_id} | ({link} if link else set())
        if keys & seen:
            duplicates += 1
            continue
        seen |= keys
        summary = plain_text(item.get("summary") or item.get("description"))
        parsed.entries.append(
            FeedEntry(
                entry_id=entry_id,
                title=entry_title,
                link=link,
                published_at=published,
                summary=summary,
                author=(item.get("author") or "").strip() or None,
            )
        )
    if undated:
        parsed.problems.append(
            f"feed {url}: {undated} entr{'y' if undated == 1 else 'ies'} without a published or updated date left "
            "out (an entry must have a date to be counted on exactly one day)"
        )
    if duplicates:
        parsed.problems.append(
            f"feed {url}: {duplicates} duplicate entr{'y' if duplicates == 1 else 'ies'} (same id or link) counted once"
        )
    if unusable:
        parsed.problems.append(
            f"feed {url}: {unusable} entr{'y' if unusable == 1 else 'ies'} without id, title or link left out"
        )
    return parsed


def _fingerprint(title: str, published: dt.datetime) -> str:
    digest = hashlib.sha1(f"{title}|{published.isoformat()}".encode()).hexdigest()[:16]
    return f"sha1:{digest}"


# --- Google Trends trending searches --------------------------------------------------------------------

HT_NAMESPACES = ("https://trends.google.com/trending/rss", "https://trends.google.com/trends/trendingsearches/daily")
_TRAFFIC = re.compile(r"^\s*([\d.,]+)\s*([KkMmBb]?)\s*\+?\s*$")
_MULTIPLIER = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_approx_traffic(value: str | None) -> int | None:
    """'2000+' -> 2000, '20K+' -> 20000, '1M+' -> 1000000, '1,000+' -> 1000; None when unreadable."""
    if not value:
        return None
    m = _TRAFFIC.match(value)
    if not m:
        return None
    number = m.group(1).replace(",", "")
    try:
        return int(float(number) * _MULTIPLIER[m.group(2).lower()])
    except ValueError:
        return None


@dataclass(frozen=True)
class TrendingItem:
    rank: int
    topic: str
    approx_traffic: int | None
    published_at: dt.datetime | None
    news_titles: tuple[str, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_trending_rss(content: bytes | str) -> tuple[list[TrendingItem], list[str]]:
    """Items of the trending-searches RSS with every `ht:news_item` title (feedparser keeps only one)."""
    from email.utils import parsedate_to_datetime

    problems: list[str] = []
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        return [], [f"trending searches feed is not valid XML ({exc}); nothing read"]
    channel = root.find("channel")
    if channel is None:
        return [], ["trending searches feed has no <channel>; nothing read"]
    items: list[TrendingItem] = []
    for rank, item in enumerate(channel.findall("item"), start=1):
        topic = (item.findtext("title") or "").strip()
        if not topic:
            problems.append(f"trending item {rank} has no title; left out")
            continue
        traffic_text = None
        news: list[str] = []
        for child in item:
            name = _local(child.tag)
            if name == "approx_traffic":
                traffic_text = child.text
            elif name == "news_item":
                title = next((c.text for c in child if _local(c.tag) == "news_item_title"), None)
                if title and title.strip():
                    news.append(plain_text(title))
        traffic = parse_approx_traffic(traffic_text)
        if traffic_text and traffic is None:
            problems.append(f"trending item {topic!r}: approx_traffic {traffic_text!r} not understood; NULL")
        published = None
        pub_text = item.findtext("pubDate")
        if pub_text:
            try:
                published = parsedate_to_datetime(pub_text).astimezone(dt.UTC)
            except (TypeError, ValueError):
                problems.append(f"trending item {topic!r}: pubDate {pub_text!r} not understood")
        items.append(TrendingItem(rank, topic, traffic, published, tuple(news)))
    return items, problems
