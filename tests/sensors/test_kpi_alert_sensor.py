"""The KPI alert sensor on an ephemeral instance and a real DuckDB file: new dates only, no duplicates after a
re-run, a restart or a backfill, a skip (cursor unchanged) while a job holds the write lock, retries."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance, SensorResult, SkipReason, build_sensor_context
from kpi_test_data import START, make_kpi_rows, replace_dates, write_mart

from pipelines.resources import WarehouseResource
from sensors.kpi_alert_sensor import AlertCursor, build_kpi_alert_sensor, run_alert_tick
from sensors.resources import AlertingResource
from sensors.rules import load_alert_rules
from sensors.service import evaluate_and_deliver

MART = AssetKey(["marts", "fct_kpi_daily"])


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture
def resources(mart_path, write_rules):
    return {
        "warehouse": WarehouseResource(path=str(mart_path), lock_wait_seconds=0),
        "alerting": AlertingResource(rules_path=str(write_rules())),
    }


def materialize(instance: DagsterInstance) -> None:
    instance.report_runless_asset_event(AssetMaterialization(asset_key=MART))


def tick(instance, resources, cursor):
    sensor = build_kpi_alert_sensor()
    return sensor(build_sensor_context(instance=instance, cursor=cursor, resources=resources))


def alert_rows(path) -> list[tuple]:
    with duckdb.connect(str(path)) as conn:
        return conn.execute(
            "select alert_id, rule_name, platform, kpi_date from alerts.kpi_alerts order by 1"
        ).fetchall()


def test_first_tick_evaluates_history_then_only_new_dates(instance, resources, mart_path):
    assert isinstance(tick(instance, resources, None), SkipReason)  # never materialized: nothing to read yet

    materialize(instance)
    result = tick(instance, resources, None)
    assert isinstance(result, SensorResult)
    cursor = AlertCursor.parse(result.cursor)
    assert cursor.evaluated_through == (START + dt.timedelta(days=399)).isoformat()
    assert cursor.storage_id is not None
    first = alert_rows(mart_path)
    assert {(rule, platform) for _, rule, platform, _ in first} >= {("engagement_rate_drop", "instagram")}
    assert {day for _, rule, _, day in first if rule == "engagement_rate_drop"} <= {
        START + dt.timedelta(days=300 + i) for i in range(7)
    }
    assert "400 new date(s)" in result.skip_reason.skip_message

    # no new materialization: skip with a reason, same cursor
    skipped = tick(instance, resources, result.cursor)
    assert isinstance(skipped, SkipReason) and "no new materialization" in skipped.skip_message

    # a new materialization with the same dates (a re-run): nothing new, no duplicate
    materialize(instance)
    rerun = tick(instance, resources, result.cursor)
    assert "evaluated 0 new date(s)" in rerun.skip_reason.skip_message
    assert alert_rows(mart_path) == first

    # ten more days arrive: exactly those are evaluated
    write_mart(mart_path, make_kpi_rows(410, seed=11, drop=("instagram", 300, 7, 0.6)))
    materialize(instance)
    later = tick(instance, resources, rerun.cursor)
    assert "evaluated 10 new date(s)" in later.skip_reason.skip_message
    assert AlertCursor.parse(later.cursor).evaluated_through == (START + dt.timedelta(days=409)).isoformat()
    assert set(first) <= set(alert_rows(mart_path))


def test_restart_with_a_lost_cursor_and_a_backfill_raise_no_duplicates(instance, resources, mart_path, drop_frame):
    materialize(instance)
    first = tick(instance, resources, None)
    before = alert_rows(mart_path)
    assert before

    # restart: the cursor is gone; the store remembers which dates were evaluated
    materialize(instance)
    restarted = tick(instance, resources, None)
    assert "evaluated 0 new date(s)" in restarted.skip_reason.skip_message
    assert alert_rows(mart_path) == before

    # backfill the week of the drop (rows deleted and re-inserted), then evaluate that week explicitly too
    week = (START + dt.timedelta(days=298), START + dt.timedelta(days=306))
    replace_dates(mart_path, drop_frame, *week)
    materialize(instance)
    tick(instance, resources, first.cursor)
    config = load_alert_rules(resources["alerting"].rules_path)
    with duckdb.connect(str(mart_path)) as conn:
        explicit = evaluate_and_deliver(conn, config, {}, [week[0] + dt.timedelta(days=i) for i in range(9)])
    assert explicit.alerts_found > 0 and explicit.alerts_raised == []
    assert alert_rows(mart_path) == before
    with duckdb.connect(str(mart_path)) as conn:
        [(deliveries,)] = conn.execute("select count(*) from alerts.deliveries").fetchall()
    assert deliveries == len(before)  # one (log) delivery per alert, never re-created


def test_a_locked_warehouse_skips_without_moving_the_cursor(instance, resources, mart_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)",
            str(mart_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        materialize(instance)
        result = tick(instance, resources, None)
        assert isinstance(result, SkipReason)
        assert "locked by a running job" in result.skip_message and "cursor is unchanged" in result.skip_message
    finally:
        holder.kill()
        holder.wait()
    after = tick(instance, resources, None)  # the lock is gone: the same materialization is handled now
    assert isinstance(after, SensorResult) and "400 new date(s)" in after.skip_reason.skip_message


def test_the_sensor_retries_failed_deliveries_on_later_ticks(instance, mart_path, write_rules, monkeypatch):
    from pytest_httpserver import HTTPServer
    from test_alert_delivery import free_port, only_er_rule

    port = free_port()
    monkeypatch.setenv("SOCIALPULSE_SLACK_WEBHOOK_URL", f"http://127.0.0.1:{port}/hook")
    rules_file = only_er_rule(write_rules, ["slack"], delivery={"backoff_seconds": 300})
    warehouse = WarehouseResource(path=str(mart_path), lock_wait_seconds=0)
    alerting = AlertingResource(rules_path=str(rules_file))
    now = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)

    materialize(instance)
    first = run_alert_tick(build_sensor_context(instance=instance), warehouse, alerting, now=now)
    cursor = AlertCursor.parse(first.cursor)
    assert cursor.retry_at == (now + timedelta(seconds=300)).isoformat()

    early = run_alert_tick(
        build_sensor_context(instance=instance, cursor=first.cursor),
        warehouse,
        alerting,
        now=now + timedelta(seconds=60),
    )
    assert isinstance(early, SkipReason) and "next delivery retry at" in early.skip_message

    server = HTTPServer(host="127.0.0.1", port=port)
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    server.start()
    try:
        retried = run_alert_tick(
            build_sensor_context(instance=instance, cursor=first.cursor),
            warehouse,
            alerting,
            now=now + timedelta(seconds=301),
        )
        done = run_alert_tick(
            build_sensor_context(instance=instance, cursor=retried.cursor),
            warehouse,
            alerting,
            now=now + timedelta(days=1),
        )
    finally:
        server.stop()
    assert "delivered" in retried.skip_reason.skip_message
    assert AlertCursor.parse(retried.cursor).retry_at is None
    assert isinstance(done, SkipReason)
    assert len(server.log) == len(alert_rows(mart_path))


def test_cursor_round_trip_and_garbage():
    cursor = AlertCursor(storage_id=12, evaluated_through="2026-11-20", retry_at=None)
    assert AlertCursor.parse(cursor.dump()) == cursor
    assert json.loads(cursor.dump())["evaluated_through"] == "2026-11-20"
    assert AlertCursor.parse("not json") == AlertCursor()
