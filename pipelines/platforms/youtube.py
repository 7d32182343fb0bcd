"""YouTube: Data API v3 (channel, uploads, video statistics) and Analytics API v2 (daily metrics, demographics).

What the client reads and why:

* account_daily: Analytics `reports` with `dimensions=day` (views, likes, comments, shares, subscribersGained,
  subscribersLost). Analytics days are **Pacific days** (America/Los_Angeles), the platform's reporting day read
  on its clock; the metric_date is that day unchanged. A day is asked for once Analytics serves it (a day after it
  ended in Pacific time); later days of the window are clamped away with a warning and read by a later run.
  `reach`, `profile_visits` and `website_clicks` do not exist → NULL.
  `followers` is reconstructed: the channel's `subscriberCount` from channels.list is taken as the count at the
  end of the latest day Analytics reports (it is read "now"; the 1–3 days Analytics has not reported yet are
  assumed to have no net change), and each earlier day is `followers(next day) - gained(next day) +
  lost(next day)`. `subscriberCount` is rounded by YouTube to 3 significant figures, so the series is exact in
  its day-to-day changes but carries that rounding as an offset.
* post_snapshots: channels.list → uploads playlist → playlistItems (newest first, paged with `pageToken`, stopped
  at the first page reaching a video older than the window) → videos.list in batches of 50; a video belongs to
  the local day (settings.timezone) of its publishedAt. Statistics are
  strings; `likeCount`/`commentCount` are absent when the owner hides them → NULL with a warning. Shares come
  from Analytics `dimensions=video` when the OAuth token allows it, else NULL. A Short is a video of at most 60 s
  (SHORTS_MAX_SECONDS). The Data API has no Shorts flag, so this is a heuristic: since 2024-10-15 Shorts may last
  up to 180 s, but a 180 s threshold would call every 1-3 minute long-form upload a short, which is the more
  common case for a brand channel; Shorts of 61-180 s are therefore stored as `video`.
* audience_demographics: Analytics `ageGroup,gender` viewerPercentage over the 28 days ending on the snapshot
  day, stored three ways: `age` and `gender` (the marginal sums of the joint table, exact because every
  percentage is of the same signed-in viewers) and `age_gender` (the joint cell, value `18-24|female`); plus
  `country` as the share of views by country (audience_count NULL: views are not people). No online hours in
  the API; city is left out (value format unverified).

Errors follow the Google error body: `quotaExceeded` is never retried (the daily quota resets at midnight
Pacific), `rateLimitExceeded`/`userRateLimitExceeded` and 5xx are retried, `authError`/401 and `keyInvalid` are
auth errors naming the environment variable, `forbidden`/`insufficientPermissions` name the missing scope.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from pipelines.config.models import Account
from pipelines.errors import InputDataError
from pipelines.http import ApiError, ApiPermissionError, CursorGuard, ErrorVerdict, retry_after_seconds
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row, days_between
from pipelines.platforms.metric_registry import api_metric_for
from pipelines.platforms.values import require_day, require_field, require_time, to_count, to_number

DATA_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
ANALYTICS_SCOPE = "https://www.googleapis.com/auth/yt-analytics.readonly"

PAGE_SIZE = 50  # playlistItems maxResults and videos.list ids per call: both capped at 50 by the API
SHORTS_MAX_SECONDS = 60  # see the module docstring: 60 s, not the 180 s allowed since 2024-10-15
DEMOGRAPHICS_DAYS = 28

# Fields the client knows; anything else in an answer is reported once as new and ignored.
VIDEO_KEYS = {"kind", "etag", "id", "snippet", "statistics", "contentDetails"}
STATISTICS_KEYS = {"viewCount", "likeCount", "dislikeCount", "favoriteCount", "commentCount"}
PLAYLIST_ITEM_KEYS = {"kind", "etag", "id", "snippet", "contentDetails", "status"}

COMMENT_THREAD_KEYS = {"kind", "etag", "id", "snippet", "replies"}
COMMENT_PAGE_SIZE = 100

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


class YouTubeClient(PlatformClient):
    """The own channel through the Data API (API key or OAuth) and the Analytics API (OAuth)."""

    spec = PlatformSpec(
        name="youtube",
        title="YouTube",
        api_bases={
            "data": "https://www.googleapis.com/youtube/v3",
            "analytics": "https://youtubeanalytics.googleapis.com/v2",
        },
        credentials=(
            Credential(
                name="api_key",
                env_var="YOUTUBE_API_KEY",
                simulator_key="youtube_key",
                description="Data API key (public reads: channel, uploads, video statistics), sent as key=",
                required=False,
            ),
            Credential(
                name="oauth_token",
                env_var="YOUTUBE_OAUTH_TOKEN",
                simulator_key="youtube_oauth",
                description="OAuth 2.0 access token of the channel owner (scopes yt-analytics.readonly and "
                "youtube.readonly), sent as Authorization: Bearer",
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "post_comments"),
        notes="Analytics days are Pacific days; followers reconstructed backwards from the subscriberCount "
        "snapshot; quotaExceeded is never retried (10,000 units/day, reset at midnight Pacific).",
        # YouTube spends 10,000 quota units a day per project whatever the pace (concurrency costs no units); its
        # rateLimitExceeded / userRateLimitExceeded is per user (each channel's own OAuth token): 8 channels at once.
        max_concurrent_requests=8,
    )

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        self._api_key = self.credential("api_key")
        self._oauth = self.credential("oauth_token")
        bearer = {"Authorization": f"Bearer {self._oauth}"} if self._oauth else None
        # Public Data API reads use the key when there is one (the documented way for public data); the OAuth
        # token is the fallback, so the renew hint names the credential actually sent.
        data_credential = "api_key" if self._api_key else "oauth_token"
        self._data = self.new_session(
            credential=data_credential,
            classify=_google_classifier(DATA_SCOPE, self.credential_env_var(data_credential), data_credential),
            headers=None if self._api_key else bearer,
        )
        self._analytics = self.new_session(
            credential="oauth_token",
            classify=_google_classifier(ANALYTICS_SCOPE, self.credential_env_var("oauth_token"), "oauth_token"),
            headers=bearer,
        )
        self._channels: dict[str, Mapping[str, Any]] = {}
        # playlistItems page size (the API allows 1-50); videos.list and Analytics batches stay at 50 ids.
        self.page_size = PAGE_SIZE

    # --- streams ----------------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        served = self.clock.clamp(start, end, what="YouTube Analytics days", warn=self.warn)
        if served is None:
            return []
        last_served = self.clock.last_served_day()
        metrics = {
            canonical: api_metric_for("youtube", level, canonical, start)
            for level, canonical in (
                ("post", "views"),
                ("post", "reactions"),
                ("post", "comments"),
                ("post", "shares"),
                ("account", "followers_gained"),
                ("account", "followers_lost"),
            )
        }
        requested = {api: canonical for canonical, api in metrics.items() if api}
        # Read up to the last day served: the days after `end` are needed to walk the follower count back from
        # today's total.
        table = self._report(
            account,
            start=served.first,
            end=last_served,
            dimensions="day",
            metrics=list(requested),
            extra={"sort": "day"},
        )
        days: dict[dt.date, dict[str, Any]] = {}
        for raw in table:
            day = require_day("youtube", require_field("youtube", raw, "day", "an Analytics day row"), "Analytics day")
            days[day] = {canonical: to_count(raw.get(api)) for api, canonical in requested.items()}

        followers = self._followers_by_day(account, days)
        rows = []
        for day in sorted(d for d in days if start <= d <= end):
            values = days[day]
            parts = [values.get(k) for k in ("reactions", "comments", "shares")]
            known = [p for p in parts if p is not None]
            rows.append(
                {
                    "account_id": account.id,
                    "metric_date": day,
                    "followers": followers.get(day),
                    "followers_gained": values.get("followers_gained"),
                    "followers_lost": values.get("followers_lost"),
                    "views": values.get("views"),
                    "reach": None,
                    "engagements": sum(known) if known else None,
                    "profile_visits": None,
                    "website_clicks": None,
                }
            )
        missing = [d for d in days_between(served.first, served.last) if d not in days]
        if missing:
            self.warn(
                f"Analytics has no data yet for {len(missing)} day(s) from {missing[0]} to {missing[-1]} "
                "(YouTube Analytics lags 1-3 days); those days are left out and the next run fills them"
            )
        return rows

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        since, until = self.local_day_bounds(published_from, published_to)
        uploads = self.uploads_playlist(account)
        video_ids = [vid for vid, published in self.playlist_videos(uploads, since) if since <= published < until]
        videos = self.videos(video_ids)
        shares = self._video_shares(account, videos, snapshot_date)
        rows = []
        for video in videos:
            vid = str(require_field("youtube", video, "id", "a videos.list item"))
            snippet = video.get("snippet") or {}
            published = require_time(
                "youtube", require_field("youtube", snippet, "publishedAt", f"snippet of video {vid}"), "publishedAt"
            )
            statistics = video.get("statistics")
            if statistics is None:
                self.warn("videos.list returned a video without 'statistics'; its counts are stored as NULL")
                statistics = {}
            self.note_fields("videos.list statistics", statistics, STATISTICS_KEYS)
            views = self._stat(statistics, "viewCount", "views")
            content_type = self.content_type(video)
            rows.append(
                {
                    "account_id": account.id,
                    "post_id": vid,
                    "published_at": published,
                    "post_url": f"https://www.youtube.com/shorts/{vid}"
                    if content_type == "short"
                    else f"https://www.youtube.com/watch?v={vid}",
                    "content_type": content_type,
                    "caption": snippet.get("title"),
                    "views": views,
                    "reach": None,
                    "reactions": self._stat(statistics, "likeCount", "likes (hidden by the owner)"),
                    "comments": self._stat(statistics, "commentCount", "comments (disabled or hidden)"),
                    "shares": shares.get(vid),
                    "saves": None,
                    "clicks": None,
                    "video_views": views,
                    "snapshot_date": snapshot_date,
                }
            )
        return rows

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Comments of the videos published in the window: `commentThreads.list?part=snippet,replies` (1 quota
        unit a page) gives each top-level comment with some of its replies; when `totalReplyCount` is larger than
        the replies given, `comments.list?parentId=` lists them all. The brand is `authorChannelId.value` equal to
        the channel id. A video with comments disabled answers 403 commentsDisabled: no comments, a warning."""
        since, until = self.local_day_bounds(published_from, published_to)
        uploads = self.uploads_playlist(account)
        video_ids = [vid for vid, published in self.playlist_videos(uploads, since) if since <= published < until]
        rows: list[Row] = []
        for vid in video_ids:
            params: dict[str, Any] = {
                "part": "snippet,replies",
                "videoId": vid,
                "maxResults": COMMENT_PAGE_SIZE,
                "textFormat": "plainText",
            }
            guard = CursorGuard("youtube", f"commentThreads of {vid}")
            while True:
                try:
                    body = self.data_get("commentThreads", params, "commentThreads.list", page=True)
                except ApiError as exc:
                    if "commentsDisabled" not in str(exc.platform_message or exc):
                        raise
                    self.warn(f"commentThreads.list: comments are disabled on video {vid}; no comments read")
                    break
                for thread in body.get("items") or []:
                    self.note_fields("commentThreads items", thread, COMMENT_THREAD_KEYS)
                    rows.extend(self._thread_rows(account, vid, thread, snapshot_date))
                token = guard.next(body.get("nextPageToken"))
                if token is None:
                    break
                params = {**params, "pageToken": token}
        return rows

    def _thread_rows(
        self, account: Account, video_id: str, thread: Mapping[str, Any], snapshot_date: dt.date
    ) -> list[Row]:
        snippet = thread.get("snippet") or {}
        top = require_field("youtube", snippet, "topLevelComment", "a commentThreads item")
        top_id = str(require_field("youtube", top, "id", "a topLevelComment"))
        replies = list((thread.get("replies") or {}).get("comments") or [])
        total = to_count(snippet.get("totalReplyCount")) or 0
        if total > len(replies):
            replies = self._all_replies(top_id)
        rows = [self._comment_row(account, video_id, top, None, snapshot_date)]
        rows += [self._comment_row(account, video_id, reply, top_id, snapshot_date) for reply in replies]
        return rows

    def _all_replies(self, parent_id: str) -> list[Mapping[str, Any]]:
        guard = CursorGuard("youtube", f"comments of {parent_id}")
        params: dict[str, Any] = {"part": "snippet", "parentId": parent_id, "maxResults": COMMENT_PAGE_SIZE,
                                  "textFormat": "plainText"}  # fmt: skip
        replies: list[Mapping[str, Any]] = []
        while True:
            body = self.data_get("comments", params, "comments.list", page=True)
            replies += [item for item in body.get("items") or [] if isinstance(item, Mapping)]
            token = guard.next(body.get("nextPageToken"))
            if token is None:
                return replies
            params = {**params, "pageToken": token}

    def _comment_row(
        self, account: Account, video_id: str, comment: Mapping[str, Any], parent_id: str | None, snapshot_date: dt.date
    ) -> Row:
        comment_id = str(require_field("youtube", comment, "id", "a comment"))
        snippet = comment.get("snippet") or {}
        channel = snippet.get("authorChannelId")
        return self.comment_row(
            account,
            post_id=video_id,
            comment_id=comment_id,
            parent_id=parent_id,
            author_id=channel.get("value") if isinstance(channel, Mapping) else None,
            author_name=snippet.get("authorDisplayName"),
            created_at=require_time("youtube", snippet.get("publishedAt"), f"publishedAt of comment {comment_id}"),
            text=snippet.get("textOriginal") or snippet.get("textDisplay"),
            snapshot_date=snapshot_date,
        )

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        # The 28 days Analytics serves that end at the snapshot day at the latest.
        end = min(snapshot_date, self.clock.last_served_day())
        start = end - dt.timedelta(days=DEMOGRAPHICS_DAYS - 1)
        rows: list[Row] = []

        def row(dimension: str, value: str, share: float | None) -> Row:
            return {
                "account_id": account.id,
                "snapshot_date": snapshot_date,
                "dimension": dimension,
                "dimension_value": value,
                "audience_count": None,
                "audience_share": share,
            }

        joint = self._report(account, start=start, end=end, dimensions="ageGroup,gender", metrics=["viewerPercentage"])
        ages: dict[str, float] = {}
        genders: dict[str, float] = {}
        for raw in joint:
            age = _age_label(str(require_field("youtube", raw, "ageGroup", "an Analytics ageGroup row")))
            gender = str(require_field("youtube", raw, "gender", "an Analytics gender row"))
            pct = to_number(raw.get("viewerPercentage"))
            if pct is None:
                self.warn("an ageGroup,gender row has no viewerPercentage; it is left out")
                continue
            share = pct / 100.0
            ages[age] = ages.get(age, 0.0) + share
            genders[gender] = genders.get(gender, 0.0) + share
            rows.append(row("age_gender", f"{age}|{gender}", share))
        rows += [row("age", k, round(v, 6)) for k, v in sorted(ages.items())]
        rows += [row("gender", k, round(v, 6)) for k, v in sorted(genders.items())]

        countries = self._report(
            account, start=start, end=end, dimensions="country", metrics=["views"], extra={"sort": "-views"}
        )
        views = {
            str(require_field("youtube", raw, "country", "an Analytics country row")): to_count(raw.get("views")) or 0
            for raw in countries
        }
        total = sum(views.values())
        if total:
            rows += [row("country", k, v / total) for k, v in views.items()]
        return rows

    # --- Data API -----------------------------------------------------------------------------------------

    def data_get(self, path: str, params: dict[str, Any], endpoint: str, *, page: bool = False) -> Mapping[str, Any]:
        """A Data API GET with the key (or the OAuth token): its JSON object, Google errors classified.

        `page=True` counts the answer as a page of data in the call statistics.
        """
        self.require_credential("api_key", "oauth_token", purpose="the Data API")
        if self._api_key:
            params = {**params, "key": self._api_key}
        body = self._data.get(f"{self.base_url('data')}/{path}", params=params, endpoint=endpoint, page=page)
        return _object(body, endpoint)

    def channel(self, account: Account) -> Mapping[str, Any]:
        """The channels.list item of the account's channel (snippet, statistics, contentDetails), read once."""
        if account.id not in self._channels:
            body = self.data_get(
                "channels", {"part": "snippet,statistics,contentDetails", "id": account.id}, "channels.list"
            )
            items = body.get("items") or []
            if not items:
                raise InputDataError(
                    f"youtube: channels.list found no channel with id {account.id!r}; check the youtube id of "
                    "the own brand in brands.yaml (a channel id starts with UC)."
                )
            self._channels[account.id] = items[0]
        return self._channels[account.id]

    def uploads_playlist(self, account: Account) -> str:
        """The id of the channel's uploads playlist (every public video, newest first)."""
        details = self.channel(account).get("contentDetails") or {}
        uploads = (details.get("relatedPlaylists") or {}).get("uploads")
        if not uploads:
            raise InputDataError(
                f"youtube: channel {account.id} has no 'contentDetails.relatedPlaylists.uploads' field; "
                "the uploads playlist is needed to list the videos."
            )
        return str(uploads)

    def playlist_videos(self, playlist_id: str, since: dt.datetime) -> Iterable[tuple[str, dt.datetime]]:
        """(video id, published at) from the uploads playlist, newest first, until a page reaches `since`."""
        guard = CursorGuard("youtube", f"playlistItems of {playlist_id}")
        params: dict[str, Any] = {"part": "contentDetails", "playlistId": playlist_id, "maxResults": self.page_size}
        while True:
            body = self.data_get("playlistItems", params, "playlistItems.list", page=True)
            reached_older = False
            for item in body.get("items") or []:
                self.note_fields("playlistItems items", item, PLAYLIST_ITEM_KEYS)
                details = item.get("contentDetails") or {}
                vid = require_field("youtube", details, "videoId", "a playlistItems contentDetails")
                published_raw = details.get("videoPublishedAt")
                if published_raw is None:
                    self.warn("uploads playlist items without videoPublishedAt (private or deleted videos) skipped")
                    continue
                published = require_time("youtube", published_raw, "contentDetails.videoPublishedAt")
                if published < since:
                    reached_older = True
                    continue
                yield str(vid), published
            token = guard.next(body.get("nextPageToken"))
            # Uploads are newest first: once a page reaches an older video, later pages are older still.
            if token is None or reached_older:
                return
            params = {**params, "pageToken": token}

    def videos(self, video_ids: list[str]) -> list[Mapping[str, Any]]:
        """videos.list items (snippet, statistics, contentDetails) of the ids, in batches of 50."""
        videos: list[Mapping[str, Any]] = []
        for i in range(0, len(video_ids), PAGE_SIZE):
            batch = video_ids[i : i + PAGE_SIZE]
            body = self.data_get(
                "videos",
                {"part": "snippet,statistics,contentDetails", "id": ",".join(batch), "maxResults": PAGE_SIZE},
                "videos.list",
            )
            for item in body.get("items") or []:
                self.note_fields("videos.list items", item, VIDEO_KEYS)
                videos.append(item)
        return videos

    def _followers_by_day(self, account: Account, days: Mapping[dt.date, Mapping[str, Any]]) -> dict[dt.date, int]:
        statistics = self.channel(account).get("statistics") or {}
        if statistics.get("hiddenSubscriberCount") or statistics.get("subscriberCount") is None:
            self.warn("the channel hides its subscriber count (or channels.list omitted it): followers stored as NULL")
            return {}
        followers: dict[dt.date, int] = {}
        current = to_count(statistics["subscriberCount"])
        for day in sorted(days, reverse=True):
            if current is None:
                break
            followers[day] = current
            gained, lost = days[day].get("followers_gained"), days[day].get("followers_lost")
            if gained is None or lost is None:
                self.warn(f"subscribersGained/Lost missing on {day}: followers before that day stored as NULL")
                break
            current = current - gained + lost
        return followers

    # --- Analytics API ------------------------------------------------------------------------------------

    def _report(
        self,
        account: Account,
        *,
        start: dt.date,
        end: dt.date,
        dimensions: str,
        metrics: list[str],
        extra: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of one Analytics report as dicts keyed by column name; a metric refused as unknown is dropped."""
        self.require_credential("oauth_token", purpose="the Analytics API needs the channel owner's OAuth token")
        metrics = list(metrics)
        while metrics:
            params = {
                # The channel id (not channel==MINE): a token of another channel fails loudly instead of
                # silently reporting the wrong channel.
                "ids": f"channel=={account.id}",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "metrics": ",".join(metrics),
                "dimensions": dimensions,
                **(extra or {}),
            }
            try:
                body = self._analytics.get(f"{self.base_url('analytics')}/reports", params=params, endpoint="reports")
            except ApiError as exc:
                refused = _refused_metric(exc, metrics)
                if refused is None:
                    raise
                self.warn(f"Analytics refused the metric {refused!r} (unknown identifier); its column stays NULL")
                metrics.remove(refused)
                continue
            return self._table(_object(body, "reports"), dimensions.split(",") + metrics)
        return []

    def _table(self, body: Mapping[str, Any], expected: list[str]) -> list[dict[str, Any]]:
        headers = body.get("columnHeaders")
        if not isinstance(headers, list):
            raise InputDataError("youtube: an Analytics report has no 'columnHeaders'; cannot map its rows.")
        names = [str(require_field("youtube", h, "name", "an Analytics column header")) for h in headers]
        self.note_fields("an Analytics report", dict.fromkeys(names), expected)
        out = []
        for raw in body.get("rows") or []:  # `rows` is omitted when there is no data
            if not isinstance(raw, list) or len(raw) != len(names):
                raise InputDataError(
                    f"youtube: an Analytics row has {len(raw) if isinstance(raw, list) else 'no'} values for "
                    f"{len(names)} column headers."
                )
            out.append(dict(zip(names, raw, strict=True)))
        return out

    def _video_shares(
        self, account: Account, videos: list[Mapping[str, Any]], snapshot_date: dt.date
    ) -> dict[str, int | None]:
        """Lifetime shares per video from Analytics (dimensions=video); {} (→ NULL) when Analytics is unavailable."""
        if not videos:
            return {}
        if not self._oauth:
            self.warn(
                f"no OAuth token ({self.credential_env_var('oauth_token')}): video shares come from the Analytics "
                "API, stored as NULL"
            )
            return {}
        first = min(
            require_time("youtube", v["snippet"]["publishedAt"], "snippet.publishedAt")
            for v in videos
            if (v.get("snippet") or {}).get("publishedAt")
        )
        first_day = self.clock.day_of(first)
        last_day = min(snapshot_date, self.clock.last_served_day())
        shares: dict[str, int | None] = {}
        ids = [str(v.get("id")) for v in videos if v.get("id")]
        for i in range(0, len(ids), PAGE_SIZE):
            batch = ids[i : i + PAGE_SIZE]
            try:
                table = self._report(
                    account,
                    start=min(first_day, last_day),
                    end=last_day,
                    dimensions="video",
                    metrics=["views", "shares"],
                    extra={"filters": "video==" + ",".join(batch), "sort": "-views", "maxResults": PAGE_SIZE},
                )
            except ApiPermissionError as exc:
                self.warn(f"video shares unavailable ({exc}); stored as NULL")
                return {}
            for raw in table:
                if "shares" in raw:
                    shares[str(raw.get("video"))] = to_count(raw["shares"])
        return shares

    # --- parsing helpers -----------------------------------------------------------------------------------

    def _stat(self, statistics: Mapping[str, Any], key: str, meaning: str) -> int | None:
        if key not in statistics:
            self.warn(f"videos.list statistics without '{key}' ({meaning}): stored as NULL")
            return None
        value = to_count(statistics[key])
        if value is None:
            self.warn(f"videos.list statistics '{key}' is not a whole number: stored as NULL")
        return value

    def content_type(self, video: Mapping[str, Any]) -> str:
        """`short` for a video of at most SHORTS_MAX_SECONDS (see the module docstring), else `video`."""
        duration = (video.get("contentDetails") or {}).get("duration")
        seconds = _duration_seconds(duration) if isinstance(duration, str) else None
        if seconds is None:
            self.warn("a video has no readable contentDetails.duration: stored as content_type 'video'")
            return "video"
        return "short" if 0 < seconds <= SHORTS_MAX_SECONDS else "video"


# --- module helpers ---------------------------------------------------------------------------------------


def _google_classifier(scope: str, env_var: str, credential: str):
    """The Google error body → verdict: quota never retried, rate limits retried, auth and scope named.

    `credential` is what the session sends (`api_key` or `oauth_token`): an auth error names that one.
    """
    sent = "API key" if credential == "api_key" else "OAuth token"

    def classify(response: requests.Response, body: Any) -> ErrorVerdict | None:
        if response.ok:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        details = error.get("errors") if isinstance(error.get("errors"), list) else []
        reasons = {str(d.get("reason")) for d in details if isinstance(d, dict)}
        status = response.status_code
        text = str(error.get("message") or "")[:200]
        words = ": ".join(p for p in (", ".join(sorted(reasons)), text) if p)
        if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
            return ErrorVerdict(
                "quota",
                "the daily YouTube API quota (10,000 units per Google Cloud project) is exhausted; it resets at "
                "midnight Pacific time (America/Los_Angeles). Not retried: re-run after the reset.",
                platform_message=words,
            )
        if reasons & {"rateLimitExceeded", "userRateLimitExceeded"} or status == 429:
            wait = retry_after_seconds(response)
            kind = "throttle" if wait is not None else "retry"
            return ErrorVerdict(kind, f"rate limited ({', '.join(sorted(reasons)) or 'HTTP 429'})", wait, words)
        if "keyInvalid" in reasons:
            message = f"the API key was rejected ({words}); set a valid key in {env_var}"
            return ErrorVerdict("auth", message, None, words)
        if status == 401 or reasons & {"authError", "unauthorized"} or error.get("status") == "UNAUTHENTICATED":
            return ErrorVerdict("auth", f"the {sent} is invalid or expired ({words or 'authError'})", None, words)
        if status == 403 or reasons & {"forbidden", "insufficientPermissions"}:
            return ErrorVerdict(
                "permission",
                f"access denied ({', '.join(sorted(reasons)) or error.get('status') or 'HTTP 403'}: {text}). "
                f"The {sent} in {env_var} needs the scope {scope} and must belong to the channel's owner.",
                platform_message=words,
            )
        if status >= 500:
            return ErrorVerdict(
                "retry",
                f"server error (HTTP {status} {', '.join(sorted(reasons))})",
                retry_after_seconds(response),
                words,
            )
        return ErrorVerdict("fatal", f"request rejected ({words or 'no reason'})", platform_message=words)

    return classify


def _refused_metric(exc: ApiError, metrics: list[str]) -> str | None:
    """The requested metric an Analytics 400 names as "Unknown identifier (name)", if any."""
    if exc.status != 400:
        return None
    found = re.search(r"Unknown identifier \((\w+)\)", str(exc))
    return found.group(1) if found and found.group(1) in metrics else None


def _object(body: Any, endpoint: str) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InputDataError(f"youtube: {endpoint} answered {type(body).__name__}, not a JSON object.")
    return body


def _duration_seconds(value: str) -> float | None:
    """ISO 8601 duration (PT1M12S) → seconds; None when unreadable."""
    match = _DURATION.match(value)
    if not match:
        return None
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def _age_label(age_group: str) -> str:
    """`age18-24` → `18-24`, `age65-` → `65+`."""
    label = age_group.removeprefix("age")
    return label[:-1] + "+" if label.endswith("-") else label
