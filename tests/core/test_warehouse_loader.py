"""The shared loader: idempotent, transactional per partition window, schema evolution, clear errors."""

import datetime as dt
import subprocess
import sys
import textwrap

import duckdb
import polars as pl
import pytest

from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS
from pipelines.errors import InputDataError
from pipelines.warehouse import ensure_tables, load_partitions

D1, D2, D3 = dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 5, 3)


def account_rows(days, followers=100):
    return [
        {
            "account_id": "a1",
            "metric_date": d,
            "followers": followers + i,
            "followers_gained": 2,
            "followers_lost": 1,
            "views": 1000,
            "reach": 500,
            "engagements": 50,
            "profile_visits": None,
            "website_clicks": None,
        }
        for i, d in enumerate(days)
    ]


def table_contents(conn, table):
    return conn.execute(f"select * exclude (_loaded_at, _run_id) from raw.{table} order by all").fetchall()


def load(conn, rows, window, source="api:facebook", run_id="run-1", table="facebook__account_daily"):
    return load_partitions(conn, table, rows, ACCOUNT_DAILY, window=window, source=source, run_id=run_id)


def test_reloading_a_window_gives_the_same_table(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1, D2, D3]), (D1, D3))
    first = table_contents(conn, "facebook__account_daily")
    result = load(conn, account_rows([D1, D2, D3]), (D1, D3), run_id="run-2")
    assert table_contents(conn, "facebook__account_daily") == first
    assert result.deleted == 3 and result.rows == 3


def test_a_window_replaces_only_its_own_days_and_source(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1, D2, D3]), (D1, D3))
    load(conn, account_rows([D2], followers=999), (D2, D2), source="file:export.csv")
    load(conn, account_rows([D2], followers=555), (D2, D2))
    rows = conn.execute(
        "select metric_date, followers, _source from raw.facebook__account_daily order by 1, 3"
    ).fetchall()
    assert rows == [
        (D1, 100, "api:facebook"),
        (D2, 555, "api:facebook"),
        (D2, 999, "file:export.csv"),
        (D3, 102, "api:facebook"),
    ]


def test_lineage_columns_are_filled(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1]), (D1, D1), run_id="abc")
    row = conn.execute(
        "select _source, _partition_date, _run_id, _loaded_at is not null from raw.facebook__account_daily"
    ).fetchone()
    assert row == ("api:facebook", D1, "abc", True)


def test_a_new_api_column_is_kept_and_a_missing_one_becomes_null(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = account_rows([D1])
    rows[0]["brand_new_metric"] = 7
    del rows[0]["reach"]
    result = load(conn, rows, (D1, D1))
    assert result.added_columns == ["brand_new_metric"]
    assert any("reach" in w and "NULL" in w for w in result.warnings)
    assert any("brand_new_metric" in w for w in result.warnings)
    assert conn.execute("select reach, brand_new_metric from raw.facebook__account_daily").fetchone() == (None, 7)


def test_rows_outside_the_window_are_an_error_not_dropped(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(InputDataError, match=r"2026-05-03.*outside the window 2026-05-01..2026-05-02"):
        load(conn, account_rows([D1, D3]), (D1, D2))
    ensure_tables(conn, {"facebook__account_daily": ACCOUNT_DAILY})
    assert conn.execute("select count(*) from raw.facebook__account_daily").fetchone() == (0,)


def test_a_value_of_the_wrong_type_names_the_column(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = account_rows([D1])
    rows[0]["followers"] = "lots"
    with pytest.raises(InputDataError, match=r"followers.*lots"):
        load(conn, rows, (D1, D1))


def test_failure_before_commit_leaves_the_previous_state(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1, D2]), (D1, D2))
    before = table_contents(conn, "facebook__account_daily")

    def explode():
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        load_partitions(
            conn,
            "facebook__account_daily",
            account_rows([D1, D2], followers=1),
            ACCOUNT_DAILY,
            window=(D1, D2),
            source="api:facebook",
            run_id="r",
            before_commit=explode,
        )
    assert table_contents(conn, "facebook__account_daily") == before


def test_a_killed_process_mid_load_leaves_the_previous_state(tmp_path):
    """A subprocess deletes and inserts a window, then is SIGKILLed before COMMIT."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        load(conn, account_rows([D1, D2]), (D1, D2))
        before = table_contents(conn, "facebook__account_daily")
    script = textwrap.dedent(f"""
        import datetime as dt, os, signal, duckdb
        from pipelines.contracts.streams import ACCOUNT_DAILY
        from pipelines.warehouse import load_partitions
        rows = [{{"account_id": "a1", "metric_date": dt.date(2026, 5, 1), "followers": 1}}]
        conn = duckdb.connect({str(path)!r})
        load_partitions(conn, "facebook__account_daily", rows, ACCOUNT_DAILY,
                        window=(dt.date(2026, 5, 1), dt.date(2026, 5, 2)), source="api:facebook", run_id="x",
                        before_commit=lambda: os.kill(os.getpid(), signal.SIGKILL))
    """)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert completed.returncode == -9, completed.stderr
    with duckdb.connect(str(path)) as conn:
        assert table_contents(conn, "facebook__account_daily") == before


def test_snapshot_stream_lists_and_timestamps_round_trip(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    published = dt.datetime(2026, 5, 1, 14, 0, tzinfo=dt.UTC)
    rows = [
        {
            "account_id": "a1",
            "post_id": "p1",
            "published_at": published,
            "post_url": "u",
            "content_type": "video",
            "caption": "hi #tag",
            "views": 10,
            "reach": None,
            "reactions": 3,
            "comments": 1,
            "shares": 0,
            "saves": None,
            "clicks": None,
            "video_views": 10,
            "snapshot_date": D2,
        }
    ]
    load_partitions(
        conn,
        "instagram__post_snapshots",
        pl.DataFrame(rows),
        POST_SNAPSHOTS,
        window=(D2, D2),
        source="api:instagram",
        run_id="r",
    )
    stored = conn.execute("select published_at, reach, views from raw.instagram__post_snapshots").fetchone()
    assert stored[0] == published and stored[1] is None and stored[2] == 10


def snapshot_row(post_id, reactions, day=D3):
    return {
        "account_id": "a1",
        "post_id": post_id,
        "published_at": dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC),
        "post_url": None,
        "content_type": "image",
        "caption": None,
        "views": None,
        "reach": None,
        "reactions": reactions,
        "comments": 1,
        "shares": 0,
        "saves": None,
        "clicks": None,
        "video_views": None,
        "snapshot_date": day,
    }


def test_a_snapshot_reload_replaces_the_posts_it_read_and_keeps_the_others(tmp_path):
    """The nightly re-read covers the posts of the last 28 days; older posts' snapshots of that day stay."""
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_partitions(
        conn,
        "facebook__post_snapshots",
        [snapshot_row("old", 10), snapshot_row("recent", 20)],
        POST_SNAPSHOTS,
        window=(D3, D3),
        source="api:facebook",
        run_id="r1",
    )
    result = load_partitions(
        conn,
        "facebook__post_snapshots",
        [snapshot_row("recent", 25)],
        POST_SNAPSHOTS,
        window=(D3, D3),
        source="api:facebook",
        run_id="r2",
    )
    rows = conn.execute("select post_id, reactions from raw.facebook__post_snapshots order by 1").fetchall()
    assert rows == [("old", 10), ("recent", 25)]
    assert result.deleted == 1


def test_an_account_that_answered_replaces_only_its_own_days(tmp_path):
    """One account's re-read (another failed or was not read) never deletes the other account's days."""
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    other = [dict(row, account_id="a2") for row in account_rows([D1, D2])]
    load(conn, account_rows([D1, D2]) + other, (D1, D2))
    load(conn, account_rows([D1, D2], followers=700), (D1, D2), run_id="run-2")
    rows = conn.execute(
        "select account_id, metric_date, followers from raw.facebook__account_daily order by 1, 2"
    ).fetchall()
    assert rows == [("a1", D1, 700), ("a1", D2, 701), ("a2", D1, 100), ("a2", D2, 101)]


def test_an_empty_scoped_load_deletes_nothing(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1]), (D1, D1))
    result = load(conn, [], (D1, D1), run_id="run-2")
    assert result.deleted == 0
    assert conn.execute("select count(*) from raw.facebook__account_daily").fetchone()[0] == 1


def test_a_follower_count_the_platform_no_longer_gives_is_kept(tmp_path):
    """Instagram walks followers back over its last 30 days only: a re-read of an older day brings NULL there,
    and the count read when the platform still gave it stays; everything else of the day is replaced."""
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    load(conn, account_rows([D1, D2], followers=100), (D1, D2))
    later = account_rows([D1, D2], followers=200)
    later[0].update(followers=None, followers_gained=None, views=777)  # D1 is now beyond the platform's reach
    load(conn, later, (D1, D2), run_id="run-2")
    rows = conn.execute(
        "select metric_date, followers, followers_gained, views from raw.facebook__account_daily order by 1"
    ).fetchall()
    assert rows == [(D1, 100, 2, 777), (D2, 201, 2, 1000)]
    assert conn.execute("select count(*) from duckdb_tables() where temporary").fetchone() == (0,)
