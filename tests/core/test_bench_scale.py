"""The scale bench's brand sets (bench/scale.py): N client brands, each with its own copy of the competitive set,
valid for the configuration's models and cross-checks, and its naive API count from hand-counted accounts."""

from pathlib import Path

import yaml

from bench.scale import night_api_calls, scaled_brands
from pipelines.config.models import BrandsConfig

BRANDS = Path(__file__).resolve().parents[2] / "pipelines" / "config" / "brands.yaml"


def test_scale_three_is_three_clients_each_with_its_own_competitors():
    base = yaml.safe_load(BRANDS.read_text())
    scaled = BrandsConfig.model_validate(scaled_brands(base, 3))
    assert len(scaled.brands) == 3 * len(base["brands"])
    clients = [b for b in scaled.brands if b.own]
    assert [c.name for c in clients] == ["Kopi Nusantara", "Kopi Nusantara 2", "Kopi Nusantara 3"]
    rivals = [b["name"] for b in base["brands"] if not b.get("own")]
    assert clients[2].competitors == [f"{name} 3" for name in rivals]
    ids = [account.id for brand in scaled.brands for account in brand.accounts.values()]
    assert len(ids) == len(set(ids))  # every copy has its own accounts


def test_scale_one_hundred_is_valid_with_handles_within_xs_fifteen_characters():
    base = yaml.safe_load(BRANDS.read_text())
    scaled = BrandsConfig.model_validate(scaled_brands(base, 100))  # X's handle rule: at most 15 characters
    assert len(scaled.brands) == 100 * len(base["brands"])
    handles = [(platform, account.handle) for b in scaled.brands for platform, account in b.accounts.items()]
    assert len(handles) == len(set(handles))
    assert max(len(handle) for platform, handle in handles if platform == "x") <= 15
    assert ("x", "kopinusantar100") in handles  # 'kopinusantara' + '100', cut to 15


def test_the_night_counts_a_graph_batch_as_one_http_request_and_its_elements_as_calls():
    """On the real simulator: 2 GETs alone and one batch of 3 requests are 5 calls (as Meta counts them) in 3 HTTP
    requests."""
    import json

    import requests

    from bench.scale import simulator_stats
    from pipelines.simulator import Simulator

    token = Simulator.DEFAULT_TOKENS["meta"]
    with Simulator(seed=7) as sim, requests.Session() as http:
        graph = sim.base_url("https://graph.facebook.com/v24.0")
        page = sim.world.own_brand.accounts["facebook"].id
        simulator_stats(sim.url, reset=True)
        for _ in range(2):
            assert http.get(f"{graph}/{page}", params={"access_token": token}).ok
        items = [{"method": "GET", "relative_url": page} for _ in range(3)]
        answer = http.post(f"{graph}/", data={"batch": json.dumps(items), "access_token": token})
        assert answer.ok and all(element["code"] == 200 for element in answer.json())
        stats = simulator_stats(sim.url)
    calls = night_api_calls(stats, {"brands": [{"name": "A", "own": True, "accounts": {"facebook": {}}}]})
    assert calls["total"] == 5 and calls["by_platform"] == {"meta": 5}
    assert calls["http_requests"] == 3


def test_scale_one_is_the_configuration_unchanged():
    base = yaml.safe_load(BRANDS.read_text())
    assert scaled_brands(base, 1) == base


def test_night_api_calls_per_platform_cost_and_quota():
    brands = {
        "brands": [
            {"name": "A", "own": True, "accounts": {"x": {}, "youtube": {}}},
            {"name": "B", "accounts": {"x": {}, "youtube": {}, "tiktok": {}}},
        ]
    }
    stats = {
        "api.x.com/2/users/by": 2,  # $0.010 each
        "api.x.com/2/users/{id}/tweets": 4,  # $0.005 each
        "www.googleapis.com/youtube/v3/search": 1,  # 100 units
        "www.googleapis.com/youtube/v3/videos": 3,  # 1 unit each
        "open.tiktokapis.com/v2/research/user/info/": 2,  # TikTok Research: its daily request quota
    }
    calls = night_api_calls(stats, brands)
    assert calls["total"] == 12 and calls["by_platform"] == {"x": 6, "youtube": 4, "tiktok": 2}
    assert calls["http_requests"] == 12  # no batches counted: every call its own request
    assert calls["per_account"] == 12 / 5
    assert calls["x_cost_usd"] == 0.04  # 2 x 0.010 + 4 x 0.005
    assert calls["youtube_quota_units"] == 103
    assert calls["daily_budgets"] == {
        "youtube_quota_units": {"used": 103, "budget": 10_000},
        "tiktok_research_requests": {"used": 2, "budget": 1_000},
    }
    from pipelines.contracts.streams import OWN_STREAMS

    assert calls["naive"] == 2 * len(OWN_STREAMS) + 3 * 2  # own accounts x streams + competitor accounts x 2


def test_open_ingest_failures_counts_what_the_night_could_not_read(tmp_path):
    import duckdb

    from assets.ingest import Failure
    from bench.scale import open_ingest_failures
    from pipelines.ingest_failures import record

    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    assert open_ingest_failures(path) == 0  # no failure was ever recorded
    with duckdb.connect(str(path)) as conn:
        failures = [
            Failure("x__account_daily", "HTTP 503", "1", "A"),
            Failure("x__account_daily", "HTTP 503", "2", "B"),
        ]
        record(conn, "x", failures, {}, run_id="night-1")
        record(conn, "x", failures[1:], {"x__account_daily": ["1"]}, run_id="night-2")  # account 1 read again
    assert open_ingest_failures(path) == 1
