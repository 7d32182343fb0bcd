"""Canary secrets against receivers that echo them: a webhook answering 500 with the request's path, query and
Authorization header, a Slack webhook echoing its path, and an SMTP server refusing the login with the user and
password in its reply. The canaries reach the receivers (so they were in play) and appear nowhere else: not in
the warehouse, not in the published copy, not in any log record, not on the CLI's stdout or stderr."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from kpi_test_data import write_mart
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from assets.publish import expected_mart_tables
from sensors.channels import build_channels
from sensors.rules import load_alert_rules
from sensors.service import evaluate_and_deliver

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

WEBHOOK_PATH = "CANARY-WEBHOOK-PATH-7f3k"
WEBHOOK_QUERY = "CANARY-WEBHOOK-QUERY-2b9x"
BEARER = "CANARY-BEARER-5h2q"
SLACK_SECRET = "CANARY-SLACK-SECRET-8z1p"
SMTP_USER = "canary-smtp-user-3m4n"
SMTP_PASSWORD = "CANARY-SMTP-PASS-6v7w"
RECEIVER_LOGGERS = ("werkzeug", "mail.log")
CANARIES = (WEBHOOK_PATH, WEBHOOK_QUERY, BEARER, SLACK_SECRET, SMTP_USER, SMTP_PASSWORD)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def echo(request: Request) -> Response:
    """What a careless receiver does: repeat the request in its error."""
    text = (
        f"rejected {request.method} {request.full_path} from {request.remote_addr}; "
        f"authorization={request.headers.get('Authorization')}; url={request.url}"
    )
    return Response(text, status=500)


class EchoingSmtpRefusal:
    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        echoed = f"535 5.7.8 rejected {auth_data.login.decode()} / {auth_data.password.decode()}"
        return AuthResult(success=False, handled=False, message=echoed)


class Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        return "250 accepted"


@pytest.fixture
def receivers():
    webhook, slack = HTTPServer(host="127.0.0.1", port=free_port()), HTTPServer(host="127.0.0.1", port=free_port())
    for server in (webhook, slack):
        server.expect_request(re.compile(".*")).respond_with_handler(echo)
        server.start()
    refusal = EchoingSmtpRefusal()
    smtp_port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port, authenticator=refusal, auth_require_tls=False)
    smtp.start()
    try:
        yield webhook, slack, smtp_port, refusal
    finally:
        smtp.stop()
        for server in (webhook, slack):
            server.clear()
            server.stop()


def rules_file(tmp_path: Path, smtp_port: int) -> Path:
    data = yaml.safe_load((REPO / "pipelines/config/kpi_alerts.yaml").read_text())
    data["channels"]["email"].update(port=smtp_port, security="none")
    data["channels"]["email"].pop("host_env")
    data["channels"]["email"]["host"] = "127.0.0.1"
    rule = next(r for r in data["rules"] if r["name"] == "engagement_rate_drop")
    rule["channels"] = ["log", "slack", "webhook", "email"]
    data["rules"] = [rule]
    data["freshness"]["channels"] = ["log"]
    path = tmp_path / "kpi_alerts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def canary_env(webhook: HTTPServer, slack: HTTPServer) -> dict[str, str]:
    return {
        "SOCIALPULSE_ALERT_WEBHOOK_URL": webhook.url_for(f"/hooks/{WEBHOOK_PATH}") + f"?token={WEBHOOK_QUERY}",
        "SOCIALPULSE_ALERT_WEBHOOK_TOKEN": BEARER,
        "SOCIALPULSE_SLACK_WEBHOOK_URL": slack.url_for(f"/services/T0CANARY/B0CANARY/{SLACK_SECRET}"),
        "SOCIALPULSE_SMTP_USERNAME": SMTP_USER,
        "SOCIALPULSE_SMTP_PASSWORD": SMTP_PASSWORD,
        "SOCIALPULSE_ALERT_EMAIL_TO": "marketing@kopi.test",
    }


def complete_warehouse(path: Path, frame) -> Path:
    """The synthetic KPI mart, plus the other marts (empty) so that the warehouse can be published."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_mart(path, frame)
    with duckdb.connect(str(path)) as conn:
        for name in expected_mart_tables():
            conn.execute(f"create table if not exists marts.{name} (placeholder integer)")
    return path


def leaks_in_database(path: Path) -> list[str]:
    """Every canary found by SQL in any text column of any table, or in the file's bytes."""
    found = [c for c in CANARIES if c.encode() in path.read_bytes()]
    with duckdb.connect(str(path), read_only=True) as conn:
        columns = conn.execute(
            "select schema_name, table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' "
            "and not internal"
        ).fetchall()
        for schema, table, column in columns:
            for canary in CANARIES:
                (hits,) = conn.execute(
                    f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)', [canary]
                ).fetchone()
                if hits:
                    found.append(f"{schema}.{table}.{column}: {canary}")
    return found


def assert_receivers_saw_the_canaries(webhook: HTTPServer, slack: HTTPServer, refusal: EchoingSmtpRefusal) -> None:
    (hook_request, _), *_ = webhook.log
    assert WEBHOOK_PATH in hook_request.path and hook_request.args["token"] == WEBHOOK_QUERY
    assert hook_request.headers["Authorization"] == f"Bearer {BEARER}"
    (slack_request, _), *_ = slack.log
    assert slack_request.path.endswith(SLACK_SECRET)
    assert refusal.logins and refusal.logins[0] == (SMTP_USER.encode(), SMTP_PASSWORD.encode())


def test_canaries_never_leave_the_receivers_in_process(receivers, tmp_path, drop_frame, caplog) -> None:
    webhook, slack, smtp_port, refusal = receivers
    warehouse = complete_warehouse(tmp_path / "wh.duckdb", drop_frame)
    config = load_alert_rules(rules_file(tmp_path, smtp_port))
    log = logging.getLogger("socialpulse.alerts.test")
    with caplog.at_level(logging.DEBUG):  # every logger, urllib3's request lines included
        channels = build_channels(config, log=log, environ=canary_env(webhook, slack))
        with duckdb.connect(str(warehouse)) as conn:
            result = evaluate_and_deliver(conn, config, channels, log=log)
    assert result.alerts_raised and result.delivery.failed == 3 * len(result.alerts_raised)
    assert_receivers_saw_the_canaries(webhook, slack, refusal)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        errors = conn.execute("select channel, last_error from alerts.deliveries where status = 'failed'").fetchall()
    assert {channel for channel, _ in errors} == {"slack", "webhook", "email"}
    assert all(error and ("HTTP 500" in error or "SMTPAuthenticationError" in error) for _, error in errors)
    assert any("***" in error for _, error in errors)  # the echoes were masked, not dropped
    # the receivers run in this process: their own logs (werkzeug, aiosmtpd's mail.log) are the far side's
    ours = [r for r in caplog.records if not r.name.startswith(RECEIVER_LOGGERS)]
    logged = "\n".join(record.getMessage() for record in ours)
    assert 'HTTP/1.1" 500' in logged  # urllib3's request lines were captured (their paths masked)
    assert [c for c in CANARIES if c in logged] == []
    assert [c for c in CANARIES if c in " ".join(result.delivery.errors)] == []
    assert leaks_in_database(warehouse) == []


def test_canaries_never_leave_the_receivers_through_the_cli(receivers, tmp_path, drop_frame) -> None:
    """`socialpulse alerts` then `socialpulse publish`, as a user runs them: stdout, stderr, warehouse, copy."""
    webhook, slack, smtp_port, refusal = receivers
    warehouse = complete_warehouse(tmp_path / "warehouse" / "socialpulse.duckdb", drop_frame)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        **canary_env(webhook, slack),
        "SOCIALPULSE_ALERT_RULES": str(rules_file(tmp_path, smtp_port)),
        "SOCIALPULSE_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
    }
    env.pop("SOCIALPULSE_PUBLISHED_WAREHOUSE", None)
    cli = str(Path(sys.executable).parent / "socialpulse")
    outputs = []
    for command in (["alerts"], ["publish", "--wait", "0"]):
        completed = subprocess.run([cli, *command], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0, completed.stderr[-3000:]
        outputs.append(completed.stdout + completed.stderr)
    assert "new alert(s)" in outputs[0] and "failed (will retry)" in outputs[0]
    assert_receivers_saw_the_canaries(webhook, slack, refusal)
    assert [c for c in CANARIES if c in "\n".join(outputs)] == []
    assert leaks_in_database(warehouse) == []
    published = warehouse.with_name("socialpulse_published.duckdb")
    assert published.exists()
    assert leaks_in_database(published) == []
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("select count(*) from alerts.deliveries where last_error is not null").fetchone() == (0,)
        assert conn.execute("select count(*) from alerts.deliveries where status = 'failed'").fetchone()[0] >= 3
