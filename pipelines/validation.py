"""Every configuration file checked together, before any run starts.

Each file is validated when it loads (pipelines/config/loader.py, sensors/rules.py); this adds the checks
across files (a goal or an alert rule naming a brand brands.yaml does not have). The `socialpulse` CLI calls it
before it launches Dagster, so a mistake is one message instead of a traceback from a subprocess, and the entry
point calls it when the code location loads. Top layer: it reads the alert rules of `sensors/`.
"""

from __future__ import annotations

import difflib

from pipelines.config import load_brands, load_goals, load_settings
from pipelines.config.validators import ConfigProblem, goal_brand_problems, raise_first
from pipelines.settings import config_dir


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


def credential_problems(brands, *, production: bool) -> list[ConfigProblem]:
    """Token references of brands.yaml: a credential name the platform does not have; in production also a
    variable that is not set or a secret file that is not there (in simulator mode the simulator's tokens stand
    in for unset ones)."""
    from pipelines.credentials import token_reference_problems
    from pipelines.platforms.catalog import available_platforms, platform_spec

    credentials = {platform: tuple(platform_spec(platform).credentials) for platform in available_platforms()}
    return token_reference_problems(brands, credentials, config_dir=config_dir(), require_set=production)


def validate_configuration() -> None:
    """Read settings, brands, goals, editorial plan and alert rules and cross-check them; raises the first
    ConfigError."""
    from pipelines.editorial.plan import load_editorial_plan
    from pipelines.settings import mode
    from sensors.clients import load_alert_config
    from sensors.rules import default_rules_path

    settings = load_settings()
    raise_first(str(config_dir() / "settings.yaml"), import_setting_problems(settings))
    brands = load_brands()
    raise_first(str(config_dir() / "brands.yaml"), credential_problems(brands, production=mode() == "production"))
    goals = load_goals()
    raise_first(str(config_dir() / "goals.yaml"), goal_brand_problems(goals, brands))
    load_editorial_plan(brands)  # validated at load: errors name the file, line, column and value
    # kpi_alerts.yaml on its own and against brands.yaml (rule brands and clients, client alert channels)
    load_alert_config(default_rules_path(), brands, brands_file=config_dir() / "brands.yaml")
