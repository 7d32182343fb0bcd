"""What each partition of a load says in the Dagster UI.

A ranged run (a backfill, the 400-day first load) records one materialization per partition, and Dagster gives
every one of them the metadata the asset returned for the whole run: a day without rows would show the run's
row count. So a load describes each partition by its own figures and the run by the run's, once:

- every partition: `rows_loaded`, the rows of that day the run wrote (0 for a day it wrote none), and
  `run_dates_covered`, the days the run's load replaced;
- the run's newest partition (the only one of a nightly run, and the asset's latest materialization): the run's
  figures as well: `run_rows_loaded`, `run_rows_replaced`, the window, the API call statistics, sample rows and
  warnings.

Keeping the run's figures off the other partitions also keeps a 400-day load's 15,000 events small, which is most
of what Dagster spends on them (serializing and storing each).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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


def run_figures(load_metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The loader's figures for the whole load, under names that say they are the run's."""
    return {
        "table": load_metadata["table"],
        "run_rows_loaded": load_metadata["rows_loaded"],
        "run_rows_replaced": load_metadata["rows_replaced"],
        "window_start": load_metadata["window_start"],
        "window_end": load_metadata["window_end"],
    }


def partition_metadata(
    rows: Iterable[Mapping[str, Any]],
    partition_column: str,
    partition_keys: Sequence[str],
    dates_covered: str,
    run_metadata: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(metadata every partition shares, {partition: its own metadata}) for one table's load in a run.

    Shared: `rows_loaded` 0 and the run's `run_dates_covered`; a day with rows says how many; the newest partition
    also carries `run_metadata` (the run's figures, statistics, sample, warnings). Only the partitions that differ
    from the shared metadata get their own (Dagster copies them all on each addition)."""
    shared: dict[str, Any] = {"rows_loaded": 0, "run_dates_covered": dates_covered}
    own: dict[str, dict[str, Any]] = {
        key: {"rows_loaded": count}
        for key, count in rows_per_partition(rows, partition_column, partition_keys).items()
        if count
    }
    if partition_keys:
        own.setdefault(partition_keys[-1], {}).update(run_metadata)
    return shared, own
