"""The client helpers exist once: value readers in pipelines/platforms/values.py, field reports, credentials, the
clock and deferral in PlatformClient (base.py). Parsed from the source, so a copy added under another name in a
client or a market source fails here."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENT_MODULES = sorted(
    [p for p in (REPO / "pipelines" / "platforms").glob("*.py") if p.name not in ("values.py", "base.py")]
    + list((REPO / "pipelines" / "market").glob("*.py"))
)
# What each shared helper does, by the names its old copies had: none may be defined outside its one home.
FORBIDDEN_DEFINITIONS = {
    # counts and numbers -> values.to_count / to_number
    "_count",
    "_int",
    "_float",
    "_number",
    "to_count",
    "whole_count",
    "_int_or_none",
    # instants and days -> values.parse_time / parse_epoch_ms / parse_day / require_*
    "_parse_time",
    "_parse_timestamp",
    "_parse_date",
    "parse_time",
    "parse_graph_time",
    "_unix",
    "_from_ms",
    "_ms_value",
    "require_field",
    # field reports and credentials -> PlatformClient.note_fields / warn_missing / require_credential
    "note_fields",
    "_new_fields",
    "warn_missing",
    "require_credential",
    "_token_missing",
    # clocks -> PlatformClock
    "day_start_unix",
    "_one_year_before",
    "_midnight",
}
# Platform zones come from pipelines.contracts.platforms through the clock, never spelled in a client.
FORBIDDEN_STRINGS = ("America/Los_Angeles",)


def _definitions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def _module_aliases(path: Path) -> set[str]:
    """Module-level `name = other` assignments (a helper re-exported under another name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name | ast.Attribute)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


@pytest.mark.parametrize("path", CLIENT_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_client_or_market_module_defines_its_own_copy(path):
    copies = (_definitions(path) | _module_aliases(path)) & FORBIDDEN_DEFINITIONS
    assert not copies, f"{path.relative_to(REPO)} defines {sorted(copies)}: use the one in values.py / base.py"


@pytest.mark.parametrize("path", CLIENT_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_client_spells_a_platform_zone(path):
    code = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")
    )
    tree = ast.parse(code)
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    docstrings = {ast.get_docstring(n) for n in ast.walk(tree) if isinstance(n, ast.Module | ast.FunctionDef)}
    spelled = [z for z in FORBIDDEN_STRINGS if any(s == z for s in strings - docstrings)]
    assert not spelled, f"{path.relative_to(REPO)} spells {spelled}: read the zone from the platform clock"


def test_the_helpers_are_used_by_the_clients_and_market_sources():
    users = {
        p.name: p.read_text(encoding="utf-8")
        for p in CLIENT_MODULES
        if p.name not in ("__init__.py", "catalog.py", "metric_registry.py", "tables.py", "matching.py")
    }
    for name in ("facebook.py", "instagram.py", "linkedin.py", "tiktok.py", "x.py", "youtube.py", "meta_graph.py"):
        assert "from pipelines.platforms.values import" in users[name], name
    clocked = [n for n, text in users.items() if "self.clock" in text]
    assert {"facebook.py", "instagram.py", "linkedin.py", "tiktok.py", "x.py", "youtube.py"} <= set(clocked)
