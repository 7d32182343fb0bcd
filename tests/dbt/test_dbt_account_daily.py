"""fct_posts, fct_post_metrics_daily and fct_account_daily on the hand-written sample (dbt_sample_data.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_fct_posts_latest_snapshot_and_rates(query):
    rows = {r["post_id"]: r for r in query("select * from marts.fct_posts order by post_id")}
    # f1 .. f4: the own Facebook posts of April (dbt_sample_data.facebook_post_rows)
    assert set(rows) == {"p1", "p2", "x1", "f1", "f2", "f3", "f4"}

    p1 = rows["p1"]
    # latest snapshot (2026-03-03): reactions 38 + comments 6 + shares 3 + saves 2 = 49; public 38 + 6 + 3 = 47
    assert p1["snapshots_count"] == 3
    assert (p1["engagements"], p1["public_engagements"]) == (49, 47)
    # 49 / reach 900 * 100 = 5.444..; 49 / views 1200 * 100 = 4.0833..; public 47 / 900
    assert p1["engagement_rate_by_reach"] == pytest.approx(49 / 900 * 100)
    assert p1["engagement_rate_by_views"] == pytest.approx(49 / 1200 * 100)
    assert p1["public_engagement_rate_by_reach"] == pytest.approx(47 / 900 * 100)
    # published 2026-03-01 02:00 UTC; the earliest follower figure (the Pacific day 02-28) is counted at 08:00 UTC,
    # after it: no figure from before publishing -> NULL with its reason, never a later figure
    assert p1["followers_at_publish"] is None
    assert p1["followers_at_publish_missing_reason"] == "no follower figure before publishing"
    assert p1["engagement_rate_by_followers"] is None
    # 02:00 UTC = 09:00 in Jakarta, a Sunday (ISO 7); the Pacific day is Saturday 02-28
    assert (p1["published_weekday_local"], p1["published_hour_local"]) == (7, 9)
    assert str(p1["published_date_platform"]) == "2026-02-28"
    assert p1["hashtags"] == ["kopi", "ngopidirumah"]
    assert (p1["brand"], p1["is_own_brand"]) == ("Kopi Nusantara", True)

    p2 = rows["p2"]
    # 30 + 5 + 2 + 1 = 38; published 2026-03-02 05:00 UTC: the Pacific day 02-28 (9900) ended before it, 03-01
    # (10000) only at 08:00 UTC -> 9900; public 37 / 9900
    assert p2["engagements"] == 38
    assert (p2["followers_at_publish"], str(p2["followers_at_publish_date"])) == (9900, "2026-02-28")
    assert p2["engagement_rate_by_followers"] == pytest.approx(37 / 9900 * 100)
    assert (p2["published_weekday_local"], p2["published_hour_local"]) == (1, 12)

    # x1 (2026-03-10): X followers are read for the partition day; 03-02 (510) ended 03-02 17:00 UTC
    assert rows["x1"]["followers_at_publish"] == 510
    assert rows["x1"]["engagement_rate_by_followers"] == pytest.approx(7 / 510 * 100)


def test_fct_post_metrics_daily_deltas_with_clamped_correction(query):
    rows = query(
        "select post_id, metric_date::varchar as d, views, reach, reactions, comments, engagements,"
        " corrections_count, is_increase_unknown from marts.fct_post_metrics_daily where platform = 'instagram'"
        " order by post_id, metric_date"
    )
    by_key = {(r["post_id"], r["d"]): r for r in rows}
    assert len(rows) == 5
    # p1 is first seen on its (local) publish day, so it counts from 0: 10 + 2 + 1 + 1 = 14
    assert by_key["p1", "2026-03-01"]["engagements"] == 14
    assert not any(r["is_increase_unknown"] for r in rows)
    # p1 2026-03-02: views 1000 - 300 = 700; reactions +30, comments +3, shares +2, saves +1 = 36
    assert by_key["p1", "2026-03-02"]["views"] == 700
    assert by_key["p1", "2026-03-02"]["engagements"] == 36
    # p1 2026-03-03: reactions 40 -> 38 is clamped to 0 and counted; comments +1 -> engagements 1
    day3 = by_key["p1", "2026-03-03"]
    assert (day3["reactions"], day3["corrections_count"], day3["engagements"]) == (0, 1, 1)
    # the daily increases of views add up to the latest lifetime total when nothing was corrected
    assert sum(r["views"] for r in rows if r["post_id"] == "p2") == 900
    assert sum(r["corrections_count"] for r in rows) == 1


def test_fct_account_daily_numbers(query):
    rows = {
        r["d"]: r
        for r in query(
            "select *, metric_date::varchar as d from marts.fct_account_daily"
            " where platform = 'instagram' and metric_date <= '2026-03-03' order by metric_date"
        )
    }
    assert list(rows) == ["2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03"]
    assert {r["day_basis"] for r in rows.values()} == {"platform_day:America/Los_Angeles"}

    # p1 (18:00 Pacific on 02-28) counts on the platform's day 02-28, p2 (21:00 Pacific on 03-01) on 03-01
    assert rows["2026-02-28"]["posts_published"] == 1
    assert rows["2026-02-28"]["published_posts_engagement_rate_by_followers"] is None  # p1 has no followers

    day1 = rows["2026-03-01"]
    # platform engagements 200: / reach 2000 = 10 %, / views 5000 = 4 %, / followers 10000 = 2 %
    assert day1["engagements"] == 200
    assert day1["engagement_rate_by_reach"] == pytest.approx(10.0)
    assert day1["engagement_rate_by_views"] == pytest.approx(4.0)
    assert day1["engagement_rate_by_followers"] == pytest.approx(2.0)
    assert (day1["net_follower_change"], day1["follower_growth_rate"]) == (100, pytest.approx(100 / 9900 * 100))
    # p2 published that day: lifetime public engagements 30 + 5 + 2 = 37 on 9900 followers at publish
    assert day1["posts_published"] == 1
    assert day1["published_posts_public_engagements"] == 37
    assert day1["published_posts_engagement_rate_by_followers"] == pytest.approx(37 / 9900 * 100)

    day2 = rows["2026-03-02"]
    # no platform figure: engagements and their rates stay NULL (posts are never mixed into account figures)
    assert day2["engagements"] is None
    assert day2["engagement_rate_by_reach"] is None
    # 10000 -> 10100: +100, growth 100 / 10000 = 1 %
    assert (day2["net_follower_change"], day2["follower_growth_rate"]) == (100, pytest.approx(1.0))
    assert day2["posts_published"] == 0
    assert day2["website_clicks"] is None

    day3 = rows["2026-03-03"]
    # reach 0 -> rate NULL, never a division error; 100 / 4000 views = 2.5 %; -50 on 10100
    assert day3["engagement_rate_by_reach"] is None
    assert day3["engagement_rate_by_views"] == pytest.approx(2.5)
    assert day3["follower_growth_rate"] == pytest.approx(-50 / 10100 * 100)
    assert day3["posts_published"] == 0


def test_x_account_without_reach_has_null_rate(query):
    rows = query(
        "select * from marts.fct_account_daily where platform = 'x' and metric_date <= '2026-03-02'"
        " order by metric_date"
    )
    assert [r["engagement_rate_by_reach"] for r in rows] == [None, None]
    assert rows[0]["engagement_rate_by_views"] == pytest.approx(5.0)  # 50 / 1000
    assert rows[1]["net_follower_change"] == 10


def test_a_file_import_of_the_same_day_does_not_replace_the_api_row(query):
    # dbt_sample_data.py loads 2026-03-01 (account) and p1's 2026-03-02 snapshot twice: API, then a later file
    (account,) = query(
        "select followers, engagements, record_source, count(*) over () as n"
        " from intermediate.int_account_daily_unioned"
        " where platform = 'instagram' and metric_date = '2026-03-01'"
    )
    assert (account["followers"], account["engagements"], account["record_source"], account["n"]) == (
        10000, 200, "api:instagram", 1,
    )  # fmt: skip
    (snapshot,) = query(
        "select reactions, record_source, count(*) over () as n from intermediate.int_post_snapshots_unioned"
        " where post_id = 'p1' and snapshot_date = '2026-03-02'"
    )
    assert (snapshot["reactions"], snapshot["record_source"], snapshot["n"]) == (40, "api:instagram", 1)
