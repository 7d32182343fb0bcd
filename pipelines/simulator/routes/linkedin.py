"""LinkedIn Community Management API (api.linkedin.com/rest).

Requires `LinkedIn-Version` (missing → 400, sunset → 426 NONEXISTENT_VERSION) and
`X-Restli-Protocol-Version: 2.0.0`. Only the own brand's organization is administered: other organizations
answer 403 ACCESS_DENIED. Daily follower/share statistics are UTC days of the rolling last 12 months (older days
are simply absent, as the metric registry notes), day D served from 00:00 UTC of D + 2 (REPORTING_DAYS' lag, on
the world's `now`). A time range LinkedIn does not serve is rejected as LinkedIn does: 400 ILLEGAL_ARGUMENT
"Invalid timeIntervals parameter ..." for an end after the last day served, a DAY range that is not whole days,
or start and end 14 months or more apart.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from pipelines.simulator import randomness as rnd
from pipelines.simulator.core import ApiError, Request, Response
from pipelines.simulator.routes.base import ApiFamily, Router
from pipelines.simulator.world import AccountDay, Post

UTC = dt.UTC
DAY_MS = 86_400_000
FIRST_SUNSET_VERSION = 202505  # this and older versions are sunset whatever `today` is
FACETS = {
    "followerCountsByGeoCountry": ("geo_country", "geo"),
    "followerCountsBySeniority": ("seniority", "seniority"),
    "followerCountsByIndustry": ("industry", "industry"),
    "followerCountsByFunction": ("function", "function"),
    "followerCountsByStaffCountRange": ("staff_count_range", "staffCountRange"),
}


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), UTC).timestamp() * 1000)


def _day(ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, UTC).date()


def _now_ms(req: Request) -> int:
    return int(req.world.now.timestamp() * 1000)


class LinkedInApi(ApiFamily):
    name = "linkedin"
    hosts = ("api.linkedin.com",)
    token_keys = ("linkedin",)
    default_messages = {
        "bad_request": "Invalid query parameters passed to request",
        "not_found": "Resource not found",
    }

    def __init__(self) -> None:
        self.router = Router()
        self.router.add("GET", "/rest/networkSizes/{urn}", self._network_size)
        self.router.add("GET", "/rest/organizationalEntityFollowerStatistics", self._follower_stats)
        self.router.add("GET", "/rest/organizationalEntityShareStatistics", self._share_stats)
        self.router.add("GET", "/rest/posts", self._posts)
        self.router.add("GET", "/rest/organizations", self._organizations)
        self.router.add("GET", "/rest/socialActions/{target}/comments", self._comments)

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        req.template = req.host + (found[2] if found else "/(unknown)")
        bearer = req.bearer()
        if bearer is None:
            raise ApiError("missing_token")
        if bearer != req.ctx.tokens["linkedin"]:
            raise ApiError("invalid_token")
        self._check_version(req)
        if found is None:
            raise ApiError("not_found", f"No virtual resource found for {req.path}")
        handler, args, _ = found
        return handler(req, **args)  # type: ignore[operator]

    @staticmethod
    def _check_version(req: Request) -> None:
        version = req.header("linkedin-version")
        if not version:
            raise ApiError(
                "bad_request",
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                code="VERSION_MISSING",
            )
        if not re.fullmatch(r"\d{6}(\.\d{2})?", version):
            raise ApiError(
                "bad_request", f"Invalid version format {version!r}; expected YYYYMM", code="INVALID_VERSION"
            )
        month = int(version[:6])
        today = req.world.platform_today("linkedin")
        oldest_active = (today.year - 1) * 100 + today.month
        if month <= FIRST_SUNSET_VERSION or month < oldest_active:
            raise ApiError("sunset", f"Requested version {version} is not active")
        if req.header("x-restli-protocol-version") != "2.0.0":
            raise ApiError("bad_request", "The X-Restli-Protocol-Version header must be 2.0.0", code="ILLEGAL_ARGUMENT")

    def render_error(self, req: Request, err: ApiError) -> Response:
        if err.kind in ("missing_token", "invalid_token"):
            return Response(
                401,
                {
                    "status": 401,
                    "serviceErrorCode": 65600,
                    "code": "INVALID_ACCESS_TOKEN",
                    "message": "Invalid access token",
                },
            )
        if err.kind == "expired_token":
            return Response(
                401,
                {
                    "status": 401,
                    "serviceErrorCode": 65600,
                    "code": "EXPIRED_ACCESS_TOKEN",
                    "message": "The token used in the request has expired",
                },
            )
        if err.kind == "sunset":
            return Response(426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": err.message})
        if err.kind == "rate_limit":
            return Response(
                429,
                {
                    "status": 429,
                    "serviceErrorCode": 101,
                    "code": "TOO_MANY_REQUESTS",
                    "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
                },
            )
        if err.kind == "forbidden":
            return Response(
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": err.message
                    if err.message != "forbidden"
                    else "Not enough permissions to access this resource",
                },
            )
        if err.kind == "server_error":
            status = err.status or 500
            return Response(
                status,
                {
                    "status": status,
                    "code": "INTERNAL_SERVER_ERROR" if status == 500 else "SERVICE_UNAVAILABLE",
                    "message": "Internal Server Error" if status == 500 else "Service Unavailable",
                },
            )
        if err.kind == "not_found":
            return Response(404, {"status": 404, "code": "NOT_FOUND", "message": err.message})
        return Response(400, {"status": 400, "code": err.extra.get("code", "ILLEGAL_ARGUMENT"), "message": err.message})

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _org(req: Request, urn: str | None, resource: str) -> str:
        """The organization id of an administered organization URN, else 403."""
        urn = unquote(urn or "")
        found = re.fullmatch(r"urn:li:organization:(\d+)", urn)
        if not found:
            raise ApiError("bad_request", f"Invalid URN {urn!r}; expected urn:li:organization:<id>", code="INVALID_URN")
        org_id = found.group(1)
        if req.world.own_account("linkedin", org_id) is None:
            version = req.header("linkedin-version") or ""
            raise ApiError("forbidden", f"Not enough permissions to access: {resource}.GET.{version}01")
        return org_id

    @staticmethod
    def _intervals(req: Request) -> tuple[dt.date, dt.date, str] | None:
        """(first day, day after the last, granularity) of a time-bound request; LinkedIn's 400 for a range it
        does not serve."""
        world = req.world
        raw = req.params.get("timeIntervals")
        if raw:
            raw = unquote(raw)
            start = re.search(r"start:(\d+)", raw)
            end = re.search(r"end:(\d+)", raw)
            gran = re.search(r"timeGranularityType:(\w+)", raw)
            if not start:
                raise ApiError("bad_request", f"Invalid timeIntervals parameter {raw!r}", code="ILLEGAL_ARGUMENT")
            start_ms = int(start.group(1))
            end_ms = int(end.group(1)) if end else _now_ms(req)
            granularity = gran.group(1) if gran else "DAY"
        elif req.params.get("timeIntervals.timeRange.start"):
            start_ms = int(req.params["timeIntervals.timeRange.start"])
            end_ms = int(req.params.get("timeIntervals.timeRange.end") or _now_ms(req))
            granularity = req.params.get("timeIntervals.timeGranularityType", "DAY")
            raw = f"timeRange:(start:{start_ms},end:{end_ms}),timeGranularityType:{granularity}"
        else:
            return None
        shown = f"Invalid timeIntervals parameter [{raw}]"
        if end_ms <= start_ms:
            raise ApiError("bad_request", f"{shown}. Start time must be before end time.", code="ILLEGAL_ARGUMENT")
        if end_ms - start_ms >= 14 * 30 * DAY_MS:
            raise ApiError(
                "bad_request",
                f"{shown}. Start time and end time must be less than 14 months apart.",
                code="ILLEGAL_ARGUMENT",
            )
        if granularity == "DAY" and (end_ms - start_ms) % DAY_MS:
            raise ApiError("bad_request", f"{shown}. A DAY time range must span whole days.", code="ILLEGAL_ARGUMENT")
        served_end = _ms(world.last_served_day("linkedin") + dt.timedelta(days=1))
        if end_ms > served_end:
            available = dt.datetime.fromtimestamp(served_end / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            raise ApiError(
                "bad_request",
                f"{shown}. Statistics are available up to {available}: the end time must not be later.",
                code="ILLEGAL_ARGUMENT",
            )
        return _day(start_ms), _day(end_ms), granularity

    @staticmethod
    def _available_days(req: Request, start: dt.date, end: dt.date) -> list[dt.date]:
        """The days of [start, end) LinkedIn serves now (UTC days of the last 12 months, two days late)."""
        return req.world.served_days("linkedin", start, end - dt.timedelta(days=1))

    @staticmethod
    def _buckets(days: list[dt.date], granularity: str) -> list[tuple[dt.date, dt.date, list[dt.date]]]:
        if granularity == "DAY":
            return [(d, d + dt.timedelta(days=1), [d]) for d in days]
        if granularity != "MONTH":
            raise ApiError("bad_request", f"Unsupported timeGranularityType {granularity}", code="ILLEGAL_ARGUMENT")
        months: dict[tuple[int, int], list[dt.date]] = {}
        for d in days:
            months.setdefault((d.year, d.month), []).append(d)
        out = []
        for (y, m), ds in months.items():
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            out.append((dt.date(y, m, 1), nxt, ds))
        return out

    @staticmethod
    def _paging(elements: list, start: int = 0, count: int = 10, total: int | None = None) -> dict:
        paging: dict = {"start": start, "count": count, "links": []}
        if total is not None:
            paging["total"] = total
        return paging

    @staticmethod
    def _share_totals(views: int, reach: int | None, clicks: int, likes: int, comments: int, shares: int) -> dict:
        stats: dict = {
            "impressionCount": views,
            "clickCount": clicks,
            "likeCount": likes,
            "commentCount": comments,
            "shareCount": shares,
            "engagement": round((clicks + likes + comments + shares) / views, 6) if views else 0.0,
        }
        if reach is not None:
            stats["uniqueImpressionsCount"] = reach
        return stats

    # ------------------------------------------------------------------ endpoints
    def _network_size(self, req: Request, urn: str) -> Response:
        org_id = self._org(req, urn, "networkSizes")
        if req.params.get("edgeType") not in ("COMPANY_FOLLOWED_BY_MEMBER", "CompanyFollowedByMember"):
            raise ApiError("bad_request", "edgeType must be COMPANY_FOLLOWED_BY_MEMBER", code="ILLEGAL_ARGUMENT")
        world = req.world
        return Response(200, {"firstDegreeSize": world.followers_now("linkedin", org_id)})

    def _follower_stats(self, req: Request) -> Response:
        org_id = self._org(req, req.params.get("organizationalEntity"), "organizationalEntityFollowerStatistics")
        urn = f"urn:li:organization:{org_id}"
        world = req.world
        window = self._intervals(req)
        if window is None:
            element: dict = {"organizationalEntity": urn}
            for facet, (dimension, key) in FACETS.items():
                counts = world.demographic_counts("linkedin", org_id, dimension)
                element[facet] = [
                    {key: value, "followerCounts": {"organicFollowerCount": n - n // 50, "paidFollowerCount": n // 50}}
                    for value, n in counts.items()
                ]
            element["followerCountsByGeo"] = [
                {
                    "geo": f"urn:li:geo:{rnd.digits('geo', city, length=9)}",
                    "followerCounts": {"organicFollowerCount": n, "paidFollowerCount": 0},
                }
                for city, n in world.demographic_counts("linkedin", org_id, "city").items()
            ]
            element["followerCountsByAssociationType"] = [
                {
                    "associationType": "EMPLOYEE",
                    "followerCounts": {
                        "organicFollowerCount": 40 + int(200 * rnd.unit("employees", org_id)),
                        "paidFollowerCount": 0,
                    },
                }
            ]
            return Response(200, {"paging": self._paging([element]), "elements": [element]})
        start, end, granularity = window
        days = self._available_days(req, start, end)
        elements = []
        for a, b, ds in self._buckets(days, granularity):
            gained = sum(world.served_day("linkedin", org_id, d).followers_gained for d in ds)
            paid = gained // 40
            elements.append(
                {
                    "organizationalEntity": urn,
                    "timeRange": {"start": _ms(a), "end": _ms(b)},
                    "followerGains": {"organicFollowerGain": gained - paid, "paidFollowerGain": paid},
                }
            )
        return Response(200, {"paging": self._paging(elements), "elements": elements})

    def _share_stats(self, req: Request) -> Response:
        org_id = self._org(req, req.params.get("organizationalEntity"), "organizationalEntityShareStatistics")
        urn = f"urn:li:organization:{org_id}"
        world = req.world
        post_urns = _restli_list(req.params.get("shares")) + _restli_list(req.params.get("ugcPosts"))
        if post_urns:
            elements = []
            for post_urn in post_urns:
                post = world.post("linkedin", post_urn)
                if post is None or post.account_id != org_id:
                    continue
                m = post.metrics(world.now)
                key = "share" if ":share:" in post_urn else "ugcPost"
                totals = self._share_totals(
                    m["views"], m["reach"], m["clicks"], m["reactions"], m["comments"], m["shares"]
                )
                elements.append({"organizationalEntity": urn, key: post_urn, "totalShareStatistics": totals})
            return Response(200, {"paging": self._paging(elements), "elements": elements})
        window = self._intervals(req)
        if window is None:
            today = world.platform_today("linkedin")
            days = self._available_days(req, today - dt.timedelta(days=365), today)
            rows = [world.served_day("linkedin", org_id, d) for d in days]
            totals = self._sum_days(rows, unique=True)
            brand = world.find_account("linkedin", org_id)[0].name  # type: ignore[index]
            totals["shareMentionsCount"] = sum(world.mention_count(brand, "x", d) for d in days) // 50
            totals["commentMentionsCount"] = totals["shareMentionsCount"] // 3
            element = {"organizationalEntity": urn, "totalShareStatistics": totals}
            return Response(200, {"paging": self._paging([element]), "elements": [element]})
        start, end, granularity = window
        elements = []
        for a, b, ds in self._buckets(self._available_days(req, start, end), granularity):
            rows = [world.served_day("linkedin", org_id, d) for d in ds]
            elements.append(
                {
                    "organizationalEntity": urn,
                    "timeRange": {"start": _ms(a), "end": _ms(b)},
                    "totalShareStatistics": self._sum_days(rows, unique=granularity == "DAY"),
                }
            )
        return Response(200, {"paging": self._paging(elements), "elements": elements})

    def _sum_days(self, rows: list[AccountDay], unique: bool) -> dict:
        return self._share_totals(
            sum(r.views for r in rows),
            sum(r.reach for r in rows) if unique else None,
            sum(r.clicks for r in rows),
            sum(r.reactions for r in rows),
            sum(r.comments for r in rows),
            sum(r.shares for r in rows),
        )

    def _posts(self, req: Request) -> Response:
        if req.params.get("q") != "author":
            raise ApiError("bad_request", "Only q=author is supported by the simulator", code="ILLEGAL_ARGUMENT")
        org_id = self._org(req, req.params.get("author"), "posts")
        world = req.world
        count = int(req.params.get("count") or 10)
        start = int(req.params.get("start") or 0)
        if not 1 <= count <= 100:
            raise ApiError("bad_request", f"count must be between 1 and 100 (got {count})", code="ILLEGAL_ARGUMENT")
        posts = sorted(world.posts("linkedin", org_id), key=lambda p: p.published_at, reverse=True)
        page = posts[start : start + count]
        elements = [self._post(p) for p in page]
        paging = self._paging(elements, start, count, total=len(posts))
        if start + count < len(posts):
            paging["links"] = [
                {
                    "type": "application/json",
                    "rel": "next",
                    "href": f"/rest/posts?author={req.params.get('author')}&count={count}&q=author"
                    f"&start={start + count}",
                }
            ]
        return Response(200, {"paging": paging, "elements": elements})

    @staticmethod
    def _post(post: Post) -> dict:
        ms = int(post.published_at.timestamp() * 1000)
        content: dict | None = {
            "image": {"media": {"id": f"urn:li:image:C4E{rnd.token('img', post.post_id, length=12)}"}},
            "video": {"media": {"id": f"urn:li:video:C5D{rnd.token('vid', post.post_id, length=12)}"}},
            "link": {
                "article": {
                    "source": f"https://kopi.example.com/blog/{rnd.token('a', post.post_id)}",
                    "title": post.caption.split(" #")[0],
                }
            },
            "carousel": {
                "multiImage": {
                    "images": [{"id": f"urn:li:image:C4F{rnd.token('c', post.post_id, i)}"} for i in range(3)]
                }
            },
        }.get(post.content_type)
        element = {
            "id": post.post_id,
            "author": f"urn:li:organization:{post.account_id}",
            "commentary": post.caption,
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": ms,
            "publishedAt": ms,
            "lastModifiedAt": ms,
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "isReshareDisabledByAuthor": False,
        }
        if content is not None:
            element["content"] = content
        return element

    # ------------------------------------------------------------------ comments (conversations.py)
    # GET /rest/socialActions/{post urn}/comments: the first-level comments, oldest first, start/count paging;
    # GET /rest/socialActions/{comment urn}/comments: the replies to one comment (each with `parentComment`).
    # `actor` is the member (urn:li:person) or, for the brand's replies, the organization it acts for.
    @staticmethod
    def _comment_element(comment, post_urn: str, replies: int) -> dict:
        actor = f"urn:li:organization:{comment.author_id}" if comment.is_brand else comment.author_id
        ms = int(comment.created_at.timestamp() * 1000)
        element = {
            "actor": actor,
            "commentUrn": f"urn:li:comment:({post_urn},{comment.comment_id})",
            "created": {"actor": actor, "time": ms},
            "lastModified": {"actor": actor, "time": ms},
            "id": comment.comment_id,
            "message": {"text": comment.text, "attributes": []},
            "object": post_urn,
            "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False, "aggregatedTotalLikes": 0},
            "commentsSummary": {"totalFirstLevelComments": replies, "aggregatedTotalComments": replies},
        }
        if comment.parent_id:
            element["parentComment"] = f"urn:li:comment:({post_urn},{comment.parent_id})"
        if comment.is_brand:
            element["agent"] = "urn:li:person:pageAdmin01"
        return element

    def _comments(self, req: Request, target: str) -> Response:
        from urllib.parse import unquote

        urn = unquote(target)
        world = req.world
        count = int(req.params.get("count") or 10)
        start = int(req.params.get("start") or 0)
        if not 1 <= count <= 100:
            raise ApiError("bad_request", f"count must be between 1 and 100 (got {count})", code="ILLEGAL_ARGUMENT")
        parent = None
        post_urn = urn
        if urn.startswith("urn:li:comment:("):
            post_urn, parent = urn[len("urn:li:comment:(") : -1].rsplit(",", 1)
        if world.post("linkedin", post_urn) is None:
            raise ApiError("not_found", f"Not Found: {urn}", code="NOT_FOUND")
        comments = world.comments("linkedin", post_urn)
        shown = sorted((c for c in comments if c.parent_id == parent), key=lambda c: c.created_at)
        replies = {c.comment_id: sum(r.parent_id == c.comment_id for r in comments) for c in comments}
        page = shown[start : start + count]
        elements = [self._comment_element(c, post_urn, replies[c.comment_id]) for c in page]
        paging = self._paging(elements, start, count, total=len(shown))
        if start + count < len(shown):
            paging["links"] = [
                {"type": "application/json", "rel": "next",
                 "href": f"/rest/socialActions/{target}/comments?count={count}&start={start + count}"}
            ]  # fmt: skip
        return Response(200, {"paging": paging, "elements": elements})

    def _organizations(self, req: Request) -> Response:
        vanity = req.params.get("vanityName", "")
        hit = req.world.find_handle("linkedin", vanity)
        elements = []
        if hit is not None:
            brand, account = hit
            elements.append(
                {
                    "id": int(account.id),
                    "vanityName": account.handle,
                    "localizedName": brand.name,
                    "$URN": f"urn:li:organization:{account.id}",
                }
            )
        return Response(200, {"paging": self._paging(elements), "elements": elements})


def _restli_list(value: str | None) -> list[str]:
    if not value:
        return []
    text = unquote(value).strip()
    if text.startswith("List(") and text.endswith(")"):
        text = text[5:-1]
    return [unquote(v).strip() for v in text.split(",") if v.strip()]
