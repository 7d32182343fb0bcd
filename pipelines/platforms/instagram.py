"""Instagram professional accounts (Instagram API with Facebook Login, graph.facebook.com).

Reads (token in `INSTAGRAM_ACCESS_TOKEN`):
* account_daily
  - `followers`: `GET /{ig-user-id}?fields=followers_count`, a snapshot, so only on the observed day's row (today, or
    yesterday in the nightly run);
  - `followers_gained`: insights `follower_count` (period=day: new followers per day; last 30 days only);
  - `reach`: insights `reach` (period=day time series, at most 30 days per request);
  - `views`, `engagements` (`total_interactions`), `website_clicks` (`profile_links_taps`): insights with
    `metric_type=total_value`, which sums the window, so one request per day;
  - `followers_lost`, `profile_visits`: NULL (no current metric: `profile_views` was removed on 2025-01-08);
    `accounts_engaged` is read by no column (not in the contract).
  Days: Meta's reporting day, labelled by its date and stored unchanged as metric_date.
* post_snapshots: `GET /{ig-user-id}/media` (cursor pages, a media item belongs to the local day of its
  `timestamp`) + `GET /{media-id}/insights` (views, reach, likes,
  comments, shares, saved). `clicks` NULL; `video_views` = `views` of video media (VIDEO, reels). A metric a media
  type refuses (code 100) leaves that column NULL for that media type only.
* audience_demographics: `follower_demographics`, timeframe `this_month`, one breakdown per call (age, gender,
  country, city); Meta returns the top 45 values of each.
* follower_online_hours: `online_followers` (last 30 days). Its hour keys are Pacific time (Meta's reporting
  zone); they are converted to UTC, so the UTC day `d` is built from the Pacific days `d - 1` and `d`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pipelines.config.models import Account
from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS
from pipelines.platforms.base import Credential, PlatformSpec, Row, day_windows
from pipelines.platforms.meta_graph import (
    GRAPH_BASE,
    PACIFIC,
    UTC,
    MetaGraphClient,
    breakdown_results,
    day_start_unix,
    end_time_day,
    parse_graph_time,
    series_by_day,
    share_rows,
    to_count,
)
from pipelines.platforms.metric_registry import current_metrics

MAX_INSIGHTS_DAYS = 30  # user insights: since/until span at most 30 days
RECENT_DAYS = 30  # follower_count and online_followers: the last 30 days only
PAGE_SIZE = 100
SERIES_METRICS = frozenset({"reach", "follower_count"})  # `values[]` time series (period=day)
PROFILE_FIELDS = frozenset({"followers_count"})  # fields of the IG user, not insights
MEDIA_FIELDS = (
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "timestamp",
    "permalink",
    "like_count",
    "comments_count",
)
DEMOGRAPHIC_BREAKDOWNS = ("age", "gender", "country", "city")
DEMOGRAPHICS_TIMEFRAME = "this_month"


def content_type_of(media: Mapping[str, Any]) -> str | None:
    """reel for REELS, else carousel / video / image from media_type; None if unknown."""
    product = str(media.get("media_product_type") or "").upper()
    media_type = str(media.get("media_type") or "").upper()
    if product == "REELS":
        return "reel"
    return {"CAROUSEL_ALBUM": "carousel", "VIDEO": "video", "IMAGE": "image"}.get(media_type)


def online_hours_utc(
    values: list[Mapping[str, Any]],
) -> dict[tuple[dt.date, int], int | None]:
    """`online_followers` values (Pacific day closed by `end_time`, Pacific hour keys) as {(UTC day, UTC hour): n}."""
    out: dict[tuple[dt.date, int], int | None] = {}
    for entry in values:
        if not isinstance(entry, Mapping) or not entry.get("end_time") or not isinstance(entry.get("value"), Mapping):
            continue
        pacific_day = end_time_day(entry["end_time"])
        for key, count in entry["value"].items():
            try:
                hour = int(key)
            except (TypeError, ValueError):
                continue
            if not 0 <= hour <= 23:
                continue
            moment = dt.datetime.combine(pacific_day, dt.time(hour), tzinfo=PACIFIC).astimezone(UTC)
            # A DST gap hour maps onto the next one: keep the first value seen for a UTC hour.
            out.setdefault((moment.date(), moment.hour), to_count(count))
    return out


class InstagramClient(MetaGraphClient):
    spec = PlatformSpec(
        name="instagram",
        title="Instagram",
        api_bases={"graph": GRAPH_BASE},
        credentials=(
            Credential(
                name="access_token",
                env_var="INSTAGRAM_ACCESS_TOKEN",
                simulator_key="meta",
                description=(
                    "User or Page access token (Facebook Login) with instagram_basic, instagram_manage_insights "
                    "and pages_read_engagement."
                ),
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "follower_online_hours"),
        notes=(
            "followers only on today's row (a snapshot field); followers_gained for the last 30 days; "
            "followers_lost and profile_visits NULL; clicks NULL per post; online hours converted from Pacific to UTC."
        ),
    )
    token_env_var = "INSTAGRAM_ACCESS_TOKEN"
    permission_hint = "instagram_basic, instagram_manage_insights and pages_read_engagement"

    # -- account_daily ---------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        today = self.context.today
        metrics = {
            api: column
            for api, column in current_metrics("instagram", "account", today).items()
            if column in ACCOUNT_DAILY.columns
        }
        rows: dict[dt.date, Row] = {}

        def put(day: dt.date, column: str, value: Any) -> None:
            if start <= day <= end:
                row = rows.setdefault(day, _empty_row(account.id, day))
                row[column] = to_count(value)

        # followers: a snapshot field, read now; it stands for the observed day (today, or yesterday in the
        # nightly run). Older days have no follower total in the API.
        snapshot_day = self.observed_snapshot_day(start, end)
        for field in PROFILE_FIELDS & set(metrics):
            if snapshot_day is not None:
                profile = self.graph_get(account.id, {"fields": field}, endpoint="ig user")
                if field in profile:
                    put(snapshot_day, metrics[field], profile[field])
                else:
                    self.warn(f"ig user: no '{field}' field; {metrics[field]} left NULL")

        # time series (values[]), at most 30 days a request; follower_count only for the last 30 days.
        for metric in sorted(SERIES_METRICS & set(metrics)):
            first_day = start
            if metric == "follower_count":
                first_day = max(start, today - dt.timedelta(days=RECENT_DAYS))
                if first_day > start:
                    self.log.info("instagram: follower_count covers the last %d days only; older days NULL", 30)
            for first, last in day_windows(first_day, min(end, today), MAX_INSIGHTS_DAYS):
                params = {
                    "period": "day",
                    "since": day_start_unix(first),
                    "until": day_start_unix(last + dt.timedelta(days=1)),
                }
                answered = self.insights_or_empty(account.id, [metric], params, scope="account", endpoint="ig insights")
                for day, value in series_by_day(answered.get(metric, {})).items():
                    if first <= day <= last:
                        put(day, metrics[metric], value)

        # total_value metrics: the API sums the window, so one request per day.
        totals = sorted(set(metrics) - SERIES_METRICS - PROFILE_FIELDS)
        day = start
        while totals and day <= min(end, today):
            params = {
                "period": "day",
                "metric_type": "total_value",
                "since": day_start_unix(day),
                "until": day_start_unix(day + dt.timedelta(days=1)),
            }
            answered = self.insights_or_empty(account.id, totals, params, scope="account", endpoint="ig insights")
            for name, metric in answered.items():
                total = metric.get("total_value")
                if name in metrics and isinstance(total, Mapping) and "value" in total:
                    put(day, metrics[name], total["value"])
                elif name in metrics:
                    self.warn(f"ig insights: {name} came without total_value.value; {metrics[name]} left NULL")
            day += dt.timedelta(days=1)
        return [rows[d] for d in sorted(rows)]

    # -- post_snapshots --------------------------------------------------------------------------------

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        params = {"fields": ",".join(MEDIA_FIELDS), "limit": PAGE_SIZE}
        media = self.posts_in_days(
            f"{account.id}/media",
            params,
            listing="media",
            item_name="media item",
            time_field="timestamp",
            known_fields=MEDIA_FIELDS,
            published_from=published_from,
            published_to=published_to,
        )
        metric_names = {
            api: column
            for api, column in current_metrics("instagram", "media", self.context.today).items()
            if column in POST_SNAPSHOTS.columns
        }
        missing: Counter[str] = Counter()
        rows = [self._media_row(account, item, metric_names, snapshot_date, missing) for item in media]
        self.warn_missing("media", missing, len(media))
        return rows

    def _media_row(
        self,
        account: Account,
        item: Mapping[str, Any],
        metric_names: Mapping[str, str],
        snapshot_date: dt.date,
        missing: Counter[str],
    ) -> Row:
        media_id = str(item["id"])
        for key in ("caption", "permalink", "media_type", "media_product_type"):
            if key not in item:
                missing[key] += 1
        content_type = content_type_of(item)
        if content_type is None and "media_type" in item:
            self.warn(f"media: unknown media_type {item.get('media_type')!r}; content_type NULL")
        scope = f"{item.get('media_product_type') or '?'} {item.get('media_type') or '?'} media"
        values = self.lifetime_counts(media_id, metric_names, scope=scope, endpoint="media insights", missing=missing)
        reactions = values.get("reactions")
        if reactions is None:
            reactions = to_count(item.get("like_count"))
        comments = values.get("comments")
        if comments is None:
            comments = to_count(item.get("comments_count"))
        is_video = str(item.get("media_type") or "").upper() == "VIDEO"
        return {
            "account_id": account.id,
            "post_id": media_id,
            "published_at": parse_graph_time(item["timestamp"]),
            "post_url": item.get("permalink"),
            "content_type": content_type,
            "caption": item.get("caption"),
            "views": values.get("views"),
            "reach": values.get("reach"),
            "reactions": reactions,
            "comments": comments,
            "shares": values.get("shares"),
            "saves": values.get("saves"),
            "clicks": None,
            "video_views": values.get("views") if is_video else None,
            "snapshot_date": snapshot_date,
        }

    # -- audience_demographics -------------------------------------------------------------------------

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        rows: list[Row] = []
        for breakdown in DEMOGRAPHIC_BREAKDOWNS:
            params = {
                "period": "lifetime",
                "metric_type": "total_value",
                "timeframe": DEMOGRAPHICS_TIMEFRAME,
                "breakdown": breakdown,
            }
            answered = self.insights_or_empty(
                account.id, ["follower_demographics"], params, scope="account", endpoint="ig follower demographics"
            )
            metric = answered.get("follower_demographics")
            if metric is None:
                self.warn(f"ig follower demographics: no data for breakdown {breakdown} (under 100 followers?)")
                continue
            counts: dict[str, int | None] = {}
            for dimension_values, value in breakdown_results(metric):
                if dimension_values:
                    counts[dimension_values[0]] = to_count(value)
            rows.extend(share_rows(account.id, snapshot_date, breakdown, counts))
        return rows

    # -- follower_online_hours -------------------------------------------------------------------------

    def follower_online_hours(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        today = self.context.today
        # UTC day d needs the Pacific days d - 1 and d; the API keeps the last 30 days.
        first = max(start - dt.timedelta(days=1), today - dt.timedelta(days=RECENT_DAYS))
        last = min(end, today)
        if first > last:
            return []
        hours: dict[tuple[dt.date, int], int | None] = {}
        for since, until in day_windows(first, last, MAX_INSIGHTS_DAYS):
            params = {
                "period": "lifetime",
                "since": day_start_unix(since),
                "until": day_start_unix(until + dt.timedelta(days=1)),
            }
            answered = self.insights_or_empty(
                account.id, ["online_followers"], params, scope="account", endpoint="ig online followers"
            )
            for key, count in online_hours_utc(answered.get("online_followers", {}).get("values") or []).items():
                hours.setdefault(key, count)
        return [
            {"account_id": account.id, "metric_date": day, "hour_of_day": hour, "online_followers": count}
            for (day, hour), count in sorted(hours.items())
            if start <= day <= end
        ]


def _empty_row(account_id: str, day: dt.date) -> Row:
    row: Row = dict.fromkeys(ACCOUNT_DAILY.columns)
    row.update(account_id=account_id, metric_date=day)
    return row
