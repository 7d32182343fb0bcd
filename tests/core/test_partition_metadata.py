"""Each partition's own figures and the run's once (assets/partition_metadata.py), checked by hand."""

import datetime as dt

from assets.partition_metadata import partition_metadata, rows_per_partition, run_figures

ROWS = [
    {"metric_date": dt.date(2026, 1, 2)},
    {"metric_date": dt.date(2026, 1, 2)},
    {"metric_date": "2026-01-03"},  # as some clients send it
    {"metric_date": dt.datetime(2026, 1, 3, 5, 0)},
    {"metric_date": dt.date(2025, 12, 31)},  # a look-back day outside the run's partitions: counts for none
    {"metric_date": None},
]
KEYS = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]


def test_rows_are_counted_on_their_own_day_and_days_without_rows_say_zero():
    assert rows_per_partition(ROWS, "metric_date", KEYS) == {
        "2026-01-01": 0,
        "2026-01-02": 2,
        "2026-01-03": 2,
        "2026-01-04": 0,
    }
    assert rows_per_partition([], "metric_date", KEYS) == dict.fromkeys(KEYS, 0)


def test_a_partition_shows_its_own_rows_and_the_newest_the_runs_figures():
    shared, own = partition_metadata(ROWS, "metric_date", KEYS, "2025-12-31..2026-01-03", {"api_calls": 9})
    assert shared == {"rows_loaded": 0, "run_dates_covered": "2025-12-31..2026-01-03"}
    assert own == {
        "2026-01-02": {"rows_loaded": 2},
        "2026-01-03": {"rows_loaded": 2},
        "2026-01-04": {"api_calls": 9},  # newest: the run's figures; its own rows_loaded is the shared 0
    }
    # a nightly run: its one partition has both
    shared, own = partition_metadata(ROWS, "metric_date", ["2026-01-02"], "2026-01-02", {"api_calls": 9})
    assert own == {"2026-01-02": {"rows_loaded": 2, "api_calls": 9}}


def test_the_runs_figures_are_named_as_the_runs():
    load = {"table": "x", "rows_loaded": 7, "rows_replaced": 3, "window_start": "a", "window_end": "b"}
    assert run_figures(load) == {
        "table": "x",
        "run_rows_loaded": 7,
        "run_rows_replaced": 3,
        "window_start": "a",
        "window_end": "b",
    }
