"""Delivery: real receivers on 127.0.0.1 (pytest-httpserver for Slack and the webhook, aiosmtpd with
STARTTLS + AUTH for e-mail), retries after a receiver was down, the bound on attempts, and exactly-once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import shutil
import socket
import ssl
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pytest_httpserver import HTTPServer
from werkzeug import Response

from sensors.channels import build_channels
from sensors.evaluation import evaluate_rules
from sensors.rules import load_alert_rules, parse_alert_rules
from sensors.service import alert_notification, deliver_due, evaluate_and_deliver

NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
DROP_DAY = dt.date(2026, 7, 29)  # START + 301, the first confirmed day of the planted drop


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def only_er_rule(write_rules, channels: list[str], **extra) -> Path:
    """The default file with just the engagement-rate rule, sent to `channels`."""
    config = load_alert_rules(write_rules())
    rule = next(r for r in config.rules if r.name == "engagement_rate_drop").model_dump(exclude_none=True)
    rule["channels"] = channels
    return write_rules({"rules": [rule], **extra})


def stored_deliveries(path: Path) -> list[tuple]:
    with duckdb.connect(str(path)) as conn:
        return conn.execute(
            "select channel, status, attempts, last_error, delivered_at is not null, next_attempt_at is not null "
            "from alerts.deliveries order by alert_id, channel"
        ).fetchall()


# --- Slack and webhook -------------------------------------------------------------------------------------


def test_slack_message_is_readable_with_numbers_and_a_link(httpserver: HTTPServer, drop_frame):
    config = parse_alert_rules(
        {
            "dagster_ui_url": "http://dagster.example:3000/",
            "channels": {"slack": {"type": "slack", "webhook_url_env": "TEST_SLACK_URL"}},
        }
    )
    channels = build_channels(config, environ={"TEST_SLACK_URL": httpserver.url_for("/services/T1/B2/secret")})
    rules = load_alert_rules(Path(__file__).resolve().parents[2] / "pipelines/config/kpi_alerts.yaml").rules
    alert = next(a for a in evaluate_rules(drop_frame, rules) if a.kpi_date == DROP_DAY)
    httpserver.expect_oneshot_request("/services/T1/B2/secret", method="POST").respond_with_data("ok")

    channels["slack"].send(alert_notification(alert, config))

    httpserver.check_assertions()
    body = json.loads(httpserver.log[0][0].get_data())
    text = body["text"]
    assert "Engagement rate (by reach) down" in text and "Kopi Nusantara on instagram" in text
    assert f"{alert.value:.2f}%" in text and f"{alert.baseline:.2f}%" in text
    assert f"{abs(alert.change_pct):.1f}%" in text
    assert "<http://dagster.example:3000/assets/marts/fct_kpi_daily|" in text
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in body["blocks"][1]["fields"]}
    assert fields["*Value*"] == f"{alert.value:.2f}%" and fields["*Rule*"] == "engagement_rate_drop"


def test_webhook_posts_json_with_token_and_idempotency_key(httpserver: HTTPServer, drop_frame):
    config = parse_alert_rules({"channels": {"hook": {"type": "webhook", "url_env": "U", "token_env": "T"}}})
    channels = build_channels(config, environ={"U": httpserver.url_for("/alerts"), "T": "tok-123"})
    rules = load_alert_rules(Path(__file__).resolve().parents[2] / "pipelines/config/kpi_alerts.yaml").rules
    alert = evaluate_rules(drop_frame, rules)[0]
    httpserver.expect_oneshot_request(
        "/alerts", method="POST", headers={"Authorization": "Bearer tok-123", "Idempotency-Key": alert.alert_id}
    ).respond_with_data("", status=204)

    channels["hook"].send(alert_notification(alert, config))

    httpserver.check_assertions()
    payload = json.loads(httpserver.log[0][0].get_data())
    assert payload["kind"] == "kpi_alert" and payload["id"] == alert.alert_id
    assert payload["data"]["kpi_date"] == alert.kpi_date.isoformat()
    assert payload["data"]["value"] == pytest.approx(alert.value)
    assert payload["data"]["change_pct"] == pytest.approx(alert.change_pct)


def test_unset_environment_variable_means_not_configured_not_a_crash(tmp_path, mart_path, write_rules):
    config = load_alert_rules(only_er_rule(write_rules, ["log", "slack", "email"]))
    channels = build_channels(config, environ={})
    assert "SOCIALPULSE_SLACK_WEBHOOK_URL" in channels["slack"].not_configured_reason()
    with duckdb.connect(str(mart_path)) as conn:
        result = evaluate_and_deliver(conn, config, channels, now=NOW)
    assert result.alerts_raised and result.delivery.skipped == 2 * len(result.alerts_raised)
    statuses = {(channel, status) for channel, status, *_ in stored_deliveries(mart_path)}
    assert statuses == {("log", "delivered"), ("slack", "skipped"), ("email", "skipped")}


# --- down, then up: retried with backoff, delivered exactly once ----------------------------------------------


def test_receiver_down_then_up_is_retried_and_delivered_exactly_once(mart_path, write_rules):
    port = free_port()  # nothing listens here yet: the receiver is down
    rules_file = only_er_rule(write_rules, ["log", "slack"], delivery={"max_attempts": 5, "backoff_seconds": 60})
    config = load_alert_rules(rules_file)
    channels = build_channels(config, environ={"SOCIALPULSE_SLACK_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook"})

    with duckdb.connect(str(mart_path)) as conn:
        first = evaluate_and_deliver(conn, config, channels, now=NOW)
    raised = len(first.alerts_raised)
    assert raised >= 4 and first.delivery.failed == raised and first.delivery.delivered == raised  # log ok
    slack_rows = [row for row in stored_deliveries(mart_path) if row[0] == "slack"]
    assert all(row[1] == "failed" and row[2] == 1 and row[5] for row in slack_rows)  # visible, retry scheduled
    assert all("cannot reach http://127.0.0.1" in row[3] and "/hook" not in row[3] for row in slack_rows)

    # before the backoff has passed nothing is attempted
    with duckdb.connect(str(mart_path)) as conn:
        assert deliver_due(conn, config, channels, now=NOW + timedelta(seconds=30)).attempted == 0

    server = HTTPServer(host="127.0.0.1", port=port)
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    server.start()
    try:
        with duckdb.connect(str(mart_path)) as conn:
            second = deliver_due(conn, config, channels, now=NOW + timedelta(seconds=61))
            third = deliver_due(conn, config, channels, now=NOW + timedelta(days=1))
            again = evaluate_and_deliver(conn, config, channels, now=NOW + timedelta(days=1))
        assert second.delivered == raised and third.attempted == 0 and again.delivery.attempted == 0
        assert len(server.log) == raised  # exactly once per alert
        ids = [json.loads(request.get_data())["blocks"][0]["text"]["text"] for request, _ in server.log]
        assert len(set(ids)) == raised
    finally:
        server.clear()
        server.stop()
    slack_rows = [row for row in stored_deliveries(mart_path) if row[0] == "slack"]
    assert all(row[1] == "delivered" and row[2] == 2 and row[4] for row in slack_rows)


def test_a_receiver_that_keeps_failing_stops_at_the_bound_and_stays_failed(httpserver, mart_path, write_rules):
    httpserver.expect_request("/hook").respond_with_response(Response("down for maintenance", status=503))
    config = load_alert_rules(only_er_rule(write_rules, ["slack"], delivery={"max_attempts": 3, "backoff_seconds": 10}))
    channels = build_channels(config, environ={"SOCIALPULSE_SLACK_WEBHOOK_URL": httpserver.url_for("/hook")})
    with duckdb.connect(str(mart_path)) as conn:
        result = evaluate_and_deliver(conn, config, channels, now=NOW)
        raised = len(result.alerts_raised)
        for minutes in (1, 2, 3, 4):  # backoff 10 s, 20 s: due each time, until the bound of 3 attempts
            deliver_due(conn, config, channels, now=NOW + timedelta(minutes=minutes))
    assert len(httpserver.log) == 3 * raised
    rows = stored_deliveries(mart_path)
    assert all(row[1] == "failed" and row[2] == 3 and not row[5] for row in rows)
    assert all("HTTP 503" in row[3] and "gave up after 3 attempts" in row[3] for row in rows)


# --- e-mail over SMTP with STARTTLS and AUTH ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(tls_cert):
    cert, key = tls_cert
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"alerts", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: answer 535 on failure

    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def email_config(port: int, cert: Path, **extra):
    return parse_alert_rules(
        {
            "channels": {
                "email": {
                    "type": "email",
                    "host": "127.0.0.1",
                    "port": port,
                    "security": "starttls",
                    "ca_file": str(cert),
                    "from_address": "alerts@socialpulse.test",
                    "to": ["marketing@kopi.test"],
                    **extra,
                }
            }
        }
    )


SMTP_ENV = {"SOCIALPULSE_SMTP_USERNAME": "alerts", "SOCIALPULSE_SMTP_PASSWORD": "s3cret"}


def test_email_over_starttls_with_auth_arrives_with_the_numbers(smtp_server, drop_frame):
    inbox, port, cert = smtp_server
    config = email_config(port, cert)
    channel = build_channels(config, environ=SMTP_ENV)["email"]
    rules = load_alert_rules(Path(__file__).resolve().parents[2] / "pipelines/config/kpi_alerts.yaml").rules
    alert = next(a for a in evaluate_rules(drop_frame, rules) if a.kpi_date == DROP_DAY)

    channel.send(alert_notification(alert, config))

    [(sender, recipients, content)] = inbox.messages
    assert sender == "alerts@socialpulse.test" and recipients == ["marketing@kopi.test"]
    message = email.message_from_string(content, policy=email.policy.default)
    assert message["Subject"].startswith("[socialpulse] warning: Engagement rate (by reach) down")
    body = message.get_content()
    assert f"Value: {alert.value:.2f}%" in body and f"Baseline: {alert.baseline:.2f}%" in body
    assert f"Change: {alert.change_pct:+.1f}%" in body
    assert "http://127.0.0.1:3000/assets/marts/fct_kpi_daily" in body


def test_email_with_a_wrong_password_fails_cleanly_without_leaking_it(smtp_server, drop_frame):
    inbox, port, cert = smtp_server
    config = email_config(port, cert)
    channel = build_channels(config, environ={**SMTP_ENV, "SOCIALPULSE_SMTP_PASSWORD": "wrong-pw"})["email"]
    alert = evaluate_rules(
        drop_frame, load_alert_rules(Path(__file__).resolve().parents[2] / "pipelines/config/kpi_alerts.yaml").rules
    )[0]
    from sensors.channels import DeliveryError

    with pytest.raises(DeliveryError) as caught:
        channel.send(alert_notification(alert, config))
    assert "SMTPAuthenticationError" in str(caught.value) and "wrong-pw" not in str(caught.value)
    assert inbox.messages == []


def test_email_down_then_up_is_delivered_once(tls_cert, mart_path, write_rules):
    cert, key = tls_cert
    port = free_port()
    rules_file = only_er_rule(write_rules, ["email"], delivery={"backoff_seconds": 60})
    config = load_alert_rules(rules_file)
    email = email_config(port, cert).channels["email"]
    config = config.model_copy(update={"channels": {"email": email}})
    channels = build_channels(config, environ=SMTP_ENV)
    with duckdb.connect(str(mart_path)) as conn:
        first = evaluate_and_deliver(conn, config, channels, now=NOW)
    assert first.delivery.failed == len(first.alerts_raised) > 0

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=lambda *args: AuthResult(success=True),
        auth_required=True,
    )
    controller.start()
    try:
        with duckdb.connect(str(mart_path)) as conn:
            deliver_due(conn, config, channels, now=NOW + timedelta(minutes=2))
            deliver_due(conn, config, channels, now=NOW + timedelta(hours=2))
    finally:
        controller.stop()
    assert len(inbox.messages) == len(first.alerts_raised)
    assert all(row[1] == "delivered" for row in stored_deliveries(mart_path))
