"""The DuckLake warehouse on a real PostgreSQL catalog (a throwaway cluster, tests/postgres_cluster.py) with
Parquet data files in a tmp folder: several processes commit at once, a reader only ever sees committed
snapshots, and a reader's transaction keeps its snapshot while writers commit."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.contracts.streams import ACCOUNT_DAILY
from pipelines.warehouse import ensure_tables
from pipelines.warehouse_kinds import dbt_environment, open_lake

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("lake_writer.py")
TABLE = "facebook__account_daily"
FIRST_DAY = dt.date(2026, 1, 1)

pytestmark = pytest.mark.slow


def start_writer(lake, *args: str) -> subprocess.Popen:
    env = {**os.environ, **dbt_environment(lake), "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_together(writers: list[subprocess.Popen]) -> None:
    """Let the writers commit once each has opened the lake (Python and the extensions take a second or two to
    load, longer than a writer's commits take)."""
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready", writer.communicate(timeout=60)[1][-3000:]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()


def finish(process: subprocess.Popen, timeout: float = 240) -> list[float]:
    """The writer's commit times; fails with its error output if it failed."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return [float(line.split()[2]) for line in out.splitlines() if line.startswith("committed ")]


def test_two_writer_processes_commit_to_one_table_at_the_same_time(lake):
    days = 25
    # the table exists, as on every night after the first (two writers creating it at once race: the later one
    # waits and tries again, tests/lake below and test_ducklake_deployment's first run)
    with open_lake(lake) as conn:
        ensure_tables(conn, {TABLE: ACCOUNT_DAILY})
    writers = [start_writer(lake, "days", TABLE, account, FIRST_DAY.isoformat(), str(days)) for account in ("a1", "a2")]
    start_together(writers)
    commits = [finish(writer) for writer in writers]

    assert [len(times) for times in commits] == [days, days]
    # they wrote at the same time: each one's commits began before the other's ended
    assert commits[0][0] < commits[1][-1] and commits[1][0] < commits[0][-1]
    with open_lake(lake, read_only=True) as conn:
        for account in ("a1", "a2"):
            rows = conn.execute(
                f"select metric_date, followers, views from raw.{TABLE} where account_id = ? order by 1", [account]
            ).fetchall()
            # day i (0-based) carries followers 1000 + i and views 100 * (i + 1) (lake_writer.day_row)
            assert rows == [(FIRST_DAY + dt.timedelta(days=i), 1000 + i, 100 * (i + 1)) for i in range(days)]
        (inserts,) = conn.execute(
            "select count(*) from ducklake_snapshots('socialpulse') "
            "where list_contains(map_keys(changes), 'tables_inserted_into')"
        ).fetchone()
    assert inserts >= 2 * days  # one snapshot per commit, none lost


def test_a_reader_only_sees_committed_snapshots_and_keeps_its_own_while_writers_commit(lake):
    generations = 40
    open_lake(lake).close()  # the lake exists (a reader cannot create one); its tables come with the writer
    writer = start_writer(lake, "replace", TABLE, "a1", FIRST_DAY.isoformat(), str(generations))
    start_together([writer])
    seen: list[int] = []
    held_before = held_after = None
    reader = open_lake(lake, read_only=True)
    try:
        deadline = time.monotonic() + 240
        while writer.poll() is None and time.monotonic() < deadline:
            try:
                rows, low, high = reader.execute(
                    f"select count(*), min(followers), max(followers) from raw.{TABLE} where account_id = 'a1'"
                ).fetchone()
            except duckdb.CatalogException as exc:  # no table before the writer's first commit
                assert "does not exist" in str(exc)
                time.sleep(0.05)
                continue
            # a replace of the 10 days is one commit: never half the days, never two generations at once
            assert (rows, low == high) in ((0, True), (10, True)), (rows, low, high)
            if rows:
                seen.append(low)
            if held_before is None and rows and low >= 3:
                reader.execute("begin transaction")
                (held_before,) = reader.execute(f"select max(followers) from raw.{TABLE}").fetchone()
                while writer.poll() is None and _newest_generation(lake) < held_before + 3:
                    time.sleep(0.05)
                (held_after,) = reader.execute(f"select max(followers) from raw.{TABLE}").fetchone()
                reader.execute("commit")
    finally:
        reader.close()
    finish(writer)

    assert held_before is not None, "the reader never saw the third generation while the writer ran"
    assert held_after == held_before  # the transaction's snapshot did not move although 3 commits landed
    assert seen == sorted(seen) and len(set(seen)) > 3  # the reader followed the commits, in order
    assert _newest_generation(lake) == generations


def _newest_generation(lake) -> int:
    conn = open_lake(lake, read_only=True)
    try:
        (value,) = conn.execute(f"select coalesce(max(followers), 0) from raw.{TABLE}").fetchone()
    finally:
        conn.close()
    return int(value)
