"""Fixtures of the pipeline tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .cli_helpers import WINDOW, cli_environment, socialpulse


@dataclass(frozen=True)
class CliRun:
    completed: subprocess.CompletedProcess
    env: dict[str, str]
    home: Path
    warehouse: Path


@pytest.fixture(scope="session")
def clean_cli_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """One `socialpulse run` of WINDOW in a fresh Dagster home and warehouse, shared by the tests that read it."""
    env, home, warehouse = cli_environment(tmp_path_factory.mktemp("clean_cli_run"))
    return CliRun(socialpulse("run", *WINDOW, env=env), env, home, warehouse)
