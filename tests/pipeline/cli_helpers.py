"""`socialpulse` as a user runs it, for the subprocess tests: its own Dagster home and warehouse per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WINDOW = ("--days", "3", "--end", "2026-11-20")


def socialpulse_command() -> str:
    return str(Path(sys.executable).parent / "socialpulse")


def cli_environment(folder: Path) -> tuple[dict[str, str], Path, Path]:
    """(environment, Dagster home, warehouse) of a fresh installation under `folder`."""
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    warehouse = folder / "warehouse" / "socialpulse.duckdb"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SOCIALPULSE_WAREHOUSE": str(warehouse),
        "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SOCIALPULSE_SIMULATOR_URL", None)
    env.pop("SOCIALPULSE_PUBLISHED_WAREHOUSE", None)
    return env, home, warehouse


def socialpulse(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    command = [socialpulse_command(), *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def start_run_and_wait_for_ingest(env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `socialpulse run` (its own session) and return once an ingest asset has loaded rows."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [socialpulse_command(), "run", *WINDOW],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while "row(s) loaded for" not in log.read_text():
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "no ingest progress within 300 s"
        time.sleep(0.2)
    return process
