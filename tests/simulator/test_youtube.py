"""YouTube Data API v3 and Analytics v2 as served by the simulator."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.simulator import Simulator

KEY = Simulator.DEFAULT_TOKENS["youtube_key"]
OAUTH = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['youtube_oauth']}"}


@pytest.fixture(scope="module")
def data_api(sim):
    return sim.base_url("https://www.googleapis.com/youtube/v3")


@pytest.fixture(scope="module")
def analytics(sim):
    return sim.base_url("https://youtubeanalytics.googleapis.com/v2")


def test_channels_counts_are_strings(http, data_api, world):
    ids = [a.id for _, a in world.accounts("youtube")]
    body = http.get(
        f"{data_api}/channels", params={"part": "snippet,statistics,contentDetails", "id": ",".join(ids), "key": KEY}
    ).json()
    assert body["kind"] == "youtube#channelListResponse" and len(body["items"]) == len(ids)
    stats = body["items"][0]["statistics"]
    assert all(isinstance(stats[k], str) for k in ("viewCount", "subscriberCount", "videoCount"))
    assert body["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"].startswith("UU")


def test_uploads_walk_and_videos(http, data_api, world):
    own = world.own_brand.accounts["youtube"]
    playlist = "UU" + own.id[2:]
    ids, token = [], None
    while True:
        params = {"part": "contentDetails", "playlistId": playlist, "maxResults": 50, "key": KEY}
        if token:
            params["pageToken"] = token
        body = http.get(f"{data_api}/playlistItems", params=params).json()
        ids.extend(i["contentDetails"]["videoId"] for i in body["items"])
        token = body.get("nextPageToken")
        if not token:
            break
    assert len(ids) == len(world.posts("youtube", own.id)) > 40  # about one a week
    videos = http.get(
        f"{data_api}/videos",
        params={"part": "snippet,statistics,contentDetails", "id": ",".join(ids[:50])},
        headers=OAUTH,
    ).json()["items"]
    assert len(videos) == 50
    first = world.post("youtube", videos[0]["id"])
    assert videos[0]["statistics"]["viewCount"] == str(first.metrics(world.now)["views"])
    assert videos[0]["contentDetails"]["duration"].startswith("PT")


def test_keys_and_errors(http, data_api):
    bad = http.get(f"{data_api}/channels", params={"part": "statistics", "id": "x", "key": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["reason"] == "keyInvalid"
    missing = http.get(f"{data_api}/channels", params={"part": "statistics", "id": "x"})
    assert missing.status_code == 403


def test_search_total_results(http, data_api, world):
    params = {
        "part": "snippet",
        "q": '"Kenangan Brew"|KenanganBrew|#kenanganbrew|@kenanganbrew',
        "type": "video",
        "publishedAfter": "2026-10-01T00:00:00Z",
        "publishedBefore": "2026-10-08T00:00:00Z",
        "maxResults": 50,
        "key": KEY,
    }
    body = http.get(f"{data_api}/search", params=params).json()
    truth = sum(world.mention_count("Kenangan Brew", "youtube", dt.date(2026, 10, d)) for d in range(1, 8))
    assert body["pageInfo"]["totalResults"] == truth
    assert body["items"][0]["id"]["kind"] == "youtube#video"


def test_analytics_reports(http, analytics, world):
    own = world.own_brand.accounts["youtube"]
    metrics = (
        "views,engagedViews,estimatedMinutesWatched,averageViewDuration,likes,comments,shares,"
        "subscribersGained,subscribersLost"
    )
    body = http.get(
        f"{analytics}/reports",
        params={
            "ids": "channel==MINE",
            "startDate": "2026-10-01",
            "endDate": "2026-10-07",
            "metrics": metrics,
            "dimensions": "day",
            "sort": "day",
        },
        headers=OAUTH,
    ).json()
    names = [c["name"] for c in body["columnHeaders"]]
    assert names[0] == "day" and names[1:] == metrics.split(",")
    assert len(body["rows"]) == 7
    row = dict(zip(names, body["rows"][0], strict=True))
    truth = world.account_day("youtube", own.id, dt.date(2026, 10, 1))
    assert row["views"] == truth.views and row["subscribersGained"] == truth.followers_gained
    demo = http.get(
        f"{analytics}/reports",
        params={
            "ids": "channel==MINE",
            "startDate": "2026-10-01",
            "endDate": "2026-10-30",
            "metrics": "viewerPercentage",
            "dimensions": "ageGroup,gender",
        },
        headers=OAUTH,
    ).json()
    assert abs(sum(r[2] for r in demo["rows"]) - 100) < 1.5
    assert {r[1] for r in demo["rows"]} <= {"female", "male", "user_specified"}
    other = http.get(
        f"{analytics}/reports",
        params={
            "ids": "channel==UCjavaroastco00000000002",
            "startDate": "2026-10-01",
            "endDate": "2026-10-02",
            "metrics": "views",
        },
        headers=OAUTH,
    )
    assert other.status_code == 403
    unknown = http.get(
        f"{analytics}/reports",
        params={"ids": "channel==MINE", "startDate": "2026-10-01", "endDate": "2026-10-02", "metrics": "impressions"},
        headers=OAUTH,
    )
    assert unknown.status_code == 400 and "Unknown identifier" in unknown.json()["error"]["message"]
