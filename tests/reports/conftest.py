"""One small warehouse built the way production builds it, shared by the report and UI tests: the simulator on
127.0.0.1, every asset materialized in-process over 51 days into a persistent Dagster home (so a webserver shows
the materializations), with the planted Instagram drop in September."""

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster import DagsterInstance, materialize

from pipelines.definitions import all_assets, pipeline_resources
from pipelines.simulation import simulated_platform_api
from pipelines.simulator import Simulator

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 7)  # seed 7: the planted drop is 60 days earlier, 2026-09-08 .. 2026-09-14
START, END = dt.date(2026, 8, 11), dt.date(2026, 9, 30)
DROP_START, DROP_END = dt.date(2026, 9, 8), dt.date(2026, 9, 14)


@dataclass(frozen=True)
class BuiltPipeline:
    warehouse: Path
    dagster_home: Path
    reports: Path
    run_id: str


def range_tags(start: dt.date, end: dt.date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": start.isoformat(),
        "dagster/asset_partition_range_end": end.isoformat(),
    }


@pytest.fixture(scope="session")
def built_pipeline(tmp_path_factory) -> BuiltPipeline:
    root = tmp_path_factory.mktemp("reports_pipeline")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    warehouse, reports = root / "warehouse" / "socialpulse.duckdb", root / "reports"
    with Simulator(seed=7, today=TODAY) as sim:
        api = simulated_platform_api(simulator_url=sim.url)
        with DagsterInstance.from_config(str(home)) as instance:
            result = materialize(
                all_assets(),
                resources=pipeline_resources(str(warehouse), api, reports_folder=str(reports)),
                instance=instance,
                tags=range_tags(START, END),
            )
    assert result.success
    return BuiltPipeline(warehouse, home, reports, result.run_id)


BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download); `make test` installs it."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make browser` installs it (apt-get)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests leave their screenshots (SOCIALPULSE_SCREENSHOTS_DIR keeps them)."""
    import os

    folder = os.environ.get("SOCIALPULSE_SCREENSHOTS_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
