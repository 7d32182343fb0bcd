"""Graph API batch requests (https://developers.facebook.com/docs/graph-api/batch-requests): the per-post reads of
Facebook and Instagram (`/{post-id}/insights`, `/{media-id}/insights`, `/{id}/comments` with their next pages)
go out in batches of up to 50, against the real simulator on 127.0.0.1, and give exactly the rows, warnings and
errors of the same requests sent one by one (`batch_size = 1`)."""

from __future__ import annotations

import datetime as dt
import logging
import math

import pytest

from pipelines.config.loader import load_brands
from pipelines.http import ApiAuthError, ApiError
from pipelines.platforms.facebook import FacebookClient
from pipelines.platforms.instagram import InstagramClient
from pipelines.platforms.meta_graph import BATCH_SIZE, GraphRead, batch_element_response
from tests.platforms.helpers import TODAY, make_context, posts_in_local_days, start_simulator

BRANDS = load_brands()
CLIENTS = {"facebook": FacebookClient, "instagram": InstagramClient}
FIRST, LAST = dt.date(2026, 8, 1), dt.date(2026, 11, 19)  # more than 50 posts on each platform
CANARY = "CANARY-meta-batch-41c7"


def account(platform: str):
    return BRANDS.own_brand.accounts[platform]


def client(sim, platform: str, *, batch_size: int = BATCH_SIZE, **overrides):
    cls = CLIENTS[platform]
    meta = cls(make_context(sim, cls, **overrides))
    meta.batch_size = batch_size
    return meta


def read(meta, platform: str) -> dict[str, list[dict]]:
    acc = account(platform)
    return {
        "post_snapshots": meta.post_snapshots(acc, FIRST, LAST, LAST),
        # observed_at is the moment of the read
        "post_comments": [{**row, "observed_at": None} for row in meta.post_comments(acc, FIRST, LAST, LAST)],
    }


def read_counted(sim, meta, platform: str) -> tuple[dict[str, list[dict]], dict[str, dict[str, int]], dict[str, int]]:
    """(rows, element requests per path, batch HTTP requests) of each stream, as the simulator answered them."""
    acc = account(platform)
    rows, stats, batches = {}, {}, {}
    for stream in ("post_snapshots", "post_comments"):
        sim.stats.reset()
        sim.batches.reset()
        rows[stream] = getattr(meta, stream)(acc, FIRST, LAST, LAST)
        stats[stream], batches[stream] = sim.stats.snapshot(), sum(sim.batches.snapshot().values())
    rows["post_comments"] = [{**row, "observed_at": None} for row in rows["post_comments"]]
    return rows, stats, batches


def test_batch_size_is_the_documented_limit():
    assert BATCH_SIZE == 50
    assert FacebookClient.batch_size == InstagramClient.batch_size == BATCH_SIZE


def test_an_element_is_read_as_the_response_of_the_request_sent_alone():
    element = {
        "code": 400,
        "headers": [{"name": "X-App-Usage", "value": '{"call_count":80}'}, {"name": "Content-Type", "value": "json"}],
        "body": '{"error": {"code": 4, "message": "(#4) Application request limit reached"}}',
    }
    response = batch_element_response(element, "https://graph.facebook.com/v24.0/1_2/insights")
    assert response.status_code == 400 and not response.ok
    assert response.headers["x-app-usage"] == '{"call_count":80}'  # case-insensitive, as any response's
    assert response.json()["error"]["code"] == 4
    assert GraphRead("1_2/insights", {"metric": "a,b", "period": "lifetime"}, "post insights").relative_url == (
        "1_2/insights?metric=a%2Cb&period=lifetime"
    )


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_batched_rows_equal_the_rows_of_one_request_per_post(simulator, platform):
    one_by_one = client(simulator, platform, batch_size=1)
    rows_alone, single_stats, single_batches = read_counted(simulator, one_by_one, platform)
    batched = client(simulator, platform)
    rows_batched, batched_stats, batches = read_counted(simulator, batched, platform)

    posts = posts_in_local_days(simulator, platform, account(platform).id, FIRST, LAST)
    assert len(posts) > BATCH_SIZE  # at least two batches per stream
    for table in ("post_snapshots", "post_comments"):
        assert rows_batched[table] == rows_alone[table], table  # table by table, row by row, same order
    assert len(rows_batched["post_comments"]) > len(posts)  # threads with replies
    assert sorted(batched.warnings) == sorted(one_by_one.warnings)
    assert single_batches == {"post_snapshots": 0, "post_comments": 0}  # batch_size 1: every request alone

    edge = "{post-id}" if platform == "facebook" else "{media-id}"
    per_post = {stream: sum(n for t, n in stats.items() if edge in t) for stream, stats in single_stats.items()}
    assert per_post["post_snapshots"] >= len(posts) and per_post["post_comments"] >= len(posts)
    # The same requests, only packed into batches: the simulator counts each request of a batch under its own path.
    assert batched_stats == single_stats
    # HTTP requests: ceil(posts / 50) batches per stream, plus a round per next comment page (and, on Instagram,
    # two small rounds of the refused-metric fallback); the listing pages are requests alone.
    first_pages = math.ceil(len(posts) / BATCH_SIZE)
    next_pages = per_post["post_comments"] - len(posts)
    assert batches["post_snapshots"] == first_pages + (0 if platform == "facebook" else 2)
    assert first_pages <= batches["post_comments"] <= first_pages + next_pages
    listing = {s: sum(n for t, n in stats.items() if edge not in t) for s, stats in batched_stats.items()}
    assert batched.stats.calls == sum(listing.values()) + sum(batches.values())  # nothing sent alone
    assert batched.stats.by_endpoint["batch"] == sum(batches.values())
    assert batched.stats.batched == sum(
        per_stream for stats in batched_stats.values() for t, per_stream in stats.items() if edge in t
    )
    assert one_by_one.stats.calls == sum(sum(stats.values()) for stats in single_stats.values())
    assert one_by_one.stats.batched == 0


def test_a_refused_metric_inside_a_batch_gets_the_fallback_and_warning_of_a_request_alone(simulator):
    # On 2025-10-01 the registry still asks post_impressions of each post; the API refuses it (code 100).
    alone = client(simulator, "facebook", batch_size=1, today=dt.date(2025, 10, 1))
    rows_alone = alone.post_snapshots(account("facebook"), FIRST, LAST, LAST)
    batched = client(simulator, "facebook", today=dt.date(2025, 10, 1))
    simulator.batches.reset()
    rows = batched.post_snapshots(account("facebook"), FIRST, LAST, LAST)
    assert sum(simulator.batches.snapshot().values()) >= 2
    assert rows == rows_alone
    assert all(r["views"] is not None and r["reach"] is not None for r in rows)  # the other metrics kept
    refused = [w for w in batched.warnings if "refused" in w]
    assert refused and all("post_impressions" in w and "code 100" in w for w in refused)
    assert sorted(batched.warnings) == sorted(alone.warnings)


def test_an_expired_token_inside_a_batch_fails_the_stream_with_metas_words_and_no_token(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"meta": CANARY}) as sim:
        meta = client(sim, "facebook", credentials={"access_token": CANARY})
        post = posts_in_local_days(sim, "facebook", account("facebook").id, FIRST, LAST)[-1]
        sim.faults.add("expired_token", path_contains=f"{post.post_id}/insights")
        with pytest.raises(ApiAuthError) as info:
            meta.post_snapshots(account("facebook"), FIRST, LAST, LAST)
        batches = sum(sim.batches.snapshot().values())
    error = info.value
    assert batches >= 1  # the expired token was answered inside a batch
    assert "code 190, subcode 463: Error validating access token" in str(error)  # Meta's own words
    assert "FACEBOOK_PAGE_ACCESS_TOKEN" in str(error)  # the variable to renew
    assert f"{post.post_id}/insights" in error.url
    for text in (str(error), error.url, error.platform_message, caplog.text):
        assert CANARY not in text


def test_an_expired_token_inside_a_batch_fails_only_that_account_stream():
    from assets.platforms import PlatformIngestion
    from pipelines.partitions import DateWindow

    with start_simulator() as sim:
        meta = client(sim, "instagram")
        acc = account("instagram")
        night = TODAY - dt.timedelta(days=1)
        media = posts_in_local_days(sim, "instagram", acc.id, night - dt.timedelta(days=30), night)
        sim.faults.add("expired_token", path_contains=f"{media[-1].post_id}/comments", times=0)
        ingestion = PlatformIngestion([(meta, [(BRANDS.own_brand, acc)])], meta.settings)
        batches = ingestion.read_window(
            DateWindow(night, night), {"instagram__post_comments", "instagram__post_snapshots"}
        )
    assert [(f.table, f.account_id) for f in ingestion.failures] == [("instagram__post_comments", acc.id)]
    assert "Error validating access token" in ingestion.failures[0].reason
    assert batches["instagram__post_snapshots"].rows  # the other stream of the account is loaded


@pytest.mark.parametrize("code", [4, 32, 80001])
def test_a_throttled_element_is_waited_out_as_a_request_alone(code):
    http = {"throttle": {"unknown_wait_seconds": 30, "max_wait_seconds": 600}}
    with start_simulator() as sim:
        clean = read(client(sim, "facebook"), "facebook")
        post = posts_in_local_days(sim, "facebook", account("facebook").id, FIRST, LAST)[-1]
        throttle = sim.faults.add("throttle", path_contains=f"{post.post_id}/insights", seconds=50, code=code)
        started = sim.clock.now()
        meta = client(sim, "facebook", http=http, sleep=sim.advance)
        assert read(meta, "facebook") == clean
        waited = sim.clock.now() - started
    assert throttle.used >= 2  # inside the batch, then alone (and waited out there)
    assert meta.stats.throttled == throttle.used
    assert waited >= dt.timedelta(seconds=50)  # simulated seconds: the client waited the throttle out
    assert meta.stats.waited_seconds >= 50


def test_usage_headers_inside_batches_pace_the_client_below_100_percent():
    """150 calls an hour, more than 300 media requests: batches while the usage leaves room, one by one (each
    paced) from http.throttle.slowdown_percent on, never throttled."""
    throttle = {"slowdown_percent": 75, "pause_seconds": 2, "max_pause_seconds": 900, "max_wait_seconds": 600}
    with start_simulator() as sim:
        meter = sim.limit_usage("meta", calls=150, window_seconds=3600)
        ig = client(sim, "instagram", http={"throttle": throttle}, sleep=sim.advance)
        rows = ig.post_snapshots(account("instagram"), TODAY - dt.timedelta(days=330), LAST, LAST)
        batches = sum(sim.batches.snapshot().values())
    assert rows and meter.served > 150  # more calls than the hour allows, counted per element
    assert batches >= 1 and ig.stats.batched > 0
    assert meter.throttled == 0 and ig.stats.throttled == 0
    assert 75 <= meter.highest_percent < 100
    assert ig.pacer.highest == pytest.approx(meter.highest_percent, abs=1)


def test_a_failing_batch_request_is_retried_and_a_timed_out_element_is_sent_again(simulator):
    clean = read(client(simulator, "facebook"), "facebook")
    post = posts_in_local_days(simulator, "facebook", account("facebook").id, FIRST, LAST)[0]
    simulator.faults.add("status", path_contains="/v24.0/", status=500, batch=True, times=1)
    simulator.faults.add("batch_timeout", path_contains=f"{post.post_id}/comments", times=1)
    meta = client(simulator, "facebook")
    simulator.stats.reset()
    assert read(meta, "facebook") == clean
    assert meta.stats.retries == 2  # the batch POST answered 500 once, the null element: both sent again
    comments_of_post = [r for r in simulator.requests.records() if r.path.endswith(f"{post.post_id}/comments")]
    assert len(comments_of_post) >= 2  # null in the batch, then sent alone


def test_a_batch_request_failing_for_good_names_no_token(caplog):
    caplog.set_level(logging.DEBUG)
    with start_simulator({"meta": CANARY}) as sim:
        meta = client(sim, "instagram", credentials={"access_token": CANARY}, http={"max_retries": 1})
        sim.faults.add("status", path_contains="/", status=500, batch=True, times=5)
        with pytest.raises(ApiError, match="gave up after 2 attempt") as info:
            meta.post_snapshots(account("instagram"), FIRST, LAST, LAST)
    assert "HTTP 500" in str(info.value)
    for text in (str(info.value), info.value.url, caplog.text):
        assert CANARY not in text


def test_an_unreadable_element_is_sent_again_alone(simulator):
    clean = read(client(simulator, "instagram"), "instagram")
    media = posts_in_local_days(simulator, "instagram", account("instagram").id, FIRST, LAST)[0]
    fault = simulator.faults.add("malformed_json", path_contains=f"{media.post_id}/insights", times=1)
    meta = client(simulator, "instagram")
    assert read(meta, "instagram") == clean
    assert fault.used == 1 and meta.stats.retries == 1  # truncated inside the batch, read alone
