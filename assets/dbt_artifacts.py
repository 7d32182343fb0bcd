"""Pruning the artifacts dagster-dbt leaves per dbt invocation.

Each `dbt build` run by the dbt assets writes `dbt_project/target/<assets name>-<run id[:7]>-<hash[:7]>/`
(manifest, run results, logs, compiled SQL: about 12 MB), and nothing removes them: a year of nightly runs is
gigabytes. After each build the newest `KEEP_RUNS` folders stay (to debug a recent run); the project's own
`target/manifest.json` that Dagster reads, `partial_parse.msgpack` and every other file are never touched.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

logger = logging.getLogger("socialpulse.dbt")

KEEP_RUNS = 3
# dagster-dbt's unique target path: f"{assets name}-{run_id[:7]}-{uuid[:7]}"
RUN_FOLDER = re.compile(r"^[A-Za-z0-9_]+-[0-9a-f]{7}-[0-9a-f]{7}$")


def run_folders(target: Path) -> list[Path]:
    """The per-invocation folders under `target`, newest first."""
    if not target.is_dir():
        return []
    folders = [p for p in target.iterdir() if p.is_dir() and RUN_FOLDER.match(p.name)]
    return sorted(folders, key=lambda p: p.stat().st_mtime, reverse=True)


def prune_run_artifacts(target: Path, *, keep: int = KEEP_RUNS, current: Path | None = None) -> list[Path]:
    """Remove all but the newest `keep` invocation folders (never `current`); returns what was removed."""
    removed: list[Path] = []
    kept = 0
    for folder in run_folders(target):
        if current is not None and folder.resolve() == current.resolve():
            continue
        kept += 1
        if kept + (1 if current is not None else 0) <= keep:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        logger.info("removed %d old dbt run folder(s) from %s (kept the newest %d)", len(removed), target, keep)
    return removed
