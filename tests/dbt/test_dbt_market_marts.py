"""Share of voice, benchmark, goals, KPIs, trending topics, best time and demographics on the sample
(dbt_sample_data.py). Expected numbers are computed by hand in the comments."""

from __future__ import annotations

from collections import defaultdict

import pytest

pytestmark = pytest.mark.slow

OWN, JAVA, SENJA = "Kopi Nusantara", "Java Roast Co", "Senja Coffee"


def test_share_of_voice_adds_up_to_100(query):
    totals = defaultdict(float)
    for row in query("select * from marts.fct_share_of_voice where set_total > 0"):
        totals[row["period_grain"], row["period_start"], row["platform"], row["basis"]] += row["share_pct"]
    assert totals
    assert all(total == pytest.approx(100.0) for total in totals.values())


def test_share_of_voice_numbers(query):
    def sov(grain, start, platform, basis):
        rows = query(
            "select * from marts.fct_share_of_voice where period_grain = ? and period_start = ?"
            " and platform = ? and basis = ?",
            grain,
            start,
            platform,
            basis,
        )
        return {r["brand"]: r for r in rows}

    # X mentions 2026-03-10: 30 / 60 / 10 of 100; 2026-03-11: 50 / 40 / 10 -> Kopi +20 points
    x_day1, x_day2 = sov("day", "2026-03-10", "x", "mentions"), sov("day", "2026-03-11", "x", "mentions")
    assert x_day1[OWN]["share_pct"] == pytest.approx(30.0)
    assert (x_day1[JAVA]["rank"], x_day1[OWN]["rank"], x_day1[SENJA]["rank"]) == (1, 2, 3)
    assert x_day2[OWN]["change_pct_points"] == pytest.approx(20.0)
    assert x_day2[JAVA]["change_pct_points"] == pytest.approx(-20.0)
    # all platforms adds RSS (Kopi 20, Java 0): Kopi 50 of 120
    all_day1 = sov("day", "2026-03-10", "all", "mentions")
    assert (all_day1[OWN]["value"], all_day1[OWN]["set_total"]) == (50, 120)
    assert all_day1[OWN]["share_pct"] == pytest.approx(50 / 120 * 100)
    # engagement on Instagram, week of Monday 2026-03-09: Kopi 130, Java 400 + 100 (latest snapshot), Senja 70
    week = sov("week", "2026-03-09", "instagram", "engagement")
    assert {b: r["value"] for b, r in week.items()} == {OWN: 130, JAVA: 500, SENJA: 70}
    assert week[OWN]["share_pct"] == pytest.approx(130 / 700 * 100)
    # search interest 40 vs 60; Senja has none but is in the set with 0
    search = sov("day", "2026-03-10", "all", "search")
    assert {b: r["share_pct"] for b, r in search.items()} == {OWN: 40.0, JAVA: 60.0, SENJA: 0.0}


def test_competitor_benchmark(query):
    rows = {
        r["brand"]: r
        for r in query(
            "select * from marts.fct_competitor_benchmark where platform = 'instagram' and period_start = '2026-03-09'"
        )
    }
    kopi = rows[OWN]
    # followers 10200 -> 10404 = +2 %; 130 public engagements on 10200 followers at publish
    assert kopi["follower_growth_rate"] == pytest.approx(2.0)
    assert kopi["engagement_rate_by_followers"] == pytest.approx(130 / 10200 * 100)
    # Java: (400 + 100) / (20000 + 20000) = 1.25 %; Senja 70 / 5000 = 1.4 %
    assert rows[JAVA]["engagement_rate_by_followers"] == pytest.approx(1.25)
    assert rows[JAVA]["public_engagements_per_post"] == pytest.approx(250.0)
    competitor_average = (1.25 + 1.4) / 2
    landscape_average = (130 / 10200 * 100 + 1.25 + 1.4) / 3
    assert kopi["engagement_rate_by_followers_vs_competitor_average"] == pytest.approx(
        130 / 10200 * 100 - competitor_average
    )
    assert kopi["engagement_rate_by_followers_vs_landscape_average"] == pytest.approx(
        130 / 10200 * 100 - landscape_average
    )
    assert kopi["top_hashtags"] == ["kopi", "kopinusantara"]


def test_goal_progress(query):
    rows = {
        (r["goal_id"], str(r["metric_date"])): r
        for r in query("select * from marts.fct_goal_progress order by goal_id, metric_date")
    }
    # 10000 -> 10400 over 4 days: expected 10200 at the end of day 2, actual 10100: pace 10100 / 10200, behind
    day2 = rows["ig-followers", "2026-03-02"]
    assert (day2["expected_value"], day2["actual_value"]) == (pytest.approx(10200), 10100)
    assert day2["goal_pace_pct"] == pytest.approx(10100 / 10200 * 100)
    assert day2["is_on_track"] is False
    assert day2["projected_value"] == pytest.approx(10200)
    # mentions (all platforms, own brand by default), cumulative from 0: 50, then 50 + 50 = 100 of 200 expected
    assert rows["mentions", "2026-03-10"]["actual_value"] == pytest.approx(50)
    last = rows["mentions", "2026-03-11"]
    assert (last["actual_value"], last["expected_value"]) == (pytest.approx(100), pytest.approx(200))
    assert last["brand"] == OWN
    assert last["goal_pace_pct"] == pytest.approx(50.0)  # 100 of the 200 expected


def test_kpi_daily_contract(query):
    columns = [
        r["column_name"]
        for r in query(
            "select column_name from information_schema.columns where table_schema = 'marts'"
            " and table_name = 'fct_kpi_daily' order by ordinal_position"
        )
    ]
    assert columns == [
        "kpi", "engagement_view", "day_basis", "client_brand", "brand", "is_own_brand", "platform", "metric_date",
        "value", "numerator", "denominator", "sample_size",
    ]  # fmt: skip
    kpis = {r["kpi"] for r in query("select distinct kpi from marts.fct_kpi_daily")}
    assert {"followers", "engagement_rate_by_reach", "share_of_voice_mentions", "goal_pace", "mentions"} <= kpis

    (sov,) = query(
        "select * from marts.fct_kpi_daily where kpi = 'share_of_voice_mentions' and brand = ?"
        " and platform = 'x' and metric_date = '2026-03-10'",
        OWN,
    )
    assert (sov["value"], sov["numerator"], sov["denominator"]) == (30.0, 30.0, 100.0)
    (growth,) = query(
        "select * from marts.fct_kpi_daily where kpi = 'follower_growth_rate' and platform = 'all'"
        " and metric_date = '2026-03-02'"
    )
    # all platforms: (100 + 10) / (10000 + 500) -- sums, not the mean of 1 % and 2 %
    assert growth["value"] == pytest.approx(110 / 10500 * 100)
    assert (growth["numerator"], growth["denominator"]) == (110, 10500)


def test_trending_topics(query):
    rows = {(r["topic_source"], r["topic"]): r for r in query(
        "select * from marts.fct_trending_topics where metric_date = '2026-03-10'"
    )}  # fmt: skip
    promo = rows["google_trends", "kopi nusantara promo"]
    assert promo["is_own_brand_match"] and promo["matched_brands"] == [OWN]
    assert (promo["own_posts"], promo["mentions"]) == (1, 1)
    assert rows["google_trends", "cuaca jakarta"]["is_brand_match"] is False
    # hashtags of 2026-03-10: kopinusantara on 2 posts ranks first
    assert rows["hashtags", "kopinusantara"]["topic_rank"] == 1


def test_best_time_and_demographics(query):
    rows = {(r["platform"], r["weekday"], r["hour_of_day"]): r for r in query(
        "select * from marts.fct_best_time_to_post"
    )}  # fmt: skip
    sunday_9 = rows["instagram", 7, 9]
    # one post: not enough for the default minimum of 3, so not ranked; 100 of 400 followers online
    assert sunday_9["posts"] == 1 and sunday_9["is_sufficient_sample"] is False and sunday_9["slot_rank"] is None
    assert sunday_9["follower_online_share_pct"] == pytest.approx(25.0)
    assert rows["instagram", 7, 12]["follower_online_share_pct"] == pytest.approx(75.0)

    shares = {r["dimension_value"]: r["audience_share_pct"] for r in query(
        "select * from marts.fct_audience_demographics"
    )}  # fmt: skip
    # counts only for age (300 / 1000), shares for gender
    assert shares["18-24"] == pytest.approx(30.0)
    assert shares["female"] == pytest.approx(60.0)
