"""News and blog feeds (settings.yaml `feeds`): entries, and the brand mentions found in them.

Every configured feed is fetched through the shared HTTP session (in simulator mode its URL goes through
`rewrite`), parsed with feedparser from the raw bytes, and scanned with the MentionMatcher (title + summary).

Days: an entry belongs to the local day (settings.timezone, the partition day) of its published date (updated
date if it has none): `metric_date = local_date_of(published_at)` in `rss__entries`, `rss__mentions` and
`rss__mention_counts`, while `published_at` stays UTC. Entries without any date are left out and reported, so an
entry is stored and counted on exactly one day however many runs see it.
`read(start, end)` returns only entries published in [start, end]: feeds are rolling windows, so the asset's
window should cover the days the feeds still list (a few days) and the loader replaces those partitions.

Mentions are deduplicated across feeds by link (the same article syndicated in two feeds is one mention).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import ClassVar

from pipelines.config.models import Brand
from pipelines.http import ApiError
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import ContentCapture, mention_row
from pipelines.market.feeds import FeedEntry, parse_feed
from pipelines.market.matching import MentionMatcher, brand_terms, normalize
from pipelines.platforms.base import days_between


class RssFeeds(MarketSource):
    name: ClassVar[str] = "rss_feeds"
    group: ClassVar[str] = "mentions"
    title: ClassVar[str] = "RSS/Atom news and blog feeds: entries and brand mentions"
    tables = (tables.RSS_ENTRIES, tables.mention_counts("rss"), tables.mentions("rss"))
    api_bases: ClassVar[dict[str, str]] = {}  # the configured feed URLs are used as they are (through rewrite)
    credentials = ()

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        matcher = MentionMatcher(self.brands)
        capture = ContentCapture()
        session = self.new_session(classify=capture)
        entries_rows: list[Row] = []
        mentions_by_brand: dict[str, dict[str, Row]] = defaultdict(dict)
        failures: list[str] = []
        outside = 0
        for feed in self.settings.feeds:
            try:
                session.get(self.rewrite(feed.url), endpoint=f"feed:{feed.name}", page=True)
            except ApiError as exc:
                failures.append(f"{feed.name} ({exc})")
                continue
            parsed = parse_feed(capture.content, feed.url)
            for problem in parsed.problems:
                self.warn(problem)
            for entry in parsed.entries:
                day = self.local_date_of(entry.published_at)
                if not start <= day <= end:
                    outside += 1
                    continue
                found = matcher.brands_in(f"{entry.title}\n{entry.summary}")
                entries_rows.append(_entry_row(feed.url, parsed.title or feed.name, entry, day, found))
                for brand, terms in found.items():
                    _add_mention(mentions_by_brand[brand], brand, entry, day, terms)
        if failures:
            raise ApiError(
                self.name,
                f"{len(failures)} of {len(self.settings.feeds)} feed(s) could not be fetched: {'; '.join(failures)}. "
                "Nothing of this window was committed (a partial load would delete the entries of the failed feeds); "
                "fix or remove the feed in settings.yaml `feeds`, or re-run later.",
            )
        if outside:
            self.log.info("%s: %d entries published outside %s..%s skipped", self.name, outside, start, end)
        mention_rows = [row for by_id in mentions_by_brand.values() for row in by_id.values()]
        return {
            tables.RSS_ENTRIES.name: entries_rows,
            "rss__mention_counts": _counts(self.brands.brands, mention_rows, start, end),
            "rss__mentions": mention_rows,
        }


def _entry_row(feed_url: str, feed_title: str, entry: FeedEntry, day: dt.date, found: dict[str, list[str]]) -> Row:
    keywords: list[str] = []
    for terms in found.values():
        keywords += [t for t in terms if t not in keywords]
    return {
        "feed_url": feed_url,
        "feed_title": feed_title,
        "entry_id": entry.entry_id,
        "title": entry.title,
        "link": entry.link,
        "published_at": entry.published_at,
        "metric_date": day,
        "summary": entry.summary,
        "matched_brands": sorted(found),
        "matched_keywords": keywords,
    }


def _add_mention(by_id: dict[str, Row], brand: str, entry: FeedEntry, day: dt.date, terms: list[str]) -> None:
    mention_id = entry.link or entry.entry_id
    if mention_id in by_id:  # the same article in another feed
        return
    by_id[mention_id] = mention_row(
        brand,
        mention_id,
        entry.published_at,
        metric_date=day,
        text=f"{entry.title}\n{entry.summary}".strip(),
        author=entry.author,
        url=entry.link,
        engagements=None,
        matched_terms=terms,
    )


def _counts(brands: list[Brand], mentions: list[Row], start: dt.date, end: dt.date) -> list[Row]:
    """One row per brand and day of the window: the number of distinct entries mentioning the brand (0 included)."""
    per_day: dict[tuple[str, dt.date], int] = defaultdict(int)
    for row in mentions:
        per_day[(row["brand"], row["metric_date"])] += 1
    rows = []
    for brand in brands:
        query = describe_terms(brand)
        for day in days_between(start, end):
            rows.append(
                {"brand": brand.name, "metric_date": day, "mention_count": per_day[(brand.name, day)], "query": query}
            )
    return rows


def describe_terms(brand: Brand) -> str:
    """The matching rule in words, stored as `query` (what was counted)."""
    terms = " OR ".join(brand_terms(brand))
    excluded = "".join(f' -"{normalize(e)}"' for e in brand.exclude)
    return f"{terms}{excluded}"
