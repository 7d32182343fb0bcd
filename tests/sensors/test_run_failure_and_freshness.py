"""The run-failure sensor stores failed runs as alerts and delivers them (retried while a receiver is down,
sent at once when the warehouse is locked); freshness checks catch a platform that fell behind."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
from dagster import (
    AssetKey,
    DagsterInstance,
    SensorResult,
    SkipReason,
    asset,
    build_run_status_sensor_context,
    build_sensor_context,
    job,
    materialize,
    op,
)
from pytest_httpserver import HTTPServer
from test_alert_delivery import free_port

from pipelines.resources import WarehouseResource
from sensors.freshness import assess_freshness, build_freshness_checks, freshness_alert
from sensors.kpi_alert_sensor import build_kpi_alert_sensor, run_alert_tick
from sensors.resources import AlertingResource
from sensors.rules import load_alert_rules
from sensors.run_failure import build_run_failure_sensor
from sensors.service import alert_notification


@op
def fetch_instagram():
    raise RuntimeError("instagram: OAuth token expired (code 190)")


@job
def nightly():
    fetch_instagram()


def failed_nightly(instance: DagsterInstance):
    result = nightly.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return result


def evaluate_run_failure_sensor(instance, result, resources: dict) -> None:
    context = build_run_status_sensor_context(
        sensor_name="run_failure_alert_sensor",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources=resources,
    ).for_run_failure()
    build_run_failure_sensor(monitored_jobs=[nightly], retry_backoff_seconds=0)(context)


def stored_run_failures(path: Path) -> tuple[list[tuple], list[tuple]]:
    with duckdb.connect(str(path)) as conn:
        alerts = conn.execute(
            "select alert_id, rule_name, kpi, brand, platform, kpi_date, value, baseline, severity, message "
            "from alerts.kpi_alerts order by alert_id"
        ).fetchall()
        deliveries = conn.execute(
            "select channel, status, attempts, next_attempt_at is not null from alerts.deliveries order by channel"
        ).fetchall()
    return alerts, deliveries


def run_failure_resources(tmp_path: Path, write_rules, **delivery) -> dict:
    rules = write_rules(
        {
            "run_failure": {"severity": "critical", "channels": ["log", "webhook"]},
            **({"delivery": delivery} if delivery else {}),
        }
    )
    return {
        "warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb"), lock_wait_seconds=0),
        "alerting": AlertingResource(rules_path=str(rules)),
    }


def test_a_failed_run_is_stored_once_and_delivered_with_job_run_and_root_cause(
    tmp_path, httpserver, write_rules, monkeypatch
):
    monkeypatch.setenv("SOCIALPULSE_ALERT_WEBHOOK_URL", httpserver.url_for("/hook"))
    resources = run_failure_resources(tmp_path, write_rules)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    with DagsterInstance.ephemeral() as instance:
        result = failed_nightly(instance)
        for _ in range(2):  # the same failure evaluated twice: stored and sent once
            evaluate_run_failure_sensor(instance, result, resources)
    run_id = result.run_id

    alerts, deliveries = stored_run_failures(tmp_path / "warehouse.duckdb")
    [(alert_id, rule, kpi, brand, platform, kpi_date, value, baseline, severity, message)] = alerts
    assert alert_id == f"run_failure:{run_id}" and rule == "run_failure:nightly" and kpi == "run_failure"
    assert (brand, platform, value, baseline, severity) == ("-", "all", None, None, "critical")
    assert kpi_date == dt.datetime.now(dt.UTC).date()
    assert "nightly" in message and run_id in message and "OAuth token expired (code 190)" in message
    assert deliveries == [("log", "delivered", 1, False), ("webhook", "delivered", 1, False)]

    [(request, _)] = httpserver.log
    assert request.headers["Idempotency-Key"] == f"run_failure:{run_id}"
    payload = json.loads(request.get_data())
    assert payload["kind"] == "run_failure" and payload["severity"] == "critical"
    assert payload["title"] == "Run failed: nightly"
    assert run_id in payload["text"] and "fetch_instagram" in payload["text"]
    assert "OAuth token expired" in payload["text"]
    assert payload["fields"]["Job"] == "nightly" and payload["fields"]["Run"] == run_id
    assert payload["link"] == f"http://127.0.0.1:3000/runs/{run_id}"
    assert "Value" not in payload["fields"] and "Baseline" not in payload["fields"]


def test_a_run_failure_sent_while_the_receiver_is_down_is_retried_and_delivered_once(
    tmp_path, write_rules, monkeypatch
):
    port = free_port()  # nothing listens here yet: the receiver is down
    monkeypatch.setenv("SOCIALPULSE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{port}/hook")
    resources = run_failure_resources(tmp_path, write_rules, max_attempts=5, backoff_seconds=60)
    path = tmp_path / "warehouse.duckdb"
    with DagsterInstance.ephemeral() as instance:
        result = failed_nightly(instance)
        evaluate_run_failure_sensor(instance, result, resources)
        _, deliveries = stored_run_failures(path)
        assert deliveries == [("log", "delivered", 1, False), ("webhook", "failed", 1, True)]  # retry scheduled

        kpi_sensor = build_kpi_alert_sensor()
        assert isinstance(kpi_sensor(build_sensor_context(instance=instance, resources=resources)), SkipReason)
        assert stored_run_failures(path)[1][1][2] == 1  # before the backoff has passed: not attempted

        server = HTTPServer(host="127.0.0.1", port=port)
        server.expect_request("/hook", method="POST").respond_with_data("ok")
        server.start()
        try:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
            retried = run_alert_tick(
                build_sensor_context(instance=instance), resources["warehouse"], resources["alerting"], now=later
            )
            assert isinstance(retried, SensorResult) and "1 delivered" in retried.skip_reason.skip_message
            again = run_alert_tick(
                build_sensor_context(instance=instance, cursor=retried.cursor),
                resources["warehouse"],
                resources["alerting"],
                now=later + dt.timedelta(days=1),
            )
            evaluate_run_failure_sensor(instance, result, resources)  # the same failure again: nothing new
        finally:
            server.stop()
    assert isinstance(again, SkipReason)
    [(request, _)] = server.log  # delivered exactly once
    payload = json.loads(request.get_data())
    assert payload["title"] == "Run failed: nightly" and result.run_id in payload["text"]
    assert "OAuth token expired" in payload["text"]
    alerts, deliveries = stored_run_failures(path)
    assert len(alerts) == 1
    assert deliveries == [("log", "delivered", 1, False), ("webhook", "delivered", 2, False)]


def test_a_locked_warehouse_falls_back_to_sending_at_once(tmp_path, httpserver, write_rules, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_ALERT_WEBHOOK_URL", httpserver.url_for("/hook"))
    resources = run_failure_resources(tmp_path, write_rules)
    path = tmp_path / "warehouse.duckdb"
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with DagsterInstance.ephemeral() as instance:
            result = failed_nightly(instance)
            evaluate_run_failure_sensor(instance, result, resources)
    finally:
        holder.kill()
        holder.wait()
    httpserver.check_assertions()
    payload = json.loads(httpserver.log[0][0].get_data())
    assert payload["kind"] == "run_failure" and payload["severity"] == "critical"
    assert payload["title"] == "Run failed: nightly"
    assert "OAuth token expired" in payload["text"]
    assert payload["fields"]["Failed steps"] == "fetch_instagram"
    assert payload["link"] == f"http://127.0.0.1:3000/runs/{result.run_id}"
    with duckdb.connect(str(path)) as conn:  # not stored: it could not be
        assert not conn.execute(
            "select count(*) from information_schema.schemata where schema_name = 'alerts'"
        ).fetchone()[0]


def test_a_stored_freshness_alert_renders_as_stale_data_not_as_a_kpi(write_rules):
    config = load_alert_rules(write_rules())
    status = assess_freshness(
        {"raw.facebook__account_daily": dt.date(2026, 11, 20), "raw.instagram__account_daily": dt.date(2026, 11, 15)},
        max_lag_days=2,
    )["raw.instagram__account_daily"]
    notification = alert_notification(freshness_alert(status, config, today=dt.date(2026, 11, 21)), config)
    assert notification.kind == "data_freshness"
    assert notification.title == "Stale data: raw.instagram__account_daily (instagram)"
    assert notification.link == "http://127.0.0.1:3000/assets/raw/instagram__account_daily"
    assert notification.fields["Newest data"] == "2026-11-15" and notification.fields["Lag"] == "5 day(s)"
    assert notification.fields["Allowed"] == "2 day(s)"
    assert "expired token" in notification.text and "Baseline" not in notification.fields


def test_assess_freshness_by_hand():
    newest = {
        "raw.facebook__account_daily": dt.date(2026, 11, 20),
        "raw.instagram__account_daily": dt.date(2026, 11, 15),  # stopped five days ago: token expired
        "raw.x__account_daily": dt.date(2026, 11, 19),
        "raw.tiktok__account_daily": None,
    }
    status = assess_freshness(newest, max_lag_days=2)
    assert [t for t, s in status.items() if s.stale] == ["raw.instagram__account_daily", "raw.tiktok__account_daily"]
    assert status["raw.instagram__account_daily"].lag_vs_peers == 5
    assert status["raw.x__account_daily"].lag_vs_peers == 1
    against_today = assess_freshness(newest, max_lag_days=2, today=dt.date(2026, 11, 24))
    assert against_today["raw.facebook__account_daily"].stale  # everything is 4+ days old in production


def test_freshness_check_fails_and_alerts_once_for_a_stale_platform(tmp_path, write_rules):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw")
        for platform, last in (("facebook", 20), ("instagram", 15)):
            conn.execute(f"create table raw.{platform}__account_daily (metric_date date, _partition_date date)")
            conn.execute(
                f"insert into raw.{platform}__account_daily "
                f"select d::date, d::date from range(date '2026-11-01', date '2026-11-{last + 1}', interval 1 day) t(d)"
            )
    keys = [AssetKey(["raw", "facebook__account_daily"]), AssetKey(["raw", "instagram__account_daily"])]

    @asset(key=keys[0])
    def facebook_account_daily():
        return None

    @asset(key=keys[1])
    def instagram_account_daily():
        return None

    checks = build_freshness_checks(keys, compare_to_today=False)
    resources = {
        "warehouse": WarehouseResource(path=str(path), lock_wait_seconds=0),
        "alerting": AlertingResource(rules_path=str(write_rules())),
    }
    for _ in range(2):  # the second run finds the same stale state: no second alert
        result = materialize([facebook_account_daily, instagram_account_daily, *checks], resources=resources)
        evaluations = {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}
        assert evaluations["facebook__account_daily"].passed
        stale = evaluations["instagram__account_daily"]
        assert not stale.passed
        assert stale.metadata["lag_vs_freshest_days"].value == 5
    with duckdb.connect(str(path)) as conn:
        rows = conn.execute("select rule_name, platform, kpi_date, value, message from alerts.kpi_alerts").fetchall()
        deliveries = conn.execute("select channel, status from alerts.deliveries").fetchall()
    [(rule, platform, kpi_date, value, message)] = rows
    assert rule == "data_freshness:raw.instagram__account_daily" and platform == "instagram"
    assert kpi_date == dt.date(2026, 11, 15) and value == 5
    assert "expired token" in message
    assert deliveries == [("log", "delivered")]


def test_one_future_dated_row_never_makes_the_others_stale(tmp_path, write_rules):
    """The hostile probe: a file import dated 2099 made every other platform "26,694 days behind"."""
    path = tmp_path / "warehouse.duckdb"
    platforms = ("facebook", "instagram", "x")
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw")
        for platform in platforms:
            conn.execute(f"create table raw.{platform}__account_daily (metric_date date, _partition_date date)")
            conn.execute(
                f"insert into raw.{platform}__account_daily select d::date, d::date "
                "from range(date '2026-11-01', date '2026-11-21', interval 1 day) t(d)"
            )
        conn.execute(
            "insert into raw.x__account_daily values ('2099-01-01', '2099-01-01'), ('2099-02-01', '2099-02-01')"
        )
    keys = [AssetKey(["raw", f"{platform}__account_daily"]) for platform in platforms]
    stubs = [asset(key=key)(lambda: None) for key in keys]
    checks = build_freshness_checks(keys, compare_to_today=False, today=lambda: dt.date(2026, 11, 21))
    resources = {
        "warehouse": WarehouseResource(path=str(path), lock_wait_seconds=0),
        "alerting": AlertingResource(rules_path=str(write_rules())),
    }
    result = materialize([*stubs, *checks], resources=resources)
    evaluations = {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}
    assert all(e.passed for e in evaluations.values()), {k: e.description for k, e in evaluations.items()}
    assert {k: e.metadata["lag_vs_freshest_days"].value for k, e in evaluations.items()} == {
        "facebook__account_daily": 0,
        "instagram__account_daily": 0,
        "x__account_daily": 0,
    }
    x = evaluations["x__account_daily"]
    assert x.metadata["future_rows_ignored"].value == 2
    assert "2 row(s) dated after 2026-11-22 (up to 2099-02-01) ignored" in x.description
    assert x.metadata["newest_date"].value == "2026-11-20"
    with duckdb.connect(str(path)) as conn:
        has_alerts = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'alerts' and table_name = 'kpi_alerts'"
        ).fetchone()[0]
        assert not has_alerts or conn.execute("select count(*) from alerts.kpi_alerts").fetchone() == (0,)


def test_one_account_behind_its_table_fails_the_check_naming_brand_and_account(tmp_path, write_rules):
    """An agency's Instagram table: two clients' accounts loaded through 2026-11-20, the third's token expired
    on the 16th. The table's newest day is fresh, the account is 4 days behind (allowed: 2)."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema raw")
        conn.execute(
            "create table raw.instagram__account_daily (account_id varchar, metric_date date, _partition_date date)"
        )
        conn.execute(
            "create table raw.socialpulse__brands (brand varchar, is_own_brand boolean, platform varchar, "
            "account_handle varchar, account_id varchar)"
        )
        conn.execute(
            "insert into raw.socialpulse__brands values ('Kopi', true, 'instagram', 'kopi', 'a1'), "
            "('Teh', true, 'instagram', 'teh', 'a2'), ('Roti', true, 'instagram', 'roti', 'a3')"
        )
        for account, last in (("a1", "2026-11-20"), ("a2", "2026-11-16"), ("a3", "2026-11-20")):
            conn.execute(
                "insert into raw.instagram__account_daily select ?, d::date, d::date "
                "from range(date '2026-11-01', ?::date + 1, interval 1 day) t(d)",
                [account, last],
            )
    key = AssetKey(["raw", "instagram__account_daily"])
    checks = build_freshness_checks([key], max_lag_days=2, compare_to_today=False, today=lambda: dt.date(2026, 11, 21))
    resources = {
        "warehouse": WarehouseResource(path=str(path), lock_wait_seconds=0),
        "alerting": AlertingResource(rules_path=str(write_rules())),
    }
    result = materialize([asset(key=key)(lambda: None), *checks], resources=resources)
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.metadata["accounts"].value == 3 and evaluation.metadata["stale_accounts"].value == 1
    assert "raw.instagram__account_daily for Teh (account a2) is 2026-11-16, 4 day(s) behind" in evaluation.description
    with duckdb.connect(str(path)) as conn:
        alerts = conn.execute("select brand, platform, kpi_date, value from alerts.kpi_alerts").fetchall()
    assert alerts == [("Teh", "instagram", dt.date(2026, 11, 16), 4.0)]
    # the next check raises nothing new for the same account and newest date
    again = materialize([asset(key=key)(lambda: None), *checks], resources=resources)
    (evaluation,) = again.get_asset_check_evaluations()
    assert evaluation.metadata["alerts_raised"].value == 0
