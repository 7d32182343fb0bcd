"""TikTok: the organic Accounts API of TikTok API for Business v1.3 (business accounts, `Access-Token` header).

What the client reads and why:

* account_daily: `GET /business/get/` with `start_date`/`end_date` and a JSON-encoded `fields` list; the daily
  values are in `data.metrics[]` (one object per day): followers_count → followers, video_views → views,
  profile_views → profile_visits, likes + comments + shares → engagements, reach → reach. TikTok gives no
  daily gains/losses (only the follower total) and no website clicks → NULL. `reach` is not in the documented
  field list: it is requested as an optional field and stays NULL when the API refuses or omits it. The API
  keeps about 60 days: older days are clamped away with a warning. Days are taken as UTC days (the API's dates
  are not documented with a zone; its timestamps are UTC unix seconds).
* follower_online_hours: `audience_activity` of the same daily objects (`hour`, `count`). The hours are assumed
  to be UTC hours (ACTIVITY_ZONE); they are converted from that zone to UTC, so changing the assumption is one
  constant.
* audience_demographics: `audience_countries`, `audience_genders`, `audience_ages` (shares 0–1, counts NULL).
* post_snapshots: `GET /business/video/list/` (cursor + has_more, max_count 20, newest first) filtered to the
  window on `create_time` (a string of unix seconds; a video belongs to its local day of settings.timezone):
  views = video_views, reach = reach, reactions = likes, comments, shares, video_views = video_views; saves and
  clicks are not provided → NULL; content_type `video`.

Errors come with HTTP 200 and a non-zero envelope `code`: 40100 (too frequent) and 50000 (internal) are retried
with backoff, 40104/40105 are auth errors naming TIKTOK_BUSINESS_ACCESS_TOKEN, 40001/40002 are parameter errors
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
from pipelines.http import ApiAuthError, ApiError, CursorGuard, ErrorVerdict
from pipelines.platforms.base import (
    ClientContext,
    Credential,
    PlatformClient,
    PlatformSpec,
    Row,
    require_field,
    whole_count,
)

TOKEN_ENV = "TIKTOK_BUSINESS_ACCESS_TOKEN"
RETENTION_DAYS = 60  # /business/get/ keeps about 60 days of daily metrics (reference, unverified)
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
                env_var=TOKEN_ENV,
                simulator_key="tiktok_business",
                description="TikTok API for Business access token of the business account (header Access-Token)",
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "follower_online_hours"),
        notes="Envelope code checked on HTTP 200; ~60 days of daily data; audience_activity hours assumed UTC.",
    )

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        token = self.credential("business_token")
        self._session = self.new_session(
            token_env_var=TOKEN_ENV, classify=_classify, headers={"Access-Token": token} if token else None
        )
        self._token = token
        self._daily_cache: dict[tuple[str, dt.date, dt.date], list[Mapping[str, Any]]] = {}

    # --- streams ----------------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        rows = []
        for day, metrics in self._daily(account, start, end):
            values = {column: whole_count(metrics.get(field)) for field, column in DAILY_FIELDS.items()}
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
                    "reach": whole_count(metrics.get("reach")),
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
            for entry in activity if isinstance(activity, list) else []:
                hour, count = _int(entry.get("hour")), whole_count(entry.get("count"))
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
        day = min(snapshot_date, self.context.today)
        data = self._business_get(account, day, day, ["audience_countries", "audience_genders"], ("audience_ages",))
        rows = []
        for field, dimension in AUDIENCE_FIELDS.items():
            entries = data.get(field)
            if entries is None:
                self.warn(f"/business/get/ answered without '{field}': no {dimension} breakdown")
                continue
            shares: dict[str, float] = {}
            for entry in entries if isinstance(entries, list) else []:
                value = entry.get(AUDIENCE_VALUE_KEYS[field]) if isinstance(entry, dict) else None
                share = _float(entry.get("percentage")) if isinstance(entry, dict) else None
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
                for key in video:
                    if key not in VIDEO_FIELDS:
                        self.warn(f"new field {key!r} in /business/video/list/ videos ignored")
                video_id = str(require_field("tiktok", video, "item_id", "a /business/video/list/ video"))
                created = _unix(require_field("tiktok", video, "create_time", f"video {video_id}"), video_id)
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
            counts[column] = whole_count(video.get(field))
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
        """The daily metric objects of [start, end] the API still keeps, read in windows of ≤ 30 days."""
        key = (account.id, start, end)
        if key in self._daily_cache:
            return self._cached_days(key)
        earliest = self.context.today - dt.timedelta(days=RETENTION_DAYS - 1)
        if start < earliest:
            self.warn(
                f"TikTok keeps about {RETENTION_DAYS} days of account metrics: days before {earliest} are not "
                f"requested ({start} to {min(end, earliest - dt.timedelta(days=1))} stay empty)"
            )
        first = max(start, earliest)
        found: list[Mapping[str, Any]] = []
        while first <= end:
            last = min(end, first + dt.timedelta(days=MAX_DAYS_PER_CALL - 1))
            data = self._business_get(account, first, last, [*DAILY_FIELDS, "audience_activity"], DAILY_OPTIONAL)
            metrics = data.get("metrics")
            if metrics is None:
                self.warn(f"/business/get/ answered without 'metrics': no daily values for {first} to {last}")
                metrics = []
            found += [m for m in metrics if isinstance(m, dict)]
            first = last + dt.timedelta(days=1)
        self._daily_cache[key] = found
        return self._cached_days(key)

    def _cached_days(self, key: tuple[str, dt.date, dt.date]) -> list[tuple[dt.date, Mapping[str, Any]]]:
        _, start, end = key
        known = {*DAILY_FIELDS, *DAILY_OPTIONAL, "date", "audience_activity"}
        out = []
        for metrics in self._daily_cache[key]:
            raw_date = require_field("tiktok", metrics, "date", "a /business/get/ daily metrics object")
            try:
                day = dt.date.fromisoformat(str(raw_date)[:10])
            except ValueError:
                raise InputDataError(f"tiktok: daily metrics date {raw_date!r} is not YYYY-MM-DD.") from None
            for field in metrics:
                if field not in known:
                    self.warn(f"new field {field!r} in /business/get/ daily metrics ignored")
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
            for key in data:
                if key not in BUSINESS_KEYS:
                    self.warn(f"new field {key!r} in /business/get/ ignored")
            return data
        return {}

    def _get(self, path: str, params: Mapping[str, Any], *, page: bool = False) -> Mapping[str, Any]:
        if not self._token:
            raise ApiAuthError("tiktok", f"no access token: set {TOKEN_ENV}.")
        body = self._session.get(f"{self.base_url('business')}/{path}", params=params, endpoint=f"/{path}", page=page)
        if not isinstance(body, dict):
            raise InputDataError(f"tiktok: /{path} answered {type(body).__name__}, not a JSON object.")
        data = body.get("data")
        if not isinstance(data, dict):
            raise InputDataError(f"tiktok: /{path} answered without a 'data' object (keys: {sorted(body)[:8]}).")
        return data


def _classify(response: requests.Response, body: Any) -> ErrorVerdict | None:
    """TikTok puts errors in the envelope `code` of an HTTP 200 answer; plain HTTP errors use the generic rules."""
    if not isinstance(body, dict) or "code" not in body:
        return None
    code = _int(body.get("code"))
    message = str(body.get("message") or "")[:200]
    if code == 0:
        return None
    if code in RETRY_CODES:
        return ErrorVerdict("retry", RETRY_CODES[code])
    if code in AUTH_CODES:
        return ErrorVerdict("auth", f"the access token is invalid or expired (code {code}: {message})")
    if code in PARAMETER_CODES and "permission" in message.lower():
        return ErrorVerdict(
            "permission",
            f"no permission (code {code}: {message}). Authorize the business account for the token in {TOKEN_ENV} "
            "with the Accounts API insight scopes (account and video insights) and check business_id in brands.yaml",
        )
    if code in PARAMETER_CODES:
        return ErrorVerdict("fatal", f"parameter error (code {code}: {message}); not retried")
    if response.status_code >= 500:
        return ErrorVerdict("retry", f"server error (HTTP {response.status_code}, code {code})")
    return ErrorVerdict("fatal", f"request rejected (code {code}: {message})")


def _refused_field(exc: ApiError, fields: list[str]) -> str | None:
    text = str(exc)
    if "parameter error" not in text:
        return None
    for field in fields:
        if re.search(rf"(?<![\w]){re.escape(field)}(?![\w])", text):
            return field
    return None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _unix(value: Any, video_id: str) -> dt.datetime:
    seconds = _int(value)
    if seconds is None:
        raise InputDataError(f"tiktok: create_time {value!r} of video {video_id} is not unix seconds.")
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
