"""X (API v2): a daily follower snapshot and the own posts with their lifetime metrics.

X has no account-level history: `account_daily` can only record the follower count observed on the day of the
run (`public_metrics.followers_count`), so the table holds rows for the days a run actually observed, with the
other columns NULL. There are no demographics and no online hours in X API v2.

Days: a post belongs to the local day (settings.timezone) of its `created_at`; the follower row is dated by the
day of the run (`context.today`). X has no reporting day: its clock is the partition calendar, and its rolling
limits are instants: `end_time` must be at least 10 s before the request (so it is sent only for a window that
ended that long ago), `non_public_metrics` exist for posts younger than 30 days.

The own account is read with `GET /2/users/{id}`; when that fails (an error, or an answer without the user), with
`GET /2/users/me` (the user token, when configured), then `GET /2/users/by/username/{handle}`; the error of the
last one keeps X's own words (a 404's `detail`) together with the others'.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import Any

import requests

from pipelines.config.models import Account
from pipelines.errors import InputDataError, SocialPulseError
from pipelines.http import ApiError, ApiSession, CursorGuard, ErrorVerdict, platform_message, retry_after_seconds
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row
from pipelines.platforms.metric_registry import current_metrics
from pipelines.platforms.values import parse_time, require_field, require_time, to_count

PAGE_SIZE = 100  # the maximum of GET /2/users/{id}/tweets
# non_public_metrics are only served for posts younger than 30 days; keep a day of margin.
NON_PUBLIC_MAX_AGE_DAYS = 29
# X refuses an end_time less than 10 seconds before the request; keep a margin for clock skew.
END_TIME_MARGIN = dt.timedelta(seconds=60)
# search/recent reaches 7 days back: replies are asked for the posts younger than that (a margin for the request)
REPLIES_MAX_AGE = dt.timedelta(days=7) - dt.timedelta(minutes=5)
REPLY_FIELDS = "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,display_text_range"
# The longest query recent search accepts. X API v2 "Build a query" (docs.x.com/x-api/posts/search/integrate/
# build-a-query): "Your query can be 512 characters long for pay-per-use customers, or up to 4,096 characters for
# Enterprise customers"; the integration overview's table says the same (self-serve: recent search 512, full-archive
# 1,024; Enterprise 4,096 both). The conservative one, which every access level accepts. Shared with the mention
# queries (pipelines/market/x.py).
RECENT_SEARCH_QUERY_MAX_CHARS = 512
CONVERSATION_TERM = "conversation_id:{}"
OR = " OR "

# Fields of a post object documented for v2 (anything else is reported once as a new field).
_KNOWN_POST_FIELDS = frozenset(
    {
        "id",
        "text",
        "created_at",
        "edit_history_tweet_ids",
        "public_metrics",
        "non_public_metrics",
        "organic_metrics",
        "promoted_metrics",
        "attachments",
        "entities",
        "author_id",
        "conversation_id",
        "lang",
        "possibly_sensitive",
        "reply_settings",
        "source",
        "context_annotations",
        "referenced_tweets",
        "in_reply_to_user_id",
        "note_tweet",
        "edit_controls",
        "geo",
        "withheld",
        "display_text_range",
        "article",
        "card_uri",
        "community_id",
        "media_metadata",
        "scopes",
        "is_edit_eligible",
    }
)
_KNOWN_PUBLIC_METRICS = frozenset(
    {"retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count", "impression_count"}
)
_KNOWN_NON_PUBLIC_METRICS = frozenset(
    {"url_link_clicks", "user_profile_clicks", "impression_count", "engagements", "video"}
)


class XClient(PlatformClient):
    """Reads X API v2 with an app-only Bearer token, plus the owner's OAuth 2.0 user token for link clicks."""

    spec = PlatformSpec(
        name="x",
        title="X",
        api_bases={"api": "https://api.x.com/2"},
        credentials=(
            Credential(
                "bearer_token",
                "X_BEARER_TOKEN",
                "x",
                "App-only Bearer token (public data: follower count, posts and their public metrics).",
            ),
            Credential(
                "user_token",
                "X_USER_ACCESS_TOKEN",
                "x",
                "OAuth 2.0 user-context token of the brand account (scopes tweet.read users.read offline.access); "
                "without it `clicks` (non_public_metrics.url_link_clicks) stay NULL.",
                required=False,
            ),
        ),
        streams=("account_daily", "post_snapshots", "post_comments"),
        notes=(
            "No follower history in X API v2: account_daily holds the follower count of the days a run observed "
            "(other columns NULL). Clicks only with the user token and for posts younger than 30 days. "
            "No demographics, no online hours. Replies (post_comments) only for posts younger than 7 days "
            "(recent search); an older post keeps the replies its last read found."
        ),
        # X limits each endpoint by requests per 15-minute window per app (Bearer) or per user, not by requests at
        # once: every account read with the app token draws on the same windows (x-rate-limit-remaining), so 4 at
        # once, and an exhausted window holds them all until its reset (PauseGate).
        max_concurrent_requests=4,
    )

    replies_page_size = PAGE_SIZE  # max_results of the conversation searches (10..100)
    # conversations per recent-search query: None packs as many as RECENT_SEARCH_QUERY_MAX_CHARS allows (1 is the
    # former one search per post)
    replies_per_query: int | None = None

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        self._app: ApiSession | None = None
        self._user: ApiSession | None = None

    # --- sessions -----------------------------------------------------------------------------------------

    def _session(self, *, user: bool) -> ApiSession:
        """The app-only session, or the user-context session when `user` (falls back to app-only)."""
        with self._lock:  # one session per token, however many threads read with it
            if user and self.credential("user_token"):
                if self._user is None:
                    self._user = self._new_x_session("user_token")
                return self._user
            if not self.credential("bearer_token"):
                self.require_credential("bearer_token", "user_token")
                return self._session(user=True)
            if self._app is None:
                self._app = self._new_x_session("bearer_token")
            return self._app

    def app_get(self, path: str, params: Mapping[str, Any], *, endpoint: str, page: bool = True) -> Mapping[str, Any]:
        """GET `{api}/{path}` with the app-only token (user token as fallback): the answer's JSON object.

        Counted as a page of data unless `page=False`.
        """
        body = self._session(user=False).get(
            f"{self.base_url('api')}/{path}", params=params, endpoint=endpoint, page=page
        )
        if not isinstance(body, Mapping):
            raise InputDataError(f"x: {endpoint} answered {type(body).__name__}, not a JSON object")
        return body

    def _new_x_session(self, credential: str) -> ApiSession:
        return self.new_session(
            credential=credential,
            classify=_classify,
            pace=self._pace,
            headers={"Authorization": f"Bearer {self.credential(credential)}"},
        )

    def _pace(self, response: requests.Response) -> float:
        """Sleep until the window resets when a call used the last request of the 15-minute window."""
        if response.headers.get("x-rate-limit-remaining", "").strip() != "0":
            return 0.0
        wait = _seconds_until_reset(response)
        if wait is None:
            return 0.0
        return min(wait, self.settings.http.throttle.max_wait_seconds)

    # --- account_daily ------------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        """The follower count observed now, as the row of the observed day (X keeps no follower history).

        The count read today is the followers at the end of yesterday for a run that loads yesterday's partition
        (the nightly run), and today's count when the window includes today. Older days cannot be observed any
        more: they get no row (and a warning), never an invented value.
        """
        day = self.observed_snapshot_day(start, end)
        if day is None:
            self.warn(
                f"X has no follower history: the days {start}..{end} can no longer be observed and get no "
                "account_daily row (only the day of a run is recorded)."
            )
            return []
        user = self.own_user(account)
        metrics = user.get("public_metrics")
        followers = None
        if not isinstance(metrics, Mapping):
            self.warn("user object has no 'public_metrics'; followers left NULL")
        else:
            followers = to_count(metrics.get("followers_count"))
            if followers is None:
                self.warn("user public_metrics has no 'followers_count'; followers left NULL")
        return [
            {
                "account_id": account.id,
                "metric_date": day,
                "followers": followers,
                "followers_gained": None,
                "followers_lost": None,
                "views": None,
                "reach": None,
                "engagements": None,
                "profile_visits": None,
                "website_clicks": None,
            }
        ]

    def own_user(self, account: Account) -> Mapping[str, Any]:
        """The own account's user object: `GET /2/users/{id}`, else `/2/users/me` (user token), else
        `/2/users/by/username/{handle}`; an error naming every attempt (with X's words) when all fail."""
        params = {"user.fields": "public_metrics,created_at"}
        handle = account.handle.lstrip("@")
        attempts: list[tuple[str, bool]] = [(f"users/{account.id}", False)]
        if self.credential("user_token"):
            attempts.append(("users/me", True))
        attempts.append((f"users/by/username/{handle}", False))
        failures: list[str] = []
        last_error: SocialPulseError | None = None
        for path, user_context in attempts:
            where = f"GET /2/{path}"
            try:
                body = self._session(user=user_context).get(
                    f"{self.base_url('api')}/{path}", params=params, endpoint=path.split("/")[0], page=True
                )
                user = _data_object(body, where)
                found = str(require_field("x", user, "id", f"{where} data"))
            except SocialPulseError as exc:
                failures.append(f"{where}: {exc}")
                last_error = exc
                continue
            if found != account.id:
                problem = f"{where} answered for user {found} (@{user.get('username')}), not {account.id}"
                failures.append(problem)
                last_error = InputDataError(f"x: {problem}; check the account id in brands.yaml.")
                continue
            if failures:
                self.warn(f"the own account was read with {where} after: {'; '.join(failures)}")
            return user
        summary = "; ".join(failures)
        if isinstance(last_error, ApiError):
            raise type(last_error)(
                "x",
                f"the own account {account.id} (@{handle}) could not be read: {summary}",
                status=last_error.status,
                platform_message=last_error.platform_message,
            ) from None
        raise InputDataError(f"x: the own account {account.id} (@{handle}) could not be read: {summary}")

    # --- post_snapshots -----------------------------------------------------------------------------------

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Own original posts (no retweets, no replies) published in the window (local days), with lifetime metrics.

        With the user token the part of the window younger than 30 days is read with `non_public_metrics`
        (url_link_clicks); X refuses those fields for older posts, so older days are read without them.
        """
        if published_to < published_from:
            return []
        window_start, window_end = self.local_day_bounds(published_from, published_to)
        ranges: list[tuple[dt.datetime, dt.datetime, bool]] = []
        if self.credential("user_token"):
            cutoff = self.clock.ago(NON_PUBLIC_MAX_AGE_DAYS)
            if window_start < cutoff:
                ranges.append((window_start, min(cutoff, window_end), False))
            if window_end > cutoff:
                ranges.append((max(cutoff, window_start), window_end, True))
        else:
            ranges.append((window_start, window_end, False))

        metric_map = current_metrics("x", "post", snapshot_date)
        rows: dict[str, Row] = {}
        for range_start, range_end, owned in ranges:
            for post, media in self._timeline(account, range_start, range_end, owned):
                row = self._post_row(account, post, media, metric_map, owned, snapshot_date)
                if window_start <= row["published_at"] < window_end:
                    rows[row["post_id"]] = row
        return sorted(rows.values(), key=lambda r: (r["published_at"], r["post_id"]))

    def _timeline(
        self, account: Account, start: dt.datetime, end: dt.datetime, owned: bool
    ) -> list[tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
        """All pages of GET /2/users/{id}/tweets for [start, end): (post, media by key) pairs."""
        session = self._session(user=owned)
        fields = "created_at,public_metrics,attachments,entities,note_tweet"
        if owned:
            fields += ",non_public_metrics"
        params: dict[str, Any] = {
            "max_results": PAGE_SIZE,
            "exclude": "retweets,replies",
            "tweet.fields": fields,
            "expansions": "attachments.media_keys",
            "media.fields": "type,public_metrics,duration_ms",
            "start_time": _iso(start),
        }
        # The API refuses an end_time less than 10 s before the request; an open end means "up to now".
        if end <= self.clock.now - END_TIME_MARGIN:
            params["end_time"] = _iso(end)
        url = f"{self.base_url('api')}/users/{account.id}/tweets"
        guard = CursorGuard("x", f"GET /2/users/{account.id}/tweets")
        out: list[tuple[dict[str, Any], dict[str, dict[str, Any]]]] = []
        while True:
            body = session.get(url, params=params, endpoint="users/tweets", page=True)
            if not isinstance(body, Mapping):
                raise InputDataError(f"x: GET /2/users/{account.id}/tweets answered {type(body).__name__}, not JSON")
            self.report_partial_errors(body)
            media = _media_by_key(body)
            posts = body.get("data") or []
            if not isinstance(posts, list):
                raise InputDataError("x: GET /2/users/{id}/tweets 'data' is not a list")
            out.extend((p, media) for p in posts if isinstance(p, Mapping))
            meta = body.get("meta")
            if not isinstance(meta, Mapping):
                self.warn("timeline page has no 'meta' object; treated as the last page")
                break
            cursor = guard.next(meta.get("next_token"))
            if cursor is None:
                break
            params["pagination_token"] = cursor
        return out

    # --- post_comments ------------------------------------------------------------------------------------

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Replies to the own posts of the window that are younger than 7 days: `GET /2/tweets/search/recent` with
        the posts' `conversation_id:<post id>` OR-ed into as few queries as the query length allows
        (`conversation_queries`), `next_token` paging per query; each reply is attributed to its post by its
        `conversation_id`. Recent search reaches 7 days back, so an older post is not asked for (it keeps the
        replies its last read found). The brand's replies are those whose `author_id` is the own account; a reply's
        thread is the reply to the post its `replied_to` chain leads to. Each post returned is a billed post read
        (pay-per-use)."""
        if published_to < published_from:
            return []
        window_start, window_end = self.local_day_bounds(published_from, published_to)
        start = max(window_start, self.clock.now - REPLIES_MAX_AGE)
        if start >= window_end:
            return []
        posts = [
            str(require_field("x", post, "id", "a post of GET /2/users/{id}/tweets"))
            for post, _ in self._timeline(account, start, window_end, False)
            if (created := parse_time(post.get("created_at"))) is not None and start <= created < window_end
        ]
        queries = conversation_queries(posts, max_ids=self.replies_per_query)
        replies: dict[str, dict[str, Mapping[str, Any]]] = {post_id: {} for post_id in posts}
        usernames: dict[str, str] = {}
        calls = returned = 0
        for batch, query in queries:
            pages, read = self._search_conversations(batch, query, replies, usernames)
            calls += pages
            returned += read
        rows = [
            row
            for post_id in posts  # the order of one search per post: post by post, each by time
            for row in self._reply_rows(account, post_id, replies[post_id], usernames, snapshot_date)
        ]
        self.log.info(
            "x: %d replies on %d own posts younger than 7 days: %d recent-search calls (%d queries of up to %d "
            "characters) returned %d posts, each a billed post read (pay-per-use; the posts themselves included)",
            len(rows),
            len(posts),
            calls,
            len(queries),
            RECENT_SEARCH_QUERY_MAX_CHARS,
            returned,
        )
        return rows

    def _search_conversations(
        self,
        post_ids: list[str],
        query: str,
        replies: dict[str, dict[str, Mapping[str, Any]]],
        usernames: dict[str, str],
    ) -> tuple[int, int]:
        """Every page of one recent search over the conversations of `post_ids`: each reply goes into
        `replies[its conversation_id]`, each author's username into `usernames`; the calls made and the posts
        returned (billed reads)."""
        params: dict[str, Any] = {
            "query": query,
            "max_results": self.replies_page_size,
            "tweet.fields": REPLY_FIELDS,
            "expansions": "author_id",
            "user.fields": "username",
        }
        listing = f"GET /2/tweets/search/recent?query=conversation_id:{post_ids[0]}"
        if len(post_ids) > 1:
            listing += f" OR ... ({len(post_ids)} conversations)"
        guard = CursorGuard("x", listing)
        asked = set(post_ids)
        calls = returned = 0
        while True:
            body = self.app_get("tweets/search/recent", params, endpoint="tweets/search/recent")
            calls += 1
            self.report_partial_errors(body)
            includes = body.get("includes") if isinstance(body.get("includes"), Mapping) else {}
            for user in includes.get("users") or []:
                if isinstance(user, Mapping) and user.get("id") and user.get("username"):
                    usernames[str(user["id"])] = str(user["username"])
            data = body.get("data") or []
            if not isinstance(data, list):
                raise InputDataError("x: GET /2/tweets/search/recent 'data' is not a list")
            returned += len(data)
            for reply in data:
                if not isinstance(reply, Mapping):
                    continue
                self.note_fields("X replies", reply, _KNOWN_POST_FIELDS)
                reply_id = str(require_field("x", reply, "id", f"a reply of the search {listing}"))
                post_id = str(require_field("x", reply, "conversation_id", f"reply {reply_id} (tweet.fields)"))
                if post_id not in asked:
                    raise InputDataError(
                        f"x: {listing} returned reply {reply_id} of conversation {post_id}, which was not asked "
                        "for; the replies of this account were not committed. Re-run later or report it to X."
                    )
                if reply_id != post_id:  # the conversation's own post matches its conversation_id too
                    replies[post_id].setdefault(reply_id, reply)
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            cursor = guard.next(meta.get("next_token"))
            if cursor is None:
                break
            params["next_token"] = cursor
        return calls, returned

    def _replies(self, account: Account, post_id: str, snapshot_date: dt.date) -> tuple[list[Row], int, int]:
        """Every reply of the conversation of `post_id` alone (all pages) as post_comments rows, the calls made and
        the posts returned (billed reads)."""
        ((batch, query),) = conversation_queries([post_id])
        replies: dict[str, dict[str, Mapping[str, Any]]] = {post_id: {}}
        usernames: dict[str, str] = {}
        calls, returned = self._search_conversations(batch, query, replies, usernames)
        return self._reply_rows(account, post_id, replies[post_id], usernames, snapshot_date), calls, returned

    def _reply_rows(
        self,
        account: Account,
        post_id: str,
        replies: Mapping[str, Mapping[str, Any]],
        usernames: Mapping[str, str],
        snapshot_date: dt.date,
    ) -> list[Row]:
        """The post_comments rows of the replies of one conversation, by time."""
        parents = {reply_id: _replied_to(reply) for reply_id, reply in replies.items()}
        rows = []
        for reply_id, reply in replies.items():
            author = reply.get("author_id")
            rows.append(
                self.comment_row(
                    account,
                    post_id=post_id,
                    comment_id=reply_id,
                    parent_id=thread_of(reply_id, post_id, parents),
                    author_id=None if author is None else str(author),
                    author_name=usernames.get(str(author)),
                    created_at=require_time(
                        "x", require_field("x", reply, "created_at", f"reply {reply_id}"), f"reply {reply_id}"
                    ),
                    text=_display_text(reply),
                    snapshot_date=snapshot_date,
                )
            )
        return sorted(rows, key=lambda r: (r["created_at"], r["comment_id"]))

    def report_partial_errors(self, body: Mapping[str, Any]) -> None:
        """Warn about the `errors` of an answer that also carries data (X's partial errors, e.g. an unknown
        username in a batch lookup); at most five are reported."""
        errors = body.get("errors")
        if not isinstance(errors, list):
            return
        for error in errors[:5]:
            if isinstance(error, Mapping):
                what = error.get("title") or error.get("message") or "error"
                detail = error.get("detail") or error.get("message") or ""
                self.warn(f"partial error in the answer: {what}: {detail}")

    def _post_row(
        self,
        account: Account,
        post: Mapping[str, Any],
        media: Mapping[str, Mapping[str, Any]],
        metric_map: Mapping[str, str],
        owned: bool,
        snapshot_date: dt.date,
    ) -> Row:
        post_id = str(require_field("x", post, "id", "a post of GET /2/users/{id}/tweets"))
        published_at = require_time("x", require_field("x", post, "created_at", f"post {post_id}"), f"post {post_id}")
        self.note_fields("X posts", post, _KNOWN_POST_FIELDS)

        public = post.get("public_metrics")
        if not isinstance(public, Mapping):
            self.warn("a post has no 'public_metrics'; its public counts are NULL")
            public = {}
        self.note_fields("X posts", public, _KNOWN_PUBLIC_METRICS, prefix="public_metrics.")
        non_public = post.get("non_public_metrics") if owned else None
        if owned and not isinstance(non_public, Mapping):
            self.warn("own posts younger than 30 days came without 'non_public_metrics'; clicks are NULL")
        if isinstance(non_public, Mapping):
            self.note_fields("X posts", non_public, _KNOWN_NON_PUBLIC_METRICS, prefix="non_public_metrics.")
        if not isinstance(non_public, Mapping):
            non_public = None
        sources = {"public_metrics": public, "non_public_metrics": non_public}

        # Several API metrics may add up to one column (shares = retweet_count + quote_count); a column with
        # a missing term is NULL rather than an undercount.
        values: dict[str, int | None] = {}
        incomplete: set[str] = set()
        for api_metric, canonical in metric_map.items():
            group, _, name = api_metric.partition(".")
            source = sources.get(group)
            value = None if source is None else to_count(source.get(name))
            if value is None:
                if source is not None:
                    self.warn(f"post metric '{api_metric}' missing in the answer; '{canonical}' left NULL")
                incomplete.add(canonical)
            else:
                values[canonical] = values.get(canonical, 0) + value
        for canonical in incomplete:
            values[canonical] = None

        post_media = _post_media(post, media)
        video_views = None
        for item in post_media:
            if item.get("type") not in ("video", "animated_gif"):
                continue
            if item.get("_inferred"):
                self.warn(
                    "video posts came without includes.media (expansions=attachments.media_keys); video_views NULL"
                )
                continue
            count = to_count((item.get("public_metrics") or {}).get("view_count"))
            if count is None:
                self.warn("a video in includes.media has no public_metrics.view_count; video_views left NULL")
            else:
                video_views = (video_views or 0) + count
        text = post.get("text")
        note = post.get("note_tweet")
        if isinstance(note, Mapping) and note.get("text"):
            text = note["text"]  # long posts: `text` is truncated, the full text is in note_tweet
        handle = account.handle.lstrip("@")
        return {
            "account_id": account.id,
            "post_id": post_id,
            "published_at": published_at,
            "post_url": f"https://x.com/{handle}/status/{post_id}",
            "content_type": self._content_type(post, post_media),
            "caption": text,
            "views": values.get("views"),
            "reach": None,  # X reports no unique reach
            "reactions": values.get("reactions"),
            "comments": values.get("comments"),
            "shares": values.get("shares"),
            "saves": values.get("saves"),
            "clicks": values.get("clicks"),
            "video_views": video_views,
            "snapshot_date": snapshot_date,
        }

    def _content_type(self, post: Mapping[str, Any], post_media: list[Mapping[str, Any]]) -> str:
        types = {m.get("type") for m in post_media}
        if types & {"video", "animated_gif"}:
            return "video"
        if "photo" in types:
            return "image"
        if post_media:
            self.warn("post media of an unknown type; content_type guessed as image")
            return "image"
        entities = post.get("entities")
        urls = entities.get("urls") if isinstance(entities, Mapping) else None
        if isinstance(urls, list) and any(_is_external_link(u) for u in urls if isinstance(u, Mapping)):
            return "link"
        return "text"


# --- pure helpers ---------------------------------------------------------------------------------------------


def _classify(response: requests.Response, body: Any) -> ErrorVerdict | None:
    """X's error answers: 429 (both body forms) waits for x-rate-limit-reset; 402/403 problems name the cause."""
    status = response.status_code
    if response.ok:
        return None
    problem = platform_message(body)
    if status == 429:
        wait = _seconds_until_reset(response)
        if wait is None:
            wait = retry_after_seconds(response)
        return ErrorVerdict("throttle", f"rate limited (HTTP 429: {problem or 'Too Many Requests'})", wait, problem)
    if status == 401:
        return ErrorVerdict("auth", f"the token was rejected ({problem or 'Unauthorized'})", platform_message=problem)
    if status in (402, 403):
        enrollment = body.get("required_enrollment") if isinstance(body, Mapping) else None
        hint = (
            f" The app needs the enrollment '{enrollment}' (developer portal: attach the app to a project)."
            if enrollment
            else ""
        )
        if status == 402:
            hint += " The account's pay-per-use credits may be exhausted: top them up in the developer portal."
        return ErrorVerdict(
            "permission", f"access refused ({problem or f'HTTP {status}'}).{hint}", platform_message=problem
        )
    if status >= 500:
        return None  # generic retry with backoff; X's words are kept
    return ErrorVerdict("fatal", f"request rejected ({problem or f'HTTP {status}'})", platform_message=problem)


def conversation_queries(
    post_ids: Sequence[str], *, max_chars: int = RECENT_SEARCH_QUERY_MAX_CHARS, max_ids: int | None = None
) -> list[tuple[list[str], str]]:
    """The recent-search queries that ask for the conversations of `post_ids`: (the ids, the query) pairs, the ids
    in their order, each query `conversation_id:<a> OR conversation_id:<b> ...` as long as it stays within
    `max_chars` (and holds at most `max_ids` ids when given). Equal-length ids make ceil(n / per query) queries."""
    if max_ids is not None and max_ids < 1:
        raise ValueError(f"max_ids must be at least 1, not {max_ids}")
    out: list[tuple[list[str], str]] = []
    batch: list[str] = []
    query = ""
    for post_id in dict.fromkeys(post_ids):  # an id asked twice is one conversation
        term = CONVERSATION_TERM.format(post_id)
        if len(term) > max_chars:
            raise InputDataError(
                f"x: the post id {post_id!r} makes a query of {len(term)} characters, more than recent search "
                f"accepts ({max_chars}); X post ids are at most 19 digits: check the timeline's answer."
            )
        longer = f"{query}{OR}{term}" if batch else term
        if batch and (len(longer) > max_chars or (max_ids is not None and len(batch) >= max_ids)):
            out.append((batch, query))
            batch, longer = [], term
        batch.append(post_id)
        query = longer
    if batch:
        out.append((batch, query))
    return out


def _replied_to(post: Mapping[str, Any]) -> str | None:
    """The id of the post a reply answers (`referenced_tweets` of type replied_to), None for none."""
    for ref in post.get("referenced_tweets") or []:
        if isinstance(ref, Mapping) and ref.get("type") == "replied_to" and ref.get("id") is not None:
            return str(ref["id"])
    return None


def thread_of(reply_id: str, post_id: str, parents: Mapping[str, str | None]) -> str | None:
    """The thread of a reply in the conversation of `post_id`: None for a reply to the post itself, else the reply
    to the post its replied_to chain leads to. A post the answer does not hold (deleted, or not returned) ends
    the walk there; a loop is cut."""
    parent = parents.get(reply_id)
    seen = {reply_id}
    while parent is not None and parent != post_id and parent in parents and parent not in seen:
        if parents[parent] in (None, post_id):
            return parent
        seen.add(parent)
        parent = parents[parent]
    return None if parent in (None, post_id) else parent


def _display_text(post: Mapping[str, Any]) -> str | None:
    """The text without the leading @mentions X prepends to a reply (`display_text_range`, code points)."""
    text = post.get("text")
    note = post.get("note_tweet")
    if isinstance(note, Mapping) and note.get("text"):
        return str(note["text"])
    span = post.get("display_text_range")
    if isinstance(text, str) and isinstance(span, list) and len(span) == 2 and all(isinstance(i, int) for i in span):
        return text[span[0] : span[1]]
    return text


def _seconds_until_reset(response: requests.Response) -> float | None:
    """Seconds until x-rate-limit-reset (epoch seconds) plus one, or None without the header."""
    reset = response.headers.get("x-rate-limit-reset")
    if reset is None:
        return None
    try:
        return max(0.0, float(reset) - time.time()) + 1.0
    except ValueError:
        return None


def _data_object(body: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise InputDataError(f"x: {where} answered {type(body).__name__}, not a JSON object")
    data = body.get("data")
    if not isinstance(data, Mapping):
        problem = platform_message(body)
        raise InputDataError(f"x: {where} has no 'data' object{f' ({problem})' if problem else ''}")
    return data


def _media_by_key(body: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    includes = body.get("includes")
    media = includes.get("media") if isinstance(includes, Mapping) else None
    if not isinstance(media, list):
        return {}
    return {str(m["media_key"]): m for m in media if isinstance(m, Mapping) and m.get("media_key")}


def _post_media(post: Mapping[str, Any], media: Mapping[str, Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The media objects of a post; a key missing from includes.media gets its type from the key's prefix."""
    attachments = post.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, Mapping) else None
    if not isinstance(keys, list):
        return []
    out: list[Mapping[str, Any]] = []
    for key in (str(k) for k in keys):
        if key in media:
            out.append(media[key])
        else:
            # X media keys start with the media category: 3_ photo, 7_ / 13_ video, 16_ animated GIF.
            prefix = key.split("_", 1)[0]
            kind = _MEDIA_KEY_TYPES.get(prefix)
            out.append({"media_key": key, "type": kind, "_inferred": True})
    return out


_MEDIA_KEY_TYPES = {"3": "photo", "7": "video", "13": "video", "16": "animated_gif"}


def _is_external_link(url: Mapping[str, Any]) -> bool:
    """A URL entity that points outside X (attached media also show up as pic.x.com URL entities)."""
    if url.get("media_key"):
        return False
    display = str(url.get("display_url") or "")
    expanded = str(url.get("expanded_url") or "")
    if display.startswith(("pic.x.com", "pic.twitter.com")):
        return False
    own_media = expanded.startswith(("https://x.com/", "https://twitter.com/")) and (
        "/photo/" in expanded or "/video/" in expanded
    )
    return not own_media


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
