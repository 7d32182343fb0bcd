"""An in-process run reads its ingest sources side by side, one lane per platform, and loads what one source after
another would: real Dagster runs of ingest assets on the simulator over HTTP (answering after a latency, so reads
really overlap; it counts the requests it answers at once per host), loading a real DuckDB file. No timing is
asserted.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from assets.ingest import INGEST_SOURCES
from pipelines.definitions import all_assets
from pipelines.platforms.facebook import FacebookClient
from pipelines.platforms.linkedin import LinkedInClient
from pipelines.resources import WarehouseResource
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 21)
NIGHT = "2026-11-20"
# Facebook's own accounts and its competitors share one lane (graph.facebook.com, at most Facebook's 8 at once);
# LinkedIn's is another lane on another host.
STEPS = ("ingest_facebook", "ingest_facebook_competitors", "ingest_linkedin")


@pytest.fixture(scope="module")
def simulator():
    with Simulator(seed=7, today=TODAY, latency_ms=40) as sim:
        yield sim


def ingest_assets(*steps: str) -> list:
    return [a for a in all_assets() if getattr(a, "op", None) is not None and a.op.name in steps]


def run(simulator, path, steps) -> tuple[object, DagsterInstance]:
    instance = DagsterInstance.ephemeral()
    result = materialize(
        ingest_assets(*steps),
        partition_key=NIGHT,
        resources={
            "warehouse": WarehouseResource(path=str(path)),
            "platform_api": simulated_platform_api(simulator_url=simulator.url),
        },
        instance=instance,
    )
    assert result.success
    return result, instance


def raw_tables(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = [
            r[0] for r in conn.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        ]
        return {
            t: conn.execute(f"select * exclude (_loaded_at, _run_id) from raw.{t} order by all").fetchall()
            for t in tables
        }


def step_messages(instance, run_id: str, step: str) -> list[str]:
    entries = instance.all_logs(run_id)
    return [e.user_message for e in entries if e.step_key == step and e.dagster_event is None]


def test_the_steps_are_the_registered_sources():
    assert set(STEPS) <= set(INGEST_SOURCES)
    lanes = {step: INGEST_SOURCES[step].lane for step in STEPS}
    assert lanes == {
        "ingest_facebook": "facebook",
        "ingest_facebook_competitors": "facebook",
        "ingest_linkedin": "linkedin",
    }
    assert INGEST_SOURCES["ingest_google_trends"].lane == "google_trends"  # a source of no platform: its own lane


def test_sources_of_different_platforms_are_read_at_once_and_a_lane_keeps_its_platforms_limit(simulator, tmp_path):
    simulator.in_flight.reset()
    together, instance = run(simulator, tmp_path / "together.duckdb", STEPS)
    assert simulator.in_flight.hosts_at_once() >= 2  # Facebook and LinkedIn answered at the same moment
    # the Facebook lane: its own accounts, then its competitors, never more than Facebook's limit at once
    assert simulator.in_flight.peak("graph.facebook.com") <= FacebookClient.spec.max_concurrent_requests
    assert simulator.in_flight.peak("api.linkedin.com") <= LinkedInClient.spec.max_concurrent_requests
    # the first step started every read; each step replays its own source's lines into its own log
    first = step_messages(instance, together.run_id, "ingest_facebook")
    assert any("reading 3 source(s) of this run side by side in 2 lane(s) (facebook, linkedin)" in m for m in first)
    linkedin = step_messages(instance, together.run_id, "ingest_linkedin")
    assert any(m.startswith("linkedin: reading") and "(read ahead," in m for m in linkedin)
    assert not any(m.startswith("linkedin:") for m in first)


def test_side_by_side_loads_what_one_run_per_source_loads(simulator, tmp_path):
    run(simulator, tmp_path / "together.duckdb", STEPS)
    for step in STEPS:  # a run of one ingest step has no other source to read beside it
        run(simulator, tmp_path / "apart.duckdb", (step,))
    together, apart = raw_tables(tmp_path / "together.duckdb"), raw_tables(tmp_path / "apart.duckdb")
    assert together.keys() == apart.keys()
    assert {"facebook__post_snapshots", "facebook__competitor_posts", "linkedin__post_snapshots"} <= set(together)
    for table in together:
        assert together[table] == apart[table], table
    assert sum(len(rows) for rows in together.values()) > 100
