"""Per-platform behaviour of the simulated world: cadence, engagement, reach, timing, content mix.

Magnitudes follow docs (metrics.md): median engagement rate by followers TikTok ~2 %, LinkedIn ~1.85 %,
Instagram ~0.3 %, Facebook ~0.06 %, X ~0.03 %; several posts a day on X, ~1/day Facebook, 4-5/week Instagram
and TikTok, 2-3/week LinkedIn, 1/week YouTube.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

CONTENT_ENGAGEMENT = {
    "image": 1.0,
    "carousel": 1.35,
    "reel": 1.5,
    "video": 1.25,
    "short": 1.2,
    "text": 0.75,
    "link": 0.6,
}
CONTENT_VIEWS = {
    "image": 1.0,
    "carousel": 1.1,
    "reel": 1.8,
    "video": 1.3,
    "short": 1.6,
    "text": 0.8,
    "link": 0.7,
}


def _curve(peaks: list[tuple[float, float, float]], base: float = 0.12) -> tuple[float, ...]:
    """24 hourly weights (local time) as a sum of Gaussian bumps (hour, width, height), mean 1."""
    raw = []
    for h in range(24):
        v = base
        for centre, width, height in peaks:
            d = min(abs(h - centre), 24 - abs(h - centre))
            v += height * math.exp(-0.5 * (d / width) ** 2)
        raw.append(v)
    mean = sum(raw) / 24
    return tuple(v / mean for v in raw)


@dataclass(frozen=True)
class PlatformProfile:
    name: str
    base_followers: float
    posts_per_day: float
    engagement_rate: float  # public engagements per post / followers (median)
    reach_rate: float  # reach per post / followers (median)
    views_per_reach: float
    half_life_hours: float  # how fast lifetime metrics saturate
    content_mix: dict[str, float]
    weekly: tuple[float, ...]  # Mon..Sun engagement factor
    weekly_posting: tuple[float, ...]  # Mon..Sun posting factor
    posting_hours: tuple[float, ...]  # local hour weights for publishing
    engagement_hours: tuple[float, ...]  # local hour multiplier on engagement
    growth_per_day: float
    churn_per_day: float
    click_rate: float = 0.0  # clicks / views (0 = platform does not report clicks)
    save_rate: float = 0.0  # saves / reactions (0 = not reported)
    reactions_share: float = 0.82
    comments_share: float = 0.1
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def type_norm(self) -> float:
        """Mix-weighted mean content multiplier, so the platform median ER stays on target."""
        return sum(w * CONTENT_ENGAGEMENT[t] for t, w in self.content_mix.items()) / sum(self.content_mix.values())

    @property
    def timing_norm(self) -> float:
        """Mean hour-of-day and weekday multiplier over the times this platform's brands publish."""
        hours = sum(w * e for w, e in zip(self.posting_hours, self.engagement_hours, strict=True))
        hours /= sum(self.posting_hours)
        week = sum(w * e for w, e in zip(self.weekly_posting, self.weekly, strict=True)) / sum(self.weekly_posting)
        return hours * week


PROFILES: dict[str, PlatformProfile] = {
    "facebook": PlatformProfile(
        name="facebook",
        base_followers=45_000,
        posts_per_day=1.0,
        engagement_rate=0.00066,
        reach_rate=0.045,
        views_per_reach=1.35,
        half_life_hours=8,
        content_mix={"image": 0.45, "video": 0.15, "link": 0.2, "text": 0.1, "reel": 0.1},
        weekly=(1.0, 1.0, 1.0, 1.0, 0.98, 0.92, 0.9),
        weekly_posting=(1.05, 1.05, 1.05, 1.05, 1.0, 0.9, 0.9),
        posting_hours=_curve([(9, 1.5, 0.8), (12, 1.2, 1.0), (19, 1.5, 1.0)]),
        engagement_hours=_curve([(12, 2.0, 0.8), (20, 2.0, 1.0)], base=0.9),
        growth_per_day=0.0006,
        churn_per_day=0.0003,
        click_rate=0.012,
    ),
    "instagram": PlatformProfile(
        name="instagram",
        base_followers=60_000,
        posts_per_day=0.65,
        engagement_rate=0.0033,
        reach_rate=0.09,
        views_per_reach=1.5,
        half_life_hours=20,
        content_mix={"image": 0.35, "carousel": 0.3, "reel": 0.35},
        weekly=(0.95, 0.97, 1.0, 1.0, 1.03, 1.08, 1.1),
        weekly_posting=(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
        posting_hours=_curve([(11, 1.5, 0.9), (18, 1.5, 1.0), (20, 1.5, 0.8)]),
        engagement_hours=_curve([(12, 1.5, 0.6), (20, 1.8, 1.2)], base=0.8),
        growth_per_day=0.0009,
        churn_per_day=0.00035,
        save_rate=0.12,
        reactions_share=0.86,
        comments_share=0.08,
    ),
    "x": PlatformProfile(
        name="x",
        base_followers=18_000,
        posts_per_day=4.0,
        engagement_rate=0.00042,
        reach_rate=0.03,
        views_per_reach=1.0,
        half_life_hours=3,
        content_mix={"text": 0.5, "image": 0.3, "video": 0.1, "link": 0.1},
        weekly=(1.05, 1.05, 1.05, 1.0, 1.0, 0.88, 0.86),
        weekly_posting=(1.1, 1.1, 1.1, 1.05, 1.0, 0.8, 0.8),
        posting_hours=_curve([(8, 1.5, 1.0), (12, 1.5, 1.0), (17, 1.5, 0.9), (21, 1.5, 0.6)]),
        engagement_hours=_curve([(8, 1.5, 0.8), (12, 1.5, 0.9), (20, 2.0, 0.7)], base=0.9),
        growth_per_day=0.0004,
        churn_per_day=0.00025,
        click_rate=0.004,
        save_rate=0.06,
        reactions_share=0.7,
        comments_share=0.12,
    ),
    "linkedin": PlatformProfile(
        name="linkedin",
        base_followers=9_000,
        posts_per_day=2.5 / 7,
        engagement_rate=0.02,
        reach_rate=0.28,
        views_per_reach=1.6,
        half_life_hours=18,
        content_mix={"image": 0.4, "text": 0.2, "link": 0.2, "video": 0.1, "carousel": 0.1},
        weekly=(1.1, 1.15, 1.15, 1.1, 1.0, 0.5, 0.45),
        weekly_posting=(1.3, 1.35, 1.35, 1.3, 1.1, 0.2, 0.1),
        posting_hours=_curve([(8, 1.0, 1.0), (10, 1.0, 0.8), (13, 1.0, 0.5)], base=0.02),
        engagement_hours=_curve([(9, 1.5, 1.0), (12, 1.5, 0.6)], base=0.7),
        growth_per_day=0.0008,
        churn_per_day=0.0002,
        click_rate=0.02,
        reactions_share=0.8,
        comments_share=0.12,
    ),
    "youtube": PlatformProfile(
        name="youtube",
        base_followers=14_000,
        posts_per_day=1.0 / 7,
        engagement_rate=0.012,
        reach_rate=0.35,
        views_per_reach=1.0,
        half_life_hours=60,
        content_mix={"video": 0.6, "short": 0.4},
        weekly=(0.9, 0.9, 0.95, 0.95, 1.0, 1.15, 1.2),
        weekly_posting=(1.0, 1.0, 1.0, 1.0, 1.2, 1.0, 0.8),
        posting_hours=_curve([(17, 1.5, 1.0), (19, 1.5, 0.7)], base=0.05),
        engagement_hours=_curve([(19, 2.5, 1.0)], base=0.9),
        growth_per_day=0.0007,
        churn_per_day=0.00025,
        reactions_share=0.88,
        comments_share=0.07,
    ),
    "tiktok": PlatformProfile(
        name="tiktok",
        base_followers=85_000,
        posts_per_day=4.5 / 7,
        engagement_rate=0.022,
        reach_rate=0.35,
        views_per_reach=1.3,
        half_life_hours=30,
        content_mix={"video": 1.0},
        weekly=(0.95, 0.95, 1.0, 1.0, 1.05, 1.15, 1.15),
        weekly_posting=(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
        posting_hours=_curve([(12, 1.5, 0.6), (19, 1.5, 1.0), (21, 1.5, 0.9)]),
        engagement_hours=_curve([(13, 1.5, 0.5), (21, 2.0, 1.2)], base=0.8),
        growth_per_day=0.0012,
        churn_per_day=0.0005,
        reactions_share=0.86,
        comments_share=0.06,
    ),
}

# Where followers are and how old they are (platform skews applied on top of a brand-specific jitter).
COUNTRIES = {"ID": 0.72, "MY": 0.08, "SG": 0.05, "US": 0.04, "AU": 0.03, "NL": 0.02, "JP": 0.02, "SA": 0.02, "GB": 0.02}
CITIES = {
    "Jakarta, Jakarta": 0.3,
    "Surabaya, East Java": 0.12,
    "Bandung, West Java": 0.11,
    "Medan, North Sumatra": 0.07,
    "Yogyakarta, Yogyakarta": 0.07,
    "Semarang, Central Java": 0.06,
    "Denpasar, Bali": 0.05,
    "Makassar, South Sulawesi": 0.04,
    "Kuala Lumpur, Kuala Lumpur": 0.05,
    "Singapore, Singapore": 0.04,
    "Tangerang, Banten": 0.05,
    "Bekasi, West Java": 0.04,
}
AGE_GROUPS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SKEW = {
    "tiktok": (0.12, 0.38, 0.3, 0.12, 0.05, 0.02, 0.01),
    "instagram": (0.05, 0.33, 0.36, 0.16, 0.06, 0.03, 0.01),
    "facebook": (0.02, 0.18, 0.32, 0.24, 0.14, 0.07, 0.03),
    "x": (0.03, 0.3, 0.34, 0.18, 0.09, 0.04, 0.02),
    "youtube": (0.06, 0.28, 0.32, 0.18, 0.09, 0.05, 0.02),
    "linkedin": (0.0, 0.2, 0.42, 0.22, 0.11, 0.04, 0.01),
}
GENDERS = {"F": 0.55, "M": 0.42, "U": 0.03}
# LinkedIn facets: URNs as the API returns them.
LINKEDIN_GEO = {
    "urn:li:geo:102478259": 0.8,
    "urn:li:geo:106808692": 0.07,
    "urn:li:geo:102454443": 0.06,
    "urn:li:geo:103644278": 0.04,
    "urn:li:geo:101452733": 0.03,
}
LINKEDIN_SENIORITY = {
    f"urn:li:seniority:{i}": w
    for i, w in zip(range(1, 11), (0.05, 0.22, 0.25, 0.17, 0.12, 0.08, 0.05, 0.03, 0.02, 0.01), strict=True)
}
LINKEDIN_INDUSTRY = {
    "urn:li:industry:34": 0.28,
    "urn:li:industry:27": 0.18,
    "urn:li:industry:80": 0.14,
    "urn:li:industry:96": 0.12,
    "urn:li:industry:4": 0.1,
    "urn:li:industry:44": 0.1,
    "urn:li:industry:43": 0.08,
}
LINKEDIN_FUNCTION = {
    f"urn:li:function:{i}": w
    for i, w in zip((1, 4, 8, 12, 13, 15, 18, 25), (0.12, 0.2, 0.1, 0.08, 0.15, 0.17, 0.1, 0.08), strict=True)
}
LINKEDIN_STAFF = {
    "SIZE_1": 0.03,
    "SIZE_2_TO_10": 0.1,
    "SIZE_11_TO_50": 0.18,
    "SIZE_51_TO_200": 0.2,
    "SIZE_201_TO_500": 0.14,
    "SIZE_501_TO_1000": 0.1,
    "SIZE_1001_TO_5000": 0.12,
    "SIZE_5001_TO_10000": 0.06,
    "SIZE_10001_OR_MORE": 0.07,
}
