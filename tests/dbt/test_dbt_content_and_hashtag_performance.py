"""fct_content_performance and fct_hashtag_performance through the real dbt build of the sample warehouse
(tests/dbt/dbt_sample_data.py). Every expected value is computed by hand from the raw rows in the comments: each
post's latest lifetime totals; public engagements = reactions + comments + shares, owned engagements add saves
and clicks. Months are local (Asia/Jakarta, UTC+7) publish months. A month's rate is sum / sum over the posts
whose denominator is positive; a missing or zero denominator gives NULL, never 0.

The sample has one client (Kopi Nusantara, the only own brand): per-client separation cannot be shown on it,
only that every row belongs to that client and that no competitor post (competitor_posts tables) gets in."""

import datetime as dt

import pytest
from dbt_sample_data import OWN

pytestmark = pytest.mark.slow

APRIL, MARCH, MAY = dt.date(2026, 4, 1), dt.date(2026, 3, 1), dt.date(2026, 5, 1)


def _content_rows(query):
    return {
        (r["platform"], r["period_start"], r["content_type"]): r
        for r in query("select * from marts.fct_content_performance")
    }


def _hashtag_rows(query):
    return {
        (r["platform"], r["period_start"], r["hashtag"]): r
        for r in query("select * from marts.fct_hashtag_performance")
    }


def test_one_client_and_one_row_per_format_and_local_month(query):
    rows = _content_rows(query)
    # f3's content type 'VIDEO' is the same format as 'video'; f4 (2026-04-30 18:00 UTC = 05-01 01:00 in Jakarta)
    # is a May post, not an April one
    assert set(rows) == {
        ("instagram", MARCH, "reel"),
        ("instagram", MARCH, "image"),
        ("x", MARCH, "text"),
        ("facebook", APRIL, "video"),
        ("facebook", MAY, "image"),
    }
    assert {r["client_brand"] for r in rows.values()} == {OWN}
    hashtags = _hashtag_rows(query)
    assert {r["client_brand"] for r in hashtags.values()} == {OWN}
    # the competitors' posts (#javaroast, #senjacoffee) are not own posts
    assert not {tag for _, _, tag in hashtags} & {"javaroast", "senjacoffee"}


def test_a_complete_month_of_one_format(query):
    video = _content_rows(query)["facebook", APRIL, "video"]
    # f1: 50 + 10 + 5 = 65 public, + clicks 15 = 80 owned, reach 1000, views 2000
    # f2: 20 + 4 + 1 = 25 public, + clicks 5 = 30 owned, reach 500, views 1000
    # f3: 3 + 0 + 0 = 3 public and owned (no clicks given), reach 0, views 300
    assert (video["posts"], video["sample_size"], video["is_sufficient_sample"]) == (3, 3, False)  # 3 < 5
    assert (video["period_grain"], video["engagement_view"], video["day_basis"]) == (
        "month",
        "published_posts",
        "partition_day",
    )
    assert (video["total_public_engagements"], video["median_public_engagements"]) == (93, 25.0)  # 65, 25, 3
    assert (video["total_engagements"], video["median_engagements"]) == (113, 30.0)  # 80, 30, 3
    assert (video["total_views"], video["total_reach"]) == (3300, 1500)
    # by reach f3 (reach 0) is left out of both sums: (65 + 25) / (1000 + 500) = 6 %; owned (80 + 30) / 1500
    assert video["public_engagement_rate_by_reach"] == pytest.approx(6.0)
    assert video["engagement_rate_by_reach"] == pytest.approx(110 / 1500 * 100)
    # by views all three: 93 / 3300; owned 113 / 3300
    assert video["public_engagement_rate_by_views"] == pytest.approx(93 / 3300 * 100)
    assert video["engagement_rate_by_views"] == pytest.approx(113 / 3300 * 100)
    # post rates by reach 6.5 and 5.0 (f3 has none): median 5.75; by views 3.25, 2.5, 1.0: median 2.5
    assert video["median_public_engagement_rate_by_reach"] == pytest.approx(5.75)
    assert video["median_public_engagement_rate_by_views"] == pytest.approx(2.5)
    # no Facebook follower figure at all: the rate by followers is NULL, not 0
    assert video["engagement_rate_by_followers"] is None
    assert video["median_engagement_rate_by_followers"] is None
    # Facebook posts cover 04-01 (f1) .. 05-05 (the read): all 30 days of April
    assert (video["period_days"], video["days_covered"], video["is_complete_period"]) == (30, 30, True)


def test_partly_covered_months_and_missing_denominators(query):
    rows = _content_rows(query)
    may = rows["facebook", MAY, "image"]
    # f4 alone: 4 public on reach 80 = 5 %, on views 100 = 4 %; May is covered 05-01 .. 05-05: 5 of 31 days
    assert (may["posts"], may["total_public_engagements"], may["median_public_engagements"]) == (1, 4, 4.0)
    assert may["public_engagement_rate_by_reach"] == pytest.approx(5.0)
    assert may["public_engagement_rate_by_views"] == pytest.approx(4.0)
    assert (may["period_days"], may["days_covered"], may["is_complete_period"]) == (31, 5, False)

    reel, image = rows["instagram", MARCH, "reel"], rows["instagram", MARCH, "image"]
    # p1 (latest snapshot 03-03): 38 + 6 + 3 = 47 public, + saves 2 = 49 owned, reach 900, views 1200
    assert (reel["posts"], reel["total_public_engagements"], reel["total_engagements"]) == (1, 47, 49)
    assert reel["public_engagement_rate_by_reach"] == pytest.approx(47 / 900 * 100)
    assert reel["engagement_rate_by_views"] == pytest.approx(49 / 1200 * 100)
    # p1 has no follower figure from before it was published (tests/dbt/test_dbt_account_daily.py): NULL
    assert reel["engagement_rate_by_followers"] is None
    # p2: 30 + 5 + 2 = 37 public on 9900 followers at publish
    assert image["engagement_rate_by_followers"] == pytest.approx(37 / 9900 * 100)
    assert image["median_engagement_rate_by_followers"] == pytest.approx(37 / 9900 * 100)
    # Instagram posts cover 03-01 (p1) .. 03-03 (the last read): 3 of March's 31 days
    for row in (reel, image):
        assert (row["period_days"], row["days_covered"], row["is_complete_period"]) == (31, 3, False)

    text = rows["x", MARCH, "text"]
    # x1: X gives no reach: the reach total and both rates by reach are NULL; 5 + 1 + 1 = 7 public on 400 views,
    # + saves 0 + clicks 2 = 9 owned; x1 covers 03-10 only: 1 day
    assert text["total_reach"] is None
    assert text["public_engagement_rate_by_reach"] is None and text["engagement_rate_by_reach"] is None
    assert text["median_public_engagement_rate_by_reach"] is None
    assert text["public_engagement_rate_by_views"] == pytest.approx(1.75)
    assert text["engagement_rate_by_views"] == pytest.approx(2.25)
    assert text["engagement_rate_by_followers"] == pytest.approx(7 / 510 * 100)
    assert (text["days_covered"], text["is_complete_period"]) == (1, False)


def test_hashtag_with_and_without(query):
    rows = _hashtag_rows(query)
    assert {key for key in rows if key[0] == "facebook"} == {
        ("facebook", APRIL, "kopi"),
        ("facebook", APRIL, "promo"),
        ("facebook", MAY, "kopi"),
    }
    kopi = rows["facebook", APRIL, "kopi"]
    # with: f1 (#Kopi) and f2 (#KOPI and #kopi: one hashtag, once); without: f3. f4 is May's.
    assert (kopi["posts"], kopi["sample_size"], kopi["posts_without"], kopi["is_sufficient_sample"]) == (
        2,
        2,
        1,
        False,
    )
    # public 65 + 25 = 90 (45 a post), owned 80 + 30 = 110 (55 a post)
    assert (kopi["public_engagements"], kopi["engagements"]) == (90, 110)
    assert (kopi["public_engagements_per_post"], kopi["engagements_per_post"]) == (45.0, 55.0)
    # by views: with 90 / 3000 = 3 %, without f3 3 / 300 = 1 %: +2 points; owned 110 / 3000 against 3 / 300
    assert kopi["public_engagement_rate_by_views"] == pytest.approx(3.0)
    assert kopi["public_engagement_rate_by_views_without"] == pytest.approx(1.0)
    assert kopi["public_engagement_rate_by_views_difference"] == pytest.approx(2.0)
    assert kopi["engagement_rate_by_views"] == pytest.approx(110 / 3000 * 100)
    assert kopi["engagement_rate_by_views_without"] == pytest.approx(1.0)
    assert kopi["engagement_rate_by_views_difference"] == pytest.approx(110 / 3000 * 100 - 1.0)
    # by reach: with 90 / 1500 = 6 %; the only post without it, f3, has reach 0: no rate and no difference
    assert kopi["public_engagement_rate_by_reach"] == pytest.approx(6.0)
    assert kopi["public_engagement_rate_by_reach_without"] is None
    assert kopi["public_engagement_rate_by_reach_difference"] is None
    assert kopi["engagement_rate_by_reach"] == pytest.approx(110 / 1500 * 100)
    assert kopi["engagement_rate_by_reach_without"] is None
    assert (kopi["period_days"], kopi["days_covered"], kopi["is_complete_period"]) == (30, 30, True)

    promo = rows["facebook", APRIL, "promo"]
    # with f1: 65 / 1000 = 6.5 %; without f2 and f3 (reach 0 left out): 25 / 500 = 5 %: +1.5 points
    assert (promo["posts"], promo["posts_without"]) == (1, 2)
    assert promo["public_engagement_rate_by_reach"] == pytest.approx(6.5)
    assert promo["public_engagement_rate_by_reach_without"] == pytest.approx(5.0)
    assert promo["public_engagement_rate_by_reach_difference"] == pytest.approx(1.5)
    # by views 65 / 2000 = 3.25 % against (25 + 3) / (1000 + 300); owned by reach 80 / 1000 against 30 / 500
    assert promo["public_engagement_rate_by_views_without"] == pytest.approx(28 / 1300 * 100)
    assert promo["public_engagement_rate_by_views_difference"] == pytest.approx(3.25 - 28 / 1300 * 100)
    assert (promo["engagement_rate_by_reach"], promo["engagement_rate_by_reach_without"]) == (
        pytest.approx(8.0),
        pytest.approx(6.0),
    )
    assert promo["engagement_rate_by_reach_difference"] == pytest.approx(2.0)

    may = rows["facebook", MAY, "kopi"]
    # f4 alone in May: 4 / 80 = 5 %; no post without it: no rate to compare with (0 / 0 is NULL); 5 of 31 days
    assert (may["posts"], may["posts_without"]) == (1, 0)
    assert may["public_engagement_rate_by_reach"] == pytest.approx(5.0)
    assert may["public_engagement_rate_by_reach_without"] is None
    assert may["public_engagement_rate_by_reach_difference"] is None
    assert (may["period_days"], may["days_covered"], may["is_complete_period"]) == (31, 5, False)


def test_hashtags_are_one_per_spelling_and_missing_reach_stays_null(query):
    rows = _hashtag_rows(query)
    # p1 "#Kopi #NgopiDirumah" and p2 "#kopi": #Kopi and #kopi are one hashtag
    assert {tag for platform, _, tag in rows if platform == "instagram"} == {"kopi", "ngopidirumah"}
    kopi = rows["instagram", MARCH, "kopi"]
    # both posts: (47 + 37) / (900 + 700) = 5.25 %; none without it
    assert (kopi["posts"], kopi["posts_without"], kopi["public_engagements"]) == (2, 0, 84)
    assert kopi["public_engagement_rate_by_reach"] == pytest.approx(5.25)
    assert kopi["public_engagement_rate_by_reach_without"] is None
    ngopi = rows["instagram", MARCH, "ngopidirumah"]
    # p1 47 / 900 against p2 37 / 700; by views 47 / 1200 against 37 / 900
    assert (ngopi["posts"], ngopi["posts_without"]) == (1, 1)
    assert ngopi["public_engagement_rate_by_reach"] == pytest.approx(47 / 900 * 100)
    assert ngopi["public_engagement_rate_by_reach_without"] == pytest.approx(37 / 700 * 100)
    assert ngopi["public_engagement_rate_by_reach_difference"] == pytest.approx(47 / 900 * 100 - 37 / 700 * 100)
    assert ngopi["public_engagement_rate_by_views_difference"] == pytest.approx(47 / 1200 * 100 - 37 / 900 * 100)
    assert (ngopi["days_covered"], ngopi["is_complete_period"]) == (3, False)

    x_tag = rows["x", MARCH, "kopinusantara"]
    # x1 "#KopiNusantara": X gives no reach, so no rate by reach (NULL, not 0); 7 / 400 views = 1.75 %
    assert x_tag["public_engagement_rate_by_reach"] is None
    assert x_tag["public_engagement_rate_by_reach_difference"] is None
    assert x_tag["public_engagement_rate_by_views"] == pytest.approx(1.75)
    assert (x_tag["posts"], x_tag["posts_without"]) == (1, 0)
