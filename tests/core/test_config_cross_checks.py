"""Configuration cross-checks: each case the hostile probe found is refused at load, before any run, with one
message naming the file, the key, the value and the fix; `socialpulse run` prints it without a traceback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import ConfigError
from pipelines.validation import validate_configuration

from .config_edits import edit, refused

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "pipelines" / "config"


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped configuration that a test edits; SOCIALPULSE_CONFIG_DIR points at it."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setenv("SOCIALPULSE_CONFIG_DIR", str(folder))
    monkeypatch.delenv("SOCIALPULSE_ALERT_RULES", raising=False)
    return folder


def test_the_shipped_configuration_passes_every_cross_check(config_dir: Path) -> None:
    validate_configuration()


def test_blank_brand_name(config_dir: Path) -> None:
    path = edit(config_dir, "brands.yaml", lambda d: d["brands"][2].update(name="   "))
    refused(str(path), "brands[2].name", "blank", "'   '")


def test_two_brands_differing_only_by_case(config_dir: Path) -> None:
    path = edit(config_dir, "brands.yaml", lambda d: d["brands"][3].update(name="java roast co"))
    refused(str(path), "brands[3] (java roast co).name", "brands[1] (Java Roast Co)", "differ only by case")


def test_the_same_account_id_under_two_brands(config_dir: Path) -> None:
    def steal(data):  # a competitor listed with the own brand's Instagram id
        data["brands"][1]["accounts"]["instagram"]["id"] = data["brands"][0]["accounts"]["instagram"]["id"]

    path = edit(config_dir, "brands.yaml", steal)
    refused(
        str(path),
        "brands[1] (Java Roast Co).accounts.instagram.id",
        "'17841400000000001'",
        "brands[0] (Kopi Nusantara)",
        "count for both brands",
    )


def test_a_ga4_property_on_a_competitor_or_under_two_clients(config_dir: Path) -> None:
    path = edit(config_dir, "brands.yaml", lambda d: d["brands"][1].update(ga4_property_id="412345678"))
    refused(str(path), "brands[1] (Java Roast Co).ga4_property_id", "'412345678'", "only a client brand")

    def second_client(data):  # Java Roast Co made a client that names Kopi Nusantara's website
        data["brands"][1].update(own=True, competitors=[], ga4_property_id=data["brands"][0]["ga4_property_id"])
        data["brands"][0]["competitors"] = [b["name"] for b in data["brands"][2:]]

    path = edit(config_dir, "brands.yaml", second_client)
    refused(str(path), "brands[1] (Java Roast Co).ga4_property_id", "brands[0] (Kopi Nusantara)", "both clients")


def test_an_editorial_plan_line_for_an_unknown_client(config_dir: Path) -> None:
    plan = config_dir / "editorial_plan.csv"
    plan.write_text("brand,platform,content_type,theme\nKopi Nusantra,instagram,reel,menu\n", encoding="utf-8")
    refused(str(plan), "line 2, column brand", "Kopi Nusantra", "not a client brand", "Kopi Nusantara")


@pytest.mark.parametrize(
    "platform, handle",
    [("x", 'kopi" OR "nusantara'), ("x", "kopi nusantara"), ("instagram", "kopi/../x"), ("tiktok", "a'b")],
)
def test_handles_are_validated_per_platform(config_dir: Path, platform: str, handle: str) -> None:
    path = edit(config_dir, "brands.yaml", lambda d: d["brands"][0]["accounts"][platform].update(handle=handle))
    message = refused(str(path), f"brands[0] (Kopi Nusantara).accounts.{platform}.handle", repr(handle))
    assert f"not a valid {platform} handle" in message


def test_an_account_id_that_would_break_an_api_path(config_dir: Path) -> None:
    path = edit(config_dir, "brands.yaml", lambda d: d["brands"][0]["accounts"]["facebook"].update(id="1045/../me"))
    refused(str(path), "accounts.facebook.id", "'1045/../me'", "no spaces, quotes or slashes")


def test_goal_for_an_unknown_brand(config_dir: Path) -> None:
    path = edit(config_dir, "goals.yaml", lambda d: d["goals"][0].update(brand="Kopi Nusantra"))
    refused(str(path), "goals[0] (ig-followers-2026).brand", "unknown brand", "'Kopi Nusantra'", "'Kopi Nusantara'")


def test_duplicate_goal_id(config_dir: Path) -> None:
    path = edit(config_dir, "goals.yaml", lambda d: d["goals"][2].update(id=d["goals"][0]["id"]))
    refused(str(path), "goals[2].id", "duplicate goal id (also goals[0])", "'ig-followers-2026'")


def test_alert_rule_naming_a_misspelt_brand(config_dir: Path) -> None:
    path = edit(config_dir, "kpi_alerts.yaml", lambda d: d["rules"][1].update(brands=["Kopi Nusantara", "Senja Cofee"]))
    refused(str(path), "rules[1] (engagements_drop).brands[1]", "'Senja Cofee'", "did you mean 'Senja Coffee'")


def test_alert_rule_brand_in_the_wrong_case(config_dir: Path) -> None:
    edit(config_dir, "kpi_alerts.yaml", lambda d: d["rules"][0].update(brands=["kopi nusantara"]))
    refused("rules[0] (engagement_rate_drop).brands[0]", "did you mean 'Kopi Nusantara'")


def test_partitions_start_date_in_the_future(config_dir: Path) -> None:
    future = dt.date.today() + dt.timedelta(days=40)
    path = edit(config_dir, "settings.yaml", lambda d: d.update(partitions_start_date=future.isoformat()))
    refused(str(path), "partitions_start_date", "in the future", future.isoformat())


def test_the_cli_refuses_before_launching_anything(config_dir: Path, tmp_path: Path) -> None:
    """One message on stderr, exit 2, no traceback, and Dagster never launched (no run in its home)."""
    edit(config_dir, "goals.yaml", lambda d: d["goals"][1].update(brand="Nobody"))
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "SOCIALPULSE_WAREHOUSE": str(tmp_path / "wh.duckdb")}
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "socialpulse"), "run", "--days", "2", "--end", "2026-11-20"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr + completed.stdout
    errors = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, completed.stderr
    assert "goals.yaml: goals[1] (sov-mentions-q4).brand: unknown brand" in errors[0]
    assert "'Nobody'" in errors[0] and "fix:" in errors[0]
    assert "asset materialize" not in completed.stdout
    assert not (tmp_path / "wh.duckdb").exists()
    assert not (home / "storage").exists()


def test_import_settings_name_export_kinds_formats_and_orders(config_dir: Path) -> None:
    path = edit(
        config_dir, "settings.yaml", lambda d: d.update(imports={"date_order": {"linkedin_contnet_daily": "DMY"}})
    )
    refused(str(path), "imports.date_order.linkedin_contnet_daily", "not an export kind", "linkedin_content_daily")
    edit(config_dir, "settings.yaml", lambda d: d.update(imports={"number_format": {"default": "1.234.5"}}))
    with pytest.raises(ConfigError, match=r"imports.number_format.*'1.234.5' for default is not one of"):
        validate_configuration()
    edit(config_dir, "settings.yaml", lambda d: d.update(imports={"date_order": {"default": "YMD"}}))
    with pytest.raises(ConfigError, match="date order 'YMD' for default is not MDY"):
        validate_configuration()
    edit(config_dir, "settings.yaml", lambda d: d.update(imports={"number_format": {"tiktok_posts": "1.234,5"}}))
    validate_configuration()
