"""Facebook competitor Pages: public Page fields and, where the token may read them, recent Page posts.

`GET /{page-id}?fields=id,name,followers_count,fan_count,link` (works for other Pages only when the app has
Page Public Content Access or Page Public Metadata Access) and `GET /{page-id}/posts?fields=id,message,
created_time,permalink_url,shares,attachments{media_type,type},reactions.summary(total_count).limit(0),
comments.summary(total_count).limit(0)` since post_lookback_days (content type by the platform client's
rule). A Page whose posts the token may not read (Graph permission error) keeps its profile row and is
reported. Facebook gives no media count, following count or views for Pages: those are NULL.
Reuses the Facebook platform client (`MetaGraphClient`: Graph errors, usage pacing, cursor paging).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pipelines.config.models import Account, Brand
from pipelines.http import ApiPermissionError
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import hashtags, post_row, profile_row
from pipelines.platforms.facebook import FacebookClient, content_type_of
from pipelines.platforms.meta_graph import GRAPH_BASE, GraphInvalidRequestError
from pipelines.platforms.values import parse_time, require_field, to_count

PAGE_FIELDS = "id,name,followers_count,fan_count,link"
POST_FIELDS = (
    "id,message,created_time,permalink_url,shares,attachments{media_type,type},"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
PERMISSION_HINT = (
    "the Page Public Content Access (or Page Public Metadata Access) feature for other Pages, granted by Meta app "
    "review"
)


def _summary_count(item: Mapping[str, Any], edge: str) -> int | None:
    value = item.get(edge)
    if not isinstance(value, Mapping):
        return None
    summary = value.get("summary")
    return to_count(summary.get("total_count")) if isinstance(summary, Mapping) else None


class FacebookCompetitors(MarketSource):
    name: ClassVar[str] = "facebook_competitors"
    group: ClassVar[str] = "competitors"
    title: ClassVar[str] = "Facebook: public Page follower counts and recent posts of every brand (where allowed)"
    tables = (tables.competitor_profiles("facebook"), tables.competitor_posts("facebook"))
    api_bases: ClassVar[dict[str, str]] = {"graph": GRAPH_BASE}
    credentials = (
        FacebookClient.spec.credential("access_token").used_for(
            "Page access token; other Pages need the app feature Page Public Content Access"
        ),
    )

    page_size: ClassVar[int] = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fb = self.delegate(FacebookClient, permission_hint=PERMISSION_HINT)

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        since, until = self.local_day_bounds(self.snapshot_lookback_start(end), end)
        pairs = self.brands.accounts_on("facebook")
        found = [f for f in self.each_account(pairs, lambda b, a: self._page(b, a, since, until, end)) if f]
        return {self.tables[0].name: [f[0] for f in found], self.tables[1].name: [p for f in found for p in f[1]]}

    def _page(
        self, brand: Brand, account: Account, since: dt.datetime, until: dt.datetime, end: dt.date
    ) -> tuple[Row, list[Row]] | None:
        """The profile row and the posts of one Page; None when the token may not read it."""
        try:
            page = self.fb.graph_get(account.id, {"fields": PAGE_FIELDS}, endpoint="page fields")
        except ApiPermissionError as exc:
            self.warn(f"Page {account.handle} of {brand.name} is not readable ({exc}); skipped")
            return None
        followers = to_count(page.get("followers_count"))
        if followers is None:
            followers = to_count(page.get("fan_count"))
            if followers is None:
                self.warn(f"Page {account.handle} answered without followers_count; left NULL")
        profile = profile_row(
            brand,
            account.handle,
            str(page.get("id") or account.id),
            end,
            followers=followers,
            following=None,
            posts_count=None,
        )
        return profile, self._posts(brand, account, since, until, end)

    def _posts(self, brand: Brand, account: Account, since: dt.datetime, until: dt.datetime, day: dt.date) -> list[Row]:
        params = {
            "fields": POST_FIELDS,
            "since": int(since.timestamp()),
            "until": int(until.timestamp()),
            "limit": self.page_size,
        }
        rows: list[Row] = []
        try:
            for page in self.fb.paginate(f"{account.id}/posts", params, listing=f"posts of Page {account.handle}"):
                for item in page:
                    post_id = str(require_field(self.name, item, "id", "a Page post"))
                    published = parse_time(require_field(self.name, item, "created_time", f"post {post_id}"))
                    if published is None or not since <= published < until:
                        continue
                    shares = item.get("shares")
                    message = item.get("message")
                    rows.append(
                        post_row(
                            brand,
                            account.id,
                            post_id,
                            published,
                            day,
                            content_type=content_type_of(item),
                            caption=message,
                            tags=hashtags(message),
                            reactions=_summary_count(item, "reactions"),
                            comments=_summary_count(item, "comments"),
                            # Graph omits `shares` when there are none.
                            shares=to_count(shares.get("count")) if isinstance(shares, Mapping) else 0,
                            views=None,
                        )
                    )
        except ApiPermissionError as exc:
            self.warn(f"posts of Page {account.handle} ({brand.name}) are not readable with this token: {exc}")
            return []
        except GraphInvalidRequestError as exc:
            self.warn(f"posts of Page {account.handle} ({brand.name}) refused: {exc}")
            return []
        return rows
