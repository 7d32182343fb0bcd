"""Simulator mode, decided at the entry point (pipelines/definitions.py, the CLI and tests), never below it.

In simulator mode the platform API resource gets the simulator's tokens as the defaults of every credential
variable (so an unset variable still works against the simulator, and one set to a token - a canary, an
agency's per-account token - is sent as it is), and runs started without a simulator URL (a UI run, `dagster asset
materialize` without the CLI) start an embedded simulator for the run. Production code knows none of this: it
reads `default_secrets` and `simulator_url` like any other configuration.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from dagster import InitResourceContext
from pydantic import PrivateAttr

from pipelines.platforms.base import Credential
from pipelines.resources import PlatformApiResource
from pipelines.simulator import Simulator

logger = logging.getLogger("socialpulse.simulation")


def all_credentials() -> list[Credential]:
    """Every credential of the platforms, market and web analytics sources, once per variable."""
    from pipelines.analytics.catalog import ANALYTICS_SOURCES
    from pipelines.market.catalog import MARKET_SOURCES
    from pipelines.platforms.catalog import available_platforms, platform_spec

    found: dict[str, Credential] = {}
    for platform in available_platforms():
        for credential in platform_spec(platform).credentials:
            found.setdefault(credential.env_var, credential)
    for source in (*MARKET_SOURCES, *ANALYTICS_SOURCES):
        for credential in source.credentials:
            found.setdefault(credential.env_var, credential)
    return list(found.values())


def simulator_default_secrets(credentials: Iterable[Credential] | None = None) -> dict[str, str]:
    """Variable name -> the simulator's token for it."""
    return {
        c.env_var: Simulator.DEFAULT_TOKENS[c.simulator_key]
        for c in (all_credentials() if credentials is None else credentials)
    }


class SimulatedPlatformApiResource(PlatformApiResource):
    """The platform API resource of simulator mode: with no simulator URL it starts one for the run."""

    simulator_seed: int = 7

    _simulator: Simulator | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        super().setup_for_execution(context)
        if not self._sim_url:
            self._simulator = Simulator(seed=self.simulator_seed, brands=self.brands(), settings=self.settings())
            self._simulator.start()
            self._sim_url = self._simulator.url
            logger.info("started the embedded platform simulator at %s", self._sim_url)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._simulator is not None:
            self._simulator.stop()
            self._simulator = None


def simulated_platform_api(**fields) -> SimulatedPlatformApiResource:
    """The platform API resource against the simulator: its tokens as defaults (fields as PlatformApiResource)."""
    fields.setdefault("mode", "simulator")
    fields.setdefault("default_secrets", simulator_default_secrets())
    return SimulatedPlatformApiResource(**fields)
