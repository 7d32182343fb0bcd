"""The first-load bench's bare path (bench/first_load.py run_bare) does the pipeline's work without Dagster: the
configuration tables as configuration_snapshot writes them, then every ingest source read and loaded. Run over
two days on the simulator, so a change of the assets' helpers that the bench uses shows here, not in a bench
run minutes long."""

import datetime as dt

import duckdb
import pytest

from assets.configuration import configuration_frames
from bench.first_load import first_load_window, run_bare
from pipelines.config import load_brands, load_goals

pytestmark = pytest.mark.slow


def test_the_bare_first_load_reads_and_loads_every_source(tmp_path):
    start, end, today = first_load_window(2)
    assert (end - start, today - end) == (dt.timedelta(days=1), dt.timedelta(days=1))
    seconds, calls, rows = run_bare(tmp_path, start, end, today)
    assert seconds > 0 and calls > 50 and rows > 100
    with duckdb.connect(str(tmp_path / "bare.duckdb"), read_only=True) as conn:
        tables = {
            name
            for (name,) in conn.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        }
        (brands,) = conn.execute("select count(distinct brand) from raw.socialpulse__brands").fetchone()
        (days,) = conn.execute("select count(distinct metric_date) from raw.facebook__account_daily").fetchone()
    assert set(configuration_frames(load_brands(), load_goals())) <= tables
    assert brands == len(load_brands().brands)
    assert days >= 2  # the window's two days (and the re-read lookback the source asks for)
