"""The ingest factory in real Dagster runs: nightly look-back windows, production mode without tokens."""

import datetime as dt

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from assets.platforms import build_platform_assets
from pipelines.resources import PlatformApiResource, WarehouseResource
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 21)
NIGHT = "2026-11-20"
NIGHT_RUN_AT = "2026-11-20T19:30:00+00:00"  # 02:30 on the 21st in Asia/Jakarta: the schedule's run of the 20th


def facebook_asset():
    return next(a for a in build_platform_assets() if AssetKey(["raw", "facebook__account_daily"]) in a.keys)


@pytest.fixture(scope="module")
def simulator():
    with Simulator(seed=7, today=TODAY) as sim:
        yield sim


def test_a_nightly_run_rereads_late_days_and_recent_posts(tmp_path, simulator):
    path = tmp_path / "w.duckdb"
    result = materialize(
        [facebook_asset()],
        partition_key=NIGHT,
        resources={
            "warehouse": WarehouseResource(path=str(path)),
            "platform_api": simulated_platform_api(simulator_url=simulator.url, now=NIGHT_RUN_AT),
        },
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    with duckdb.connect(str(path), read_only=True) as conn:
        days = [d for (d,) in conn.execute("select metric_date from raw.facebook__account_daily order by 1").fetchall()]
        # account_lookback_days = 3: the night of the 20th re-reads the 18th and the 19th (finalized late); the
        # clients read the simulator's clock (2026-11-21 00:00 UTC = 11-20 16:00 Pacific), and Meta's (Pacific) 20th
        # has not ended: it is read the next night.
        assert days == [dt.date(2026, 11, 18), dt.date(2026, 11, 19)]
        snapshot_days, oldest = conn.execute(
            "select list(distinct snapshot_date), min(published_at) from raw.facebook__post_snapshots"
        ).fetchone()
        # post_lookback_days = 28: posts published since 2026-10-24 (local days) get tonight's snapshot
        assert snapshot_days == [dt.date(2026, 11, 20)]
        assert oldest.date() >= dt.date(2026, 10, 23)
        own_posts = simulator.world.posts("facebook", "104550001")
        expected = (
            [p for p in own_posts if dt.date(2026, 10, 24) <= p.local_date <= dt.date(2026, 11, 20)]
            if hasattr(own_posts[0], "local_date")
            else None
        )
        (count,) = conn.execute("select count(*) from raw.facebook__post_snapshots").fetchone()
        assert count > 0 and (expected is None or count == len(expected))
    materialization = result.asset_materializations_for_node(facebook_asset().node_def.name)[0]
    assert materialization.metadata["api_calls"].value > 0
    assert "account_id" in materialization.metadata["sample"].value


def test_production_mode_skips_a_platform_without_token(tmp_path, monkeypatch):
    monkeypatch.delenv("FACEBOOK_PAGE_ACCESS_TOKEN", raising=False)
    path = tmp_path / "w.duckdb"
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [facebook_asset()],
        partition_key=NIGHT,
        resources={
            "warehouse": WarehouseResource(path=str(path)),
            "platform_api": PlatformApiResource(mode="production"),
        },
        instance=instance,
    )
    assert result.success
    logs = "\n".join(entry.user_message for entry in instance.all_logs(result.run_id))
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in logs and "skipped" in logs
    with duckdb.connect(str(path), read_only=True) as conn:
        # the tables exist (dbt sources resolve) and are empty: nothing was invented
        assert conn.execute("select count(*) from raw.facebook__account_daily").fetchone() == (0,)
        assert conn.execute("select count(*) from raw.facebook__post_snapshots").fetchone() == (0,)


def test_a_stream_failing_half_way_loads_the_other_streams_and_records_the_failure(tmp_path):
    """Account metrics read fine, then the posts listing keeps failing: the step succeeds (so the marts build
    from what is there), the run is tagged partial, the posts table's materialization says `failed` with the
    platform's words, ops.ingest_failures names table, account and error, the other streams are loaded whole and
    the failed one gets no partial rows."""
    from assets.ingest import PARTIAL_RUN_TAG

    path = tmp_path / "w.duckdb"
    fast = tmp_path / "config"
    fast.mkdir()
    (fast / "settings.yaml").write_text("http: {max_retries: 1, backoff_base_seconds: 0, backoff_max_seconds: 0}\n")
    from pipelines.settings import config_dir

    for name in ("brands.yaml", "goals.yaml"):
        (fast / name).write_text((config_dir() / name).read_text())
    instance = DagsterInstance.ephemeral()
    with Simulator(seed=7, today=TODAY) as sim:
        sim.faults.add("status", status=500, path_contains="/published_posts", times=100)
        result = materialize(
            [facebook_asset()],
            partition_key=NIGHT,
            resources={
                "warehouse": WarehouseResource(path=str(path)),
                "platform_api": simulated_platform_api(simulator_url=sim.url, config_dir=str(fast)),
            },
            instance=instance,
        )
    assert result.success
    assert instance.get_run_by_id(result.run_id).tags[PARTIAL_RUN_TAG] == "partial"
    metadata = {m.asset_key.path[-1]: m.metadata for m in result.asset_materializations_for_node("ingest_facebook")}
    assert metadata["facebook__post_snapshots"]["outcome"].value == "failed"
    assert "HTTP 500" in metadata["facebook__post_snapshots"]["failures"].value
    assert metadata["facebook__account_daily"]["outcome"].value == "loaded"
    with duckdb.connect(str(path), read_only=True) as conn:
        for table in ("facebook__post_snapshots", "facebook__post_comments"):
            assert conn.execute(f"select count(*) from raw.{table}").fetchone() == (0,), table
        for table in ("facebook__account_daily", "facebook__audience_demographics"):
            assert conn.execute(f"select count(*) from raw.{table}").fetchone()[0] > 0, table
        failures = conn.execute(
            "select source, table_name, account_id, brand, reason, failed_runs, resolved_at from ops.ingest_failures"
        ).fetchall()
    # the comments are read post by post from the same listing: that stream fails with it, and is recorded too
    assert metadata["facebook__post_comments"]["outcome"].value == "failed"
    by_table = {row[1]: row for row in failures}
    assert set(by_table) == {"facebook__post_snapshots", "facebook__post_comments"}
    for table, (source, _, account, brand, reason, runs, resolved) in by_table.items():
        assert (source, account, brand, runs, resolved) == ("facebook", "104550001", "Kopi Nusantara", 1, None), table
        assert "HTTP 500" in reason and "gave up after 2 attempt" in reason


def test_a_backfill_of_old_days_snapshots_on_the_observation_day_and_a_later_night_keeps_them(tmp_path, simulator):
    """Lifetime totals read tonight describe tonight, whatever days the run loads: a backfill of October writes
    them on the observation day (the 20th), and the next nightly re-read of the last 28 days replaces only
    the snapshots of the posts it read, not October's."""
    path = tmp_path / "w.duckdb"
    resources = {
        "warehouse": WarehouseResource(path=str(path)),
        "platform_api": simulated_platform_api(simulator_url=simulator.url, now=NIGHT_RUN_AT),
    }
    october = materialize(
        [facebook_asset()],
        partition_key="2026-10-01",
        resources=resources,
        instance=DagsterInstance.ephemeral(),
    )
    assert october.success
    with duckdb.connect(str(path), read_only=True) as conn:
        (days, backfilled) = conn.execute(
            "select list(distinct snapshot_date), count(*) from raw.facebook__post_snapshots"
        ).fetchone()
    assert days == [dt.date(2026, 11, 20)] and backfilled > 0
    assert materialize(
        [facebook_asset()], partition_key=NIGHT, resources=resources, instance=DagsterInstance.ephemeral()
    ).success
    with duckdb.connect(str(path), read_only=True) as conn:
        (october_posts, total) = conn.execute(
            "select count(*) filter (where published_at < '2026-10-02'), count(*) from raw.facebook__post_snapshots"
        ).fetchone()
    assert october_posts == backfilled  # still there after the narrower night
    assert total > backfilled


def test_each_partition_of_a_ranged_run_reports_its_own_rows(tmp_path, simulator):
    """A backfill is one run, and Dagster gives all its partitions the run's metadata: `rows_loaded` is each
    day's own count (what the warehouse holds for that day), a day without rows says 0, the run's figures
    (`run_rows_loaded`, API calls, sample) are on its newest partition only. Post snapshots are written on the
    observation day only, so every other day has 0."""
    path = tmp_path / "w.duckdb"
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [facebook_asset()],
        resources={
            "warehouse": WarehouseResource(path=str(path)),
            "platform_api": simulated_platform_api(simulator_url=simulator.url, now=NIGHT_RUN_AT),
        },
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2026-11-11",
            "dagster/asset_partition_range_end": NIGHT,
        },
    )
    assert result.success
    with duckdb.connect(str(path), read_only=True) as conn:
        per_day = {}
        for table in ("facebook__account_daily", "facebook__post_snapshots"):
            per_day[table] = dict(
                conn.execute(f"select _partition_date::varchar, count(*) from raw.{table} group by 1").fetchall()
            )
    for table, counts in per_day.items():
        records = instance.fetch_materializations(AssetKey(["raw", table]), limit=100).records
        shown = {r.partition_key: r.asset_materialization.metadata for r in records}
        assert sorted(shown) == [f"2026-11-{day}" for day in range(11, 21)]
        for partition, metadata in shown.items():
            assert metadata["rows_loaded"].value == counts.get(partition, 0), (table, partition)
            assert metadata["run_dates_covered"].value  # every partition says which days its run replaced
            # the run's figures once, on its newest partition (the asset's latest materialization)
            assert ("run_rows_loaded" in metadata) == ("sample" in metadata) == (partition == NIGHT), partition
        assert shown[NIGHT]["run_rows_loaded"].value == sum(counts.values())
        assert shown[NIGHT]["api_calls"].value > 0
    # Meta's 20th (Pacific) had not ended: the account-metrics partition of the 20th has no row and says so
    assert per_day["facebook__account_daily"].get(NIGHT) is None
    assert list(per_day["facebook__post_snapshots"]) == [NIGHT]
    assert per_day["facebook__account_daily"]["2026-11-12"] == 1  # one own account, one row a day
