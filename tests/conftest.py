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
