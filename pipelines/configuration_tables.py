"""Contracts of the raw tables that hold the configuration files (brands, goals, editorial plan)."""

import polars as pl

from pipelines.contracts.streams import StreamSpec

BRANDS = StreamSpec(
    name="socialpulse__brands",
    columns={
        "brand": pl.Utf8,
        "is_own_brand": pl.Boolean,
        "platform": pl.Utf8,
        "account_handle": pl.Utf8,
        "account_id": pl.Utf8,
        "keywords": pl.List(pl.Utf8),
        "hashtags": pl.List(pl.Utf8),
    },
    partition_column="_partition_date",
    key=("brand", "platform"),
    description="brands.yaml: every brand (own and competitors), its accounts, keywords and hashtags.",
    is_snapshot=True,
)

GOALS = StreamSpec(
    name="socialpulse__goals",
    columns={
        "goal_id": pl.Utf8,
        "description": pl.Utf8,
        "metric": pl.Utf8,
        "platform": pl.Utf8,
        "brand": pl.Utf8,
        "client_brand": pl.Utf8,
        "target_value": pl.Float64,
        "baseline_value": pl.Float64,
        "direction": pl.Utf8,
        "start_date": pl.Date,
        "deadline": pl.Date,
    },
    partition_column="_partition_date",
    key=("goal_id",),
    description="goals.yaml: the SMART goals tracked by marts.fct_goal_progress.",
    is_snapshot=True,
)

EDITORIAL_PLAN = StreamSpec(
    name="socialpulse__editorial_plan",
    columns={
        "plan_line": pl.Int64,
        "brand": pl.Utf8,
        "platform": pl.Utf8,
        "content_type": pl.Utf8,
        "theme": pl.Utf8,
        "campaign": pl.Utf8,
        "planned_date": pl.Date,
        "weekday": pl.Int32,
        "starts_on": pl.Date,
        "ends_on": pl.Date,
        "tolerance_days": pl.Int32,
    },
    partition_column="_partition_date",
    key=("plan_line",),
    description="editorial_plan.csv: the planned posts (a day, or a weekly slot) tracked by fct_editorial_adherence.",
    is_snapshot=True,
)

COMPETITIVE_SETS = StreamSpec(
    name="socialpulse__competitive_sets",
    columns={
        "client_brand": pl.Utf8,
        "brand": pl.Utf8,
        "is_client": pl.Boolean,
    },
    partition_column="_partition_date",
    key=("client_brand", "brand"),
    description="brands.yaml's client brands and the brands each is measured against (itself included): share of "
    "voice and benchmarks are computed within these sets.",
    is_snapshot=True,
)

CONFIGURATION_TABLES = (BRANDS, GOALS, COMPETITIVE_SETS, EDITORIAL_PLAN)
