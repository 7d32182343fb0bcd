"""Paths and environment variables: the one place that reads process-wide settings."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.contracts.platforms import PLATFORMS

REPO_ROOT = Path(__file__).resolve().parents[1]
__all__ = ["PLATFORMS"]  # re-exported: the platform list lives in pipelines.contracts.platforms

ENV_WAREHOUSE = "SOCIALPULSE_WAREHOUSE"
ENV_CONFIG_DIR = "SOCIALPULSE_CONFIG_DIR"
ENV_MODE = "SOCIALPULSE_MODE"
ENV_SIMULATOR_URL = "SOCIALPULSE_SIMULATOR_URL"
ENV_IMPORTS_DIR = "SOCIALPULSE_IMPORTS_DIR"
ENV_PUBLISHED = "SOCIALPULSE_PUBLISHED_WAREHOUSE"
ENV_REPORTS_DIR = "SOCIALPULSE_REPORTS_DIR"
# An explicit kpi_alerts.yaml outside the configuration folder (default: <configuration folder>/kpi_alerts.yaml)
ENV_ALERT_RULES = "SOCIALPULSE_ALERT_RULES"

# The warehouse's kind and, for a DuckLake, where its catalog and files are (pipelines/warehouse_kinds.py).
ENV_WAREHOUSE_KIND = "SOCIALPULSE_WAREHOUSE_KIND"
ENV_DUCKLAKE_CATALOG = "SOCIALPULSE_DUCKLAKE_CATALOG"
ENV_DUCKLAKE_DATA_PATH = "SOCIALPULSE_DUCKLAKE_DATA_PATH"
WAREHOUSE_KINDS = ("duckdb", "ducklake")
# How a run executes its steps: in one process (default) or in parallel processes (docs/deployment.md).
ENV_EXECUTOR = "SOCIALPULSE_EXECUTOR"
ENV_MAX_PROCESSES = "SOCIALPULSE_MAX_PROCESSES"
EXECUTORS = ("in_process", "multiprocess")

ENV_BASE_URL_PREFIX = "SOCIALPULSE_BASE_URL_"
ENV_EVENT_BATCH_SIZE = "DAGSTER_EVENT_BATCH_SIZE"
# Above the partitions of the longest ranged run (a batch is one asset's partitions in one run).
EVENT_BATCH_SIZE = 10_000
MODES = ("simulator", "production")


def host_key(host: str) -> str:
    """`business-api.tiktok.com` -> `BUSINESS_API_TIKTOK_COM`, the suffix of its override variable."""
    return host.upper().replace(".", "_").replace("-", "_")


def base_url_overrides() -> dict[str, str]:
    """SOCIALPULSE_BASE_URL_GRAPH_FACEBOOK_COM=http://host:9/x -> {"GRAPH_FACEBOOK_COM": "http://host:9/x"}."""
    return {
        name[len(ENV_BASE_URL_PREFIX) :]: value
        for name, value in os.environ.items()
        if name.startswith(ENV_BASE_URL_PREFIX) and value
    }


def warehouse_path() -> Path:
    """The DuckDB file every writer uses (default `warehouse/socialpulse.duckdb`)."""
    return Path(os.environ.get(ENV_WAREHOUSE) or REPO_ROOT / "warehouse" / "socialpulse.duckdb").resolve()


def published_warehouse_path(warehouse_file: Path | None = None) -> Path:
    """The copy BI tools open: SOCIALPULSE_PUBLISHED_WAREHOUSE, else `<warehouse>_published.duckdb` beside it."""
    source = warehouse_file or warehouse_path()
    default = source.with_name(source.stem + "_published.duckdb")
    return Path(os.environ.get(ENV_PUBLISHED) or default).resolve()


def config_dir() -> Path:
    """The folder with brands.yaml, goals.yaml, kpi_alerts.yaml and settings.yaml."""
    return Path(os.environ.get(ENV_CONFIG_DIR) or Path(__file__).parent / "config").resolve()


def imports_dir() -> Path:
    """Where users drop CSV exports (default `imports/`)."""
    return Path(os.environ.get(ENV_IMPORTS_DIR) or REPO_ROOT / "imports").resolve()


def reports_dir() -> Path:
    """Where the weekly and monthly reports are written (default `reports/`)."""
    return Path(os.environ.get(ENV_REPORTS_DIR) or REPO_ROOT / "reports").resolve()


def mode() -> str:
    """`simulator` (default: everything served by the embedded simulator) or `production`."""
    value = os.environ.get(ENV_MODE, "simulator").strip().lower() or "simulator"
    if value not in MODES:
        from pipelines.errors import ConfigError

        raise ConfigError(
            f"environment variable {ENV_MODE}",
            ENV_MODE,
            "unknown mode",
            value=value,
            expected=" or ".join(MODES),
        )
    return value


def executor_choice() -> tuple[str, int]:
    """(executor, most step processes at once) from SOCIALPULSE_EXECUTOR / SOCIALPULSE_MAX_PROCESSES."""
    from pipelines.errors import ConfigError

    value = (os.environ.get(ENV_EXECUTOR) or "in_process").strip().lower().replace("-", "_")
    if value not in EXECUTORS:
        raise ConfigError(
            f"environment variable {ENV_EXECUTOR}",
            ENV_EXECUTOR,
            "unknown executor",
            value=value,
            expected=" or ".join(EXECUTORS),
        )
    raw = os.environ.get(ENV_MAX_PROCESSES) or "4"
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(
            f"environment variable {ENV_MAX_PROCESSES}",
            ENV_MAX_PROCESSES,
            "not a positive whole number",
            value=raw,
            expected="e.g. 4 (about the cores of the machine)",
        )
    return value, int(raw)


def dbt_project_dir() -> Path:
    return REPO_ROOT / "dbt_project"


def enable_event_batches() -> None:
    """Let Dagster hand a ranged run's per-partition asset events to the event storage in batches, which the
    instance's SQLite storage writes in one transaction each (pipelines/instance_storage.py), unless the environment
    says otherwise. Dagster reads the variable whenever it stores an event, so setting it before a run is enough."""
    os.environ.setdefault(ENV_EVENT_BATCH_SIZE, str(EVENT_BATCH_SIZE))
