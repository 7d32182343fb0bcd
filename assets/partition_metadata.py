"""What each partition of a load says in the Dagster UI.

A ranged run (a backfill, the first load of 400 days) records one materialization per partition, and Dagster gives
every one of them the metadata the asset returned for the whole run. So that a day is never shown with another
day's figures, a load adds to each partition its own row count (`rows_loaded`: the rows of that day this run wrote,
0 for a day it wrote none), and names the run's figures as such (`run_rows_loaded`, `run_rows_replaced`,
`run_dates_covered`). API call statistics are the run's too (one read serves every day of the window).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any


def _day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def rows_per_partition(
    rows: Iterable[Mapping[str, Any]], partition_column: str, partition_keys: Iterable[str]
) -> dict[str, int]:
    """{partition key: rows of that day} for every partition of the run (0 where the load has none). Rows dated
    outside the run's partitions (a snapshot written on the observation day, look-back days) count for none."""
    counts = Counter(_day(row[partition_column]) for row in rows if row.get(partition_column) is not None)
    return {key: counts.get(key, 0) for key in partition_keys}


def run_figures(load_metadata: Mapping[str, Any], dates_covered: str) -> dict[str, Any]:
    """The loader's figures for the whole load, under names that say they are the run's (shared by all partitions)."""
    return {
        "table": load_metadata["table"],
        "run_rows_loaded": load_metadata["rows_loaded"],
        "run_rows_replaced": load_metadata["rows_replaced"],
        "run_dates_covered": dates_covered,
        "window_start": load_metadata["window_start"],
        "window_end": load_metadata["window_end"],
    }
