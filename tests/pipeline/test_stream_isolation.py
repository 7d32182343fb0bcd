"""One failing stream never loses the platform's others: real Dagster runs of the ingest assets on the simulator.

LinkedIn rejecting the statistics window (400 ILLEGAL_ARGUMENT, in LinkedIn's words) and X answering 404 for the
own account each fail their account stream, with the platform's message (redacted) in the run's error, while the
posts and the other streams of that platform are loaded.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from assets.platforms import build_platform_assets
from pipelines.config.loader import load_brands
from pipelines.resources import PlatformApiResource, WarehouseResource
from pipelines.simulator import Simulator

TODAY = dt.date(2026, 11, 21)
NIGHT = "2026-11-20"
CANARY = "CANARY-isolation-5e2c"


def platform_asset(platform: str):
    return next(a for a in build_platform_assets() if AssetKey(["raw", f"{platform}__account_daily"]) in a.keys)


def run(tmp_path, platform: str, api: PlatformApiResource):
    path = tmp_path / "w.duckdb"
    result = materialize(
        [platform_asset(platform)],
        partition_key=NIGHT,
        resources={"warehouse": WarehouseResource(path=str(path)), "platform_api": api},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return result, path


def counts(path, platform: str, streams: tuple[str, ...]) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {s: conn.execute(f"select count(*) from raw.{platform}__{s}").fetchone()[0] for s in streams}


def failure_text(result) -> str:
    failure = next(e for e in result.all_events if e.is_step_failure)
    return str(failure.event_specific_data.error)


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
    api = PlatformApiResource(
        mode="simulator", simulator_url=simulator.url, now=ahead.isoformat(), linkedin_access_token=CANARY
    )
    result, path = run(tmp_path, "linkedin", api)
    assert not result.success
    error = failure_text(result)
    assert "raw.linkedin__account_daily" in error
    assert "ILLEGAL_ARGUMENT: Invalid timeIntervals parameter" in error  # LinkedIn's own code and message
    assert "1 of 4 table(s) could not be read" in error
    assert CANARY not in error
    loaded = counts(path, "linkedin", ("account_daily", "post_snapshots", "audience_demographics", "post_comments"))
    assert loaded["account_daily"] == 0
    assert loaded["post_snapshots"] > 0 and loaded["audience_demographics"] > 0 and loaded["post_comments"] > 0
    materialized = {m.asset_key.path[-1] for m in result.asset_materializations_for_node("ingest_linkedin")}
    assert materialized == {"linkedin__post_snapshots", "linkedin__audience_demographics", "linkedin__post_comments"}


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
    api = PlatformApiResource(
        mode="simulator", simulator_url=simulator.url, x_bearer_token=CANARY, x_user_access_token=CANARY
    )
    result, path = run(tmp_path, "x", api)
    assert not result.success
    error = failure_text(result)
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
    api = PlatformApiResource(
        mode="simulator", simulator_url=simulator.url, x_bearer_token=CANARY, x_user_access_token=CANARY
    )
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
