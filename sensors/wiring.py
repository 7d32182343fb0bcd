"""Collects the sensors, their jobs, checks and resources for the entry point (pipelines/definitions.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SensorDefinitions:
    sensors: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    asset_checks: list[Any] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)


def build_sensor_definitions() -> SensorDefinitions:
    defs = SensorDefinitions()
    return defs
