"""Facebook Pages and Instagram (Graph API) as served by the simulator."""

from __future__ import annotations

import datetime as dt
import json
import statistics

import pytest

from pipelines.simulator import Simulator

TOKENS = Simulator.DEFAULT_TOKENS

TOKEN = TOKENS["meta"]
PAGE_METRICS = (
    "page_follows,page_daily_follows_unique,page_daily_unfollows_unique,page_media_view,"
    "page_total_media_view_unique,page_post_engagements,page_views_total"
)


@pytest.fixture(scope="module")
def graph(sim):
    return sim.base_url("https://graph.facebook.com/v24.0")


@pytest.fixture(scope="module")
def page_id(own):
    return own.accounts["facebook"].id


@pytest.fixture(scope="module")
def ig_id(own):
    return own.accounts["instagram"].id


def get(http, url, **params):
    params.setdefault("access_token", TOKEN)
    return http.get(url, params=params)


def walk(http, url, params):
    """Follow paging.next to the end; return the items and the URLs followed."""
    items, urls = [], []
    resp = get(http, url, **params)
    while True:
        assert resp.status_code == 200, resp.text
        body = resp.json()
        items.extend(body["data"])
        nxt = body.get("paging", {}).get("next")
        if not nxt:
            return items, urls
        urls.append(nxt)
        resp = http.get(nxt)


def test_page_insights_shape_and_truth(http, graph, page_id, world):
    resp = get(
        http, f"{graph}/{page_id}/insights", metric=PAGE_METRICS, period="day", since="2026-10-01", until="2026-10-08"
    )
    assert resp.status_code == 200
    body = resp.json()
    assert [m["name"] for m in body["data"]] == PAGE_METRICS.split(",")
    follows = body["data"][0]
    assert follows["period"] == "day" and follows["id"] == f"{page_id}/insights/page_follows/day"
    assert len(follows["values"]) == 7
    assert follows["values"][0]["end_time"] == "2026-10-02T07:00:00+0000"
    truth = world.account_day("facebook", page_id, dt.date(2026, 10, 1))
    by_name = {m["name"]: m["values"][0]["value"] for m in body["data"]}
    assert by_name["page_follows"] == truth.followers
    assert by_name["page_daily_follows_unique"] == truth.followers_gained
    assert by_name["page_daily_unfollows_unique"] == truth.followers_lost
    assert by_name["page_media_view"] == truth.views
    assert by_name["page_post_engagements"] == truth.engagements
    assert "next" in body["paging"] and f"access_token={TOKEN}" in body["paging"]["next"]
    # followers move by small fractions of a percent a day, net = gained - lost
    day2 = world.account_day("facebook", page_id, dt.date(2026, 10, 2))
    assert day2.followers - truth.followers == day2.followers_gained - day2.followers_lost
    assert abs(day2.followers / truth.followers - 1) < 0.01


def test_page_insights_window_limit_and_deprecated_metrics(http, graph, page_id):
    resp = get(
        http,
        f"{graph}/{page_id}/insights",
        metric="page_media_view",
        period="day",
        since="2026-01-01",
        until="2026-06-01",
    )
    assert resp.status_code == 400 and resp.json()["error"]["code"] == 100
    for old in ("page_impressions", "page_fans", "page_fan_adds_unique", "page_engaged_users"):
        resp = get(http, f"{graph}/{page_id}/insights", metric=old, period="day")
        assert resp.status_code == 400, old
        assert resp.json()["error"]["code"] == 100
        assert "valid insights metric" in resp.json()["error"]["message"]


def test_page_follows_country_is_a_map(http, graph, page_id, world):
    resp = get(http, f"{graph}/{page_id}/insights", metric="page_follows_country,page_follows_city", period="lifetime")
    assert resp.status_code == 200
    country = resp.json()["data"][0]["values"][0]["value"]
    assert country["ID"] > country.get("US", 0) > 0
    assert sum(country.values()) <= world.followers("facebook", page_id, world.end)


def test_tokens_are_checked(http, graph, page_id):
    url = f"{graph}/{page_id}"
    assert http.get(url, params={"fields": "followers_count"}).json()["error"]["code"] in (104, 2500)
    bad = http.get(url, params={"fields": "followers_count", "access_token": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 190
    ok = http.get(url, params={"fields": "followers_count"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["followers_count"] > 0


def test_competitor_pages(http, graph, world):
    for brand, account in world.accounts("facebook"):
        body = get(http, f"{graph}/{account.id}", fields="id,name,followers_count,fan_count,link").json()
        assert body["id"] == account.id and body["name"] == brand.name
        # read now: the count at the end of Meta's last complete (Pacific) day
        assert body["followers_count"] == world.followers_now("facebook", account.id)
        assert body["followers_count"] == world.followers("facebook", account.id, dt.date(2026, 10, 30))
        assert body["link"].endswith(account.handle)
    unknown = get(http, f"{graph}/999999", fields="id")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 100


def test_published_posts_walk_to_the_end(http, graph, page_id, world, sim):
    fields = (
        "id,message,created_time,permalink_url,shares,reactions.summary(total_count).limit(0),"
        "comments.summary(total_count).limit(0)"
    )
    items, urls = walk(
        http,
        f"{graph}/{page_id}/published_posts",
        {"fields": fields, "limit": 25, "since": "2026-07-01", "until": "2026-10-31T23:59:59"},
    )
    truth = world.posts("facebook", page_id, dt.date(2026, 7, 1), dt.date(2026, 10, 31))
    assert len(items) == len(truth) > 60
    assert {i["id"] for i in items} == {p.post_id for p in truth}
    assert all(f"access_token={TOKEN}" in u for u in urls)
    first = items[0]
    assert {"id", "message", "created_time", "permalink_url", "reactions", "comments"} <= set(first)
    assert "total_count" in first["reactions"]["summary"]
    post = world.post("facebook", first["id"])
    assert first["reactions"]["summary"]["total_count"] == post.metrics(world.now)["reactions"]
    assert all("shares" not in i or i["shares"]["count"] > 0 for i in items)


def test_post_insights_and_reactions_by_type(http, graph, page_id, world):
    post = world.posts("facebook", page_id, dt.date(2026, 9, 1), dt.date(2026, 9, 30))[0]
    body = get(
        http,
        f"{graph}/{post.post_id}/insights",
        metric="post_media_view,post_total_media_view_unique,post_reactions_by_type_total,post_clicks,post_video_views",
    ).json()
    values = {m["name"]: m["values"][0]["value"] for m in body["data"]}
    truth = post.metrics(world.now)
    assert values["post_media_view"] == truth["views"]
    assert values["post_total_media_view_unique"] == truth["reach"] <= truth["views"]
    assert sum(values["post_reactions_by_type_total"].values()) == truth["reactions"]
    assert get(http, f"{graph}/{post.post_id}/insights", metric="post_impressions").json()["error"]["code"] == 100


def test_instagram_profile_and_time_series(http, graph, ig_id, world):
    body = get(http, f"{graph}/{ig_id}", fields="followers_count,follows_count,media_count,username").json()
    assert body["username"] == "kopinusantara"
    assert body["followers_count"] == world.followers_now("instagram", ig_id)
    assert body["media_count"] >= len(world.posts("instagram", ig_id))
    series = get(
        http,
        f"{graph}/{ig_id}/insights",
        metric="reach,follower_count",
        period="day",
        since="2026-10-01",
        until="2026-10-31",
    ).json()["data"]
    assert [m["name"] for m in series] == ["reach", "follower_count"]
    assert len(series[1]["values"]) == 30
    assert (
        series[1]["values"][0]["value"] == world.account_day("instagram", ig_id, dt.date(2026, 10, 1)).followers_gained
    )
    too_long = get(
        http, f"{graph}/{ig_id}/insights", metric="reach", period="day", since="2026-08-01", until="2026-10-01"
    )
    assert too_long.json()["error"]["code"] == 100


def test_instagram_total_value_and_planted_drop(http, graph, ig_id, world):
    platform, brand, start, end = world.planted_kpi_drop()
    assert (platform, brand) == ("instagram", world.own_brand.name)
    assert (end - start).days == 6 and (world.today - start).days == 60

    def engagements(day):
        # Meta's days are Pacific days: since/until are the Pacific midnights around the day
        since = int(world.day_start("instagram", day).timestamp())
        until = int(world.day_start("instagram", day + dt.timedelta(days=1)).timestamp())
        body = get(
            http,
            f"{graph}/{ig_id}/insights",
            metric="total_interactions,reach,views,accounts_engaged",
            period="day",
            metric_type="total_value",
            since=since,
            until=until,
        ).json()
        values = {m["name"]: m["total_value"]["value"] for m in body["data"]}
        assert values["total_interactions"] == world.account_day("instagram", ig_id, day).engagements
        return values["total_interactions"]

    during = [engagements(start + dt.timedelta(days=i)) for i in range(7)]
    before = [engagements(start - dt.timedelta(days=i)) for i in range(8, 22)]
    ratio = statistics.mean(during) / statistics.mean(before)
    assert 0.4 < ratio < 0.8
    # the metric needs metric_type=total_value
    assert get(http, f"{graph}/{ig_id}/insights", metric="views", period="day").json()["error"]["code"] == 100
    assert get(http, f"{graph}/{ig_id}/insights", metric="impressions", period="day").json()["error"]["code"] == 100


def test_instagram_demographics_and_online_followers(http, graph, ig_id, world):
    for breakdown in ("age", "gender", "country", "city"):
        body = get(
            http,
            f"{graph}/{ig_id}/insights",
            metric="follower_demographics",
            period="lifetime",
            metric_type="total_value",
            timeframe="this_month",
            breakdown=breakdown,
        ).json()
        result = body["data"][0]["total_value"]["breakdowns"][0]
        assert result["dimension_keys"] == [breakdown]
        assert 0 < len(result["results"]) <= 45
    old = get(
        http,
        f"{graph}/{ig_id}/insights",
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="last_30_days",
        breakdown="age",
    )
    assert old.json()["error"]["code"] == 100
    online = get(http, f"{graph}/{ig_id}/insights", metric="online_followers", period="lifetime").json()
    values = online["data"][0]["values"]
    assert len(values) == 30 and set(values[0]["value"]) == {str(h) for h in range(24)}


def test_instagram_media_walk_and_media_insights(http, graph, ig_id, world):
    since = int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp())
    until = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())
    items, _ = walk(
        http,
        f"{graph}/{ig_id}/media",
        {
            "fields": "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count",
            "limit": 20,
            "since": since,
            "until": until,
        },
    )
    truth = world.posts("instagram", ig_id, dt.date(2026, 6, 1), dt.date(2026, 10, 31))
    assert len(items) == len(truth) > 50
    kinds = {(i["media_type"], i["media_product_type"]) for i in items}
    assert {("IMAGE", "FEED"), ("CAROUSEL_ALBUM", "FEED"), ("VIDEO", "REELS")} <= kinds
    assert any("#kopinusantara" in i["caption"] for i in items)
    metrics = "views,reach,likes,comments,shares,saved,total_interactions"
    by_type = {i["media_type"]: i for i in items}
    reel = get(http, f"{graph}/{by_type['VIDEO']['id']}/insights", metric=metrics)
    assert reel.status_code == 200
    values = {m["name"]: m["values"][0]["value"] for m in reel.json()["data"]}
    assert values["likes"] == by_type["VIDEO"]["like_count"]
    assert values["total_interactions"] >= values["likes"] + values["comments"]
    carousel = get(http, f"{graph}/{by_type['CAROUSEL_ALBUM']['id']}/insights", metric=metrics)
    assert carousel.status_code == 400 and carousel.json()["error"]["code"] == 100
    for old in ("impressions", "plays", "video_views"):
        assert get(http, f"{graph}/{by_type['IMAGE']['id']}/insights", metric=old).json()["error"]["code"] == 100


def test_business_discovery_paging(http, graph, ig_id, world):
    competitor = world.brand("Java Roast Co").accounts["instagram"]
    fields = (
        "username,name,followers_count,follows_count,media_count,"
        "media.limit({limit}){after}{{id,caption,timestamp,like_count,comments_count,media_type,"
        "media_product_type,permalink}}"
    )
    seen, after = [], ""
    while True:
        inner = fields.format(limit=50, after=f".after({after})" if after else "")
        body = get(http, f"{graph}/{ig_id}", fields=f"business_discovery.username({competitor.handle}){{{inner}}}")
        assert body.status_code == 200, body.text
        disc = body.json()["business_discovery"]
        assert disc["followers_count"] == world.followers_now("instagram", competitor.id)
        seen.extend(disc["media"]["data"])
        after = disc["media"]["paging"]["cursors"].get("after")
        if not after:
            break
    assert len(seen) == len(world.posts("instagram", competitor.id))
    missing = get(http, f"{graph}/{ig_id}", fields="business_discovery.username(ghostbrand){username}")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == 110


def test_me_accounts(http, graph, own):
    body = get(http, f"{graph}/me/accounts", fields="id,name,instagram_business_account").json()
    assert body["data"][0]["instagram_business_account"]["id"] == own.accounts["instagram"].id


# --- Graph API batch requests (developers.facebook.com/docs/graph-api/batch-requests) -----------------------


def batch(http, graph, relative_urls, **form):
    form.setdefault("access_token", TOKEN)
    items = [{"method": "GET", "relative_url": url} for url in relative_urls]
    return http.post(f"{graph}/", data={"batch": json.dumps(items), **form})


def test_a_batch_answers_each_request_as_the_same_get_alone(http, graph, sim, page_id, ig_id, world):
    post = world.posts("facebook", page_id)[-1]
    media = world.posts("instagram", ig_id)[-1]
    urls = [
        f"{post.post_id}/insights?metric=post_media_view,post_clicks&period=lifetime",
        f"{media.post_id}/comments?fields=id,text,timestamp&limit=2",
        f"{page_id}?fields=followers_count",
    ]
    sim.stats.reset()
    sim.batches.reset()
    resp = batch(http, graph, urls)
    assert resp.status_code == 200, resp.text
    answers = resp.json()
    assert len(answers) == 3
    assert sim.batches.snapshot() == {"graph.facebook.com/{version}/": 1}  # one batch HTTP request...
    control = http.get(f"{sim.url}/_simulator/stats").json()
    assert control["batches"] == {"graph.facebook.com/{version}/": 1} and control["total"] == 3
    assert sim.stats.snapshot() == {  # ...counted as the three requests it holds, each under its own path
        "graph.facebook.com/{version}/{post-id}/insights": 1,
        "graph.facebook.com/{version}/{media-id}/comments": 1,
        "graph.facebook.com/{version}/{page-id}": 1,
    }
    for url, answer in zip(urls, answers, strict=True):
        alone = http.get(f"{graph}/{url}&access_token={TOKEN}")
        assert answer["code"] == alone.status_code == 200
        assert json.loads(answer["body"]) == alone.json()  # the body is a JSON string
        headers = {h["name"]: h["value"] for h in answer["headers"]}
        assert headers["X-App-Usage"] == alone.headers["X-App-Usage"]  # usage headers per element
    # The paging.next of an element is a full URL that can be followed alone, with the batch's token.
    nxt = json.loads(answers[1]["body"])["paging"]["next"]
    assert http.get(nxt).status_code == 200


def test_errors_and_faults_are_per_element(http, graph, sim, page_id, world):
    first, second = world.posts("facebook", page_id)[-2:]
    sim.faults.add("expired_token", path_contains=f"{second.post_id}/insights")
    sim.faults.add("batch_timeout", path_contains=f"{first.post_id}/comments")
    resp = batch(
        http,
        graph,
        [
            f"{first.post_id}/insights?metric=post_impressions&period=lifetime",  # deprecated: code 100
            f"{second.post_id}/insights?metric=post_clicks&period=lifetime",
            f"{first.post_id}/comments?limit=1",
            f"{first.post_id}/insights?metric=post_clicks&period=lifetime",
        ],
        include_headers="false",
    )
    invalid, expired, timed_out, fine = resp.json()
    assert resp.status_code == 200
    assert invalid["code"] == 400 and json.loads(invalid["body"])["error"]["code"] == 100
    assert json.loads(expired["body"])["error"]["code"] == 190 and "headers" not in expired
    assert timed_out is None  # Meta's answer for a request the batch did not complete in time
    assert fine["code"] == 200 and json.loads(fine["body"])["data"][0]["name"] == "post_clicks"


def test_a_batch_of_more_than_50_is_refused_and_a_batch_fault_hits_the_post_only(http, graph, sim, page_id):
    resp = batch(http, graph, [page_id] * 51)
    assert resp.status_code == 400
    assert resp.json()["error"]["message"] == "Too many requests in batch message. Maximum batch size is 50"
    sim.faults.add("status", path_contains="/v24.0/", status=503, batch=True, times=1)
    assert get(http, f"{graph}/{page_id}", fields="id").status_code == 200  # a request alone: not hit
    assert batch(http, graph, [page_id]).status_code == 503
    assert batch(http, graph, [page_id]).status_code == 200
    assert batch(http, graph, [page_id], access_token="wrong").json()[0]["code"] == 400  # the token applies
