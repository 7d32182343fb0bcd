"""Small helpers of the market sources: hashtags and row builders. Day ranges, counts and times are the platform
clients' (pipelines.platforms.base and pipelines.platforms.values), imported from there."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from pipelines.config.models import Brand
from pipelines.market.matching import MentionMatcher
from pipelines.platforms.base import Row

_HASHTAG = re.compile(r"(?<![\w&])[#＃](\w+)")


def sum_counts(*values: int | None) -> int | None:
    """Sum of the counts the platform gave; None when it gave none of them."""
    given = [v for v in values if v is not None]
    return sum(given) if given else None


def hashtags(*texts: str | None, given: Iterable[str] | None = None) -> list[str]:
    """Lower-case hashtags without '#', in order of appearance, unique (API-provided tags first)."""
    out: list[str] = []
    for tag in list(given or []) + [m.group(1) for t in texts if t for m in _HASHTAG.finditer(t)]:
        tag = str(tag).lstrip("#＃").strip().lower()
        if tag and tag not in out:
            out.append(tag)
    return out


def profile_row(
    brand: Brand,
    handle: str,
    account_id: str,
    snapshot_date: dt.date,
    *,
    followers: int | None,
    following: int | None,
    posts_count: int | None,
    total_views: int | None = None,
) -> Row:
    return {
        "brand": brand.name,
        "account_handle": handle,
        "account_id": account_id,
        "snapshot_date": snapshot_date,
        "followers": followers,
        "following": following,
        "posts_count": posts_count,
        "total_views": total_views,
    }


def post_row(
    brand: Brand,
    account_id: str,
    post_id: str,
    published_at: dt.datetime,
    snapshot_date: dt.date,
    *,
    content_type: str | None,
    caption: str | None,
    tags: list[str],
    reactions: int | None,
    comments: int | None,
    shares: int | None,
    views: int | None,
) -> Row:
    return {
        "brand": brand.name,
        "account_id": account_id,
        "post_id": post_id,
        "published_at": published_at,
        "content_type": content_type,
        "caption": caption,
        "hashtags": tags,
        "reactions": reactions,
        "comments": comments,
        "shares": shares,
        "views": views,
        "snapshot_date": snapshot_date,
    }


def mention_row(
    brand: str,
    mention_id: str,
    mentioned_at: dt.datetime,
    *,
    metric_date: dt.date,
    text: str | None,
    author: str | None,
    url: str | None,
    engagements: int | None,
    matched_terms: list[str],
) -> Row:
    """A row of `<source>__mentions`. `metric_date` is the partition day of the item: the caller passes
    `local_date_of(mentioned_at)` (a day of settings.timezone), never the UTC date."""
    return {
        "brand": brand,
        "mention_id": mention_id,
        "mentioned_at": mentioned_at,
        "metric_date": metric_date,
        "text": text,
        "author": author,
        "url": url,
        "engagements": engagements,
        "matched_terms": matched_terms,
    }


def matched_terms(matcher: MentionMatcher, brand: str, *texts: str | None) -> list[str]:
    return matcher.terms_of(brand, "\n".join(t for t in texts if t))


class ContentCapture:
    """A classifier hook that keeps the raw bytes of the last answer (feeds must be parsed from bytes so the
    XML declaration decides the encoding) and otherwise leaves the verdict to the generic HTTP rules."""

    def __init__(self) -> None:
        self.content: bytes = b""
        self.headers: Mapping[str, str] = {}

    def __call__(self, response: requests.Response, body: Any) -> None:
        self.content = response.content
        self.headers = response.headers
        return None
