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
    pytest.importorskip("psycopg2", reason="the lake extra is not installed here: make install-lake (.venv-lake)")
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

    from pipelines.warehouse_kinds import WarehouseLocation, missing_lake_extensions

    if reason := missing_lake_extensions():
        pytest.skip(reason)
    database = f"lake_{uuid.uuid4().hex[:12]}"
    postgres.create_database(database)
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    return WarehouseLocation(kind="ducklake", catalog=postgres.dsn(database), data_path=str(tmp_path / "lake_files"))


class WarehouseHolder:
    """Another process holding a DuckDB file, as a BI tool or a running job does (DuckDB lets no one else in)."""

    def __init__(self, path: Path, seconds: float = 120, *, read_only: bool = False) -> None:
        import subprocess
        import sys

        script = (
            "import duckdb, sys, time\n"
            f"conn = duckdb.connect({str(path)!r}, read_only={read_only})\n"
            "print('open', flush=True)\n"
            f"time.sleep({seconds})\n"
        )
        self.process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "open"
        self.pid = self.process.pid

    def release(self) -> None:
        self.process.kill()
        self.process.wait()

    def wait(self, timeout: float = 60) -> None:
        self.process.wait(timeout=timeout)


@pytest.fixture
def hold_warehouse():
    """`hold_warehouse(path, seconds, read_only=...)` starts a holder; every holder is released after the test."""
    holders: list[WarehouseHolder] = []

    def start(path: Path, seconds: float = 120, *, read_only: bool = False) -> WarehouseHolder:
        holder = WarehouseHolder(path, seconds, read_only=read_only)
        holders.append(holder)
        return holder

    yield start
    for holder in holders:
        holder.release()


def edit_yaml_file(folder: Path, name: str, change) -> Path:
    """Load `folder/name`, let `change(data)` edit it in place, write it back; returns the file's path."""
    import yaml

    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture
def edit_yaml():
    """`edit_yaml(folder, "brands.yaml", lambda data: ...)`: a configuration file of a copied folder, edited."""
    return edit_yaml_file
