"""Publishing only complete states, and a held warehouse lock: a copy without every mart is never published, the
copy holds no delivery error text, a reader holding the writer's file is named (with the published copy to use
instead) and waited for rather than failing the writer."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from assets.publish import PublishError, expected_mart_tables, publish_copy
from pipelines import resources
from pipelines.resources import WarehouseLockedError, WarehouseResource

MARTS = ["fct_account_daily", "fct_kpi_daily"]


def make_warehouse(path: Path, marts: list[str], *, delivery_error: str | None = None) -> Path:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw; create table raw.t as select 1 as x")
        conn.execute("create schema marts")
        for name in marts:
            conn.execute(f"create table marts.{name} as select 42 as value")
        conn.execute("create schema alerts")
        conn.execute("create table alerts.deliveries (alert_id varchar, status varchar, last_error varchar)")
        conn.execute(
            "insert into alerts.deliveries values ('a1', 'failed', ?), ('a2', 'delivered', null)", [delivery_error]
        )
    return path


def test_the_marts_expected_come_from_the_dbt_manifest() -> None:
    marts = expected_mart_tables()
    assert {"fct_account_daily", "fct_kpi_daily", "fct_share_of_voice", "dim_brands"} <= set(marts)
    assert not any(name.startswith(("stg_", "int_")) for name in marts)


def test_a_warehouse_missing_a_mart_is_never_published(tmp_path: Path) -> None:
    target = tmp_path / "published.duckdb"
    publish_copy(WarehouseResource(path=str(make_warehouse(tmp_path / "good.duckdb", MARTS))), target, expected=MARTS)
    before = target.read_bytes()
    incomplete = make_warehouse(tmp_path / "incomplete.duckdb", ["fct_account_daily"])
    with pytest.raises(PublishError, match="missing marts: fct_kpi_daily") as caught:
        publish_copy(WarehouseResource(path=str(incomplete)), target, expected=MARTS)
    assert str(target) in str(caught.value) and "unchanged" in str(caught.value)
    assert target.read_bytes() == before  # the previous complete copy is still what BI tools read
    assert not list(tmp_path.glob(".*.tmp"))
    never = tmp_path / "never.duckdb"
    with pytest.raises(PublishError):
        publish_copy(WarehouseResource(path=str(make_warehouse(tmp_path / "empty.duckdb", []))), never, expected=MARTS)
    assert not never.exists()


def test_the_published_copy_holds_no_delivery_error_text(tmp_path: Path) -> None:
    canary = "hooks.example/T0/B0/CANARY-9f3a"
    source = make_warehouse(tmp_path / "wh.duckdb", MARTS, delivery_error=f"HTTP 500: echoed {canary}")
    target = tmp_path / "published.duckdb"
    result = publish_copy(WarehouseResource(path=str(source)), target, expected=MARTS)
    assert result["delivery_errors_scrubbed"] == 1
    with duckdb.connect(str(target), read_only=True) as conn:
        assert conn.execute("select alert_id, status, last_error from alerts.deliveries order by 1").fetchall() == [
            ("a1", "failed", None),
            ("a2", "delivered", None),
        ]
        assert conn.execute("select value from marts.fct_kpi_daily").fetchall() == [(42,)]
    assert canary.encode() not in target.read_bytes()
    with duckdb.connect(str(source), read_only=True) as conn:  # the writer's file keeps it for the operator
        assert canary in conn.execute("select last_error from alerts.deliveries where alert_id = 'a1'").fetchone()[0]


def test_a_reader_holding_the_writers_file_is_named_with_the_published_copy(tmp_path: Path, hold_warehouse) -> None:
    path = make_warehouse(tmp_path / "socialpulse.duckdb", MARTS)
    reader = hold_warehouse(path, 30, read_only=True)
    with pytest.raises(WarehouseLockedError) as caught, WarehouseResource(path=str(path)).connect(wait_seconds=1):
        pass
    message = str(caught.value)
    assert caught.value.holder_pid == reader.pid
    assert f"process {reader.pid}" in message and "locked" in message
    assert str(tmp_path / "socialpulse_published.duckdb") in message and "read-only" in message


def test_a_writer_waits_for_a_reader_instead_of_failing(tmp_path: Path, monkeypatch, caplog, hold_warehouse) -> None:
    """The nightly run's case: a BI tool holds the file for a while; the writer says who and waits it out."""
    monkeypatch.setattr(resources, "LOCK_REPORT_SECONDS", 1.0)
    path = make_warehouse(tmp_path / "socialpulse.duckdb", MARTS)
    reader = hold_warehouse(path, 4, read_only=True)
    started = time.monotonic()
    writer = WarehouseResource(path=str(path), lock_wait_seconds=60)
    with caplog.at_level(logging.WARNING, logger="socialpulse.resources"), writer.connect() as conn:
        conn.execute("insert into raw.t values (2)")
    waited = time.monotonic() - started
    reader.wait()
    assert 2 <= waited < 30
    assert any(f"process {reader.pid}" in r.getMessage() and "waiting" in r.getMessage() for r in caplog.records)


def test_dbt_waits_for_a_held_file_too(tmp_path: Path, hold_warehouse) -> None:
    """dbt-duckdb opens the file itself: the profile's connect retries wait for a reader (1, 2, 4 s ...)."""
    import os

    repo = Path(__file__).resolve().parents[2]
    path = make_warehouse(tmp_path / "socialpulse.duckdb", MARTS)
    reader = hold_warehouse(path, 3, read_only=True)
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "run-operation",
            "generate_schema_name",
            "--args",
            "{custom_schema_name: marts}",
            "--project-dir",
            str(repo / "dbt_project"),
            "--profiles-dir",
            str(repo / "dbt_project"),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, "SOCIALPULSE_WAREHOUSE": str(path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    reader.wait()
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
