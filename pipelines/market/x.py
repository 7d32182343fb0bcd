"""X API v2: competitor profiles and posts, brand mention counts and the mentioning posts.

Reuses the X platform client (`pipelines.platforms.x.XClient`): its app-only session (bearer token, X's error
classification, sleep until `x-rate-limit-reset`) and its timeline reader for the posts of each brand.

- Profiles: `GET /2/users/by?usernames=a,b,...&user.fields=public_metrics` (100 names a call); followers_count,
  following_count, tweet_count; no total views. Unknown usernames come back as partial errors (warned).
- Posts: `GET /2/users/{id}/tweets` (no retweets/replies) of the last post_lookback_days; reactions = likes,
  comments = replies, shares = retweets + quotes, views = impression_count; hashtags from the text.
- Mention counts: `GET /2/tweets/counts/recent` when the whole window is within the last 7 days (X's rolling
  limit, from the clock's now), else `/2/tweets/counts/all` (archive access, dearer), `next_token` paging. X's
  `granularity=day` buckets are UTC days, so the counts are asked with `granularity=hour` over the UTC bounds of
  the window's local days (`local_day_bounds`) and each hourly bucket is added to the local day (settings.timezone)
  its start falls on. Days after today are not asked for; today's count runs up to the time of the read (no
  `end_time` is sent for a window that has not ended a minute before the read: X refuses one under 10 s old).
  With a timezone whose offset is not whole hours the day edges are approximate (reported as a warning).
- Mentions: `GET /2/tweets/search/recent` for the part of the window within the last 7 days (the search API
  reaches no further back), at most `max_items_per_brand` posts per brand and run (pay-per-use reads); a post's
  `metric_date` is the local day of its `created_at`.
Every `metric_date` is a day of settings.timezone, like the own posts and the partitions.
Query per brand: `(keyword OR "multi word" OR #tag OR @handle) -is:retweet -"excluded phrase"`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pipelines.config.models import Account, Brand
from pipelines.errors import InputDataError
from pipelines.http import CursorGuard
from pipelines.market import tables
from pipelines.market.base import MarketSource, Row
from pipelines.market.common import hashtags, matched_terms, mention_row, post_row, profile_row, sum_counts
from pipelines.market.matching import MentionMatcher
from pipelines.platforms.base import batched, days_between
from pipelines.platforms.values import parse_time, to_count
from pipelines.platforms.x import END_TIME_MARGIN, RECENT_SEARCH_QUERY_MAX_CHARS, XClient

API_BASES = {"api": "https://api.x.com/2"}
BEARER = XClient.spec.credential("bearer_token").used_for(
    "App-only Bearer token (public profiles, posts, counts and search)"
)
RECENT_DAYS = 7  # counts/recent and search/recent reach 7 days back from now
RECENT_MARGIN = dt.timedelta(minutes=5)  # start a little later than 7 days ago: the request takes time
USER_KEYS = {"id", "name", "username", "public_metrics", "created_at", "description", "verified", "protected"}
SEARCH_KEYS = {
    "id",
    "text",
    "created_at",
    "author_id",
    "public_metrics",
    "edit_history_tweet_ids",
    "lang",
    "note_tweet",
}
_PLAIN = re.compile(r"^\w+$")


def x_query(brand: Brand) -> str:
    """The search/counts query of a brand: its terms OR-ed, retweets and excluded phrases left out."""
    terms: list[str] = []
    for keyword in brand.keywords:
        keyword = keyword.strip()
        term = keyword if _PLAIN.match(keyword) else '"' + keyword.replace('"', "") + '"'
        if keyword and term not in terms:
            terms.append(term)
    terms += [f"#{tag}" for tag in brand.hashtags if f"#{tag}" not in terms]
    if "x" in brand.accounts:
        terms.append("@" + brand.accounts["x"].handle.lstrip("@"))
    if not terms:
        return ""
    body = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    excluded = "".join(' -"' + phrase.replace('"', "") + '"' for phrase in brand.exclude)
    return f"{body} -is:retweet{excluded}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _XSource(MarketSource):
    api_bases: ClassVar[dict[str, str]] = API_BASES
    credentials = (BEARER,)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.x = self.delegate(XClient)

    def _get(self, path: str, params: Mapping[str, Any], endpoint: str) -> Mapping[str, Any]:
        return self.x.app_get(path, params, endpoint=endpoint)

    def _window_end(self, end: dt.date) -> dt.datetime | None:
        """end_time for a window of local days ending on `end`; None (= up to now) unless it ended at least a
        minute before now (X refuses an end_time less than 10 s before the request)."""
        until = self.local_day_bounds(end, end)[1]
        return until if until <= self.clock.now - END_TIME_MARGIN else None


class XCompetitors(_XSource):
    name: ClassVar[str] = "x_competitors"
    group: ClassVar[str] = "competitors"
    title: ClassVar[str] = "X: public profile counts and recent posts of every brand (own brand included)"
    tables = (tables.competitor_profiles("x"), tables.competitor_posts("x"))

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        pairs = self.brands.accounts_on("x")
        handles = {account.handle.lstrip("@").lower(): (brand, account) for brand, account in pairs}
        profiles: list[Row] = []
        posts: list[Row] = []
        users: dict[str, Mapping[str, Any]] = {}
        timelines: list[tuple[Brand, str, Account]] = []  # the timelines read after the profiles, concurrently
        for names in batched(list(handles), 100):
            body = self._get("users/by", {"usernames": ",".join(names), "user.fields": "public_metrics"}, "users/by")
            self.x.report_partial_errors(body)
            for user in body.get("data") or []:
                if isinstance(user, Mapping) and user.get("username"):
                    users[str(user["username"]).lower()] = user
        for handle, (brand, account) in handles.items():
            user = users.get(handle)
            if user is None:
                self.warn(f"X user @{handle} of {brand.name} not found; no profile or posts this run")
                continue
            user_id = str(user.get("id") or account.id)
            if user_id != account.id:
                self.warn(f"X user @{handle} has id {user_id}, brands.yaml says {account.id}; the API's id is used")
            self.note_fields("users/by users", user, USER_KEYS)
            metrics = user.get("public_metrics")
            if not isinstance(metrics, Mapping):
                self.warn(f"X user @{handle} has no public_metrics; counts left NULL")
                metrics = {}
            for key in ("followers_count", "following_count", "tweet_count"):
                if key not in metrics:
                    self.warn(f"X user @{handle}: public_metrics has no '{key}'; left NULL")
            profiles.append(
                profile_row(
                    brand,
                    handle,
                    user_id,
                    end,
                    followers=to_count(metrics.get("followers_count")),
                    following=to_count(metrics.get("following_count")),
                    posts_count=to_count(metrics.get("tweet_count")),
                )
            )
            timelines.append((brand, user_id, Account(id=user_id, handle=account.handle)))
        first = self.snapshot_lookback_start(end)
        found = self.each(
            timelines,
            lambda timeline: self.x.post_snapshots(timeline[2], first, end, end),
            describe=lambda timeline: f"{timeline[0].name} @{timeline[2].handle}",
        )
        for (brand, user_id, _), snapshots in zip(timelines, found, strict=True):
            for post in snapshots:
                posts.append(
                    post_row(
                        brand,
                        user_id,
                        post["post_id"],
                        post["published_at"],
                        end,
                        content_type=post["content_type"],
                        caption=post["caption"],
                        tags=hashtags(post["caption"]),
                        reactions=post["reactions"],
                        comments=post["comments"],
                        shares=post["shares"],
                        views=post["views"],
                    )
                )
        return {self.tables[0].name: profiles, self.tables[1].name: posts}


class XMentions(_XSource):
    name: ClassVar[str] = "x_mentions"
    group: ClassVar[str] = "mentions"
    title: ClassVar[str] = "X: daily counts of posts mentioning each brand, and the recent mentioning posts"
    tables = (tables.mention_counts("x"), tables.mentions("x"))
    max_items_per_brand: ClassVar[int] = 1000

    def read(self, start: dt.date, end: dt.date) -> dict[str, list[Row]]:
        matcher = MentionMatcher(self.brands)
        counts: list[Row] = []
        items: list[Row] = []

        def read_brand(brand: Brand) -> tuple[list[Row], list[Row]]:
            query = x_query(brand)
            if not query:
                self.warn(f"{brand.name} has no keywords, hashtags or X handle; no X mentions counted")
                return [], []
            if len(query) > RECENT_SEARCH_QUERY_MAX_CHARS:  # the documented limit of pay-per-use / self-serve
                limit = RECENT_SEARCH_QUERY_MAX_CHARS
                self.warn(f"the X query of {brand.name} has {len(query)} characters (limit {limit})")
            return self._counts(brand, query, start, end), self._items(brand, query, matcher, start, end)

        for brand_counts, brand_items in self.each(self.brands.brands, read_brand, describe=lambda b: b.name):
            counts += brand_counts
            items += brand_items
        return {self.tables[0].name: counts, self.tables[1].name: items}

    def _counts(self, brand: Brand, query: str, start: dt.date, end: dt.date) -> list[Row]:
        last = min(end, self.clock.today)  # no post of a day to come has been counted yet
        if start > last:
            return []
        since, until = self.local_day_bounds(start, last)
        recent = since >= self.clock.ago(RECENT_DAYS) + RECENT_MARGIN
        path = "tweets/counts/recent" if recent else "tweets/counts/all"
        if since.minute or since.second or until.minute or until.second:
            self.warn(
                f"the timezone {self.settings.timezone} is not a whole number of hours from UTC: X's hourly "
                "counts are put on the local day their hour starts in, so day edges are approximate"
            )
        # X's day buckets are UTC days: hourly buckets are summed into the local days instead.
        params: dict[str, Any] = {"query": query, "granularity": "hour", "start_time": _iso(since)}
        window_end = self._window_end(last)
        if window_end is not None:
            params["end_time"] = _iso(window_end)
        guard = CursorGuard("x", f"GET /2/{path} for {brand.name}")
        per_day: dict[dt.date, int] = {}
        while True:
            body = self._get(path, params, path)
            for bucket in body.get("data") or []:
                if not isinstance(bucket, Mapping):
                    continue
                moment = parse_time(bucket.get("start"))
                if moment is None:
                    raise InputDataError(f"x: a {path} bucket has no readable 'start': {dict(bucket)!r}")
                if not since <= moment < until:
                    continue
                count = to_count(bucket.get("tweet_count"))
                if count is None:
                    self.warn(f"{path}: a bucket of {brand.name} has no tweet_count; counted as missing")
                    continue
                day = self.local_date_of(moment)
                per_day[day] = per_day.get(day, 0) + count
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            cursor = guard.next(meta.get("next_token"))
            if cursor is None:
                break
            params["next_token"] = cursor
        window = days_between(start, last)
        missing = [d for d in window if d not in per_day]
        if missing and len(missing) < len(window):
            self.warn(f"{path} returned no bucket for {len(missing)} day(s) of {brand.name}; those days left out")
        return [
            {"brand": brand.name, "metric_date": day, "mention_count": per_day[day], "query": query}
            for day in window
            if day in per_day
        ]

    def _items(self, brand: Brand, query: str, matcher: MentionMatcher, start: dt.date, end: dt.date) -> list[Row]:
        # the first local day that lies wholly inside the last 7 days
        first = max(start, self.clock.day_of(self.clock.ago(RECENT_DAYS) + RECENT_MARGIN) + dt.timedelta(days=1))
        if first > end:
            return []
        params: dict[str, Any] = {
            "query": query,
            "max_results": 100,
            "start_time": _iso(self.local_day_bounds(first, first)[0]),
            "tweet.fields": "created_at,public_metrics,author_id,note_tweet",
            "expansions": "author_id",
            "user.fields": "username",
        }
        window_end = self._window_end(end)
        if window_end is not None:
            params["end_time"] = _iso(window_end)
        guard = CursorGuard("x", f"GET /2/tweets/search/recent for {brand.name}")
        rows: dict[str, Row] = {}
        while True:
            body = self._get("tweets/search/recent", params, "tweets/search/recent")
            includes = body.get("includes") if isinstance(body.get("includes"), Mapping) else {}
            authors = {
                str(u.get("id")): str(u.get("username"))
                for u in includes.get("users") or []
                if isinstance(u, Mapping) and u.get("id")
            }
            for post in body.get("data") or []:
                if not isinstance(post, Mapping):
                    continue
                row = self._mention(brand, post, authors, matcher)
                if row is not None and first <= row["metric_date"] <= end:
                    rows.setdefault(row["mention_id"], row)
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            cursor = guard.next(meta.get("next_token"))
            if cursor is None:
                break
            if len(rows) >= self.max_items_per_brand:
                return self._complete_days(brand, list(rows.values()))
            params["next_token"] = cursor
        return list(rows.values())

    def _complete_days(self, brand: Brand, rows: list[Row]) -> list[Row]:
        """The read stopped at the cap, newest first: its oldest day is only partly read. That day is left out
        (the loader keeps what an earlier read stored for it) unless it is the only day read."""
        oldest = min(row["metric_date"] for row in rows)
        complete = [row for row in rows if row["metric_date"] > oldest]
        kept = complete or rows
        self.warn(
            f"more than {self.max_items_per_brand} X posts mention {brand.name}; {len(kept)} are stored"
            + (f", {oldest} (read only in part) is left as it was" if complete else " (a sample of the day)")
            + " (the counts are complete)"
        )
        return kept

    def _mention(
        self, brand: Brand, post: Mapping[str, Any], authors: Mapping[str, str], matcher: MentionMatcher
    ) -> Row | None:
        self.note_fields("search/recent posts", post, SEARCH_KEYS)
        post_id = post.get("id")
        created = parse_time(post.get("created_at"))
        if not post_id or created is None:
            self.warn("search/recent returned a post without id or created_at; left out")
            return None
        text = post.get("text")
        note = post.get("note_tweet")
        if isinstance(note, Mapping) and note.get("text"):
            text = note["text"]
        metrics = post.get("public_metrics")
        if not isinstance(metrics, Mapping):
            self.warn("search/recent returned posts without public_metrics; engagements left NULL")
            metrics = {}
        author = authors.get(str(post.get("author_id")))
        if author is None and post.get("author_id"):
            self.warn("search/recent did not expand author_id into includes.users; author left NULL")
        url = f"https://x.com/{author or 'i/web'}/status/{post_id}"
        return mention_row(
            brand.name,
            str(post_id),
            created,
            metric_date=self.local_date_of(created),
            text=text,
            author=author,
            url=url,
            engagements=sum_counts(
                *(to_count(metrics.get(k)) for k in ("like_count", "reply_count", "retweet_count", "quote_count"))
            ),
            matched_terms=matched_terms(matcher, brand.name, text),
        )
