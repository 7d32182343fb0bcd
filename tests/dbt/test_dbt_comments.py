"""Comments and responsiveness through the real dbt build of the sample warehouse (tests/dbt/dbt_sample_data.py:
comment_rows). Reply times computed by hand: brand replies, replies by others, nested threads, a deleted comment
and a deleted brand reply, a brand reply stamped before the comment (clock skew)."""

import datetime as dt

import pytest
from dbt_sample_data import OWN

pytestmark = pytest.mark.slow


def test_comments_as_the_latest_read_shows_them_with_reply_times(query):
    rows = {r["comment_id"]: r for r in query("select * from marts.fct_comments where platform = 'instagram'")}
    # the comment deleted after the 03-03 read and the brand reply deleted since are gone
    assert "cdel" not in rows and "r7a" not in rows
    assert len(rows) == 13 and {r["brand"] for r in rows.values()} == {OWN}
    minutes = {cid: rows[cid]["reply_minutes"] for cid in ("c1", "c2", "r2b", "c3", "c4", "c5", "c7")}
    # c1: another user's reply after 5 minutes does not answer; the brand's after 45 does
    # c2: the brand at 12:30 (30 min); the follow-up r2b at 13:00 is answered at 15:00 (120 min)
    # c3: the brand's reply is stamped 90 s before the complaint: clock skew, 0 minutes
    assert minutes == {"c1": 45.0, "c2": 30.0, "r2b": 120.0, "c3": 0.0, "c4": None, "c5": None, "c7": None}
    assert rows["c3"]["has_clock_skew"] and not rows["c1"]["has_clock_skew"]
    assert rows["c1"]["first_brand_reply_at"] == dt.datetime(2026, 3, 2, 10, 45, tzinfo=dt.UTC)
    # questions and who needs a reply
    assert [cid for cid, r in sorted(rows.items()) if r["needs_reply"]] == ["c1", "c2", "c3", "c4", "c5", "c7", "r2b"]
    assert not rows["c6"]["needs_reply"] and not rows["r1a"]["needs_reply"] and not rows["r1b"]["needs_reply"]
    assert rows["c3"]["sentiment"] == "negative" and rows["c6"]["sentiment"] == "positive"
    # read at 03-05 00:00 UTC: c4 (40 h) and c7 (39 h, its brand reply deleted) are overdue, c5 (12 h) not yet
    overdue = sorted(cid for cid, r in rows.items() if r["is_unanswered_question_over_24h"])
    assert overdue == ["c4", "c7"]
    assert rows["c1"]["thread_id"] == "c1" and rows["r1a"]["thread_id"] == "c1" and rows["r1a"]["is_reply"]
    # created_date is the partition day: c3 at 20:00 UTC is 03:00 on 03-03 in Asia/Jakarta
    assert str(rows["c3"]["created_date"]) == "2026-03-03"


def test_x_replies_as_the_last_read_of_a_post_younger_than_7_days_showed_them(query):
    """X: the post is read only while recent search reaches it; its latest read (03-11) is what counts."""
    rows = {r["comment_id"]: r for r in query("select * from marts.fct_comments where platform = 'x'")}
    assert sorted(rows) == ["xb1", "xb2", "xf1", "xq1"] and {r["brand"] for r in rows.values()} == {OWN}
    assert {str(r["observed_at"])[:10] for r in rows.values()} == {"2026-03-12"}  # the read of 03-11
    # xq1 03:00 answered by xb1 03:40 (40 min); the follow-up xf1 (03-10 04:00) by xb2 (03-11 06:00): 26 h
    assert (rows["xq1"]["reply_minutes"], rows["xf1"]["reply_minutes"]) == (40.0, 1560.0)
    assert rows["xf1"]["thread_id"] == "xq1" and rows["xf1"]["is_reply"] and not rows["xb1"]["needs_reply"]
    (week,) = query("select * from marts.fct_responsiveness where platform = 'x'")
    assert (week["comments"], week["comments_needing_reply"], week["comments_answered"]) == (2, 2, 2)
    assert week["median_reply_minutes"] == pytest.approx(800.0)  # (40 + 1560) / 2


def test_responsiveness_week_and_kpis(query):
    (week,) = query("select * from marts.fct_responsiveness where platform = 'instagram'")
    # 9 audience comments, 7 need a reply, 4 answered (0, 30, 45, 120 minutes)
    assert (week["comments"], week["comments_needing_reply"], week["comments_answered"]) == (9, 7, 4)
    assert week["answered_share_pct"] == pytest.approx(400 / 7)
    assert week["median_reply_minutes"] == pytest.approx(37.5)
    assert week["p90_reply_minutes"] == pytest.approx(45 + 0.7 * 75)  # position 0.9 x 3 = 2.7
    assert (week["questions"], week["unanswered_questions_over_24h"], week["replies_with_clock_skew"]) == (6, 2, 1)
    assert str(week["week_start_date"]) == "2026-03-02" and not week["is_settled"]  # c5 was 12 h old
    kpis = {
        (r["kpi"], str(r["metric_date"])): r
        for r in query(
            "select * from marts.fct_kpi_daily where platform = 'instagram' and kpi in "
            "('comments_answered_share', 'median_reply_minutes', 'unanswered_questions')"
        )
    }
    # 03-02: c1, c2, r2b need a reply, all answered (30, 45, 120 -> median 45)
    share = kpis["comments_answered_share", "2026-03-02"]
    assert (share["value"], share["numerator"], share["denominator"], share["sample_size"]) == (100.0, 3, 3, 3)
    assert kpis["median_reply_minutes", "2026-03-02"]["value"] == 45.0
    # 03-03: c3 (answered, skew), c4 and c7 unanswered: 1 of 3; two questions overdue
    assert kpis["comments_answered_share", "2026-03-03"]["value"] == pytest.approx(100 / 3)
    assert kpis["unanswered_questions", "2026-03-03"]["value"] == 2.0
    # 03-04: c5 was 12 h old at the read: the day is not settled, no responsiveness KPI yet
    assert not any(day == "2026-03-04" for _, day in kpis)


def test_the_list_to_work_through_in_the_asset_preview(built_warehouse):
    import duckdb

    from assets.mart_metadata import comments_to_answer

    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        numbers, preview = comments_to_answer(conn)
    # c4 and c7 (unanswered questions, overdue) and c5 (12 h old) await a reply, oldest first
    assert (numbers["comments_awaiting_reply"].value, numbers["questions_unanswered_over_24h"].value) == (3, 2)
    lines = [line for line in preview.splitlines() if line.startswith("| Kopi")]
    assert [line.split(" | ")[5] for line in lines] == [
        "Is this available in Depok?",
        "Kapan buka cabang Bandung?",
        "How much is it?",
    ]
