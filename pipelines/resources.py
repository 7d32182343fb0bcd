"""Dagster resources: the warehouse and the platform API access. Tests swap them by passing others."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import duckdb
import requests
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from pipelines.config import load_brands, load_goals, load_settings
from pipelines.config.models import Account, BrandsConfig, GoalsConfig, Settings
from pipelines.credentials import Secrets, account_secrets, missing, source_label
from pipelines.errors import ConfigError, WarehouseError
from pipelines.http import Redactor
from pipelines.platforms.base import ClientContext, Credential, PlatformClient
from pipelines.settings import (
    ENV_ALERT_RULES,
    ENV_SIMULATOR_URL,
    config_dir,
    host_key,
    mode,
    published_warehouse_path,
    warehouse_path,
)

logger = logging.getLogger("socialpulse.resources")


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file. One writer at a time (the `duckdb_writer` pool); readers open read-only.

    DuckDB lets no other process open a file while one has it open, even read-only: a BI tool pointed at the
    writer's file blocks the nightly run. `connect` therefore waits (10 minutes by default, saying every 30 s who
    holds the file) instead of failing the night at the first conflict; BI tools belong on the published copy.
    """

    path: str
    lock_wait_seconds: float = 600.0

    @contextlib.contextmanager
    def connect(
        self, read_only: bool = False, wait_seconds: float | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits up to `wait_seconds` (default `lock_wait_seconds`) if another process
        holds the file. A sensor tick passes 0: it skips and comes back rather than blocking the daemon."""
        if not read_only:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        limit = self.lock_wait_seconds if wait_seconds is None else wait_seconds
        started = time.monotonic()
        next_report = started + LOCK_REPORT_SECONDS
        while True:
            try:
                conn = duckdb.connect(self.path, read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"cannot open the warehouse {self.path}: {exc}") from exc
                waited = time.monotonic() - started
                if waited >= limit:
                    raise WarehouseLockedError(self.path, str(exc), waited=waited) from exc
                if time.monotonic() >= next_report:
                    next_report += LOCK_REPORT_SECONDS
                    logger.warning(
                        "%s; waiting %.0f s of %.0f s",
                        WarehouseLockedError(self.path, str(exc)).holder_line(),
                        waited,
                        limit,
                    )
                time.sleep(0.5)
        try:
            conn.execute("set TimeZone = 'UTC'")  # dates cut from timestamps never depend on the machine
            yield conn
        finally:
            conn.close()


LOCK_REPORT_SECONDS = 30.0
_LOCK_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse file. The message names it and the published copy to read instead."""

    def __init__(self, path: str, detail: str, *, waited: float | None = None) -> None:
        self.path = path
        match = _LOCK_HOLDER.search(detail)
        self.holder_pid = int(match["pid"]) if match else None
        self.holder_program = match["program"] if match else None
        self.holder_command = _command_line(self.holder_pid) if self.holder_pid else None
        after = f" after waiting {waited:.0f} s" if waited else ""
        super().__init__(
            f"{self.holder_line()}{after}. Whatever writes the warehouse must wait for it; BI tools and ad-hoc "
            f"queries should open the published copy {published_warehouse_path(Path(path))} instead "
            f"(read-only; `socialpulse publish` refreshes it)."
        )

    def holder_line(self) -> str:
        who = "another process"
        if self.holder_pid:
            who = f"process {self.holder_pid} ({self.holder_command or self.holder_program})"
        return f"the warehouse {self.path} is locked: {who} has it open"


def _command_line(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    text = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    return text[:160] or None


class ReportsResource(ConfigurableResource):
    """The folder the weekly and monthly reports are written to (SOCIALPULSE_REPORTS_DIR, default `reports/`)."""

    output_dir: str

    @property
    def folder(self) -> Path:
        return Path(self.output_dir)


class ConfigurationResource(ConfigurableResource):
    """The one reader of the configuration folder (settings, brands and client brands, goals, alert rules): every
    asset, sensor and the dbt vars get their configuration from here, so a test pointing it at another folder gets
    the same values everywhere. `config_dir` default: SOCIALPULSE_CONFIG_DIR, else pipelines/config."""

    config_dir: str | None = None

    def folder(self) -> Path:
        return Path(self.config_dir).resolve() if self.config_dir else config_dir()

    def path(self, name: str) -> Path:
        return self.folder() / name

    def settings(self) -> Settings:
        return load_settings(self.path("settings.yaml"))

    def brands(self) -> BrandsConfig:
        return load_brands(self.path("brands.yaml"))

    def goals(self) -> GoalsConfig:
        return load_goals(self.path("goals.yaml"))

    def alert_rules_path(self) -> Path:
        """kpi_alerts.yaml (alert rules and channels, read by sensors/ through AlertingResource): the folder's, or
        SOCIALPULSE_ALERT_RULES when set (an explicit override for a rules file kept elsewhere)."""
        override = os.environ.get(ENV_ALERT_RULES)
        return Path(override).resolve() if override else self.path("kpi_alerts.yaml")


class PlatformApiResource(ConfigurableResource):
    """Access to the platforms' APIs: base URLs, the clock, and each account's tokens.

    Tokens never pass through this resource's configuration: `account_secrets` (pipelines/credentials.py) reads
    them from the environment or the mounted secret files named in brands.yaml when a client is built, in the run.
    `default_secrets` (variable name -> value) fill in unset variables: empty in production (a platform without a
    token is skipped with a log line); in simulator mode the entry point (pipelines/simulation.py) puts the
    simulator's tokens there and points the base URLs at it.
    """

    mode: str = "simulator"
    simulator_url: str | None = None
    # Host of a real API -> another base URL speaking the same API (a proxy, a recorded fake, a staging server),
    # keyed like {"GRAPH_FACEBOOK_COM": "http://127.0.0.1:8080/graph.facebook.com"}. Set by the entry point from
    # the environment variables SOCIALPULSE_BASE_URL_<HOST, dots and dashes as underscores>.
    base_url_overrides: dict[str, str] = {}
    # The configuration folder (None: SOCIALPULSE_CONFIG_DIR or pipelines/config), read through
    # ConfigurationResource like every other asset's; pipeline_resources hands the same folder to both.
    config_dir: str | None = None
    # The clock the clients read (ISO-8601 instant). Default: the real clock. Set for an as-of run, and by the
    # tests that run the pipeline night after night against the simulator's moving clock.
    now: str | None = None
    default_secrets: dict[str, str] = {}

    _sim_url: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._sim_url = self.simulator_url

    # --- configuration ---------------------------------------------------------------------------------

    @property
    def configuration(self) -> ConfigurationResource:
        return ConfigurationResource(config_dir=self.config_dir)

    def settings(self) -> Settings:
        return self.configuration.settings()

    def brands(self) -> BrandsConfig:
        return self.configuration.brands()

    # --- secrets ---------------------------------------------------------------------------------------

    def secrets_for(self, credentials: tuple[Credential, ...], account: Account | None = None) -> Secrets:
        """The secrets of `credentials` for one account (its own sources first, then the shared variables)."""
        return account_secrets(
            credentials, account, defaults=self.default_secrets, config_dir=self.configuration.folder()
        )

    def missing_credentials(self, credentials: tuple[Credential, ...], account: Account | None = None) -> list[str]:
        """What to set for the required credentials without a secret (sources named, never values)."""
        secrets = self.secrets_for(credentials, account)
        return [source_label(c, account) for c in missing(credentials, secrets)]

    # --- building clients ------------------------------------------------------------------------------

    def rewrite(self, url: str) -> str:
        """Where a real URL is served: an override for its host, else the simulator in simulator mode
        (`{sim}/{host}{path}`), else the real URL."""
        parts = urlsplit(url)
        override = self.base_url_overrides.get(host_key(parts.netloc))
        sim = self._sim_url or self.simulator_url or os.environ.get(ENV_SIMULATOR_URL)
        if override:
            base = override.rstrip("/")
        elif self.mode == "simulator" and sim:
            base = f"{sim.rstrip('/')}/{parts.netloc}"
        else:
            return url
        rewritten = f"{base}{parts.path}"
        return f"{rewritten}?{parts.query}" if parts.query else rewritten

    def client_context(
        self,
        api_bases: dict[str, str],
        credentials: tuple[Credential, ...],
        *,
        account: Account | None = None,
        log: logging.Logger | None = None,
        today: dt.date | None = None,
    ) -> ClientContext:
        """What a client needs, with the secrets of `account` (the shared ones without an account)."""
        settings = self.settings()
        now = self.clock()
        # "today" is the partition calendar's today (Asia/Jakarta by default), not the machine's UTC date.
        local_today = now.astimezone(ZoneInfo(settings.timezone)).date()
        return ClientContext(
            settings=settings,
            base_urls={key: self.rewrite(url) for key, url in api_bases.items()},
            credentials=self.secrets_for(credentials, account),
            redactor=Redactor(),
            today=today or local_today,
            now=now,
            log=log or logging.getLogger("socialpulse.platforms"),
        )

    def clock(self) -> dt.datetime:
        """The moment the APIs are read: `now` when set; in simulator mode the simulator's clock (the simulated
        world's now, which tests move night by night); else the real clock (UTC)."""
        if not self.now:
            return self._simulator_clock() or dt.datetime.now(dt.UTC)
        moment = dt.datetime.fromisoformat(self.now.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ConfigError(
                "PlatformApiResource",
                "now",
                "needs a time zone",
                value=self.now,
                expected="e.g. 2026-11-20T19:30:00+00:00",
            )
        return moment.astimezone(dt.UTC)

    def _simulator_clock(self) -> dt.datetime | None:
        if self.mode != "simulator":
            return None
        url = self._sim_url or self.simulator_url or os.environ.get(ENV_SIMULATOR_URL)
        if not url:
            return None
        try:
            answer = requests.get(f"{url.rstrip('/')}/_simulator/clock", timeout=5)
            answer.raise_for_status()
            return dt.datetime.fromisoformat(answer.json()["now"]).astimezone(dt.UTC)
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            logger.warning("the simulator at %s gave no clock (%s); the clients read the real clock", url, exc)
            return None

    def platform_client(
        self, platform: str, *, account: Account | None = None, log: logging.Logger | None = None
    ) -> PlatformClient:
        """A client of `platform` with the secrets of `account` (the shared ones without an account)."""
        from pipelines.platforms.catalog import client_class

        cls = client_class(platform)
        context = self.client_context(dict(cls.spec.api_bases), cls.spec.credentials, account=account, log=log)
        return cls(context)


def default_mode() -> str:
    return mode()


def default_warehouse_path() -> str:
    return str(warehouse_path())
