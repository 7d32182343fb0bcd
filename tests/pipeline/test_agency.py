"""An agency's night as production runs it (examples/agency: three client brands, each account with its own
token): an initial history, then a night on which one client's Instagram token has expired and one LinkedIn
endpoint fails, then the same night re-run after the fix.

- Everything else of the night is loaded and every mart is rebuilt; the failures are listed in
  ops.ingest_failures, in the tables' materialization metadata and as the run's `partial` tag (what the UI shows).
- The re-run fills the gap exactly: the warehouse equals one whose night never failed.
- A canary token per account (and per shared variable) is sent to the platforms and found nowhere: not in the
  logs, the Dagster events, the warehouse or the reports, after a run with 401s and 500s.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml
from dagster import DagsterInstance, materialize

from assets.ingest import PARTIAL_RUN_TAG
from assets.market import sources_per_client
from pipelines.config import load_brands, load_settings
from pipelines.definitions import all_assets, pipeline_resources
from pipelines.platforms.catalog import platform_spec
from pipelines.simulation import all_credentials, simulated_platform_api
from pipelines.simulator import Simulator

from .warehouse_compare import RUN_COLUMNS, warehouse_content

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
AGENCY = REPO / "examples" / "agency"
TODAY = dt.date(2026, 11, 21)
HISTORY = (dt.date(2026, 11, 7), dt.date(2026, 11, 19))
NIGHT = dt.date(2026, 11, 20)
TEH_INSTAGRAM = "17841400000000101"  # examples/agency/brands.yaml
LINKEDIN_FAILING = "/rest/organizationalEntityShareStatistics"
ENV_KEYS = ("SOCIALPULSE_CONFIG_DIR", "SOCIALPULSE_REPORTS_DIR", "SOCIALPULSE_MODE", "SOCIALPULSE_ALERT_RULES")


def run_moment(day: dt.date) -> dt.datetime:
    """02:30 of the next day in the partition time zone (nightly_schedule)."""
    zone = ZoneInfo(load_settings(AGENCY / "settings.yaml").timezone)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, 30), zone).astimezone(dt.UTC)


def canaries() -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]], dict[tuple[str, str], str]]:
    """(environment, the simulator's shared tokens, its per-account tokens, (brand, platform) -> its canary): a
    distinct canary for every token reference of the agency's brands.yaml and every shared variable."""
    env: dict[str, str] = {}
    shared: dict[str, str] = {}
    for credential in all_credentials():
        value = shared.setdefault(credential.simulator_key, f"CANARY-shared-{credential.simulator_key}-5e7d")
        env[credential.env_var] = value
    per_account: dict[str, dict[str, str]] = defaultdict(dict)
    by_account: dict[tuple[str, str], str] = {}
    for brand in load_brands(AGENCY / "brands.yaml").own_brands:
        for platform, account in brand.accounts.items():
            credentials = {c.name: c for c in platform_spec(platform).credentials}
            for name, source in account.tokens.items():
                value = f"CANARY-{brand.slug}-{platform}-{name}-3b91"
                env[source.env] = value
                per_account[credentials[name].simulator_key][value] = account.id
                by_account[(brand.name, platform)] = value
    return env, shared, dict(per_account), by_account


@dataclass
class Night:
    warehouse: Path
    result: object
    instance: DagsterInstance


@dataclass
class AgencyNights:
    clean: Night  # the night without faults
    failed: Night  # the same night with the faults (a copy of its warehouse right after it)
    fixed: Night  # ... re-run after the fix
    reports: Path
    canaries: list[str]
    logs: str  # every Python log record of the runs, at DEBUG (urllib3's request lines included)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a record that cannot format is still searched by its message
            self.lines.append(str(record.msg))


def materializations(result, schema: str) -> dict[str, dict]:
    """Table -> the metadata of its materialization in the run."""
    out = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path[0] == schema:
            out[materialization.asset_key.path[-1]] = materialization.metadata
    return out


def run(sim: Simulator, warehouse: Path, reports: Path, start: dt.date, end: dt.date) -> Night:
    at = run_moment(end)
    sim.set_clock(at)
    instance = DagsterInstance.ephemeral()
    result = materialize(
        all_assets(),
        resources=pipeline_resources(
            str(warehouse), simulated_platform_api(simulator_url=sim.url, now=at.isoformat()), str(reports)
        ),
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
        },
        raise_on_error=False,
    )
    return Night(warehouse, result, instance)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> AgencyNights:
    folder = tmp_path_factory.mktemp("agency")
    config = folder / "config"  # the example, with retries that give up at once (the faults last all night)
    shutil.copytree(AGENCY, config)
    settings_file = config / "settings.yaml"
    data = yaml.safe_load(settings_file.read_text())
    data["http"].update(max_retries=1, backoff_base_seconds=0, backoff_max_seconds=0)
    settings_file.write_text(yaml.safe_dump(data, sort_keys=False))
    env, shared, per_account, _ = canaries()
    saved = {key: os.environ.get(key) for key in (*env, *ENV_KEYS)}
    os.environ.update(env)
    os.environ.update(
        {
            "SOCIALPULSE_CONFIG_DIR": str(config),
            "SOCIALPULSE_REPORTS_DIR": str(folder / "reports"),
            "SOCIALPULSE_MODE": "simulator",
        }
    )
    os.environ.pop("SOCIALPULSE_ALERT_RULES", None)
    collect, root = Collect(), logging.getLogger()
    collect.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    level = root.level
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    reports = folder / "reports"
    try:
        brands = load_brands(config / "brands.yaml")
        settings = load_settings(settings_file)
        with Simulator(
            seed=7, today=TODAY, brands=brands, settings=settings, tokens=shared, account_tokens=per_account
        ) as sim:
            history = folder / "history.duckdb"
            assert run(sim, history, reports, *HISTORY).result.success
            shutil.copy(history, folder / "clean.duckdb")
            shutil.copy(history, folder / "night.duckdb")
            clean = run(sim, folder / "clean.duckdb", folder / "reports_clean", NIGHT, NIGHT)
            assert clean.result.success
            sim.faults.add("expired_token", token=env["TEH_INSTAGRAM_TOKEN"], times=0)
            sim.faults.add("status", status=500, path_contains=LINKEDIN_FAILING, times=0)
            failed = run(sim, folder / "night.duckdb", reports, NIGHT, NIGHT)
            shutil.copy(failed.warehouse, folder / "failed.duckdb")
            failed.warehouse = folder / "failed.duckdb"
            sim.faults.clear()
            fixed = run(sim, folder / "night.duckdb", reports, NIGHT, NIGHT)
    finally:
        root.removeHandler(collect)
        root.setLevel(level)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return AgencyNights(clean, failed, fixed, reports, sorted(set(env.values())), "\n".join(collect.lines))


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def test_the_failed_night_lists_what_failed_in_the_warehouse_metadata_and_run_tag(nights: AgencyNights) -> None:
    failed = nights.failed
    assert failed.result.success  # the run finishes: the marts build from what is there
    assert failed.instance.get_run_by_id(failed.result.run_id).tags[PARTIAL_RUN_TAG] == "partial"
    failures = rows(
        failed.warehouse,
        "select table_name, account_id, brand, reason from ops.ingest_failures where resolved_at is null",
    )
    by_table = defaultdict(set)
    for table, account, brand, _ in failures:
        by_table[table].add((account, brand))
    # Teh Tarik Co's Instagram: every stream of its account, nothing of the other clients' Instagram
    for stream in platform_spec("instagram").streams:
        assert (TEH_INSTAGRAM, "Teh Tarik Co") in by_table[f"instagram__{stream}"], stream
        assert {account for account, _ in by_table[f"instagram__{stream}"]} == {TEH_INSTAGRAM}, stream
    # the LinkedIn endpoint of share statistics (page and post level) fails for both clients on LinkedIn
    linkedin = {table for table in by_table if table.startswith("linkedin__")}
    assert linkedin == {"linkedin__account_daily", "linkedin__post_snapshots"}
    assert {table.split("__")[0] for table in by_table} == {"instagram", "linkedin"}
    assert {brand for _, brand in by_table["linkedin__post_snapshots"]} == {"Kopi Nusantara", "Roti Senja Bakery"}
    reasons = " ".join(reason for *_, reason in failures)
    assert "HTTP 500" in reasons and ("190" in reasons or "expired" in reasons.lower())
    # the tables' materialization metadata say loaded / partial / failed
    metadata = materializations(failed.result, "raw")
    assert metadata["instagram__account_daily"]["outcome"].value == "partial"
    assert TEH_INSTAGRAM in metadata["instagram__account_daily"]["failures"].value
    assert metadata["facebook__account_daily"]["outcome"].value == "loaded"
    assert metadata["linkedin__post_snapshots"]["outcome"].value == "failed"  # no account could be read


def test_everything_else_of_the_night_is_loaded_and_every_mart_rebuilt(nights: AgencyNights) -> None:
    clean, failed = nights.clean.warehouse, nights.failed.warehouse
    failing = {
        (table, account) for table, account in rows(failed, "select table_name, account_id from ops.ingest_failures")
    }
    # competitors are read through a client's own Instagram account (business discovery): what Teh Tarik Co's
    # expired token could not read is every brand read through it
    brands = load_brands(AGENCY / "brands.yaml")
    for client, subset in sources_per_client(brands, "instagram"):
        for table, account in list(failing):
            if table.startswith("instagram__competitor") and account == client.accounts["instagram"].id:
                failing |= {(table, b.accounts["instagram"].id) for b in subset.brands if "instagram" in b.accounts}
    for (table,) in rows(clean, "select table_name from information_schema.tables where table_schema = 'raw'"):
        columns = [
            column
            for (column,) in rows(
                clean,
                "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                "order by ordinal_position",
                [table],
            )
        ]
        if "account_id" not in columns or "_partition_date" not in columns:
            continue
        select = ", ".join(f'"{c}"' for c in columns if c not in ("_loaded_at", "_run_id"))
        night_rows = f'select account_id, {select} from raw."{table}" where _partition_date = ?'
        by_account = defaultdict(lambda: ([], []))
        for row in rows(clean, night_rows, [NIGHT]):
            by_account[row[0]][0].append(row)
        for row in rows(failed, night_rows, [NIGHT]):
            by_account[row[0]][1].append(row)
        for account, (expected, got) in by_account.items():
            if (table, account) in failing:
                continue
            assert sorted(got, key=repr) == sorted(expected, key=repr), (table, account)
    # every mart was materialized by the failed night's run, and holds the night for the accounts that loaded
    marts = set(materializations(nights.failed.result, "marts"))
    expected_marts = {
        table
        for (table,) in rows(
            clean,
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE'",
        )
    }
    assert expected_marts and expected_marts <= marts
    # ... and the marts of every client and platform the faults did not touch equal the clean night's
    affected = {("Teh Tarik Co", "instagram"), ("Kopi Nusantara", "linkedin"), ("Roti Senja Bakery", "linkedin")}
    for table in ("fct_account_daily", "fct_post_metrics_daily"):
        got, expected = mart_rows(failed, table, affected), mart_rows(clean, table, affected)
        assert got == expected and len(got) > 100, table
        assert len(mart_rows(failed, table, set())) > len(got), table  # the affected ones are there too


def mart_rows(path: Path, table: str, excluded: set[tuple[str, str]]) -> list[str]:
    """A mart's rows (without load-time columns) of every (client_brand, platform) not excluded, sorted."""
    with duckdb.connect(str(path), read_only=True) as conn:
        columns = [
            column
            for (column,) in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
                "order by ordinal_position",
                [table],
            ).fetchall()
            if column not in RUN_COLUMNS
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        found = conn.execute(f"select client_brand, platform, {select} from marts.{table}").fetchall()
    return sorted(repr(row[2:]) for row in found if (row[0], row[1]) not in excluded)


def test_the_rerun_after_the_fix_fills_the_gap_exactly(nights: AgencyNights) -> None:
    assert nights.fixed.result.success
    assert PARTIAL_RUN_TAG not in nights.fixed.instance.get_run_by_id(nights.fixed.result.run_id).tags
    assert rows(nights.fixed.warehouse, "select count(*) from ops.ingest_failures where resolved_at is null") == [(0,)]
    fixed, clean = warehouse_content(nights.fixed.warehouse), warehouse_content(nights.clean.warehouse)
    assert fixed.keys() == clean.keys()
    differing = {table: (len(fixed[table]), len(clean[table])) for table in clean if fixed[table] != clean[table]}
    assert differing == {}


def test_no_canary_token_appears_in_logs_events_warehouse_or_reports(nights: AgencyNights) -> None:
    assert len(nights.canaries) >= 15  # one per account token reference and shared variable
    # the Python logs at DEBUG (the requests' own lines included; the Dagster step logs are the events below)
    assert "urllib3.connectionpool" in nights.logs
    for canary in nights.canaries:
        assert canary not in nights.logs
    for night in (nights.failed, nights.fixed, nights.clean):
        records = night.instance.get_records_for_run(night.result.run_id).records
        text = "\n".join(str(record.event_log_entry) for record in records)
        if night is nights.failed:
            assert "raw.instagram__account_daily for Teh Tarik Co" in text  # the failure is in the events
        for canary in nights.canaries:
            assert canary not in text
    for path in (nights.failed.warehouse, nights.fixed.warehouse):
        with duckdb.connect(str(path), read_only=True) as conn:
            for schema, table in conn.execute(
                "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall():
                dump = str(conn.execute(f'select * from "{schema}"."{table}"').fetchall())
                for canary in nights.canaries:
                    assert canary not in dump, f"{schema}.{table}"
    files = [p for p in nights.reports.rglob("*") if p.is_file()]
    assert files, "the history run renders reports"
    for path in files:
        data = path.read_bytes()
        texts = [data] + [zlib.decompress(chunk) for chunk in _pdf_streams(data)] if path.suffix == ".pdf" else [data]
        for canary in nights.canaries:
            assert all(canary.encode() not in text for text in texts), path


def _pdf_streams(data: bytes) -> list[bytes]:
    """The deflated streams of a PDF (fpdf2 compresses page content), to search their text too."""
    out = []
    for part in data.split(b"stream\n")[1:]:
        body = part.split(b"endstream", 1)[0].rstrip(b"\r\n")
        try:
            zlib.decompress(body)
        except zlib.error:
            continue
        out.append(body)
    return out
