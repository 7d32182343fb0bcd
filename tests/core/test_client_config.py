"""Several client brands (an agency's workspace, examples/agency): the new shape of brands.yaml and goals.yaml is
cross-checked before any run, each refusal one line naming the file, the key, the value and the fix; a
single-brand configuration keeps working unchanged (the shipped one, tests/core/test_config_cross_checks.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.config import load_brands
from pipelines.validation import validate_configuration

from .config_edits import edit, refused

REPO = Path(__file__).resolve().parents[2]
AGENCY = REPO / "examples" / "agency"
KOPI, TEH, ROTI, JAVA, KENANGAN, CHATIME, HOLLAND = range(7)  # brands.yaml's order


@pytest.fixture
def agency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "agency"
    shutil.copytree(AGENCY, folder)
    monkeypatch.setenv("SOCIALPULSE_CONFIG_DIR", str(folder))
    monkeypatch.delenv("SOCIALPULSE_ALERT_RULES", raising=False)
    monkeypatch.setenv("SOCIALPULSE_MODE", "simulator")
    return folder


def test_the_agency_example_is_valid_with_three_clients_and_their_sets(agency: Path) -> None:
    validate_configuration()
    brands = load_brands()
    assert [b.name for b in brands.own_brands] == ["Kopi Nusantara", "Teh Tarik Co", "Roti Senja Bakery"]
    sets = {client: [b.name for b in members] for client, members in brands.competitive_sets().items()}
    assert sets == {
        "Kopi Nusantara": ["Kopi Nusantara", "Java Roast Co", "Kenangan Brew"],
        "Teh Tarik Co": ["Teh Tarik Co", "Kenangan Brew", "Chatime Lokal"],
        "Roti Senja Bakery": ["Roti Senja Bakery", "Holland Roti"],
    }
    with pytest.raises(ValueError, match="3 client brands"):
        brands.own_brand  # noqa: B018 - code that assumes one client is told to iterate


def test_two_clients_with_the_same_account_id(agency: Path) -> None:
    def share(data):
        data["brands"][TEH]["accounts"]["facebook"]["id"] = data["brands"][KOPI]["accounts"]["facebook"]["id"]

    path = edit(agency, "brands.yaml", share)
    refused(str(path), "brands[1] (Teh Tarik Co).accounts.facebook.id", "'104550001'", "brands[0] (Kopi Nusantara)")


def test_a_competitor_listed_under_no_client(agency: Path) -> None:
    path = edit(agency, "brands.yaml", lambda d: d["brands"][ROTI].update(competitors=[]))
    refused(str(path), "brands[6] (Holland Roti)", "listed under no client", "add it to the competitors")


def test_a_client_without_a_competitive_set(agency: Path) -> None:
    path = edit(agency, "brands.yaml", lambda d: d["brands"][TEH].pop("competitors"))
    refused(str(path), "brands[1] (Teh Tarik Co).competitors", "missing", "3 client brands", "competitors: []")


def test_a_misspelt_competitor(agency: Path) -> None:
    path = edit(
        agency, "brands.yaml", lambda d: d["brands"][KOPI].update(competitors=["Java Roast Co", "Kenangan Bru"])
    )
    refused(str(path), "brands[0] (Kopi Nusantara).competitors[1]", "'Kenangan Bru'", "did you mean 'Kenangan Brew'")


def test_a_client_listed_as_another_clients_competitor(agency: Path) -> None:
    path = edit(agency, "brands.yaml", lambda d: d["brands"][KOPI]["competitors"].append("Teh Tarik Co"))
    refused(str(path), "brands[0] (Kopi Nusantara).competitors[2]", "is a client brand")


def test_a_competitive_set_on_a_competitor(agency: Path) -> None:
    path = edit(agency, "brands.yaml", lambda d: d["brands"][JAVA].update(competitors=["Kenangan Brew"]))
    refused(str(path), "brands[3] (Java Roast Co).competitors", "only a client brand")


def test_an_unset_token_reference_is_refused_in_production(agency: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALPULSE_MODE", "production")
    tokens = {
        "KOPI_FACEBOOK_PAGE_TOKEN": "canary-fb-kopi-6d1f",
        "KOPI_INSTAGRAM_TOKEN": "canary-ig-kopi-0b2a",
    }
    for name, value in tokens.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KOPI_LINKEDIN_TOKEN", raising=False)
    message = refused(
        str(agency / "brands.yaml"),
        "brands[0] (Kopi Nusantara).accounts.linkedin.tokens.access_token",
        "KOPI_LINKEDIN_TOKEN is not set",
        "set the environment variable KOPI_LINKEDIN_TOKEN",
    )
    assert not any(value in message for value in tokens.values())


def test_unset_token_references_use_the_simulators_tokens_in_simulator_mode(agency: Path) -> None:
    validate_configuration()  # SOCIALPULSE_MODE=simulator: unset per-account variables are not an error


def test_a_token_reference_to_a_secret_file_that_is_not_mounted(agency: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALPULSE_MODE", "production")
    for name in ("KOPI_FACEBOOK_PAGE_TOKEN", "KOPI_INSTAGRAM_TOKEN"):
        monkeypatch.setenv(name, "x")

    def to_file(data):
        data["brands"][KOPI]["accounts"]["facebook"]["tokens"] = {"access_token": {"file": "/run/secrets/nothing"}}

    edit(agency, "brands.yaml", to_file)
    refused("brands[0] (Kopi Nusantara).accounts.facebook.tokens.access_token", "/run/secrets/nothing", "mount")


def test_a_token_reference_to_a_credential_the_platform_has_not(agency: Path) -> None:
    def wrong(data):
        data["brands"][KOPI]["accounts"]["x"]["tokens"] = {"acces_token": "KOPI_X_TOKEN"}

    edit(agency, "brands.yaml", wrong)
    refused("brands[0] (Kopi Nusantara).accounts.x.tokens.acces_token", "x has no credential 'acces_token'")


def test_a_goal_without_its_client(agency: Path) -> None:
    path = edit(agency, "goals.yaml", lambda d: d["goals"][0].pop("brand"))
    refused(str(path), "goals[0] (kopi-sov-q4).client", "names none", "Kopi Nusantara, Teh Tarik Co")


def test_a_goal_on_a_competitor_outside_its_clients_set(agency: Path) -> None:
    def outside(data):
        data["goals"][0].update(brand="Holland Roti", client="Kopi Nusantara")

    path = edit(agency, "goals.yaml", outside)
    refused(str(path), "goals[0] (kopi-sov-q4).brand", "not in the competitive set of Kopi Nusantara")


def test_a_client_alert_channel_that_is_not_defined(agency: Path) -> None:
    path = edit(agency, "brands.yaml", lambda d: d["brands"][KOPI].update(alert_channels=["kopi_slak"]))
    refused(str(path), "brands[0] (Kopi Nusantara).alert_channels[0]", "did you mean 'kopi_slack'")


def test_a_fourth_client_needs_only_configuration(agency: Path) -> None:
    def add(data):
        data["brands"].append(
            {
                "name": "Bakso Pak Min",
                "own": True,
                "competitors": ["Holland Roti"],
                "keywords": ["Bakso Pak Min"],
                "accounts": {"instagram": {"id": "17841400000000301", "handle": "baksopakmin"}},
            }
        )

    edit(agency, "brands.yaml", add)
    validate_configuration()
    assert load_brands().competitive_sets()["Bakso Pak Min"][1].name == "Holland Roti"
