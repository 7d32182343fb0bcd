"""Snapshots of brands.yaml (brands, client brands' competitive sets), goals.yaml and editorial_plan.csv in the
warehouse, so dbt joins them like any other source."""

from collections.abc import Iterator

import polars as pl
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from assets.ingest import WRITER_POOL
from pipelines.config.models import BrandsConfig, GoalsConfig
from pipelines.configuration_tables import BRANDS, COMPETITIVE_SETS, EDITORIAL_PLAN, GOALS
from pipelines.editorial.plan import FILE_NAME as EDITORIAL_PLAN_FILE
from pipelines.editorial.plan import EditorialPlan, load_editorial_plan
from pipelines.partitions import SINGLE_RUN_BACKFILL
from pipelines.resources import ConfigurationResource, WarehouseResource
from pipelines.warehouse import replace_table

BRANDS_TABLE = BRANDS.name
GOALS_TABLE = GOALS.name
EDITORIAL_PLAN_TABLE = EDITORIAL_PLAN.name


def brands_frame(brands: BrandsConfig) -> pl.DataFrame:
    """One row per brand and platform account (a brand without accounts still gets one row, platform NULL)."""
    rows = []
    for brand in brands.brands:
        accounts = brand.accounts.items() or [(None, None)]
        for platform, account in accounts:
            rows.append(
                {
                    "brand": brand.name,
                    "is_own_brand": brand.own,
                    "platform": platform,
                    "account_handle": account.handle if account else None,
                    "account_id": account.id if account else None,
                    "keywords": list(brand.keywords),
                    "hashtags": list(brand.hashtags),
                }
            )
    return pl.DataFrame(rows, schema=BRANDS.columns)


def competitive_sets_frame(brands: BrandsConfig) -> pl.DataFrame:
    """One row per client brand and brand of its competitive set (the client itself included)."""
    rows = [
        {"client_brand": client, "brand": brand.name, "is_client": brand.name == client}
        for client, members in brands.competitive_sets().items()
        for brand in members
    ]
    return pl.DataFrame(rows, schema=COMPETITIVE_SETS.columns)


def goal_client(goal, brands: BrandsConfig) -> str:
    """The client brand a goal belongs to: `client`, else its brand when that is a client, else the first client
    (the validators refuse a goal without either when there are several clients)."""
    clients = [b.name for b in brands.own_brands]
    if goal.client:
        return goal.client
    if goal.brand in clients:
        return goal.brand
    return clients[0]


def goals_frame(goals: GoalsConfig, brands: BrandsConfig) -> pl.DataFrame:
    """goals.yaml as rows; a goal without a brand is the client brand's (validated: there is one)."""
    rows = [
        {
            "goal_id": g.id,
            "description": g.description,
            "metric": g.metric,
            "platform": g.platform,
            "brand": g.brand or goal_client(g, brands),
            "client_brand": goal_client(g, brands),
            "target_value": g.target,
            "baseline_value": g.baseline,
            "direction": g.direction,
            "start_date": g.start,
            "deadline": g.deadline,
        }
        for g in goals.goals
    ]
    return pl.DataFrame(rows, schema=GOALS.columns)


def editorial_plan_frame(plan: EditorialPlan) -> pl.DataFrame:
    """One row per line of the plan, as written: dated posts with planned_date, weekly slots with weekday (ISO,
    1 = Monday) and their optional bounds; dbt expands the slots into days."""
    rows = [
        {
            "plan_line": p.line,
            "brand": p.brand,
            "platform": p.platform,
            "content_type": p.content_type,
            "theme": p.theme,
            "campaign": p.campaign,
            "planned_date": p.date,
            "weekday": p.iso_weekday,
            "starts_on": p.starts,
            "ends_on": p.ends,
            "tolerance_days": p.tolerance_days,
        }
        for p in plan.posts
    ]
    return pl.DataFrame(rows, schema=EDITORIAL_PLAN.columns)


def configuration_frames(
    brands: BrandsConfig, goals: GoalsConfig, plan: EditorialPlan | None = None
) -> dict[str, pl.DataFrame]:
    """raw table -> its rows from the configuration (brands, competitive sets, goals, editorial plan; no plan
    given = an empty one)."""
    plan = plan or EditorialPlan(path=EDITORIAL_PLAN_FILE, posts=())
    return {
        BRANDS_TABLE: brands_frame(brands),
        COMPETITIVE_SETS.name: competitive_sets_frame(brands),
        GOALS_TABLE: goals_frame(goals, brands),
        EDITORIAL_PLAN_TABLE: editorial_plan_frame(plan),
    }


@multi_asset(
    name="configuration_snapshot",
    specs=[
        AssetSpec(
            AssetKey(["raw", BRANDS_TABLE]),
            group_name="configuration",
            description="brands.yaml in the warehouse: every brand (own and competitors), its accounts, keywords "
            "and hashtags. Replaced whole on every run.",
            kinds={"duckdb", "yaml"},
            skippable=True,
        ),
        AssetSpec(
            AssetKey(["raw", COMPETITIVE_SETS.name]),
            group_name="configuration",
            description="brands.yaml's client brands and the brands each is measured against (itself included): "
            "share of voice and benchmarks are computed within these sets. Replaced whole on every run.",
            kinds={"duckdb", "yaml"},
            skippable=True,
        ),
        AssetSpec(
            AssetKey(["raw", GOALS_TABLE]),
            group_name="configuration",
            description="goals.yaml in the warehouse: the SMART goals tracked by marts.fct_goal_progress.",
            kinds={"duckdb", "yaml"},
            skippable=True,
        ),
        AssetSpec(
            AssetKey(["raw", EDITORIAL_PLAN_TABLE]),
            group_name="configuration",
            description="editorial_plan.csv in the warehouse: the planned posts (days and weekly slots) that "
            "marts.fct_editorial_adherence compares with the posts published. Replaced whole on every run.",
            kinds={"duckdb", "csv"},
            skippable=True,
        ),
    ],
    backfill_policy=SINGLE_RUN_BACKFILL,
    can_subset=True,
    pool=WRITER_POOL,
)
def configuration_snapshot(
    context: AssetExecutionContext, warehouse: WarehouseResource, configuration: ConfigurationResource
) -> Iterator[MaterializeResult]:
    """Validate the YAML configuration and copy it into raw tables."""
    brands = configuration.brands()
    plan = load_editorial_plan(brands, configuration.path(EDITORIAL_PLAN_FILE))
    frames = configuration_frames(brands, configuration.goals(), plan)
    with warehouse.connect() as conn:
        for table, frame in frames.items():
            if AssetKey(["raw", table]) not in context.selected_asset_keys:
                continue
            rows = replace_table(conn, table, frame, source="config", run_id=context.run_id)
            context.log.info(f"raw.{table}: {rows} row(s) from the configuration")
            yield MaterializeResult(asset_key=AssetKey(["raw", table]), metadata={"rows_loaded": rows})
