"""Which API metric name is current for a canonical metric (from the platforms' changelogs).

The warehouse column keeps one meaning (`views`, `reach`...) while the platforms rename metrics; clients ask
this registry which API name to request on the day of the call.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REGISTRY_CSV = Path(__file__).with_name("metric_registry.csv")


@dataclass(frozen=True)
class RegisteredMetric:
    platform: str
    level: str
    api_metric: str
    canonical_metric: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    replacement: str

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@cache
def registry() -> tuple[RegisteredMetric, ...]:
    with REGISTRY_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            RegisteredMetric(
                platform=row["platform"],
                level=row["level"],
                api_metric=row["api_metric"],
                canonical_metric=row["canonical_metric"],
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
                replacement=row["replacement"],
            )
            for row in csv.DictReader(handle)
        )


def current_metrics(platform: str, level: str, on: dt.date | None = None) -> dict[str, str]:
    """API metric name -> canonical metric, for the metrics the platform answers on `on` (default today)."""
    on = on or dt.date.today()
    return {
        m.api_metric: m.canonical_metric
        for m in registry()
        if m.platform == platform and m.level == level and m.canonical_metric and m.is_valid_on(on)
    }


def api_metric_for(platform: str, level: str, canonical: str, on: dt.date | None = None) -> str | None:
    """The API metric to request for a canonical metric on `on`, or None if the platform has none."""
    names = [api for api, canon in current_metrics(platform, level, on).items() if canon == canonical]
    return names[0] if names else None
