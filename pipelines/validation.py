"""Every configuration file checked together, before any run starts.

Each file is validated when it loads (pipelines/config/loader.py, sensors/rules.py); this adds the checks
across files (a goal or an alert rule naming a brand brands.yaml does not have). The `socialpulse` CLI calls it
before it launches Dagster, so a mistake is one message instead of a traceback from a subprocess, and the entry
point calls it when the code location loads. Top layer: it reads the alert rules of `sensors/`.
"""

from __future__ import annotations

import difflib

from pipelines.config import load_brands, load_goals, load_settings
from pipelines.config.validators import ConfigProblem, brand_reference_problems, goal_brand_problems, raise_first
from pipelines.settings import config_dir


def alert_rule_brand_references(config) -> list[tuple[str, str]]:
    """(key, brand name) of every brand an alert rule names explicitly (`brands: [..]`)."""
    references: list[tuple[str, str]] = []
    for index, rule in enumerate(config.rules):
        if isinstance(rule.brands, list):
            for position, brand in enumerate(rule.brands):
                references.append((f"rules[{index}] ({rule.name}).brands[{position}]", brand))
    return references


def import_setting_problems(settings) -> list[ConfigProblem]:
    """settings.yaml `imports:` keys must name export kinds (pipelines/imports/README.md) or `default`."""
    from pipelines.imports import SPECS_BY_KIND

    kinds = sorted(SPECS_BY_KIND)
    problems = []
    for section in ("number_format", "date_order"):
        for kind in getattr(settings.imports, section):
            if kind != "default" and kind not in kinds:
                close = difflib.get_close_matches(kind, kinds, n=1)
                problems.append(
                    ConfigProblem(
                        f"imports.{section}.{kind}",
                        "not an export kind",
                        kind,
                        (f"did you mean {close[0]!r}? " if close else "") + "use default or one of " + ", ".join(kinds),
                    )
                )
    return problems


def validate_configuration() -> None:
    """Read settings, brands, goals, editorial plan and alert rules, cross-check them; raise the first ConfigError."""
    from pipelines.editorial.plan import load_editorial_plan
    from sensors.rules import default_rules_path, load_alert_rules

    settings = load_settings()
    raise_first(str(config_dir() / "settings.yaml"), import_setting_problems(settings))
    brands = load_brands()
    goals = load_goals()
    raise_first(str(config_dir() / "goals.yaml"), goal_brand_problems(goals, brands))
    load_editorial_plan(brands)  # validated at load: errors name the file, line, column and value
    rules_path = default_rules_path()
    rules = load_alert_rules(rules_path)
    raise_first(str(rules_path), brand_reference_problems(alert_rule_brand_references(rules), brands))
