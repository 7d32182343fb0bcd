"""The alerting resource: where the rules live and how channels are built. Tests pass another one."""

from __future__ import annotations

import logging
from pathlib import Path

from dagster import ConfigurableResource

from pipelines.resources import ConfigurationResource
from sensors.channels import Channel, build_channels
from sensors.clients import load_alert_config
from sensors.rules import AlertConfig, load_alert_rules


class AlertingResource(ConfigurableResource):
    """KPI alert rules and delivery channels (`kpi_alerts.yaml`; secrets from environment variables), checked
    against brands.yaml and routing each client's alerts to its `alert_channels` too.

    Both files come from the configuration folder every other asset reads (ConfigurationResource):
    `pipeline_resources` hands this resource the platform API's folder, so a run, the sensor and `socialpulse
    alerts` pointed at another folder all get its rules and channels."""

    # The configuration folder (None: SOCIALPULSE_CONFIG_DIR, else pipelines/config).
    config_dir: str | None = None
    # An explicit kpi_alerts.yaml (tests); default: the configuration's `alert_rules_path()`, which is
    # $SOCIALPULSE_ALERT_RULES when set, else <configuration folder>/kpi_alerts.yaml.
    rules_path: str | None = None

    @property
    def configuration(self) -> ConfigurationResource:
        return ConfigurationResource(config_dir=self.config_dir)

    def rules_file(self) -> Path:
        return Path(self.rules_path) if self.rules_path else self.configuration.alert_rules_path()

    def load_config(self) -> AlertConfig:
        configuration = self.configuration
        return load_alert_config(
            self.rules_file(), configuration.brands(), brands_file=configuration.path("brands.yaml")
        )

    def pipeline_config(self) -> AlertConfig:
        """kpi_alerts.yaml alone, without the clients of brands.yaml: enough for pipeline alerts (failed runs,
        stale data) and for delivering stored alerts, whose channels were routed when they were raised. So a
        broken brands.yaml cannot also silence the alert about the run it broke."""
        return load_alert_rules(self.rules_file())

    def build_channels(self, config: AlertConfig, log: logging.Logger | None = None) -> dict[str, Channel]:
        return build_channels(config, log=log)
