"""One failing stream never loses the platform's others: real Dagster runs of the ingest assets on the simulator.

LinkedIn rejecting the statistics window (400 ILLEGAL_ARGUMENT, in LinkedIn's words) and X answering 404 for the
own account each fail their account stream, with the platform's message (redacted) in the table's materialization,
the run's partial tag and ops.ingest_failures, while the posts and the other streams of that platform are loaded
and the run succeeds (so the marts build from what is there).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from assets.platforms import build_platform_assets
from pipelines.config.loader import load_brands
from pipelines.resources import PlatformApiResource, WarehouseResource
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 21)
NIGHT = "2026-11-20"
CANARY = "CANARY-isolation-5e2c"


def platform_asset(platform: str):
    return next(a for a in build_platform_assets() if AssetKey(["raw", f"{platform}__account_daily"]) in a.keys)


def run(tmp_path, platform: str, api: PlatformApiResource):
    path = tmp_path / "w.duckdb"
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [platform_asset(platform)],
        partition_key=NIGHT,
        resources={"warehouse": WarehouseResource(path=str(path)), "platform_api": api},
        instance=instance,
        raise_on_error=False,
    )
    result.stored_tags = instance.get_run_by_id(result.run_id).tags  # tags added while the run ran
    return result, path


def counts(path, platform: str, streams: tuple[str, ...]) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {s: conn.execute(f"select count(*) from raw.{platform}__{s}").fetchone()[0] for s in streams}


def failure_text(result, platform: str, table: str) -> str:
    """What the run says of a table that could not be read: its materialization's failures."""
    materialization = next(
        m for m in result.asset_materializations_for_node(f"ingest_{platform}") if m.asset_key.path[-1] == table
    )
    assert materialization.metadata["outcome"].value == "failed"
    return materialization.metadata["failures"].value


def recorded_failures(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(
            "select table_name, account_id, reason, resolved_at from ops.ingest_failures order by 1"
        ).fetchall()


@pytest.fixture(autouse=True)
def _canary_tokens(monkeypatch):
    for variable in ("LINKEDIN_ACCESS_TOKEN", "X_BEARER_TOKEN", "X_USER_ACCESS_TOKEN"):
        monkeypatch.setenv(variable, CANARY)


@pytest.fixture(scope="module")
def simulator():
    with Simulator(seed=7, today=TODAY, tokens={"linkedin": CANARY, "x": CANARY}) as sim:
        yield sim


@pytest.fixture(autouse=True)
def _clear(simulator):
    simulator.faults.clear()
    yield
    simulator.faults.clear()


def test_a_linkedin_400_keeps_linkedins_words_and_the_other_streams_load(tmp_path, simulator):
    # The clients' clock two days ahead of LinkedIn's: the statistics window ends after what LinkedIn serves, and
    # the one retry a day earlier is still too late. LinkedIn answers 400 ILLEGAL_ARGUMENT both times.
    ahead = simulator.world.now + dt.timedelta(days=2)
    api = simulated_platform_api(simulator_url=simulator.url, now=ahead.isoformat())
    result, path = run(tmp_path, "linkedin", api)
    assert result.success  # partial: the run says so, the marts would build from the rest
    assert result.stored_tags.get("socialpulse/outcome") == "partial"
    error = failure_text(result, "linkedin", "linkedin__account_daily")
    assert "raw.linkedin__account_daily" in error
    assert "ILLEGAL_ARGUMENT: Invalid timeIntervals parameter" in error  # LinkedIn's own code and message
    assert CANARY not in error
    loaded = counts(path, "linkedin", ("account_daily", "post_snapshots", "audience_demographics", "post_comments"))
    assert loaded["account_daily"] == 0
    assert loaded["post_snapshots"] > 0 and loaded["audience_demographics"] > 0 and loaded["post_comments"] > 0
    # every table is materialized (what the UI shows): the failed one says so, the other three loaded
    outcomes = {
        m.asset_key.path[-1]: m.metadata["outcome"].value
        for m in result.asset_materializations_for_node("ingest_linkedin")
    }
    assert outcomes == {
        "linkedin__account_daily": "failed",
        "linkedin__post_snapshots": "loaded",
        "linkedin__audience_demographics": "loaded",
        "linkedin__post_comments": "loaded",
    }
    (failure,) = recorded_failures(path)
    assert failure[0] == "linkedin__account_daily" and "ILLEGAL_ARGUMENT" in failure[2] and failure[3] is None
    assert CANARY not in str(failure)


def test_an_x_404_keeps_xs_words_and_the_posts_load(tmp_path, simulator):
    own = load_brands().own_brand.accounts["x"]
    # Every lookup of the own account (by id, /users/me, by username) answers X's 404 problem.
    simulator.faults.add(
        "status",
        path_contains="user.fields=public_metrics",
        status=404,
        times=0,
        message=f"Could not find user with id: [{own.id}].",
    )
    api = simulated_platform_api(simulator_url=simulator.url)
    result, path = run(tmp_path, "x", api)
    assert result.success
    error = failure_text(result, "x", "x__account_daily")
    assert "raw.x__account_daily" in error
    assert f"Not Found Error; Could not find user with id: [{own.id}]." in error  # X's title and detail
    assert "GET /2/users/me" in error and "GET /2/users/by/username/" in error  # every fallback was tried
    assert CANARY not in error
    loaded = counts(path, "x", ("account_daily", "post_snapshots", "post_comments"))
    assert loaded["account_daily"] == 0
    assert loaded["post_snapshots"] > 0 and loaded["post_comments"] > 0  # the replies load without the account


def test_x_reads_the_own_account_with_a_fallback_when_users_id_fails(tmp_path, simulator):
    own = load_brands().own_brand.accounts["x"]
    simulator.faults.add("status", path_contains=f"/2/users/{own.id}?", status=404, times=0)
    api = simulated_platform_api(simulator_url=simulator.url)
    result, path = run(tmp_path, "x", api)
    assert result.success
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute("select metric_date, followers from raw.x__account_daily").fetchall()
    assert rows == [(dt.date(2026, 11, 20), simulator.world.followers_now("x", own.id))]
    materialization = next(
        m
        for m in result.asset_materializations_for_node("ingest_x")
        if m.asset_key == AssetKey(["raw", "x__account_daily"])
    )
    assert "read with GET /2/users/me" in materialization.metadata["warnings"].value
