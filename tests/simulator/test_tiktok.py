"""TikTok Business v1.3 and Research v2 as served by the simulator."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pipelines.simulator import Simulator

BUSINESS = {"Access-Token": Simulator.DEFAULT_TOKENS["tiktok_business"]}


@pytest.fixture(scope="module")
def business(sim):
    return sim.base_url("https://business-api.tiktok.com/open_api/v1.3")


@pytest.fixture(scope="module")
def open_api(sim):
    return sim.base_url("https://open.tiktokapis.com/v2")


@pytest.fixture(scope="module")
def account(world):
    return world.own_brand.accounts["tiktok"]


def test_business_get_daily_metrics(http, business, account, world):
    fields = [
        "username",
        "followers_count",
        "audience_countries",
        "audience_genders",
        "audience_ages",
        "profile_views",
        "video_views",
        "likes",
        "comments",
        "shares",
        "audience_activity",
    ]
    body = http.get(
        f"{business}/business/get/",
        params={
            "business_id": account.id,
            "start_date": "2026-10-01",
            "end_date": "2026-10-07",
            "fields": json.dumps(fields),
        },
        headers=BUSINESS,
    ).json()
    assert body["code"] == 0 and body["message"] == "OK"
    data = body["data"]
    assert data["username"] == account.handle
    assert abs(sum(c["percentage"] for c in data["audience_countries"]) - 1) < 0.01
    assert len(data["metrics"]) == 7
    first = data["metrics"][0]
    truth = world.account_day("tiktok", account.id, dt.date(2026, 10, 1))
    assert first["video_views"] == truth.views and first["likes"] == truth.reactions
    assert len(first["audience_activity"]) == 24


def test_business_errors_are_envelopes_with_http_200(http, business, account):
    bad = http.get(f"{business}/business/get/", params={"business_id": account.id}, headers={"Access-Token": "x"})
    assert bad.status_code == 200 and bad.json()["code"] == 40105
    too_many = http.get(
        f"{business}/business/video/list/", params={"business_id": account.id, "max_count": 50}, headers=BUSINESS
    )
    assert too_many.status_code == 200 and too_many.json()["code"] == 40002


def test_video_list_walk(http, business, account, world):
    seen, cursor = [], 0
    while True:
        body = http.get(
            f"{business}/business/video/list/",
            params={
                "business_id": account.id,
                "fields": json.dumps(["item_id", "create_time", "video_views", "likes"]),
                "cursor": cursor,
                "max_count": 20,
            },
            headers=BUSINESS,
        ).json()["data"]
        seen.extend(body["videos"])
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert len(seen) == len(world.posts("tiktok", account.id)) > 200
    assert isinstance(seen[0]["create_time"], str)


def test_research_token_user_info_and_video_query(http, open_api, world):
    token = http.post(
        f"{open_api}/oauth/token/", data={"client_key": "k", "client_secret": "s", "grant_type": "client_credentials"}
    ).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 7200
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    info = http.post(
        f"{open_api}/research/user/info/?fields=display_name,follower_count,video_count",
        json={"username": "senjacoffee"},
        headers=auth,
    ).json()
    assert info["error"]["code"] == "ok" and info["data"]["display_name"] == "Senja Coffee"
    query = {"and": [{"operation": "EQ", "field_name": "keyword", "field_values": ["Kenangan Brew"]}]}
    body = {"query": query, "start_date": "20261001", "end_date": "20261010", "max_count": 100}
    videos = []
    while True:
        page = http.post(
            f"{open_api}/research/video/query/?fields=id,create_time,username,video_description",
            json=body,
            headers=auth,
        ).json()["data"]
        videos.extend(page["videos"])
        if not page["has_more"]:
            break
        body = {**body, "cursor": page["cursor"], "search_id": page["search_id"]}
    truth = [
        m
        for d in range(1, 11)
        for m in world.mention_items("Kenangan Brew", "tiktok", dt.date(2026, 10, d))
        if m.term == "Kenangan Brew"
    ]
    assert len(videos) == len(truth) > 0
    too_long = http.post(
        f"{open_api}/research/video/query/?fields=id",
        json={**body, "start_date": "20260101", "end_date": "20260301"},
        headers=auth,
    )
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "invalid_params"
    assert (
        http.post(
            f"{open_api}/research/user/info/?fields=display_name",
            json={"username": "x"},
            headers={"Authorization": "Bearer nope"},
        ).status_code
        == 401
    )
