"""The simulator's clock moves night after night, as the schedule would, and only what is observable changes."""

import datetime as dt

import requests

from pipelines.simulator import Simulator

UTC = dt.UTC


def test_set_clock_moves_now_and_today_in_the_partition_timezone():
    sim = Simulator(seed=3, today=dt.date(2026, 5, 1))
    night = dt.datetime(2026, 5, 1, 19, 30, tzinfo=UTC)  # 02:30 on 2 May in Asia/Jakarta
    world = sim.set_clock(night)
    assert world.now == night
    assert world.today == dt.date(2026, 5, 2)
    assert world.end == dt.date(2026, 5, 1)


def test_a_post_grows_between_nights_and_past_days_stay_the_same():
    sim = Simulator(seed=3, today=dt.date(2026, 5, 1))
    before = sim.world
    account = before.brands.own_brand.accounts["instagram"].id
    post = before.posts("instagram", account, dt.date(2026, 4, 28), dt.date(2026, 4, 28))[0]
    day = before.account_day("instagram", account, dt.date(2026, 4, 20))
    after = sim.set_clock(dt.datetime(2026, 5, 3, 19, 30, tzinfo=UTC))
    assert after.post("instagram", post.post_id).metrics(after.now)["reactions"] > post.metrics(before.now)["reactions"]
    assert after.account_day("instagram", account, dt.date(2026, 4, 20)) == day


def test_clock_control_endpoint():
    with Simulator(seed=3, today=dt.date(2026, 5, 1)) as sim:
        answer = requests.post(f"{sim.url}/_simulator/clock", json={"now": "2026-05-04T19:30:00Z"}, timeout=5)
        assert answer.status_code == 200
        assert answer.json() == {"now": "2026-05-04T19:30:00+00:00", "today": "2026-05-05"}
        assert requests.get(f"{sim.url}/_simulator/health", timeout=5).json()["today"] == "2026-05-05"
        bad = requests.post(f"{sim.url}/_simulator/clock", json={"now": "yesterday"}, timeout=5)
        assert bad.status_code == 400 and "ISO-8601" in bad.json()["error"]


def test_the_planted_drop_stays_on_its_days_when_the_clock_moves():
    sim = Simulator(seed=3, today=dt.date(2026, 5, 1))
    drop = sim.world.planted_kpi_drop()
    assert sim.set_clock(dt.datetime(2026, 5, 9, 19, 30, tzinfo=UTC)).planted_kpi_drop() == drop
