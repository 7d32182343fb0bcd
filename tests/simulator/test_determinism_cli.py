"""Same seed, same bodies; the command line works; a brand added to the YAML appears without code changes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import requests

from pipelines.config.models import BrandsConfig
from pipelines.simulator import Simulator, World

TODAY = dt.date(2026, 5, 1)
URLS = [
    "https://graph.facebook.com/v24.0/104550001/published_posts?limit=5&fields=id,message,created_time",
    "https://graph.facebook.com/v24.0/17841400000000001/insights?metric=reach&period=day&since=2026-04-01"
    "&until=2026-04-10",
    "https://api.x.com/2/tweets/counts/all?query=kopi%20OR%20%22Kopi%20Nusantara%22&granularity=day"
    "&start_time=2026-03-01T00:00:00Z",
    "https://news.example.com/coffee/rss",
]


def bodies(seed: int) -> list[bytes]:
    with Simulator(seed=seed, today=TODAY) as sim:
        headers = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['meta']}"}
        out = []
        for url in URLS:
            if "api.x.com" in url:
                headers = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['x']}"}
            out.append(requests.get(sim.rewrite(url), headers=headers).content.replace(sim.url.encode(), b"SIM"))
        return out


def test_same_seed_same_bodies():
    first, second, other = bodies(5), bodies(5), bodies(6)
    assert first == second
    assert first != other


def test_posts_do_not_depend_on_today():
    a = World(seed=1, today=dt.date(2026, 5, 1))
    b = World(seed=1, today=dt.date(2026, 5, 2))
    day = dt.date(2026, 4, 20)
    pa = a.posts("instagram", "17841400000000001", day, day)
    pb = b.posts("instagram", "17841400000000001", day, day)
    assert [p.post_id for p in pa] == [p.post_id for p in pb]
    assert a.followers("x", "1500000001", day) == b.followers("x", "1500000001", day)
    if pa:  # lifetime metrics grow between two nightly snapshots
        assert pb[0].metrics(b.now)["views"] >= pa[0].metrics(a.now)["views"]


def test_custom_tokens_and_url_helpers():
    with Simulator(seed=1, today=TODAY, tokens={"meta": "secret-1"}) as sim:
        assert sim.base_url("https://api.x.com/2/") == f"{sim.url}/api.x.com/2"
        assert sim.rewrite("https://trends.google.com/trending/rss?geo=ID") == (
            f"{sim.url}/trends.google.com/trending/rss?geo=ID"
        )
        url = sim.rewrite("https://graph.facebook.com/v24.0/104550001?fields=id")
        assert requests.get(url, params={"access_token": "secret-1"}).status_code == 200
        assert requests.get(url, params={"access_token": "sim-meta-token"}).status_code == 400


def test_new_brand_appears_without_code_changes():
    brands = BrandsConfig.model_validate(
        {
            "brands": [
                {
                    "name": "Own",
                    "own": True,
                    "keywords": ["Own Coffee"],
                    "accounts": {"instagram": {"id": "1", "handle": "own"}},
                },
                {
                    "name": "Newcomer Roasters",
                    "keywords": ["Newcomer"],
                    "accounts": {
                        "instagram": {"id": "17841499999999999", "handle": "newcomer"},
                        "x": {"id": "999", "handle": "newc"},
                    },
                },
            ]
        }
    )
    world = World(seed=2, today=TODAY, brands=brands)
    assert world.followers("instagram", "17841499999999999", world.end) > 0
    assert world.posts("x", "999")
    assert world.mention_count("Newcomer Roasters", "x", world.end) >= 0


def test_cli_help_and_serving():
    help_text = subprocess.run(
        [sys.executable, "-m", "pipelines.simulator", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in ("--host", "--port", "--seed", "--today", "--days", "--brands", "--fault"):
        assert option in help_text
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.simulator",
            "--seed",
            "3",
            "--today",
            "2026-05-01",
            "--fault",
            "status=503,path=/users/me,times=1",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        info = json.loads(proc.stdout.readline())
        url = f"{info['url']}/api.x.com/2/users/me"
        headers = {"Authorization": f"Bearer {info['tokens']['x']}"}
        assert requests.get(url, headers=headers, timeout=10).status_code == 503
        assert requests.get(url, headers=headers, timeout=10).status_code == 200
    finally:
        proc.terminate()  # SIGTERM ends it at once; a machine busy with disk writes may take a while to reap it
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=60)
