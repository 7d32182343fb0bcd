"""The whole pipeline in-process: simulator on 127.0.0.1 -> real clients -> DuckDB -> real dbt -> marts."""

import datetime as dt

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from pipelines.definitions import all_assets, pipeline_resources
from pipelines.resources import PlatformApiResource
from pipelines.settings import PLATFORMS
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 21)
START, END = dt.date(2026, 11, 7), dt.date(2026, 11, 20)
RANGE_TAGS = {
    "dagster/asset_partition_range_start": START.isoformat(),
    "dagster/asset_partition_range_end": END.isoformat(),
}

pytestmark = pytest.mark.slow


def run_pipeline(warehouse_file, sim, **api_settings):
    api = PlatformApiResource(mode="simulator", simulator_url=sim.url, **api_settings)
    return materialize(
        all_assets(),
        resources=pipeline_resources(str(warehouse_file), api),
        instance=DagsterInstance.ephemeral(),
        tags=RANGE_TAGS,
    )


def normalised(value):
    """Floats to 9 significant digits: DuckDB's parallel sums may differ in the last bits between runs."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list | tuple):
        return type(value)(normalised(v) for v in value)
    return value


def contents(path, schemas=("raw", "marts")):
    """Every table's rows (without load timestamps and run ids), to compare two warehouses."""
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in "
            f"({', '.join(repr(s) for s in schemas)}) and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        out = {}
        for schema, table in tables:
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "and column_name not in ('_loaded_at', '_run_id') order by ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'select {select} from "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(repr(normalised(row)) for row in rows)
        return out


@pytest.fixture(scope="module")
def simulator():
    with Simulator(seed=7, today=TODAY) as sim:
        yield sim


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory, simulator):
    path = tmp_path_factory.mktemp("e2e") / "socialpulse.duckdb"
    result = run_pipeline(path, simulator)
    assert result.success
    return path


def test_every_platform_lands_in_raw_and_the_marts(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as conn:
        platforms = {p for (p,) in conn.execute("select distinct platform from marts.fct_account_daily").fetchall()}
        assert platforms == set(PLATFORMS)
        for platform in PLATFORMS:
            (posts,) = conn.execute(f"select count(*) from raw.{platform}__post_snapshots").fetchone()
            assert posts > 0, platform
        (days,) = conn.execute(
            "select count(distinct metric_date) from marts.fct_account_daily where platform = 'facebook'"
        ).fetchone()
        assert days >= (END - START).days + 1


def test_rerunning_the_same_partitions_gives_the_same_warehouse(built_warehouse, simulator, tmp_path):
    before = contents(built_warehouse)
    assert run_pipeline(built_warehouse, simulator).success
    after = contents(built_warehouse)
    assert before.keys() == after.keys()
    changed = {
        table: sorted(set(before[table]) ^ set(after[table]))[:4] for table in before if before[table] != after[table]
    }
    assert changed == {}


def test_a_canary_token_never_reaches_logs_events_or_the_warehouse(tmp_path, capfd):
    canary = "CANARY-e2e-9c41b7"
    tokens = {key: canary for key in Simulator.DEFAULT_TOKENS}
    with Simulator(seed=7, today=TODAY, tokens=tokens) as sim:
        sim.faults.add("status", status=500, path_contains="/published_posts", times=100)
        sim.faults.add("expired_token", path_contains="/insights", times=100)
        api = PlatformApiResource(
            mode="simulator",
            simulator_url=sim.url,
            facebook_page_access_token=canary,
            instagram_access_token=canary,
            x_bearer_token=canary,
            x_user_access_token=canary,
            linkedin_access_token=canary,
            youtube_api_key=canary,
            youtube_oauth_token=canary,
            tiktok_business_access_token=canary,
            tiktok_research_access_token=canary,
        )
        instance = DagsterInstance.ephemeral()
        path = tmp_path / "w.duckdb"
        result = materialize(
            all_assets(),
            resources=pipeline_resources(str(path), api),
            instance=instance,
            tags=RANGE_TAGS,
            raise_on_error=False,
        )
    assert not result.success  # the faults made Facebook and Instagram fail
    failures = [e for e in result.all_events if e.is_failure]
    assert failures and any(
        "401" in str(e.event_specific_data) or "token" in str(e.event_specific_data).lower() for e in failures
    )
    records = instance.get_records_for_run(result.run_id).records
    event_text = "\n".join(str(r.event_log_entry) for r in records)
    assert canary not in event_text
    captured = capfd.readouterr()
    assert canary not in captured.out and canary not in captured.err
    with duckdb.connect(str(path), read_only=True) as conn:
        for schema, table in conn.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
        ).fetchall():
            dump = str(conn.execute(f'select * from "{schema}"."{table}"').fetchall())
            assert canary not in dump, f"{schema}.{table}"
