"""A client brand's website traffic as Google Analytics 4 reports it (one property per client brand, its
`ga4_property_id`): sessions, engaged sessions, key events and
purchase revenue per day (the property's time zone = settings.timezone), session source / medium / campaign and
landing page.

Social traffic follows the simulated posts: a post whose caption carries a tagged link (links.py) brings, on each
local day, sessions = 85 % of the link clicks it received that day (Facebook, X, LinkedIn report clicks; YouTube
descriptions: 0.3 % of the views), recorded under the link's UTM source, medium and campaign as written (a shortened
link redirects to the canonical tagged URL). Engaged sessions ~62 %, key events ~10 % of engaged sessions, revenue
IDR 85,000 a key event (all with seeded jitter). Besides: organic search, direct, a newsletter, and untagged social
referrals (l.instagram.com from the bio link, m.facebook.com, t.co, tiktok.com) with GA4's default campaign names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.simulator import randomness as rnd
from pipelines.simulator.links import LANDING_PAGES, LINK_PROBABILITY

if TYPE_CHECKING:
    from pipelines.config.models import Brand
    from pipelines.simulator.world import Post, World

SESSION_PER_CLICK = 0.85
SESSIONS_PER_VIEW = {"youtube": 0.003}
ENGAGED_SHARE = 0.62
KEY_EVENT_SHARE = 0.1
REVENUE_PER_KEY_EVENT = 85_000.0
CURRENCY = "IDR"
BACKGROUND = (
    # source, medium, campaign, landing page, sessions a day
    ("google", "organic", "(organic)", "/", 320.0),
    ("(direct)", "(none)", "(direct)", "/", 150.0),
    ("newsletter", "email", "newsletter-bulanan", "/promo", 35.0),
    ("l.instagram.com", "referral", "(referral)", "/", 45.0),
    ("m.facebook.com", "referral", "(referral)", "/", 12.0),
    ("t.co", "referral", "(referral)", "/", 6.0),
    ("tiktok.com", "referral", "(referral)", "/", 20.0),
)
Dims = tuple[str, str, str, str]  # source, medium, campaign, landing page


@dataclass(frozen=True)
class TrafficRow:
    day: dt.date
    source: str
    medium: str
    campaign: str
    landing_page: str
    sessions: int
    engaged_sessions: int
    key_events: int
    purchase_revenue: float


class WebAnalytics:
    """GA4 rows of one client brand's property for one World (built once, cached)."""

    def __init__(self, world: World, brand: Brand) -> None:
        self.world, self.brand = world, brand
        self._social: dict[dt.date, dict[Dims, int]] | None = None

    def post_sessions(self, post: Post) -> dict[dt.date, int]:
        """Sessions the post's link brought per local day, up to the world's `now`."""
        world = self.world
        if not post.link_url:
            return {}
        out: dict[dt.date, int] = {}
        local = post.published_at.astimezone(world.tz)
        day = local.date()
        previous = 0.0
        while True:
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), world.tz).astimezone(dt.UTC)
            moment = min(end, world.now)
            metrics = post.metrics(moment)
            if post.platform in SESSIONS_PER_VIEW:
                total = metrics["views"] * SESSIONS_PER_VIEW[post.platform]
            else:
                total = metrics["clicks"] * SESSION_PER_CLICK
            sessions = round(total) - round(previous)
            if sessions > 0:
                out[day] = sessions
            previous = total
            if end >= world.now or (day - local.date()).days > 120:
                break
            day += dt.timedelta(days=1)
        return out

    def _social_rows(self) -> dict[dt.date, dict[Dims, int]]:
        if self._social is None:
            rows: dict[dt.date, dict[Dims, int]] = defaultdict(lambda: defaultdict(int))
            own = self.brand
            for platform in LINK_PROBABILITY:
                account = own.accounts.get(platform)
                if account is None:
                    continue
                for post in self.world.posts(platform, account.id):
                    if not post.link_url:
                        continue
                    theme = post.utm_campaign.lower().replace(" ", "-").rsplit("-", 1)[0]
                    dims = (post.utm_source, post.utm_medium, post.utm_campaign, LANDING_PAGES.get(theme, "/"))
                    if post.link_shape == "shortened":  # the redirect target is the canonical tagged URL
                        dims = (post.utm_source, "social", post.utm_campaign, dims[3])
                    for day, sessions in self.post_sessions(post).items():
                        rows[day][dims] += sessions
            self._social = rows
        return self._social

    def rows(self, day: dt.date) -> list[TrafficRow]:
        """Every GA4 row of one property day (before the history or after today: none)."""
        world = self.world
        if day < world.start or day > world.today:
            return []
        sessions: dict[Dims, int] = dict(self._social_rows().get(day, {}))
        r = rnd.rng(world.seed, "ga4-background", self.brand.name, day)
        weekday = (1.0, 1.0, 1.0, 1.0, 1.05, 1.2, 1.15)[day.weekday()]
        for source, medium, campaign, page, level in BACKGROUND:
            sessions[(source, medium, campaign, page)] = max(1, round(level * weekday * rnd.lognormal(r, 0.15)))
        if day == world.today:  # today so far
            elapsed = (world.now - dt.datetime.combine(day, dt.time(0), world.tz).astimezone(dt.UTC)).total_seconds()
            share = min(1.0, max(0.0, elapsed / 86_400))
            sessions = {k: round(v * share) for k, v in sessions.items()}
        out = []
        for dims, count in sorted(sessions.items()):
            if count <= 0:
                continue
            jitter = rnd.rng(world.seed, "ga4-row", self.brand.name, day, *dims)
            engaged = round(count * ENGAGED_SHARE * (0.85 + 0.3 * jitter.random()))
            key_events = round(engaged * KEY_EVENT_SHARE * (0.6 + 0.8 * jitter.random()))
            revenue = round(key_events * REVENUE_PER_KEY_EVENT * (0.8 + 0.4 * jitter.random()), 2)
            out.append(TrafficRow(day, *dims, count, engaged, key_events, revenue))
        return out


def web_analytics(world: World, brand: Brand | None = None) -> WebAnalytics:
    """The traffic of `brand`'s property (default: the first client brand's)."""
    brand = brand or world.own_brand
    key = ("web_analytics", brand.name)
    if key not in world._cache:
        world._cache[key] = WebAnalytics(world, brand)
    return world._cache[key]  # type: ignore[return-value]


def property_brand(world: World, property_id: str) -> Brand | None:
    """The client brand whose GA4 property `property_id` is (None: no client's)."""
    return next((b for b in world.brands.own_brands if property_id and b.ga4_property_id == property_id), None)
