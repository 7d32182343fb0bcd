"""Old dbt run folders are pruned; the manifest Dagster reads and everything else in target/ stay."""

from __future__ import annotations

import os
from pathlib import Path

from assets.dbt_artifacts import prune_run_artifacts, run_folders


def make_target(tmp_path: Path, runs: int) -> Path:
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text("{}")
    (target / "partial_parse.msgpack").write_bytes(b"x")
    (target / "compiled").mkdir()
    for index in range(runs):
        folder = target / f"socialpulse_dbt-{index:07x}-abcdef{index % 10}"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        (folder / "dbt.log").write_text("log " * 100)
        os.utime(folder, (1_700_000_000 + index * 60, 1_700_000_000 + index * 60))
    return target


def test_keeps_the_newest_runs_and_the_project_manifest(tmp_path: Path) -> None:
    target = make_target(tmp_path, 6)
    current = target / "socialpulse_dbt-0000005-abcdef5"
    removed = prune_run_artifacts(target, keep=3, current=current)
    assert sorted(p.name for p in removed) == [f"socialpulse_dbt-{i:07x}-abcdef{i}" for i in range(3)]
    assert [p.name for p in run_folders(target)] == [f"socialpulse_dbt-{i:07x}-abcdef{i}" for i in (5, 4, 3)]
    assert (target / "manifest.json").exists() and (target / "partial_parse.msgpack").exists()
    assert (target / "compiled").is_dir()
    assert prune_run_artifacts(target, keep=3, current=current) == []  # nothing more to do


def test_the_current_run_is_kept_even_if_it_looks_older(tmp_path: Path) -> None:
    target = make_target(tmp_path, 4)
    current = target / "socialpulse_dbt-0000000-abcdef0"  # oldest mtime
    prune_run_artifacts(target, keep=2, current=current)
    assert sorted(p.name for p in run_folders(target)) == [
        "socialpulse_dbt-0000000-abcdef0",
        "socialpulse_dbt-0000003-abcdef3",
    ]
