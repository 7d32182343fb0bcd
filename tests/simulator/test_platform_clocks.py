"""The simulator's platform clocks: account days in each platform's zone, served once ended plus the lag, revised
within the settle window when asked, throttles and usage measured on the running clock."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import requests

from pipelines.config import load_brands
from pipelines.simulator import Simulator

UTC = dt.UTC
PACIFIC = ZoneInfo("America/Los_Angeles")
BRANDS = load_brands()
IG = BRANDS.own_brand.accounts["instagram"].id
LI = BRANDS.own_brand.accounts["linkedin"].id
META_TOKEN = Simulator.DEFAULT_TOKENS["meta"]


def test_an_account_day_is_the_day_of_the_platforms_zone():
    sim = Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS)
    world = sim.world
    day = dt.date(2026, 5, 2)
    posts = world.posts("instagram", IG, day - dt.timedelta(days=2), day + dt.timedelta(days=2))
    pacific = [p for p in posts if p.published_at.astimezone(PACIFIC).date() == day]
    utc = [p for p in posts if p.published_at.date() == day]
    assert pacific != utc  # the test means something: the two calendars disagree on this day
    assert world.account_day("instagram", IG, day).posts_published == len(pacific)
    li_posts = world.posts("linkedin", LI, day - dt.timedelta(days=2), day + dt.timedelta(days=2))
    assert world.account_day("linkedin", LI, day).posts_published == sum(p.published_at.date() == day for p in li_posts)
    # Meta's day 2026-05-02 starts at Pacific midnight, 07:00 UTC (PDT)
    assert world.day_start("instagram", day) == dt.datetime(2026, 5, 2, 7, tzinfo=UTC)


def test_days_are_served_once_ended_plus_the_lag_and_followers_read_now_are_the_last_complete_day():
    sim = Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS)
    world = sim.set_clock(dt.datetime(2026, 5, 10, 18, 0, tzinfo=UTC))  # 11:00 PDT, 01:00 Jakarta on the 11th
    assert world.today == dt.date(2026, 5, 11)
    assert world.last_served_day("instagram") == dt.date(2026, 5, 9)  # Pacific 05-09 ended at 05-10 07:00 UTC
    assert world.last_served_day("linkedin") == dt.date(2026, 5, 8)  # UTC 05-08 is served from 05-10 00:00
    assert world.last_served_day("youtube") == dt.date(2026, 5, 8)  # Pacific 05-09 is served from 05-11 07:00 UTC
    assert world.last_served_day("tiktok") == dt.date(2026, 5, 8)
    assert world.served_days("instagram", dt.date(2026, 5, 8), dt.date(2026, 5, 11)) == [
        dt.date(2026, 5, 8),
        dt.date(2026, 5, 9),
    ]
    assert world.served_days("linkedin", dt.date(2025, 1, 1), dt.date(2026, 5, 11))[0] == dt.date(2025, 5, 10)
    assert world.followers_now("instagram", IG) == world.followers("instagram", IG, dt.date(2026, 5, 9))
    assert world.followers_now("linkedin", LI) == world.followers("linkedin", LI, dt.date(2026, 5, 9))


def test_recent_days_are_revised_until_final_when_asked():
    day = dt.date(2026, 5, 5)
    plain = Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS)
    late = Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS, revisions=True)
    ended = plain.world.day_start("instagram", day + dt.timedelta(days=1))
    for sim in (plain, late):
        sim.set_clock(ended + dt.timedelta(hours=1))
    truth = plain.world.account_day("instagram", IG, day)
    assert plain.world.served_day("instagram", IG, day) == truth  # revisions are off by default
    early = late.world.served_day("instagram", IG, day)
    share = 0.9 + 0.1 * (1 / 48)  # an hour of Meta's 48 h settle window
    assert early.views == round(truth.views * share) < truth.views
    assert early.engagements == early.reactions + early.comments + early.shares + early.saves + early.clicks
    assert early.followers == truth.followers
    assert late.world.account_day("instagram", IG, day) == truth  # the ground truth never changes
    late.set_clock(ended + dt.timedelta(days=2))
    assert late.world.served_day("instagram", IG, day) == truth  # final after final_after_days


def test_a_throttle_lasts_on_the_running_clock_and_advance_ends_it():
    with Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS) as sim:
        url = f"{sim.base_url('https://graph.facebook.com/v24.0')}/{IG}"
        params = {"fields": "followers_count", "access_token": META_TOKEN}
        sim.faults.add("throttle", path_contains=IG, seconds=180, code=80002)
        first = requests.get(url, params=params, timeout=10)
        assert first.status_code == 400 and first.json()["error"]["code"] == 80002
        usage = json.loads(first.headers["X-Business-Use-Case-Usage"])[IG][0]
        assert usage["call_count"] == 100 and usage["estimated_time_to_regain_access"] == 3
        sim.advance(120)
        second = requests.get(url, params=params, timeout=10)
        assert json.loads(second.headers["X-Business-Use-Case-Usage"])[IG][0]["estimated_time_to_regain_access"] == 1
        requests.post(f"{sim.url}/_simulator/clock", json={"advance_seconds": 61}, timeout=10)
        assert requests.get(url, params=params, timeout=10).status_code == 200


def test_usage_rises_with_calls_and_throttles_at_the_limit():
    with Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS) as sim:
        answer = requests.post(f"{sim.url}/_simulator/usage", json={"calls": 4, "window_seconds": 600}, timeout=10)
        assert answer.status_code == 200
        url = f"{sim.base_url('https://graph.facebook.com/v24.0')}/{IG}"
        params = {"fields": "followers_count", "access_token": META_TOKEN}
        percents = [json.loads(requests.get(url, params=params, timeout=10).headers["X-App-Usage"])["call_count"]]
        percents += [
            json.loads(requests.get(url, params=params, timeout=10).headers["X-App-Usage"])["call_count"]
            for _ in range(3)
        ]
        assert percents == [25, 50, 75, 100]
        blocked = requests.get(url, params=params, timeout=10)
        assert blocked.status_code == 400 and blocked.json()["error"]["code"] == 80002
        assert json.loads(blocked.headers["X-Business-Use-Case-Usage"])[IG][0]["estimated_time_to_regain_access"] == 10
        sim.advance(600)
        assert requests.get(url, params=params, timeout=10).status_code == 200
        stats = requests.get(f"{sim.url}/_simulator/usage", timeout=10).json()["usage"]["meta"]
        assert stats["highest_percent"] == 100 and stats["throttled"] == 1


def test_x_refuses_an_end_time_less_than_ten_seconds_old():
    with Simulator(seed=3, today=dt.date(2026, 5, 10), brands=BRANDS) as sim:
        own = BRANDS.own_brand.accounts["x"].id
        url = f"{sim.base_url('https://api.x.com/2')}/users/{own}/tweets"
        headers = {"Authorization": f"Bearer {Simulator.DEFAULT_TOKENS['x']}"}
        now = sim.world.now
        fresh = (now - dt.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        refused = requests.get(url, params={"end_time": fresh}, headers=headers, timeout=10)
        assert refused.status_code == 400
        assert (
            "'end_time' must be a minimum of 10 seconds prior to the request time"
            in refused.json()["errors"][0]["message"]
        )
        old = (now - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert requests.get(url, params={"end_time": old}, headers=headers, timeout=10).status_code == 200
