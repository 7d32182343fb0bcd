"""The batching SQLite event log (pipelines/instance_storage.py) stores what Dagster's own SQLite storage stores.

The same job runs on two Dagster homes, one with Dagster's stock storage and one with `.dagster_home/dagster.yaml`'s
instance class: a 40-day ranged run (one run, per-partition materializations sent in batches), a ranged re-run of
some days, and a one-day run. Every way the UI and the schedules read the event log must give the same answer:
materializations per partition with their metadata, the latest materialization of each partition and of the
asset, the materialized partitions and the partition status cache, indexed data-version tags, the asset key rows,
asset check results, and the run's own event log.
"""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    DagsterEventType,
    DagsterInstance,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
    asset_check,
    materialize,
    multi_asset,
)
from dagster._core.definitions.asset_checks.asset_check_spec import AssetCheckKey
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from pipelines.instance_storage import BatchingSqliteEventLogStorage, SocialPulseInstance
from pipelines.settings import ENV_EVENT_BATCH_SIZE

REPO = Path(__file__).resolve().parents[2]
PARTITIONS = DailyPartitionsDefinition(start_date="2026-01-01", end_offset=0)
KEYS = [AssetKey(["raw", "alpha"]), AssetKey(["raw", "beta"])]
DOWNSTREAM = AssetKey(["marts", "summary"])


@multi_asset(
    specs=[AssetSpec(key, code_version="1") for key in KEYS],
    partitions_def=PARTITIONS,
    backfill_policy=BackfillPolicy.single_run(),
    can_subset=True,
)
def loads(context: AssetExecutionContext):
    """Like an ingest asset: run figures for all partitions, each partition its own row count (odd days none)."""
    for key in sorted(context.selected_asset_keys):
        for partition in context.partition_keys:
            rows = 0 if int(partition[-2:]) % 2 else int(partition[-2:]) * (2 if key == KEYS[1] else 1)
            context.add_asset_metadata({"rows_loaded": rows}, asset_key=key, partition_key=partition)
        yield MaterializeResult(asset_key=key, metadata={"run_partitions": len(context.partition_keys)})


@asset(key=DOWNSTREAM, deps=KEYS, backfill_policy=BackfillPolicy.single_run(), code_version="1")
def summary() -> MaterializeResult:
    return MaterializeResult(metadata={"rows": 1})


@asset_check(asset=KEYS[0])
def alpha_has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True, metadata={"checked": 1})


def range_tags(start: str, end: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end}


RUNS = [
    dict(tags=range_tags("2026-01-01", "2026-02-09")),  # the first load: 40 days in one run
    dict(tags=range_tags("2026-01-10", "2026-01-14")),  # a backfill of some days
    dict(partition_key="2026-02-09"),  # a night
]


def dagster_home(folder: Path, *, ours: bool) -> DagsterInstance:
    folder.mkdir()
    if ours:
        shutil.copy(REPO / ".dagster_home" / "dagster.yaml", folder / "dagster.yaml")
    else:
        (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return DagsterInstance.from_config(str(folder))


def run_all(instance: DagsterInstance) -> list[str]:
    run_ids = []
    for run in RUNS:
        result = materialize([loads, summary, alpha_has_rows], instance=instance, **run)
        assert result.success
        run_ids.append(result.run_id)
    return run_ids


def materializations(instance: DagsterInstance, key: AssetKey, run_index: dict[str, int]) -> list[tuple]:
    records = instance.fetch_materializations(key, limit=10_000, ascending=True).records
    return [
        (
            record.partition_key,
            run_index[record.run_id],
            {name: value.value for name, value in record.asset_materialization.metadata.items()},
            dict(record.asset_materialization.tags or {}),
        )
        for record in records
    ]


def latest_by_partition(instance: DagsterInstance, key: AssetKey, run_index: dict[str, int]) -> dict[str, tuple]:
    """What the partitions view shows for each partition: the run and metadata of its latest materialization."""
    ids = instance.event_log_storage.get_latest_storage_id_by_partition(key, DagsterEventType.ASSET_MATERIALIZATION)
    by_id = {r.storage_id: r for r in instance.fetch_materializations(key, limit=10_000).records}
    return {
        partition: (run_index[by_id[storage_id].run_id], by_id[storage_id].asset_materialization.metadata)
        for partition, storage_id in ids.items()
    }


def status_cache(instance: DagsterInstance, key: AssetKey) -> tuple:
    value = get_and_update_asset_status_cache_value(instance, key, PARTITIONS)
    assert value is not None
    return (
        sorted(value.deserialize_materialized_partition_subsets(PARTITIONS).get_partition_keys()),
        sorted(value.deserialize_failed_partition_subsets(PARTITIONS).get_partition_keys()),
        sorted(value.deserialize_in_progress_partition_subsets(PARTITIONS).get_partition_keys()),
    )


def everything_the_ui_reads(instance: DagsterInstance, run_ids: list[str]) -> dict:
    run_index = {run_id: index for index, run_id in enumerate(run_ids)}
    found: dict = {"asset_keys": sorted(key.to_string() for key in instance.get_asset_keys())}
    for key in [*KEYS, DOWNSTREAM]:
        latest = instance.get_latest_materialization_event(key)
        (record,) = instance.get_asset_records([key])
        entry = record.asset_entry
        found[key.to_string()] = {
            "materializations": materializations(instance, key, run_index),
            "latest": (latest.dagster_event.partition, run_index[latest.run_id]),
            "asset_row": (
                entry.last_materialization_record.partition_key,
                run_index[entry.last_materialization_record.run_id],
                run_index[entry.last_run_id],
            ),
            "data_version_tags": sorted(tuple(sorted(tags.items())) for tags in instance.get_event_tags_for_asset(key)),
        }
        if key != DOWNSTREAM:
            found[key.to_string()]["materialized_partitions"] = sorted(instance.get_materialized_partitions(key))
            found[key.to_string()]["latest_by_partition"] = latest_by_partition(instance, key, run_index)
            found[key.to_string()]["status_cache"] = status_cache(instance, key)
    checks = instance.event_log_storage.get_asset_check_execution_history(
        AssetCheckKey(KEYS[0], "alpha_has_rows"), limit=10
    )
    found["checks"] = sorted((run_index[c.run_id], c.status.value) for c in checks)
    for run_id in run_ids:
        found[f"run {run_index[run_id]}"] = [
            (e.dagster_event.event_type_value, e.dagster_event.asset_key, e.dagster_event.partition)
            for e in instance.all_logs(run_id)
            if e.is_dagster_event
        ]
    return found


@pytest.fixture
def batches(monkeypatch):
    """Batches on (as the Makefile, the CLI and the code location set it), and a count of the batches written."""
    monkeypatch.setenv(ENV_EVENT_BATCH_SIZE, "10000")
    sizes: list[int] = []
    original = BatchingSqliteEventLogStorage.store_event_batch

    def counting(self, events):
        sizes.append(len(events))
        return original(self, events)

    monkeypatch.setattr(BatchingSqliteEventLogStorage, "store_event_batch", counting)
    return sizes


def test_the_instance_of_dagster_yaml_uses_the_batching_storage_in_its_own_folder(tmp_path):
    instance = dagster_home(tmp_path / "home", ours=True)
    assert isinstance(instance, SocialPulseInstance)
    storage = instance.event_log_storage
    assert isinstance(storage, BatchingSqliteEventLogStorage)
    assert Path(storage._base_dir) == tmp_path / "home" / "history" / "runs"


def test_batched_storage_stores_what_dagsters_sqlite_storage_stores(tmp_path, batches):
    stock = dagster_home(tmp_path / "stock", ours=False)
    ours = dagster_home(tmp_path / "ours", ours=True)
    assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"

    stock_found = everything_the_ui_reads(stock, run_all(stock))
    assert not batches  # the stock storage never reached our class
    ours_found = everything_the_ui_reads(ours, run_all(ours))

    # our storage really received batches: the 40 materializations of each asset in the first run, the 5 of the
    # backfill (and the planned events, whose size depends on DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS)
    assert batches.count(40) == 2 and batches.count(5) == 2, batches
    assert stock_found == ours_found

    # and the answers are the right ones, not just equal
    alpha = ours_found[KEYS[0].to_string()]
    assert len(alpha["materializations"]) == 40 + 5 + 1
    assert alpha["materialized_partitions"] == [
        (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(40)
    ]
    assert alpha["status_cache"] == (alpha["materialized_partitions"], [], [])
    run_of, metadata_of = alpha["latest_by_partition"]["2026-01-12"]
    assert run_of == 1 and metadata_of["rows_loaded"].value == 12 and metadata_of["run_partitions"].value == 5
    run_of, metadata_of = alpha["latest_by_partition"]["2026-01-13"]
    assert run_of == 1 and metadata_of["rows_loaded"].value == 0  # a day without rows says 0, not the run's figure
    assert alpha["latest_by_partition"]["2026-01-20"][0] == 0
    assert alpha["latest_by_partition"]["2026-02-09"][0] == 2
    assert alpha["latest"] == ("2026-02-09", 2) and alpha["asset_row"] == ("2026-02-09", 2, 2)
    assert ours_found[KEYS[1].to_string()]["latest_by_partition"]["2026-01-12"][1]["rows_loaded"].value == 24
    assert alpha["data_version_tags"]  # data versions are indexed for every partition
    assert ours_found["checks"] == [(0, "SUCCEEDED"), (1, "SUCCEEDED"), (2, "SUCCEEDED")]


def test_a_batch_spanning_runs_or_of_other_events_is_stored_one_by_one(tmp_path, batches):
    """The fallback path: what is not one run's asset events goes through store_event, so nothing is lost."""
    ours = dagster_home(tmp_path / "ours", ours=True)
    first = materialize([loads], instance=ours, tags=range_tags("2026-01-01", "2026-01-03"))
    second = materialize([loads], instance=ours, tags=range_tags("2026-01-04", "2026-01-05"))
    storage = ours.event_log_storage
    mixed = [
        *[e for e in ours.all_logs(first.run_id) if e.is_dagster_event],
        *[e for e in ours.all_logs(second.run_id) if e.is_dagster_event],
    ]
    before = {run_id: len(ours.all_logs(run_id)) for run_id in (first.run_id, second.run_id)}
    assert not storage._batchable(mixed)
    storage.store_event_batch(mixed)  # stored again, one by one
    after = {run_id: len(ours.all_logs(run_id)) for run_id in (first.run_id, second.run_id)}
    assert after == {run_id: 2 * count for run_id, count in before.items()}
