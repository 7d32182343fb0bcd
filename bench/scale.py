"""Scale: the first load and one nightly run of `socialpulse run` at N times today's brands, against bare baselines.

Measured in one run, on the simulator (its own process) answering every API request after `latency_ms`:

- **first load** of `days` days and **one nightly run** (yesterday's partition), each as `socialpulse run` starts
  it; the night's **stages** from the run's step events (ingest = the configuration snapshot and every ingest
  step, dbt, alerts, reports, publish; `other` = the rest of the wall time: process start, definitions, checks);
- **baselines**, the same night without Dagster: **fetch** (every source opened and its window read, in this
  process, as the pipeline reads them: `read_side_by_side`, lanes of platforms side by side and the same
  per-platform concurrency, `concurrency` in the result), **load** (the fetched rows written into a fresh
  DuckDB file by DuckDB itself, `create table as`), **transform** (the SQL dbt ran that night, from its
  run_results.json, executed directly in DuckDB on a copy of the warehouse: models in dbt's order, then tests;
  dbt's Python models are no SQL and keep the tables dbt built, untimed, so this baseline is a lower bound);
  the first load's fetch and load baselines the same way over its window;
- ratios `nightly_vs_bare` = nightly / (fetch + transform) and `first_load_vs_bare` = first load / (its fetch +
  load); peak RSS of the runs' processes; warehouse size; the night's API calls per platform (from the simulator),
  per account, against the naive count (one request per account, table and day), and the estimated X pay-per-use
  cost (Posts and Counts reads $0.005, User reads $0.010 a request) and YouTube quota (search 100 units, other 1).

Scale N: N client brands, each with its competitive set: the configured own brand and its four competitors, and
N - 1 copies of that set (their own ids, names, handles and keywords), each copy's own brand a client brand
(`own: true`, `competitors:` its copied competitors). Own-account, competitor, mention and profile reads all grow
N-fold; tokens are the simulator's.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bench.first_load import ingest_sources

REPO = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "dbt", "alerts", "reports", "publish")
X_POST_READS = ("tweets", "counts", "search")  # Posts read / Counts recent: $0.005 a request
X_POST_PRICE, X_USER_PRICE = 0.005, 0.010  # the rest reads users (lookups, users/me): $0.010
SCALED = "client brands, each with a copy of the configured competitive set"
YOUTUBE_DAILY_UNITS, TIKTOK_RESEARCH_DAILY_REQUESTS = 10_000, 1_000
HTTP_REQUESTS = "http_requests"  # the key simulator_stats adds beside the per-path counts


@dataclass
class Result:
    scale: int
    latency_ms: float
    days: int
    brands: int
    accounts: int
    stages: dict[str, float] = field(default_factory=dict)
    baselines: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    warehouse_mb: float = 0.0
    raw_rows: int = 0  # rows of the raw tables after the nightly run: the history the night ran on
    # what the night could not read (ops.ingest_failures left open): a fast night must also be a whole one
    open_ingest_failures: int = 0
    api_calls: dict[str, object] = field(default_factory=dict)
    concurrency: dict[str, int] = field(default_factory=dict)  # accounts read at once per platform (both runs)
    scaled: str = SCALED

    @property
    def ratios(self) -> dict[str, float]:
        b, s = self.baselines, self.stages
        return {
            "nightly_vs_bare": s["nightly"] / (b["fetch"] + b["transform"]),
            "first_load_vs_bare": s["first_load"] / (b["first_load_fetch"] + b["first_load_load"]),
        }

    def as_json(self) -> dict:
        return {**asdict(self), "ratios": self.ratios}

    def report(self) -> str:
        lines = [
            f"scale {self.scale} ({self.brands} brands, {self.accounts} accounts), latency {self.latency_ms:.0f} ms, "
            f"first load of {self.days} days:",
            "  stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in self.stages.items()),
            "  baselines (s): " + ", ".join(f"{k} {v:.1f}" for k, v in self.baselines.items()),
            "  ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in self.ratios.items()),
            f"  peak RSS {self.peak_rss_mb:.0f} MB, warehouse {self.warehouse_mb:.1f} MB ({self.raw_rows:,} raw rows), "
            f"{self.open_ingest_failures} open ingest failure(s) after the night",
            f"  API calls of the night: {self.api_calls.get('total')} in {self.api_calls.get('http_requests')} HTTP "
            f"requests ({self.api_calls.get('per_account'):.1f} calls per "
            f"account; naive {self.api_calls.get('naive')}), X ~${self.api_calls.get('x_cost_usd'):.2f}, YouTube "
            f"{self.api_calls.get('youtube_quota_units')} quota units",
            "  daily budgets: "
            + ", ".join(
                f"{k} {v['used']:,} of {v['budget']:,}" for k, v in self.api_calls.get("daily_budgets", {}).items()
            ),
            "  accounts read at once: " + ", ".join(f"{k} {v}" for k, v in self.concurrency.items()),
        ]
        return "\n".join(lines)


def scaled_brands(brands: dict, scale: int) -> dict:
    """brands.yaml with `scale` client brands: copies 2..N of the configured set, each own brand a client whose
    competitors are its set's copies (with several clients every client names its competitors)."""
    result = copy.deepcopy(brands)
    rivals = [b["name"] for b in brands["brands"] if not b.get("own")]
    if scale > 1:
        for brand in result["brands"]:
            if brand.get("own"):
                brand.setdefault("competitors", rivals)
    for n in range(2, scale + 1):
        for brand in brands["brands"]:
            twin = copy.deepcopy(brand)
            twin["name"] = f"{brand['name']} {n}"
            if twin.get("own"):
                twin["competitors"] = [f"{name} {n}" for name in twin.get("competitors", rivals)]
            twin["keywords"] = [f"{k} {n}" for k in brand.get("keywords", [])]
            twin["hashtags"] = [f"{h}{n}" for h in brand.get("hashtags", [])]
            # one GA4 property is one client's website, and the simulator serves the configured client's only
            twin.pop("ga4_property_id", None)
            for account in twin.get("accounts", {}).values():
                account["id"] = _twin_id(account["id"], n)
                account["handle"] = _twin_handle(account["handle"], n)
            result["brands"].append(twin)
    return result


def _twin_handle(handle: str, n: int) -> str:
    """The handle with the copy's number appended, cut to X's 15 characters (the strictest platform's rule)."""
    suffix = str(n)
    return handle[: 15 - len(suffix)] + suffix


def _twin_id(account_id: str, n: int) -> str:
    """The platform's id with the copy's number appended (digits stay digits): longer than every configured id,
    so distinct from them and from every other copy's."""
    return f"{account_id}{n:03d}"


def write_config(folder: Path, scale: int) -> Path:
    config = folder / "config"
    shutil.copytree(REPO / "pipelines" / "config", config, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    brands = yaml.safe_load((config / "brands.yaml").read_text())
    (config / "brands.yaml").write_text(yaml.safe_dump(scaled_brands(brands, scale), sort_keys=False))
    goals = yaml.safe_load((config / "goals.yaml").read_text())
    (config / "goals.yaml").write_text(yaml.safe_dump(scaled_goals(goals, brands, scale), sort_keys=False))
    plan = config / "editorial_plan.csv"
    if plan.exists() and scale > 1:
        plan.write_text(scaled_editorial_plan(plan.read_text(), brands, scale))
    return config


def scaled_editorial_plan(text: str, brands: dict, scale: int) -> str:
    """editorial_plan.csv for `scale` clients: every client brand plans the configured posts (with several
    clients each planned post names its client in a `brand` column)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    own = [b["name"] for b in brands["brands"] if b.get("own")]
    clients = [*own, *(f"{name} {n}" for n in range(2, scale + 1) for name in own)]
    fields = ["brand", *(f for f in (rows[0].keys() if rows else []) if f != "brand")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        for client in clients if not row.get("brand") else [row["brand"]]:
            writer.writerow({**row, "brand": client})
    return out.getvalue()


def scaled_goals(goals: dict, brands: dict, scale: int) -> dict:
    """goals.yaml for `scale` clients: every client has the configured goals (with several clients a goal names
    its client)."""
    if scale == 1:
        return goals
    (own,) = [b["name"] for b in brands["brands"] if b.get("own")]
    result = {**goals, "goals": []}
    for n in range(1, scale + 1):
        client = own if n == 1 else f"{own} {n}"
        for goal in goals["goals"]:
            copy_of = {**goal, "client": client, "brand": goal.get("brand", own)}
            if n > 1:
                copy_of["id"] = f"{goal['id']}-{n}"
                copy_of["brand"] = f"{copy_of['brand']} {n}"
            result["goals"].append(copy_of)
    return result


@contextlib.contextmanager
def simulator(config: Path, today: dt.date, latency_ms: float) -> Iterator[str]:
    command = [sys.executable, "-m", "pipelines.simulator", "--seed", "7", "--today", today.isoformat()]
    command += ["--brands", str(config / "brands.yaml"), "--settings", str(config / "settings.yaml")]
    command += ["--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"the simulator did not start: {line!r}")
        yield line.rsplit(" ", 1)[-1].strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def simulator_stats(url: str, reset: bool = False) -> dict[str, int]:
    """Requests served per path template since the last reset (then reset, if asked): the calls as the platforms
    count them (a request inside a Graph API batch under its own path), plus `HTTP_REQUESTS`, the HTTP requests
    sent (a batch is one)."""
    with urllib.request.urlopen(f"{url}/_simulator/stats", timeout=30) as answer:  # 127.0.0.1 only
        body = json.loads(answer.read())
    stats = dict(body["stats"])
    stats[HTTP_REQUESTS] = sum(stats.values()) - sum(body["batched"].values()) + sum(body["batches"].values())
    if reset:
        urllib.request.urlopen(urllib.request.Request(f"{url}/_simulator/stats", method="DELETE"), timeout=30).close()
    return stats


def socialpulse_run(env: dict[str, str], days: int, end: dt.date) -> float:
    command = [str(Path(sys.executable).with_name("socialpulse")), "run", "--days", str(days), "--end", str(end)]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"socialpulse run failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return seconds


def stage_seconds(home: Path) -> tuple[str, dict[str, float]]:
    """(run id, seconds per stage) of the newest run, from its step start and end events."""
    from dagster import DagsterEventType, DagsterInstance, RunsFilter

    with DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(RunsFilter(statuses=None), limit=1)[0]
        records = instance.get_records_for_run(run.run_id, limit=1_000_000).records
    started: dict[str, float] = {}
    seconds = dict.fromkeys(STAGES, 0.0)
    ends = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif event.event_type in ends and entry.step_key in started:
            stage = _stage(entry.step_key)
            if stage:
                seconds[stage] += entry.timestamp - started[entry.step_key]
    return run.run_id, seconds


def _stage(step: str) -> str | None:
    if step.startswith("ingest_") or step == "configuration_snapshot":
        return "ingest"
    if "dbt" in step:
        return "dbt"
    if step.startswith("alerts"):
        return "alerts"
    if step.startswith("reports"):
        return "reports"
    if step.startswith("publishing"):
        return "publish"
    return None


def bare_fetch_and_load(url: str, start: dt.date, end: dt.date, folder: Path) -> tuple[float, float]:
    """(fetch seconds, load seconds): every source's window read without Dagster, then DuckDB writing the rows."""
    import duckdb
    import polars as pl

    from assets.source_reads import read_side_by_side
    from pipelines.definitions import platform_api_resource
    from pipelines.partitions import DateWindow
    from pipelines.warehouse import conform

    os.environ["SOCIALPULSE_SIMULATOR_URL"] = url
    api = platform_api_resource()  # what the pipeline's resources get: simulator tokens, the scaled brands
    window = DateWindow(start, end)
    frames: list[tuple[str, pl.DataFrame]] = []
    started = time.perf_counter()
    # read as the pipeline reads: lanes side by side, a lane's sources one after another (assets/source_reads.py)
    jobs = [(description, set(description.tables)) for description in ingest_sources()]
    reads = read_side_by_side(jobs, api, window, lambda _: (_quiet_logger(), []))
    for description, _ in jobs:
        for table, batch in reads[description.name].result().batches.items():
            frames.append((table, batch.rows))
    fetch = time.perf_counter() - started
    specs = {t: s for d in ingest_sources() for t, s in d.tables.items()}
    conformed = [(t, conform(rows, specs[t], table=t)[0]) for t, rows in frames]
    started = time.perf_counter()
    with duckdb.connect(str(folder / f"bare_{start}_{end}.duckdb")) as conn:
        for index, (table, frame) in enumerate(conformed):
            if frame.height:
                conn.register("incoming", frame.to_arrow())
                conn.execute(f'create table "{table}_{index}" as select * from incoming')
                conn.unregister("incoming")
    return fetch, time.perf_counter() - started


def _quiet_logger():
    import logging

    log = logging.getLogger("socialpulse.bench.scale")
    log.setLevel(logging.ERROR)
    return log


def raw_row_count(warehouse: Path) -> int:
    import duckdb

    from pipelines.warehouse import table_row_counts

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return sum(rows for _, _, rows in table_row_counts(conn, ["raw"]))


def open_ingest_failures(warehouse: Path) -> int:
    """Reads that failed and were not read since (ops.ingest_failures without resolved_at)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        exists = conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'ingest_failures'"
        ).fetchone()[0]
        if not exists:
            return 0
        return conn.execute("select count(*) from ops.ingest_failures where resolved_at is null").fetchone()[0]


def bare_transform(warehouse: Path, folder: Path, run_id: str) -> float:
    """The SQL the run's dbt build ran (its run_results.json), run directly in DuckDB on a copy of the warehouse
    (the Python models' work is left out: the baseline is, if anything, a little low)."""
    import duckdb

    target = REPO / "dbt_project" / "target"
    (run_results,) = target.glob(f"socialpulse_dbt-{run_id[:7]}-*/run_results.json")
    results = json.loads(run_results.read_text())["results"]
    nodes = json.loads((REPO / "dbt_project" / "target" / "manifest.json").read_text())["nodes"]
    copy_path = folder / "transform" / warehouse.name  # the same catalog name the SQL names
    copy_path.parent.mkdir()
    shutil.copy(warehouse, copy_path)
    with duckdb.connect(str(copy_path)) as conn:
        conn.execute("set TimeZone = 'UTC'")
        started = time.perf_counter()
        for result in results:
            sql, relation = result.get("compiled_code"), result.get("relation_name")
            if not sql:
                continue
            if result["unique_id"].startswith("model."):
                node = nodes.get(result["unique_id"], {})
                if node.get("language") == "python":
                    continue  # a Python model (int_social_sessions): its table from the run stays in the copy
                materialized = node.get("config", {}).get("materialized")
                kind = "view" if materialized == "view" else "table"
                conn.execute(f"create or replace {kind} {relation} as {sql}")
            elif result["unique_id"].startswith("test."):
                conn.execute(f"select count(*) from ({sql})").fetchone()
        return time.perf_counter() - started


def night_api_calls(stats: dict[str, int], brands: dict, days: int = 1) -> dict[str, object]:
    from pipelines.contracts.streams import OWN_STREAMS

    platforms = {
        "meta": ("graph.facebook.com", "graph.instagram.com"),
        "x": ("api.x.com", "api.twitter.com"),
        "linkedin": ("linkedin.com",),
        "youtube": ("googleapis.com",),
        "tiktok": ("tiktok",),
    }
    by_platform: dict[str, int] = {}
    x_cost = 0.0
    youtube_units = 0
    tiktok_research = 0
    http_requests = stats.get(HTTP_REQUESTS)
    for template, count in stats.items():
        if template == HTTP_REQUESTS:
            continue
        platform = next((p for p, hosts in platforms.items() if any(h in template for h in hosts)), "other")
        by_platform[platform] = by_platform.get(platform, 0) + count
        if "research/" in template:
            tiktok_research += count
        if platform == "x":
            x_cost += count * (X_POST_PRICE if any(f in template for f in X_POST_READS) else X_USER_PRICE)
        if platform == "youtube":
            youtube_units += count * (100 if "search" in template else 1)
    accounts = sum(len(b.get("accounts", {})) for b in brands["brands"])
    own = sum(len(b.get("accounts", {})) for b in brands["brands"] if b.get("own"))
    competitor_tables = 2  # profiles and posts per competitor account
    naive = days * (own * len(OWN_STREAMS) + (accounts - own) * competitor_tables)
    total = sum(by_platform.values())
    return {
        "total": total,  # as the platforms count them (each request of a Graph API batch)
        "http_requests": total if http_requests is None else http_requests,  # round trips (a batch is one)
        "by_platform": by_platform,
        "per_account": total / accounts,
        "naive": naive,
        "x_cost_usd": round(x_cost, 2),
        "youtube_quota_units": youtube_units,
        # the night's spend against the documented daily budgets (docs/platform API reference): YouTube's 10,000
        # units a day per project, TikTok Research's daily request quota (1,000 a day, marked unverified there)
        "daily_budgets": {
            "youtube_quota_units": {"used": youtube_units, "budget": YOUTUBE_DAILY_UNITS},
            "tiktok_research_requests": {"used": tiktok_research, "budget": TIKTOK_RESEARCH_DAILY_REQUESTS},
        },
    }


def read_concurrency(config: Path) -> dict[str, int]:
    """The accounts read at once per platform with the bench's settings (the pipeline's and the fetch baseline's)."""
    from pipelines.config.loader import load_settings
    from pipelines.platforms.base import concurrency_limit
    from pipelines.platforms.catalog import available_platforms, platform_spec

    settings = load_settings(config / "settings.yaml")
    return {p: concurrency_limit(platform_spec(p), settings) for p in available_platforms()}


def run(scale: int = 1, latency_ms: float = 150.0, days: int = 30) -> Result:
    from pipelines.config import load_settings

    timezone = ZoneInfo(load_settings().timezone)
    today = dt.datetime.now(timezone).date()
    end = today - dt.timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="socialpulse-bench-scale-") as tmp:
        folder = Path(tmp)
        config = write_config(folder, scale)
        brands = yaml.safe_load((config / "brands.yaml").read_text())
        home = folder / "dagster_home"
        home.mkdir()
        shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
        warehouse = folder / "warehouse" / "socialpulse.duckdb"
        result = Result(
            scale=scale,
            latency_ms=latency_ms,
            days=days,
            brands=len(brands["brands"]),
            accounts=sum(len(b.get("accounts", {})) for b in brands["brands"]),
            concurrency=read_concurrency(config),
        )
        with simulator(config, today, latency_ms) as url:
            env = {
                **os.environ,
                "DAGSTER_HOME": str(home),
                "SOCIALPULSE_CONFIG_DIR": str(config),
                "SOCIALPULSE_WAREHOUSE": str(warehouse),
                "SOCIALPULSE_PUBLISHED_WAREHOUSE": str(warehouse.with_name("published.duckdb")),
                "SOCIALPULSE_REPORTS_DIR": str(folder / "reports"),
                "SOCIALPULSE_SIMULATOR_URL": url,
                "PYTHONWARNINGS": "ignore",
            }
            os.environ["SOCIALPULSE_CONFIG_DIR"] = str(config)  # the baselines read the same brands
            result.stages["first_load"] = socialpulse_run(env, days, end)
            simulator_stats(url, reset=True)
            result.stages["nightly"] = socialpulse_run(env, 1, end)
            stats = simulator_stats(url, reset=True)
            run_id, stages = stage_seconds(home)
            result.stages.update(stages)
            result.stages["other"] = result.stages["nightly"] - sum(result.stages[s] for s in STAGES)
            result.peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            result.warehouse_mb = warehouse.stat().st_size / 1e6
            result.raw_rows = raw_row_count(warehouse)
            result.open_ingest_failures = open_ingest_failures(warehouse)
            result.api_calls = night_api_calls(stats, brands)
            # the first load's baselines first: they pay the one-time imports and connections, not the night's
            start = end - dt.timedelta(days=days - 1)
            first_fetch, first_load_seconds = bare_fetch_and_load(url, start, end, folder)
            fetch, load = bare_fetch_and_load(url, end, end, folder)
            result.baselines.update(fetch=fetch, load=load, transform=bare_transform(warehouse, folder, run_id))
            result.baselines.update(first_load_fetch=first_fetch, first_load_load=first_load_seconds)
    return result
