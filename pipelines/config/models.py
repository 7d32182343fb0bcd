"""Typed models of the YAML configuration files (pydantic v2, strict about unknown keys)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipelines.config.choices import one_of
from pipelines.settings import PLATFORMS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"


class TokenSource(_Strict):
    """Where one secret of an account is read at run time: an environment variable or a mounted secret file (the
    way Docker and Kubernetes provide secrets). Never the secret itself: a file in the repository holds names."""

    env: str | None = Field(default=None, pattern=_ENV_NAME)
    file: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TokenSource:
        if (self.env is None) == (self.file is None):
            raise ValueError("give the token's source as env: VARIABLE_NAME or file: /path/to/secret, one of them")
        return self

    @property
    def label(self) -> str:
        """How errors name the source (never its content)."""
        return f"environment variable {self.env}" if self.env else f"secret file {self.file}"


class Account(_Strict):
    """One brand's account on one platform, and where its own tokens come from (by the platform's credential
    names, e.g. access_token, oauth_token); without `tokens` the platform's shared variables are used."""

    id: str = Field(min_length=1)
    handle: str = Field(min_length=1)
    tokens: dict[str, TokenSource] = Field(default_factory=dict)

    @field_validator("id", "handle", mode="before")
    @classmethod
    def _to_str(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("tokens", mode="before")
    @classmethod
    def _env_name_shorthand(cls, tokens: object) -> object:
        """`access_token: KOPI_FACEBOOK_TOKEN` is short for `access_token: {env: KOPI_FACEBOOK_TOKEN}`."""
        if isinstance(tokens, dict):
            return {name: {"env": ref} if isinstance(ref, str) else ref for name, ref in tokens.items()}
        return tokens


def slug(name: str) -> str:
    """A name as a folder or file name: lower case, runs of anything but letters and digits as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "brand"


class Brand(_Strict):
    """A brand of brands.yaml. `own: true` makes it a client brand (any number: an agency lists each client); a
    client brand names its competitive set in `competitors` (required when there are several clients; with one,
    every other brand is its competitor) and may route its alerts to its own `alert_channels`."""

    name: str = Field(min_length=1)
    own: bool = False
    competitors: list[str] | None = None
    alert_channels: list[str] | None = None
    keywords: list[str] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    accounts: dict[str, Account] = Field(default_factory=dict)
    # the brand's Google Analytics 4 property (its numeric id), read for social traffic and conversions
    ga4_property_id: str | None = Field(default=None, pattern=r"^[0-9]{4,15}$")

    @field_validator("accounts")
    @classmethod
    def _known_platforms(cls, accounts: dict[str, Account]) -> dict[str, Account]:
        for platform in sorted(accounts):
            one_of(platform, PLATFORMS, "platform")
        return accounts

    @field_validator("hashtags")
    @classmethod
    def _strip_hash(cls, tags: list[str]) -> list[str]:
        return [t.lstrip("#").lower() for t in tags]

    @property
    def is_own_brand(self) -> bool:
        return self.own

    @property
    def slug(self) -> str:
        """The brand's folder name (reports/<slug>/, imports/<slug>/): `Kopi Nusantara` -> `kopi-nusantara`."""
        return slug(self.name)


class BrandsConfig(_Strict):
    """Every brand of brands.yaml: the client brands (own) and the competitors they are measured against. The
    cross-checks between brands (names, accounts, competitive sets) are in pipelines/config/validators.py."""

    brands: list[Brand] = Field(min_length=1)

    @model_validator(mode="after")
    def _at_least_one_own_brand(self) -> BrandsConfig:
        if not any(b.own for b in self.brands):
            raise ValueError("no brand has own: true; mark your brand (an agency: each client brand) with own: true")
        names = [b.name for b in self.brands]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"brand names must be unique; repeated: {duplicates}")
        return self

    @property
    def own_brands(self) -> list[Brand]:
        """The client brands, in the file's order."""
        return [b for b in self.brands if b.own]

    @property
    def own_brand(self) -> Brand:
        """The client brand of a deployment with one (most code works per client: `own_brands`)."""
        own = self.own_brands
        if len(own) != 1:
            raise ValueError(
                f"brands.yaml has {len(own)} client brands ({', '.join(b.name for b in own)}): "
                "this needs one; iterate over own_brands"
            )
        return own[0]

    @property
    def is_multi_client(self) -> bool:
        return len(self.own_brands) > 1

    @property
    def competitors(self) -> list[Brand]:
        return [b for b in self.brands if not b.own]

    def brand(self, name: str) -> Brand:
        for b in self.brands:
            if b.name == name:
                return b
        raise KeyError(name)

    def competitors_of(self, client: Brand) -> list[Brand]:
        """A client's competitors: its `competitors` list, or every other non-client brand when it has none."""
        if client.competitors is None:
            return self.competitors
        return [self.brand(name) for name in client.competitors if any(b.name == name for b in self.brands)]

    def competitive_set(self, client: Brand) -> list[Brand]:
        """The brands a client is measured against, the client first."""
        return [client, *self.competitors_of(client)]

    def competitive_sets(self) -> dict[str, list[Brand]]:
        """Client brand name -> its competitive set (the client first)."""
        return {client.name: self.competitive_set(client) for client in self.own_brands}

    def accounts_on(self, platform: str, *, own_only: bool = False) -> list[tuple[Brand, Account]]:
        """(brand, account) pairs on one platform, client brands first."""
        pairs = [(b, b.accounts[platform]) for b in self.brands if platform in b.accounts]
        pairs.sort(key=lambda pair: not pair[0].own)
        return [p for p in pairs if p[0].own] if own_only else pairs


GOAL_METRICS = (
    "followers",
    "engagement_rate_by_reach",
    "engagement_rate_by_followers",
    "engagements",
    "posts_published",
    "share_of_voice_mentions",
    "mentions",
    "views",
    "reach",
)


class Goal(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    metric: str
    platform: str = "all"
    brand: str | None = None
    # the client brand the goal belongs to (an agency's report and alerts are per client); default: the goal's
    # brand when it is a client brand, else the only client brand
    client: str | None = None
    target: float
    baseline: float | None = None
    # increase: higher is better (followers, engagement, share of voice); decrease: lower is better (e.g. a
    # complaint count, a reply time)
    direction: Literal["increase", "decrease"] = "increase"
    start: dt.date
    deadline: dt.date

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        return one_of(metric, GOAL_METRICS, "metric")

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, platform: str) -> str:
        return one_of(platform, (*PLATFORMS, "all"), "platform")

    @model_validator(mode="after")
    def _deadline_after_start(self) -> Goal:
        if self.deadline <= self.start:
            raise ValueError(f"deadline {self.deadline} must be after start {self.start}")
        return self


class GoalsConfig(_Strict):
    goals: list[Goal] = Field(default_factory=list)


class ApiVersions(_Strict):
    meta_graph: str = "v24.0"
    linkedin: str = "202603"
    tiktok_business: str = "v1.3"


class ThrottleSettings(_Strict):
    """How long a client paces and waits for a platform that throttles it (Meta's usage headers, X's windows)."""

    # Usage (the highest percent of Meta's X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage) from which the
    # client pauses between calls; the pause starts at `pause_seconds` and doubles while usage keeps rising.
    slowdown_percent: float = Field(default=75, gt=0, le=100)
    pause_seconds: float = Field(default=2, ge=0)
    max_pause_seconds: float = Field(default=900, ge=0)
    # A throttled request waits the platform's estimate (estimated_time_to_regain_access, Retry-After,
    # x-rate-limit-reset), or `unknown_wait_seconds` without one, up to `max_wait_seconds` in all; longer, the
    # account is deferred: the run reads the others, then comes back, at most `max_deferrals` times and
    # `max_deferred_wait_seconds` of waiting per run.
    unknown_wait_seconds: float = Field(default=60, gt=0)
    max_wait_seconds: float = Field(default=600, ge=0)
    max_deferrals: int = Field(default=3, ge=0)
    max_deferred_wait_seconds: float = Field(default=3600, ge=0)


class HttpSettings(_Strict):
    timeout_seconds: float = Field(default=30, gt=0)
    max_retries: int = Field(default=5, ge=0)
    max_total_seconds: float = Field(default=300, gt=0)
    backoff_base_seconds: float = Field(default=1.0, ge=0)
    backoff_max_seconds: float = Field(default=60, ge=0)
    throttle: ThrottleSettings = ThrottleSettings()
    # Accounts read at once per platform (one request in flight each), e.g. {tiktok: 1}; a platform not named
    # keeps its client's default, chosen from its documented limits (`PlatformSpec.max_concurrent_requests`).
    max_concurrent_requests: dict[str, int] = Field(default_factory=dict)

    @field_validator("max_concurrent_requests")
    @classmethod
    def _concurrency_per_known_platform(cls, limits: dict[str, int]) -> dict[str, int]:
        for platform, limit in limits.items():
            one_of(platform, PLATFORMS, "platform")
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CONCURRENT_REQUESTS:
                raise ValueError(
                    f"{platform}: {limit!r} is not a number of requests at once from 1 (one account after another) "
                    f"to {MAX_CONCURRENT_REQUESTS}"
                )
        return limits


# The most requests a platform may have in flight at once from one run (a setting above is a typo).
MAX_CONCURRENT_REQUESTS = 32


class Feed(_Strict):
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")


# How CSV exports write numbers (named by how they write 1234.5) and numeric dates; see pipelines/imports.
NUMBER_FORMAT_EXAMPLES: tuple[str, ...] = ("1,234.5", "1.234,5", "1 234,5")
DATE_ORDERS: tuple[str, ...] = ("MDY", "DMY")


class ImportSettings(_Strict):
    """How file imports read numbers and numeric dates, per export kind (or `default` for every kind). Without a
    setting an export kind is read as its English export writes: numbers 1,234.5; Meta and LinkedIn dates month
    first; a file that does not fit is rejected with the line and column, never guessed."""

    number_format: dict[str, str] = Field(default_factory=dict)
    date_order: dict[str, str] = Field(default_factory=dict)

    @field_validator("number_format")
    @classmethod
    def _known_formats(cls, formats: dict[str, str]) -> dict[str, str]:
        for kind, example in formats.items():
            if example not in NUMBER_FORMAT_EXAMPLES:
                raise ValueError(
                    f"number format {example!r} for {kind} is not one of {', '.join(NUMBER_FORMAT_EXAMPLES)} "
                    "(how the export writes one thousand two hundred thirty-four and a half)"
                )
        return formats

    @field_validator("date_order")
    @classmethod
    def _known_orders(cls, orders: dict[str, str]) -> dict[str, str]:
        for kind, order in orders.items():
            if order not in DATE_ORDERS:
                raise ValueError(f"date order {order!r} for {kind} is not MDY (11/05 = Nov 5) or DMY (11/05 = 11 May)")
        return orders


class Settings(_Strict):
    partitions_start_date: dt.date = dt.date(2025, 1, 1)
    timezone: str = "Asia/Jakarta"
    default_history_days: int = Field(default=400, ge=1)
    post_lookback_days: int = Field(default=28, ge=1)
    account_lookback_days: int = Field(default=3, ge=1)
    api_versions: ApiVersions = ApiVersions()
    http: HttpSettings = HttpSettings()
    trend_countries: list[str] = Field(default_factory=lambda: ["ID", "US"])
    feeds: list[Feed] = Field(default_factory=list)
    imports: ImportSettings = ImportSettings()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, tz: str) -> str:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {tz!r}; expected an IANA name such as Asia/Jakarta") from exc
        return tz

    @field_validator("trend_countries")
    @classmethod
    def _iso_countries(cls, countries: list[str]) -> list[str]:
        for c in countries:
            if len(c) != 2 or not c.isalpha():
                raise ValueError(f"country {c!r} is not an ISO 3166-1 alpha-2 code such as ID or US")
        return [c.upper() for c in countries]
