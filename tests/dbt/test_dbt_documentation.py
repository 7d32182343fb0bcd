"""Every column of every mart the build creates is documented in its .yml (a description a reader can use)."""

import json

import pytest

pytestmark = pytest.mark.slow


def test_every_mart_column_has_a_description(built_warehouse, query):
    manifest = json.loads((built_warehouse.parent / "target" / "manifest.json").read_text())
    documented = {
        node["name"]: {
            name.lower() for name, column in node["columns"].items() if column.get("description", "").strip()
        }
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].endswith("marts")
    }
    built: dict[str, set[str]] = {}
    for row in query("select table_name, column_name from information_schema.columns where table_schema = 'marts'"):
        built.setdefault(row["table_name"], set()).add(row["column_name"].lower())
    assert built, "the build created no marts"
    undocumented = {
        table: sorted(columns - documented.get(table, set()))
        for table, columns in built.items()
        if columns - documented.get(table, set())
    }
    assert undocumented == {}
