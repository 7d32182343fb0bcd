"""The comments section's queries are one client's: an agency's report for Teh Tarik Co never counts or lists a
comment written on Kopi Nusantara's posts. Real DuckDB with fct_comments rows written by hand."""

from __future__ import annotations

import datetime as dt

import duckdb

from pipelines.reports import data

DAY = dt.date(2026, 3, 10)
COLUMNS = (
    "client_brand varchar, brand varchar, platform varchar, created_at timestamptz, created_date date, "
    "age_hours double, is_brand_author boolean, is_question boolean, sentiment varchar, comment_text varchar, "
    "post_url varchar, needs_reply boolean, is_answered boolean, reply_minutes double, "
    "is_unanswered_question_over_24h boolean"
)


def comment(client: str, platform: str, hour: int, *, needs_reply: bool, reply_minutes: float | None) -> tuple:
    created = dt.datetime(2026, 3, 10, hour, tzinfo=dt.UTC)
    answered = reply_minutes is not None
    question = needs_reply and not answered
    return (
        client, client, platform, created, DAY, 30.0, False, question, "neutral", f"{client} {hour}",
        f"https://example.com/{client}/{hour}", needs_reply, answered, reply_minutes, question,
    )  # fmt: skip


def warehouse() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("create schema marts")
    conn.execute(f"create table marts.fct_comments ({COLUMNS})")
    rows = [
        # Kopi: 3 needing a reply on instagram, 2 answered after 10 and 30 minutes, 1 waiting
        comment("Kopi Nusantara", "instagram", 1, needs_reply=True, reply_minutes=10.0),
        comment("Kopi Nusantara", "instagram", 2, needs_reply=True, reply_minutes=30.0),
        comment("Kopi Nusantara", "instagram", 3, needs_reply=True, reply_minutes=None),
        # Teh: 2 on facebook, 1 needing a reply and waiting, 1 remark that needs none
        comment("Teh Tarik Co", "facebook", 4, needs_reply=True, reply_minutes=None),
        comment("Teh Tarik Co", "facebook", 5, needs_reply=False, reply_minutes=None),
    ]
    conn.executemany(f"insert into marts.fct_comments values ({', '.join('?' * 15)})", rows)
    return conn


def test_responsiveness_and_the_waiting_list_are_the_clients_own() -> None:
    conn = warehouse()
    teh = data.responsiveness_by_platform(conn, "Teh Tarik Co", DAY, DAY).to_dicts()
    assert [(r["platform"], r["comments"], r["comments_needing_reply"]) for r in teh] == [
        ("facebook", 2, 1),
        ("all", 2, 1),
    ]
    assert teh[-1]["answered_share_pct"] == 0.0 and teh[-1]["unanswered_questions_over_24h"] == 1
    kopi = data.responsiveness_by_platform(conn, "Kopi Nusantara", DAY, DAY).to_dicts()[-1]
    assert (kopi["comments_needing_reply"], kopi["median_reply_minutes"]) == (3, 20.0)  # (10 + 30) / 2
    assert round(kopi["answered_share_pct"], 6) == round(200 / 3, 6)
    waiting = data.comments_awaiting_reply(conn, 10, "Teh Tarik Co", since=DAY, until=DAY)
    assert waiting["comment_text"].to_list() == ["Teh Tarik Co 4"]
    # without a client (the Dagster UI's list): every client's, oldest first
    everyone = data.comments_awaiting_reply(conn, 10)
    assert everyone["comment_text"].to_list() == ["Kopi Nusantara 3", "Teh Tarik Co 4"]
