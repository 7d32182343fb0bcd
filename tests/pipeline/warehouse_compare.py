"""Two warehouses compared table by table: what a clean run left against what a recovered or re-run one left."""

from __future__ import annotations

from pathlib import Path

import duckdb

# Columns that differ between any two runs by design: when and by which run a row was loaded.
RUN_COLUMNS = {"_loaded_at", "_run_id", "loaded_at", "first_seen_at", "evaluated_at", "last_attempt_at"}


def _comparable(value):
    """Doubles to 9 decimals: the same sums over rows stored in another physical order differ in the last bits."""
    return round(value, 9) if isinstance(value, float) else value


def warehouse_content(path: Path) -> dict[str, list[tuple]]:
    """Every raw and mart table's rows (without the load-time columns), sorted; alerts by id and rule."""
    content: dict[str, list[tuple]] = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'marts') and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if name not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = [
                tuple(_comparable(v) for v in row)
                for row in conn.execute(f'select {select} from {schema}."{table}"').fetchall()
            ]
            content[f"{schema}.{table}"] = sorted(rows, key=repr)
        content["alerts.kpi_alerts"] = sorted(
            conn.execute("select alert_id, rule_name from alerts.kpi_alerts where kpi <> 'run_failure'").fetchall()
        )
    return content
