"""LinkedIn Community Management API as served by the simulator."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.simulator import Simulator

HEADERS = {
    "Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['linkedin']}",
    "LinkedIn-Version": "202603",
    "X-Restli-Protocol-Version": "2.0.0",
}


def ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), dt.UTC).timestamp() * 1000)


@pytest.fixture(scope="module")
def api(sim):
    return sim.base_url("https://api.linkedin.com/rest")


@pytest.fixture(scope="module")
def org(world):
    return world.own_brand.accounts["linkedin"].id


def test_version_headers(http, api, org):
    url = f"{api}/networkSizes/urn%3Ali%3Aorganization%3A{org}?edgeType=COMPANY_FOLLOWED_BY_MEMBER"
    assert http.get(url, headers=HEADERS).json()["firstDegreeSize"] > 0
    missing = {k: v for k, v in HEADERS.items() if k != "LinkedIn-Version"}
    assert http.get(url, headers=missing).status_code == 400
    sunset = http.get(url, headers={**HEADERS, "LinkedIn-Version": "202505"})
    assert sunset.status_code == 426 and sunset.json()["code"] == "NONEXISTENT_VERSION"
    bad = http.get(url, headers={**HEADERS, "Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["status"] == 401


def _follower_stats(http, api, org, start_ms: int, end_ms: int):
    intervals = f"(timeRange:(start:{start_ms},end:{end_ms}),timeGranularityType:DAY)"
    url = (
        f"{api}/organizationalEntityFollowerStatistics?q=organizationalEntity&organizationalEntity="
        f"urn%3Ali%3Aorganization%3A{org}&timeIntervals={intervals}"
    )
    return http.get(url, headers=HEADERS)


def test_daily_follower_gains_within_the_available_window(http, api, org, world):
    # The world's now is 2026-11-01 00:00 UTC: day D is served from 00:00 UTC of D + 2, so the last is 10-30.
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    elements = _follower_stats(http, api, org, ms(start), ms(end)).json()["elements"]
    assert len(elements) == 30
    first = elements[0]
    assert first["timeRange"] == {"start": ms(start), "end": ms(start + dt.timedelta(days=1))}
    gains = first["followerGains"]
    assert (
        gains["organicFollowerGain"] + gains["paidFollowerGain"]
        == world.account_day("linkedin", org, start).followers_gained
    )


def test_a_window_linkedin_does_not_serve_is_rejected_in_its_words(http, api, org):
    too_late = _follower_stats(http, api, org, ms(dt.date(2026, 10, 1)), ms(dt.date(2026, 11, 1)))
    assert too_late.status_code == 400
    body = too_late.json()
    assert body["code"] == "ILLEGAL_ARGUMENT" and body["message"].startswith("Invalid timeIntervals parameter")
    assert "available up to 2026-10-31T00:00:00Z" in body["message"]
    half_day = _follower_stats(http, api, org, ms(dt.date(2026, 10, 1)), ms(dt.date(2026, 10, 2)) + 43_200_000)
    assert half_day.status_code == 400 and "whole days" in half_day.json()["message"]
    fifteen_months = _follower_stats(http, api, org, ms(dt.date(2025, 7, 1)), ms(dt.date(2026, 10, 1)))
    assert fifteen_months.status_code == 400 and "14 months" in fifteen_months.json()["message"]


def test_lifetime_facets_and_competitor_forbidden(http, api, org):
    body = http.get(
        f"{api}/organizationalEntityFollowerStatistics",
        params={"q": "organizationalEntity", "organizationalEntity": f"urn:li:organization:{org}"},
        headers=HEADERS,
    ).json()
    element = body["elements"][0]
    for facet in (
        "followerCountsByGeoCountry",
        "followerCountsBySeniority",
        "followerCountsByIndustry",
        "followerCountsByFunction",
        "followerCountsByStaffCountRange",
    ):
        assert element[facet], facet
    assert element["followerCountsBySeniority"][0]["seniority"].startswith("urn:li:seniority:")
    other = http.get(
        f"{api}/organizationalEntityFollowerStatistics",
        params={"q": "organizationalEntity", "organizationalEntity": "urn:li:organization:2414002"},
        headers=HEADERS,
    )
    assert other.status_code == 403 and other.json()["code"] == "ACCESS_DENIED"


def test_posts_offset_paging_and_per_post_stats(http, api, org, world):
    posts, start = [], 0
    while True:
        body = http.get(
            f"{api}/posts",
            params={
                "q": "author",
                "author": f"urn:li:organization:{org}",
                "count": 50,
                "start": start,
                "sortBy": "LAST_MODIFIED",
            },
            headers=HEADERS,
        ).json()
        posts.extend(body["elements"])
        total = body["paging"]["total"]
        if len(body["elements"]) < 50:
            break
        start += 50
    assert len(posts) == total == len(world.posts("linkedin", org))
    shares = [p["id"] for p in posts[:5] if ":share:" in p["id"]]
    ugc = [p["id"] for p in posts[:5] if ":ugcPost:" in p["id"]]
    enc = lambda urns: ",".join(u.replace(":", "%3A") for u in urns)  # noqa: E731
    query = f"q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A{org}"
    if shares:
        query += f"&shares=List({enc(shares)})"
    if ugc:
        query += f"&ugcPosts=List({enc(ugc)})"
    elements = http.get(f"{api}/organizationalEntityShareStatistics?{query}", headers=HEADERS).json()["elements"]
    assert len(elements) == len(shares) + len(ugc)
    element = elements[0]
    urn = element.get("share") or element.get("ugcPost")
    stats = element["totalShareStatistics"]
    assert stats["likeCount"] == world.post("linkedin", urn).metrics(world.now)["reactions"]
    assert 0 < stats["engagement"] < 1


def test_daily_share_statistics(http, api, org, world):
    start, end = dt.date(2026, 9, 1), dt.date(2026, 9, 8)
    intervals = f"(timeRange:(start:{ms(start)},end:{ms(end)}),timeGranularityType:DAY)"
    url = (
        f"{api}/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity="
        f"urn%3Ali%3Aorganization%3A{org}&timeIntervals={intervals}"
    )
    elements = http.get(url, headers=HEADERS).json()["elements"]
    assert len(elements) == 7
    assert elements[0]["totalShareStatistics"]["impressionCount"] == world.account_day("linkedin", org, start).views
