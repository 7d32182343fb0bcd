"""Concurrent reads across accounts: bounded per platform, the same rows as one account after another, and one
failing account failing alone.

An agency of five client brands (the configured set copied as the scale bench does) on the real simulator over
HTTP, answering every request after a latency so that concurrent reads really overlap; the simulator counts the
requests it answers at once per API host. The rows are loaded into a real DuckDB file. No timing is asserted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.platforms import PlatformIngestion
from bench.scale import scaled_brands
from pipelines.config.models import BrandsConfig, HttpSettings
from pipelines.partitions import DateWindow
from pipelines.platforms.facebook import FacebookClient
from pipelines.platforms.tiktok import TikTokClient
from pipelines.warehouse import contract_tables, ensure_tables, load_partitions
from tests.platforms.helpers import SEED, TODAY, make_context

CLIENTS = 5
NIGHT = TODAY - dt.timedelta(days=1)
BRANDS = BrandsConfig(
    **scaled_brands(yaml.safe_load((Path(__file__).parents[2] / "pipelines/config/brands.yaml").read_text()), CLIENTS)
)
HOSTS = {FacebookClient: "graph.facebook.com", TikTokClient: "business-api.tiktok.com"}


@pytest.fixture(scope="module")
def sim():
    from pipelines.simulator import Simulator

    with Simulator(seed=SEED, today=TODAY, brands=BRANDS, latency_ms=25) as simulator:
        yield simulator


def nightly(sim, cls, limit: int | None = None):
    """The nightly read of every client account of `cls`'s platform (one token: one group), `limit` accounts at
    once (None: the platform's default)."""
    http = {"max_concurrent_requests": {cls.spec.name: limit}} if limit else {}
    context = make_context(sim, cls, http=http)
    pairs = BRANDS.accounts_on(cls.spec.name, own_only=True)
    ingestion = PlatformIngestion([(cls(context), pairs)], context.settings)
    tables = {f"{cls.spec.name}__{stream}" for stream in cls.spec.streams}
    sim.in_flight.reset()
    batches = ingestion.read_window(DateWindow(NIGHT, NIGHT), tables)
    return ingestion, batches


def loaded(batches: dict, path: Path) -> dict[str, list[tuple]]:
    """The batches loaded into a fresh DuckDB file as the ingest asset loads them (one connection), read back in a
    fixed order without the load's own columns (_loaded_at, _run_id)."""
    specs = {table: contract_tables()[table] for table in batches}
    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str(path)) as conn:
        ensure_tables(conn, specs)
        for table, batch in batches.items():
            load_partitions(
                conn,
                table,
                batch.rows,
                specs[table],
                window=(batch.window.start, batch.window.end),
                source="test",
                run_id="r",
            )
            out[table] = conn.execute(
                f"select * exclude (_loaded_at, _run_id) from raw.{table} order by all"
            ).fetchall()
    return out


def test_the_spec_limit_is_data_and_the_setting_overrides_it(sim):
    client = TikTokClient(make_context(sim, TikTokClient))
    assert client.max_concurrent_requests == TikTokClient.spec.max_concurrent_requests == 2
    tuned = TikTokClient(make_context(sim, TikTokClient, http={"max_concurrent_requests": {"tiktok": 1}}))
    assert tuned.max_concurrent_requests == 1


@pytest.mark.parametrize("limit", [None, 3])
def test_at_most_the_limit_of_requests_are_in_flight_and_they_overlap(sim, limit):
    cls = FacebookClient if limit else TikTokClient
    ingestion, batches = nightly(sim, cls, limit)
    assert not ingestion.failures and batches
    bound = limit or cls.spec.max_concurrent_requests
    peak = sim.in_flight.peak(HOSTS[cls])
    assert 1 < peak <= bound, f"{peak} requests at once to {HOSTS[cls]}, limit {bound}"


def test_one_account_at_a_time_never_overlaps(sim):
    nightly(sim, TikTokClient, 1)
    assert sim.in_flight.peak(HOSTS[TikTokClient]) == 1


def test_a_concurrent_read_loads_exactly_the_rows_of_a_sequential_read(sim, tmp_path):
    _, sequential = nightly(sim, FacebookClient, 1)
    ingestion, concurrent = nightly(sim, FacebookClient, 4)
    assert not ingestion.failures
    assert sim.in_flight.peak(HOSTS[FacebookClient]) > 1
    assert set(concurrent) == set(sequential)
    for table in sequential:
        assert concurrent[table].window == sequential[table].window
    first, second = loaded(sequential, tmp_path / "one.duckdb"), loaded(concurrent, tmp_path / "four.duckdb")
    assert first == second
    accounts = {a.id for _, a in BRANDS.accounts_on("facebook", own_only=True)}
    assert {row[0] for row in first["facebook__account_daily"]} == accounts  # every client's account is there


def test_a_failing_account_fails_alone_under_concurrency(sim):
    _, clean = nightly(sim, FacebookClient, 1)
    pairs = BRANDS.accounts_on("facebook", own_only=True)
    brand, failing = pairs[2]
    fault = sim.faults.add("status", path_contains=failing.id, status=403)
    try:
        ingestion, batches = nightly(sim, FacebookClient, 4)
    finally:
        sim.faults.clear()
    assert fault.used >= 1
    assert ingestion.failures, "the failing account's streams are reported"
    assert {(f.account_id, f.brand) for f in ingestion.failures} == {(failing.id, brand.name)}
    assert ingestion.failures == sorted(ingestion.failures, key=lambda f: (f.table, f.brand, f.account_id))
    failed_tables = {f.table for f in ingestion.failures}
    for table, batch in clean.items():  # the others' rows as without the fault; the failing account's where it read
        drop = {failing.id} if table in failed_tables else set()
        expected = [row for row in batch.rows if row.get("account_id") not in drop]
        got = batches[table].rows
        assert not {row.get("account_id") for row in got} & drop
        assert sorted(map(repr, got)) == sorted(map(repr, expected)), table


def test_the_setting_is_validated_with_a_clear_error():
    with pytest.raises(ValueError, match="unknown platform 'tiktk'"):
        HttpSettings(max_concurrent_requests={"tiktk": 2})
    with pytest.raises(ValueError, match="from 1 .* to 32"):
        HttpSettings(max_concurrent_requests={"tiktok": 0})


def test_the_documented_limits_are_the_specs():
    """docs/architecture.md's table of reads at once per platform says what the specs hold."""
    from pipelines.platforms.catalog import available_platforms, platform_spec

    text = (Path(__file__).parents[2] / "docs/architecture.md").read_text()
    table = text[text.index("| platform | at once |") :].split("\n\n", 1)[0]
    documented = {
        cells[0]: int(cells[1])
        for line in table.splitlines()[2:]
        if (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    assert documented == {p: platform_spec(p).max_concurrent_requests for p in available_platforms()}
