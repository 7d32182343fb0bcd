"""Fixtures for the dbt tests: a DuckDB warehouse in tmp_path with every contract raw table, hand-written
rows, and a real `dbt build` (run in a subprocess so each test run gets a clean dbt and DuckDB state)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dbt_sample_data import sample_raw_rows

from tests.sample_warehouse import DBT_PROJECT, create_warehouse, fetch, insert_rows, run_dbt  # noqa: F401


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample raw data after one full `dbt build` (models, data tests and unit tests)."""
    work_dir = tmp_path_factory.mktemp("dbt_build")
    warehouse = create_warehouse(work_dir / "warehouse.duckdb", sample_raw_rows())
    run_dbt(warehouse, work_dir, "build")
    return warehouse


@pytest.fixture(scope="session")
def query(built_warehouse: Path) -> Callable[..., list[dict[str, Any]]]:
    def _query(sql: str, *params: Any) -> list[dict[str, Any]]:
        return fetch(built_warehouse, sql, params)

    return _query
