"""Configuration files: the shipped ones are valid; a bad one names file, key, value and expectation."""

from pathlib import Path

import pytest

from pipelines.config import load_brands, load_goals, load_settings
from pipelines.config.loader import load_yaml_model
from pipelines.config.models import BrandsConfig, GoalsConfig, Settings
from pipelines.errors import ConfigError


def test_shipped_configuration_is_valid():
    brands = load_brands()
    assert brands.own_brand.own and len(brands.competitors) >= 4
    assert load_settings().timezone == "Asia/Jakarta"
    assert load_goals().goals


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_unknown_platform_names_file_key_and_choices(tmp_path):
    path = write(tmp_path, "brands:\n  - name: A\n    own: true\n    accounts:\n      myspace: {id: '1', handle: a}\n")
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, BrandsConfig)
    message = str(info.value)
    assert str(path) in message and "brands.0.accounts" in message and "myspace" in message
    assert "facebook" in message


def test_several_own_brands_are_client_brands(tmp_path):
    path = write(tmp_path, "brands:\n  - {name: A, own: true}\n  - {name: B, own: true}\n")
    brands = load_yaml_model(path, BrandsConfig)
    assert [b.name for b in brands.own_brands] == ["A", "B"] and brands.is_multi_client


def test_no_own_brand_is_rejected(tmp_path):
    path = write(tmp_path, "brands:\n  - {name: A}\n")
    with pytest.raises(ConfigError, match="no brand has own: true"):
        load_yaml_model(path, BrandsConfig)


def test_misspelled_key_is_reported(tmp_path):
    path = write(tmp_path, "brands:\n  - {name: A, own: true, keywrods: [a]}\n")
    with pytest.raises(ConfigError, match=r"brands\.0\.keywrods.*no such key"):
        load_yaml_model(path, BrandsConfig)


def test_invalid_yaml_gives_line_and_column(tmp_path):
    path = write(tmp_path, "brands:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+: invalid YAML"):
        load_yaml_model(path, BrandsConfig)


def test_goal_deadline_before_start_and_unknown_metric(tmp_path):
    path = write(
        tmp_path, "goals:\n  - {id: g1, metric: followers, target: 5, start: 2026-05-01, deadline: 2026-01-01}\n"
    )
    with pytest.raises(ConfigError, match="deadline 2026-01-01 must be after start 2026-05-01"):
        load_yaml_model(path, GoalsConfig)
    path = write(tmp_path, "goals:\n  - {id: g1, metric: likes, target: 5, start: 2026-01-01, deadline: 2026-05-01}\n")
    with pytest.raises(ConfigError, match="unknown metric 'likes'"):
        load_yaml_model(path, GoalsConfig)


def test_settings_reject_unknown_timezone_and_bad_country(tmp_path):
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        load_yaml_model(write(tmp_path, "timezone: Mars/Olympus\n"), Settings)
    with pytest.raises(ConfigError, match="ISO 3166"):
        load_yaml_model(write(tmp_path, "trend_countries: [IDN]\n"), Settings)


def test_missing_brands_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_brands(tmp_path / "nope.yaml")
