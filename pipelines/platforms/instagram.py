"""Instagram professional accounts (Instagram API with Facebook Login, graph.facebook.com).

Reads (token in `INSTAGRAM_ACCESS_TOKEN`):
* account_daily, on Meta's reporting days (Pacific, the platform clock; `since`/`until` are their Pacific bounds),
  clamped to the days Meta serves now (ended days, 2 years) with a warning:
  - `followers_gained`: insights `follower_count` (period=day: new followers per day; the last 30 days only);
  - `followers`: walked back from the total read now (`GET /{ig-user-id}?fields=followers_count`): the last
    day `follower_count` reports gets the total, each earlier day the next day's figure minus the next day's new
    followers. Instagram reports no unfollows, so a day's figure is low by the sum of the unfollows of the days
    after it (on the simulator about 1 % of the followers at 30 days back), never a figure from after the day;
    days older than the 30 days of `follower_count` stay NULL: the API cannot give them;
  - `reach`: insights `reach` (period=day time series, at most 30 days per request);
  - `views`, `engagements` (`total_interactions`), `website_clicks` (`profile_links_taps`): insights with
    `metric_type=total_value`, which sums the window, so one request per day;
  - `followers_lost`, `profile_visits`: NULL (no current metric: `profile_views` was removed on 2025-01-08);
    `accounts_engaged` is read by no column (not in the contract).
* post_snapshots: `GET /{ig-user-id}/media` (cursor pages, a media item belongs to the local day of its
  `timestamp`) + `GET /{media-id}/insights` (views, reach, likes,
  comments, shares, saved; one request per media item, sent as Graph API batch requests of up to 50, see
  meta_graph). `clicks` NULL; `video_views` = `views` of video media (VIDEO, reels). A metric a media
  type refuses (code 100) leaves that column NULL for that media type only.
* audience_demographics: `follower_demographics`, timeframe `this_month`, one breakdown per call (age, gender,
  country, city); Meta returns the top 45 values of each. An answer without `total_value.breakdowns[].results[]`
  is a warning naming the breakdown, never a silent empty result.
* follower_online_hours: `online_followers` (last 30 days). Its hour keys are Pacific time (Meta's reporting
  zone); they are converted to UTC, so the UTC day `d` is built from the Pacific days `d - 1` and `d`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.config.models import Account
from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS
from pipelines.platforms.base import Credential, PlatformSpec, Row, day_windows
from pipelines.platforms.meta_graph import GRAPH_BASE, MetaGraphClient, breakdown_results, end_time_day, share_rows
from pipelines.platforms.metric_registry import current_metrics
from pipelines.platforms.values import require_field, require_time, to_count

UTC = dt.UTC
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


def online_hours_utc(values: list[Mapping[str, Any]], zone: ZoneInfo) -> dict[tuple[dt.date, int], int | None]:
    """`online_followers` values (the day of `zone` closed by `end_time`, hour keys of `zone`) as
    {(UTC day, UTC hour): n}."""
    out: dict[tuple[dt.date, int], int | None] = {}
    for entry in values:
        if not isinstance(entry, Mapping) or not entry.get("end_time") or not isinstance(entry.get("value"), Mapping):
            continue
        local_day = end_time_day(entry["end_time"], zone)
        for key, count in entry["value"].items():
            hour = to_count(key)
            if hour is None or not 0 <= hour <= 23:
                continue
            moment = dt.datetime.combine(local_day, dt.time(hour), tzinfo=zone).astimezone(UTC)
            # A DST gap hour maps onto the next one: keep the first value seen for a UTC hour.
            out.setdefault((moment.date(), moment.hour), to_count(count))
    return out


def walk_back_followers(total: int, gains: Mapping[dt.date, int | None], last: dt.date) -> dict[dt.date, int]:
    """Followers at the end of each day from the total at the end of `last` and the new followers per day:
    followers(d) = followers(d + 1) - gains(d + 1), back as long as the gains are known."""
    out: dict[dt.date, int] = {}
    current, day = total, last
    while True:
        out[day] = current
        gained = gains.get(day)
        if gained is None:
            return out
        current -= gained
        day -= dt.timedelta(days=1)
        if day not in gains:
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
        streams=("account_daily", "post_snapshots", "audience_demographics", "follower_online_hours", "post_comments"),
        notes=(
            "followers and followers_gained for the last 30 days (followers walked back from today's total with "
            "the new followers per day); followers_lost and profile_visits NULL; clicks NULL per post; online hours "
            "converted from Pacific to UTC."
        ),
        # Meta's Instagram limits are per IG user (the Business-Use-Case budget keyed by the IG user id), so accounts
        # do not share a budget and Meta sets no limit on requests at once; 8 at once, while the usage pacer slows
        # every thread down from slowdown_percent of the app-level X-App-Usage a shared token draws on.
        max_concurrent_requests=8,
    )
    permission_hint = "instagram_basic, instagram_manage_insights and pages_read_engagement"

    # -- account_daily ---------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        clock = self.clock
        metrics = {
            api: column
            for api, column in current_metrics("instagram", "account", self.context.today).items()
            if column in ACCOUNT_DAILY.columns
        }
        served = clock.clamp(start, end, what="Instagram account insights", warn=self.warn)
        if served is None:
            return []
        rows: dict[dt.date, Row] = {}

        def put(day: dt.date, column: str, value: Any) -> None:
            if served.first <= day <= served.last:
                row = rows.setdefault(day, _empty_row(account.id, day))
                row[column] = value

        # reach: a values[] series, at most 30 days a request.
        if "reach" in metrics:
            for day, value in self._series(account, "reach", served.first, served.last).items():
                put(day, metrics["reach"], to_count(value))

        # follower_count (new followers per day) of the last 30 days, up to the last day served: the days after
        # the window are needed to walk the total back to the window's days.
        if "follower_count" in metrics:
            recent = clock.clamp(
                served.first,
                clock.last_served_day(),
                what="follower_count (new followers per day)",
                history_days=RECENT_DAYS,
                warn=self.warn,
            )
            gains: dict[dt.date, int | None] = {}
            if recent is not None:
                series = self._series(account, "follower_count", recent.first, recent.last)
                gains = {day: to_count(value) for day, value in series.items()}
            for day, gained in gains.items():
                put(day, metrics["follower_count"], gained)
            if gains and "followers_count" in metrics:
                total = self._followers_now(account, metrics["followers_count"])
                if total is not None:
                    for day, followers in walk_back_followers(total, gains, max(gains)).items():
                        put(day, metrics["followers_count"], followers)

        # total_value metrics: the API sums the window, so one request per day.
        totals = sorted(set(metrics) - SERIES_METRICS - PROFILE_FIELDS)
        day = served.first
        while totals and day <= served.last:
            params = {"period": "day", "metric_type": "total_value", **self.day_range_params(day, day)}
            answered = self.insights_or_empty(account.id, totals, params, scope="account", endpoint="ig insights")
            for name, metric in answered.items():
                total_value = metric.get("total_value")
                if name in metrics and isinstance(total_value, Mapping) and "value" in total_value:
                    put(day, metrics[name], to_count(total_value["value"]))
                elif name in metrics:
                    self.warn(f"ig insights: {name} came without total_value.value; {metrics[name]} left NULL")
            day += dt.timedelta(days=1)
        return [rows[d] for d in sorted(rows)]

    def _series(self, account: Account, metric: str, first: dt.date, last: dt.date) -> dict[dt.date, Any]:
        """A period=day values[] metric over Meta's days [first, last], in requests of at most 30 days."""
        out: dict[dt.date, Any] = {}
        for since, until in day_windows(first, last, MAX_INSIGHTS_DAYS):
            params = {"period": "day", **self.day_range_params(since, until)}
            answered = self.insights_or_empty(account.id, [metric], params, scope="account", endpoint="ig insights")
            for day, value in self.values_by_day(answered.get(metric, {})).items():
                if since <= day <= until:
                    out[day] = value
        return out

    def _followers_now(self, account: Account, column: str) -> int | None:
        profile = self.graph_get(account.id, {"fields": "followers_count"}, endpoint="ig user")
        if "followers_count" not in profile:
            self.warn(f"ig user: no 'followers_count' field; {column} left NULL")
            return None
        total = to_count(profile["followers_count"])
        if total is None:
            self.unexpected_shape("ig user followers_count", "a whole number", profile["followers_count"], "NULL")
        return total

    # -- post_snapshots --------------------------------------------------------------------------------

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        media = self._media(account, published_from, published_to, MEDIA_FIELDS)
        metric_names = {
            api: column
            for api, column in current_metrics("instagram", "media", self.context.today).items()
            if column in POST_SNAPSHOTS.columns
        }
        missing: Counter[str] = Counter()
        scopes = [self._media_scope(item, missing) for item in media]
        # One /{media-id}/insights request per media item, sent in batch requests (meta_graph.graph_get_many).
        objects = [(str(item["id"]), metric_names, scope) for item, scope in zip(media, scopes, strict=True)]
        counts = self.lifetime_counts_many(objects, endpoint="media insights", missing=missing)
        rows = [
            self._media_row(account, item, values, snapshot_date) for item, values in zip(media, counts, strict=True)
        ]
        self.warn_missing("media", missing, len(media))
        return rows

    def _media_scope(self, item: Mapping[str, Any], missing: Counter[str]) -> str:
        """The scope a refused metric is remembered for: the media's product and media type."""
        for key in ("caption", "permalink", "media_type", "media_product_type"):
            if key not in item:
                missing[key] += 1
        if content_type_of(item) is None and "media_type" in item:
            self.warn(f"media: unknown media_type {item.get('media_type')!r}; content_type NULL")
        return f"{item.get('media_product_type') or '?'} {item.get('media_type') or '?'} media"

    def _media_row(
        self, account: Account, item: Mapping[str, Any], values: Mapping[str, int | None], snapshot_date: dt.date
    ) -> Row:
        media_id = str(item["id"])
        content_type = content_type_of(item)
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
            "published_at": require_time("instagram", item["timestamp"], f"timestamp of media {media_id}"),
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

    def _media(
        self, account: Account, published_from: dt.date, published_to: dt.date, fields: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The account's media of the local days [published_from, published_to] with `fields`."""
        return self.posts_in_days(
            f"{account.id}/media",
            {"fields": ",".join(fields), "limit": PAGE_SIZE},
            listing="media",
            item_name="media item",
            time_field="timestamp",
            known_fields=MEDIA_FIELDS,
            published_from=published_from,
            published_to=published_to,
        )

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Comments of the media published in the window: `/{ig-media-id}/comments` lists top-level comments,
        each with its `replies` (one level: Instagram keeps a reply to a reply in the same thread). The author is
        `from` {id, username}; older answers without `from` give `username` only, compared with the handle."""
        media = self._media(account, published_from, published_to, ("id", "timestamp"))
        rows: list[Row] = []
        params = {"fields": ",".join(COMMENT_FIELDS), "limit": 50}
        media_ids = [str(item["id"]) for item in media]
        # The comment pages of every media item, in batch requests (meta_graph.paginate_many).
        threads = self.paginate_many([f"{media_id}/comments" for media_id in media_ids], params, listing="comments")
        for media_id, comments in zip(media_ids, threads, strict=True):
            for comment in comments:
                rows.append(self._comment(account, media_id, comment, None, snapshot_date))
                replies = comment.get("replies")
                data = replies.get("data") if isinstance(replies, Mapping) else None
                for reply in data if isinstance(data, list) else []:
                    rows.append(self._comment(account, media_id, reply, str(comment["id"]), snapshot_date))
        return rows

    def _comment(
        self, account: Account, media_id: str, comment: Mapping[str, Any], parent_id: str | None, snapshot_date: dt.date
    ) -> Row:
        self.note_fields("comments items", comment, COMMENT_KEYS)
        comment_id = str(require_field("instagram", comment, "id", "a comment"))
        author = comment.get("from") if isinstance(comment.get("from"), Mapping) else {}
        return self.comment_row(
            account,
            post_id=media_id,
            comment_id=comment_id,
            parent_id=parent_id,
            author_id=author.get("id"),
            author_name=author.get("username") or comment.get("username"),
            created_at=require_time("instagram", comment.get("timestamp"), f"timestamp of comment {comment_id}"),
            text=comment.get("text"),
            snapshot_date=snapshot_date,
        )

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        rows: list[Row] = []
        for breakdown in DEMOGRAPHIC_BREAKDOWNS:
            params = {
                "period": "lifetime",
                "metric_type": "total_value",
                "timeframe": DEMOGRAPHICS_TIMEFRAME,
                "breakdown": breakdown,
            }
            endpoint = f"ig follower demographics ({breakdown})"
            answered = self.insights_or_empty(
                account.id, ["follower_demographics"], params, scope="account", endpoint="ig follower demographics"
            )
            metric = answered.get("follower_demographics")
            if metric is None:
                self.warn(f"{endpoint}: no data for breakdown {breakdown} (under 100 followers?)")
                continue
            counts: dict[str, int | None] = {}
            for dimension_values, value in breakdown_results(metric):
                if dimension_values:
                    counts[dimension_values[0]] = to_count(value)
            if not counts:
                self.unexpected_shape(
                    endpoint,
                    "total_value.breakdowns[].results[] of {dimension_values, value}",
                    metric.get("total_value", metric),
                    f"no {breakdown} rows",
                )
                continue
            rows.extend(share_rows(account.id, snapshot_date, breakdown, counts))
        return rows

    # -- follower_online_hours -------------------------------------------------------------------------

    def follower_online_hours(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        clock = self.clock
        # UTC day d needs Meta's (Pacific) days d - 1 and d; the API keeps the last 30 days.
        days = clock.clamp(
            start - dt.timedelta(days=1), end, what="online_followers", history_days=RECENT_DAYS, warn=self.warn
        )
        if days is None:
            return []
        hours: dict[tuple[dt.date, int], int | None] = {}
        for since, until in day_windows(days.first, days.last, MAX_INSIGHTS_DAYS):
            params = {"period": "lifetime", **self.day_range_params(since, until)}
            answered = self.insights_or_empty(
                account.id, ["online_followers"], params, scope="account", endpoint="ig online followers"
            )
            metric = answered.get("online_followers")
            values = metric.get("values") if isinstance(metric, Mapping) else None
            usable = [v for v in values or [] if isinstance(v, Mapping) and isinstance(v.get("value"), Mapping)]
            if not usable:
                self.unexpected_shape(
                    "ig online followers",
                    "values[] of {value: {hour: count}, end_time}",
                    metric if metric is not None else answered,
                    f"no online hours for {since}..{until}",
                )
                continue
            for key, count in online_hours_utc(usable, clock.zone).items():
                hours.setdefault(key, count)
        return [
            {"account_id": account.id, "metric_date": day, "hour_of_day": hour, "online_followers": count}
            for (day, hour), count in sorted(hours.items())
            if start <= day <= end
        ]


COMMENT_FIELDS = ("id", "text", "timestamp", "username", "from", "replies{id,text,timestamp,username,from}")
COMMENT_KEYS = frozenset({"id", "text", "timestamp", "username", "from", "replies", "like_count", "parent_id"})


def _empty_row(account_id: str, day: dt.date) -> Row:
    row: Row = dict.fromkeys(ACCOUNT_DAILY.columns)
    row.update(account_id=account_id, metric_date=day)
    return row
