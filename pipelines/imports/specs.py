"""One declarative description per recognised export: how to recognise it from its header and how its columns
map to the contract columns of raw.<platform>__account_daily or raw.<platform>__post_snapshots.

Header names are compared case-insensitively with spaces collapsed. Each field lists the header names
accepted for it, best first; the first one present in the file is used. Real exports change their wording
over time (Meta renamed "Impressions" to "Views" in 2025) and several exact names below are not certain, so
each field accepts the common variants. A field that is absent from the file is stored as NULL ("not
provided", never 0).

Recognised exports (see README.md in this folder for the full header of each):

- meta_facebook_posts      Meta Business Suite, Content export of a Facebook Page
- meta_instagram_posts     Meta Business Suite, Content export of an Instagram account
- meta_facebook_daily      Meta Business Suite, Insights export (per day), Facebook metrics
- meta_instagram_daily     Meta Business Suite, Insights export (per day), Instagram metrics
  (also the one-metric form: a title line such as "Facebook Page reach" above a "Date","Primary" header)
- linkedin_content_daily   LinkedIn page analytics, Updates/Content metrics sheet saved as CSV
- linkedin_followers_daily LinkedIn page analytics, Followers (new followers) sheet
- linkedin_visitors_daily  LinkedIn page analytics, Visitors sheet
- linkedin_posts           LinkedIn page analytics, All posts sheet
- tiktok_overview_daily    TikTok analytics download, Overview
- tiktok_followers_daily   TikTok analytics download, Follower history
- tiktok_posts             TikTok analytics download, Content
- youtube_daily            YouTube Studio advanced analytics export by Date ("Table data.csv")
- youtube_posts            YouTube Studio advanced analytics export by Content ("Table data.csv")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.config.models import DATE_ORDERS
from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS, StreamSpec
from pipelines.imports.values import ENGLISH_NUMBERS, MAX_COUNT, NUMBER_FORMATS

PARSERS = ("text", "count", "date", "datetime", "content_type")


def normalize(name: str) -> str:
    """How header names are compared: no BOM or quotes, lower case, single spaces."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().strip('"').strip()).lower()


@dataclass(frozen=True)
class Field:
    """One contract column and where it comes from in the export."""

    target: str
    names: tuple[str, ...] = ()
    parse: str = "count"
    required: bool = False
    # When none of `names` is in the header: the sum of these columns (each a tuple of variants), NULL when
    # all of them are empty. LinkedIn and TikTok give reactions, comments and shares but no engagement total.
    sum_of: tuple[tuple[str, ...], ...] = ()
    # A regular expression with one group, applied to the text (a post id inside a link).
    extract: str | None = None
    # A template for the value built from another field's value ("{post_id}").
    template: str | None = None
    constant: str | None = None
    # The range of a count: no metric is negative, and a value beyond MAX_COUNT is a corrupted cell.
    minimum: int | None = 0
    maximum: int | None = MAX_COUNT

    def __post_init__(self) -> None:
        if self.parse not in PARSERS:
            raise ValueError(f"field {self.target}: unknown parser {self.parse!r}; expected one of {PARSERS}")


@dataclass(frozen=True)
class ExportSpec:
    """A recognised export: which header identifies it, which table it feeds and how its columns map."""

    kind: str
    product: str
    platform: str
    stream: StreamSpec
    # Every group must be in the header for the export to be recognised (each group: accepted variants).
    detect: tuple[tuple[str, ...], ...]
    fields: tuple[Field, ...]
    note: str = ""
    # A one-metric Meta export: "Date","Primary" under a title line naming the metric.
    title_metric: bool = False
    # How the export writes numbers (a key of values.NUMBER_FORMATS) and numeric dates (MDY, DMY, or None when
    # the platform does not document it: then the file's values must prove the order). English exports.
    number_format: str = ENGLISH_NUMBERS.example
    date_order: str | None = None

    def __post_init__(self) -> None:
        if self.number_format not in NUMBER_FORMATS:
            raise ValueError(f"export {self.kind}: unknown number format {self.number_format!r}")
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise ValueError(f"export {self.kind}: unknown date order {self.date_order!r}")

    @property
    def table(self) -> str:
        return f"{self.platform}__{self.stream.name}"

    @property
    def is_posts(self) -> bool:
        return self.stream is POST_SNAPSHOTS

    @property
    def date_field(self) -> Field:
        return next(f for f in self.fields if f.target == "metric_date")

    def header_names(self) -> list[str]:
        """Every header name this spec knows (for documentation and error messages)."""
        names: list[str] = []
        for field in self.fields:
            names.extend(field.names)
            for group in field.sum_of:
                names.extend(group)
        return list(dict.fromkeys(names))


def _v(*names: str) -> tuple[str, ...]:
    return names


def _prefixed(prefixes: tuple[str, ...], *names: str) -> tuple[str, ...]:
    return tuple(f"{prefix} {name}" for name in names for prefix in prefixes)


# --- Meta Business Suite ------------------------------------------------------------------------------------

_META_PUBLISHED = _v("Publish time", "Published time", "Publish date", "Created time")

_META_POST_COMMON = (
    Field("post_id", _v("Post ID", "Post id"), "text", required=True),
    Field("published_at", _META_PUBLISHED, "datetime", required=True),
    Field("post_url", _v("Permalink", "Post link", "Link"), "text"),
    Field("caption", _v("Description", "Title", "Message", "Caption"), "text"),
    Field("content_type", _v("Post type", "Type", "Media type"), "content_type"),
    Field("views", _v("Views", "Impressions")),
    Field("reach", _v("Reach")),
    Field("comments", _v("Comments")),
    Field("shares", _v("Shares")),
)

META_FACEBOOK_POSTS = ExportSpec(
    kind="meta_facebook_posts",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="Meta Business Suite (Content export, Facebook)",
    platform="facebook",
    stream=POST_SNAPSHOTS,
    detect=(_v("Post ID"), _META_PUBLISHED, _v("Page ID", "Page name")),
    fields=(
        Field("account_id", _v("Page ID"), "text"),
        *_META_POST_COMMON,
        Field("reactions", _v("Reactions", "Total reactions")),
        Field("clicks", _v("Total clicks", "Clicks", "Link clicks")),
        Field("video_views", _v("3-second video views", "Video views")),
    ),
    note="Meta renamed Impressions to Views in 2025; both accepted. Publish time is local time of the account.",
)

META_INSTAGRAM_POSTS = ExportSpec(
    kind="meta_instagram_posts",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="Meta Business Suite (Content export, Instagram)",
    platform="instagram",
    stream=POST_SNAPSHOTS,
    detect=(_v("Post ID"), _META_PUBLISHED, _v("Account username")),
    fields=(
        Field("account_id", _v("Account ID", "Instagram account ID"), "text"),
        *_META_POST_COMMON,
        Field("reactions", _v("Likes", "Reactions")),
        Field("saves", _v("Saves", "Saved")),
        Field("clicks", _v("Link clicks", "Profile activity")),
        Field("video_views", _v("Plays", "Video views")),
    ),
    note="Post type holds IG image, IG carousel, IG reel, IG video; stories have no contract type (NULL).",
)

_FB = ("Facebook", "Facebook Page")
_IG = ("Instagram",)
_FB_NAMES = {
    "followers": ("followers", "total followers", "likes"),
    "followers_gained": ("follows", "new follows", "new followers", "new likes"),
    "followers_lost": ("unfollows", "unlikes"),
    "views": ("views", "impressions"),
    "reach": ("reach",),
    "engagements": ("content interactions", "interactions", "post engagements", "engagements"),
    "profile_visits": ("visits", "page visits", "profile visits"),
    "website_clicks": ("link clicks", "website clicks"),
}
_IG_NAMES = {
    "followers": ("followers", "total followers"),
    "followers_gained": ("follows", "new follows", "new followers"),
    "followers_lost": ("unfollows",),
    "views": ("views", "impressions"),
    "reach": ("reach",),
    "engagements": ("content interactions", "interactions", "engagements"),
    "profile_visits": ("profile visits", "visits"),
    "website_clicks": ("link clicks", "website clicks", "external link taps"),
}
# Any one platform-prefixed metric identifies the export (a one-metric file has just one).
_META_FB_METRICS = tuple(n for names in _FB_NAMES.values() for n in _prefixed(_FB, *names))
_META_IG_METRICS = tuple(n for names in _IG_NAMES.values() for n in _prefixed(_IG, *names))

META_FACEBOOK_DAILY = ExportSpec(
    kind="meta_facebook_daily",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="Meta Business Suite (Insights export per day, Facebook)",
    platform="facebook",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _META_FB_METRICS),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Page ID", "Facebook Page ID"), "text"),
        *(Field(target, _prefixed(_FB, *names)) for target, names in _FB_NAMES.items()),
    ),
    note=(
        "The exact Insights column titles are not certain; metric names are accepted with a 'Facebook' or "
        "'Facebook Page' prefix. Also read: one-metric files (a title line such as 'Facebook Page reach' above "
        "a 'Date','Primary' header)."
    ),
)

META_INSTAGRAM_DAILY = ExportSpec(
    kind="meta_instagram_daily",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="Meta Business Suite (Insights export per day, Instagram)",
    platform="instagram",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _META_IG_METRICS),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Account ID", "Instagram account ID"), "text"),
        *(Field(target, _prefixed(_IG, *names)) for target, names in _IG_NAMES.items()),
    ),
    note="As for Facebook, with an 'Instagram' prefix (e.g. 'Instagram reach', 'Instagram profile visits').",
)

# --- LinkedIn page analytics (the .xls sheets saved as CSV) -------------------------------------------------

LINKEDIN_CONTENT_DAILY = ExportSpec(
    kind="linkedin_content_daily",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="LinkedIn page analytics (Content/Updates metrics sheet)",
    platform="linkedin",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Impressions (total)", "Impressions (organic)")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Organization ID", "Page ID"), "text"),
        Field("views", _v("Impressions (total)", "Impressions (organic)"), required=True),
        Field("reach", _v("Unique impressions (total)", "Unique impressions (organic)")),
        Field(
            "engagements",
            _v("Engagements (total)", "Engagements (organic)"),
            sum_of=(
                _v("Clicks (total)", "Clicks (organic)"),
                _v("Reactions (total)", "Reactions (organic)"),
                _v("Comments (total)", "Comments (organic)"),
                _v("Reposts (total)", "Shares (total)", "Reposts (organic)", "Shares (organic)"),
            ),
        ),
    ),
    note=(
        "Dates are month first (MM/DD/YYYY). Engagements = clicks + reactions + comments + reposts, LinkedIn's "
        "definition, when no engagement column is present. LinkedIn has renamed Shares to Reposts; both accepted."
    ),
)

LINKEDIN_FOLLOWERS_DAILY = ExportSpec(
    kind="linkedin_followers_daily",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="LinkedIn page analytics (Followers sheet: new followers per day)",
    platform="linkedin",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Organic followers", "Total followers", "Sponsored followers")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Organization ID", "Page ID"), "text"),
        Field(
            "followers_gained",
            _v("Total followers", "New followers"),
            sum_of=(_v("Organic followers"), _v("Sponsored followers"), _v("Auto-invited followers")),
        ),
    ),
    note="'Total followers' in this sheet is the day's new followers (organic + sponsored + auto-invited).",
)

LINKEDIN_VISITORS_DAILY = ExportSpec(
    kind="linkedin_visitors_daily",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="LinkedIn page analytics (Visitors sheet)",
    platform="linkedin",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Total page views (total)", "Total page views", "Overview page views (total)")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Organization ID", "Page ID"), "text"),
        Field("profile_visits", _v("Total page views (total)", "Total page views"), required=True),
    ),
    note="Page visits are LinkedIn's page views (all pages, desktop + mobile).",
)

LINKEDIN_POSTS = ExportSpec(
    kind="linkedin_posts",
    date_order="MDY",  # the English export writes 11/05/2026 for November 5
    product="LinkedIn page analytics (All posts sheet)",
    platform="linkedin",
    stream=POST_SNAPSHOTS,
    detect=(_v("Post link", "Update link"), _v("Created date", "Date created")),
    fields=(
        Field("account_id", _v("Organization ID", "Page ID"), "text"),
        Field(
            "post_id",
            _v("Post link", "Update link"),
            "text",
            required=True,
            extract=r"(?:urn:li:(?:activity|ugcPost|share):|activity-)(\d+)",
        ),
        Field("post_url", _v("Post link", "Update link"), "text"),
        Field("published_at", _v("Created date", "Date created"), "datetime", required=True),
        Field("caption", _v("Post title", "Update title"), "text"),
        Field("content_type", _v("Content type", "Media type"), "content_type"),
        Field("views", _v("Impressions")),
        Field("video_views", _v("Views (excluding off-site video views)", "Video views", "Views")),
        Field("clicks", _v("Clicks")),
        Field("reactions", _v("Reactions", "Likes")),
        Field("comments", _v("Comments")),
        Field("shares", _v("Reposts", "Shares")),
    ),
    note="The post id is the activity number in the post link (urn:li:activity:<id>). 'Post type' there means "
    "organic or sponsored and is not read.",
)

# --- TikTok (analytics "Download data") ---------------------------------------------------------------------

TIKTOK_OVERVIEW_DAILY = ExportSpec(
    kind="tiktok_overview_daily",
    product="TikTok analytics download (Overview)",
    platform="tiktok",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Video Views", "Video views", "Post views")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Account ID", "Business ID"), "text"),
        Field("views", _v("Video Views", "Post views"), required=True),
        Field("profile_visits", _v("Profile Views", "Profile views")),
        Field("reach", _v("Reached audience", "Unique viewers")),
        Field("engagements", _v("Engagements"), sum_of=(_v("Likes"), _v("Comments"), _v("Shares"))),
        Field("followers", _v("Followers", "Total followers")),
    ),
    note="Engagements = likes + comments + shares when no engagement column is present. Dates must carry a "
    "year (TikTok's web export has written 'January 5' in some versions: re-export with dates, or add the year).",
)

TIKTOK_FOLLOWERS_DAILY = ExportSpec(
    kind="tiktok_followers_daily",
    product="TikTok analytics download (Follower history)",
    platform="tiktok",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Followers", "Total followers")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Account ID", "Business ID"), "text"),
        Field("followers", _v("Followers", "Total followers"), required=True),
        Field("followers_gained", _v("New followers", "Followers gained")),
        Field("followers_lost", _v("Lost followers", "Followers lost")),
    ),
    note="'Difference in followers from previous day' is a net change and is not stored (gained and lost are "
    "separate contract columns).",
)

TIKTOK_POSTS = ExportSpec(
    kind="tiktok_posts",
    product="TikTok analytics download (Content)",
    platform="tiktok",
    stream=POST_SNAPSHOTS,
    detect=(_v("Video link", "Post link"), _v("Post time", "Posted on", "Create time")),
    fields=(
        Field("account_id", _v("Account ID", "Business ID"), "text"),
        Field("post_id", _v("Video link", "Post link"), "text", required=True, extract=r"/video/(\d+)"),
        Field("post_url", _v("Video link", "Post link"), "text"),
        Field("published_at", _v("Post time", "Posted on", "Create time"), "datetime", required=True),
        Field("caption", _v("Video title", "Post title", "Caption"), "text"),
        Field("content_type", constant="video"),
        Field("views", _v("Total views", "Video views", "Views")),
        Field("video_views", _v("Total views", "Video views", "Views")),
        Field("reach", _v("Reached audience", "Total reach")),
        Field("reactions", _v("Total likes", "Likes")),
        Field("comments", _v("Total comments", "Comments")),
        Field("shares", _v("Total shares", "Shares")),
        Field("saves", _v("Total saves", "Favorites", "Saves")),
    ),
    note="The post id is the number after /video/ in the link.",
)

# --- YouTube Studio (advanced analytics, Export current view → CSV: "Table data.csv") ------------------------

YOUTUBE_DAILY = ExportSpec(
    kind="youtube_daily",
    product="YouTube Studio advanced analytics by Date (Table data.csv)",
    platform="youtube",
    stream=ACCOUNT_DAILY,
    detect=(_v("Date"), _v("Watch time (hours)", "Watch time (minutes)")),
    fields=(
        Field("metric_date", _v("Date"), "date", required=True),
        Field("account_id", _v("Channel ID", "Channel"), "text"),
        Field("views", _v("Views"), required=True),
        Field("reach", _v("Unique viewers")),
        Field("followers_gained", _v("Subscribers gained")),
        Field("followers_lost", _v("Subscribers lost")),
        Field(
            "engagements",
            _v("Engagements"),
            sum_of=(_v("Likes"), _v("Comments added", "Comments"), _v("Shares")),
        ),
    ),
    note="The first data row 'Total' is skipped. 'Subscribers' alone is a net change and is not stored; add "
    "'Subscribers gained' and 'Subscribers lost' to the report for the follower columns.",
)

YOUTUBE_POSTS = ExportSpec(
    kind="youtube_posts",
    product="YouTube Studio advanced analytics by Content (Table data.csv)",
    platform="youtube",
    stream=POST_SNAPSHOTS,
    detect=(_v("Content", "Video"), _v("Video publish time", "Video published", "Publish time")),
    fields=(
        Field("account_id", _v("Channel ID", "Channel"), "text"),
        Field("post_id", _v("Content", "Video"), "text", required=True),
        Field("post_url", template="https://www.youtube.com/watch?v={post_id}"),
        Field("published_at", _v("Video publish time", "Video published", "Publish time"), "datetime", True),
        Field("caption", _v("Video title", "Title"), "text"),
        Field("content_type", _v("Content type", "Format"), "content_type"),
        Field("views", _v("Views"), required=True),
        Field("video_views", _v("Views")),
        Field("reach", _v("Unique viewers")),
        Field("reactions", _v("Likes")),
        Field("comments", _v("Comments added", "Comments")),
        Field("shares", _v("Shares")),
    ),
    note="The Content column holds the video id. The first data row 'Total' is skipped. Without a content type "
    "column the type is NULL.",
)

EXPORT_SPECS: tuple[ExportSpec, ...] = (
    META_FACEBOOK_POSTS,
    META_INSTAGRAM_POSTS,
    META_FACEBOOK_DAILY,
    META_INSTAGRAM_DAILY,
    LINKEDIN_CONTENT_DAILY,
    LINKEDIN_FOLLOWERS_DAILY,
    LINKEDIN_VISITORS_DAILY,
    LINKEDIN_POSTS,
    TIKTOK_OVERVIEW_DAILY,
    TIKTOK_FOLLOWERS_DAILY,
    TIKTOK_POSTS,
    YOUTUBE_DAILY,
    YOUTUBE_POSTS,
)

SPECS_BY_KIND: dict[str, ExportSpec] = {s.kind: s for s in EXPORT_SPECS}
