"""The raw streams every platform client can produce: columns and types (the warehouse contract)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

TZ = "UTC"
TIMESTAMP = pl.Datetime("us", TZ)


@dataclass(frozen=True)
class StreamSpec:
    """A raw stream: its table suffix, typed columns, and which column decides the partition."""

    name: str
    columns: dict[str, pl.DataType]
    partition_column: str
    key: tuple[str, ...]
    description: str
    # A snapshot stream holds what the API shows "now": a run writes it on the observation day only (the last
    # complete partition day when the APIs are read: pipelines.partitions.observation_day).
    is_snapshot: bool = False
    # What one read covers: a load replaces, inside its window, only the rows whose scope columns match a row it
    # brings (e.g. the snapshots of the posts it read, the days of the accounts it read), so a narrower re-read
    # (the posts of the last 28 days, one account that answered while another failed) never deletes the rest.
    # Empty: the whole window of the source is replaced.
    replace_scope: tuple[str, ...] = ()
    # Columns a platform gives only for its recent days (followers walked back over 30 days, new followers of the
    # last 30 days): when a re-read of an older day brings NULL there, the value stored earlier is kept (it was
    # read when the platform still gave it); a value the platform gives replaces the old one.
    kept_when_no_longer_given: tuple[str, ...] = ()


def _counts(*names: str) -> dict[str, pl.DataType]:
    return {n: pl.Int64 for n in names}


ACCOUNT_DAILY = StreamSpec(
    name="account_daily",
    columns={
        "account_id": pl.Utf8,
        "metric_date": pl.Date,
        **_counts(
            "followers",
            "followers_gained",
            "followers_lost",
            "views",
            "reach",
            "engagements",
            "profile_visits",
            "website_clicks",
        ),
    },
    partition_column="metric_date",
    key=("account_id", "metric_date"),
    replace_scope=("account_id",),
    kept_when_no_longer_given=("followers", "followers_gained", "followers_lost"),
    description="Account-level daily metrics of the own brand (followers, views, reach, engagements).",
)

POST_SNAPSHOTS = StreamSpec(
    name="post_snapshots",
    columns={
        "account_id": pl.Utf8,
        "post_id": pl.Utf8,
        "published_at": TIMESTAMP,
        "post_url": pl.Utf8,
        "content_type": pl.Utf8,
        "caption": pl.Utf8,
        **_counts("views", "reach", "reactions", "comments", "shares", "saves", "clicks", "video_views"),
        "snapshot_date": pl.Date,
    },
    partition_column="snapshot_date",
    key=("post_id", "snapshot_date"),
    replace_scope=("post_id",),
    description="Own posts with their lifetime metrics as observed on the snapshot day.",
    is_snapshot=True,
)

AUDIENCE_DEMOGRAPHICS = StreamSpec(
    name="audience_demographics",
    columns={
        "account_id": pl.Utf8,
        "snapshot_date": pl.Date,
        "dimension": pl.Utf8,
        "dimension_value": pl.Utf8,
        "audience_count": pl.Int64,
        "audience_share": pl.Float64,
    },
    partition_column="snapshot_date",
    key=("account_id", "snapshot_date", "dimension", "dimension_value"),
    replace_scope=("account_id",),
    description="Audience (followers or viewers) by age, gender, country, city and similar dimensions.",
    is_snapshot=True,
)

FOLLOWER_ONLINE_HOURS = StreamSpec(
    name="follower_online_hours",
    columns={
        "account_id": pl.Utf8,
        "metric_date": pl.Date,
        "hour_of_day": pl.Int32,
        "online_followers": pl.Int64,
    },
    partition_column="metric_date",
    key=("account_id", "metric_date", "hour_of_day"),
    replace_scope=("account_id",),
    description="Followers online per hour of the day (UTC hours), where the platform reports it.",
)

POST_COMMENTS = StreamSpec(
    name="post_comments",
    columns={
        "account_id": pl.Utf8,
        "post_id": pl.Utf8,
        "comment_id": pl.Utf8,
        "parent_comment_id": pl.Utf8,
        "author_id": pl.Utf8,
        "author_name": pl.Utf8,
        "is_brand_author": pl.Boolean,
        "created_at": TIMESTAMP,
        "comment_text": pl.Utf8,
        "observed_at": TIMESTAMP,
        "snapshot_date": pl.Date,
    },
    partition_column="snapshot_date",
    key=("comment_id", "snapshot_date"),
    replace_scope=("post_id",),
    description=(
        "Comments and replies on the own posts as the platform shows them when read (deleted ones are gone): "
        "thread structure (parent_comment_id: the top-level comment a reply belongs to), author, whether the "
        "author is the own account, the platform's timestamp."
    ),
    is_snapshot=True,
)

OWN_STREAMS: dict[str, StreamSpec] = {
    s.name: s for s in (ACCOUNT_DAILY, POST_SNAPSHOTS, AUDIENCE_DEMOGRAPHICS, FOLLOWER_ONLINE_HOURS, POST_COMMENTS)
}

CONTENT_TYPES = ("image", "video", "carousel", "reel", "short", "text", "link")
