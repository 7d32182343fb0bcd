"""Each partition's own row count (assets/partition_metadata.py), checked by hand."""

import datetime as dt

from assets.partition_metadata import rows_per_partition, run_figures


def test_rows_are_counted_on_their_own_day_and_days_without_rows_say_zero():
    rows = [
        {"metric_date": dt.date(2026, 1, 2)},
        {"metric_date": dt.date(2026, 1, 2)},
        {"metric_date": "2026-01-03"},  # as some clients send it
        {"metric_date": dt.datetime(2026, 1, 3, 5, 0)},
        {"metric_date": dt.date(2025, 12, 31)},  # a look-back day outside the run's partitions: counts for none
        {"metric_date": None},
    ]
    keys = ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert rows_per_partition(rows, "metric_date", keys) == {"2026-01-01": 0, "2026-01-02": 2, "2026-01-03": 2}
    assert rows_per_partition([], "metric_date", keys) == dict.fromkeys(keys, 0)


def test_the_runs_figures_are_named_as_the_runs():
    load = {"table": "x", "rows_loaded": 7, "rows_replaced": 3, "window_start": "a", "window_end": "b"}
    figures = run_figures(load, "a..b")
    assert figures == {
        "table": "x",
        "run_rows_loaded": 7,
        "run_rows_replaced": 3,
        "run_dates_covered": "a..b",
        "window_start": "a",
        "window_end": "b",
    }
    assert "rows_loaded" not in figures  # a day's count comes from rows_per_partition only
