"""Fixtures of the alert tests: a synthetic mart in a real DuckDB file and rule files in tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from kpi_test_data import make_kpi_rows, write_mart  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RULES = REPO / "pipelines" / "config" / "kpi_alerts.yaml"


@pytest.fixture(scope="session")
def drop_frame():
    """400 days, own brand's instagram engagement rate down 40% on days 300..306."""
    return make_kpi_rows(400, seed=11, drop=("instagram", 300, 7, 0.6))


@pytest.fixture(scope="session")
def quiet_frame():
    return make_kpi_rows(400, seed=11)


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., Path]:
    """Write a kpi_alerts.yaml: the default file's rules with `overrides` merged at the top level."""

    def write(overrides: dict[str, Any] | None = None, *, name: str = "kpi_alerts.yaml") -> Path:
        data = yaml.safe_load(DEFAULT_RULES.read_text())
        data.update(overrides or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return write


@pytest.fixture
def mart_path(tmp_path: Path, drop_frame) -> Path:
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, drop_frame)
    return path
