"""Facebook Pages: daily Page insights, published posts with their lifetime insights, follower locations.

Reads (Graph API, Page access token in `FACEBOOK_PAGE_ACCESS_TOKEN`):
* account_daily: `GET /{page-id}/insights?metric=<current page metrics>&period=day&since&until`, at most 90 days
  per request. Days: Meta's reporting day (Pacific, the platform clock), stored unchanged as metric_date;
  `since`/`until` are the Pacific bounds of the days, `end_time` closes the day a value belongs to. The window is
  clamped to the days Meta serves now (ended in Pacific time, 2 years of history), with a warning.
* post_snapshots: `GET /{page-id}/published_posts` (cursor pages) + `GET /{post-id}/insights?period=lifetime`,
  the per-post requests sent as Graph API batch requests of up to 50 (meta_graph); a post belongs to the local
  day (settings.timezone) of its `created_time`.
* post_comments: `GET /{post-id}/comments?filter=stream` per post, batched the same way (next pages too).
* audience_demographics: `page_follows_country`, `page_follows_city` (optional: Meta's docs contradict each
  other on their availability; a code 100 answer is a warning, not a failure). Age and gender were removed in
  2024 without replacement.
* no follower_online_hours: `page_fans_online*` was removed on 2024-09-16 without replacement.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pipelines.config.models import Account
from pipelines.contracts.streams import ACCOUNT_DAILY
from pipelines.platforms.base import Credential, PlatformSpec, Row, day_windows
from pipelines.platforms.meta_graph import GRAPH_BASE, MetaGraphClient, latest_value, share_rows
from pipelines.platforms.metric_registry import current_metrics
from pipelines.platforms.values import require_field, require_time, to_count

MAX_INSIGHTS_DAYS = 90
PAGE_SIZE = 100
POST_FIELDS = (
    "id",
    "message",
    "created_time",
    "permalink_url",
    "shares",
    "attachments{media_type,type}",
    "comments.summary(total_count).limit(0)",
    "reactions.summary(total_count).limit(0)",
)
POST_KEYS = frozenset(
    {"id", "message", "created_time", "permalink_url", "shares", "attachments", "comments", "reactions"}
)
# Post metric columns filled from /{post-id}/insights (canonical names of the registry).
POST_INSIGHT_COLUMNS = ("views", "reach", "reactions", "clicks", "video_views")
VIDEO_ONLY_COLUMNS = frozenset({"video_views"})
DEMOGRAPHIC_METRICS = {"page_follows_country": "country", "page_follows_city": "city"}
# GET /{post-id}/comments?filter=stream: every comment and reply, oldest first, a reply with its `parent`.
COMMENT_FIELDS = ("id", "message", "created_time", "from{id,name}", "parent{id}")
COMMENT_KEYS = frozenset({"id", "message", "created_time", "from", "parent", "comment_count", "like_count"})


def content_type_of(post: Mapping[str, Any]) -> str | None:
    """The contract's content type of a Page post, from its first attachment (the `type` field is deprecated).

    Rule: a permalink under `/reel/` or a reel attachment → reel; `album` → carousel; `video*` → video;
    `photo` → image; `link`/`share` and other shared content → link; no attachment (or a `status` one) → text.
    None if unknown. Meta gives no separate attachment type for Page reels: only the `/reel/` permalink tells.
    """
    permalink = str(post.get("permalink_url") or "")
    attachments = post.get("attachments")
    first: Mapping[str, Any] = {}
    if isinstance(attachments, Mapping) and isinstance(attachments.get("data"), list) and attachments["data"]:
        first = attachments["data"][0] if isinstance(attachments["data"][0], Mapping) else {}
    kinds = {str(first.get("media_type") or "").lower(), str(first.get("type") or "").lower()} - {"", "status"}
    if "/reel/" in permalink or kinds & {"reel", "video_reel", "reels"}:
        return "reel"
    if not kinds:
        return "text"
    if kinds & {"album", "carousel", "multi_share"}:
        return "carousel"
    if any(k.startswith("video") or k == "animated_image_video" for k in kinds):
        return "video"
    if kinds & {"photo", "image", "cover_photo", "profile_media", "animated_image_share"}:
        return "image"
    if kinds & {"link", "share", "native_templates", "event", "note", "music_aggregation"}:
        return "link"
    return None


class FacebookClient(MetaGraphClient):
    spec = PlatformSpec(
        name="facebook",
        title="Facebook Pages",
        api_bases={"graph": GRAPH_BASE},
        credentials=(
            Credential(
                name="access_token",
                env_var="FACEBOOK_PAGE_ACCESS_TOKEN",
                simulator_key="meta",
                description="Page access token with pages_read_engagement and read_insights (ANALYZE task).",
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "post_comments"),
        notes=(
            "No website clicks at Page level (column NULL); no saves per post (NULL); video_views only for video "
            "and reel posts; follower online hours and age/gender were removed by Meta in 2024."
        ),
        # Meta limits per Page: the Business-Use-Case budget (X-Business-Use-Case-Usage, calls in a rolling 24 hours
        # per Page id) and X-Page-Usage, so Pages do not share a budget and Meta sets no limit on requests at once; 8
        # Pages at once (an agency's hundreds in minutes) while the usage pacer slows every thread down from
        # slowdown_percent of the app-level X-App-Usage a shared token draws on.
        max_concurrent_requests=8,
    )
    permission_hint = "pages_read_engagement and read_insights (a Page token of a user with the ANALYZE task)"

    # -- account_daily ---------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        metrics = {
            api: column
            for api, column in current_metrics("facebook", "account", self.context.today).items()
            if column in ACCOUNT_DAILY.columns
        }
        served = self.clock.clamp(start, end, what="Page insights", warn=self.warn)
        if served is None:
            return []
        rows: dict[dt.date, Row] = {}
        for first, last in day_windows(served.first, served.last, MAX_INSIGHTS_DAYS):
            params = {"period": "day", **self.day_range_params(first, last)}
            answered = self.insights_or_empty(account.id, metrics, params, scope="page", endpoint="page insights")
            missing = sorted(m for m in metrics if not self.values_by_day(answered.get(m, {})))
            if missing:
                self.warn(f"page insights: no data for {', '.join(missing)} in {first}..{last}; left NULL")
            for name, metric in answered.items():
                column = metrics.get(name)
                if column is None:
                    continue
                for day, value in self.values_by_day(metric).items():
                    if not first <= day <= last:
                        continue
                    row = rows.setdefault(day, _empty_account_row(account.id, day))
                    row[column] = to_count(value)
        return [rows[d] for d in sorted(rows)]

    # -- post_snapshots --------------------------------------------------------------------------------

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        posts = self._published_posts(account, published_from, published_to, POST_FIELDS)
        metric_names = {
            api: column
            for api, column in current_metrics("facebook", "post", self.context.today).items()
            if column in POST_INSIGHT_COLUMNS
        }
        missing: Counter[str] = Counter()
        kinds = [self._content_type(post, missing) for post in posts]
        # One /{post-id}/insights request per post, sent in batch requests (meta_graph.graph_get_many).
        objects = [
            (str(post["id"]), self._post_metrics(metric_names, content_type), f"{content_type} posts")
            for post, content_type in zip(posts, kinds, strict=True)
        ]
        counts = self.lifetime_counts_many(objects, {"period": "lifetime"}, endpoint="post insights", missing=missing)
        rows = [
            self._post_row(account, post, content_type, values, snapshot_date)
            for post, content_type, values in zip(posts, kinds, counts, strict=True)
        ]
        self.warn_missing("published_posts", missing, len(posts))
        return rows

    def _content_type(self, post: Mapping[str, Any], missing: Counter[str]) -> str | None:
        content_type = content_type_of(post)
        if content_type is None:
            self.warn(f"published_posts: unknown attachment type in {post.get('attachments')!r:.80}; content_type NULL")
        for key in ("message", "permalink_url", "comments"):
            if key not in post:
                missing[key] += 1
        return content_type

    @staticmethod
    def _post_metrics(metric_names: Mapping[str, str], content_type: str | None) -> dict[str, str]:
        """The insights metrics asked of a post: video-only ones only of video and reel posts."""
        is_video = content_type in ("video", "reel")
        return {api: col for api, col in metric_names.items() if is_video or col not in VIDEO_ONLY_COLUMNS}

    def _post_row(
        self,
        account: Account,
        post: Mapping[str, Any],
        content_type: str | None,
        values: Mapping[str, int | None],
        snapshot_date: dt.date,
    ) -> Row:
        post_id = str(post["id"])
        is_video = content_type in ("video", "reel")
        reactions = values.get("reactions")
        if reactions is None:
            reactions = to_count(_summary_total(post.get("reactions")))
        shares = post.get("shares")
        return {
            "account_id": account.id,
            "post_id": post_id,
            "published_at": require_time("facebook", post["created_time"], f"created_time of post {post_id}"),
            "post_url": post.get("permalink_url"),
            "content_type": content_type,
            "caption": post.get("message"),
            "views": values.get("views"),
            "reach": values.get("reach"),
            "reactions": reactions,
            "comments": to_count(_summary_total(post.get("comments"))),
            # `shares` is absent when a post has no shares (documented), so absent = 0.
            "shares": to_count(shares.get("count")) if isinstance(shares, Mapping) else 0,
            "saves": None,
            "clicks": values.get("clicks"),
            "video_views": values.get("video_views") if is_video else None,
            "snapshot_date": snapshot_date,
        }

    def _published_posts(
        self, account: Account, published_from: dt.date, published_to: dt.date, fields: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The Page's published posts of the local days [published_from, published_to] with `fields`."""
        since, until = self.local_day_bounds(published_from, published_to)
        return self.posts_in_days(
            f"{account.id}/published_posts",
            {"fields": ",".join(fields), "limit": PAGE_SIZE, "since": int(since.timestamp()),
             "until": int(until.timestamp())},
            listing="published_posts",
            item_name="published post",
            time_field="created_time",
            known_fields=POST_KEYS,
            published_from=published_from,
            published_to=published_to,
        )  # fmt: skip

    # -- post_comments ---------------------------------------------------------------------------------

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Comments of the posts published in the window: `/{post-id}/comments?filter=stream` lists replies with
        their `parent` (a reply to a reply names the reply: its thread is the top-level comment it leads to).
        `from` is given only for a Page token: without it the author is unknown (NULL) and a warning says so."""
        posts = self._published_posts(account, published_from, published_to, ("id", "created_time"))
        rows: list[Row] = []
        missing: Counter[str] = Counter()
        params = {"fields": ",".join(COMMENT_FIELDS), "filter": "stream", "order": "chronological", "limit": 100}
        post_ids = [str(post["id"]) for post in posts]
        # The comment pages of every post, in batch requests (meta_graph.paginate_many).
        threads = self.paginate_many([f"{post_id}/comments" for post_id in post_ids], params, listing="comments")
        for post_id, comments in zip(post_ids, threads, strict=True):
            parents = {str(c["id"]): _parent_id(c) for c in comments if c.get("id") is not None}
            for comment in comments:
                self.note_fields("comments items", comment, COMMENT_KEYS)
                comment_id = str(require_field("facebook", comment, "id", "a comment"))
                author = comment.get("from") if isinstance(comment.get("from"), Mapping) else {}
                if not author:
                    missing["from"] += 1
                rows.append(
                    self.comment_row(
                        account,
                        post_id=post_id,
                        comment_id=comment_id,
                        parent_id=thread_root(comment_id, parents),
                        author_id=author.get("id"),
                        author_name=author.get("name"),
                        created_at=require_time(
                            "facebook", comment.get("created_time"), f"created_time of {comment_id}"
                        ),
                        text=comment.get("message"),
                        snapshot_date=snapshot_date,
                    )
                )
        self.warn_missing("comments", missing, len(rows), "author unknown (a Page access token names authors)")
        return rows

    # -- audience_demographics -------------------------------------------------------------------------

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        rows: list[Row] = []
        for metric, dimension in DEMOGRAPHIC_METRICS.items():
            answered = self.insights_or_empty(
                account.id, [metric], {"period": "lifetime"}, scope="page", endpoint="page follower locations"
            )
            if metric not in answered:
                continue
            value = latest_value(answered[metric])
            if not isinstance(value, Mapping):
                self.unexpected_shape(
                    f"page follower locations {metric}", f"a map of {dimension} counts", value, "no rows"
                )
                continue
            counts = {str(k): to_count(v) for k, v in value.items()}
            rows.extend(share_rows(account.id, snapshot_date, dimension, counts))
        return rows


def _empty_account_row(account_id: str, day: dt.date) -> Row:
    row: Row = dict.fromkeys(ACCOUNT_DAILY.columns)
    row.update(account_id=account_id, metric_date=day)
    return row


def _parent_id(comment: Mapping[str, Any]) -> str | None:
    parent = comment.get("parent")
    return str(parent["id"]) if isinstance(parent, Mapping) and parent.get("id") is not None else None


def thread_root(comment_id: str, parents: Mapping[str, str | None]) -> str | None:
    """The top-level comment a comment's thread starts from (None for a top-level comment). A parent the listing
    does not hold (deleted) ends the walk there; a loop is cut."""
    parent = parents.get(comment_id)
    seen = {comment_id}
    while parent is not None and parents.get(parent) is not None and parent not in seen:
        seen.add(parent)
        parent = parents[parent]
    return parent


def _summary_total(edge: Any) -> Any:
    if isinstance(edge, Mapping) and isinstance(edge.get("summary"), Mapping):
        return edge["summary"].get("total_count")
    return None
