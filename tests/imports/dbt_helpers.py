"""dbt over an imports test's warehouse: the configuration snapshots as the pipeline writes them, every contract
table (so each dbt source resolves), then a real `dbt run` of the marts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from assets.configuration import configuration_frames
from pipelines.config import load_brands, load_goals, load_settings
from pipelines.warehouse import contract_tables, ensure_tables, replace_table

REPO = Path(__file__).resolve().parents[2]


def build_marts(warehouse: Path, work_dir: Path, sql: str) -> list[tuple]:
    brands = load_brands()
    with duckdb.connect(str(warehouse)) as conn:
        ensure_tables(conn, contract_tables())
        for table, frame in configuration_frames(brands, load_goals()).items():
            replace_table(conn, table, frame, source="config", run_id="test")
    settings = load_settings()
    dbt_vars = {"timezone": settings.timezone, "account_lookback_days": settings.account_lookback_days}
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "run",
        "--select",
        "+fct_account_daily",
        "--vars",
        json.dumps(dbt_vars),
        "--project-dir",
        str(REPO / "dbt_project"),
        "--profiles-dir",
        str(REPO / "dbt_project"),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    env = {**os.environ, "SOCIALPULSE_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-6000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()
