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

ENV_BASE_URL_PREFIX = "SOCIALPULSE_BASE_URL_"
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


def dbt_project_dir() -> Path:
    return REPO_ROOT / "dbt_project"
