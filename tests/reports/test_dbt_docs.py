"""`make docs` generates the dbt docs in their own target path: the manifest Dagster reads stays as it was."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_make_docs_generates_beside_the_manifest_dagster_reads(built_pipeline):
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    generate = next(line.strip() for line in recipe.splitlines() if "docs generate" in line)
    assert "--target-path $(DOCS_TARGET)" in generate and "docs serve" in recipe
    manifest = REPO / "dbt_project" / "target" / "manifest.json"
    before = (manifest.stat().st_mtime_ns, manifest.read_bytes())
    command = generate.replace("$(BIN)", str(Path(sys.executable).parent)).replace("$(DOCS_TARGET)", "target_docs")
    env = {**os.environ, "SOCIALPULSE_WAREHOUSE": str(built_pipeline.warehouse)}
    completed = subprocess.run(command, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    docs = REPO / "dbt_project" / "target_docs"
    assert (docs / "index.html").exists() and "fct_account_daily" in (docs / "catalog.json").read_text()
    assert (manifest.stat().st_mtime_ns, manifest.read_bytes()) == before
