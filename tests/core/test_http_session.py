"""The shared HTTP layer against a real HTTP server on 127.0.0.1."""

import json
import logging

import pytest
from werkzeug import Response

from pipelines.config.models import HttpSettings
from pipelines.http import (
    ApiAuthError,
    ApiError,
    ApiSession,
    CursorGuard,
    MalformedResponseError,
    Redactor,
    RepeatedCursorError,
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
    with pytest.raises(ApiError, match=r"server error \(HTTP 500\); gave up after 3 attempt") as info:
        s.get(httpserver.url_for("/data"))
    assert "max_retries" in str(info.value)
    assert s.stats.calls == 3


def test_malformed_json_is_reported_with_its_position(httpserver):
    httpserver.expect_request("/data").respond_with_data('{"data": [1, 2', content_type="application/json")
    s, _ = session()
    with pytest.raises(MalformedResponseError, match=r"not valid JSON .*line 1, column"):
        s.get(httpserver.url_for("/data"))


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
