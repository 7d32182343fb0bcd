"""TikTok competitor profiles and videos through the Research API (approved researchers only).

- Profile: `POST https://open.tiktokapis.com/v2/research/user/info/?fields=display_name,follower_count,
  following_count,likes_count,video_count` with body `{"username": "<handle>"}`: followers, following,
  posts_count = video_count; total_views NULL (the API gives likes, not views).
- Videos: `POST /v2/research/video/query/?fields=id,create_time,username,video_description,view_count,
  like_count,comment_count,share_count,hashtag_names` with `{"query": {"and": [{"operation": "EQ",
  "field_name": "username", "field_values": ["<handle>"]}]}, "start_date": "YYYYMMDD", "end_date": "YYYYMMDD",
  "max_count": 100, "cursor": n, "search_id": "..."}` (windows of at most 30 days), paged with `cursor` +
  `search_id` while `has_more`.
Auth: client token `Authorization: Bearer clt.…` (TIKTOK_RESEARCH_ACCESS_TOKEN). The Research API answers with
the Display-API envelope `{"data": …, "error": {"code": "ok" | "<error>", "message", "log_id"}}`; the platform
client's classifier is for the Business API's numeric `code`, so the envelope is classified here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from pipelines.config.models import Account, Brand
from pipelines.errors import InputDataError
from pipelines.http import ApiError, CursorGuard, ErrorVerdict, retry_after_seconds
from pipelines.http.session import ApiSession
from pipelines.market import tables
from pipelines.market.base import Credential, MarketSource, Row
from pipelines.market.common import hashtags, post_row, profile_row
from pipelines.platforms.base import day_windows
from pipelines.platforms.values import parse_time, to_count

TOKEN_ENV = "TIKTOK_RESEARCH_ACCESS_TOKEN"
USER_FIELDS = "display_name,follower_count,following_count,likes_count,video_count"
VIDEO_FIELDS = "id,create_time,username,video_description,view_count,like_count,comment_count,share_count,hashtag_names"
MAX_WINDOW_DAYS = 30
PAGE_SIZE = 100
AUTH = {"access_token_invalid", "invalid_token", "token_expired"}
PERMISSION = {"scope_not_authorized", "scope_permission_missed", "no_permission", "permission_denied"}
RETRY = {"rate_limit_exceeded", "internal_error", "server_error"}
NOT_FOUND = {"user_not_found", "invalid_params", "invalid_param"}


def research_classify(response: requests.Response, body: Any) -> ErrorVerdict | None:
    """The Research/Display API envelope: `error.code` 'ok' or an error name, with the HTTP status."""
    error = body.get("error") if isinstance(body, Mapping) else None
    code = str(error.get("code") or "") if isinstance(error, Mapping) else ""
    message = str(error.get("message") or "")[:200] if isinstance(error, Mapping) else ""
    if response.ok and code in ("", "ok"):
        return None
    detail = f"{code or f'HTTP {response.status_code}'}: {message}".rstrip(": ")
    if code in RETRY or response.status_code == 429 or response.status_code >= 500:
        wait = retry_after_seconds(response)
        kind = "rate limited" if code == "rate_limit_exceeded" or response.status_code == 429 else "server error"
        return ErrorVerdict("retry", f"{kind} ({detail})", wait)
    if code in AUTH or response.status_code == 401:
        return ErrorVerdict("auth", f"the client token was rejected ({detail})")
    if code in PERMISSION or response.status_code == 403:
        return ErrorVerdict(
            "permission",
            f"access refused ({detail}); the Research API needs an approved research project and the scopes "
            "research.data.basic",
        )
    return ErrorVerdict("fatal", f"request rejected ({detail})")


class TikTokCompetitors(MarketSource):
    name: ClassVar[str] = "tiktok_competitors"
    group: ClassVar[str] = "competitors"
    title: ClassVar[str] = "TikTok: Research API profile counts and recent videos of every brand"
    tables = (tables.competitor_profiles("tiktok"), tables.competitor_posts("tiktok"))
    api_bases: ClassVar[dict[str, str]] = {"open": "https://open.tiktokapis.com"}
    credentials = (
        Credential(
            "research_token",
            TOKEN_ENV,
            "tiktok_research",
            "Research API client token (client_credentials grant, Bearer clt.…)",
        ),
    )

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        token = self.require_credential("research_token")
        self.session = self.new_session(
            credential="research_token", classify=research_classify, headers={"Authorization": f"Bearer {token}"}
        )

        def read_account(brand: Brand, account: Account) -> tuple[Row, list[Row]] | None:
            handle = account.handle.lstrip("@")
            try:
                user = self._post("v2/research/user/info/", USER_FIELDS, {"username": handle})
            except ApiError as exc:
                if type(exc) is ApiError and any(code in str(exc) for code in NOT_FOUND):
                    self.warn(f"TikTok user {handle} of {brand.name} not found ({exc}); skipped")
                    return None
                raise
            self.note_fields("research user info", user, USER_FIELDS.split(","))
            profile = profile_row(
                brand,
                handle,
                account.id,
                end,
                followers=self.count_field(user, "follower_count", f"research user info of {handle}"),
                following=self.count_field(user, "following_count", f"research user info of {handle}"),
                posts_count=self.count_field(user, "video_count", f"research user info of {handle}"),
            )
            return profile, self._videos(brand, account, self.snapshot_lookback_start(end), end)

        # accounts read side by side within TikTok's limit (MarketSource.each), results in the brands' order
        found = [f for f in self.each_account(self.brands.accounts_on("tiktok"), read_account) if f]
        profiles = [profile for profile, _ in found]
        posts = [post for _, videos in found for post in videos]
        return {self.tables[0].name: profiles, self.tables[1].name: posts}

    def _post(self, path: str, fields: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        session: ApiSession = self.session
        answer = session.post(
            f"{self.base_url('open')}/{path}", params={"fields": fields}, json_body=dict(body), endpoint=path, page=True
        )
        data = answer.get("data") if isinstance(answer, Mapping) else None
        if not isinstance(data, Mapping):
            raise InputDataError(f"{self.name}: {path} answered without a 'data' object")
        return data

    def _videos(self, brand: Brand, account: Account, first: dt.date, last: dt.date) -> list[Row]:
        handle = account.handle.lstrip("@")
        rows: dict[str, Row] = {}
        # The query takes UTC dates: ask for the UTC dates the local days [first, last] touch, keep the local days.
        since, until = self.local_day_bounds(first, last)
        utc_first, utc_last = since.date(), (until - dt.timedelta(microseconds=1)).date()
        utc_last = min(utc_last, self.clock.today)  # no end_date after TikTok's (UTC) today
        for window_start, window_end in day_windows(utc_first, utc_last, MAX_WINDOW_DAYS):
            request: dict[str, Any] = {
                "query": {"and": [{"operation": "EQ", "field_name": "username", "field_values": [handle]}]},
                "start_date": window_start.strftime("%Y%m%d"),
                "end_date": window_end.strftime("%Y%m%d"),
                "max_count": PAGE_SIZE,
                "is_random": False,
            }
            guard = CursorGuard(self.name, f"video query of {handle}")
            while True:
                data = self._post("v2/research/video/query/", VIDEO_FIELDS, request)
                for video in data.get("videos") or []:
                    if isinstance(video, Mapping):
                        row = self._video(brand, account, video, last)
                        if since <= row["published_at"] < until:
                            rows.setdefault(row["post_id"], row)
                if not data.get("has_more"):
                    break
                cursor = guard.next(data.get("cursor"))
                if cursor is None:
                    self.warn(f"video query of {handle}: has_more without a cursor; stopped")
                    break
                request["cursor"] = int(cursor)
                if data.get("search_id"):
                    request["search_id"] = data["search_id"]
        return list(rows.values())

    def _video(self, brand: Brand, account: Account, video: Mapping[str, Any], day: dt.date) -> Row:
        video_id = video.get("id")
        published = parse_time(video.get("create_time"))
        if video_id is None or published is None:
            raise InputDataError(
                f"{self.name}: a research video has no 'id' or readable 'create_time' (keys: {sorted(video)[:10]})"
            )
        self.note_fields("research videos", video, VIDEO_FIELDS.split(","))
        description = video.get("video_description")
        for key in ("view_count", "like_count", "comment_count", "share_count"):
            if key not in video:
                self.warn(f"research videos without '{key}'; left NULL")
        given = video.get("hashtag_names") if isinstance(video.get("hashtag_names"), list) else None
        return post_row(
            brand,
            account.id,
            str(video_id),
            published,
            day,
            content_type="video",
            caption=description,
            tags=hashtags(description, given=given),
            reactions=to_count(video.get("like_count")),
            comments=to_count(video.get("comment_count")),
            shares=to_count(video.get("share_count")),
            views=to_count(video.get("view_count")),
        )
