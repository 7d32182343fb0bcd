"""The editorial plan through the real dbt build of the sample warehouse: slots from dated and weekly lines,
matched with the own posts, counted per week."""

import datetime as dt

import pytest
from dbt_sample_data import OWN

pytestmark = pytest.mark.slow


def test_slots_are_expanded_and_matched(query):
    rows = query(
        "select item_type, status, plan_line, platform, planned_date, post_id, days_off"
        " from intermediate.int_editorial_plan_matched order by platform, planned_date nulls last, post_id"
    )
    assert [(r["item_type"], r["status"], r["plan_line"], r["post_id"], r["days_off"]) for r in rows] == [
        ("planned", "on_time", 2, "p1", 0),
        ("planned", "missing", 3, None, None),
        ("off_plan", "off_plan", None, "p2", None),
        ("planned", "late", 4, "x1", 1),
    ]
    # the weekly Monday slot runs from the first instagram post (03-01) to the last day read: one Monday, 03-02
    assert rows[1]["planned_date"] == dt.date(2026, 3, 2)


def test_weekly_adherence(query):
    rows = {
        (r["platform"], str(r["week_start"])): r
        for r in query("select * from marts.fct_editorial_adherence where brand = ?", OWN)
    }
    # week of Monday 2026-02-23 holds Sunday 03-01 (p1 on time); week of 03-02 the missing carousel and p2
    assert rows["instagram", "2026-02-23"]["on_time_posts"] == 1
    week = rows["instagram", "2026-03-02"]
    assert (week["planned_posts"], week["missing_posts"], week["published_posts"], week["off_plan_posts"]) == (
        1,
        1,
        1,
        1,
    )
    assert week["adherence_pct"] == 0.0
    x_week = rows["x", "2026-03-09"]
    assert (x_week["late_posts"], x_week["adherence_pct"], x_week["on_time_pct"]) == (1, 100.0, 0.0)
