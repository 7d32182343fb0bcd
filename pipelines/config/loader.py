"""Read a YAML configuration file and validate it, turning every problem into a ConfigError."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipelines.config.models import BrandsConfig, GoalsConfig, Settings
from pipelines.config.validators import brand_problems, goal_problems, raise_first, settings_problems
from pipelines.errors import ConfigError
from pipelines.settings import config_dir

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(path: Path, model: type[ModelT], *, required: bool = True) -> ModelT:
    """Parse `path` as YAML and validate it against `model`."""
    if not path.exists():
        if required:
            raise ConfigError(str(path), "(file)", "file not found", expected=f"a YAML file ({model.__name__})")
        return model()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown position)"
        raise ConfigError(
            str(path), where, f"invalid YAML: {getattr(exc, 'problem', exc)}", expected="valid YAML syntax"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            str(path),
            "(top level)",
            "must be a mapping",
            value=type(data).__name__,
            expected="key: value pairs",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        value = first.get("input") if first["type"] not in ("missing",) else None
        if isinstance(value, dict | list):
            value = None
        count = len(exc.errors())
        more = f" ({count - 1} more problem(s) in this file)" if count > 1 else ""
        raise ConfigError(
            str(path), key, first["msg"] + more, value=value, expected=_expected_hint(first["type"])
        ) from None


def _expected_hint(error_type: str) -> str:
    return {
        "missing": "this key to be present",
        "extra_forbidden": "no such key (check the spelling against the documented keys)",
        "date_from_datetime_parsing": "a date like 2026-01-31",
        "date_parsing": "a date like 2026-01-31",
        "int_parsing": "a whole number",
        "float_parsing": "a number",
        "bool_parsing": "true or false",
    }.get(error_type, "")


# The checks of one file that one field's validation cannot see (pipelines/config/validators.py).
_FILE_CHECKS = {
    "BrandsConfig": brand_problems,
    "GoalsConfig": goal_problems,
    "Settings": settings_problems,
}


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float, model_name: str) -> BaseModel:
    model = {"BrandsConfig": BrandsConfig, "GoalsConfig": GoalsConfig, "Settings": Settings}[model_name]
    loaded = load_yaml_model(Path(path), model, required=model_name == "BrandsConfig")
    raise_first(path, _FILE_CHECKS[model_name](loaded))  # type: ignore[operator]
    return loaded


def _load(name: str, model: type[ModelT], path: Path | None) -> ModelT:
    path = (path or config_dir() / name).resolve()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _cached(str(path), mtime, model.__name__)  # type: ignore[return-value]


def load_brands(path: Path | None = None) -> BrandsConfig:
    """brands.yaml: the own brand, competitors, their accounts and mention keywords."""
    return _load("brands.yaml", BrandsConfig, path)


def load_goals(path: Path | None = None) -> GoalsConfig:
    """goals.yaml: SMART goals (optional file)."""
    return _load("goals.yaml", GoalsConfig, path)


def load_settings(path: Path | None = None) -> Settings:
    """settings.yaml: partitions, lookbacks, API versions, HTTP behaviour, trends, feeds (optional file)."""
    return _load("settings.yaml", Settings, path)
