"""The run-failure sensor reports to the alert channels; freshness checks catch a platform that fell behind."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
from dagster import AssetKey, DagsterInstance, asset, build_run_status_sensor_context, job, materialize, op

from pipelines.resources import WarehouseResource
from sensors.freshness import assess_freshness, build_freshness_checks
from sensors.resources import AlertingResource
from sensors.run_failure import build_run_failure_sensor


@op
def fetch_instagram():
    raise RuntimeError("instagram: OAuth token expired (code 190)")


@job
def nightly():
    fetch_instagram()


def test_a_failed_nightly_run_is_sent_to_the_channels(httpserver, write_rules, monkeypatch):
    monkeypatch.setenv("SOCIALPULSE_ALERT_WEBHOOK_URL", httpserver.url_for("/hook"))
    rules = write_rules({"run_failure": {"severity": "critical", "channels": ["log", "webhook"]}})
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    with DagsterInstance.ephemeral() as instance:
        result = nightly.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        context = build_run_status_sensor_context(
            sensor_name="run_failure_alert_sensor",
            dagster_event=result.get_run_failure_event(),
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            resources={"alerting": AlertingResource(rules_path=str(rules))},
        ).for_run_failure()
        build_run_failure_sensor(monitored_jobs=[nightly], retry_backoff_seconds=0)(context)
    httpserver.check_assertions()
    payload = json.loads(httpserver.log[0][0].get_data())
    assert payload["kind"] == "run_failure" and payload["severity"] == "critical"
    assert payload["title"] == "Run failed: nightly"
    assert "OAuth token expired" in payload["text"]
    assert payload["fields"]["Failed steps"] == "fetch_instagram"
    assert payload["link"] == f"http://127.0.0.1:3000/runs/{result.run_id}"


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
