"""LinkedIn Community Management API (REST, versioned): organization page followers, posts and audience.

Query strings: LinkedIn's Rest.li 2.0 protocol wants URNs percent-encoded (`urn%3Ali%3Aorganization%3A1`) but its
own structures - `List(a,b)` and `(timeRange:(start:1,end:2),timeGranularityType:DAY)` - with their parentheses,
colons and commas as they are. `requests` (urlencode) would encode those too, and LinkedIn then reads them as
literal characters and answers 400, so this module builds every query string itself (`_query`); `requests` leaves
an already-built query untouched.

Days: daily statistics are LinkedIn's UTC days (its reporting day, stored unchanged as metric_date), read on
LinkedIn's clock (pipelines/platforms/clock.py): the rolling last 12 months, day D served from 00:00 UTC of D + 2.
A window asking beyond that is clamped with a warning; should LinkedIn still reject the window's end (it answers
400 `ILLEGAL_ARGUMENT: Invalid timeIntervals parameter`), the request is retried once ending a day earlier. A
post belongs to the local day (settings.timezone) of its `publishedAt`. Every error keeps LinkedIn's `code` and
`message`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from pipelines.config.models import Account
from pipelines.errors import InputDataError
from pipelines.http import ApiError, ApiSession, CursorGuard, ErrorVerdict, retry_after_seconds
from pipelines.platforms.base import ClientContext, Credential, PlatformClient, PlatformSpec, Row, batched
from pipelines.platforms.metric_registry import current_metrics
from pipelines.platforms.values import require_field, require_time, to_count

POSTS_PAGE_SIZE = 50
COMMENTS_PAGE_SIZE = 100
STATS_BATCH_SIZE = 20  # post URNs per share-statistics call (keeps the URL well under LinkedIn's limits)
RETRY_AFTER_MAX_SECONDS = 60.0  # a 429 with a longer (or no) Retry-After is the daily quota: fail, do not wait

# The scope each endpoint needs (403 ACCESS_DENIED names it). The member must also be an ADMINISTRATOR of the page.
_SCOPES = {
    "networkSizes": "r_organization_followers (or rw_organization_admin)",
    "organizationalEntityFollowerStatistics": "rw_organization_admin (follower statistics, r_organization_followers)",
    "organizationalEntityShareStatistics": "rw_organization_admin (share statistics)",
    "posts": "r_organization_social",
}

# Lifetime follower statistics facets -> (dimension, key of the value in each facet element).
_DEMOGRAPHIC_FACETS = {
    "followerCountsByGeoCountry": ("country", "geo"),
    "followerCountsByGeo": ("region", "geo"),
    "followerCountsByIndustry": ("industry", "industry"),
    "followerCountsByFunction": ("function", "function"),
    "followerCountsBySeniority": ("seniority", "seniority"),
    "followerCountsByStaffCountRange": ("staff_count_range", "staffCountRange"),
}
# Facets read on purpose and left out of the demographics (employees vs. followers is not an audience trait).
_IGNORED_FACETS = frozenset({"followerCountsByAssociationType", "organizationalEntity"})

_KNOWN_POST_FIELDS = frozenset(
    {
        "id",
        "author",
        "commentary",
        "visibility",
        "lifecycleState",
        "lifecycleStateInfo",
        "createdAt",
        "publishedAt",
        "lastModifiedAt",
        "distribution",
        "content",
        "contentLandingPage",
        "contentCallToActionLabel",
        "isReshareDisabledByAuthor",
        "reshareContext",
        "adContext",
        "feedDistribution",
        "container",
        "createdBy",
        "lastModifiedBy",
    }
)
_KNOWN_SHARE_STATS = frozenset(
    {
        "impressionCount",
        "uniqueImpressionsCount",
        "clickCount",
        "likeCount",
        "commentCount",
        "shareCount",
        "engagement",
        "commentMentionsCount",
        "shareMentionsCount",
    }
)
_SHARE_COUNTS = ("impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount", "commentCount", "shareCount")
_PUBLISHED_STATES = frozenset({"PUBLISHED", "PUBLISHED_EDITED"})


class LinkedInClient(PlatformClient):
    """Reads an organization page the token's member administers."""

    spec = PlatformSpec(
        name="linkedin",
        title="LinkedIn",
        api_bases={"rest": "https://api.linkedin.com/rest"},
        credentials=(
            Credential(
                "access_token",
                "LINKEDIN_ACCESS_TOKEN",
                "linkedin",
                "3-legged OAuth member token of a page ADMINISTRATOR (scopes r_organization_social, "
                "rw_organization_admin, r_organization_followers).",
            ),
        ),
        streams=("account_daily", "post_snapshots", "audience_demographics", "post_comments"),
        notes=(
            "Daily statistics cover the last 12 months and end 2 days ago; followers per day are reconstructed "
            "from today's total minus the later daily gains. No unfollows, profile visits or website clicks per "
            "day; no age/gender demographics; no online hours."
        ),
        # LinkedIn has daily per-application and per-member quotas (spent per call, not per second) and no rate
        # headers; its 429 for infrastructure protection comes without warning, so a modest 4 at once.
        max_concurrent_requests=4,
    )

    def __init__(self, context: ClientContext) -> None:
        super().__init__(context)
        self._rest: ApiSession | None = None

    @property
    def session(self) -> ApiSession:
        with self._lock:  # one session, however many threads read with it
            if self._rest is None:
                self._rest = self.new_session(
                    credential="access_token",
                    classify=self._classify,
                    headers={
                        "Authorization": f"Bearer {self.credential('access_token') or ''}",
                        "LinkedIn-Version": self.settings.api_versions.linkedin,
                        "X-Restli-Protocol-Version": "2.0.0",
                    },
                )
            return self._rest

    def _get(self, resource: str, query: str, *, headers: Mapping[str, str] | None = None) -> Mapping[str, Any]:
        url = f"{self.base_url('rest')}/{resource}" + (f"?{query}" if query else "")
        endpoint = resource.split("/", 1)[0]
        body = self.session.get(url, endpoint=endpoint, headers=headers, page=True)
        if not isinstance(body, Mapping):
            raise InputDataError(
                f"linkedin: GET /rest/{endpoint} answered {type(body).__name__}, not a JSON object; the API changed "
                "its answer."
            )
        return body

    # --- account_daily ------------------------------------------------------------------------------------

    def account_daily(self, account: Account, start: dt.date, end: dt.date) -> list[Row]:
        """Followers, daily gains and organic content totals per UTC day, for the days LinkedIn serves now.

        LinkedIn reports daily statistics for the last 12 months only, day D from 00:00 UTC of D + 2: the window is
        clamped on LinkedIn's clock (with a warning) and the nightly `account_lookback_days` re-read fills the last
        days once they exist. LinkedIn has no follower history either: the followers at the end of day d are
        today's total (`networkSizes`) minus the gains of the days after d. The gains of the days not reported
        yet are unknown, so the latest reported day carries them (an approximation of at most two days of gains).
        """
        served = self.clock.clamp(start, end, what="LinkedIn daily statistics", warn=self.warn)
        if served is None:
            return []
        first, last = served.first, served.last
        org = _org_urn(account)
        available_last = self.clock.last_served_day()

        total = self._follower_total(org)
        # Gains from the window start up to the last reported day: every later gain is needed to walk back.
        gains, gains_end = self.with_earlier_end(
            lambda a, b: self._daily_follower_gains(org, a, b),
            first,
            available_last,
            rejects_end=_rejects_time_intervals,
            what="daily follower statistics",
        )
        shares, shares_end = self.with_earlier_end(
            lambda a, b: self._daily_share_statistics(org, a, b),
            first,
            min(last, gains_end),
            rejects_end=_rejects_time_intervals,
            what="daily share statistics",
        )
        gains, shares = gains or {}, shares or {}
        last = min(last, gains_end, shares_end)  # a day LinkedIn refused to serve gets no row

        rows: list[Row] = []
        later_gains = sum(g for day, g in gains.items() if day > last and g is not None)
        day = last
        while day >= first:
            followers = None if total is None else total - later_gains
            gained = gains.get(day)
            if day not in gains:
                self.warn(f"no follower statistics for {day}; followers_gained left NULL")
            stats = shares.get(day)
            rows.append(
                {
                    "account_id": account.id,
                    "metric_date": day,
                    "followers": followers,
                    "followers_gained": gained,
                    "followers_lost": None,  # LinkedIn reports gains only
                    "views": stats.get("views") if stats else None,
                    "reach": stats.get("reach") if stats else None,
                    "engagements": stats.get("engagements") if stats else None,
                    "profile_visits": None,  # organizationPageStatistics not read
                    "website_clicks": None,  # not in the share statistics
                }
            )
            later_gains += gained or 0
            day -= dt.timedelta(days=1)
        rows.reverse()
        return rows

    def _follower_total(self, org: str) -> int | None:
        body = self._get(f"networkSizes/{_enc(org)}", "edgeType=COMPANY_FOLLOWED_BY_MEMBER")
        total = to_count(body.get("firstDegreeSize"))
        if total is None:
            self.warn("networkSizes has no 'firstDegreeSize'; followers left NULL")
        return total

    def _daily_follower_gains(self, org: str, first: dt.date, last: dt.date) -> dict[dt.date, int | None]:
        body = self._get(
            "organizationalEntityFollowerStatistics",
            _query(
                q="organizationalEntity",
                organizationalEntity=_enc(org),
                timeIntervals=_time_intervals(*self.clock.day_bounds(first, last)),
            ),
        )
        out: dict[dt.date, int | None] = {}
        for element in _elements(body, "organizationalEntityFollowerStatistics"):
            day = self._element_day(element, "organizationalEntityFollowerStatistics")
            gains = element.get("followerGains")
            if not isinstance(gains, Mapping):
                self.warn("a daily follower statistic has no 'followerGains'; followers_gained left NULL")
                out[day] = None
                continue
            out[day] = self._organic_plus_paid(gains, "organicFollowerGain", "paidFollowerGain", "followerGains")
        return out

    def _daily_share_statistics(self, org: str, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Any]]:
        body = self._get(
            "organizationalEntityShareStatistics",
            _query(
                q="organizationalEntity",
                organizationalEntity=_enc(org),
                timeIntervals=_time_intervals(*self.clock.day_bounds(first, last)),
            ),
        )
        out: dict[dt.date, dict[str, Any]] = {}
        for element in _elements(body, "organizationalEntityShareStatistics"):
            day = self._element_day(element, "organizationalEntityShareStatistics")
            stats = self._share_stats(element, "daily share statistics")
            if stats is None:
                continue
            parts = [stats.get(k) for k in ("clickCount", "likeCount", "commentCount", "shareCount")]
            out[day] = {
                "views": stats.get("impressionCount"),
                "reach": stats.get("uniqueImpressionsCount"),
                # engagements = clicks + likes + comments + shares (LinkedIn's `engagement` is the ratio of that
                # sum to impressions); NULL if a term is missing rather than an undercount.
                "engagements": None if any(p is None for p in parts) else sum(parts),
            }
        return out

    def _element_day(self, element: Mapping[str, Any], where: str) -> dt.date:
        time_range = require_field("linkedin", element, "timeRange", f"an element of {where}")
        if not isinstance(time_range, Mapping):
            raise InputDataError(f"linkedin: {where} timeRange is {type(time_range).__name__}, not an object")
        start_ms = require_field("linkedin", time_range, "start", f"{where} timeRange")
        return require_time("linkedin", start_ms, f"{where} timeRange.start", epoch_ms=True).date()

    def _organic_plus_paid(self, counts: Mapping[str, Any], organic_key: str, paid_key: str, where: str) -> int | None:
        organic, paid = to_count(counts.get(organic_key)), to_count(counts.get(paid_key))
        if organic is None and paid is None:
            self.warn(f"{where} has neither '{organic_key}' nor '{paid_key}'; left NULL")
            return None
        if organic is None or paid is None:
            missing = organic_key if organic is None else paid_key
            self.warn(f"{where} has no '{missing}'; counted as 0")
        return (organic or 0) + (paid or 0)

    def _share_stats(self, element: Mapping[str, Any], where: str) -> dict[str, int | None] | None:
        raw = element.get("totalShareStatistics")
        if not isinstance(raw, Mapping):
            self.warn(f"{where}: an element has no 'totalShareStatistics'; its metrics are NULL")
            return None
        self.note_fields("LinkedIn share statistics", raw, _KNOWN_SHARE_STATS, prefix="totalShareStatistics.")
        out: dict[str, int | None] = {}
        for key in _SHARE_COUNTS:
            out[key] = to_count(raw.get(key))
            if out[key] is None:
                self.warn(f"{where}: '{key}' missing in totalShareStatistics; left NULL")
        return out

    # --- post_snapshots -----------------------------------------------------------------------------------

    def post_snapshots(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """The page's posts published in the window (local days) with their lifetime share statistics."""
        if published_to < published_from:
            return []
        org = _org_urn(account)
        posts = self._posts_in_days(org, published_from, published_to)
        stats = self._post_statistics(org, [p["urn"] for p in posts])

        metric_map = current_metrics("linkedin", "post", snapshot_date)  # API metric -> canonical column
        rows: list[Row] = []
        for post in posts:
            post_stats = stats.get(post["urn"])
            if post_stats is None:
                self.warn(f"no share statistics for post {post['urn']}; its metrics are NULL")
            columns = {canonical: (post_stats or {}).get(api) for api, canonical in metric_map.items()}
            rows.append(
                {
                    "account_id": account.id,
                    "post_id": post["urn"],
                    "published_at": require_time("linkedin", post["published_ms"], "publishedAt", epoch_ms=True),
                    "post_url": f"https://www.linkedin.com/feed/update/{post['urn']}/",
                    "content_type": post["content_type"],
                    "caption": post["caption"],
                    "views": columns.get("views"),
                    "reach": columns.get("reach"),
                    "reactions": columns.get("reactions"),
                    "comments": columns.get("comments"),
                    "shares": columns.get("shares"),
                    "saves": None,  # LinkedIn reports no saves
                    "clicks": columns.get("clicks"),
                    "video_views": None,  # videoAnalytics endpoint not read
                    "snapshot_date": snapshot_date,
                }
            )
        rows.sort(key=lambda r: (r["published_at"], r["post_id"]))
        return rows

    def post_comments(
        self, account: Account, published_from: dt.date, published_to: dt.date, snapshot_date: dt.date
    ) -> list[Row]:
        """Comments of the page's posts published in the window: `GET /rest/socialActions/{post urn}/comments`
        (first-level comments) and, for a comment whose `commentsSummary` counts replies, the same call on its
        `commentUrn`. The brand is an `actor` equal to the organization's URN (a page admin acting for it)."""
        if published_to < published_from:
            return []
        org = _org_urn(account)
        posts = self._posts_in_days(org, published_from, published_to)
        rows: list[Row] = []
        for post in posts:
            for comment in self._comment_elements(post["urn"]):
                rows.append(self._comment_row(account, org, post["urn"], comment, None, snapshot_date))
                summary = comment.get("commentsSummary") or {}
                if (to_count(summary.get("aggregatedTotalComments")) or 0) > 0 and comment.get("commentUrn"):
                    parent = str(comment.get("id"))
                    for reply in self._comment_elements(str(comment["commentUrn"])):
                        rows.append(self._comment_row(account, org, post["urn"], reply, parent, snapshot_date))
        return rows

    def _comment_elements(self, target: str) -> list[Mapping[str, Any]]:
        guard = CursorGuard("linkedin", f"GET /rest/socialActions/{target}/comments")
        found: list[Mapping[str, Any]] = []
        start = 0
        while True:
            body = self._get(f"socialActions/{_enc(target)}/comments", _query(count=COMMENTS_PAGE_SIZE, start=start))
            elements = _elements(body, "socialActions comments")
            found += elements
            total = to_count((body.get("paging") or {}).get("total"))
            if len(elements) < COMMENTS_PAGE_SIZE or (total is not None and start + len(elements) >= total):
                return found
            guard.next(f"{elements[0].get('id')}..{elements[-1].get('id')}")
            start += len(elements)

    def _comment_row(
        self, account: Account, org: str, post_urn: str, comment: Mapping[str, Any], parent: str | None,
        snapshot_date: dt.date,
    ) -> Row:  # fmt: skip
        comment_id = str(require_field("linkedin", comment, "id", "a comment of socialActions"))
        actor = comment.get("actor")
        created = comment.get("created") or {}
        return self.comment_row(
            account,
            post_id=post_urn,
            comment_id=comment_id,
            parent_id=parent,
            author_id=None if actor is None else str(actor),
            author_name=None,
            created_at=require_time(
                "linkedin", created.get("time"), f"created.time of comment {comment_id}", epoch_ms=True
            ),
            text=(comment.get("message") or {}).get("text"),
            snapshot_date=snapshot_date,
            is_brand=None if actor is None else str(actor) == org,
        )

    def _posts_in_days(self, org: str, published_from: dt.date, published_to: dt.date) -> list[dict[str, Any]]:
        """The page's posts published on the local days [published_from, published_to]."""
        since, until = self.local_day_bounds(published_from, published_to)
        from_ms, to_ms = _instant_ms(since), _instant_ms(until)
        return [p for p in self._list_posts(org, from_ms) if from_ms <= p["published_ms"] < to_ms]

    def _list_posts(self, org: str, from_ms: int) -> list[dict[str, Any]]:
        """All posts of the author, newest modification first; stops once a whole page predates the window."""
        guard = CursorGuard("linkedin", "GET /rest/posts?q=author")
        posts: dict[str, dict[str, Any]] = {}
        start = 0
        while True:
            body = self._get(
                "posts",
                _query(q="author", author=_enc(org), count=POSTS_PAGE_SIZE, start=start, sortBy="LAST_MODIFIED"),
                headers={"X-RestLi-Method": "FINDER"},
            )
            elements = _elements(body, "posts")
            page_modified: list[int] = []
            for element in elements:
                post = self._post(element)
                if post is None:
                    continue
                posts.setdefault(post["urn"], post)
                if post["modified_ms"] is not None:
                    page_modified.append(post["modified_ms"])
            if len(elements) < POSTS_PAGE_SIZE:
                break
            # Sorted by LAST_MODIFIED descending, and a post is modified no earlier than it is published: once a
            # full page was last modified before the window, no later page can hold a post of the window.
            if page_modified and len(page_modified) == len(elements) and max(page_modified) < from_ms:
                break
            # Offsets never repeat, but a server that ignores `start` hands back the same page forever: the guard
            # follows the page's content (first and last post id) instead of the offset.
            guard.next(f"{elements[0].get('id')}..{elements[-1].get('id')}")
            start += len(elements)
        return list(posts.values())

    def _post(self, element: Any) -> dict[str, Any] | None:
        if not isinstance(element, Mapping):
            raise InputDataError("linkedin: an element of GET /rest/posts is not an object")
        urn = str(require_field("linkedin", element, "id", "a post of GET /rest/posts"))
        self.note_fields("LinkedIn posts", element, _KNOWN_POST_FIELDS)
        state = element.get("lifecycleState")
        if state is not None and state not in _PUBLISHED_STATES:
            return None  # drafts, posts being processed or deleted
        published = element.get("publishedAt")
        if published is None:
            published = element.get("createdAt")
            if published is None:
                raise InputDataError(
                    f"linkedin: post {urn} has neither 'publishedAt' nor 'createdAt'; the API changed its answer."
                )
            self.warn("a post has no 'publishedAt'; its 'createdAt' was used")
        published_ms = to_count(published)
        if published_ms is None:
            raise InputDataError(f"linkedin: post {urn} publishedAt is {published!r}, not epoch milliseconds")
        modified = element.get("lastModifiedAt")
        return {
            "urn": urn,
            "published_ms": published_ms,
            "modified_ms": to_count(modified),
            "caption": element.get("commentary"),
            "content_type": self._content_type(element.get("content")),
        }

    def _content_type(self, content: Any) -> str | None:
        if not content:
            return "text"
        if not isinstance(content, Mapping):
            self.warn(f"post 'content' is {type(content).__name__}, not an object; content_type left NULL")
            return None
        if "multiImage" in content:
            return "carousel"
        if "article" in content:
            return "link"
        if "media" in content:
            media = content["media"]
            media_id = str(media.get("id") or "") if isinstance(media, Mapping) else ""
            if media_id.startswith("urn:li:video:"):
                return "video"
            if media_id.startswith("urn:li:image:"):
                return "image"
            if media_id.startswith("urn:li:document:"):
                return "carousel"  # document (PDF) posts are swiped page by page like a carousel
            self.warn(f"post media id {media_id[:24]!r} is neither an image, a video nor a document; assumed image")
            return "image"
        if "poll" in content:
            return "text"
        kinds = ", ".join(sorted(str(k) for k in content))
        self.warn(f"new post content kind(s) {kinds} ignored; content_type left NULL")
        return None

    def _post_statistics(self, org: str, urns: list[str]) -> dict[str, dict[str, int | None]]:
        """Lifetime share statistics per post URN, in batches of `shares=List(...)` / `ugcPosts=List(...)`."""
        out: dict[str, dict[str, int | None]] = {}
        for batch in batched(urns, STATS_BATCH_SIZE):
            shares = [u for u in batch if u.startswith("urn:li:share:")]
            ugc_posts = [u for u in batch if u.startswith("urn:li:ugcPost:")]
            other = [u for u in batch if u not in shares and u not in ugc_posts]
            for urn in other:
                self.warn(f"post id {urn!r} is neither a share nor a ugcPost URN; no statistics requested")
            if not shares and not ugc_posts:
                continue
            params: dict[str, Any] = {"q": "organizationalEntity", "organizationalEntity": _enc(org)}
            if shares:
                params["shares"] = _rest_list(shares)
            if ugc_posts:
                params["ugcPosts"] = _rest_list(ugc_posts)
            body = self._get("organizationalEntityShareStatistics", _query(**params))
            for element in _elements(body, "organizationalEntityShareStatistics"):
                urn = element.get("share") or element.get("ugcPost")
                if urn is None:
                    raise InputDataError(
                        "linkedin: a per-post share statistic has neither 'share' nor 'ugcPost' "
                        f"(keys present: {sorted(element)[:12]}); the API changed its answer."
                    )
                stats = self._share_stats(element, "post share statistics")
                if stats is not None:
                    out[str(urn)] = stats
        return out

    # --- audience_demographics ----------------------------------------------------------------------------

    def audience_demographics(self, account: Account, snapshot_date: dt.date) -> list[Row]:
        """Followers by country, region, industry, function, seniority and company size (lifetime statistics).

        Values are LinkedIn URNs or enums (`urn:li:geo:103644278`, `SIZE_11_TO_50`); turning geo/industry URNs
        into names needs LinkedIn's standardized-data lookups, left to a later step. No age or gender.
        """
        org = _org_urn(account)
        body = self._get(
            "organizationalEntityFollowerStatistics",
            _query(q="organizationalEntity", organizationalEntity=_enc(org)),
        )
        elements = _elements(body, "organizationalEntityFollowerStatistics")
        if not elements:
            self.warn("lifetime follower statistics are empty; no demographics")
            return []
        element = elements[0]
        rows: list[Row] = []
        self.note_fields("LinkedIn follower statistics", element, {*_DEMOGRAPHIC_FACETS, *_IGNORED_FACETS})
        for key, facet in element.items():
            if key not in _DEMOGRAPHIC_FACETS:
                continue
            dimension, value_key = _DEMOGRAPHIC_FACETS[key]
            if not isinstance(facet, list):
                self.warn(f"follower statistics facet '{key}' is not a list; skipped")
                continue
            counted: list[tuple[str, int | None]] = []
            for item in facet:
                if not isinstance(item, Mapping):
                    continue
                value = require_field("linkedin", item, value_key, f"an element of {key}")
                counts = item.get("followerCounts")
                if not isinstance(counts, Mapping):
                    self.warn(f"an element of {key} has no 'followerCounts'; audience_count left NULL")
                    counted.append((str(value), None))
                    continue
                counted.append(
                    (
                        str(value),
                        self._organic_plus_paid(counts, "organicFollowerCount", "paidFollowerCount", key),
                    )
                )
            facet_total = sum(c for _, c in counted if c is not None)
            for value, count in counted:
                rows.append(
                    {
                        "account_id": account.id,
                        "snapshot_date": snapshot_date,
                        "dimension": dimension,
                        "dimension_value": value,
                        "audience_count": count,
                        "audience_share": (count / facet_total) if count is not None and facet_total else None,
                    }
                )
        for key in _DEMOGRAPHIC_FACETS:
            if key not in element:
                self.warn(f"follower statistics have no '{key}' facet; dimension {_DEMOGRAPHIC_FACETS[key][0]} empty")
        return rows

    # --- errors -------------------------------------------------------------------------------------------

    def _classify(self, response: requests.Response, body: Any) -> ErrorVerdict | None:
        """LinkedIn error bodies: {status, serviceErrorCode, code, message}."""
        if response.ok:
            return None
        status = response.status_code
        code = str(body.get("code") or "") if isinstance(body, Mapping) else ""
        message = str(body.get("message") or "") if isinstance(body, Mapping) else ""
        described = ": ".join(p for p in (code, message) if p) or f"HTTP {status}"
        words = described if (code or message) else ""
        if status == 401:
            return ErrorVerdict("auth", f"the access token was rejected ({described})", platform_message=words)
        if status == 403:
            resource = _resource_of(response.url)
            scope = _SCOPES.get(resource, "r_organization_social / rw_organization_admin / r_organization_followers")
            return ErrorVerdict(
                "permission",
                f"access denied to /rest/{resource} ({described}). The token needs the scope {scope}, and its "
                "member must be an ADMINISTRATOR of the organization page; re-authorize and set "
                f"{self.credential_env_var('access_token')}.",
                platform_message=words,
            )
        if status == 426 or code == "NONEXISTENT_VERSION":
            version = self.settings.api_versions.linkedin
            return ErrorVerdict(
                "fatal",
                f"LinkedIn-Version {version} is no longer active ({described}). LinkedIn retires each monthly "
                "version after about a year: set api_versions.linkedin in settings.yaml to a current YYYYMM "
                "version (see LinkedIn's Community Management API versioning page).",
                platform_message=words,
            )
        if status == 429:
            retry_after = retry_after_seconds(response)
            limit = min(RETRY_AFTER_MAX_SECONDS, self.settings.http.max_total_seconds)
            if retry_after is not None and retry_after <= limit:
                return ErrorVerdict("retry", f"rate limited (HTTP 429: {described})", retry_after, words)
            now = self.clock.now
            reset = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
            hours, rest = divmod(int((reset - now).total_seconds()), 3600)
            return ErrorVerdict(
                "quota",
                f"daily API quota reached ({described}). LinkedIn's daily quotas reset at 00:00 UTC (in about "
                f"{hours}h{rest // 60:02d}m); the partition is retried by the next run after that. Quotas are "
                "shown in the Developer Portal (app -> Analytics).",
                platform_message=words,
            )
        if status >= 500:
            return None  # generic retry with backoff; LinkedIn's words are kept
        return ErrorVerdict("fatal", f"request rejected ({described})", platform_message=words)


# --- pure helpers ---------------------------------------------------------------------------------------------


def _org_urn(account: Account) -> str:
    return account.id if account.id.startswith("urn:li:") else f"urn:li:organization:{account.id}"


def _enc(urn: str) -> str:
    """A URN as a query-string or path value: every reserved character percent-encoded."""
    return quote(urn, safe="")


def _rest_list(urns: Iterable[str]) -> str:
    """Rest.li 2.0 list: `List(` and `)` and commas stay literal, each item is percent-encoded."""
    return "List(" + ",".join(_enc(u) for u in urns) + ")"


def _time_intervals(since: dt.datetime, until: dt.datetime) -> str:
    """Rest.li structure for the whole days [since, until) in epoch milliseconds (end exclusive)."""
    return f"(timeRange:(start:{_instant_ms(since)},end:{_instant_ms(until)}),timeGranularityType:DAY)"


def _query(**params: Any) -> str:
    """A query string from values already encoded as LinkedIn wants them (see the module docstring)."""
    return "&".join(f"{key}={value}" for key, value in params.items())


def _instant_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _elements(body: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    elements = body.get("elements")
    if elements is None:
        raise InputDataError(
            f"linkedin: GET /rest/{where} has no 'elements' (keys present: {sorted(body)[:12]}); the API changed "
            "its answer."
        )
    if not isinstance(elements, list):
        raise InputDataError(f"linkedin: GET /rest/{where} 'elements' is {type(elements).__name__}, not a list")
    return [e for e in elements if isinstance(e, Mapping)]


def _rejects_time_intervals(error: ApiError) -> bool:
    """LinkedIn's answer to a time range it does not serve: 400 ILLEGAL_ARGUMENT about timeIntervals."""
    return error.status == 400 and "timeintervals" in (error.platform_message or str(error)).lower()


def _resource_of(url: str) -> str:
    path = url.split("?", 1)[0]
    marker = "/rest/"
    tail = path.split(marker, 1)[1] if marker in path else path.rsplit("/", 1)[-1]
    return tail.split("/", 1)[0]
