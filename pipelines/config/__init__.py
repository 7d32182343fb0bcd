"""Configuration files: loading and validation. Errors name the file, the key, the value and what is expected."""

from pipelines.config.loader import load_brands, load_goals, load_settings
from pipelines.config.models import (
    Account,
    Brand,
    BrandsConfig,
    Goal,
    GoalsConfig,
    Settings,
)

__all__ = [
    "Account",
    "Brand",
    "BrandsConfig",
    "Goal",
    "GoalsConfig",
    "Settings",
    "load_brands",
    "load_goals",
    "load_settings",
]
