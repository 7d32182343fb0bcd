"""TikTok API for Business v1.3 (business-api.tiktok.com/open_api/v1.3) and TikTok open API v2
(open.tiktokapis.com/v2: client-credentials token and the Research API).

Business API errors come with HTTP 200 and a non-zero envelope `code` (40100 too frequent, 40105 token
invalid/expired, 40002 bad parameter); injected 500/503 keep their HTTP status with code 50000. Daily metrics
are UTC days of the last ~60 days, served a day after they ended (REPORTING_DAYS, on the world's `now`).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from pipelines.simulator import randomness as rnd
from pipelines.simulator.core import ApiError, Request, Response, parse_date
from pipelines.simulator.market import Mention
from pipelines.simulator.routes.base import ApiFamily, Router
from pipelines.simulator.world import Post

UTC = dt.UTC
BUSINESS_PROFILE_FIELDS = (
    "username",
    "display_name",
    "profile_image",
    "followers_count",
    "audience_countries",
    "audience_genders",
    "audience_ages",
    "bio_description",
    "is_business_account",
)
BUSINESS_DAILY_FIELDS = (
    "followers_count",
    "profile_views",
    "video_views",
    "likes",
    "comments",
    "shares",
    "audience_activity",
    "reach",
    "engaged_audience",
)
GENDER_LABELS = {"F": "Female", "M": "Male", "U": "Other"}


def _request_id(req: Request) -> str:
    return rnd.digits("tt-request", req.full_path, req.body, length=16)


def _json_param(req: Request, name: str, default):
    raw = req.params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError("bad_request", f"{name}: invalid JSON {raw!r}") from None


class TikTokBusinessApi(ApiFamily):
    name = "tiktok_business"
    hosts = ("business-api.tiktok.com",)
    token_keys = ("tiktok_business",)

    def __init__(self) -> None:
        self.router = Router()
        self.router.add(
            "GET", "/open_api/{version}/business/get", self._business_get, "/open_api/{version}/business/get/"
        )
        self.router.add(
            "GET",
            "/open_api/{version}/business/video/list",
            self._video_list,
            "/open_api/{version}/business/video/list/",
        )

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        req.template = req.host + (found[2] if found else "/(unknown)")
        token = req.header("access-token")
        if not token:
            raise ApiError("missing_token")
        if token != req.ctx.tokens["tiktok_business"]:
            raise ApiError("invalid_token")
        if found is None:
            raise ApiError("not_found", f"no route for {req.path}")
        handler, args, _ = found
        if args.get("version") != "v1.3":
            raise ApiError("not_found", f"API version {args.get('version')} is not served (use v1.3)")
        return handler(req)  # type: ignore[operator]

    def render_error(self, req: Request, err: ApiError) -> Response:
        code, message, status = 40002, err.message, 200
        if err.kind == "missing_token":
            code, message = 40104, "Access token is null, please check your request."
        elif err.kind in ("invalid_token", "expired_token"):
            code, message = 40105, "Access token is invalid or has expired."
        elif err.kind == "rate_limit":
            code, message = 40100, "Too many requests. Please retry in some time."
        elif err.kind == "server_error":
            code, message, status = 50000, "Internal service error. Please try again later.", err.status or 500
        elif err.kind == "forbidden":
            code = 40001
        elif err.kind == "not_found":
            code, status = 40404, 404
        return Response(status, {"code": code, "message": message, "request_id": _request_id(req), "data": {}})

    def fault_error(self, req, fault):
        resp = super().fault_error(req, fault)
        resp.headers.pop("Retry-After", None)
        return resp

    @staticmethod
    def _business(req: Request) -> str:
        business_id = req.params.get("business_id", "")
        if not business_id:
            raise ApiError("bad_request", "business_id: Missing data for required field.")
        if req.world.own_account("tiktok", business_id) is None:
            raise ApiError("forbidden", f"No permission to access business_id {business_id}.")
        return business_id

    @staticmethod
    def _ok(req: Request, data: dict) -> Response:
        return Response(200, {"code": 0, "message": "OK", "request_id": _request_id(req), "data": data})

    def _business_get(self, req: Request) -> Response:
        world = req.world
        business_id = self._business(req)
        fields = _json_param(req, "fields", ["username", "display_name"])
        if not isinstance(fields, list):
            raise ApiError("bad_request", "fields: Not a valid list.")
        start = parse_date(req.params.get("start_date"), "start_date")
        end = parse_date(req.params.get("end_date"), "end_date")
        if start is None or end is None:
            raise ApiError("bad_request", "start_date and end_date are required (YYYY-MM-DD).")
        if end < start:
            raise ApiError("bad_request", "end_date must not be earlier than start_date.")
        brand, account = world.find_account("tiktok", business_id)  # type: ignore[misc]
        data: dict = {}
        values = {
            "username": account.handle,
            "display_name": brand.name,
            "is_business_account": True,
            "profile_image": f"https://p16-sign.tiktokcdn.example.com/{account.handle}.jpeg",
            "bio_description": f"{brand.name} ☕",
            "followers_count": world.followers_now("tiktok", business_id),
        }
        for f in fields:
            if f in values:
                data[f] = values[f]
            elif f == "audience_countries":
                data[f] = [
                    {"country": k, "percentage": round(v, 4)}
                    for k, v in world.demographics("tiktok", business_id, "country").items()
                ]
            elif f == "audience_genders":
                data[f] = [
                    {"gender": GENDER_LABELS[k], "percentage": round(v, 4)}
                    for k, v in world.demographics("tiktok", business_id, "gender").items()
                ]
            elif f == "audience_ages":
                data[f] = [
                    {"age": k, "percentage": round(v, 4)}
                    for k, v in world.demographics("tiktok", business_id, "age").items()
                ]
        daily = [f for f in fields if f in BUSINESS_DAILY_FIELDS]
        if daily or "metrics" in fields:
            daily = daily or list(BUSINESS_DAILY_FIELDS)
            metrics = []
            for day in world.served_days("tiktok", start, end):
                row = world.served_day("tiktok", business_id, day)
                entry: dict = {"date": day.isoformat()}
                for f in daily:
                    if f == "audience_activity":
                        hours = world.online_hours("tiktok", business_id, day)
                        entry[f] = [{"hour": str(h), "count": n} for h, n in enumerate(hours)]
                    else:
                        entry[f] = {
                            "followers_count": row.followers,
                            "profile_views": row.profile_visits,
                            "video_views": row.views,
                            "likes": row.reactions,
                            "comments": row.comments,
                            "shares": row.shares,
                            "reach": row.reach,
                            "engaged_audience": row.accounts_engaged,
                        }[f]
                metrics.append(entry)
            data["metrics"] = metrics
        return self._ok(req, data)

    def _video_list(self, req: Request) -> Response:
        world = req.world
        business_id = self._business(req)
        fields = _json_param(req, "fields", ["item_id", "create_time"])
        filters = _json_param(req, "filters", {})
        try:
            max_count = int(req.params.get("max_count") or 20)
            cursor = int(req.params.get("cursor") or 0)
        except ValueError:
            raise ApiError("bad_request", "max_count and cursor must be integers.") from None
        if not 1 <= max_count <= 20:
            raise ApiError("bad_request", f"max_count: Must be between 1 and 20 (got {max_count}).")
        videos = sorted(world.posts("tiktok", business_id), key=lambda p: p.published_at, reverse=True)
        if isinstance(filters, dict) and filters.get("video_ids"):
            wanted = {str(v) for v in filters["video_ids"]}
            videos = [v for v in videos if v.post_id in wanted]
        page = videos[cursor : cursor + max_count]
        out = [self._video(p, fields, world.now, world, business_id) for p in page]
        has_more = cursor + len(page) < len(videos)
        next_cursor = req.next_cursor(str(cursor) if cursor else None, str(cursor + len(page)))
        return self._ok(req, {"videos": out, "cursor": int(next_cursor or 0), "has_more": has_more})

    @staticmethod
    def _video(post: Post, fields: list[str], now: dt.datetime, world, business_id: str) -> dict:
        m = post.metrics(now)
        watched = m.get("watch_seconds", 0)
        values = {
            "item_id": post.post_id,
            "create_time": str(int(post.published_at.timestamp())),
            "caption": post.caption,
            "share_url": post.url,
            "video_views": m["views"],
            "likes": m["reactions"],
            "comments": m["comments"],
            "shares": m["shares"],
            "reach": m["reach"],
            "full_video_watched_rate": round(0.1 + 0.3 * rnd.unit("fvw", post.post_id), 4),
            "total_time_watched": round(watched, 1),
            "average_time_watched": round(watched / m["video_views"], 2) if m["video_views"] else 0.0,
            "video_duration": float(post.duration_seconds),
            "thumbnail_url": f"https://p16-sign.tiktokcdn.example.com/{post.post_id}.jpeg",
            "embed_url": f"https://www.tiktok.com/embed/v2/{post.post_id}",
        }
        out = {f: values[f] for f in fields if f in values}
        if "audience_countries" in fields:
            out["audience_countries"] = [
                {"country": k, "percentage": round(v, 4)}
                for k, v in world.demographics("tiktok", business_id, "country").items()
            ]
        out.setdefault("item_id", post.post_id)
        return out


class TikTokOpenApi(ApiFamily):
    name = "tiktok_open"
    hosts = ("open.tiktokapis.com",)
    token_keys = ("tiktok_research",)

    def __init__(self) -> None:
        self.router = Router()
        self.router.add("POST", "/v2/oauth/token", self._token, "/v2/oauth/token/")
        self.router.add("POST", "/v2/research/user/info", self._user_info, "/v2/research/user/info/")
        self.router.add("POST", "/v2/research/video/query", self._video_query, "/v2/research/video/query/")

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        req.template = req.host + (found[2] if found else "/(unknown)")
        if found is None:
            raise ApiError("not_found", f"no route for {req.method} {req.path}")
        handler, _, template = found
        if template != "/v2/oauth/token/":
            bearer = req.bearer()
            if bearer is None:
                raise ApiError("missing_token")
            if bearer != req.ctx.tokens["tiktok_research"]:
                raise ApiError("invalid_token")
        return handler(req)  # type: ignore[operator]

    def render_error(self, req: Request, err: ApiError) -> Response:
        log_id = rnd.token("log", req.full_path, req.body, length=20).upper()
        if req.template.endswith("/oauth/token/"):
            status = err.status or (500 if err.kind == "server_error" else 429 if err.kind == "rate_limit" else 400)
            return Response(
                status,
                {
                    "error": "invalid_request" if status == 400 else err.kind,
                    "error_description": err.message,
                    "log_id": log_id,
                },
            )
        code, status = "invalid_params", 400
        if err.kind in ("missing_token", "invalid_token", "expired_token"):
            code, status = "access_token_invalid", 401
            err.message = "The access token is invalid or not found in the request."
        elif err.kind == "rate_limit":
            code, status = "rate_limit_exceeded", 429
        elif err.kind == "server_error":
            code, status = "internal_error", err.status or 500
        elif err.kind == "forbidden":
            code, status = "scope_not_authorized", 403
        elif err.kind == "not_found":
            code, status = "not_found", 404
        return Response(status, {"data": {}, "error": {"code": code, "message": err.message, "log_id": log_id}})

    @staticmethod
    def _ok(req: Request, data: dict) -> Response:
        log_id = rnd.token("log", req.full_path, req.body, length=20).upper()
        return Response(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": log_id}})

    def _token(self, req: Request) -> Response:
        form = req.form()
        if form.get("grant_type") != "client_credentials":
            raise ApiError("bad_request", "grant_type must be client_credentials")
        if not form.get("client_key") or not form.get("client_secret"):
            raise ApiError("bad_request", "client_key and client_secret are required")
        return Response(
            200, {"access_token": req.ctx.tokens["tiktok_research"], "expires_in": 7200, "token_type": "Bearer"}
        )

    @staticmethod
    def _fields(req: Request) -> list[str]:
        return [f.strip() for f in (req.params.get("fields") or "").split(",") if f.strip()]

    def _user_info(self, req: Request) -> Response:
        world = req.world
        body = req.json()
        username = str(body.get("username", "")) if isinstance(body, dict) else ""
        hit = world.find_handle("tiktok", username)
        if hit is None:
            raise ApiError("bad_request", f"user {username!r} does not exist or is private")
        brand, account = hit
        posts = world.posts("tiktok", account.id)
        values = {
            "display_name": brand.name,
            "bio_description": f"{brand.name} ☕",
            "is_verified": False,
            "follower_count": world.followers_now("tiktok", account.id),
            "following_count": 20 + int(200 * rnd.unit("tt-following", brand.name)),
            "likes_count": sum(p.metrics(world.now)["reactions"] for p in posts)
            + int(500_000 * rnd.unit("tt-likes", brand.name)),
            "video_count": len(posts) + 100 + int(400 * rnd.unit("tt-older", brand.name)),
            "avatar_url": f"https://p16-sign.tiktokcdn.example.com/{account.handle}.jpeg",
        }
        fields = self._fields(req) or list(values)
        return self._ok(req, {f: values[f] for f in fields if f in values})

    def _video_query(self, req: Request) -> Response:
        world = req.world
        body = req.json()
        if not isinstance(body, dict):
            raise ApiError("bad_request", "body must be a JSON object")
        query = body.get("query") or {}
        start = parse_date(str(body.get("start_date", "")), "start_date")
        end = parse_date(str(body.get("end_date", "")), "end_date")
        if start is None or end is None:
            raise ApiError("bad_request", "start_date and end_date are required (YYYYMMDD)")
        if end < start or (end - start).days > 30:
            raise ApiError("bad_request", "end_date must be on or after start_date and at most 30 days later")
        max_count = int(body.get("max_count") or 20)
        if not 1 <= max_count <= 100:
            raise ApiError("bad_request", "max_count must be between 1 and 100")
        cursor = int(body.get("cursor") or 0)
        candidates = self._candidates(req, query, start, min(end, world.end))
        items = [c for c in candidates if _evaluate(query, c)]
        items.sort(key=lambda c: (c["create_time"], c["id"]), reverse=True)
        page = items[cursor : cursor + max_count]
        fields = self._fields(req) or ["id", "create_time"]
        videos = [{f: v[f] for f in fields if f in v} for v in page]
        search_id = body.get("search_id") or rnd.digits(
            "search", json.dumps(query, sort_keys=True), start, end, length=19
        )
        has_more = cursor + len(page) < len(items)
        next_cursor = int(req.next_cursor(str(cursor) if cursor else None, str(cursor + len(page))) or 0)
        return self._ok(
            req, {"videos": videos, "cursor": next_cursor, "has_more": has_more, "search_id": str(search_id)}
        )

    @staticmethod
    def _candidates(req: Request, query: dict, start: dt.date, end: dt.date) -> list[dict]:
        world = req.world
        usernames = {v.lower() for v in _values(query, "username")}
        wants_mentions = bool(_values(query, "keyword") or _values(query, "hashtag_name"))
        out: list[dict] = []
        for name in usernames:
            hit = world.find_handle("tiktok", name)
            if hit is not None:
                out.extend(_post_item(p, world.now) for p in world.posts("tiktok", hit[1].id, start, end))
        if wants_mentions:
            day = start
            while day <= end:
                for b in world.brands.brands:
                    out.extend(_mention_item(m) for m in world.mention_items(b.name, "tiktok", day))
                day += dt.timedelta(days=1)
        return out


def _values(query: object, field: str) -> list[str]:
    found: list[str] = []
    if isinstance(query, dict):
        if query.get("field_name") == field:
            found.extend(str(v) for v in query.get("field_values", []))
        for value in query.values():
            if isinstance(value, list | dict):
                found.extend(_values(value, field))
    elif isinstance(query, list):
        for value in query:
            found.extend(_values(value, field))
    return found


def _condition(cond: dict, item: dict) -> bool:
    field, op = cond.get("field_name"), str(cond.get("operation", "EQ")).upper()
    values = [str(v) for v in cond.get("field_values", [])]
    if field == "keyword":
        text = item.get("video_description", "")
        return any(re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", text, re.IGNORECASE) for v in values)
    if field == "hashtag_name":
        tags = {t.lower() for t in item.get("hashtag_names", [])}
        return any(v.lower().lstrip("#") in tags for v in values)
    if field == "username":
        return item.get("username", "").lower() in {v.lower() for v in values}
    if field == "region_code":
        return item.get("region_code") in values
    if field == "video_id":
        return str(item.get("id")) in values
    if field == "create_date":
        day = dt.datetime.fromtimestamp(item["create_time"], UTC).strftime("%Y%m%d")
        target = values[0] if values else ""
        return {
            "EQ": day == target,
            "IN": day in values,
            "GT": day > target,
            "GTE": day >= target,
            "LT": day < target,
            "LTE": day <= target,
        }.get(op, False)
    return True


def _evaluate(query: dict, item: dict) -> bool:
    if not query:
        return True
    ok = True
    if query.get("and"):
        ok = ok and all(_condition(c, item) if "field_name" in c else _evaluate(c, item) for c in query["and"])
    if query.get("or"):
        ok = ok and any(_condition(c, item) if "field_name" in c else _evaluate(c, item) for c in query["or"])
    if query.get("not"):
        ok = ok and not any(_condition(c, item) if "field_name" in c else _evaluate(c, item) for c in query["not"])
    return ok


def _post_item(post: Post, now: dt.datetime) -> dict:
    m = post.metrics(now)
    return {
        "id": int(post.post_id),
        "create_time": int(post.published_at.timestamp()),
        "username": post.handle,
        "region_code": "ID",
        "video_description": post.caption,
        "view_count": m["views"],
        "like_count": m["reactions"],
        "comment_count": m["comments"],
        "share_count": m["shares"],
        "hashtag_names": list(post.hashtags),
        "music_id": int(rnd.digits("music", post.post_id, length=19)),
        "voice_to_text": "",
    }


def _mention_item(m: Mention) -> dict:
    tags = [w[1:].lower() for w in m.text.split() if w.startswith("#")]
    return {
        "id": int(m.mention_id),
        "create_time": int(m.created_at.timestamp()),
        "username": m.author,
        "region_code": m.region_code,
        "video_description": m.text,
        "view_count": m.views,
        "like_count": m.likes,
        "comment_count": m.comments,
        "share_count": m.shares,
        "hashtag_names": tags,
        "music_id": int(rnd.digits("music", m.mention_id, length=19)),
        "voice_to_text": "",
    }
