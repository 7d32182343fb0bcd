"""Shared loader vs DuckDB inserting the same Arrow table itself, into a fresh table of a file database.

Target: the loader (typing, lineage columns, partition delete, transaction) keeps at least 0.8 of DuckDB's own
insert rate at one million rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.contracts.streams import POST_SNAPSHOTS
from pipelines.warehouse import LINEAGE_COLUMNS, load_partitions, table_ddl

TARGET_RATIO = 0.8
START = dt.date(2025, 10, 1)


def make_frame(rows: int) -> pl.DataFrame:
    """Post snapshots spread over 400 days (the widest raw stream: text, counts, a timestamp, dates).
    Values are deterministic hashes of the row number, so every run loads the same data."""
    i = pl.int_range(0, rows, dtype=pl.Int64, eager=True)

    def pseudo(modulus: int, salt: int) -> pl.Series:
        return ((i * 2_654_435_761 + salt) % 4_294_967_291) % modulus

    day = pseudo(400, 1)
    return pl.DataFrame(
        {
            "account_id": pseudo(5, 2).cast(pl.Utf8),
            "post_id": i.cast(pl.Utf8),
            "published_at": (day * 86_400 + pseudo(86_400, 5) + 1_759_276_800) * 1_000_000,
            "post_url": "https://example.com/p/" + i.cast(pl.Utf8),
            "content_type": pl.Series(["image", "video", "carousel", "reel"]).gather(pseudo(4, 3)),
            "caption": pl.Series(["New drop #kopi", "Weekend brew", "Promo today"]).gather(pseudo(3, 4)),
            **{m: pseudo(100_000, k) for k, m in enumerate(("views", "reach", "reactions", "comments"), 10)},
            **{m: pseudo(1_000, k) for k, m in enumerate(("shares", "saves", "clicks", "video_views"), 20)},
            "snapshot_date": day + (START - dt.date(1970, 1, 1)).days,
        }
    ).with_columns(
        pl.col("published_at").cast(pl.Datetime("us", "UTC")),
        pl.col("snapshot_date").cast(pl.Int32).cast(pl.Date),
    )


@dataclass
class Result:
    rows: int
    duckdb_seconds: list[float]
    loader_seconds: list[float]

    @property
    def duckdb_rate(self) -> float:
        return self.rows / statistics.median(self.duckdb_seconds)

    @property
    def loader_rate(self) -> float:
        return self.rows / statistics.median(self.loader_seconds)

    @property
    def ratio(self) -> float:
        return self.loader_rate / self.duckdb_rate

    def report(self) -> str:
        verdict = "meets" if self.ratio >= TARGET_RATIO else "MISSES"
        return (
            f"loader throughput at {self.rows:,} rows (median of {len(self.loader_seconds)}):\n"
            f"  duckdb insert of the Arrow table: {self.duckdb_rate:>12,.0f} rows/s\n"
            f"  socialpulse load_partitions:      {self.loader_rate:>12,.0f} rows/s\n"
            f"  ratio: {self.ratio:.2f} ({verdict} the target {TARGET_RATIO})"
        )


def _baseline(folder: Path, frame: pl.DataFrame, index: int) -> float:
    """DuckDB loading the same rows itself: the same table (with lineage columns) from the Arrow table."""
    with_lineage = frame.with_columns(
        pl.lit("api:bench").alias("_source"),
        pl.col("snapshot_date").alias("_partition_date"),
        pl.lit(dt.datetime.now(dt.UTC)).alias("_loaded_at"),
        pl.lit("bench").alias("_run_id"),
    )
    arrow = with_lineage.to_arrow()
    with duckdb.connect(str(folder / f"baseline{index}.duckdb")) as conn:
        conn.execute("create schema raw")
        conn.execute(table_ddl("bench__post_snapshots", POST_SNAPSHOTS))
        started = time.perf_counter()
        conn.register("incoming", arrow)
        conn.execute('insert into raw."bench__post_snapshots" by name select * from incoming')
        return time.perf_counter() - started


def _loader(folder: Path, frame: pl.DataFrame, index: int) -> float:
    window = (frame["snapshot_date"].min(), frame["snapshot_date"].max())
    with duckdb.connect(str(folder / f"loader{index}.duckdb")) as conn:
        started = time.perf_counter()
        load_partitions(
            conn, "bench__post_snapshots", frame, POST_SNAPSHOTS, window=window, source="api:bench", run_id="bench"
        )
        return time.perf_counter() - started


def run(rows: int = 1_000_000, repeat: int = 3) -> Result:
    frame = make_frame(rows)
    assert set(LINEAGE_COLUMNS).isdisjoint(frame.columns)
    result = Result(rows=rows, duckdb_seconds=[], loader_seconds=[])
    with tempfile.TemporaryDirectory(prefix="socialpulse-bench-") as tmp:
        folder = Path(tmp)
        for i in range(repeat):  # interleaved, so drift of the machine hits both alike
            result.duckdb_seconds.append(_baseline(folder, frame, i))
            result.loader_seconds.append(_loader(folder, frame, i))
    return result
