"""Every fault kind, in the platform's own shape."""

from __future__ import annotations

import json

import pytest
import requests

from pipelines.simulator import Simulator
from pipelines.simulator.faults import parse_spec

META = Simulator.DEFAULT_TOKENS["meta"]
X_AUTH = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['x']}"}


@pytest.fixture(scope="module")
def page_url(sim, own):
    return sim.base_url("https://graph.facebook.com/v24.0") + f"/{own.accounts['facebook'].id}"


def test_status_faults_use_platform_bodies_then_recover(http, sim, page_url):
    sim.faults.add("status", path_contains="/insights", status=500, times=2)
    params = {"metric": "page_media_view", "period": "day", "access_token": META}
    first = http.get(f"{page_url}/insights", params=params)
    assert first.status_code == 500 and first.json()["error"]["is_transient"] is True
    assert http.get(f"{page_url}/insights", params=params).status_code == 500
    assert http.get(f"{page_url}/insights", params=params).status_code == 200


def test_meta_throttling_is_code_4_with_usage_at_100(http, sim, page_url):
    sim.faults.add("status", path_contains="/insights", status=429, code=17)
    resp = http.get(f"{page_url}/insights", params={"metric": "page_media_view", "access_token": META})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == 17
    assert json.loads(resp.headers["X-App-Usage"])["call_count"] == 100


def test_x_429_has_reset_header(http, sim):
    sim.faults.add("status", path_contains="api.x.com", status=429)
    resp = http.get(sim.base_url("https://api.x.com/2") + "/users/me", headers=X_AUTH)
    assert resp.status_code == 429 and resp.headers["x-rate-limit-remaining"] == "0"
    assert int(resp.headers["x-rate-limit-reset"]) > 0 and resp.json()["status"] == 429


def test_google_429_has_retry_after_and_503(http, sim):
    sim.faults.add("status", path_contains="/channels", status=429)
    sim.faults.add("status", path_contains="/channels", status=503)
    url = sim.base_url("https://www.googleapis.com/youtube/v3") + "/channels"
    params = {"part": "statistics", "id": "x", "key": Simulator.DEFAULT_TOKENS["youtube_key"]}
    limited = http.get(url, params=params)
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert limited.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    assert http.get(url, params=params).status_code == 503
    sim.faults.add("status", path_contains="/channels", status=403)
    assert http.get(url, params=params).json()["error"]["errors"][0]["reason"] == "quotaExceeded"


def test_tiktok_429_is_code_40100_on_http_200(http, sim, own):
    sim.faults.add("status", path_contains="/business/get", status=429)
    resp = http.get(
        sim.base_url("https://business-api.tiktok.com/open_api/v1.3") + "/business/get/",
        params={"business_id": own.accounts["tiktok"].id},
        headers={"Access-Token": Simulator.DEFAULT_TOKENS["tiktok_business"]},
    )
    assert resp.status_code == 200 and resp.json()["code"] == 40100


@pytest.mark.parametrize(
    ("url", "headers", "check"),
    [
        (
            "https://graph.facebook.com/v24.0/me",
            {"Authorization": f"Bearer {META}"},
            lambda r: r.json()["error"]["code"] == 190 and r.json()["error"]["error_subcode"] == 463,
        ),
        ("https://api.x.com/2/users/me", X_AUTH, lambda r: r.status_code == 401),
        (
            "https://api.linkedin.com/rest/networkSizes/urn%3Ali%3Aorganization%3A2414001?edgeType="
            "COMPANY_FOLLOWED_BY_MEMBER",
            {
                "Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['linkedin']}",
                "LinkedIn-Version": "202603",
                "X-Restli-Protocol-Version": "2.0.0",
            },
            lambda r: r.status_code == 401 and r.json()["code"] == "EXPIRED_ACCESS_TOKEN",
        ),
        (
            "https://youtubeanalytics.googleapis.com/v2/reports?ids=channel==MINE",
            {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['youtube_oauth']}"},
            lambda r: r.status_code == 401 and r.json()["error"]["errors"][0]["reason"] == "authError",
        ),
        (
            "https://business-api.tiktok.com/open_api/v1.3/business/get/?business_id=1",
            {"Access-Token": Simulator.DEFAULT_TOKENS["tiktok_business"]},
            lambda r: r.json()["code"] == 40105,
        ),
    ],
)
def test_expired_token(http, sim, url, headers, check):
    sim.faults.add("expired_token")
    assert check(http.get(sim.rewrite(url), headers=headers))


def test_slow_and_malformed_json(http, sim, page_url):
    sim.faults.add("slow", path_contains="/insights", seconds=0.2)
    sim.faults.add("malformed_json", path_contains="/insights")
    resp = http.get(f"{page_url}/insights", params={"metric": "page_media_view", "access_token": META})
    assert resp.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        resp.json()
    assert http.get(f"{page_url}/insights", params={"metric": "page_media_view", "access_token": META}).json()


def test_repeat_cursor_loops_until_cleared(http, sim, page_url):
    sim.faults.add("repeat_cursor", path_contains="/published_posts")
    first = http.get(f"{page_url}/published_posts", params={"limit": 5, "access_token": META}).json()
    second = http.get(first["paging"]["next"]).json()
    third = http.get(second["paging"]["next"]).json()
    assert second["paging"]["next"] == third["paging"]["next"] == first["paging"]["next"]
    sim.faults.clear()
    assert http.get(second["paging"]["next"]).json()["paging"]["next"] != first["paging"]["next"]


def test_missing_and_extra_field(http, sim, own):
    url = sim.base_url("https://graph.facebook.com/v24.0") + f"/{own.accounts['instagram'].id}/media"
    params = {"fields": "id,like_count,comments_count", "limit": 10, "access_token": META}
    sim.faults.add("missing_field", path_contains="/media", field="like_count")
    sim.faults.add("extra_field", path_contains="/media", field="brand_new_metric", value=7)
    items = http.get(url, params=params).json()["data"]
    assert items and all("like_count" not in i and i["brand_new_metric"] == 7 for i in items)


def test_stats_count_templates(http, sim, own):
    before = sim.stats["graph.facebook.com/{version}/{page-id}"]
    url = sim.base_url("https://graph.facebook.com/v24.0") + f"/{own.accounts['facebook'].id}"
    for _ in range(3):
        http.get(url, params={"fields": "id", "access_token": META})
    assert sim.stats["graph.facebook.com/{version}/{page-id}"] == before + 3


def test_http_control_api(http, sim, page_url):
    resp = http.post(
        f"{sim.url}/_simulator/faults", json={"kind": "status", "path_contains": "/insights", "status": 503, "times": 1}
    )
    assert resp.status_code == 201
    assert (
        http.get(f"{page_url}/insights", params={"metric": "page_media_view", "access_token": META}).status_code == 503
    )
    http.post(f"{sim.url}/_simulator/faults", json={"spec": "status=500,path=/insights,times=5"})
    assert http.delete(f"{sim.url}/_simulator/faults").json() == {"faults": []}
    assert (
        http.get(f"{page_url}/insights", params={"metric": "page_media_view", "access_token": META}).status_code == 200
    )


def test_parse_spec():
    assert parse_spec("status=500,path=/insights,times=3") == ("status", "/insights", 3, {"status": 500})
    assert parse_spec("slow=2,path=/media") == ("slow", "/media", None, {"seconds": 2})
    assert parse_spec("kind=missing_field,field=like_count") == ("missing_field", None, None, {"field": "like_count"})
    with pytest.raises(ValueError):
        parse_spec("path=/x")
