"""An incremental run for one new day (vars min_date = max_date = that day) gives the same tables as a full
refresh."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import create_warehouse, fetch, insert_rows, run_dbt
from dbt_sample_data import IG_OWN, JAVA, OWN, SENJA, sample_raw_rows

pytestmark = pytest.mark.slow

NEW_DAY = "2026-03-04"
INCREMENTAL_MODELS = [
    "fct_post_metrics_daily",
    "fct_account_daily",
    "fct_audience_demographics",
    "fct_trending_topics",
    "fct_brand_daily",
    "fct_kpi_daily",
]


def _new_day_rows() -> dict[str, list[dict]]:
    def snapshot(post_id: str, published_at: str, **metrics: int) -> dict:
        return {"account_id": IG_OWN, "post_id": post_id, "published_at": published_at,
                "content_type": "image", "caption": "x", "snapshot_date": NEW_DAY, **metrics}  # fmt: skip

    return {
        "instagram__account_daily": [
            {
                "account_id": IG_OWN,
                "metric_date": NEW_DAY,
                "followers": 10080,
                "views": 3000,
                "reach": 1500,
                "engagements": None,
            },
        ],  # fmt: skip
        "instagram__post_snapshots": [
            # p1 loses 2 views (a correction), p2 grows
            snapshot(
                "p1", "2026-03-01 02:00:00+00", views=1198, reach=950, reactions=45, comments=6, shares=3, saves=2
            ),
            snapshot(
                "p2", "2026-03-02 05:00:00+00", views=1000, reach=760, reactions=33, comments=5, shares=2, saves=1
            ),
        ],  # fmt: skip
        "instagram__audience_demographics": [
            {
                "account_id": IG_OWN,
                "snapshot_date": NEW_DAY,
                "dimension": "age",
                "dimension_value": "18-24",
                "audience_count": 320,
            },
        ],  # fmt: skip
        "x__mention_counts": [
            {"brand": brand, "metric_date": NEW_DAY, "mention_count": count}
            for brand, count in ((OWN, 5), (JAVA, 15), (SENJA, 0))
        ],
        "google_trends__trending_searches": [
            {"geo": "ID", "metric_date": NEW_DAY, "rank": 1, "topic": "Kopi Nusantara baru"},
        ],
    }


def _table(warehouse: Path, model: str) -> list[tuple]:
    rows = fetch(warehouse, f"select * from marts.{model}")
    normalized = [tuple((k, round(v, 9) if isinstance(v, float) else v) for k, v in sorted(r.items())) for r in rows]
    return sorted(normalized, key=repr)


def test_incremental_day_equals_full_refresh(tmp_path: Path):
    warehouse = create_warehouse(tmp_path / "warehouse.duckdb", sample_raw_rows())
    run_dbt(warehouse, tmp_path, "run")
    before = {model: _table(warehouse, model) for model in INCREMENTAL_MODELS}

    with duckdb.connect(str(warehouse)) as con:
        insert_rows(con, _new_day_rows())
    run_dbt(warehouse, tmp_path, "run", vars={"min_date": NEW_DAY, "max_date": NEW_DAY})
    incremental = {model: _table(warehouse, model) for model in INCREMENTAL_MODELS}

    run_dbt(warehouse, tmp_path, "run", "--full-refresh")
    full = {model: _table(warehouse, model) for model in INCREMENTAL_MODELS}

    for model in INCREMENTAL_MODELS:
        assert incremental[model] == full[model], model
    # the new day did arrive, and only through the window
    assert len(full["fct_account_daily"]) == len(before["fct_account_daily"]) + 1
    (new_row,) = fetch(
        warehouse,
        "select * from marts.fct_post_metrics_daily where post_id = 'p1' and metric_date = ?",
        [NEW_DAY],
    )
    # views 1200 -> 1198 clamped to 0 and counted; reactions 38 -> 45
    assert (new_row["views"], new_row["reactions"], new_row["corrections_count"]) == (0, 7, 1)
