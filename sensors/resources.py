"""The alerting resource: where the rules live and how channels are built. Tests pass another one."""

from __future__ import annotations

import logging

from dagster import ConfigurableResource

from sensors.channels import Channel, build_channels
from sensors.rules import AlertConfig, default_rules_path, load_alert_rules


class AlertingResource(ConfigurableResource):
    """KPI alert rules and delivery channels (`kpi_alerts.yaml`; secrets from environment variables)."""

    rules_path: str | None = None  # default: $SOCIALPULSE_ALERT_RULES or <config dir>/kpi_alerts.yaml

    def load_config(self) -> AlertConfig:
        return load_alert_rules(self.rules_path or default_rules_path())

    def build_channels(self, config: AlertConfig, log: logging.Logger | None = None) -> dict[str, Channel]:
        return build_channels(config, log=log)
