"""X API v2 (api.x.com/2): users, user timelines, post counts and recent search (brand queries over the market's
mentions; `conversation_id:<post id>`, alone or OR-ed with others, over the own posts' reply threads,
conversations.py).

Every response carries x-rate-limit-limit/remaining/reset. Counts (`granularity=day|hour`, default hour as in
X API v2; day buckets are UTC days, hour buckets UTC hours, `start` inclusive, `end` exclusive, the first and last
bucket cut at start_time/end_time) paginate at 31 day buckets or 168 hour buckets, newest page first (each page
ascending). Search/count queries are matched as OR-groups of quoted phrases, #hashtags and
@handles with `-"excluded phrase"` (see `market.Query`). An `end_time` less than 10 seconds before the request
(the world's `now`) is refused as X refuses it, and errors come in X's problem shape (a 404's `detail` names what
was not found).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter

from pipelines.simulator import randomness as rnd
from pipelines.simulator.core import (
    ApiError,
    Request,
    Response,
    decode_cursor,
    encode_cursor,
    iso_z,
    parse_datetime,
)
from pipelines.simulator.market import Query
from pipelines.simulator.routes.base import ApiFamily, Router
from pipelines.simulator.world import Post

UTC = dt.UTC
LIMITS = {"users": 900, "tweets": 1500, "counts": 300, "search": 450}
MAX_TIMELINE = 3200
END_TIME_MIN_AGE = dt.timedelta(seconds=10)
CONVERSATION = re.compile(r"conversation_id:(\d+)")


class XApi(ApiFamily):
    name = "x"
    hosts = ("api.x.com", "api.twitter.com")
    token_keys = ("x",)
    uses_retry_after = False
    default_messages = {
        "not_found": "Could not find the requested resource.",
        "bad_request": "One or more parameters to your request was invalid.",
    }

    def __init__(self) -> None:
        self.router = Router()
        r = self.router
        r.add("GET", "/2/users/me", self._me)
        r.add("GET", "/2/users/by", self._users_by)
        r.add("GET", "/2/users/by/username/{username}", self._user_by_username)
        r.add("GET", "/2/users/{id}/tweets", self._timeline)
        r.add("GET", "/2/users/{id}", self._user)
        r.add("GET", "/2/tweets/counts/recent", self._counts_recent)
        r.add("GET", "/2/tweets/counts/all", self._counts_all)
        r.add("GET", "/2/tweets/search/recent", self._search_recent)
        self._served: dict[str, int] = {}

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        if found is None:
            req.template = f"{req.host}/(unknown)"
            self.check_token(req, req.bearer())
            raise ApiError("not_found", f"no route for {req.method} {req.path}", status=404)
        handler, args, template = found
        req.template = req.host + template
        self.check_token(req, req.bearer())
        return handler(req, **args)  # type: ignore[operator]

    def render_error(self, req: Request, err: ApiError) -> Response:
        headers: dict[str, str] = {}
        if err.kind in ("missing_token", "invalid_token", "expired_token"):
            return Response(
                401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            )
        if err.kind == "rate_limit":
            reset = int(time.time()) + int(err.extra.get("retry_after", 1))
            headers.update({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)})
            return Response(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                headers,
            )
        if err.kind == "server_error":
            status = err.status or 500
            title = "Service Unavailable" if status == 503 else "Internal Server Error"
            return Response(status, {"title": title, "detail": title, "type": "about:blank", "status": status})
        if err.kind == "forbidden":
            return Response(403, {"title": "Forbidden", "detail": err.message, "type": "about:blank", "status": 403})
        if err.kind == "not_found":
            return Response(
                err.status or 404,
                {
                    "title": "Not Found Error",
                    "detail": err.message,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
            )
        param = err.extra.get("param", "query")
        return Response(
            400,
            {
                "errors": [{"parameters": {param: [str(err.extra.get("value", ""))]}, "message": err.message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        )

    def decorate(self, req: Request, resp: Response) -> None:
        family = (
            "counts"
            if "/counts/" in req.template
            else "search"
            if "/search/" in req.template
            else "tweets"
            if "/tweets" in req.template
            else "users"
        )
        limit = LIMITS[family]
        served = self._served.get(req.template, 0) + 1
        self._served[req.template] = served
        resp.headers.setdefault("x-rate-limit-limit", str(limit))
        resp.headers.setdefault("x-rate-limit-remaining", str(max(1, limit - served % limit)))
        resp.headers.setdefault("x-rate-limit-reset", str(int(time.time()) + 900))

    # ------------------------------------------------------------------ users
    def _user_obj(self, req: Request, platform_id: str) -> dict:
        world = req.world
        brand, account = world.find_account("x", platform_id)  # type: ignore[misc]
        fields = _list(req.params.get("user.fields"))
        out = {"id": account.id, "name": brand.name, "username": account.handle.lstrip("@")}
        if "public_metrics" in fields:
            older = 2000 + int(8000 * rnd.unit("x-older", brand.name))
            out["public_metrics"] = {
                "followers_count": world.followers_now("x", account.id),
                "following_count": 100 + int(400 * rnd.unit("x-following", brand.name)),
                "tweet_count": older + len(world.posts("x", account.id)),
                "listed_count": 50 + int(500 * rnd.unit("x-listed", brand.name)),
                "like_count": 500 + int(3000 * rnd.unit("x-likes", brand.name)),
                "media_count": 300 + int(900 * rnd.unit("x-media", brand.name)),
            }
        if "created_at" in fields:
            out["created_at"] = f"{2012 + int(6 * rnd.unit('x-created', brand.name))}-03-14T04:35:55.000Z"
        if "description" in fields:
            out["description"] = f"{brand.name} — kopi Indonesia. " + " ".join("#" + h for h in brand.hashtags)
        if "verified" in fields:
            out["verified"] = False
        if "profile_image_url" in fields:
            out["profile_image_url"] = f"https://pbs.twimg.example.com/{account.handle}.jpg"
        return out

    def _me(self, req: Request) -> Response:
        # a user token is that user; the shared default is the first client's account
        own = req.world.own_account("x", req.ctx.tokens["x"].account_of(req.bearer()))
        if own is None:
            raise ApiError("forbidden", "the own brand has no X account")
        return Response(200, {"data": self._user_obj(req, own.id)})

    def _user(self, req: Request, id: str) -> Response:  # noqa: A002 - path parameter name
        if req.world.find_account("x", id) is None:
            return Response(200, {"errors": [_not_found("id", id, f"Could not find user with id: [{id}].")]})
        return Response(200, {"data": self._user_obj(req, id)})

    def _user_by_username(self, req: Request, username: str) -> Response:
        hit = req.world.find_handle("x", username)
        if hit is None:
            return Response(
                200, {"errors": [_not_found("username", username, f"Could not find user with username: [{username}].")]}
            )
        return Response(200, {"data": self._user_obj(req, hit[1].id)})

    def _users_by(self, req: Request) -> Response:
        names = _list(req.params.get("usernames"))
        if not names:
            raise ApiError("bad_request", "The `usernames` query parameter can not be empty", param="usernames")
        if len(names) > 100:
            raise ApiError(
                "bad_request",
                f"The number of values in the `usernames` query parameter list [{len(names)}] is not between 1 and 100",
                param="usernames",
                value=len(names),
            )
        data, errors = [], []
        for name in names:
            hit = req.world.find_handle("x", name)
            if hit is None:
                errors.append(_not_found("usernames", name, f"Could not find user with usernames: [{name}]."))
            else:
                data.append(self._user_obj(req, hit[1].id))
        body: dict = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return Response(200, body)

    # ------------------------------------------------------------------ timelines
    @staticmethod
    def _max_results(req: Request, low: int, high: int, default: int) -> int:
        raw = req.params.get("max_results")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not low <= value <= high:
            raise ApiError(
                "bad_request",
                f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
                param="max_results",
                value=raw,
            )
        return value

    def _timeline(self, req: Request, id: str) -> Response:  # noqa: A002
        world = req.world
        if world.find_account("x", id) is None:
            return Response(200, {"errors": [_not_found("id", id, f"Could not find user with id: [{id}].")]})
        _check_end_time(req)
        limit = self._max_results(req, 5, 100, 10)
        posts = sorted(world.posts("x", id), key=lambda p: p.published_at, reverse=True)[:MAX_TIMELINE]
        if req.params.get("start_time"):
            start = parse_datetime(req.params["start_time"], "start_time")
            posts = [p for p in posts if p.published_at >= start]
        if req.params.get("end_time"):
            end = parse_datetime(req.params["end_time"], "end_time")
            posts = [p for p in posts if p.published_at < end]
        token = req.params.get("pagination_token")
        offset = decode_cursor(token, "pagination_token") if token else 0
        page = posts[offset : offset + limit]
        fields = _list(req.params.get("tweet.fields"))
        is_own = world.own_account("x", id) is not None
        body: dict = {"meta": {"result_count": len(page)}}
        if page:
            body["data"] = [self._tweet(p, fields, world.now, is_own) for p in page]
            body["meta"].update(newest_id=page[0].post_id, oldest_id=page[-1].post_id)
            if offset + len(page) < len(posts):
                body["meta"]["next_token"] = req.next_cursor(token, encode_cursor(offset + len(page)))
            if offset:
                body["meta"]["previous_token"] = encode_cursor(max(0, offset - limit))
        return Response(200, body)

    @staticmethod
    def _tweet(post: Post, fields: list[str], now: dt.datetime, is_own: bool) -> dict:
        m = post.metrics(now)
        text = post.caption + (
            f" https://t.co/{rnd.token('tco', post.post_id, length=10)}" if post.content_type == "link" else ""
        )
        out: dict = {"id": post.post_id, "text": text, "edit_history_tweet_ids": [post.post_id]}
        retweets = int(m["shares"] * 0.8)
        if "created_at" in fields:
            out["created_at"] = iso_z(post.published_at, millis=True)
        if "author_id" in fields:
            out["author_id"] = post.account_id
        if "lang" in fields:
            out["lang"] = "in"
        if "public_metrics" in fields:
            out["public_metrics"] = {
                "retweet_count": retweets,
                "reply_count": m["comments"],
                "like_count": m["reactions"],
                "quote_count": m["shares"] - retweets,
                "bookmark_count": m["saves"],
                "impression_count": m["views"],
            }
        recent = now - post.published_at < dt.timedelta(days=30)
        if "non_public_metrics" in fields and is_own and recent:
            out["non_public_metrics"] = {
                "impression_count": m["views"],
                "url_link_clicks": m["clicks"],
                "user_profile_clicks": int(m["views"] * 0.003),
            }
        if "organic_metrics" in fields and is_own and recent:
            out["organic_metrics"] = {
                "impression_count": m["views"],
                "like_count": m["reactions"],
                "reply_count": m["comments"],
                "retweet_count": retweets,
                "url_link_clicks": m["clicks"],
                "user_profile_clicks": int(m["views"] * 0.003),
            }
        if "attachments" in fields and post.content_type in ("image", "video"):
            prefix = "3" if post.content_type == "image" else "7"
            out["attachments"] = {"media_keys": [f"{prefix}_{post.post_id}"]}
        if "entities" in fields:
            entities: dict = {}
            tags = []
            for tag in post.hashtags:
                start = text.find("#" + tag)
                if start >= 0:
                    tags.append({"start": start, "end": start + len(tag) + 1, "tag": tag})
            if tags:
                entities["hashtags"] = tags
            if post.content_type == "link":
                start = text.rfind("https://t.co/")
                entities["urls"] = [
                    {
                        "start": start,
                        "end": len(text),
                        "url": text[start:],
                        "expanded_url": f"https://kopi.example.com/{post.post_id}",
                    }
                ]
            if entities:
                out["entities"] = entities
        return out

    # ------------------------------------------------------------------ counts and search
    def _query(self, req: Request) -> Query:
        text = req.params.get("query", "")
        if not text.strip():
            raise ApiError("bad_request", "The `query` query parameter can not be empty", param="query")
        if len(text) > 4096:
            raise ApiError(
                "bad_request",
                f"The `query` query parameter value is too long ({len(text)} > 4096)",
                param="query",
                value=len(text),
            )
        return Query.parse(text)

    def _range(self, req: Request, default_days: int, recent: bool) -> tuple[dt.datetime, dt.datetime]:
        _check_end_time(req)
        now = req.world.now
        end = parse_datetime(req.params["end_time"], "end_time") if req.params.get("end_time") else now
        start = (
            parse_datetime(req.params["start_time"], "start_time")
            if req.params.get("start_time")
            else end - dt.timedelta(days=default_days)
        )
        end = min(end, now)
        if recent and start < now - dt.timedelta(days=7):
            raise ApiError(
                "bad_request",
                f"Invalid 'start_time':'{req.params.get('start_time')}'. 'start_time' "
                f"must be on or after {iso_z(now - dt.timedelta(days=7))}",
                param="start_time",
                value=req.params.get("start_time"),
            )
        if start >= end:
            raise ApiError(
                "bad_request",
                "Invalid 'start_time': must be before 'end_time'",
                param="start_time",
                value=req.params.get("start_time"),
            )
        return start, end

    def _counts(self, req: Request, recent: bool) -> Response:
        query = self._query(req)
        start, end = self._range(req, 7 if recent else 30, recent)
        granularity = req.params.get("granularity", "hour")
        if granularity not in ("day", "hour"):
            raise ApiError(
                "bad_request",
                f"The `granularity` value [{granularity}] is not supported by the simulator (use day or hour)",
                param="granularity",
                value=granularity,
            )
        step = dt.timedelta(days=1) if granularity == "day" else dt.timedelta(hours=1)
        buckets = []
        cursor = start
        while cursor < end:
            if granularity == "day":
                boundary = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(0), UTC)
            else:
                boundary = cursor.replace(minute=0, second=0, microsecond=0) + step
            bucket_end = min(boundary, end)
            buckets.append((cursor, bucket_end))
            cursor = bucket_end
        token = req.params.get("next_token")
        page_index = decode_cursor(token, "next_token") if token else 0
        per_page = 31 if granularity == "day" else 168
        hi = len(buckets) - page_index * per_page
        lo = max(0, hi - per_page)
        page = buckets[lo : max(lo, hi)]
        market = req.world.market
        if granularity == "hour" and page:
            # one walk over the page's items instead of one per hour: every item of [a, b) starts hour(a)
            per_hour = Counter(
                m.created_at.replace(minute=0, second=0, microsecond=0)
                for m in market.query_items(query, "x", page[0][0], page[-1][1])
            )
            tweet_counts = [per_hour[a.replace(minute=0, second=0, microsecond=0)] for a, _ in page]
        else:
            tweet_counts = [market.query_count_between(query, "x", a, b) for a, b in page]
        data = [
            {"end": iso_z(b, millis=True), "start": iso_z(a, millis=True), "tweet_count": n}
            for (a, b), n in zip(page, tweet_counts, strict=True)
        ]
        meta: dict = {"total_tweet_count": sum(d["tweet_count"] for d in data)}
        if lo > 0:
            meta["next_token"] = req.next_cursor(token, encode_cursor(page_index + 1))
        return Response(200, {"data": data, "meta": meta})

    def _counts_recent(self, req: Request) -> Response:
        return self._counts(req, recent=True)

    def _counts_all(self, req: Request) -> Response:
        return self._counts(req, recent=False)

    def _search_recent(self, req: Request) -> Response:
        query = self._query(req)
        conversations = _conversation_ids(query, req.params.get("query", ""))
        if conversations:
            return self._conversations(req, conversations)
        start, end = self._range(req, 7, recent=True)
        limit = self._max_results(req, 10, 100, 10)
        items = req.world.market.query_items(query, "x", start, end)
        token = req.params.get("next_token")
        offset = decode_cursor(token, "next_token") if token else 0
        page = items[offset : offset + limit]
        fields = _list(req.params.get("tweet.fields"))
        data = []
        for m in page:
            item: dict = {"id": m.mention_id, "text": m.text, "edit_history_tweet_ids": [m.mention_id]}
            if "created_at" in fields:
                item["created_at"] = iso_z(m.created_at, millis=True)
            if "author_id" in fields:
                item["author_id"] = m.author_id
            if "lang" in fields:
                item["lang"] = "in"
            if "public_metrics" in fields:
                item["public_metrics"] = {
                    "retweet_count": m.shares,
                    "reply_count": m.comments,
                    "like_count": m.likes,
                    "quote_count": m.quotes,
                    "bookmark_count": 0,
                    "impression_count": m.views,
                }
            data.append(item)
        body: dict = {"meta": {"result_count": len(page)}}
        if page:
            body["data"] = data
            body["meta"].update(newest_id=page[0].mention_id, oldest_id=page[-1].mention_id)
            if offset + len(page) < len(items):
                body["meta"]["next_token"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        return Response(200, body)

    # ------------------------------------------------------------------ replies (conversations.py)
    # GET /2/tweets/search/recent?query=conversation_id:<a> OR conversation_id:<b> ...: the posts of those
    # conversations of the last 7 days, their union newest first (X's order), each post itself included (its
    # conversation_id is its own id); each reply names the post it answers in referenced_tweets (replied_to) and
    # starts with the @mention X prepends (display_text_range skips it).
    def _conversations(self, req: Request, post_ids: list[str]) -> Response:
        world = req.world
        start, end = self._range(req, 7, recent=True)
        limit = self._max_results(req, 10, 100, 10)
        items: list = []  # (the item, the post it answers, its conversation's post, the post's author handle)
        for post_id in dict.fromkeys(post_ids):
            post = world.post("x", post_id)
            if post is None:
                continue
            own = next(a for _, a in world.accounts("x") if a.id == post.account_id)  # the post's author
            handle = own.handle.lstrip("@")
            by_id = {c.comment_id: c for c in world.all_comments("x", post_id)}
            items += [
                (c, replied_to(c, by_id, post_id), post, handle, by_id)
                for c in world.comments("x", post_id)
                if start <= c.created_at < end
            ]
            if start <= post.published_at < end:
                items.append((post, None, post, handle, by_id))
        items.sort(key=lambda item: (_created(item[0]), _id(item[0])), reverse=True)
        token = req.params.get("next_token")
        offset = decode_cursor(token, "next_token") if token else 0
        page = items[offset : offset + limit]
        fields = _list(req.params.get("tweet.fields"))
        data, users = [], {}
        for item, parent, post, handle, by_id in page:
            if isinstance(item, Post):
                tweet = self._tweet(item, fields, world.now, False)
                if "conversation_id" in fields:
                    tweet["conversation_id"] = item.post_id
                data.append(tweet)
                users[item.account_id] = handle
                continue
            to_user, to_name = (
                (post.account_id, handle) if parent is None else (by_id[parent].author_id, by_id[parent].author_name)
            )
            mention = f"@{to_name} "
            tweet = {"id": item.comment_id, "text": mention + item.text, "edit_history_tweet_ids": [item.comment_id]}
            if "created_at" in fields:
                tweet["created_at"] = iso_z(item.created_at, millis=True)
            if "author_id" in fields:
                tweet["author_id"] = item.author_id
            if "conversation_id" in fields:
                tweet["conversation_id"] = post.post_id
            if "in_reply_to_user_id" in fields:
                tweet["in_reply_to_user_id"] = to_user
            if "referenced_tweets" in fields:
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent or post.post_id}]
            if "display_text_range" in fields:
                tweet["display_text_range"] = [len(mention), len(tweet["text"])]
            data.append(tweet)
            users[item.author_id] = item.author_name.lstrip("@")
        body: dict = {"meta": {"result_count": len(page)}}
        if page:
            body["data"] = data
            if "author_id" in _list(req.params.get("expansions")):
                body["includes"] = {"users": [{"id": i, "name": n, "username": n} for i, n in users.items()]}
            body["meta"].update(newest_id=_id(page[0][0]), oldest_id=_id(page[-1][0]))
            if offset + len(page) < len(items):
                body["meta"]["next_token"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        return Response(200, body)


def _conversation_ids(query: Query, text: str) -> list[str]:
    """The post ids of a `conversation_id:<a> OR conversation_id:<b> ...` query (parentheses allowed), [] for a
    query without conversation_id; 400 for a conversation_id combined otherwise (AND-ed with other terms or
    operators, negated, or not a post id), which the simulator does not serve."""
    if not any("conversation_id:" in term for group in query.operators for term in group):
        return []
    ids = [CONVERSATION.fullmatch(group[0]) if len(group) == 1 else None for group in query.operators]
    if query.groups or query.excluded or not all(ids):
        raise ApiError(
            "bad_request",
            f"The query '{text}' is not supported by the simulator: conversation_id:<post id> terms can only be "
            "OR-ed with each other",
            param="query",
            value=text,
        )
    return [match.group(1) for match in ids if match is not None]


def replied_to(comment, by_id: dict, post_id: str) -> str | None:
    """The post an X reply answers: a top-level reply the post (None); a follow-up the brand's reply before it in
    its thread when that one is never deleted (a nested reply), else the thread's first reply; others the
    thread's first reply."""
    if comment.parent_id is None:
        return None
    if comment.kind in ("follow_up", "brand_reply"):
        earlier = [
            c for c in by_id.values()
            if c.parent_id == comment.parent_id and c.created_at < comment.created_at and c.deleted_at is None
            and c.kind == ("brand_reply" if comment.kind == "follow_up" else "follow_up")
        ]  # fmt: skip
        if earlier:
            return max(earlier, key=lambda c: c.created_at).comment_id
    return comment.parent_id


def _created(item) -> dt.datetime:
    return item.published_at if isinstance(item, Post) else item.created_at


def _id(item) -> str:
    return item.post_id if isinstance(item, Post) else item.comment_id


def _check_end_time(req: Request) -> None:
    """X refuses an end_time less than 10 seconds before the request (the world's `now`)."""
    raw = req.params.get("end_time")
    if not raw:
        return
    end = parse_datetime(raw, "end_time")
    if end > req.world.now - END_TIME_MIN_AGE:
        raise ApiError(
            "bad_request",
            f"Invalid 'end_time':'{raw}'. 'end_time' must be a minimum of 10 seconds prior to the request time.",
            param="end_time",
            value=raw,
        )


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _not_found(parameter: str, value: str, detail: str) -> dict:
    return {
        "value": value,
        "detail": detail,
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }
