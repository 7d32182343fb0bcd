"""Partition windows and the dbt vars built from them (pure functions)."""

import datetime as dt

from assets.dbt import dbt_vars_for_window, window_from_run_tags
from assets.ingest import returned_span
from pipelines.config.models import Settings
from pipelines.contracts.streams import ACCOUNT_DAILY, POST_SNAPSHOTS
from pipelines.partitions import DateWindow, daily_partitions


def test_dbt_vars_cover_the_window_and_the_ingest_lookbacks():
    window = DateWindow(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    settings = Settings(timezone="Asia/Jakarta", account_lookback_days=2, post_lookback_days=14)
    assert dbt_vars_for_window(window, settings) == {
        "min_date": "2026-03-01",
        "max_date": "2026-03-31",
        "timezone": "Asia/Jakarta",
        "account_lookback_days": 2,
        "post_lookback_days": 14,
    }


def test_without_a_window_dbt_rebuilds_every_day():
    assert "min_date" not in dbt_vars_for_window(None, Settings())


def test_the_marts_window_comes_from_the_run_partition_tags():
    nightly = {"dagster/partition": "2026-11-20"}
    backfill = {
        "dagster/asset_partition_range_start": "2025-10-18",
        "dagster/asset_partition_range_end": "2026-11-20",
    }
    assert window_from_run_tags(nightly) == DateWindow(dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    assert window_from_run_tags(backfill) == DateWindow(dt.date(2025, 10, 18), dt.date(2026, 11, 20))
    assert window_from_run_tags({"dagster/backfill": "abc"}) is None


def test_widened_window_rereads_the_lookback_days():
    window = DateWindow(dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    assert window.widened(3) == DateWindow(dt.date(2026, 3, 8), dt.date(2026, 3, 10))
    assert window.widened(28).days == 28
    assert window.widened(1) == window


def test_daily_partitions_follow_settings():
    partitions = daily_partitions()
    assert partitions.timezone == "Asia/Jakarta"
    assert partitions.start.date() == dt.date(2025, 1, 1)


def test_returned_span_never_reaches_past_what_the_api_returned():
    requested = DateWindow(dt.date(2025, 10, 1), dt.date(2026, 11, 20))
    rows = [{"metric_date": dt.date(2026, 10, 22)}, {"metric_date": dt.date(2026, 11, 20)}]
    assert returned_span(rows, ACCOUNT_DAILY, requested) == DateWindow(dt.date(2026, 10, 22), dt.date(2026, 11, 20))
    assert returned_span([], ACCOUNT_DAILY, requested) is None
    # snapshot streams always replace the snapshot day, even when the account has no post any more
    assert returned_span([], POST_SNAPSHOTS, requested) == DateWindow(requested.end, requested.end)


def test_base_urls_go_to_override_then_simulator_then_the_real_api(monkeypatch):
    from pipelines.resources import PlatformApiResource

    real = "https://business-api.tiktok.com/open_api/v1.3/business/get/?fields=a"
    sim = PlatformApiResource(mode="simulator", simulator_url="http://127.0.0.1:9000")
    assert sim.rewrite(real) == "http://127.0.0.1:9000/business-api.tiktok.com/open_api/v1.3/business/get/?fields=a"
    overridden = PlatformApiResource(
        mode="production", base_url_overrides={"BUSINESS_API_TIKTOK_COM": "http://127.0.0.1:7000/tt"}
    )
    assert overridden.rewrite(real) == "http://127.0.0.1:7000/tt/open_api/v1.3/business/get/?fields=a"
    assert PlatformApiResource(mode="production").rewrite(real) == real


def test_the_rebuild_window_covers_every_day_the_run_loaded():
    from assets.dbt import rebuild_window

    night = DateWindow(dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    # account metrics re-read two earlier days; a backfill of October wrote its snapshots on the 20th
    assert rebuild_window(night, DateWindow(dt.date(2026, 11, 18), dt.date(2026, 11, 20))) == DateWindow(
        dt.date(2026, 11, 18), dt.date(2026, 11, 20)
    )
    october = DateWindow(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    assert rebuild_window(october, DateWindow(dt.date(2026, 9, 29), dt.date(2026, 11, 20))) == DateWindow(
        dt.date(2026, 9, 29), dt.date(2026, 11, 20)
    )
    assert rebuild_window(night, None) == night
    assert rebuild_window(None, night) is None


def test_days_loaded_by_a_run_come_from_its_raw_rows(tmp_path):
    import duckdb

    from assets.dbt import days_loaded_by_run
    from pipelines.warehouse import load_partitions

    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert days_loaded_by_run(conn, "r1", ["x__account_daily"]) is None
    row = {"account_id": "a", "metric_date": dt.date(2026, 11, 18), "followers": 1}
    load_partitions(conn, "x__account_daily", [row], ACCOUNT_DAILY, window=(row["metric_date"],) * 2,
                    source="api:x", run_id="r1")  # fmt: skip
    later = {**row, "metric_date": dt.date(2026, 11, 21)}
    load_partitions(conn, "x__account_daily", [later], ACCOUNT_DAILY, window=(later["metric_date"],) * 2,
                    source="api:x", run_id="r2")  # fmt: skip
    assert days_loaded_by_run(conn, "r1", ["x__account_daily", "x__post_snapshots"]) == DateWindow(
        dt.date(2026, 11, 18), dt.date(2026, 11, 18)
    )


def test_incremental_models_whose_table_lacks_a_documented_column_are_found(tmp_path):
    import json

    import duckdb

    from assets.dbt import incremental_models_with_new_columns

    manifest = tmp_path / "manifest.json"
    node = {"resource_type": "model", "config": {"materialized": "incremental"}, "schema": "marts"}
    manifest.write_text(
        json.dumps(
            {
                "nodes": {
                    "model.x.fct_old": {**node, "name": "fct_old", "alias": "fct_old", "columns": {"a": {}, "b": {}}},
                    "model.x.fct_same": {**node, "name": "fct_same", "alias": "fct_same", "columns": {"a": {}}},
                    "model.x.fct_new": {**node, "name": "fct_new", "alias": "fct_new", "columns": {"a": {}}},
                }
            }
        )
    )
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    conn.execute("create schema marts; create table marts.fct_old (a int); create table marts.fct_same (a int)")
    # fct_old lacks b (a newer version added it); fct_new does not exist yet (dbt creates it as usual)
    assert incremental_models_with_new_columns(conn, manifest) == ["fct_old"]
