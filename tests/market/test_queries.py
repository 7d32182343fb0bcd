"""Pure tests of query building, batch stitching and small parsers of the market sources."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.config.loader import load_brands
from pipelines.config.models import Brand
from pipelines.market.common import hashtags
from pipelines.market.google_trends import stitch
from pipelines.market.instagram import content_type, discovery_fields
from pipelines.market.rss import describe_terms
from pipelines.market.x import x_query
from pipelines.market.youtube import youtube_query
from pipelines.platforms.values import parse_time

D1, D2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)


def _arabika() -> Brand:
    return next(b for b in load_brands().brands if b.name == "Arabika")


def test_x_query_quotes_phrases_adds_hashtags_handle_and_exclusions() -> None:
    assert x_query(_arabika()) == (
        '(Arabika OR #arabikaid OR @arabikaid) -is:retweet -"kopi arabika" -"biji arabika" -"arabika beans"'
    )
    own = load_brands().own_brand
    assert x_query(own) == (
        '("Kopi Nusantara" OR KopiNusantara OR #kopinusantara OR #ngopidirumah OR @kopinusantara) -is:retweet'
    )
    assert x_query(Brand(name="Empty")) == ""


def test_youtube_query_uses_pipes_and_minus() -> None:
    assert youtube_query(_arabika()) == 'Arabika|#arabikaid|@arabikaid -"kopi arabika" -"biji arabika" -"arabika beans"'


def test_rss_query_describes_the_matching_rule() -> None:
    assert describe_terms(_arabika()) == (
        'Arabika OR #arabikaid OR @arabika-id OR @arabikaid -"kopi arabika" -"biji arabika" -"arabika beans"'
    )


def test_stitch_rescales_batches_through_the_anchor() -> None:
    # batch 0: anchor peaks at 100; batch 1: the anchor is half as big relative to a strong keyword
    batch0 = {"a": {D1: 100.0, D2: 50.0}, "b": {D1: 20.0, D2: 10.0}}
    batch1 = {"a": {D1: 40.0, D2: 20.0}, "c": {D1: 100.0, D2: 60.0}}
    merged = stitch([batch0, batch1], "a")
    # factor for batch 1 = (100 + 50) / (40 + 20) = 2.5 -> c = 250, 150; then the maximum (250) becomes 100
    assert merged == {
        "a": {D1: 40.0, D2: 20.0},
        "b": {D1: 8.0, D2: 4.0},
        "c": {D1: 100.0, D2: 60.0},
    }


def test_stitch_without_anchor_interest_leaves_other_batches_null() -> None:
    warnings: list[str] = []
    merged = stitch([{"a": {D1: 0.0}, "b": {D1: 100.0}}, {"a": {D1: 0.0}, "c": {D1: 100.0}}], "a", warn=warnings.append)
    assert merged["b"] == {D1: 100.0} and merged["c"] == {D1: None}
    assert len(warnings) == 1 and "'a'" in warnings[0]


def test_discovery_fields() -> None:
    assert discovery_fields("rival") == (
        "business_discovery.username(rival){username,name,followers_count,follows_count,media_count,"
        "media.limit(50){id,caption,timestamp,like_count,comments_count,media_type,media_product_type,permalink}}"
    )
    assert "media.after(QVFI).limit(50){" in discovery_fields("rival", "QVFI")


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ({"media_type": "IMAGE"}, "image"),
        ({"media_type": "CAROUSEL_ALBUM"}, "carousel"),
        ({"media_type": "VIDEO", "media_product_type": "REELS"}, "reel"),
        ({"media_type": "VIDEO", "media_product_type": "FEED"}, "video"),
        ({"media_type": "HOLOGRAM"}, None),
    ],
)
def test_instagram_content_type(media: dict, expected: str | None) -> None:
    assert content_type(media) == expected


def test_hashtags_lower_case_unique_api_tags_first() -> None:
    assert hashtags("Pagi #KopiNusantara #ngopi #kopinusantara", given=["Promo"]) == ["promo", "kopinusantara", "ngopi"]
    assert hashtags("mail a&#39;b and #カフェ and ＃Senja") == ["カフェ", "senja"]
    assert hashtags(None) == []


@pytest.mark.parametrize(
    "value",
    [
        "2026-05-01T10:00:00+0000",
        "2026-05-01T10:00:00Z",
        "2026-05-01T10:00:00.000Z",
        "2026-05-01T17:00:00+07:00",
        1777629600,
        "1777629600",
    ],
)
def test_parse_time_forms(value: object) -> None:
    assert parse_time(value) == dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)
