"""TikTok: the organic Accounts API of TikTok API for Business v1.3 (business accounts, `Access-Token` header).

What the client reads and why:

* account_daily: `GET /business/get/` with `start_date`/`end_date` and a JSON-encoded `fields` list; the daily
  values are in `data.metrics[]` (one object per day): followers_count → followers, video_views → views,
  profile_views → profile_visits, likes + comments + shares → engagements, reach → reach. TikTok gives no
  daily gains/losses (only the follower total) and no website clicks → NULL. `reach` is not in the documented
  field list: it is requested as an optional field and stays NULL when the API refuses or omits it. Days are
  UTC days (the API's dates are not documented with a zone; its timestamps are UTC unix seconds), read on
  TikTok's clock: the API keeps about 60 days and serves a day a day after it ended, so the window is clamped
  to those days with a warning.
* follower_online_hours: `audience_activity` of the same daily objects (`hour`, `count`). The hours are assumed
  to be UTC hours (ACTIVITY_ZONE); they are converted from that zone to UTC, so changing the assumption is one
  constant.
* audience_demographics: `audience_countries`, `audience_genders`, `audience_ages` (shares 0–1, counts NULL).
* post_snapshots: `GET /business/video/list/` (cursor + has_more, max_count 20, newest first) filtered to the
  window on `create_time` (a string of unix seconds; a video belongs to its local day of settings.timezone):
  views = video_views, reach = reach, reactions = likes, comments, shares, video_views = video_views; saves and
  clicks are not provided → NULL; content_type `video`.

Errors come with HTTP 200 and a non-zero envelope `code` (kept with TikTok's message in every error): 40100 (too
frequent) and 50000 (internal) are retried with backoff, 40104/40105 are auth errors naming
TIKTOK_BUSINESS_ACCESS_TOKEN, 40001/40002 are parameter errors
(not retried; an unconfirmed field the API refuses, reach or audience_ages, is dropped with a warning). Plain
HTTP 5xx/429 are retried.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import requests

from pipelines.config.models import Account
from pipelines.errors import InputDataError
from pipelines.http import ApiError, CursorGuard, ErrorVerdict
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row
from pipelines.platforms.values import require_day, require_field, require_time, to_count, to_number

MAX_DAYS_PER_CALL = 30  # conservative window per /business/get/ call (the documented limit is not confirmed)
PAGE_SIZE = 20  # /business/video/list/ max_count is 1-20
ACTIVITY_ZONE = ZoneInfo("UTC")  # the zone of audience_activity hours (assumed; see the module docstring)

# API field -> contract column. The Business API names differ from the Display API names in the metric
# registry (view_count, like_count...), so the Business API mapping lives here.
DAILY_FIELDS = {
    "followers_count": "followers",
    "video_views": "views",
    "profile_views": "profile_visits",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
}
DAILY_OPTIONAL = ("reach",)  # not in the documented field list: requested as optional, NULL when refused
AUDIENCE_FIELDS = {"audience_countries": "country", "audience_genders": "gender", "audience_ages": "age"}
AUDIENCE_VALUE_KEYS = {"audience_countries": "country", "audience_genders": "gender", "audience_ages": "age"}
VIDEO_FIELDS = ("item_id", "create_time", "caption", "share_url", "video_views", "likes", "comments", "shares", "reach")
VIDEO_COUNTS = {
    "video_views": "views",
    "reach": "reach",
    "likes": "reactions",
    "comments": "comments",
    "shares": "shares",
}
BUSINESS_KEYS = {"username", "display_name", "profile_image", "metrics", "audience_activity"}
BUSINESS_KEYS |= {*AUDIENCE_FIELDS, *DAILY_FIELDS, *DAILY_OPTIONAL}

RETRY_CODES = {40100: "requests too frequent (rate limit, code 40100)", 50000: "TikTok internal error (code 50000)"}
AUTH_CODES = {40104, 40105}
PARAMETER_CODES = {40001, 40002}


class TikTokClient(PlatformClient):
    """A TikTok business account through the Business API's organic Accounts endpoints."""

    spec = PlatformSpec(
        name="tiktok",
        title="TikTok",
        api_bases={
            "business": "https://business-api.tiktok.com/open_api/v1.3",
            "open": "https://open.tiktokapis.com/v2",
        },
        credentials=(
            Credential(
                name="business_token",
                env_var="TIKTOK_BUSINESS_ACCESS_TOKEN",
                simulator_key="tiktok_business",
                description="TikTok API for Business access token of the business account (header Access-Token)",
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "follower_online_hours"),
        notes="Envelope code checked on HTTP 200; ~60 days of daily data; audience_activity hours assumed UTC.",
        # TikTok limits requests per endpoint on a 1-minute sliding window (rate_limit_exceeded, 40100 "requests too
        # frequent") and per day, per app: 2 at once.
        max_concurrent_requests=2,
    )

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        token = self.credential("business_token")
        self._session = self.new_session(
            credential="business_token",
            classify=_classify_for(self.credential_env_var("business_token")),
            headers={"Access-Token": token} if token else None,
        )
        self._daily_cache: dict[tuple[str, dt.date, dt.date], list[Mapping[str, Any]]] = {}

    # --- streams ----------------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        rows = []
        for day, metrics in self._daily(account, start, end):
            values = {column: to_count(metrics.get(field)) for field, column in DAILY_FIELDS.items()}
            for field in DAILY_FIELDS:
                if field not in metrics:
                    self.warn(f"daily metrics without '{field}': stored as NULL")
            parts = [values[k] for k in ("likes", "comments", "shares") if values[k] is not None]
            rows.append(
                {
                    "account_id": account.id,
                    "metric_date": day,
                    "followers": values["followers"],
                    "followers_gained": None,
                    "followers_lost": None,
                    "views": values["views"],
                    "reach": to_count(metrics.get("reach")),
                    "engagements": sum(parts) if parts else None,
                    "profile_visits": values["profile_visits"],
                    "website_clicks": None,
                }
            )
        return rows

    def follower_online_hours(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        hours: dict[tuple[dt.date, int], int] = {}
        for day, metrics in self._daily(account, start, end):
            activity = metrics.get("audience_activity")
            if activity is None:
                self.warn("daily metrics without 'audience_activity': no online hours for those days")
                continue
            if not isinstance(activity, list):
                self.unexpected_shape(
                    "/business/get/ audience_activity", "a list of {hour, count}", activity, f"no online hours on {day}"
                )
                continue
            for entry in activity:
                entry = entry if isinstance(entry, Mapping) else {}
                hour, count = to_count(entry.get("hour")), to_count(entry.get("count"))
                if hour is None or not 0 <= hour <= 23 or count is None:
                    self.warn("an audience_activity entry without a valid 'hour' or 'count' was left out")
                    continue
                local = dt.datetime.combine(day, dt.time(hour), ACTIVITY_ZONE).astimezone(dt.UTC)
                if start <= local.date() <= end:
                    hours[(local.date(), local.hour)] = count
        return [
            {"account_id": account.id, "metric_date": day, "hour_of_day": hour, "online_followers": count}
            for (day, hour), count in sorted(hours.items())
        ]

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        day = min(snapshot_date, self.clock.last_served_day())
        data = self._business_get(account, day, day, ["audience_countries", "audience_genders"], ("audience_ages",))
        rows = []
        for field, dimension in AUDIENCE_FIELDS.items():
            entries = data.get(field)
            if entries is None:
                self.warn(f"/business/get/ answered without '{field}': no {dimension} breakdown")
                continue
            if not isinstance(entries, list):
                self.unexpected_shape(f"/business/get/ {field}", "a list of {value, percentage}", entries, "no rows")
                continue
            shares: dict[str, float] = {}
            for entry in entries:
                value = entry.get(AUDIENCE_VALUE_KEYS[field]) if isinstance(entry, dict) else None
                share = to_number(entry.get("percentage")) if isinstance(entry, dict) else None
                if value is None or share is None:
                    self.warn(f"an entry of {field} without a value or percentage was left out")
                    continue
                label = str(value).lower() if dimension == "gender" else str(value)
                shares[label] = shares.get(label, 0.0) + share
            if sum(shares.values()) > 1.5:  # sent as percent (0-100) instead of a fraction
                self.warn(f"{field} percentages look like 0-100 values; divided by 100")
                shares = {k: v / 100 for k, v in shares.items()}
            rows += [
                {
                    "account_id": account.id,
                    "snapshot_date": snapshot_date,
                    "dimension": dimension,
                    "dimension_value": label,
                    "audience_count": None,
                    "audience_share": share,
                }
                for label, share in shares.items()
            ]
        return rows

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        since, until = self.local_day_bounds(published_from, published_to)
        guard = CursorGuard("tiktok", f"/business/video/list/ of {account.id}")
        cursor: Any = 0
        rows = []
        while True:
            params = {
                "business_id": account.id,
                "fields": json.dumps(list(VIDEO_FIELDS)),
                "cursor": cursor,
                "max_count": PAGE_SIZE,
            }
            data = self._get("business/video/list/", params, page=True)
            reached_older = False
            for video in data.get("videos") or []:
                self.note_fields("/business/video/list/ videos", video, VIDEO_FIELDS)
                video_id = str(require_field("tiktok", video, "item_id", "a /business/video/list/ video"))
                created = require_time(
                    "tiktok", require_field("tiktok", video, "create_time", f"video {video_id}"), f"video {video_id}"
                )
                if created < since:
                    reached_older = True
                    continue
                if created >= until:
                    continue
                rows.append(self._video_row(account, video, video_id, created, snapshot_date))
            if not data.get("has_more"):
                break
            cursor = guard.next(data.get("cursor"))
            # Videos come newest first: a page that reaches the window's start ends the listing.
            if cursor is None or reached_older:
                break
        return rows

    # --- internals --------------------------------------------------------------------------------------

    def _video_row(
        self, account: Account, video: Mapping[str, Any], video_id: str, created: dt.datetime, snapshot: dt.date
    ) -> Row:
        counts = {}
        for field, column in VIDEO_COUNTS.items():
            if field not in video:
                self.warn(f"/business/video/list/ videos without '{field}': stored as NULL")
            counts[column] = to_count(video.get(field))
        return {
            "account_id": account.id,
            "post_id": video_id,
            "published_at": created,
            "post_url": video.get("share_url")
            or f"https://www.tiktok.com/@{account.handle.lstrip('@')}/video/{video_id}",
            "content_type": "video",
            "caption": video.get("caption"),
            "views": counts["views"],
            "reach": counts["reach"],
            "reactions": counts["reactions"],
            "comments": counts["comments"],
            "shares": counts["shares"],
            "saves": None,
            "clicks": None,
            "video_views": counts["views"],
            "snapshot_date": snapshot,
        }

    def _daily(self, account: Account, start: dt.date, end: dt.date) -> list[tuple[dt.date, Mapping[str, Any]]]:
        """The daily metric objects of [start, end] the API serves now (TikTok's clock), in windows of ≤ 30 days."""
        key = (account.id, start, end)
        if key in self._daily_cache:
            return self._cached_days(key)
        found: list[Mapping[str, Any]] = []
        self._daily_cache[key] = found
        served = self.clock.clamp(start, end, what="TikTok daily account metrics", warn=self.warn)
        if served is None:
            return []
        first, end = served.first, served.last
        while first <= end:
            last = min(end, first + dt.timedelta(days=MAX_DAYS_PER_CALL - 1))
            data = self._business_get(account, first, last, [*DAILY_FIELDS, "audience_activity"], DAILY_OPTIONAL)
            metrics = data.get("metrics")
            if metrics is None:
                self.warn(f"/business/get/ answered without 'metrics': no daily values for {first} to {last}")
                metrics = []
            found += [m for m in metrics if isinstance(m, dict)]
            first = last + dt.timedelta(days=1)
        return self._cached_days(key)

    def _cached_days(self, key: tuple[str, dt.date, dt.date]) -> list[tuple[dt.date, Mapping[str, Any]]]:
        _, start, end = key
        known = {*DAILY_FIELDS, *DAILY_OPTIONAL, "date", "audience_activity"}
        out = []
        for metrics in self._daily_cache[key]:
            raw_date = require_field("tiktok", metrics, "date", "a /business/get/ daily metrics object")
            day = require_day("tiktok", raw_date, "a daily metrics date")
            self.note_fields("/business/get/ daily metrics", metrics, known)
            if start <= day <= end:
                out.append((day, metrics))
        return sorted(out, key=lambda pair: pair[0])

    def _business_get(
        self, account: Account, start: dt.date, end: dt.date, fields: list[str], optional: tuple[str, ...] = ()
    ) -> Mapping[str, Any]:
        """/business/get/ for `fields` plus `optional` ones (not confirmed in the API docs).

        A parameter error that names a field drops that field; one that names none drops the optional fields
        (warned) before it is raised: an unconfirmed field must not cost the confirmed ones.
        """
        fields = list(dict.fromkeys(fields))
        extra = [f for f in dict.fromkeys(optional) if f not in fields]
        while fields or extra:
            params = {
                "business_id": account.id,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "fields": json.dumps(fields + extra),
            }
            try:
                data = self._get("business/get/", params)
            except ApiError as exc:
                if "parameter error" not in str(exc):
                    raise
                refused = _refused_field(exc, fields + extra)
                if refused is not None:
                    self.warn(f"/business/get/ refused the field {refused!r} as invalid; its values stay NULL")
                    (fields if refused in fields else extra).remove(refused)
                    continue
                if not extra:
                    raise
                self.warn(f"/business/get/ refused the request with the unconfirmed fields {extra}: retried without")
                extra = []
                continue
            self.note_fields("/business/get/", data, BUSINESS_KEYS)
            return data
        return {}

    def _get(self, path: str, params: Mapping[str, Any], *, page: bool = False) -> Mapping[str, Any]:
        self.require_credential("business_token")
        body = self._session.get(f"{self.base_url('business')}/{path}", params=params, endpoint=f"/{path}", page=page)
        if not isinstance(body, dict):
            raise InputDataError(f"tiktok: /{path} answered {type(body).__name__}, not a JSON object.")
        data = body.get("data")
        if not isinstance(data, dict):
            raise InputDataError(f"tiktok: /{path} answered without a 'data' object (keys: {sorted(body)[:8]}).")
        return data


def _classify_for(env_var: str):
    """TikTok puts errors in the envelope `code` of an HTTP 200 answer; plain HTTP errors use the generic rules.
    `env_var` is the token's variable, named in a permission error."""

    def classify(response: requests.Response, body: Any) -> ErrorVerdict | None:
        if not isinstance(body, dict) or "code" not in body:
            return None
        code = to_count(body.get("code"))
        message = str(body.get("message") or "")[:200]
        if code == 0:
            return None
        words = f"code {code}: {message}" if message else f"code {code}"
        if code in RETRY_CODES:
            return ErrorVerdict("retry", RETRY_CODES[code], platform_message=words)
        if code in AUTH_CODES:
            return ErrorVerdict("auth", f"the access token is invalid or expired ({words})", platform_message=words)
        if code in PARAMETER_CODES and "permission" in message.lower():
            return ErrorVerdict(
                "permission",
                f"no permission ({words}). Authorize the business account for the token in {env_var} with the "
                "Accounts API insight scopes (account and video insights) and check business_id in brands.yaml",
                platform_message=words,
            )
        if code in PARAMETER_CODES:
            return ErrorVerdict("fatal", f"parameter error ({words}); not retried", platform_message=words)
        if response.status_code >= 500:
            return ErrorVerdict("retry", f"server error (HTTP {response.status_code}, {words})", platform_message=words)
        return ErrorVerdict("fatal", f"request rejected ({words})", platform_message=words)

    return classify


def _refused_field(exc: ApiError, fields: list[str]) -> str | None:
    text = str(exc)
    if "parameter error" not in text:
        return None
    for field in fields:
        if re.search(rf"(?<![\w]){re.escape(field)}(?![\w])", text):
            return field
    return None
