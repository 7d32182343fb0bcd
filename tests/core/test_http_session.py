"""The shared HTTP layer against a real HTTP server on 127.0.0.1."""

import json
import logging

import pytest
from werkzeug import Response

from pipelines.config.models import HttpSettings, ThrottleSettings
from pipelines.http import (
    ApiAuthError,
    ApiError,
    ApiSession,
    ApiThrottledError,
    CursorGuard,
    MalformedResponseError,
    Redactor,
    RepeatedCursorError,
    UsagePacer,
)

CANARY = "CANARY-http-5d1e"


def client_side_log(caplog) -> str:
    """Everything our side logged (the fake server's own access log, werkzeug, is the platform's, not ours)."""
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("werkzeug"))


def session(**http):
    settings = HttpSettings(**{"max_retries": 3, "backoff_base_seconds": 0, "backoff_max_seconds": 0, **http})

    waits = []
    s = ApiSession(
        "testplatform", http=settings, redactor=Redactor([CANARY]), token_env_var="TEST_TOKEN", sleep=waits.append
    )
    return s, waits


def test_retries_a_429_honouring_retry_after_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/data").respond_with_response(
        Response("{}", status=429, headers={"Retry-After": "2"})
    )
    httpserver.expect_ordered_request("/data").respond_with_json({"ok": 1})
    s, waits = session()
    assert s.get(httpserver.url_for("/data")) == {"ok": 1}
    assert waits == [2.0]
    assert s.stats.calls == 2 and s.stats.retries == 1


def test_repeated_500_fails_after_the_bound_with_a_clear_error(httpserver):
    httpserver.expect_request("/data").respond_with_json({"error": "boom"}, status=500)
    s, _ = session(max_retries=2)
    with pytest.raises(ApiError, match=r"server error \(HTTP 500: boom\); gave up after 3 attempt") as info:
        s.get(httpserver.url_for("/data"))
    assert "max_retries" in str(info.value)
    assert s.stats.calls == 3


def test_malformed_json_is_reported_with_its_position(httpserver):
    httpserver.expect_request("/data").respond_with_data('{"data": [1, 2', content_type="application/json")
    s, _ = session()
    with pytest.raises(MalformedResponseError, match=r"not valid JSON .*line 1, column .*twice in a row"):
        s.get(httpserver.url_for("/data"))
    assert s.stats.calls == 2 and s.stats.retries == 1  # retried once, not more


def test_a_truncated_body_is_retried_once_and_the_second_answer_used(httpserver):
    httpserver.expect_ordered_request("/data").respond_with_data('{"data": [1, 2', content_type="application/json")
    httpserver.expect_ordered_request("/data").respond_with_json({"data": [1, 2, 3]})
    s, waits = session()
    assert s.get(httpserver.url_for("/data")) == {"data": [1, 2, 3]}
    assert (s.stats.calls, s.stats.retries, len(waits)) == (2, 1, 1)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"status": 400, "code": "ILLEGAL_ARGUMENT", "message": "Invalid timeIntervals parameter"},
            "ILLEGAL_ARGUMENT: Invalid timeIntervals parameter",
        ),
        (
            {"title": "Not Found Error", "detail": "Could not find user with id: [1].", "type": "about:blank"},
            "Not Found Error; Could not find user with id: [1].",
        ),
        (
            {"error": {"code": 100, "type": "OAuthException", "message": "(#100) bad"}},
            "100, OAuthException: (#100) bad",
        ),
        ({"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, "code 88: Rate limit exceeded"),
    ],
)
def test_a_rejected_request_keeps_the_platform_code_and_message(httpserver, body, words):
    httpserver.expect_request("/data").respond_with_json(body, status=400)
    s, _ = session()
    with pytest.raises(ApiError) as info:
        s.get(httpserver.url_for("/data"))
    assert info.value.platform_message == words
    assert words in str(info.value) and str(info.value).startswith("testplatform: HTTP 400: request rejected")


def test_the_platform_message_is_redacted(httpserver):
    httpserver.expect_request("/data").respond_with_json({"code": "BAD", "message": f"token {CANARY} refused"}, 400)
    s, _ = session()
    with pytest.raises(ApiError) as info:
        s.get(httpserver.url_for("/data"))
    assert CANARY not in str(info.value) and CANARY not in info.value.platform_message
    assert "token *** refused" in info.value.platform_message


def test_a_throttle_is_waited_out_within_its_bound_then_raised_for_deferral(httpserver):
    for _ in range(2):
        httpserver.expect_ordered_request("/data").respond_with_response(
            Response("{}", status=429, headers={"Retry-After": "120"})
        )
    httpserver.expect_ordered_request("/data").respond_with_json({"ok": 1})
    s, waits = session(throttle={"max_wait_seconds": 300})
    assert s.get(httpserver.url_for("/data")) == {"ok": 1}
    assert waits == [120.0, 120.0] and s.stats.throttled == 2
    httpserver.clear()
    httpserver.expect_request("/data").respond_with_response(Response("{}", status=429, headers={"Retry-After": "400"}))
    s, waits = session(throttle={"max_wait_seconds": 300})
    with pytest.raises(ApiThrottledError, match="max_wait_seconds=300") as info:
        s.get(httpserver.url_for("/data"))
    assert waits == [] and info.value.retry_after == 400.0


def test_usage_pacer_doubles_while_usage_rises_and_resets_below_the_threshold():
    pacer = UsagePacer(ThrottleSettings(slowdown_percent=75, pause_seconds=2, max_pause_seconds=10))
    pauses = [pacer.pause_after(p) for p in (50, 76, 80, 80, 85, 90, 95, 70, 78)]
    #          below, first, rising, flat, rising, rising, capped, reset, first again
    assert pauses == [0, 2, 4, 4, 8, 10, 10, 0, 2]
    assert pacer.highest == 95
    # at 100 % the platform's regain estimate is waited (bounded by max_wait_seconds)
    assert pacer.pause_after(100, regain_seconds=180) == 180
    assert pacer.pause_after(100, regain_seconds=10_000) == ThrottleSettings().max_wait_seconds


def test_a_401_names_the_variable_to_renew_and_never_the_token(httpserver, caplog):
    httpserver.expect_request("/me").respond_with_json({"error": f"bad token {CANARY}"}, status=401)
    s, _ = session()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiAuthError, match="TEST_TOKEN") as info:
        s.get(httpserver.url_for("/me"), params={"access_token": CANARY})
    assert CANARY not in str(info.value)
    assert CANARY not in client_side_log(caplog)


def test_server_errors_are_logged_without_the_token_in_the_url(httpserver, caplog):
    httpserver.expect_ordered_request("/x").respond_with_json({}, status=503)
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    s, _ = session()
    caplog.set_level(logging.DEBUG)
    s.get(httpserver.url_for("/x"), params={"access_token": CANARY, "key": CANARY})
    text = client_side_log(caplog)
    assert "retry 1" in text and "urllib3" in text
    assert CANARY not in text and "access_token=***" in text


def test_connection_refused_is_retried_then_reported():
    s, waits = session(max_retries=1)
    with pytest.raises(ApiError, match="connection failed"):
        s.get("http://127.0.0.1:9/nothing-listens-here")
    assert len(waits) == 1


def test_redactor_masks_secrets_params_and_bearer_tokens():
    redact = Redactor([CANARY])
    text = f"GET https://h/p?access_token=abc123&key=k9&x=1 Authorization: Bearer tok.en {CANARY}"
    assert redact(text) == "GET https://h/p?access_token=***&key=***&x=1 Authorization: Bearer *** ***"
    assert json.dumps({"t": CANARY}).replace(CANARY, "") in redact(json.dumps({"t": CANARY})).replace("***", "")


def test_cursor_guard_stops_a_repeated_cursor():
    guard = CursorGuard("testplatform", "/media")
    assert guard.next("c1") == "c1"
    assert guard.next(None) is None
    guard = CursorGuard("testplatform", "/media")
    guard.next("c1")
    with pytest.raises(RepeatedCursorError, match="/media returned cursor c1"):
        guard.next("c1")


def run_in_thread(work) -> None:
    import threading

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_a_pause_one_thread_was_asked_for_holds_the_other_threads_once(httpserver):
    """Accounts read concurrently share a session (one token): when an answer asks for a pause (usage near the
    limit, an exhausted X window), the thread that got it sleeps it and every other thread waits for the same
    moment before it sends, once; the thread that slept goes on at once."""
    httpserver.expect_request("/busy").respond_with_json({}, headers={"x-pause": "5"})
    httpserver.expect_request("/data").respond_with_json({"ok": 1})
    waits: list[float] = []
    s = ApiSession(
        "testplatform",
        http=HttpSettings(),
        redactor=Redactor(),
        pace=lambda response: float(response.headers.get("x-pause", 0)),
        sleep=waits.append,
    )
    run_in_thread(lambda: (s.get(httpserver.url_for("/busy")), s.get(httpserver.url_for("/data"))))
    assert waits == [5.0]  # the pause, slept by the thread that got it; its next request did not wait again
    run_in_thread(lambda: (s.get(httpserver.url_for("/data")), s.get(httpserver.url_for("/data"))))
    assert len(waits) == 2 and 0 < waits[1] <= 5  # another thread waited the rest of the pause, once
    assert s.stats.calls == 4 and s.stats.waited_seconds == pytest.approx(sum(waits))


def test_threads_sharing_a_session_each_send_over_their_own_connection_and_every_call_is_counted(httpserver):
    from concurrent.futures import ThreadPoolExecutor

    httpserver.expect_request("/data").respond_with_json({"ok": 1})
    s, _ = session()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: s.get(httpserver.url_for("/data"), endpoint="data", page=True), range(40)))
    assert answers == [{"ok": 1}] * 40
    assert s.stats.calls == 40 and s.stats.pages == 40 and s.stats.by_endpoint == {"data": 40}
    assert 1 < len(s._opened) <= 4  # one requests.Session per worker thread
    s.close()
    assert s._opened == []
