"""dbt's unit tests test code, not data: `make test` runs every one of them (the dbt build of the sample data),
the nightly build leaves them out (assets/dbt.py passes --exclude resource_type:unit_test)."""

from __future__ import annotations

import json
from pathlib import Path

from assets.dbt import nightly_build_command

MANIFEST = Path(__file__).resolve().parents[2] / "dbt_project" / "target" / "manifest.json"


def unit_tests_of_the_project() -> set[str]:
    return set(json.loads(MANIFEST.read_text())["unit_tests"])


def test_make_test_runs_every_dbt_unit_test_and_each_passes(built_warehouse):
    results = json.loads((built_warehouse.parent / "target" / "run_results.json").read_text())["results"]
    unit_results = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    expected = unit_tests_of_the_project()
    assert len(expected) >= 10  # the project's unit tests (a rename must not make this test vacuous)
    assert set(unit_results) == expected
    assert set(unit_results.values()) == {"pass"}


def test_the_nightly_build_leaves_the_unit_tests_out():
    command = nightly_build_command({"min_date": "2026-11-01", "max_date": "2026-11-02"})
    assert command[0] == "build"
    assert command[command.index("--exclude") + 1] == "resource_type:unit_test"
