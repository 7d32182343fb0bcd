"""The simulated world: brands' accounts, follower histories, posts and their lifetime metrics.

Everything is a pure function of (seed, brand, platform, date) and cached, so two simulators with the same seed
serve identical bodies and a post published on a date is the same whatever `today` is. Market data (mentions,
trends, feeds) lives in `market.py` and is reached through the same `World` object.

Shape of the world:
* brands from brands.yaml; a brand's scale is derived from a hash of its name (a brand added to the YAML appears
  with no code change), per-platform magnitudes from `profiles.PROFILES`;
* follower histories: a smooth exponential trend with churn (gained and lost per day) and jumps after viral posts;
* posts with weekly and hour-of-day effects, content types with different engagement, hashtags in captions and
  rare viral posts; lifetime metrics saturate with age relative to `now`;
* one competitor (`gaining_competitor()`) grows followers and mentions steadily faster than the others;
* a planted KPI drop (`planted_kpi_drop()`): the own brand's Instagram engagement falls by ~40 % for 7 days,
  60 days before `today` (the first today of a simulator whose clock moves: `drop_anchor`);
* a planted crisis (`planted_crisis()`, market.py): a burst of negative mentions of the own brand on 2 days,
  4 days before `drop_anchor`.

Platform clocks: an account day D of platform p is the aggregate over [D 00:00, D + 1 00:00) in p's reporting
zone (pipelines.contracts.platforms.REPORTING_DAYS: Pacific for Meta and YouTube, UTC for LinkedIn and TikTok, the
partition zone for X, which has no account metrics): the posts' lifetime metrics that accrue in those hours, the
posts published in them and the followers at their end. The truth of a day never depends on `now`; what the APIs
may serve of it does: a day is served once it has ended in p's zone plus p's documented lag and while it is within
p's history (`served_days`), and the follower count read now is the count at the end of p's last complete day
(`followers_now`). Everything stays a deterministic function of the seed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from zoneinfo import ZoneInfo

from pipelines.config.models import Account, Brand, BrandsConfig, Settings
from pipelines.contracts.platforms import REPORTING_DAYS
from pipelines.simulator import randomness as rnd
from pipelines.simulator.conversations import Comment, served_comments, thread_comments
from pipelines.simulator.profiles import CONTENT_ENGAGEMENT, CONTENT_VIEWS, PROFILES, PlatformProfile

UTC = dt.UTC
ANCHOR = dt.date(2025, 6, 1)  # growth curves are anchored here, so values never depend on `today`
VIRAL_HISTORY_FROM = dt.date(2023, 1, 1)
SCHEDULE_EPOCH = dt.date(2024, 1, 1)  # a Monday
DROP_FACTOR = 0.6
DROP_DAYS = 7
DROP_OFFSET_DAYS = 60
VIRAL_PROBABILITY = 0.004  # per account and day with a post
ENGAGEMENT_KEYS = ("reactions", "comments", "shares", "saves")
# What a platform may still revise within its final_after_days (World.served_day with revisions on).
REVISED_FIELDS = (
    "views",
    "reach",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "video_views",
    "accounts_engaged",
    "profile_visits",
    "website_clicks",
    "watch_minutes",
)

GENERIC_TAGS = ("kopi", "coffee", "ngopi", "coffeetime", "kopisusu", "baristalife", "coffeelover", "latte")
CAPTIONS = (
    "Pagi ini ditemani {product} hangat",
    "New on the menu: {product}",
    "Weekend vibes with {product}",
    "Resep {product} ala barista kami",
    "Behind the scenes at our roastery",
    "Promo spesial hari ini: {product} diskon 20%",
    "Meet our farmers from Gayo and Toraja",
    "Coba {product} terbaru, tersedia di semua gerai",
    "Your daily dose of {product}",
    "Café au lait, crème brûlée latte & more",
)
PRODUCTS = (
    "es kopi susu",
    "cold brew",
    "kopi tubruk",
    "latte aren",
    "V60 Gayo",
    "affogato",
    "cappuccino",
    "matcha latte",
    "kopi pandan",
)


def saturation(age_hours: float, half_life_hours: float) -> float:
    """Share of a post's lifetime total reached `age_hours` after publishing (0 before publishing)."""
    if age_hours <= 0:
        return 0.0
    k = math.log(2) / half_life_hours
    return 0.85 * (1 - math.exp(-k * age_hours)) + 0.15 * (1 - math.exp(-k * age_hours / 15))


def tail_days(profile: PlatformProfile) -> int:
    return math.ceil(profile.half_life_hours * 15 * 3 / 24) + 1


@dataclass(frozen=True)
class Post:
    """One post, video or tweet of a brand's account. `final` holds lifetime totals at saturation."""

    platform: str
    brand: str
    account_id: str
    handle: str
    post_id: str
    published_at: dt.datetime
    content_type: str
    caption: str
    hashtags: tuple[str, ...]
    is_viral: bool
    final: dict[str, float] = field(compare=False, repr=False)
    url: str = ""
    duration_seconds: int = 0
    half_life_hours: float = 24.0
    in_drop: bool = False  # published during the planted KPI drop (engagement already lowered)
    # the own brand's link in the caption (links.py): as written, its shape, and the UTM values GA4 records
    link_url: str = ""
    link_shape: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""

    @property
    def published_date(self) -> dt.date:
        return self.published_at.date()

    def metrics(self, at: dt.datetime) -> dict[str, int]:
        """Lifetime totals as observed at `at` (monotonic in `at`)."""
        s = saturation((at - self.published_at).total_seconds() / 3600, self.half_life_hours)
        return {k: int(v * s) for k, v in self.final.items()}


@dataclass(frozen=True)
class AccountDay:
    """Ground truth of one account on one day (a day of the platform's reporting zone, see the module docstring)."""

    date: dt.date
    followers: int
    followers_gained: int
    followers_lost: int
    views: int
    reach: int
    reactions: int
    comments: int
    shares: int
    saves: int
    clicks: int
    video_views: int
    engagements: int
    accounts_engaged: int
    profile_visits: int
    website_clicks: int
    watch_minutes: int
    posts_published: int


class World:
    """Deterministic simulated world for the brands of brands.yaml. Cheap to create; data is built lazily."""

    def __init__(
        self,
        seed: int = 0,
        today: dt.date | None = None,
        brands: BrandsConfig | None = None,
        settings: Settings | None = None,
        days: int = 400,
        now: dt.datetime | None = None,
        drop_anchor: dt.date | None = None,
        revisions: bool = False,
    ) -> None:
        if brands is None or settings is None:
            from pipelines.config import load_brands, load_settings

            brands = brands or load_brands()
            settings = settings or load_settings()
        self.seed = seed
        if today is None:
            now = now or dt.datetime.now(UTC)
            today = now.astimezone(ZoneInfo(settings.timezone)).date()  # the partition calendar's today
        self.today = today
        # the planted drop lies DROP_OFFSET_DAYS before this day; a moving clock keeps its first today, so the
        # drop stays on the same days night after night
        self.drop_anchor = drop_anchor or today
        self.now = (now or dt.datetime.combine(today, dt.time(0, 0), UTC)).astimezone(UTC)
        self.days = days
        self.revisions = revisions
        self.start = today - dt.timedelta(days=days)
        self.end = today - dt.timedelta(days=1)
        self.brands = brands
        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)
        self._posts_day: dict[tuple[str, str, dt.date], list[Post]] = {}
        self._series: dict[tuple[str, str], dict[dt.date, AccountDay]] = {}
        self._jumps: dict[tuple[str, str], list[tuple[dt.date, float]]] = {}
        self._post_index: dict[str, dict[str, Post]] = {}
        self._cache: dict[object, object] = {}

    # ------------------------------------------------------------------ brands and accounts
    @cached_property
    def own_brand(self) -> Brand:
        """The first client brand: the one the planted drop and the default tokens' `me` belong to."""
        return self.brands.own_brands[0]

    def own_accounts(self, platform: str) -> list[tuple[Brand, Account]]:
        """Every client brand's account on `platform` (an agency's clients each have theirs). Kept per platform:
        the brands never change, and answers ask for them in their inner loops (an agency's hundreds of brands)."""
        return list(self._index(("own_accounts", platform), lambda: self.brands.accounts_on(platform, own_only=True)))

    def own_account(self, platform: str, account_id: str | None = None) -> Account | None:
        """The client account `account_id` on `platform` (None if it is not a client's), or without an id the
        first client's account (what a shared default token's `me` is)."""
        for _, account in self.own_accounts(platform):
            if account_id is None or account.id == account_id:
                return account
        return None

    def brand(self, name: str) -> Brand:
        found = self._index("brands", lambda: {b.name: b for b in reversed(self.brands.brands)}).get(name)
        if found is None:
            raise KeyError(name)
        return found

    def accounts(self, platform: str) -> list[tuple[Brand, Account]]:
        return list(self._index(("accounts", platform), lambda: self.brands.accounts_on(platform)))

    def find_account(self, platform: str, account_id: str) -> tuple[Brand, Account] | None:
        return self._index(
            ("account_ids", platform), lambda: {a.id: (b, a) for b, a in reversed(self.accounts(platform))}
        ).get(account_id)

    def find_handle(self, platform: str, handle: str) -> tuple[Brand, Account] | None:
        by_handle = self._index(
            ("handles", platform),
            lambda: {a.handle.lstrip("@").lower(): (b, a) for b, a in reversed(self.accounts(platform))},
        )
        return by_handle.get(handle.lstrip("@").lower())

    def _index(self, key: object, build):
        """A lookup built once from the brands (they never change; answers use them in inner loops, and an agency
        has hundreds of brands). `reversed` above keeps the first match, as a scan would."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _require(self, platform: str, account_id: str) -> tuple[Brand, Account]:
        found = self.find_account(platform, account_id)
        if found is None:
            raise KeyError(f"no {platform} account {account_id!r} in brands.yaml")
        return found

    def brand_scale(self, name: str) -> float:
        """Relative size of a brand, from a hash of its name only."""
        return math.exp(-0.9 + 2.0 * rnd.unit("scale", name))

    @cached_property
    def gaining_competitor_name(self) -> str | None:
        comps = sorted(b.name for b in self.brands.competitors)
        if not comps:
            return None
        return comps[rnd.integer(self.seed, "gaining", *comps) % len(comps)]

    def gaining_competitor(self) -> str | None:
        """The competitor whose followers and mentions grow steadily faster than everyone else's."""
        return self.gaining_competitor_name

    def planted_kpi_drop(self) -> tuple[str, str, dt.date, dt.date]:
        """(platform, brand, first day, last day): own brand's Instagram engagement ~40 % lower."""
        start = self.drop_anchor - dt.timedelta(days=DROP_OFFSET_DAYS)
        return "instagram", self.own_brand.name, start, start + dt.timedelta(days=DROP_DAYS - 1)

    def _in_drop(self, platform: str, brand: str, day: dt.date) -> bool:
        p, b, start, end = self.planted_kpi_drop()
        return platform == p and brand == b and start <= day <= end

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    # ------------------------------------------------------------------ followers
    def _growth(self, brand: str, platform: str) -> float:
        g = PROFILES[platform].growth_per_day * (0.6 + 0.8 * rnd.unit(self.seed, "growth", brand, platform))
        if brand == self.gaining_competitor_name:
            g += 0.0025
        return g

    def reference_followers(self, brand: str, platform: str, day: dt.date) -> float:
        """The smooth follower trend (before noise and viral jumps)."""
        profile = PROFILES[platform]
        f0 = (
            profile.base_followers
            * self.brand_scale(brand)
            * math.exp(0.5 * (rnd.unit("pscale", brand, platform) - 0.5))
        )
        return f0 * math.exp(self._growth(brand, platform) * (day - ANCHOR).days)

    def _smooth(self, brand: str, platform: str, day: dt.date) -> float:
        t = (day - ANCHOR).days
        total = 0.0
        for period in (17.0, 43.0, 97.0):
            phase = 2 * math.pi * rnd.unit(self.seed, "phase", brand, platform, period)
            total += math.sin(2 * math.pi * t / period + phase)
        return 0.0006 * total

    def _viral_jumps(self, brand: str, platform: str) -> list[tuple[dt.date, float]]:
        key = (brand, platform)
        if key not in self._jumps:
            jumps = []
            day = VIRAL_HISTORY_FROM
            last = max(self.end, ANCHOR) + dt.timedelta(days=1)
            while day <= last:
                if self._is_viral_day(brand, platform, day):
                    size = self.reference_followers(brand, platform, day) * (
                        0.004 + 0.012 * rnd.unit(self.seed, "jump", brand, platform, day)
                    )
                    jumps.append((day, size))
                day += dt.timedelta(days=1)
            self._jumps[key] = jumps
        return self._jumps[key]

    def _followers_raw(self, brand: str, platform: str, day: dt.date) -> int:
        key = ("followers", brand, platform, day)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._followers_uncached(brand, platform, day)
        return found  # type: ignore[return-value]

    def _followers_uncached(self, brand: str, platform: str, day: dt.date) -> int:
        ref = self.reference_followers(brand, platform, day)
        jump = 0.0
        for v, size in self._viral_jumps(brand, platform):
            if v < day:
                jump += size
            elif v == day:
                jump += 0.6 * size
            else:
                break
        return round(ref * (1 + self._smooth(brand, platform, day)) + jump)

    def followers(self, platform: str, account_id: str, day: dt.date) -> int:
        """Followers at the end of `day` (any day, also outside the history)."""
        brand, _ = self._require(platform, account_id)
        return self._followers_raw(brand.name, platform, day)

    def followers_now(self, platform: str, account_id: str) -> int:
        """The follower count an API reads at `now`: the count at the end of the platform's last complete day."""
        return self.followers(platform, account_id, self.platform_today(platform) - dt.timedelta(days=1))

    # ------------------------------------------------------------------ platform clocks
    def zone(self, platform: str) -> ZoneInfo:
        """The zone of the platform's reporting day (the partition zone for X, which has none)."""
        facts = REPORTING_DAYS.get(platform)
        return ZoneInfo(facts.timezone) if facts is not None and facts.timezone else self.tz

    def day_start(self, platform: str, day: dt.date) -> dt.datetime:
        """The UTC instant the platform's `day` starts."""
        return dt.datetime.combine(day, dt.time(0), self.zone(platform)).astimezone(UTC)

    def platform_day(self, platform: str, moment: dt.datetime) -> dt.date:
        """The platform day an instant falls on."""
        return moment.astimezone(self.zone(platform)).date()

    def platform_today(self, platform: str) -> dt.date:
        return self.platform_day(platform, self.now)

    def last_served_day(self, platform: str) -> dt.date:
        """The latest day the platform's API serves at `now`: ended in its zone plus its documented lag."""
        facts = REPORTING_DAYS.get(platform)
        lag = dt.timedelta(days=facts.lag_days if facts is not None else 0)
        day = self.platform_today(platform) - dt.timedelta(days=1)
        while self.day_start(platform, day + dt.timedelta(days=1)) + lag > self.now:
            day -= dt.timedelta(days=1)
        return day

    def earliest_served_day(self, platform: str, history_days: int | None = None) -> dt.date:
        """The oldest day the API still serves (its documented history; `history_days` for one endpoint)."""
        facts = REPORTING_DAYS.get(platform)
        days = history_days if history_days is not None else (facts.history_days if facts is not None else None)
        earliest = self.start if days is None else self.platform_today(platform) - dt.timedelta(days=days)
        return max(earliest, self.start)

    def served_days(
        self, platform: str, first: dt.date, last: dt.date, *, history_days: int | None = None
    ) -> list[dt.date]:
        """The days of [first, last] the platform's API serves at `now` (history, lag, simulated history)."""
        lo = max(first, self.earliest_served_day(platform, history_days))
        hi = min(last, self.end, self.last_served_day(platform))
        return list(_date_range(lo, hi))

    def _gained_lost(self, brand: str, platform: str, day: dt.date) -> tuple[int, int, int]:
        f = self._followers_raw(brand, platform, day)
        prev = self._followers_raw(brand, platform, day - dt.timedelta(days=1))
        ref = self.reference_followers(brand, platform, day)
        lost = round(
            ref * PROFILES[platform].churn_per_day * (0.6 + 0.8 * rnd.unit(self.seed, "churn", brand, platform, day))
        )
        gained = f - prev + lost
        if gained < 0:
            lost -= gained
            gained = 0
        return f, gained, lost

    # ------------------------------------------------------------------ posts
    def _posts_on_local_day(self, brand: Brand, account: Account, platform: str, day: dt.date) -> list[Post]:
        key = (brand.name, platform, day)
        cached = self._posts_day.get(key)
        if cached is not None:
            return cached
        profile = PROFILES[platform]
        r = rnd.rng(self.seed, "posts", brand.name, platform, day)
        n = self._post_count(brand.name, platform, day)
        viral_today = self._is_viral_day(brand.name, platform, day)
        ref = self.reference_followers(brand.name, platform, day)
        types = list(profile.content_mix)
        weights = list(profile.content_mix.values())
        hours = list(range(24))
        posts = []
        used_minutes: set[int] = set()
        for i in range(n):
            hour = rnd.weighted(r, hours, profile.posting_hours)
            minute = r.randrange(60)
            while hour * 60 + minute in used_minutes:
                minute = (minute + 7) % 60
            used_minutes.add(hour * 60 + minute)
            local = dt.datetime.combine(day, dt.time(hour, minute, r.randrange(60)), self.tz)
            published = local.astimezone(UTC)
            ctype = rnd.weighted(r, types, weights)
            viral = viral_today and i == 0
            posts.append(self._make_post(brand, account, platform, day, i, published, hour, ctype, viral, ref, r))
        posts.sort(key=lambda p: p.published_at)
        if brand.own:
            from pipelines.simulator.links import with_link

            posts = [with_link(self.seed, p) for p in posts]
        self._posts_day[key] = posts
        return posts

    def _post_count(self, brand: str, platform: str, day: dt.date) -> int:
        """Posts published on a local day: a regular schedule at the brand's cadence with some jitter."""
        profile = PROFILES[platform]
        cadence = profile.posts_per_day * (0.8 + 0.4 * rnd.unit(self.seed, "cadence", brand, platform))
        week = profile.weekly_posting
        week_total = sum(week)
        phase = rnd.unit(self.seed, "schedule", brand, platform)

        def cumulative(t: int) -> float:
            return cadence * ((t // 7) * week_total + sum(week[: t % 7]))

        t = (day - SCHEDULE_EPOCH).days
        n = math.floor(cumulative(t + 1) + phase) - math.floor(cumulative(t) + phase)
        u = rnd.unit(self.seed, "jitter", brand, platform, day)
        if u < 0.08 and n > 0:
            n -= 1
        elif u > 0.94:
            n += 1
        return n

    def _calm(self, platform: str, brand: str, day: dt.date) -> bool:
        p, b, start, end = self.planted_kpi_drop()
        return platform == p and brand == b and start - dt.timedelta(days=35) <= day <= end

    def _is_viral_day(self, brand: str, platform: str, day: dt.date) -> bool:
        if rnd.unit(self.seed, "viral", brand, platform, day) >= VIRAL_PROBABILITY:
            return False
        # keep the planted drop clean: no viral post just before or during it
        return not self._calm(platform, brand, day)

    def _make_post(
        self,
        brand: Brand,
        account: Account,
        platform: str,
        day: dt.date,
        i: int,
        published: dt.datetime,
        local_hour: int,
        ctype: str,
        viral: bool,
        ref: float,
        r,
    ) -> Post:
        profile = PROFILES[platform]
        weekday = profile.weekly[day.weekday()]
        hour_mult = profile.engagement_hours[local_hour]
        type_eng = CONTENT_ENGAGEMENT[ctype] / profile.type_norm / profile.timing_norm
        # a calm month before the planted drop keeps it detectable against the baseline
        calm = self._calm(platform, brand.name, day)
        audience = rnd.lognormal(r, 0.08 if calm else 0.35)  # how widely the post was distributed
        eng = (
            ref
            * profile.engagement_rate
            * type_eng
            * weekday
            * hour_mult
            * audience
            * rnd.lognormal(r, 0.05 if calm else 0.2)
        )
        reach = ref * profile.reach_rate * CONTENT_VIEWS[ctype] * weekday * (0.7 + 0.3 * hour_mult) * audience
        if viral:
            mult = 8 + 12 * r.random()
            eng *= mult
            reach *= mult * 1.3
        in_drop = self._in_drop(platform, brand.name, day)
        if in_drop:
            eng *= DROP_FACTOR
        views = reach * profile.views_per_reach * (0.9 + 0.2 * r.random())
        reactions = eng * profile.reactions_share
        comments = eng * profile.comments_share
        shares = max(0.0, eng - reactions - comments)
        final = {
            "views": views,
            "reach": min(reach, views),
            "reactions": reactions,
            "comments": comments,
            "shares": shares,
        }
        final["saves"] = reactions * profile.save_rate * (0.6 + 0.8 * r.random()) if profile.save_rate else 0.0
        final["clicks"] = views * profile.click_rate * (0.5 + r.random()) if profile.click_rate else 0.0
        is_video = ctype in ("video", "reel", "short")
        final["video_views"] = views * (0.55 + 0.3 * r.random()) if is_video else 0.0
        duration = 0
        if is_video:
            duration = (
                int(8 + 50 * r.random())
                if ctype in ("reel", "short") or platform == "tiktok"
                else int(60 + 600 * r.random())
            )
            final["watch_seconds"] = final["video_views"] * duration * (0.25 + 0.3 * r.random())
        post_id = self._post_id(brand, account, platform, day, i, published)
        tags = [t for t in brand.hashtags if r.random() < 0.7]
        tags += r.sample(GENERIC_TAGS, k=r.randrange(0, 3))
        product = r.choice(PRODUCTS)
        text = r.choice(CAPTIONS).format(product=product)
        caption = (text + " " + " ".join("#" + t for t in tags)).strip()
        return Post(
            platform=platform,
            brand=brand.name,
            account_id=account.id,
            handle=account.handle,
            post_id=post_id,
            published_at=published,
            content_type=ctype,
            caption=caption,
            hashtags=tuple(tags),
            is_viral=viral,
            final=final,
            url=self._post_url(platform, account, post_id, ctype),
            duration_seconds=duration,
            half_life_hours=profile.half_life_hours,
            in_drop=in_drop,
        )

    def _post_id(
        self, brand: Brand, account: Account, platform: str, day: dt.date, i: int, published: dt.datetime
    ) -> str:
        parts = (self.seed, "post", brand.name, platform, day, i)
        if platform == "facebook":
            return f"{account.id}_{rnd.digits(*parts, length=15)}"
        if platform == "instagram":
            return "18" + rnd.digits(*parts, length=15)
        if platform == "x":
            ms = int(published.timestamp() * 1000)
            return str(((ms - 1288834974657) << 22) | (rnd.integer(*parts) % (1 << 22)))
        if platform == "linkedin":
            kind = "share" if rnd.unit(*parts, "kind") < 0.7 else "ugcPost"
            return f"urn:li:{kind}:7{rnd.digits(*parts, length=18)}"
        if platform == "youtube":
            return rnd.token(*parts, length=11)
        return "7" + rnd.digits(*parts, length=18)

    @staticmethod
    def _post_url(platform: str, account: Account, post_id: str, ctype: str) -> str:
        handle = account.handle.lstrip("@")
        if platform == "facebook":
            page, _, story = post_id.partition("_")
            return f"https://www.facebook.com/{page}/posts/{story}"
        if platform == "instagram":
            kind = "reel" if ctype == "reel" else "p"
            return f"https://www.instagram.com/{kind}/{rnd.token('ig', post_id, length=11)}/"
        if platform == "x":
            return f"https://x.com/{handle}/status/{post_id}"
        if platform == "linkedin":
            return f"https://www.linkedin.com/feed/update/{post_id}/"
        if platform == "youtube":
            return (
                f"https://www.youtube.com/shorts/{post_id}"
                if ctype == "short"
                else f"https://www.youtube.com/watch?v={post_id}"
            )
        return f"https://www.tiktok.com/@{handle}/video/{post_id}"

    def posts(
        self, platform: str, account_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Post]:
        """Posts published (UTC date) in [start, end] and before `now`, oldest first."""
        brand, account = self._require(platform, account_id)
        start = start or self.start
        end = min(end or self.end, self.end)
        out: list[Post] = []
        day = start - dt.timedelta(days=1)
        while day <= end + dt.timedelta(days=1):
            for p in self._posts_on_local_day(brand, account, platform, day):
                if start <= p.published_date <= end and p.published_at < self.now:
                    out.append(p)
            day += dt.timedelta(days=1)
        return out

    def post(self, platform: str, post_id: str) -> Post | None:
        """Look a post up by id across all brands of the platform (within the history)."""
        index = self._post_index.get(platform)
        if index is None:
            index = {}
            for _, account in self.accounts(platform):
                for p in self.posts(platform, account.id):
                    index[p.post_id] = p
            self._post_index[platform] = index
        return index.get(post_id)

    def all_comments(self, platform: str, post_id: str) -> list[Comment]:
        """Every comment the own post `post_id` (any client brand's) ever gets, deleted ones included (the truth
        tests compare with); [] for competitors' posts and platforms without simulated comments
        (conversations.py)."""
        post = self.post(platform, post_id)
        found = self.find_account(platform, post.account_id) if post is not None else None
        owner = found if found is not None and found[0].own else None
        if owner is None:
            return []
        brand, account = owner
        key = ("comments", platform, post_id)
        if key not in self._cache:
            author = f"@{account.handle}" if platform == "youtube" else account.handle
            if platform == "facebook":
                author = brand.name
            self._cache[key] = thread_comments(self.seed, post, account.id, author)
        return self._cache[key]  # type: ignore[return-value]

    def comments(self, platform: str, post_id: str) -> list[Comment]:
        """The comments of a post the API shows now (created by `now`, not deleted by then)."""
        return served_comments(self.all_comments(platform, post_id), self.now)

    def viral_posts(self, platform: str | None = None) -> list[Post]:
        out = []
        for p in [platform] if platform else list(PROFILES):
            for _, account in self.accounts(p):
                out.extend(x for x in self.posts(p, account.id) if x.is_viral)
        return sorted(out, key=lambda x: x.published_at)

    def viral_days(self, brand: str) -> set[dt.date]:
        """Days on which the brand had a viral post on any platform (mentions spike then)."""
        key = ("viral_days", brand)
        if key not in self._cache:
            days: set[dt.date] = set()
            b = self.brand(brand)
            for platform, account in b.accounts.items():
                for v, _ in self._viral_jumps(brand, platform):
                    if self.start - dt.timedelta(days=2) <= v <= self.end + dt.timedelta(days=1):
                        local = self._posts_on_local_day(b, account, platform, v)
                        if local:
                            days.add(local[0].published_date)
            self._cache[key] = days
        return self._cache[key]  # type: ignore[return-value]

    # ------------------------------------------------------------------ account-level days
    def _account_series(self, platform: str, account_id: str) -> dict[dt.date, AccountDay]:
        key = (platform, account_id)
        if key in self._series:
            return self._series[key]
        brand, account = self._require(platform, account_id)
        profile = PROFILES[platform]
        acc: dict[dt.date, dict[str, float]] = {d: {} for d in self.dates()}
        counts: dict[dt.date, int] = {}
        tail = dt.timedelta(days=tail_days(profile))
        # Every post of the history, whatever `now` is: the truth of a day does not depend on when it is read.
        local = self.start - tail - dt.timedelta(days=1)
        while local <= self.end + dt.timedelta(days=1):
            for p in self._posts_on_local_day(brand, account, platform, local):
                self._accrue(platform, brand.name, p, acc, counts, tail)
            local += dt.timedelta(days=1)
        series: dict[dt.date, AccountDay] = {}
        for day in self.dates():
            bucket = acc[day]
            f, gained, lost = self._gained_lost(brand.name, platform, day)
            r = rnd.rng(self.seed, "account", brand.name, platform, day)
            weekly = profile.weekly[day.weekday()]
            base_views = f * profile.reach_rate * 0.15 * weekly * rnd.lognormal(r, 0.15)
            views = bucket.get("views", 0.0) + base_views
            reach = min(views, bucket.get("reach", 0.0) * 0.8 + base_views * 0.6)
            factor = DROP_FACTOR if self._in_drop(platform, brand.name, day) else 1.0
            # stories, older posts, profile activity: a steady share of the account's engagement
            base_eng = f * profile.engagement_rate * 0.6 * weekly * rnd.lognormal(r, 0.12)
            base_eng *= factor
            reactions = round(bucket.get("reactions", 0.0) + base_eng * 0.85)
            comments = round(bucket.get("comments", 0.0) + base_eng * 0.1)
            shares = round(bucket.get("shares", 0.0) + base_eng * 0.05)
            saves = round(bucket.get("saves", 0.0))
            clicks = round(bucket.get("clicks", 0.0))
            engagements = reactions + comments + shares + saves + clicks
            profile_visits = round(views * 0.012 * rnd.lognormal(r, 0.2))
            series[day] = AccountDay(
                date=day,
                followers=f,
                followers_gained=gained,
                followers_lost=lost,
                views=round(views),
                reach=round(reach),
                reactions=reactions,
                comments=comments,
                shares=shares,
                saves=saves,
                clicks=clicks,
                video_views=round(bucket.get("video_views", 0.0)),
                engagements=engagements,
                accounts_engaged=round(engagements * 0.62),
                profile_visits=profile_visits,
                website_clicks=round(profile_visits * 0.09 * rnd.lognormal(r, 0.3)),
                watch_minutes=round(bucket.get("watch_seconds", 0.0) / 60),
                posts_published=counts.get(day, 0),
            )
        self._series[key] = series
        return series

    def _accrue(
        self,
        platform: str,
        brand: str,
        post: Post,
        acc: dict[dt.date, dict[str, float]],
        counts: dict[dt.date, int],
        tail: dt.timedelta,
    ) -> None:
        """Add the share of a post's lifetime metrics that accrues in each platform day to that day's bucket."""
        published_day = self.platform_day(platform, post.published_at)
        if self.start <= published_day <= self.end:
            counts[published_day] = counts.get(published_day, 0) + 1
        first = max(published_day, self.start)
        last = min(self.end, published_day + tail)
        if first > last:
            return
        items = list(post.final.items())
        lowered = [(k, v * DROP_FACTOR if k in ENGAGEMENT_KEYS else v) for k, v in items]

        def reached(day: dt.date) -> float:
            age = (self.day_start(platform, day) - post.published_at).total_seconds() / 3600
            return saturation(age, post.half_life_hours)

        day = first
        s0 = reached(day)
        while day <= last:
            s1 = reached(day + dt.timedelta(days=1))
            frac, s0 = s1 - s0, s1
            bucket = acc[day]
            # engagement during the planted drop is lower also on posts published before it
            use = lowered if not post.in_drop and self._in_drop(platform, brand, day) else items
            for k, v in use:
                bucket[k] = bucket.get(k, 0.0) + v * frac
            day += dt.timedelta(days=1)

    def account_day(self, platform: str, account_id: str, day: dt.date) -> AccountDay:
        """Ground truth for one account and day inside the history [start, end]."""
        series = self._account_series(platform, account_id)
        if day not in series:
            raise KeyError(f"{day} is outside the simulated history {self.start}..{self.end}")
        return series[day]

    def served_day(self, platform: str, account_id: str, day: dt.date) -> AccountDay:
        """What the platform's API serves of a day at `now`: the truth (`account_day`), except that with
        `revisions` on, a day within the platform's `final_after_days` after it ended is served lower, 90 % of
        its activity right after it ended rising linearly to the truth once final (followers are exact): late
        data a nightly re-read must pick up."""
        truth = self.account_day(platform, account_id, day)
        facts = REPORTING_DAYS.get(platform)
        if not self.revisions or facts is None or not facts.final_after_days:
            return truth
        ended = self.day_start(platform, day + dt.timedelta(days=1))
        settled = (self.now - ended) / dt.timedelta(days=facts.final_after_days)
        if settled >= 1:
            return truth
        share = 0.9 + 0.1 * max(0.0, settled)
        revised = {name: round(getattr(truth, name) * share) for name in REVISED_FIELDS}
        revised["engagements"] = sum(revised[k] for k in ("reactions", "comments", "shares", "saves", "clicks"))
        return replace(truth, **revised)

    def account_days(self, platform: str, account_id: str, start: dt.date, end: dt.date) -> list[AccountDay]:
        series = self._account_series(platform, account_id)
        return [series[d] for d in _date_range(start, end) if d in series]

    # ------------------------------------------------------------------ audience
    def demographics(self, platform: str, account_id: str, dimension: str) -> dict[str, float]:
        """Share of followers (0-1, summing to 1) per value of `dimension` (age, gender, country, city, ...)."""
        from pipelines.simulator import profiles as pr

        brand, _ = self._require(platform, account_id)
        base = {
            "age": dict(zip(pr.AGE_GROUPS, pr.AGE_SKEW[platform], strict=True)),
            "gender": pr.GENDERS,
            "country": pr.COUNTRIES,
            "city": pr.CITIES,
            "geo_country": pr.LINKEDIN_GEO,
            "seniority": pr.LINKEDIN_SENIORITY,
            "industry": pr.LINKEDIN_INDUSTRY,
            "function": pr.LINKEDIN_FUNCTION,
            "staff_count_range": pr.LINKEDIN_STAFF,
        }[dimension]
        raw = {
            k: v * (0.75 + 0.5 * rnd.unit(self.seed, "demo", brand.name, platform, dimension, k))
            for k, v in base.items()
            if v > 0
        }
        total = sum(raw.values())
        return {k: v / total for k, v in sorted(raw.items(), key=lambda kv: -kv[1])}

    def demographic_counts(
        self, platform: str, account_id: str, dimension: str, day: dt.date | None = None
    ) -> dict[str, int]:
        f = self.followers(platform, account_id, day or self.end)
        return {k: int(f * s) for k, s in self.demographics(platform, account_id, dimension).items()}

    def online_hours(self, platform: str, account_id: str, day: dt.date, *, tz: str = "UTC") -> list[int]:
        """Followers online per hour of `day` (index = hour in `tz`)."""
        brand, _ = self._require(platform, account_id)
        profile = PROFILES[platform]
        f = self.followers(platform, account_id, day)
        r = rnd.rng(self.seed, "online", brand.name, platform, day)
        target = ZoneInfo(tz)
        out = []
        for h in range(24):
            moment = dt.datetime.combine(day, dt.time(h), target).astimezone(self.tz)
            share = 0.05 * profile.engagement_hours[moment.hour] * profile.weekly[moment.weekday()]
            out.append(round(f * share * (0.9 + 0.2 * r.random())))
        return out


def _date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _market(world: World):
    from pipelines.simulator.market import Market

    if "market" not in world._cache:
        world._cache["market"] = Market(world)
    return world._cache["market"]


def _delegate(name: str):
    def method(self: World, *args, **kwargs):
        return getattr(_market(self), name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"See `Market.{name}`."
    return method


World.market = property(_market)  # type: ignore[attr-defined]
for _name in (
    "mention_count",
    "mentions",
    "mention_items",
    "trending",
    "feed_entries",
    "search_interest_raw",
    "planted_crisis",
):
    setattr(World, _name, _delegate(_name))
