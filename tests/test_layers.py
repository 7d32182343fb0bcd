"""The layers of docs/architecture.md: a module imports only the layers below it (production code never imports
the simulator). Parsed from the source, so an import added anywhere (also inside a function) is seen."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# layer -> the layers it may import (besides itself). Order of docs/architecture.md, top to bottom.
BASE = {"pipelines.contracts", "pipelines.errors", "pipelines.settings", "pipelines.config", "pipelines.http"}
ALLOWED: dict[str, set[str]] = {
    "pipelines.definitions": {"*"},
    "pipelines.cli": {"*"},
    "pipelines.simulation": {"*"},  # simulator mode, decided at the entry point
    "pipelines.dbt_sources": {"pipelines.warehouse", *BASE},  # generates dbt's raw sources from the contracts
    "pipelines.validation": {"*"},  # every configuration file together, incl. the alert rules of sensors/
    "pipelines.run_supervisor": {"pipelines.runs", *BASE},  # the CLI's child process
    "sensors": {
        "assets",
        "pipelines.runs",
        "pipelines.resources",
        "pipelines.warehouse",
        "pipelines.warehouse_kinds",
        "pipelines.partitions",
        "pipelines.reports",
        *BASE,
    },
    "assets": {
        "pipelines.platforms",
        "pipelines.market",
        "pipelines.imports",
        "pipelines.resources",
        "pipelines.warehouse",
        "pipelines.warehouse_kinds",
        "pipelines.configuration_tables",
        "pipelines.partitions",
        "pipelines.editorial",
        "pipelines.analytics",
        "pipelines.reports",
        "pipelines.ingest_failures",
        *BASE,
    },
    "pipelines.resources": {"pipelines.platforms", "pipelines.credentials", "pipelines.warehouse_kinds", *BASE},
    "pipelines.credentials": {"pipelines.platforms", *BASE},
    "pipelines.ingest_failures": {"pipelines.warehouse_kinds", *BASE},  # retries a commit that raced (DuckLake)
    # report content and rendering: reads marts (and ops.ingest_failures, for the gaps) through its data layer only
    "pipelines.reports": {"pipelines.ingest_failures", *BASE},
    # web analytics sources (GA4) build on the market sources' base; utm.py is pure
    "pipelines.analytics": {"pipelines.platforms", "pipelines.market", *BASE},
    "pipelines.market": {"pipelines.platforms", *BASE},  # market sources are platform clients (PlatformClient)
    "pipelines.platforms": BASE,
    "pipelines.imports": {"pipelines.warehouse_kinds", *BASE},  # the ledger table's DDL per warehouse kind
    "pipelines.warehouse": {"pipelines.configuration_tables", "pipelines.warehouse_kinds", *BASE},
    "pipelines.warehouse_kinds": {"pipelines.settings", "pipelines.errors"},  # opens a DuckDB file or a DuckLake
    "pipelines.instance_storage": set(),  # Dagster instance storage (dagster.yaml): Dagster only
    "pipelines.configuration_tables": {"pipelines.contracts", "pipelines.errors"},
    "pipelines.partitions": {"pipelines.config", "pipelines.errors"},
    "pipelines.config": {"pipelines.contracts", "pipelines.errors", "pipelines.settings"},
    "pipelines.http": {"pipelines.config", "pipelines.errors"},
    "pipelines.settings": {"pipelines.contracts", "pipelines.errors"},
    "pipelines.runs": BASE,  # runs of the local Dagster instance (dead processes, pool slots)
    "pipelines.errors": set(),
    "pipelines.contracts": {"pipelines.errors"},
    # pure text analysis (lexicon + rules), read by dbt's Python models: the standard library and its data only
    "pipelines.sentiment": {"pipelines.errors"},
    # comment heuristics (questions, needs a reply), read by dbt's Python models: the sentiment scorer below it
    "pipelines.conversations": {"pipelines.sentiment", "pipelines.errors"},
    # the editorial plan: its validation (a configuration file) and the pure matching rules
    "pipelines.editorial": BASE,
    "pipelines.simulator": {"pipelines.config", "pipelines.contracts", "pipelines.errors"},
}

# Known exceptions, each to be removed by the issue named; the test also fails when one disappears, so the
# list only shrinks.
KNOWN_EXCEPTIONS = {
    ("pipelines.warehouse", "pipelines.market"),  # contract_tables() reads the market catalog's tables
    ("pipelines.imports", "pipelines.warehouse"),  # file imports conform rows with the loader's conform()
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("assets", "sensors"):
        return parts[0]
    return ".".join(parts[:2])


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in ("pipelines", "assets", "sensors")}


def layer_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for folder in ("pipelines", "assets", "sensors"):
        for path in sorted((REPO / folder).rglob("*.py")):
            module = ".".join(path.relative_to(REPO).with_suffix("").parts)
            for imported in imports_of(path):
                source, target = layer_of(module), layer_of(imported)
                if source != target:
                    edges.setdefault((source, target), []).append(str(path.relative_to(REPO)))
    return edges


def test_every_module_belongs_to_a_documented_layer():
    layers = {source for source, _ in layer_edges()} | {target for _, target in layer_edges()}
    assert layers <= set(ALLOWED), f"modules outside the documented layers: {sorted(layers - set(ALLOWED))}"


def test_imports_only_go_down():
    edges = layer_edges()
    violations = {
        edge: files
        for edge, files in edges.items()
        if "*" not in ALLOWED[edge[0]] and edge[1] not in ALLOWED[edge[0]] and edge not in KNOWN_EXCEPTIONS
    }
    assert not violations, "imports that go up a layer (docs/architecture.md): " + "; ".join(
        f"{source} -> {target} in {', '.join(files)}" for (source, target), files in sorted(violations.items())
    )


def test_known_exceptions_still_exist():
    """A fixed exception must leave the list, so it cannot come back unnoticed."""
    gone = KNOWN_EXCEPTIONS - set(layer_edges())
    assert not gone, f"no longer imported, remove from KNOWN_EXCEPTIONS: {sorted(gone)}"


def test_production_code_never_imports_the_simulator():
    importers = {
        source
        for source, target in layer_edges()
        if target == "pipelines.simulator" and source != "pipelines.simulator"
    }
    assert importers <= {"pipelines.cli", "pipelines.definitions", "pipelines.simulation"}, importers
