"""Raw tables of the market-intelligence sources (docs/architecture.md "Market intelligence").

Each table is a `StreamSpec` whose `name` is the full table name in schema `raw` (without the schema). Profile and
post tables of competitors are snapshots: they reflect what the platform shows at read time, so a run writes them
on its observation day only (the last complete partition day when it reads; never an older day, which would
give a past day a value read later). Mentions, feed entries and trends are partitioned by the day the item
belongs to, so re-reading an item on a later day replaces it in its own partition instead of counting it twice.

Days: every `metric_date` is a day of settings.timezone (the partition day, Asia/Jakarta by default), the same day
the own posts and competitor posts are assigned to, so share of voice compares like with like: an item (a mention,
a feed entry, a trending search) belongs to the local day of its UTC timestamp; X counts are hourly buckets summed
into local days; YouTube counts are searches over the UTC bounds of each local day. The one exception is Google
search interest, whose days are the calendar days the API reports for the request, stored as they are.
Timestamps (`mentioned_at`, `published_at`) stay UTC.
"""

from __future__ import annotations

import polars as pl

from pipelines.contracts.streams import TIMESTAMP, StreamSpec

STRINGS = pl.List(pl.Utf8)
COMPETITOR_PLATFORMS = ("instagram", "facebook", "x", "youtube", "tiktok")
MENTION_SOURCES = ("x", "youtube", "rss")


def competitor_profiles(platform: str) -> StreamSpec:
    return StreamSpec(
        name=f"{platform}__competitor_profiles",
        columns={
            "brand": pl.Utf8,
            "account_handle": pl.Utf8,
            "account_id": pl.Utf8,
            "snapshot_date": pl.Date,
            "followers": pl.Int64,
            "following": pl.Int64,
            "posts_count": pl.Int64,
            "total_views": pl.Int64,
        },
        partition_column="snapshot_date",
        key=("account_id", "snapshot_date"),
        replace_scope=("account_id",),
        description=(
            f"Public {platform} profile counts of every brand in brands.yaml (own brand included), one snapshot a "
            "day; growth is the difference between snapshots."
        ),
        is_snapshot=True,
    )


def competitor_posts(platform: str) -> StreamSpec:
    return StreamSpec(
        name=f"{platform}__competitor_posts",
        columns={
            "brand": pl.Utf8,
            "account_id": pl.Utf8,
            "post_id": pl.Utf8,
            "published_at": TIMESTAMP,
            "content_type": pl.Utf8,
            "caption": pl.Utf8,
            "hashtags": STRINGS,
            "reactions": pl.Int64,
            "comments": pl.Int64,
            "shares": pl.Int64,
            "views": pl.Int64,
            "snapshot_date": pl.Date,
        },
        partition_column="snapshot_date",
        key=("account_id", "post_id", "snapshot_date"),
        replace_scope=("post_id",),
        description=(
            f"Recent public {platform} posts of every brand (post_lookback_days) with their public counts as seen "
            "on the snapshot day, hashtags and content type."
        ),
        is_snapshot=True,
    )


def mention_counts(source: str) -> StreamSpec:
    return StreamSpec(
        name=f"{source}__mention_counts",
        columns={"brand": pl.Utf8, "metric_date": pl.Date, "mention_count": pl.Int64, "query": pl.Utf8},
        partition_column="metric_date",
        key=("brand", "metric_date"),
        replace_scope=("brand",),
        description=(
            f"Number of {source} items mentioning each brand per day (days of settings.timezone, like the posts), "
            "for share of voice."
        ),
    )


def mentions(source: str) -> StreamSpec:
    return StreamSpec(
        name=f"{source}__mentions",
        columns={
            "brand": pl.Utf8,
            "mention_id": pl.Utf8,
            "mentioned_at": TIMESTAMP,
            "metric_date": pl.Date,
            "text": pl.Utf8,
            "author": pl.Utf8,
            "url": pl.Utf8,
            "engagements": pl.Int64,
            "matched_terms": STRINGS,
        },
        partition_column="metric_date",
        key=("brand", "mention_id"),
        # the days of each brand the read returned: a read capped per brand (X: max_items_per_brand, newest first)
        # returns fewer days for a busy brand than for the others, and its other days keep what was stored
        replace_scope=("brand", "metric_date"),
        description=(
            f"The {source} items that mention a brand, for a marketer to read; a mention id appears once per brand "
            "(partitioned by the local day of the item's own timestamp)."
        ),
    )


RSS_ENTRIES = StreamSpec(
    name="rss__entries",
    columns={
        "feed_url": pl.Utf8,
        "feed_title": pl.Utf8,
        "entry_id": pl.Utf8,
        "title": pl.Utf8,
        "link": pl.Utf8,
        "published_at": TIMESTAMP,
        "metric_date": pl.Date,
        "summary": pl.Utf8,
        "matched_brands": STRINGS,
        "matched_keywords": STRINGS,
    },
    partition_column="metric_date",
    key=("feed_url", "entry_id"),
    replace_scope=("feed_url",),
    description=(
        "Entries of the RSS/Atom feeds in settings.yaml (industry news, blogs) with the brands and keywords they "
        "mention; partitioned by the local day of the entry's published date so an entry is stored once however "
        "often it is read."
    ),
)

TRENDING_SEARCHES = StreamSpec(
    name="google_trends__trending_searches",
    columns={
        "geo": pl.Utf8,
        "metric_date": pl.Date,
        "rank": pl.Int64,
        "topic": pl.Utf8,
        "approx_traffic": pl.Int64,
        "published_at": TIMESTAMP,
        "news_titles": STRINGS,
    },
    partition_column="metric_date",
    key=("geo", "metric_date", "topic"),
    replace_scope=("geo",),
    description=(
        "Google Trends daily trending searches per country (settings.trend_countries), with news titles, on the "
        "local day of each item's publication."
    ),
)

SEARCH_INTEREST = StreamSpec(
    name="google_trends__search_interest",
    columns={
        "brand": pl.Utf8,
        "keyword": pl.Utf8,
        "geo": pl.Utf8,
        "metric_date": pl.Date,
        "interest": pl.Float64,
    },
    partition_column="metric_date",
    key=("brand", "keyword", "geo", "metric_date"),
    replace_scope=("brand",),
    description=(
        "Google search interest (0-100) of each brand keyword per country and day, all keywords of a country on one "
        "scale (batches of 5 tied by a shared anchor keyword), so daily shares across brands are comparable. Days "
        "are the calendar days the API reports for the request, stored as they are."
    ),
)
