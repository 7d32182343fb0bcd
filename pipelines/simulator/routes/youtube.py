"""YouTube Data API v3 (www.googleapis.com/youtube/v3) and YouTube Analytics API v2
(youtubeanalytics.googleapis.com/v2/reports), with Google error bodies.

Counts in the Data API are strings; a few videos have comments disabled (no `commentCount`). Search returns
mentions of brands by other channels; `pageInfo.totalResults` is the number of matches and at most 500 items
are reachable by paging, like the real API.
"""

from __future__ import annotations

import datetime as dt

from pipelines.simulator import randomness as rnd
from pipelines.simulator.core import (
    ApiError,
    Request,
    Response,
    decode_cursor,
    encode_cursor,
    iso_z,
    parse_date,
    parse_datetime,
)
from pipelines.simulator.market import Query
from pipelines.simulator.routes.base import ApiFamily, Router
from pipelines.simulator.world import Post

UTC = dt.UTC
SEARCH_CAP = 500
AGE_GROUPS = {
    "13-17": "age13-17",
    "18-24": "age18-24",
    "25-34": "age25-34",
    "35-44": "age35-44",
    "45-54": "age45-54",
    "55-64": "age55-64",
    "65+": "age65-",
}
GENDERS = {"F": "female", "M": "male", "U": "user_specified"}
ANALYTICS_METRICS = {
    "views",
    "engagedViews",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "likes",
    "comments",
    "shares",
    "subscribersGained",
    "subscribersLost",
    "viewerPercentage",
    "averageViewPercentage",
    "dislikes",
}


def _etag(*parts: object) -> str:
    return rnd.token("etag", *parts, length=27)


def _duration(seconds: int) -> str:
    minutes, sec = divmod(max(1, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{sec}S" if sec else "")


class _GoogleApi(ApiFamily):
    uses_retry_after = True

    def render_error(self, req: Request, err: ApiError) -> Response:
        domain, reason, status = "global", "badRequest", 400
        message = err.message
        if err.kind == "missing_token":
            status, reason, message = (
                403,
                "forbidden",
                ("The request is missing a valid API key." if self.name == "youtube" else "Login Required."),
            )
            if self.name != "youtube":
                status, reason = 401, "required"
        elif err.kind == "invalid_key":
            status, reason, message = 400, "keyInvalid", "API key not valid. Please pass a valid API key."
        elif err.kind in ("invalid_token", "expired_token"):
            status, reason, message = 401, "authError", "Invalid Credentials"
        elif err.kind == "rate_limit":
            status, domain, reason = 429, "usageLimits", "rateLimitExceeded"
            message = "The request cannot be completed because you have exceeded your rate limit."
        elif err.kind == "forbidden":
            reason = str(err.extra.get("reason", "quotaExceeded" if self.name == "youtube" else "forbidden"))
            status = 403
            if reason == "quotaExceeded":
                domain = "youtube.quota"
                message = (
                    "The request cannot be completed because you have exceeded your "
                    '<a href="/youtube/v3/getting-started#quota">quota</a>.'
                )
            elif message == "forbidden":
                message = "Forbidden"
        elif err.kind == "server_error":
            status, reason = err.status or 500, "backendError"
            message = "Backend Error" if status == 500 else "The service is currently unavailable."
        elif err.kind == "not_found":
            status, reason = 404, str(err.extra.get("reason", "notFound"))
        body_error: dict = {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
        google_status = {
            400: "INVALID_ARGUMENT",
            401: "UNAUTHENTICATED",
            403: "PERMISSION_DENIED",
            404: "NOT_FOUND",
            429: "RESOURCE_EXHAUSTED",
            500: "INTERNAL",
            503: "UNAVAILABLE",
        }
        body_error["status"] = google_status.get(status, "UNKNOWN")
        return Response(status, {"error": body_error})


class YouTubeDataApi(_GoogleApi):
    name = "youtube"
    hosts = ("www.googleapis.com",)
    token_keys = ("youtube_key",)

    def __init__(self) -> None:
        self.router = Router()
        self.router.add("GET", "/youtube/v3/channels", self._channels)
        self.router.add("GET", "/youtube/v3/playlistItems", self._playlist_items)
        self.router.add("GET", "/youtube/v3/videos", self._videos)
        self.router.add("GET", "/youtube/v3/search", self._search)
        self.router.add("GET", "/youtube/v3/commentThreads", self._comment_threads)
        self.router.add("GET", "/youtube/v3/comments", self._comments)

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        req.template = req.host + (found[2] if found else "/(unknown)")
        self._auth(req)
        if found is None:
            raise ApiError("not_found", f"no route for {req.path}")
        handler, args, _ = found
        return handler(req, **args)  # type: ignore[operator]

    @staticmethod
    def _auth(req: Request) -> None:
        key, bearer = req.params.get("key"), req.bearer()
        if bearer is not None:
            if bearer != req.ctx.tokens["youtube_oauth"]:
                raise ApiError("invalid_token")
            return
        if not key:
            raise ApiError("missing_token")
        if key != req.ctx.tokens["youtube_key"]:
            raise ApiError("invalid_key")

    @staticmethod
    def _page_size(req: Request, default: int = 5) -> int:
        raw = req.params.get("maxResults")
        value = int(raw) if raw and raw.isdigit() else default
        if not 0 <= value <= 50:
            raise ApiError(
                "bad_request",
                f"Invalid value '{raw}'. Values must be within the range: [0, 50]",
                reason="invalidParameter",
            )
        return value

    # ------------------------------------------------------------------ channels
    def _channel(self, req: Request, channel_id: str, parts: list[str]) -> dict:
        world = req.world
        brand, account = world.find_account("youtube", channel_id)  # type: ignore[misc]
        videos = world.posts("youtube", channel_id)
        older_videos = 80 + int(300 * rnd.unit("yt-older", brand.name))
        views = sum(v.metrics(world.now)["views"] for v in videos)
        views += int(older_videos * world.followers("youtube", channel_id, world.start) * 0.4)
        subs = world.followers_now("youtube", channel_id)
        item: dict = {"kind": "youtube#channel", "etag": _etag(channel_id, world.today), "id": channel_id}
        if "snippet" in parts:
            item["snippet"] = {
                "title": brand.name,
                "description": f"{brand.name} — kopi Indonesia.",
                "customUrl": "@" + account.handle.lstrip("@").lower(),
                "publishedAt": f"{2013 + int(5 * rnd.unit('yt-created', brand.name))}-03-01T10:00:00Z",
                "country": "ID",
            }
        if "contentDetails" in parts:
            item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": "UU" + channel_id[2:]}}
        if "statistics" in parts:
            item["statistics"] = {
                "viewCount": str(views),
                "subscriberCount": str(_three_significant(subs)),
                "hiddenSubscriberCount": False,
                "videoCount": str(older_videos + len(videos)),
            }
        return item

    def _channels(self, req: Request) -> Response:
        world = req.world
        parts = _list(req.params.get("part"))
        if not parts:
            raise ApiError(
                "bad_request",
                "No filter selected. Expected one of: id, forHandle, mine, forUsername",
                reason="missingRequiredParameter",
            )
        ids: list[str] = []
        if req.params.get("id"):
            ids = [i for i in _list(req.params["id"]) if world.find_account("youtube", i)]
        elif req.params.get("forHandle"):
            hit = world.find_handle("youtube", req.params["forHandle"])
            ids = [hit[1].id] if hit else []
        elif req.params.get("mine") == "true":
            if req.bearer() is None:
                raise ApiError("missing_token", "Login Required.")
            # an OAuth token is that channel's; the shared default is the first client's channel
            own = world.own_account("youtube", req.ctx.tokens["youtube_oauth"].account_of(req.bearer()))
            ids = [own.id] if own else []
        items = [self._channel(req, i, parts) for i in ids]
        body = {
            "kind": "youtube#channelListResponse",
            "etag": _etag("channels", *ids),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        }
        if items:
            body["items"] = items
        return Response(200, body)

    # ------------------------------------------------------------------ uploads
    def _playlist_items(self, req: Request) -> Response:
        world = req.world
        playlist = req.params.get("playlistId", "")
        channel_id = "UC" + playlist[2:] if playlist.startswith("UU") else ""
        if not channel_id or world.find_account("youtube", channel_id) is None:
            raise ApiError(
                "not_found",
                "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
                reason="playlistNotFound",
            )
        parts = _list(req.params.get("part")) or ["snippet"]
        size = self._page_size(req)
        videos = sorted(world.posts("youtube", channel_id), key=lambda p: p.published_at, reverse=True)
        token = req.params.get("pageToken")
        offset = decode_cursor(token, "pageToken") if token else 0
        page = videos[offset : offset + size]
        items = []
        for position, v in enumerate(page, start=offset):
            item: dict = {
                "kind": "youtube#playlistItem",
                "etag": _etag("pli", v.post_id),
                "id": rnd.token("pli", playlist, v.post_id, length=40),
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": iso_z(v.published_at),
                    "channelId": channel_id,
                    "title": v.caption.split(" #")[0],
                    "description": v.caption,
                    "playlistId": playlist,
                    "position": position,
                    "resourceId": {"kind": "youtube#video", "videoId": v.post_id},
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {"videoId": v.post_id, "videoPublishedAt": iso_z(v.published_at)}
            items.append(item)
        body: dict = {
            "kind": "youtube#playlistItemListResponse",
            "etag": _etag("pl", playlist, offset),
            "items": items,
            "pageInfo": {"totalResults": len(videos), "resultsPerPage": size},
        }
        if offset + len(page) < len(videos):
            body["nextPageToken"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        if offset:
            body["prevPageToken"] = encode_cursor(max(0, offset - size))
        return Response(200, body)

    def _videos(self, req: Request) -> Response:
        world = req.world
        ids = _list(req.params.get("id"))
        if len(ids) > 50:
            raise ApiError(
                "bad_request", "The request specifies too many video IDs (maximum 50).", reason="invalidParameter"
            )
        parts = _list(req.params.get("part")) or ["snippet"]
        items = []
        for vid in ids:
            post = world.post("youtube", vid)
            if post is not None:
                items.append(self._video(post, parts, world.now))
        return Response(
            200,
            {
                "kind": "youtube#videoListResponse",
                "etag": _etag("videos", *ids),
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            },
        )

    # ------------------------------------------------------------------ comments (conversations.py)
    # commentThreads.list?part=snippet,replies&videoId=..: top-level comments, newest first (order=time, the
    # default; relevance is served in the same order), each with `snippet.topLevelComment` and, with part
    # `replies`, `replies.comments` holding at most THREAD_REPLIES of its replies (the API documents that the list
    # "does not necessarily contain all replies": comments.list?parentId=.. lists them all, oldest first).
    THREAD_REPLIES = 2

    @staticmethod
    def _comment_page_size(req: Request, default: int = 20) -> int:
        raw = req.params.get("maxResults")
        value = int(raw) if raw and raw.isdigit() else default
        if not 1 <= value <= 100:
            raise ApiError(
                "bad_request",
                f"Invalid value '{raw}'. Values must be within the range: [1, 100]",
                reason="invalidParameter",
            )
        return value

    @staticmethod
    def _comment_resource(comment, parts_channel: str) -> dict:
        snippet = {
            "channelId": parts_channel,
            "videoId": comment.post_id,
            "textDisplay": comment.text,
            "textOriginal": comment.text,
            "authorDisplayName": comment.author_name,
            "authorProfileImageUrl": f"https://yt3.ggpht.example/{comment.author_id}",
            "authorChannelUrl": f"http://www.youtube.com/{comment.author_name}",
            "authorChannelId": {"value": comment.author_id},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": iso_z(comment.created_at),
            "updatedAt": iso_z(comment.created_at),
        }
        if comment.parent_id:
            snippet["parentId"] = comment.parent_id
        return {"kind": "youtube#comment", "etag": _etag("comment", comment.comment_id), "id": comment.comment_id,
                "snippet": snippet}  # fmt: skip

    def _comment_threads(self, req: Request) -> Response:
        world = req.world
        video_id = req.params.get("videoId", "")
        post = world.post("youtube", video_id)
        if post is None:
            raise ApiError(
                "not_found",
                'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId'
                "</a></code> parameter could not be found.",
                reason="videoNotFound",
            )
        parts = _list(req.params.get("part"))
        size = self._comment_page_size(req)
        comments = world.comments("youtube", video_id)
        tops = sorted((c for c in comments if c.parent_id is None), key=lambda c: c.created_at, reverse=True)
        token = req.params.get("pageToken")
        offset = decode_cursor(token, "pageToken") if token else 0
        page = tops[offset : offset + size]
        items = []
        for top in page:
            replies = [c for c in comments if c.parent_id == top.comment_id]
            item: dict = {
                "kind": "youtube#commentThread",
                "etag": _etag("thread", top.comment_id),
                "id": top.comment_id,
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "channelId": post.account_id,
                    "videoId": video_id,
                    "topLevelComment": self._comment_resource(top, post.account_id),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                }
            if "replies" in parts and replies:
                item["replies"] = {
                    "comments": [self._comment_resource(c, post.account_id) for c in replies[: self.THREAD_REPLIES]]
                }
            items.append(item)
        body: dict = {
            "kind": "youtube#commentThreadListResponse",
            "etag": _etag("threads", video_id, offset),
            "pageInfo": {"totalResults": len(page), "resultsPerPage": size},
            "items": items,
        }
        if offset + len(page) < len(tops):
            body["nextPageToken"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        return Response(200, body)

    def _comments(self, req: Request) -> Response:
        world = req.world
        parent_id = req.params.get("parentId", "")
        size = self._comment_page_size(req)
        if not parent_id:
            raise ApiError(
                "bad_request", "No filter selected. Expected one of: parentId, id", reason="missingRequiredParameter"
            )
        replies = [  # the replies under any client channel's comment, with the channel
            (c, account.id)
            for _, account in world.own_accounts("youtube")
            for post in world.posts("youtube", account.id)
            for c in world.comments("youtube", post.post_id)
            if c.parent_id == parent_id
        ]
        token = req.params.get("pageToken")
        offset = decode_cursor(token, "pageToken") if token else 0
        page = replies[offset : offset + size]
        body: dict = {
            "kind": "youtube#commentListResponse",
            "etag": _etag("comments", parent_id, offset),
            "pageInfo": {"totalResults": len(page), "resultsPerPage": size},
            "items": [self._comment_resource(c, channel) for c, channel in page],
        }
        if offset + len(page) < len(replies):
            body["nextPageToken"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        return Response(200, body)

    @staticmethod
    def _video(post: Post, parts: list[str], now: dt.datetime) -> dict:
        m = post.metrics(now)
        item: dict = {"kind": "youtube#video", "etag": _etag("video", post.post_id, now), "id": post.post_id}
        if "snippet" in parts:
            item["snippet"] = {
                "publishedAt": iso_z(post.published_at),
                "channelId": post.account_id,
                "title": post.caption.split(" #")[0],
                "description": post.caption,
                "channelTitle": post.brand,
                "tags": list(post.hashtags),
                "categoryId": "26",
                "liveBroadcastContent": "none",
            }
        if "contentDetails" in parts:
            item["contentDetails"] = {
                "duration": _duration(post.duration_seconds),
                "dimension": "2d",
                "definition": "hd",
                "caption": "false",
            }
        if "statistics" in parts:
            stats = {
                "viewCount": str(m["views"]),
                "likeCount": str(m["reactions"]),
                "favoriteCount": "0",
                "commentCount": str(m["comments"]),
            }
            if rnd.unit("comments-disabled", post.post_id) < 0.05:
                del stats["commentCount"]
            item["statistics"] = stats
        return item

    # ------------------------------------------------------------------ search
    def _search(self, req: Request) -> Response:
        world = req.world
        q = req.params.get("q", "")
        if req.params.get("type", "video") != "video":
            raise ApiError("bad_request", "The simulator serves type=video only", reason="invalidParameter")
        size = self._page_size(req)
        after = (
            parse_datetime(req.params["publishedAfter"], "publishedAfter")
            if req.params.get("publishedAfter")
            else dt.datetime.combine(world.start, dt.time(0), UTC)
        )
        before = (
            parse_datetime(req.params["publishedBefore"], "publishedBefore")
            if req.params.get("publishedBefore")
            else world.now
        )
        before = min(before, world.now)
        items = world.market.query_items(Query.parse(q), "youtube", after, before) if q.strip() else []
        token = req.params.get("pageToken")
        offset = decode_cursor(token, "pageToken") if token else 0
        reachable = items[:SEARCH_CAP]
        page = reachable[offset : offset + size]
        out = []
        for m in page:
            out.append(
                {
                    "kind": "youtube#searchResult",
                    "etag": _etag("sr", m.mention_id),
                    "id": {"kind": "youtube#video", "videoId": m.mention_id},
                    "snippet": {
                        "publishedAt": iso_z(m.created_at),
                        "channelId": "UC" + rnd.token("ch", m.author, length=22),
                        "title": m.text,
                        "description": m.text,
                        "channelTitle": m.author,
                        "liveBroadcastContent": "none",
                        "publishTime": iso_z(m.created_at),
                    },
                }
            )
        body: dict = {
            "kind": "youtube#searchListResponse",
            "etag": _etag("search", q, offset),
            "regionCode": "ID",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": size},
            "items": out,
        }
        if offset + len(page) < len(reachable):
            body["nextPageToken"] = req.next_cursor(token, encode_cursor(offset + len(page)))
        if offset:
            body["prevPageToken"] = encode_cursor(max(0, offset - size))
        return Response(200, body)


class YouTubeAnalyticsApi(_GoogleApi):
    name = "youtube_analytics"
    hosts = ("youtubeanalytics.googleapis.com",)
    token_keys = ("youtube_oauth",)

    def handle(self, req: Request) -> Response:
        req.template = req.host + ("/v2/reports" if req.path.rstrip("/") == "/v2/reports" else "/(unknown)")
        bearer = req.bearer()
        if bearer is None:
            raise ApiError("missing_token")
        if bearer != req.ctx.tokens["youtube_oauth"]:
            raise ApiError("invalid_token")
        if req.path.rstrip("/") != "/v2/reports":
            raise ApiError("not_found", f"no route for {req.path}")
        return self._reports(req)

    def _reports(self, req: Request) -> Response:
        world = req.world
        ids = req.params.get("ids", "")
        if not ids.startswith("channel=="):
            raise ApiError("bad_request", "Required parameter: ids", reason="required")
        channel = ids.split("==", 1)[1]
        if channel == "MINE":
            token_channel = req.ctx.tokens["youtube_oauth"].account_of(req.bearer())
            own = world.own_account("youtube", token_channel)
        else:
            own = world.own_account("youtube", channel)
        if own is None:
            raise ApiError("forbidden", "Forbidden", reason="forbidden")
        start = parse_date(req.params.get("startDate"), "startDate")
        end = parse_date(req.params.get("endDate"), "endDate")
        if start is None or end is None:
            raise ApiError("bad_request", "Required parameter: startDate and endDate", reason="required")
        if end < start:
            raise ApiError("bad_request", "The query's start date must be before its end date.", reason="invalid")
        metrics = _list(req.params.get("metrics"))
        if not metrics:
            raise ApiError("bad_request", "Required parameter: metrics", reason="required")
        for m in metrics:
            if m not in ANALYTICS_METRICS:
                raise ApiError(
                    "bad_request", f"Unknown identifier ({m}) given in field parameters.metrics.", reason="badRequest"
                )
        dims = _list(req.params.get("dimensions"))
        channel_id = own.id
        # Pacific days, served once a day has passed since they ended (YouTube Analytics lags 1-3 days).
        days = world.served_days("youtube", start, end)
        lo, hi = (days[0], days[-1]) if days else (start, start - dt.timedelta(days=1))
        if dims == ["day"]:
            rows = [
                [d.isoformat(), *[self._day_metric(world.served_day("youtube", channel_id, d), m) for m in metrics]]
                for d in days
            ]
        elif dims == ["video"]:
            rows = self._video_rows(req, channel_id, lo, hi, metrics)
        elif sorted(dims) == ["ageGroup", "gender"]:
            if metrics != ["viewerPercentage"]:
                raise ApiError(
                    "bad_request",
                    "The query is not supported. Check the documentation at "
                    "https://developers.google.com/youtube/analytics/v2/available_reports",
                    reason="badRequest",
                )
            age = world.demographics("youtube", channel_id, "age")
            gender = world.demographics("youtube", channel_id, "gender")
            rows = (
                [
                    [AGE_GROUPS[a], GENDERS[g], round(100 * sa * sg, 1)]
                    for a, sa in sorted(age.items())
                    for g, sg in sorted(gender.items())
                ]
                if days
                else []
            )
            if dims == ["gender", "ageGroup"]:
                rows = [[r[1], r[0], r[2]] for r in rows]
        elif dims in (["country"], ["city"]):
            if "viewerPercentage" in metrics:
                raise ApiError("bad_request", "The query is not supported.", reason="badRequest")
            totals = [world.served_day("youtube", channel_id, d) for d in days]
            shares = world.demographics("youtube", channel_id, dims[0])
            rows = []
            for key, share in shares.items():
                label = key if dims[0] == "country" else "/m/0" + rnd.token("city", key, length=5).lower()
                rows.append([label, *[int(share * sum(self._day_metric(t, m) for t in totals)) for m in metrics]])
        elif not dims:
            totals = [world.served_day("youtube", channel_id, d) for d in days]
            rows = [[sum(self._day_metric(t, m) for t in totals) for m in metrics]] if totals else []
        else:
            raise ApiError(
                "bad_request",
                "The query is not supported. Check the documentation at "
                "https://developers.google.com/youtube/analytics/v2/available_reports",
            )
        rows = self._sort(req, dims, metrics, rows)
        max_results = int(req.params.get("maxResults") or 0)
        start_index = int(req.params.get("startIndex") or 1)
        rows = rows[start_index - 1 :]
        if max_results:
            rows = rows[:max_results]
        headers = [{"name": d, "columnType": "DIMENSION", "dataType": "STRING"} for d in dims]
        headers += [
            {
                "name": m,
                "columnType": "METRIC",
                "dataType": "FLOAT" if m in ("viewerPercentage", "averageViewPercentage") else "INTEGER",
            }
            for m in metrics
        ]
        body: dict = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
        if rows:
            body["rows"] = rows
        return Response(200, body)

    @staticmethod
    def _day_metric(day, metric: str) -> int | float:
        return {
            "views": day.views,
            "engagedViews": int(day.views * 0.82),
            "estimatedMinutesWatched": day.watch_minutes,
            "averageViewDuration": int(day.watch_minutes * 60 / day.views) if day.views else 0,
            "averageViewPercentage": 41.5,
            "likes": day.reactions,
            "dislikes": 0,
            "comments": day.comments,
            "shares": day.shares,
            "subscribersGained": day.followers_gained,
            "subscribersLost": day.followers_lost,
        }.get(metric, 0)

    @staticmethod
    def _video_rows(req: Request, channel_id: str, lo: dt.date, hi: dt.date, metrics: list[str]) -> list[list]:
        world = req.world
        if lo > hi:
            return []
        t0 = world.day_start("youtube", lo)  # Analytics days are Pacific days
        t1 = min(world.day_start("youtube", hi + dt.timedelta(days=1)), world.now)
        wanted = None
        filters = req.params.get("filters", "")
        if filters.startswith("video=="):
            wanted = set(filters.split("==", 1)[1].split(","))
        rows = []
        for v in world.posts("youtube", channel_id, end=hi):
            if wanted is not None and v.post_id not in wanted:
                continue
            a, b = v.metrics(t0), v.metrics(t1)
            delta = {k: b[k] - a.get(k, 0) for k in b}
            if not delta["views"]:
                continue
            values = {
                "views": delta["views"],
                "engagedViews": int(delta["views"] * 0.82),
                "estimatedMinutesWatched": int(delta.get("watch_seconds", 0) / 60),
                "averageViewDuration": int(delta.get("watch_seconds", 0) / max(1, delta["views"])),
                "averageViewPercentage": 41.5,
                "likes": delta["reactions"],
                "dislikes": 0,
                "comments": delta["comments"],
                "shares": delta["shares"],
                "subscribersGained": int(delta["views"] * 0.002),
                "subscribersLost": int(delta["views"] * 0.0003),
            }
            rows.append([v.post_id, *[values.get(m, 0) for m in metrics]])
        return rows

    @staticmethod
    def _sort(req: Request, dims: list[str], metrics: list[str], rows: list[list]) -> list[list]:
        sort = _list(req.params.get("sort"))
        names = dims + metrics
        for key in reversed(sort):
            desc = key.startswith("-")
            name = key.lstrip("-")
            if name in names:
                i = names.index(name)
                rows.sort(key=lambda r, i=i: r[i], reverse=desc)
        return rows


def _three_significant(n: int) -> int:
    if n < 1000:
        return n
    digits = len(str(n)) - 3
    return (n // 10**digits) * 10**digits


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
