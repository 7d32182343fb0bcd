"""Instagram competitor profiles and posts through Business Discovery (Graph API with Facebook Login).

`GET /{own-ig-user-id}?fields=business_discovery.username(<handle>){username,name,followers_count,
follows_count,media_count,media.limit(50){id,caption,timestamp,like_count,comments_count,media_type,
media_product_type,permalink}}` for every brand (the own brand too, so all are measured the same way), asked
through the own account (brands.yaml `instagram.id` of the own brand). Media pages are followed with
`media.after(<cursor>).limit(50)` inside the field expansion until the posts are older than post_lookback_days.

Reuses the Instagram platform client (`MetaGraphClient`): Graph error codes, usage-header pacing, token
handling. No views, reach or shares for other accounts: those columns are NULL. An unknown or non-business
username (Graph code 110 / 100) skips that brand with a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pipelines.config.models import Account, Brand
from pipelines.errors import InputDataError
from pipelines.http import ApiError, CursorGuard
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import hashtags, post_row, profile_row
from pipelines.platforms.instagram import InstagramClient
from pipelines.platforms.meta_graph import GRAPH_BASE, GraphInvalidRequestError
from pipelines.platforms.values import parse_time, to_count

PAGE_SIZE = 50
PROFILE_FIELDS = "username,name,followers_count,follows_count,media_count"
MEDIA_FIELDS = "id,caption,timestamp,like_count,comments_count,media_type,media_product_type,permalink"
CONTENT_TYPES = {"IMAGE": "image", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}
SKIP_CODES = {100, 110}  # unknown username, not a business/creator account


def discovery_fields(handle: str, after: str | None = None, page_size: int = PAGE_SIZE) -> str:
    """The `fields` expression of one business_discovery page."""
    media = f"media.after({after}).limit({page_size})" if after else f"media.limit({page_size})"
    return f"business_discovery.username({handle}){{{PROFILE_FIELDS},{media}{{{MEDIA_FIELDS}}}}}"


def content_type(media: Mapping[str, Any]) -> str | None:
    if media.get("media_product_type") == "REELS":
        return "reel"
    return CONTENT_TYPES.get(str(media.get("media_type") or ""))


class InstagramCompetitors(MarketSource):
    name: ClassVar[str] = "instagram_competitors"
    group: ClassVar[str] = "competitors"
    title: ClassVar[str] = "Instagram: Business Discovery profile counts and recent media of every brand"
    tables = (tables.competitor_profiles("instagram"), tables.competitor_posts("instagram"))
    api_bases: ClassVar[dict[str, str]] = {"graph": GRAPH_BASE}
    credentials = (
        InstagramClient.spec.credential("access_token").used_for(
            "User or Page token (Facebook Login) of the own Instagram professional account, with instagram_basic "
            "and pages_read_engagement, used to look other accounts up through business_discovery"
        ),
    )

    page_size: ClassVar[int] = PAGE_SIZE
    reads_through_own_account: ClassVar[str | None] = "instagram"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ig = self.delegate(
            InstagramClient, permission_hint="instagram_basic and pages_read_engagement (Facebook Login)"
        )

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        own = self.brands.own_brand.accounts.get("instagram")
        if own is None:
            self.warn("the own brand has no instagram account in brands.yaml; business_discovery needs it")
            return self.empty_result()
        since, until = self.local_day_bounds(self.snapshot_lookback_start(end), end)
        profiles: list[Row] = []
        posts: list[Row] = []
        pairs = self.brands.accounts_on("instagram")
        for found in self.each_account(pairs, lambda b, a: self._discover(own, b, a, since, until, end)):
            if found is not None:
                profiles.append(found[0])
                posts.extend(found[1])
        return {self.tables[0].name: profiles, self.tables[1].name: posts}

    def _discover(
        self, own: Account, brand: Brand, account: Account, since: dt.datetime, until: dt.datetime, day: dt.date
    ) -> tuple[Row, list[Row]] | None:
        handle = account.handle.lstrip("@")
        guard = CursorGuard(self.name, f"business_discovery media of {handle}")
        after: str | None = None
        profile: Row | None = None
        posts: list[Row] = []
        while True:
            try:
                body = self.ig.graph_get(
                    own.id,
                    {"fields": discovery_fields(handle, after, self.page_size)},
                    endpoint="business_discovery",
                    page=True,
                )
            except ApiError as exc:
                code = (self.ig.last_error or {}).get("code")
                if (type(exc) is ApiError or isinstance(exc, GraphInvalidRequestError)) and code in SKIP_CODES:
                    self.warn(f"business_discovery could not find @{handle} of {brand.name} ({exc}); skipped")
                    return None
                raise
            found = body.get("business_discovery")
            if not isinstance(found, Mapping):
                raise InputDataError(f"{self.name}: the answer for @{handle} has no 'business_discovery' object")
            account_id = str(found.get("id") or account.id)
            self.note_fields("business_discovery", found, {*PROFILE_FIELDS.split(","), "id", "media"})
            if profile is None:
                profile = profile_row(
                    brand,
                    handle,
                    account_id,
                    day,
                    followers=self.count_field(found, "followers_count", f"business_discovery of @{handle}"),
                    following=self.count_field(found, "follows_count", f"business_discovery of @{handle}"),
                    posts_count=self.count_field(found, "media_count", f"business_discovery of @{handle}"),
                )
            media = found.get("media") if isinstance(found.get("media"), Mapping) else {}
            data = [m for m in media.get("data") or [] if isinstance(m, Mapping)]
            reached_older = False
            for item in data:
                row = self._post(brand, account_id, item, day)
                if row["published_at"] < since:
                    reached_older = True
                elif row["published_at"] < until:
                    posts.append(row)
            paging = media.get("paging") if isinstance(media.get("paging"), Mapping) else {}
            cursor = (paging.get("cursors") or {}).get("after") if isinstance(paging.get("cursors"), Mapping) else None
            if not data or reached_older or not cursor:
                return profile, posts
            after = guard.next(cursor)

    def _post(self, brand: Brand, account_id: str, item: Mapping[str, Any], day: dt.date) -> Row:
        media_id = item.get("id")
        published = parse_time(item.get("timestamp"))
        if not media_id or published is None:
            raise InputDataError(
                f"{self.name}: a business_discovery media item has no 'id' or readable 'timestamp' "
                f"(keys: {sorted(item)[:10]})"
            )
        self.note_fields("business_discovery media", item, MEDIA_FIELDS.split(","))
        kind = content_type(item)
        if kind is None:
            self.warn(f"unknown media_type {item.get('media_type')!r}; content_type left NULL")
        for key in ("like_count", "comments_count"):
            if key not in item:
                self.warn(f"business_discovery media without '{key}' (hidden by the owner); left NULL")
        caption = item.get("caption")
        return post_row(
            brand,
            account_id,
            str(media_id),
            published,
            day,
            content_type=kind,
            caption=caption,
            tags=hashtags(caption),
            reactions=to_count(item.get("like_count")),
            comments=to_count(item.get("comments_count")),
            shares=None,
            views=None,
        )
