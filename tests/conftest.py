"""Shared test setup: no telemetry, no state outside tmp folders."""

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_HOME", str(REPO / ".dagster_home"))
# Reports rendered by pipeline tests (and their subprocesses) never land in the developer's reports/ folder.
os.environ.setdefault("SOCIALPULSE_REPORTS_DIR", tempfile.mkdtemp(prefix="socialpulse-test-reports-"))


@pytest.fixture(autouse=True)
def _no_simulator_url_from_the_shell(monkeypatch):
    """Tests start their own simulators; a URL exported in the developer's shell must not leak in."""
    monkeypatch.delenv("SOCIALPULSE_SIMULATOR_URL", raising=False)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (tests/postgres_cluster.py), for the DuckLake + PostgreSQL
    deployment's tests; skipped, saying why, where the server binaries are absent."""
    from postgres_cluster import find_binaries, start_cluster

    _, reason = find_binaries()
    if reason:
        pytest.skip(reason)
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def lake(postgres, tmp_path, monkeypatch):
    """A fresh DuckLake warehouse: its own catalog database in the cluster, its data files in tmp_path; the
    password in PGPASSWORD, as a deployment gives it (never in the connection string)."""
    import uuid

    from pipelines.warehouse_kinds import WarehouseLocation, extension_directory

    if not (Path(extension_directory()).exists()):
        pytest.skip("the duckdb-ext-ducklake and duckdb-ext-postgres wheels are not installed (make install)")
    database = f"lake_{uuid.uuid4().hex[:12]}"
    postgres.create_database(database)
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    return WarehouseLocation(kind="ducklake", catalog=postgres.dsn(database), data_path=str(tmp_path / "lake_files"))
