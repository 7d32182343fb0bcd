"""Meta Graph API (graph.facebook.com/{version}): Facebook Pages and Instagram with Facebook Login.

Served objects: configured Pages and IG users (by id), their posts/media (by id), `/me`, `/me/accounts`.
Deprecated metric names answer code 100 ("invalid insights metric"), as the real API does. Instagram
online_followers keys are Pacific-time hours (as documented, unverified upstream); `views` is not supported
for carousel albums (code 100 for that request) - the registry asks clients to survive exactly that.

Days are Meta's reporting days (Pacific): an insights value belongs to the day its `end_time` closes (the
Pacific midnight after it, in UTC), and `since`/`until` select the days whose `end_time` lies in (since, until]
(a date string is that date's Pacific midnight). Only the days Meta serves at the world's `now` are answered
(ended in Pacific time, 2 years of history; `follower_count` and `online_followers` the last 30 days). Usage
headers report the usage meter when one is set (`Simulator.limit_usage`), and throttling answers carry them at
100 %.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from pipelines.simulator import randomness as rnd
from pipelines.simulator.core import (
    ApiError,
    Request,
    Response,
    decode_cursor,
    encode_cursor,
    meta_time,
    parse_datetime,
    split_top_level,
)
from pipelines.simulator.routes.base import ApiFamily
from pipelines.simulator.world import Post

UTC = dt.UTC
PACIFIC = "America/Los_Angeles"
SUNSET_2026_06 = dt.date(2026, 6, 15)
BATCH_LIMIT = 50  # requests per batch request (Graph API documentation)
RECENT_DAYS = 30  # follower_count and online_followers keep the last 30 days
# The seconds a since..until span may hold: Meta counts days of 86,400 s, a Pacific day across the autumn DST
# change has 90,000 s.
SPAN_SLACK = dt.timedelta(hours=1)

PAGE_DAY_METRICS = {
    "page_follows": ("followers", "Followers", "Lifetime: the total number of people who follow the Page."),
    "page_daily_follows_unique": ("followers_gained", "Daily new follows", "The number of new follows."),
    "page_daily_unfollows_unique": ("followers_lost", "Daily unfollows", "The number of unfollows."),
    "page_media_view": ("views", "Views", "The number of times content was played or displayed."),
    "page_total_media_view_unique": ("reach", "Viewers", "The number of people who saw content."),
    "page_post_engagements": ("engagements", "Post engagements", "Reactions, comments, shares and clicks."),
    "page_views_total": ("profile_visits", "Page views", "The number of times the Page's profile was viewed."),
}
PAGE_LIFETIME_METRICS = {"page_follows_country": "country", "page_follows_city": "city"}
PAGE_DEPRECATED = {
    "page_impressions",
    "page_impressions_paid",
    "page_impressions_viral",
    "page_impressions_nonviral",
    "page_impressions_organic_v2",
    "page_fans",
    "page_fans_city",
    "page_fans_country",
    "page_fans_locale",
    "page_fan_adds",
    "page_fan_adds_unique",
    "page_fan_removes",
    "page_fan_removes_unique",
    "page_engaged_users",
    "page_consumptions",
    "page_fans_gender_age",
    "page_follows_gender_age",
    "page_fans_online",
    "page_fans_online_per_day",
    "page_negative_feedback",
    "page_actions_post_reactions_total",
    "page_impressions_paid_unique",
    "page_impressions_viral_unique",
    "page_impressions_nonviral_unique",
    "page_posts_impressions",
    "page_posts_impressions_unique",
    "page_video_views_unique",
}
POST_METRICS = {
    "post_media_view": ("views", "Views"),
    "post_total_media_view_unique": ("reach", "Viewers"),
    "post_reactions_by_type_total": ("reactions", "Total post reactions by type"),
    "post_clicks": ("clicks", "Post clicks"),
    "post_video_views": ("video_views", "3-second video views"),
}
POST_DEPRECATED = {
    "post_impressions",
    "post_impressions_paid",
    "post_impressions_organic",
    "post_impressions_fan",
    "post_engaged_users",
    "post_impressions_viral",
    "post_impressions_nonviral",
    "post_impressions_paid_unique",
    "post_impressions_organic_unique",
    "post_impressions_fan_unique",
}
REACTION_SPLIT = (
    ("like", 0.78),
    ("love", 0.13),
    ("haha", 0.03),
    ("wow", 0.03),
    ("care", 0.02),
    ("sorry", 0.007),
    ("anger", 0.003),
)

IG_SERIES = {"reach": "reach", "follower_count": "followers_gained"}
IG_TOTAL = {
    "views": "views",
    "reach": "reach",
    "accounts_engaged": "accounts_engaged",
    "total_interactions": "engagements",
    "likes": "reactions",
    "comments": "comments",
    "shares": "shares",
    "saves": "saves",
    "profile_links_taps": "website_clicks",
    "replies": None,
    "follows_and_unfollows": None,
}
IG_TOTAL_ONLY = {
    "views",
    "accounts_engaged",
    "total_interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "profile_links_taps",
    "replies",
    "follows_and_unfollows",
}
IG_DEPRECATED = {
    "impressions",
    "profile_views",
    "website_clicks",
    "email_contacts",
    "get_directions_clicks",
    "phone_call_clicks",
    "text_message_clicks",
    "audience_gender_age",
    "audience_locale",
    "audience_country",
    "audience_city",
    "online_followers_v2",
    "plays",
    "video_views",
    "clips_replays_count",
    "ig_reels_aggregated_all_plays_count",
    "engagement",
    "carousel_album_reach",
    "carousel_album_impressions",
    "taps_forward",
    "taps_back",
    "exits",
}
IG_MEDIA_METRICS = {
    "views": "views",
    "reach": "reach",
    "likes": "reactions",
    "comments": "comments",
    "shares": "shares",
    "saved": "saves",
    "total_interactions": None,
    "ig_reels_avg_watch_time": None,
    "ig_reels_video_view_total_time": None,
    "profile_visits": None,
    "follows": None,
}
IG_TITLES = {
    "views": "Views",
    "reach": "Accounts reached",
    "likes": "Likes",
    "comments": "Comments",
    "shares": "Shares",
    "saved": "Saved",
    "total_interactions": "Interactions",
    "saves": "Saves",
    "accounts_engaged": "Accounts engaged",
    "profile_links_taps": "Profile links taps",
    "follower_count": "Follower Count",
    "online_followers": "Online Followers",
    "follower_demographics": "Follower demographics",
}
IG_AGE = {"13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"}


def _ig_media_type(post: Post) -> tuple[str, str]:
    return {"image": ("IMAGE", "FEED"), "carousel": ("CAROUSEL_ALBUM", "FEED"), "reel": ("VIDEO", "REELS")}.get(
        post.content_type, ("IMAGE", "FEED")
    )


class MetaApi(ApiFamily):
    name = "meta"
    hosts = ("graph.facebook.com", "graph.instagram.com")
    token_keys = ("meta",)
    uses_retry_after = False

    # ------------------------------------------------------------------ batch requests
    # https://developers.facebook.com/docs/graph-api/batch-requests: `POST /` (or `/{version}/`) with the form
    # fields `batch` (a JSON list of at most 50 {"method", "relative_url"}) and `access_token` (used by every
    # element without its own); the answer lists {code, headers: [{name, value}], body: "<JSON string>"} in
    # order. The server answers each element as the same GET sent alone (routes, faults, usage headers, stats).
    def batch_requests(self, req: Request) -> list[dict[str, str]] | Response | None:
        segments = [s for s in req.path.split("/") if s]
        version = segments.pop(0) if segments and re.fullmatch(r"v\d+\.\d+", segments[0]) else ""
        form = req.form() if req.method == "POST" and req.body else {}
        if segments or "batch" not in form:
            return None
        req.template = f"{req.host}/{{version}}/" if version else f"{req.host}/"
        try:
            items = json.loads(form["batch"])
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("relative_url") for i in items):
            return self.render_error(
                req, ApiError("bad_request", "(#100) The parameter batch must be a JSON list of {method, relative_url}")
            )
        if len(items) > BATCH_LIMIT:
            return Response(
                400,
                {
                    "error": {
                        "message": f"Too many requests in batch message. Maximum batch size is {BATCH_LIMIT}",
                        "type": "GraphBatchException",
                        "code": 100,
                        "fbtrace_id": rnd.token("fbtrace", req.full_path, length=11),
                    }
                },
            )
        token = form.get("access_token")
        include_headers = form.get("include_headers", "true").lower() != "false"
        elements = []
        for item in items:
            if str(item.get("method") or "GET").upper() != "GET":
                return self.render_error(req, ApiError("bad_request", "(#100) the simulator batches GET requests only"))
            path, _, query = str(item["relative_url"]).lstrip("/").partition("?")
            if not re.match(r"v\d+\.\d+/", path):
                path = f"{version or 'v24.0'}/{path}"
            params = parse_qs(query, keep_blank_values=True)
            if "access_token" not in params and token:
                query = f"{query}&" if query else ""
                query += urlencode({"access_token": token})
            elements.append({"path": f"/{path}", "query": query, "include_headers": str(include_headers)})
        return elements

    def batch_element(self, resp: Response, element: dict[str, str]) -> object:
        out: dict[str, object] = {"code": resp.status}
        if element.get("include_headers") == "True":
            headers = {"Content-Type": resp.content_type, **resp.headers}
            out["headers"] = [{"name": k, "value": v} for k, v in headers.items()]
        out["body"] = resp.encode().decode("utf-8", "replace")
        return out

    # ------------------------------------------------------------------ plumbing
    def handle(self, req: Request) -> Response:
        segments = [s for s in req.path.split("/") if s]
        version = ""
        if segments and re.fullmatch(r"v\d+\.\d+", segments[0]):
            version = segments.pop(0)
        req.meta_version = version or "v24.0"  # type: ignore[attr-defined]
        prefix = f"{req.host}/{{version}}" if version else req.host
        if not segments or len(segments) > 2:
            req.template = f"{prefix}/(unknown)"
            self.check_token(req, req.params.get("access_token"), req.bearer())
            raise ApiError("unsupported", "Unknown path components: " + req.path, subcode=2500)
        object_id = segments[0]
        edge = segments[1] if len(segments) == 2 else None
        world = req.world
        kind = self._object_kind(req, object_id)
        req.template = f"{prefix}/{{{kind}}}" + (f"/{edge}" if edge else "")
        self.check_token(req, req.params.get("access_token"), req.bearer())
        if kind == "me":
            return self._me(req, edge)
        if kind == "unknown":
            raise ApiError(
                "unsupported",
                f"Unsupported get request. Object with ID '{object_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this operation.",
                subcode=33,
            )
        handlers = {
            ("page-id", None): self._page_node,
            ("page-id", "insights"): self._page_insights,
            ("page-id", "published_posts"): self._page_posts,
            ("page-id", "posts"): self._page_posts,
            ("page-id", "feed"): self._page_posts,
            ("post-id", None): self._post_node,
            ("post-id", "insights"): self._post_insights,
            ("post-id", "comments"): self._post_comments,
            ("ig-user-id", None): self._ig_node,
            ("ig-user-id", "insights"): self._ig_insights,
            ("ig-user-id", "media"): self._ig_media,
            ("media-id", None): self._media_node,
            ("media-id", "insights"): self._media_insights,
            ("media-id", "comments"): self._media_comments,
        }
        handler = handlers.get((kind, edge))
        if handler is None:
            raise ApiError("bad_request", f"(#100) Tried accessing nonexisting field ({edge}) on node type ({kind})")
        del world
        return handler(req, object_id)

    @staticmethod
    def _object_kind(req: Request, object_id: str) -> str:
        world = req.world
        if object_id == "me":
            return "me"
        if world.find_account("facebook", object_id):
            return "page-id"
        if world.find_account("instagram", object_id):
            return "ig-user-id"
        if "_" in object_id and world.find_account("facebook", object_id.split("_")[0]):
            return "post-id" if world.post("facebook", object_id) else "unknown"
        if object_id.isdigit() and world.post("instagram", object_id):
            return "media-id"
        return "unknown"

    def render_error(self, req: Request, err: ApiError) -> Response:
        trace = rnd.token("fbtrace", req.full_path, length=11)
        error: dict[str, object] = {"message": err.message, "type": "OAuthException", "code": 100, "fbtrace_id": trace}
        status = 400
        headers: dict[str, str] = {}
        if err.kind == "missing_token":
            error.update(
                message="An active access token must be used to query information about the current user.", code=2500
            )
        elif err.kind == "invalid_token":
            error.update(message="Invalid OAuth access token - Cannot parse access token", code=190)
        elif err.kind == "expired_token":
            error.update(
                message="Error validating access token: Session has expired on Friday, 14-Nov-25 "
                "08:00:00 PST. The current time is later.",
                code=190,
                error_subcode=463,
                error_user_title="",
                error_user_msg="",
            )
        elif err.kind == "rate_limit":
            code = int(err.extra.get("code", 4))
            messages = {
                4: "(#4) Application request limit reached",
                17: "(#17) User request limit reached",
                32: "(#32) Page request limit reached",
                613: "(#613) Calls to this api have exceeded the rate limit.",
                80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
                80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
            }
            error.update(
                message=messages.get(code, f"(#{code}) Rate limit reached"),
                code=code,
                is_transient=True,
                type="OAuthException",
            )
            status = int(err.extra.get("http_status", 400 if code != 613 else 403))
            usage = {"call_count": 100, "total_time": 35, "total_cputime": 30}
            headers["X-App-Usage"] = json.dumps(usage)
            if code == 32:
                headers["X-Page-Usage"] = json.dumps(usage)
            if code in (80001, 80002):
                obj = req.path.strip("/").split("/")[-1]
                kind = "instagram" if code == 80002 else "pages"
                headers["X-Business-Use-Case-Usage"] = json.dumps(
                    {
                        obj: [
                            {
                                "type": kind,
                                "call_count": 100,
                                "total_cputime": 20,
                                "total_time": 25,
                                "estimated_time_to_regain_access": int(err.extra.get("regain_minutes", 1)),
                            }
                        ]
                    }
                )
        elif err.kind == "server_error":
            status = err.status or 500
            transient_code = 2 if status == 503 else 1
            error.update(
                message="An unexpected error has occurred. Please retry your request later."
                if transient_code == 2
                else "An unknown error has occurred.",
                code=transient_code,
                is_transient=True,
            )
        elif err.kind in ("invalid_metric", "bad_request"):
            error.update(code=100)
        elif err.kind == "unsupported":
            error.update(code=100, error_subcode=err.extra.get("subcode", 33), type="GraphMethodException")
        elif err.kind == "no_user":
            error.update(
                code=110,
                error_subcode=2207013,
                type="OAuthException",
                error_user_title="Cannot find User",
                error_user_msg="The user with username: " + str(err.extra.get("username")) + " cannot be found.",
            )
        elif err.kind == "forbidden":
            error.update(code=10, message="(#10) Application does not have permission for this action")
            status = 403
        elif err.kind == "not_found":
            error.update(code=803, message="(#803) Some of the aliases you requested do not exist")
            status = 404
        return Response(status, {"error": error}, headers)

    def throttle_error(self, req: Request, seconds_left: float, code: object | None) -> Response:
        """Meta's throttling answer: the error code (default 80002 for Instagram objects, 80001 for Pages, as
        the Business Use Case limits do; a fault may ask for 4, 17, 32 or 613) with the usage headers at 100 % and,
        for the Business Use Case codes, `estimated_time_to_regain_access` in minutes."""
        if code is None:
            segments = [x for x in req.path.split("/") if x and not re.fullmatch(r"v\d+\.\d+", x)]
            kind = self._object_kind(req, segments[0]) if segments else "unknown"
            code = 80002 if kind in ("ig-user-id", "media-id") else 80001
        regain = max(1, math.ceil(seconds_left / 60))
        return self.render_error(req, ApiError("rate_limit", code=int(code), regain_minutes=regain))

    def decorate(self, req: Request, resp: Response) -> None:
        percent = getattr(req, "usage_percent", None)
        calls = round(percent) if percent is not None else 3
        usage = json.dumps({"call_count": calls, "total_time": max(1, calls // 2), "total_cputime": max(1, calls // 3)})
        resp.headers.setdefault("X-App-Usage", usage)
        resp.headers.setdefault("x-fb-trace-id", rnd.token("trace", req.full_path, length=11))
        obj = req.path.strip("/").split("/")[1] if req.path.count("/") >= 2 else ""
        if "{page-id}" in req.template:
            resp.headers.setdefault("X-Page-Usage", usage)
        if "{ig-user-id}" in req.template or "{media-id}" in req.template:
            resp.headers.setdefault(
                "X-Business-Use-Case-Usage",
                json.dumps(
                    {
                        obj: [
                            {
                                "type": "instagram",
                                "call_count": calls,
                                "total_cputime": max(1, calls // 3),
                                "total_time": max(1, calls // 2),
                                "estimated_time_to_regain_access": 0,
                            }
                        ]
                    }
                ),
            )

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _fields(req: Request, default: str) -> list[str]:
        return split_top_level(req.params.get("fields") or default)

    @staticmethod
    def _metrics(req: Request) -> list[str]:
        raw = req.params.get("metric", "")
        metrics = [m.strip() for m in raw.split(",") if m.strip()]
        if not metrics:
            raise ApiError("bad_request", "(#100) The parameter 'metric' is required", code=100)
        return metrics

    @staticmethod
    def _invalid_metric(name: str) -> ApiError:
        return ApiError(
            "invalid_metric", f"(#100) The value must be a valid insights metric: {name} is not a valid insights metric"
        )

    @staticmethod
    def _instant(req: Request, raw: str, name: str) -> dt.datetime:
        """A since/until value: unix seconds, an ISO instant, or a date (its Pacific midnight)."""
        text = raw.strip()
        if len(text) == 10 and text[4] == "-":
            try:
                return req.world.day_start("facebook", dt.date.fromisoformat(text))
            except ValueError:
                raise ApiError("bad_request", f"(#100) invalid value for {name}: {raw!r}") from None
        return parse_datetime(text, name)

    def _window(self, req: Request, max_days: int, default_days: int = 2) -> tuple[dt.datetime, dt.datetime]:
        world = req.world
        since_raw, until_raw = req.params.get("since"), req.params.get("until")
        until = (
            self._instant(req, until_raw, "until")
            if until_raw
            else world.day_start("facebook", world.platform_today("facebook"))
        )
        since = self._instant(req, since_raw, "since") if since_raw else until - dt.timedelta(days=default_days)
        if until < since:
            raise ApiError("bad_request", "(#100) The since parameter must be before the until parameter")
        if until - since > dt.timedelta(days=max_days) + SPAN_SLACK:
            raise ApiError(
                "bad_request",
                f"(#100) There cannot be more than {max_days} days ({max_days * 86400} s) between since and until",
            )
        return since, until

    @staticmethod
    def _days(req: Request, since: dt.datetime, until: dt.datetime) -> list[dt.date]:
        """Meta's (Pacific) days whose end_time lies in (since, until]."""
        world = req.world
        day = world.platform_day("facebook", since)
        out = []
        while world.day_start("facebook", day) < until:
            end = world.day_start("facebook", day + dt.timedelta(days=1))
            if since < end <= until:
                out.append(day)
            day += dt.timedelta(days=1)
        return out

    @staticmethod
    def _end_time(req: Request, day: dt.date) -> str:
        """The Pacific midnight that closes `day`, in UTC (Meta's end_time)."""
        return meta_time(req.world.day_start("facebook", day + dt.timedelta(days=1)))

    def _token(self, req: Request) -> str:
        """The token the request came with (Graph's paging links carry it on), else the default."""
        return req.params.get("access_token") or req.bearer() or str(req.ctx.tokens["meta"])

    def _insights_paging(self, req: Request, path: str, since: dt.datetime, until: dt.datetime) -> dict:
        span = until - since
        base = {k: v for k, v in req.params.items() if k not in ("since", "until", "access_token")}
        base["access_token"] = self._token(req)

        def url(a: dt.datetime, b: dt.datetime) -> str:
            return req.url(path, {**base, "since": int(a.timestamp()), "until": int(b.timestamp())})

        return {"previous": url(since - span, since), "next": url(until, until + span)}

    @staticmethod
    def _metric_obj(object_id: str, name: str, period: str, title: str, description: str, **value) -> dict:
        return {
            "name": name,
            "period": period,
            **value,
            "title": title,
            "description": description,
            "id": f"{object_id}/insights/{name}/{period}",
        }

    def _page_list(
        self, req: Request, items: list, render, path: str, default_limit: int = 25, max_limit: int = 100
    ) -> Response:
        limit = min(max(1, int(req.params.get("limit") or default_limit)), max_limit)
        after = req.params.get("after")
        offset = decode_cursor(after, "after") if after else 0
        page = items[offset : offset + limit]
        body: dict = {"data": [render(x) for x in page]}
        if page:
            cursors = {"before": encode_cursor(offset), "after": encode_cursor(offset + len(page))}
            paging: dict = {"cursors": cursors}
            if offset + len(page) < len(items):
                nxt = req.next_cursor(after, cursors["after"])
                cursors["after"] = nxt
                params = {k: v for k, v in req.params.items() if k not in ("after", "access_token", "before")}
                params.update(limit=limit, after=nxt, access_token=self._token(req))
                paging["next"] = req.url(path, params)
            if offset > 0:
                params = {k: v for k, v in req.params.items() if k not in ("after", "access_token", "before")}
                params.update(limit=limit, before=cursors["before"], access_token=self._token(req))
                paging["previous"] = req.url(path, params)
            body["paging"] = paging
        return Response(200, body)

    # ------------------------------------------------------------------ /me
    def _me(self, req: Request, edge: str | None) -> Response:
        world = req.world
        # a Page's (or IG account's) own token is that account; the shared default manages every client's Page
        token_account = req.ctx.tokens["meta"].account_of(self._token(req))
        brands = [
            brand
            for brand in world.brands.own_brands
            if token_account is None
            or token_account in {a.id for p, a in brand.accounts.items() if p in ("facebook", "instagram")}
        ]
        if edge == "accounts":
            items = []
            for brand in brands:
                page, ig = brand.accounts.get("facebook"), brand.accounts.get("instagram")
                if page is None:
                    continue
                item = {
                    "id": page.id,
                    "name": brand.name,
                    "access_token": self._token(req),
                    "category": "Coffee Shop",
                    "tasks": ["ANALYZE", "ADVERTISE", "CREATE_CONTENT", "MODERATE"],
                }
                if ig:
                    item["instagram_business_account"] = {"id": ig.id}
                items.append(item)
            return Response(
                200,
                {
                    "data": items,
                    "paging": {"cursors": {"before": encode_cursor(0), "after": encode_cursor(len(items))}},
                },
            )
        if edge is not None:
            raise ApiError("bad_request", f"(#100) Tried accessing nonexisting field ({edge}) on node type (Page)")
        own = brands[0] if brands else world.own_brand
        page = own.accounts.get("facebook")
        return Response(200, {"id": page.id if page else "0", "name": own.name})

    # ------------------------------------------------------------------ Facebook Pages
    def _page_node(self, req: Request, page_id: str) -> Response:
        world = req.world
        brand, account = world.find_account("facebook", page_id)  # type: ignore[misc]
        followers = world.followers_now("facebook", page_id)
        values = {
            "id": page_id,
            "name": brand.name,
            "followers_count": followers,
            "fan_count": round(followers * 0.92),
            "link": f"https://www.facebook.com/{account.handle}",
            "username": account.handle,
            "category": "Coffee Shop",
            "about": f"{brand.name} — kopi Indonesia untuk semua.",
        }
        fields = self._fields(req, "id,name")
        body = {f: values[f] for f in fields if f in values}
        body.setdefault("id", page_id)
        return Response(200, body)

    def _page_insights(self, req: Request, page_id: str) -> Response:
        world = req.world
        metrics = self._metrics(req)
        period = req.params.get("period", "day")
        since, until = self._window(req, 90)
        asked = self._days(req, since, until)
        days = world.served_days("facebook", asked[0], asked[-1]) if asked else []
        data = []
        for name in metrics:
            alias = name
            if name == "page_impressions_unique" and world.today < SUNSET_2026_06:
                alias = "page_total_media_view_unique"
            if alias in PAGE_DAY_METRICS:
                field, title, desc = PAGE_DAY_METRICS[alias]
                values = [
                    {
                        "value": getattr(world.served_day("facebook", page_id, d), field),
                        "end_time": self._end_time(req, d),
                    }
                    for d in days
                ]
                data.append(
                    self._metric_obj(
                        page_id, name, period if period != "lifetime" else "day", title, desc, values=values
                    )
                )
            elif name in PAGE_LIFETIME_METRICS:
                dimension = PAGE_LIFETIME_METRICS[name]
                counts = world.demographic_counts("facebook", page_id, dimension)
                if dimension == "country":
                    counts = {k: v for k, v in counts.items() if v >= 100}
                end_day = days[-1] if days else world.last_served_day("facebook")
                data.append(
                    self._metric_obj(
                        page_id,
                        name,
                        "lifetime",
                        "Follows by " + dimension,
                        f"The number of follows by {dimension}.",
                        values=[{"value": counts, "end_time": self._end_time(req, end_day)}],
                    )
                )
            else:
                raise self._invalid_metric(name)
        body = {"data": data, "paging": self._insights_paging(req, req.path, since, until)}
        return Response(200, body)

    def _posts_of(self, req: Request, platform: str, account_id: str) -> list[Post]:
        world = req.world
        since_raw, until_raw = req.params.get("since"), req.params.get("until")
        posts = world.posts(platform, account_id)
        if since_raw:
            since = parse_datetime(since_raw, "since")
            posts = [p for p in posts if p.published_at >= since]
        if until_raw:
            until = parse_datetime(until_raw, "until")
            posts = [p for p in posts if p.published_at <= until]
        return sorted(posts, key=lambda p: p.published_at, reverse=True)

    def _page_posts(self, req: Request, page_id: str) -> Response:
        posts = self._posts_of(req, "facebook", page_id)
        fields = self._fields(req, "id,message,created_time")
        now = req.world.now
        return self._page_list(req, posts, lambda p: self._fb_post_fields(p, fields, now), req.path)

    @staticmethod
    def _fb_post_fields(post: Post, fields: list[str], now: dt.datetime) -> dict:
        m = post.metrics(now)
        out: dict = {}
        for f in fields:
            base = f.split(".")[0].split("{")[0]
            if base == "id":
                out["id"] = post.post_id
            elif base == "message":
                out["message"] = post.caption
            elif base == "created_time":
                out["created_time"] = meta_time(post.published_at)
            elif base == "permalink_url":
                out["permalink_url"] = post.url
            elif base == "shares":
                if m["shares"] > 0:
                    out["shares"] = {"count": m["shares"]}
            elif base == "reactions":
                out["reactions"] = {"data": [], "summary": {"total_count": m["reactions"], "viewer_reaction": "NONE"}}
            elif base == "comments":
                out["comments"] = {
                    "data": [],
                    "summary": {"order": "ranked", "total_count": m["comments"], "can_comment": True},
                }
            elif base == "status_type":
                out["status_type"] = {
                    "image": "added_photos",
                    "video": "added_video",
                    "reel": "added_video",
                    "link": "shared_story",
                    "text": "mobile_status_update",
                }[post.content_type]
            elif base == "attachments":
                media_type = {"image": "photo", "video": "video", "reel": "video", "link": "link", "text": "status"}[
                    post.content_type
                ]
                out["attachments"] = {
                    "data": [
                        {
                            "media_type": media_type,
                            "type": {"photo": "photo", "video": "video_inline", "link": "share", "status": "status"}[
                                media_type
                            ],
                            "url": post.url,
                        }
                    ]
                }
            elif base == "full_picture" and post.content_type != "text":
                out["full_picture"] = f"https://scontent.example.com/{post.post_id}.jpg"
            elif base == "is_published":
                out["is_published"] = True
        out.setdefault("id", post.post_id)
        return out

    def _post_node(self, req: Request, post_id: str) -> Response:
        post = req.world.post("facebook", post_id)
        fields = self._fields(req, "id,message,created_time")
        return Response(200, self._fb_post_fields(post, fields, req.world.now))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ comments (conversations.py)
    # Facebook: GET /{post-id}/comments?filter=stream|toplevel&order=chronological|reverse_chronological with
    # fields id, message, created_time, from{id,name}, parent{id}, comment_count. `filter=stream` lists every
    # comment (replies included, each with its `parent`), `toplevel` (the default) only top-level ones. `from` is
    # given because the token is the Page's (Meta omits it for other tokens since 2018).
    @staticmethod
    def _fb_comment_fields(comment, fields: list[str], replies: int) -> dict:
        out: dict = {"id": comment.comment_id}
        for f in fields:
            base = f.split("{")[0].split(".")[0]
            if base == "message":
                out["message"] = comment.text
            elif base == "created_time":
                out["created_time"] = meta_time(comment.created_at)
            elif base == "from":
                out["from"] = {"name": comment.author_name, "id": comment.author_id}
            elif base == "parent" and comment.parent_id:
                out["parent"] = {"id": comment.parent_id}
            elif base == "comment_count":
                out["comment_count"] = replies
            elif base == "like_count":
                out["like_count"] = 0
        return out

    def _post_comments(self, req: Request, post_id: str) -> Response:
        comments = req.world.comments("facebook", post_id)
        flow = req.params.get("filter") or "toplevel"
        if flow not in ("toplevel", "stream"):
            raise ApiError("bad_request", "(#100) filter must be one of the following values: toplevel, stream")
        order = req.params.get("order") or ("chronological" if flow == "stream" else "ranked")
        shown = comments if flow == "stream" else [c for c in comments if c.parent_id is None]
        shown = sorted(shown, key=lambda c: c.created_at, reverse=order == "reverse_chronological")
        fields = self._fields(req, "id,message,created_time")
        replies = {c.comment_id: sum(r.parent_id == c.comment_id for r in comments) for c in comments}
        render = lambda c: self._fb_comment_fields(c, fields, replies[c.comment_id])  # noqa: E731
        return self._page_list(req, shown, render, req.path)

    # Instagram: GET /{ig-media-id}/comments?fields=id,text,timestamp,username,from,replies{id,text,timestamp,
    # username,from} : top-level comments, newest first, each with its replies (oldest first) when `replies` is
    # asked for; `from` is {id, username} of the commenting Instagram user.
    @staticmethod
    def _ig_comment_fields(comment, fields: list[str], replies: list) -> dict:
        out: dict = {"id": comment.comment_id}
        for f in fields:
            base = f.split("{")[0].split(".")[0]
            if base == "text":
                out["text"] = comment.text
            elif base == "timestamp":
                out["timestamp"] = meta_time(comment.created_at)
            elif base == "username":
                out["username"] = comment.author_name
            elif base == "from":
                out["from"] = {"id": comment.author_id, "username": comment.author_name}
            elif base == "like_count":
                out["like_count"] = 0
            elif base == "parent_id" and comment.parent_id:
                out["parent_id"] = comment.parent_id
            elif base == "replies" and replies:
                inner = split_top_level(f[f.index("{") + 1 : -1]) if "{" in f else ["id", "timestamp"]
                out["replies"] = {"data": [MetaApi._ig_comment_fields(r, inner, []) for r in replies]}
        return out

    def _media_comments(self, req: Request, media_id: str) -> Response:
        comments = req.world.comments("instagram", media_id)
        tops = sorted((c for c in comments if c.parent_id is None), key=lambda c: c.created_at, reverse=True)
        fields = self._fields(req, "id,text,timestamp")
        threads = {t.comment_id: [c for c in comments if c.parent_id == t.comment_id] for t in tops}
        render = lambda c: self._ig_comment_fields(c, fields, threads[c.comment_id])  # noqa: E731
        return self._page_list(req, tops, render, req.path)

    def _post_insights(self, req: Request, post_id: str) -> Response:
        world = req.world
        post = world.post("facebook", post_id)
        assert post is not None
        m = post.metrics(world.now)
        data = []
        for name in self._metrics(req):
            alias = name
            if name == "post_impressions_unique" and world.today < SUNSET_2026_06:
                alias = "post_total_media_view_unique"
            if alias not in POST_METRICS:
                raise self._invalid_metric(name)
            field, title = POST_METRICS[alias]
            if alias == "post_reactions_by_type_total":
                value: object = _split_reactions(m["reactions"], post.post_id)
            else:
                value = m[field]
            data.append(
                self._metric_obj(
                    post_id, name, "lifetime", title, "Lifetime: " + title + ".", values=[{"value": value}]
                )
            )
        return Response(
            200,
            {
                "data": data,
                "paging": {
                    "previous": req.url(req.path, {**req.params, "access_token": self._token(req)}),
                    "next": req.url(req.path, {**req.params, "access_token": self._token(req)}),
                },
            },
        )

    # ------------------------------------------------------------------ Instagram
    def _ig_node(self, req: Request, ig_id: str) -> Response:
        world = req.world
        fields = self._fields(req, "id,username")
        out: dict = {}
        for f in fields:
            if f.startswith("business_discovery"):
                out["business_discovery"] = self._business_discovery(req, f)
            else:
                value = self._ig_profile(req, ig_id).get(f)
                if value is not None:
                    out[f] = value
        out["id"] = ig_id
        del world
        return Response(200, out)

    @staticmethod
    def _ig_profile(req: Request, ig_id: str) -> dict:
        world = req.world
        brand, account = world.find_account("instagram", ig_id)  # type: ignore[misc]
        older = 150 + int(900 * rnd.unit("ig-older", brand.name))
        return {
            "id": ig_id,
            "username": account.handle,
            "name": brand.name,
            "followers_count": world.followers_now("instagram", ig_id),
            "follows_count": 100 + int(500 * rnd.unit("ig-follows", brand.name)),
            "media_count": older + len(world.posts("instagram", ig_id)),
            "biography": f"{brand.name} ☕ " + " ".join("#" + h for h in brand.hashtags),
            "website": f"https://{account.handle}.example.com",
            "profile_picture_url": f"https://scontent.example.com/{account.handle}.jpg",
            "ig_id": int(rnd.digits("igid", ig_id, length=10)),
        }

    def _business_discovery(self, req: Request, expr: str) -> dict:
        found = re.fullmatch(r"business_discovery\.username\(([^)]*)\)(?:\{(.*)\})?", expr, re.S)
        if not found:
            raise ApiError("bad_request", f"(#100) Invalid business_discovery field expression: {expr}")
        username, inner = found.group(1).strip(), found.group(2) or "id,username"
        hit = req.world.find_handle("instagram", username)
        if hit is None:
            raise ApiError("no_user", "Invalid user id", username=username)
        _, account = hit
        profile = self._ig_profile(req, account.id)
        out: dict = {}
        for f in split_top_level(inner):
            if f == "media" or f.startswith(("media.", "media{")):
                out["media"] = self._discovery_media(req, account.id, f)
            elif f in profile:
                out[f] = profile[f]
        out["id"] = account.id
        return out

    def _discovery_media(self, req: Request, ig_id: str, expr: str) -> dict:
        mods = dict(re.findall(r"\.(limit|after|before)\(([^)]*)\)", expr.split("{")[0]))
        sub = expr.split("{", 1)[1].rstrip("}") if "{" in expr else "id"
        fields = split_top_level(sub)
        limit = min(max(1, int(mods.get("limit") or 25)), 100)
        after = mods.get("after")
        offset = decode_cursor(after, "after") if after else 0
        posts = sorted(req.world.posts("instagram", ig_id), key=lambda p: p.published_at, reverse=True)
        page = posts[offset : offset + limit]
        now = req.world.now
        body: dict = {"data": [self._ig_media_fields(p, fields, now) for p in page]}
        cursors: dict = {"before": encode_cursor(offset)}
        if offset + len(page) < len(posts):
            cursors["after"] = req.next_cursor(after, encode_cursor(offset + len(page)))
        body["paging"] = {"cursors": cursors}
        return body

    @staticmethod
    def _ig_media_fields(post: Post, fields: list[str], now: dt.datetime) -> dict:
        m = post.metrics(now)
        media_type, product = _ig_media_type(post)
        values = {
            "id": post.post_id,
            "caption": post.caption,
            "media_type": media_type,
            "media_product_type": product,
            "timestamp": meta_time(post.published_at),
            "permalink": post.url,
            "like_count": m["reactions"],
            "comments_count": m["comments"],
            "shortcode": post.url.rstrip("/").rsplit("/", 1)[-1],
            "username": post.handle,
            "media_url": f"https://scontent.example.com/{post.post_id}.jpg",
            "is_comment_enabled": True,
        }
        if media_type == "VIDEO":
            values["thumbnail_url"] = f"https://scontent.example.com/{post.post_id}_thumb.jpg"
        out = {f: values[f] for f in fields if f in values}
        out.setdefault("id", post.post_id)
        return out

    def _ig_media(self, req: Request, ig_id: str) -> Response:
        posts = self._posts_of(req, "instagram", ig_id)
        fields = self._fields(req, "id")
        now = req.world.now
        return self._page_list(req, posts, lambda p: self._ig_media_fields(p, fields, now), req.path)

    def _media_node(self, req: Request, media_id: str) -> Response:
        post = req.world.post("instagram", media_id)
        return Response(200, self._ig_media_fields(post, self._fields(req, "id"), req.world.now))  # type: ignore[arg-type]

    def _media_insights(self, req: Request, media_id: str) -> Response:
        world = req.world
        post = world.post("instagram", media_id)
        assert post is not None
        media_type, product = _ig_media_type(post)
        m = post.metrics(world.now)
        data = []
        for name in self._metrics(req):
            if name in IG_DEPRECATED or name not in IG_MEDIA_METRICS:
                raise self._invalid_metric(name)
            unsupported = (
                (name == "views" and media_type == "CAROUSEL_ALBUM")
                or (name.startswith("ig_reels") and product != "REELS")
                or (name in ("profile_visits", "follows") and product == "REELS")
            )
            if unsupported:
                raise ApiError(
                    "invalid_metric",
                    f"(#100) The Media Insights API does not support the {name} "
                    f"metric for this media product type ({media_type}/{product}).",
                )
            if name == "total_interactions":
                value = m["reactions"] + m["comments"] + m["shares"] + m["saves"]
            elif name == "ig_reels_avg_watch_time":
                value = int(1000 * m.get("watch_seconds", 0) / max(1, m["video_views"]))
            elif name == "ig_reels_video_view_total_time":
                value = int(1000 * m.get("watch_seconds", 0))
            elif name == "profile_visits":
                value = int(m["reach"] * 0.01)
            elif name == "follows":
                value = int(m["reach"] * 0.001)
            else:
                value = m[IG_MEDIA_METRICS[name]]  # type: ignore[index]
            title = IG_TITLES.get(name, name)
            data.append(
                self._metric_obj(media_id, name, "lifetime", title, title + " of the media.", values=[{"value": value}])
            )
        return Response(200, {"data": data})

    def _ig_insights(self, req: Request, ig_id: str) -> Response:
        world = req.world
        metrics = self._metrics(req)
        metric_type = req.params.get("metric_type", "")
        period = req.params.get("period", "day")
        data = []
        if any(m in ("follower_demographics", "engaged_audience_demographics") for m in metrics):
            return self._ig_demographics(req, ig_id, metrics)
        if "online_followers" in metrics:
            if len(metrics) > 1:
                raise ApiError("bad_request", "(#100) online_followers must be requested on its own")
            return self._ig_online(req, ig_id)
        since, until = self._window(req, 30, default_days=1)
        asked = self._days(req, since, until)
        days = world.served_days("instagram", asked[0], asked[-1]) if asked else []
        recent = world.served_days("instagram", asked[0], asked[-1], history_days=RECENT_DAYS) if asked else []
        series = {d: world.served_day("instagram", ig_id, d) for d in days}
        for name in metrics:
            if name in IG_DEPRECATED:
                raise self._invalid_metric(name)
            if metric_type == "total_value":
                if name not in IG_TOTAL:
                    raise self._invalid_metric(name)
                field = IG_TOTAL[name]
                total = sum(getattr(series[d], field) for d in days) if field else 0
                total_value: dict = {"value": total}
                breakdown = req.params.get("breakdown")
                if breakdown == "media_product_type" and name in ("views", "reach", "total_interactions"):
                    reel = round(total * 0.55)
                    carousel = round(total * 0.12)
                    total_value["breakdowns"] = [
                        {
                            "dimension_keys": ["media_product_type"],
                            "results": [
                                {"dimension_values": ["REEL"], "value": reel},
                                {"dimension_values": ["CAROUSEL_CONTAINER"], "value": carousel},
                                {"dimension_values": ["POST"], "value": total - reel - carousel},
                            ],
                        }
                    ]
                if days:
                    data.append(
                        self._metric_obj(ig_id, name, period, IG_TITLES.get(name, name), "…", total_value=total_value)
                    )
            else:
                if name in IG_TOTAL_ONLY:
                    raise ApiError(
                        "invalid_metric",
                        f"(#100) The following metrics ({name}) should be specified "
                        "with parameter metric_type=total_value",
                    )
                if name not in IG_SERIES:
                    raise self._invalid_metric(name)
                if period != "day":
                    raise ApiError("bad_request", f"(#100) metric {name} supports only period=day in this simulator")
                field = IG_SERIES[name]
                kept = recent if name == "follower_count" else days  # new followers: the last 30 days only
                values = [{"value": getattr(series[d], field), "end_time": self._end_time(req, d)} for d in kept]
                data.append(self._metric_obj(ig_id, name, period, IG_TITLES.get(name, name), "…", values=values))
        body: dict = {"data": data}
        if metric_type != "total_value":
            body["paging"] = self._insights_paging(req, req.path, since, until)
        return Response(200, body)

    def _ig_demographics(self, req: Request, ig_id: str, metrics: list[str]) -> Response:
        world = req.world
        timeframe = req.params.get("timeframe")
        if req.params.get("metric_type") != "total_value":
            raise ApiError("bad_request", "(#100) metric_type=total_value is required for demographics metrics")
        if timeframe not in ("this_week", "this_month"):
            raise ApiError(
                "bad_request",
                f"(#100) timeframe must be one of this_week, this_month (got "
                f"{timeframe!r}); last_14_days, last_30_days, last_90_days and "
                "prev_month are no longer supported",
            )
        breakdown = req.params.get("breakdown", "")
        keys = [k.strip() for k in breakdown.split(",") if k.strip()]
        if not keys or any(k not in ("age", "gender", "country", "city") for k in keys):
            raise ApiError("bad_request", "(#100) breakdown must be age, gender, country or city")
        followers = world.followers_now("instagram", ig_id)
        shares = [world.demographics("instagram", ig_id, k) for k in keys]
        results: list[tuple[list[str], float]] = [([], 1.0)]
        for dim in shares:
            results = [(vals + [k], s * v) for vals, s in results for k, v in dim.items()]
        data = []
        for name in metrics:
            if name not in ("follower_demographics", "engaged_audience_demographics"):
                raise ApiError("bad_request", f"(#100) {name} cannot be combined with demographics metrics")
            scale = followers if name == "follower_demographics" else followers * 0.08
            rows = sorted(((vals, round(scale * s)) for vals, s in results), key=lambda r: -r[1])[:45]
            data.append(
                self._metric_obj(
                    ig_id,
                    name,
                    "lifetime",
                    IG_TITLES.get(name, name),
                    "…",
                    total_value={
                        "breakdowns": [
                            {
                                "dimension_keys": keys,
                                "results": [{"dimension_values": vals, "value": v} for vals, v in rows if v > 0],
                            }
                        ]
                    },
                )
            )
        return Response(200, {"data": data})

    def _ig_online(self, req: Request, ig_id: str) -> Response:
        world = req.world
        if req.params.get("since") or req.params.get("until"):
            since, until = self._window(req, 30)
            asked = self._days(req, since, until)
        else:
            last = world.last_served_day("instagram")
            asked = [last - dt.timedelta(days=i) for i in range(RECENT_DAYS - 1, -1, -1)]
        days = world.served_days("instagram", asked[0], asked[-1], history_days=RECENT_DAYS) if asked else []
        values = []
        for d in days:
            hours = world.online_hours("instagram", ig_id, d, tz=PACIFIC)
            values.append({"value": {str(h): v for h, v in enumerate(hours)}, "end_time": self._end_time(req, d)})
        return Response(
            200,
            {
                "data": [
                    self._metric_obj(
                        ig_id,
                        "online_followers",
                        "lifetime",
                        "Online Followers",
                        "Total number of your followers who were online on "
                        "Instagram during the given hours (Pacific time).",
                        values=values,
                    )
                ]
            },
        )


def _split_reactions(total: int, post_id: str) -> dict[str, int]:
    out: dict[str, int] = {}
    remaining = total
    for name, share in REACTION_SPLIT[1:]:
        n = int(total * share * (0.6 + 0.8 * rnd.unit("react", post_id, name)))
        n = min(n, remaining)
        if n:
            out[name] = n
        remaining -= n
    out = {"like": remaining, **out} if remaining else out
    return out


__all__ = ["MetaApi", "PACIFIC", "ZoneInfo"]
