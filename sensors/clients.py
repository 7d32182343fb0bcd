"""Alerts per client brand: which clients' views a rule watches, where a client's alerts go, and the checks of
kpi_alerts.yaml against brands.yaml.

Routing: an alert in client X's view goes to its rule's `channels` plus X's `alert_channels` (brands.yaml), each
channel once, the rule's first. Pipeline alerts (run_failure, data_freshness) belong to no client: they go to
the channels of their section of kpi_alerts.yaml, as before.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from pipelines.config.models import BrandsConfig
from pipelines.config.validators import ConfigProblem, brand_reference_problems, raise_first
from sensors.rules import AlertConfig, load_alert_rules


def route(rule_channels: Iterable[str], client_channels: Iterable[str] = ()) -> tuple[str, ...]:
    """The channels of one alert: the rule's, then the client's, each once."""
    return tuple(dict.fromkeys([*rule_channels, *client_channels]))


def client_alert_channels(brands: BrandsConfig) -> dict[str, tuple[str, ...]]:
    """Client brand -> its `alert_channels` (empty when it has none: its alerts go to the rules' channels)."""
    return {client.name: tuple(client.alert_channels or ()) for client in brands.own_brands}


def rule_client_problems(config: AlertConfig, brands: BrandsConfig) -> list[ConfigProblem]:
    """kpi_alerts.yaml against brands.yaml: `brands: [names]` must name brands of brands.yaml, `clients:` client
    brands, and every brand a rule names must be in the competitive set of one of the clients it watches (or the
    rule could never fire)."""
    references = [
        (f"rules[{index}] ({rule.name}).brands[{position}]", brand)
        for index, rule in enumerate(config.rules)
        if isinstance(rule.brands, list)
        for position, brand in enumerate(rule.brands)
    ]
    problems = brand_reference_problems(references, brands)
    clients = [client.name for client in brands.own_brands]
    sets = {client: {b.name for b in members} for client, members in brands.competitive_sets().items()}
    for index, rule in enumerate(config.rules):
        key = f"rules[{index}] ({rule.name})"
        unknown = False
        for position, name in enumerate(rule.clients or []):
            if name in clients:
                continue
            unknown = True
            problems.append(_unknown_client(f"{key}.clients[{position}]", name, clients, brands))
        if unknown or not isinstance(rule.brands, list):
            continue
        watched = rule.clients or clients
        for position, brand in enumerate(rule.brands):
            if any(b.name == brand for b in brands.brands) and not any(brand in sets[c] for c in watched):
                problems.append(
                    ConfigProblem(
                        f"{key}.brands[{position}]",
                        "in the competitive set of none of the rule's clients (" + ", ".join(watched) + ")",
                        brand,
                        "add it to the competitors of one of these clients in brands.yaml, or add a client whose set "
                        "holds it to the rule's clients",
                    )
                )
    return problems


def _unknown_client(key: str, name: str, clients: list[str], brands: BrandsConfig) -> ConfigProblem:
    if any(b.name == name for b in brands.competitors):
        return ConfigProblem(
            key,
            "a competitor, not a client brand (own: true)",
            name,
            "clients: names the client brands whose views the rule watches ("
            + ", ".join(clients)
            + "); to watch this competitor use brands: ["
            + name
            + "]",
        )
    by_case = [c for c in clients if c.casefold() == name.casefold()]
    close = by_case or difflib.get_close_matches(name, clients, n=1)
    return ConfigProblem(
        key,
        "unknown client brand: no brand with own: true in brands.yaml has this name",
        name,
        (f"did you mean {close[0]!r}? " if close else "")
        + "use client brand names exactly as in brands.yaml: "
        + ", ".join(clients),
    )


def client_channel_problems(brands: BrandsConfig, config: AlertConfig) -> list[ConfigProblem]:
    """A client brand's `alert_channels` (brands.yaml) must name channels of kpi_alerts.yaml."""
    known = sorted(config.channels)
    problems = []
    for index, brand in enumerate(brands.brands):
        for position, channel in enumerate(brand.alert_channels or []):
            if channel not in known:
                close = difflib.get_close_matches(channel, known, n=1)
                problems.append(
                    ConfigProblem(
                        f"brands[{index}] ({brand.name}).alert_channels[{position}]",
                        "unknown channel: not defined under channels: in kpi_alerts.yaml",
                        channel,
                        (f"did you mean {close[0]!r}? " if close else "")
                        + "define it in kpi_alerts.yaml or use one of "
                        + ", ".join(known),
                    )
                )
    return problems


def load_alert_config(rules_file: str | Path, brands: BrandsConfig, *, brands_file: str | Path) -> AlertConfig:
    """kpi_alerts.yaml validated on its own and against brands.yaml, routing each client's alerts to its
    `alert_channels` too. Raises the first problem as a ConfigError naming the file it is in."""
    config = load_alert_rules(rules_file)
    raise_first(str(rules_file), rule_client_problems(config, brands))
    raise_first(str(brands_file), client_channel_problems(brands, config))
    return config.with_client_channels(client_alert_channels(brands))
