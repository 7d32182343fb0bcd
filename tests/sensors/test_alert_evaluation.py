"""Pure rule evaluation: hand-computed numbers, then the planted drop and the quiet control period."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import polars as pl
import pytest
from conftest import DEFAULT_RULES
from kpi_test_data import COLUMNS, START

from sensors.evaluation import alert_id, evaluate_rules
from sensors.rules import load_alert_rules, parse_alert_rules

D0 = dt.date(2026, 3, 1)


def frame(
    values, *, kpi="engagement_rate_by_reach", platform="instagram", brand="Acme", own=True, samples=None, client="Acme"
):
    rows = []
    for i, value in enumerate(values):
        sample = samples[i] if samples else 10
        rows.append((kpi, client, brand, own, platform, D0 + dt.timedelta(days=i), value, value, None, sample))
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def rules(*specs):
    base = {"name": "r", "kpi": "engagement_rate_by_reach", "platforms": "any", "brands": "any"}
    return parse_alert_rules({"rules": [{**base, **spec} for spec in specs]}).rules


TRAILING = {"comparison": {"type": "trailing_baseline", "window_days": 5}}


def test_trailing_median_and_robust_deviations_by_hand():
    # history 10, 12, 8, 10, 11 -> median 10; |deviations| 0, 2, 2, 0, 1 -> MAD 1 -> spread 1.4826
    # today 6: change -40%, (6 - 10) / 1.4826 = -2.698 robust deviations
    data = frame([10, 12, 8, 10, 11, 6])
    day = D0 + dt.timedelta(days=5)
    [alert] = evaluate_rules(
        data, rules({**TRAILING, "threshold": {"change_pct": 30, "robust_deviations": 2.5}}), [day]
    )
    assert alert.kpi_date == day and alert.platform == "instagram" and alert.brand == "Acme"
    assert alert.value == 6 and alert.baseline == 10
    assert alert.change_pct == pytest.approx(-40.0)
    assert alert.robust_deviations == pytest.approx(-4 / 1.4826, abs=1e-4)
    assert "fell 40.0%" in alert.message and "6.00% vs 10.00% (5-day median)" in alert.message
    # the same day with a stricter spread condition does not fire
    assert (
        evaluate_rules(data, rules({**TRAILING, "threshold": {"change_pct": 30, "robust_deviations": 3}}), [day]) == []
    )
    # nor with a larger relative drop required
    assert evaluate_rules(data, rules({**TRAILING, "threshold": {"change_pct": 45}}), [day]) == []


def test_min_sample_no_alert_on_a_day_with_three_posts():
    data = frame([10, 12, 8, 10, 11, 2], samples=[10, 10, 10, 10, 10, 3])
    spec = {**TRAILING, "threshold": {"change_pct": 30}, "min_sample": 5}
    assert evaluate_rules(data, rules(spec)) == []
    assert len(evaluate_rules(frame([10, 12, 8, 10, 11, 2]), rules(spec))) == 1


def test_not_enough_history_no_alert():
    # min_history defaults to half the window: 3 of 5 days; only 2 days of history here
    assert evaluate_rules(frame([10, 10, 2]), rules({**TRAILING, "threshold": {"change_pct": 30}})) == []


def test_day_over_day():
    spec = {"comparison": {"type": "day_over_day"}, "threshold": {"change_pct": 25}}
    alerts = evaluate_rules(frame([100, 70, 60]), rules(spec))
    assert [(a.kpi_date, a.baseline, round(a.change_pct, 2)) for a in alerts] == [
        (D0 + dt.timedelta(days=1), 100, -30.0)
    ]


def test_week_over_week_compares_seven_day_means():
    # days 0-6 at 10, days 7-13 at 7: on day 13 the mean of the week is 7 vs 10 the week before -> -30%
    data = frame([10] * 7 + [7] * 7, kpi="share_of_voice_mentions", platform="all")
    spec = {"kpi": "share_of_voice_mentions", "comparison": {"type": "week_over_week"}, "threshold": {"change_pct": 25}}
    alerts = evaluate_rules(data, rules(spec))
    assert [a.kpi_date for a in alerts] == [D0 + dt.timedelta(days=12), D0 + dt.timedelta(days=13)]
    # day 12: this week = 6 x 7 + 10 -> mean 52/7; last week = days -1..5 (6 days of 10) -> mean 10
    assert alerts[0].change_pct == pytest.approx((52 / 7 - 10) / 10 * 100)
    assert alerts[1].value == 7 and alerts[1].baseline == 10


def test_absolute_floor_on_a_weekly_sum_fires_once_per_week_of_breach():
    # net follower change: +5 a day, then -3 a day for 10 days
    data = frame([5] * 7 + [-3] * 10, kpi="net_follower_change")
    spec = {
        "kpi": "net_follower_change",
        "comparison": {"type": "none", "current_days": 7},
        "aggregate": "sum",
        "threshold": {"absolute_floor": 0},
        "repeat_after_days": 7,
    }
    alerts = evaluate_rules(data, rules(spec))
    # sum of days d-6..d < 0 from day 11 on (4*5 - 3*3 = 11 on day 9, 3*5 - 4*3 = 3 on day 10, 2*5 - 5*3 = -5 on 11)
    assert [(a.kpi_date - D0).days for a in alerts] == [11]
    assert alerts[0].value == -5 and alerts[0].baseline is None
    assert "below the floor of 0" in alerts[0].message
    longer = frame([5] * 7 + [-3] * 20, kpi="net_follower_change")
    assert [(a.kpi_date - D0).days for a in evaluate_rules(longer, rules(spec))] == [11, 18, 25]


def test_persist_days_ignores_a_one_day_blip():
    spec = {**TRAILING, "threshold": {"change_pct": 30}, "persist_days": 2}
    assert evaluate_rules(frame([10, 10, 10, 10, 10, 5, 10, 10]), rules(spec)) == []
    alerts = evaluate_rules(frame([10, 10, 10, 10, 10, 5, 5, 10]), rules(spec))
    assert [(a.kpi_date - D0).days for a in alerts] == [6]


def test_rise_direction_and_min_baseline():
    spec = {
        "kpi": "mentions",
        "direction": "rise",
        "comparison": {"type": "day_over_day"},
        "threshold": {"change_pct": 100},
        "min_baseline": 5,
    }
    assert [a.change_pct for a in evaluate_rules(frame([10, 25], kpi="mentions"), rules(spec))] == [150.0]
    assert evaluate_rules(frame([2, 6], kpi="mentions"), rules(spec)) == []  # baseline 2 is below 5


def test_selection_of_brands_and_platforms():
    own = frame([10, 10, 10, 10, 10, 5], platform="instagram")
    all_platforms = frame([10, 10, 10, 10, 10, 5], platform="all")
    competitor = frame([10, 10, 10, 10, 10, 5], brand="Rival", own=False)
    data = pl.concat([own, all_platforms, competitor])
    spec = {**TRAILING, "threshold": {"change_pct": 30}}
    found = lambda **kw: sorted((a.brand, a.platform) for a in evaluate_rules(data, rules({**spec, **kw})))  # noqa: E731
    assert found(brands="own", platforms="each") == [("Acme", "instagram")]
    assert found(brands="own", platforms="any") == [("Acme", "all"), ("Acme", "instagram")]
    assert found(brands="competitors", platforms=["instagram"]) == [("Rival", "instagram")]
    assert found(brands=["Rival"], platforms="each") == [("Rival", "instagram")]


def test_only_the_dates_asked_for_are_evaluated_and_ids_are_deterministic():
    data = frame([10, 10, 10, 10, 10, 5, 5])
    spec = {**TRAILING, "threshold": {"change_pct": 30}}
    day5, day6 = D0 + dt.timedelta(days=5), D0 + dt.timedelta(days=6)
    assert [a.kpi_date for a in evaluate_rules(data, rules(spec), [day6])] == [day6]
    first = evaluate_rules(data, rules(spec))
    again = evaluate_rules(data, rules(spec))
    assert [a.alert_id for a in first] == [a.alert_id for a in again]
    assert first[0].alert_id == alert_id("r", "Acme", "instagram", day5)
    assert (
        len(
            {
                alert_id("r", "Acme", "instagram", day5),
                alert_id("r", "Acme", "instagram", day6),
                alert_id("r", "Acme", "tiktok", day5),
                alert_id("r2", "Acme", "instagram", day5),
            }
        )
        == 4
    )


def test_default_rules_find_the_planted_drop_on_the_right_platform_and_dates(drop_frame):
    config = load_alert_rules(DEFAULT_RULES)
    alerts = evaluate_rules(drop_frame, config.rules)
    drop_days = {START + dt.timedelta(days=300 + i) for i in range(7)}
    er = [a for a in alerts if a.rule_name == "engagement_rate_drop"]
    assert {(a.brand, a.platform) for a in er} == {("Kopi Nusantara", "instagram")}
    assert {a.kpi_date for a in er} <= drop_days
    assert len(er) >= 4  # most days of the week-long drop (the first day needs a second day to confirm)
    assert all(a.change_pct <= -30 for a in er)
    # nothing else anywhere else: every alert is about that incident
    assert all(
        a.platform == "instagram" and a.kpi_date in drop_days | {max(drop_days) + dt.timedelta(days=2)} for a in alerts
    ), [a.message for a in alerts]


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_default_rules_stay_quiet_on_a_control_period(seed):
    from kpi_test_data import make_kpi_rows

    config = load_alert_rules(DEFAULT_RULES)
    alerts = evaluate_rules(make_kpi_rows(400, seed=seed), config.rules)
    # 400 days x 6 platforms x 8 rules: a handful at most, not hundreds
    assert len(alerts) <= 5, Counter(a.rule_name for a in alerts)


def test_sample_from_posts_published_when_the_rate_has_no_sample_size():
    rates = frame([4.0, 4.2, 3.8, 4.0, 4.1, 2.0, 2.0], samples=[None] * 7)
    posts = frame([8, 8, 8, 8, 8, 3, 8], kpi="posts_published")
    spec = {**TRAILING, "threshold": {"change_pct": 30}, "min_sample": 5, "sample_kpi": "posts_published"}
    alerts = evaluate_rules(pl.concat([rates, posts], how="vertical_relaxed"), rules(spec))
    # day 5 has three posts: no alert; day 6 has eight: alert, with the sample recorded
    assert [((a.kpi_date - D0).days, a.sample_size) for a in alerts] == [(6, 8)]


def test_multi_day_rates_are_ratios_of_sums_not_averages_of_rates():
    # share of voice: week 1 every day 10 of 100 mentions (10%); week 2 day A 1 of 10, six days 30 of 600
    def rows(values):
        return [
            ("share_of_voice_mentions", "Acme", "Acme", True, "all", D0 + dt.timedelta(days=i), n / d * 100, n, d, d)
            for i, (n, d) in enumerate(values)
        ]

    data = pl.DataFrame(rows([(10, 100)] * 7 + [(1, 10)] + [(30, 600)] * 6), schema=COLUMNS, orient="row")
    spec = {"kpi": "share_of_voice_mentions", "comparison": {"type": "week_over_week"}, "threshold": {"change_pct": 40}}
    [alert] = evaluate_rules(data, rules(spec), [D0 + dt.timedelta(days=13)])
    # this week 181 / 3610 = 5.014% (the mean of daily rates would be 5.714%); last week 70 / 700 = 10%
    assert alert.value == pytest.approx(181 / 3610 * 100)
    assert alert.baseline == pytest.approx(10.0)
    assert alert.change_pct == pytest.approx((181 / 3610 * 100 - 10) / 10 * 100)


def test_format_value_shows_a_missing_value_as_not_available():
    from sensors.evaluation import format_value

    assert format_value("engagements", None) == "n/a"
    assert format_value("engagements", float("nan")) == "n/a"
    assert format_value("engagement_rate_by_reach", 4.236) == "4.24%"
