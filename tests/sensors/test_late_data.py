"""Late data is re-evaluated: dates evaluated while a platform was missing, or before Meta finalized a number,
are checked again once their inputs change (per KPI and platform), and each alert is still raised once."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance, build_sensor_context
from kpi_test_data import OWN, START, make_kpi_rows, write_mart

from pipelines.resources import WarehouseResource
from sensors.evaluation import evaluate_rules, influence_days
from sensors.kpi_alert_sensor import build_kpi_alert_sensor
from sensors.resources import AlertingResource
from sensors.rules import load_alert_rules, parse_alert_rules
from sensors.service import _within_reach, evaluate_and_deliver, plan_evaluation

MART = AssetKey(["marts", "fct_kpi_daily"])


def alerts_and_deliveries(path) -> tuple[list[tuple], list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        alerts = conn.execute(
            "select alert_id, rule_name, platform, kpi_date from alerts.kpi_alerts order by 1"
        ).fetchall()
        deliveries = conn.execute("select alert_id, channel from alerts.deliveries order by 1, 2").fetchall()
    return alerts, deliveries


def tick(instance, resources, cursor):
    instance.report_runless_asset_event(AssetMaterialization(asset_key=MART))
    result = build_kpi_alert_sensor()(build_sensor_context(instance=instance, cursor=cursor, resources=resources))
    return result, result.cursor


def test_a_backfilled_platform_raises_the_alerts_a_clean_run_raises_once(tmp_path, drop_frame, write_rules) -> None:
    """Instagram (with the planted engagement drop) was missing when its dates were evaluated; the backfill
    raises exactly the alerts a clean run raises, once, and nothing on a further tick."""
    rules = str(write_rules())
    clean = tmp_path / "clean.duckdb"
    write_mart(clean, drop_frame)
    with DagsterInstance.ephemeral() as instance:
        resources = {
            "warehouse": WarehouseResource(path=str(clean), lock_wait_seconds=0),
            "alerting": AlertingResource(rules_path=rules),
        }
        tick(instance, resources, None)
    expected, expected_deliveries = alerts_and_deliveries(clean)
    assert any(rule == "engagement_rate_drop" and platform == "instagram" for _, rule, platform, _ in expected)

    late = tmp_path / "late.duckdb"
    write_mart(late, drop_frame.filter(pl.col("platform") != "instagram"))
    with DagsterInstance.ephemeral() as instance:
        resources = {
            "warehouse": WarehouseResource(path=str(late), lock_wait_seconds=0),
            "alerting": AlertingResource(rules_path=rules),
        }
        _, cursor = tick(instance, resources, None)
        before, _ = alerts_and_deliveries(late)
        assert not any(platform == "instagram" for _, _, platform, _ in before)

        write_mart(late, drop_frame.filter(pl.col("platform") == "instagram"), replace=False)  # the backfill
        backfilled, cursor = tick(instance, resources, cursor)
        message = backfilled.skip_reason.skip_message
        assert "evaluated 0 new date(s)" in message and "re-checked 400 date(s) whose inputs changed" in message

        after, deliveries = alerts_and_deliveries(late)
        assert after == expected  # the same alerts as the clean run: the same ids, rules, platforms, days
        assert deliveries == expected_deliveries  # one delivery per alert and channel
        assert len({alert_id for alert_id, *_ in after}) == len(after)

        again, _ = tick(instance, resources, cursor)
        assert "re-checked" not in again.skip_reason.skip_message
        assert alerts_and_deliveries(late) == (after, deliveries)


def test_a_number_finalized_late_is_checked_again(tmp_path, write_rules) -> None:
    """Meta revises the last days 48 h later: the first evaluation saw normal numbers; after the revision the
    drop is there and raised, once; only the revised days and those their value reaches are re-checked."""
    days = 360
    final = make_kpi_rows(days, seed=5, drop=("facebook", days - 3, 3, 0.4))
    preliminary = make_kpi_rows(days, seed=5)
    path = tmp_path / "mart.duckdb"
    write_mart(path, preliminary)
    config = load_alert_rules(write_rules())
    with duckdb.connect(str(path)) as conn:
        first = evaluate_and_deliver(conn, config, {})
    assert not any(a.platform == "facebook" and a.rule_name == "engagement_rate_drop" for a in first.alerts_raised)

    revised_days = (START + dt.timedelta(days=days - 3), START + dt.timedelta(days=days - 1))
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "delete from marts.fct_kpi_daily where platform = 'facebook' and metric_date between ? and ?",
            list(revised_days),
        )
        window = final.filter(
            (pl.col("platform") == "facebook") & pl.col("metric_date").is_between(*revised_days)
        ).to_arrow()
        conn.register("incoming", window)
        conn.execute("insert into marts.fct_kpi_daily select * from incoming")
        conn.unregister("incoming")
        second = evaluate_and_deliver(conn, config, {})
        third = evaluate_and_deliver(conn, config, {})
    assert second.dates_rechecked == [revised_days[0] + dt.timedelta(days=i) for i in range(3)]
    raised = {(a.rule_name, a.platform) for a in second.alerts_raised}
    assert ("engagement_rate_drop", "facebook") in raised
    assert {a.platform for a in second.alerts_raised} == {"facebook"}
    assert third.dates_evaluated == [] and third.alerts_raised == []
    # what a clean evaluation of the final numbers finds on those days, raised exactly once
    clean = {
        a.alert_id
        for a in evaluate_rules(final, config.active_rules, second.dates_evaluated)
        if a.platform == "facebook"
    }
    assert {a.alert_id for a in second.alerts_raised} == clean


def test_the_settle_window_holds_back_each_platforms_newest_days(tmp_path, quiet_frame) -> None:
    """settle_days counts from each KPI and platform's own newest day: a platform two days behind still has its
    older days evaluated, and its newest days wait."""
    last = quiet_frame["metric_date"].max()
    frame = quiet_frame.filter(
        ~((pl.col("platform") == "tiktok") & (pl.col("metric_date") > last - dt.timedelta(days=2)))
    )
    path = tmp_path / "mart.duckdb"
    write_mart(path, frame)
    config = parse_alert_rules(
        {
            "evaluation": {"settle_days": 1},
            "rules": [
                {
                    "name": "er",
                    "kpi": "engagement_rate_by_reach",
                    "comparison": {"type": "day_over_day"},
                    "threshold": {"change_pct": 99},
                }
            ],
        }
    )
    with duckdb.connect(str(path)) as conn:
        plan = plan_evaluation(conn, config.active_rules, settle_days=1)
    assert max(plan.scope[("er", OWN, "instagram")]) == last - dt.timedelta(days=1)
    assert max(plan.scope[("er", OWN, "tiktok")]) == last - dt.timedelta(days=3)
    assert (OWN, "engagement_rate_by_reach", "tiktok", last - dt.timedelta(days=2)) not in plan.inputs


@pytest.mark.parametrize(
    "rule, reach",
    [
        # current 2 + trailing 28: the oldest baseline window ends 29 days back -> 1 + 29
        ({"comparison": {"type": "trailing_baseline", "window_days": 28, "current_days": 2}}, 30),
        ({"comparison": {"type": "week_over_week"}}, 6 + 7),
        ({"comparison": {"type": "day_over_day"}, "persist_days": 2}, 1 + 1 + 7),
        ({"comparison": {"type": "none", "current_days": 7}, "repeat_after_days": 7}, 6 + 7),
    ],
)
def test_influence_days_by_hand(rule, reach) -> None:
    threshold = {"absolute_floor": 1} if rule["comparison"]["type"] == "none" else {"change_pct": 10}
    config = parse_alert_rules({"rules": [{"name": "r", "kpi": "views", "threshold": threshold, **rule}]})
    assert influence_days(config.rules[0]) == reach


def test_within_reach() -> None:
    day = dt.date(2026, 1, 10)
    candidates = [day + dt.timedelta(days=i) for i in range(-2, 6)]
    assert _within_reach(candidates, [day], 3) == {day + dt.timedelta(days=i) for i in range(4)}
    assert _within_reach(candidates, [], 3) == set()
