"""Smoke test: the code location loads and has every asset, check, job, schedule and sensor; the UI answers."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from dagster import AssetKey

from pipelines.settings import PLATFORMS

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def repository():
    from pipelines.definitions import defs

    return defs.get_repository_def()


def test_every_platform_stream_market_source_and_mart_is_an_asset(repository):
    keys = {key.to_user_string() for key in repository.asset_graph.get_all_asset_keys()}
    for platform in PLATFORMS:
        assert f"raw/{platform}__account_daily" in keys
        assert f"raw/{platform}__post_snapshots" in keys
    for market in (
        "raw/instagram__competitor_profiles",
        "raw/x__mention_counts",
        "raw/rss__entries",
        "raw/google_trends__trending_searches",
    ):
        assert market in keys
    for mart in ("fct_account_daily", "fct_posts", "fct_kpi_daily", "fct_share_of_voice", "dim_brands"):
        assert f"marts/{mart}" in keys
    assert "publishing/published_warehouse" in keys


def test_every_asset_has_a_description_and_a_group(repository):
    graph = repository.asset_graph
    materializable = [k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    missing_description = [k.to_user_string() for k in materializable if not graph.get(k).description]
    assert missing_description == []
    assert all(graph.get(k).group_name for k in materializable)


def test_jobs_schedules_sensors_and_checks(repository):
    assert {"nightly_job", "import_files_job"} <= set(repository.job_names)
    assert [s.name for s in repository.schedule_defs] == ["nightly_schedule"]
    assert {"kpi_alert_sensor", "run_failure_alert_sensor", "import_files_sensor", "stale_run_sensor"} <= {
        s.name for s in repository.sensor_defs
    }
    check_keys = set(repository.asset_graph.asset_check_keys)
    assert any(
        k.name == "data_is_fresh" and k.asset_key == AssetKey(["raw", "instagram__account_daily"]) for k in check_keys
    )
    assert any(k.asset_key == AssetKey(["marts", "fct_account_daily"]) for k in check_keys)  # dbt tests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dagster_dev_answers_on_its_port(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "SOCIALPULSE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    (tmp_path / "dagster.yaml").write_text((REPO / ".dagster_home" / "dagster.yaml").read_text())
    dagster = str(Path(sys.executable).parent / "dagster")
    process = subprocess.Popen(
        [dagster, "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).json()
            except (requests.ConnectionError, requests.Timeout, ValueError):
                time.sleep(1)
        assert answer is not None and "dagster_webserver_version" in answer
        query = {"query": "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            nodes = requests.post(f"http://127.0.0.1:{port}/graphql", json=query, timeout=10).json()
            found = nodes.get("data", {}).get("repositoriesOrError", {}).get("nodes")
            if found:
                break
            time.sleep(2)
        assert found and found[0]["name"] == "__repository__"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
