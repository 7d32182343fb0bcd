"""The imports sensor: notices CSV files dropped into the imports folder and asks for one import run.

The cursor is a small JSON object of the files seen in the folder ({name: {sha256, size, mtime_ns, run_key,
attempts}}), pruned to the files still there, so a file is hashed again only when it changes. The run key is the
sorted sha256s of the new files: the same content never starts two runs (Dagster drops a run request whose key it
has already seen), and the job's ledger refuses content it has loaded before under any name.

A file is done only when it has left the folder (moved to loaded/ or rejected/): a file still there after the
run requested for it has finished was not processed (the run crashed, the warehouse was locked, Dagster dropped
the request as a repeated key) and is requested again, up to `MAX_ATTEMPTS` runs in all.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from dagster import (
    DefaultSensorStatus,
    JobDefinition,
    RunRequest,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from assets.imports import LOADED_DIR, REJECTED_DIR, import_files_job, import_run_config
from pipelines.settings import imports_dir

# A file modified less than this many seconds ago may still be being copied; it waits for the next tick.
DEFAULT_SETTLE_SECONDS = 10.0
MAX_ATTEMPTS = 3
RUN_KEY_TAG = "dagster/run_key"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _csv_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")]


def pending_files(folder: Path) -> list[Path]:
    """The `.csv` files directly in the folder and in its client folders (`imports/<client slug>/`: an
    agency drops each client's exports in its own); never those in loaded/ and rejected/."""
    if not folder.is_dir():
        return []
    found = _csv_files(folder)
    for sub in folder.iterdir():
        if sub.is_dir() and sub.name not in (LOADED_DIR, REJECTED_DIR) and not sub.name.startswith("."):
            found += _csv_files(sub)
    return sorted(found)


def file_key(path: Path, folder: Path) -> str:
    """A file's name in the cursor and the run config: its path under the imports folder."""
    return path.relative_to(folder).as_posix()


def parse_cursor(cursor: str | None) -> dict[str, dict[str, Any]]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except json.JSONDecodeError:
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def evaluate_imports(
    folder: Path, cursor: str | None, *, now: float | None = None, settle_seconds: float = DEFAULT_SETTLE_SECONDS
) -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]], list[str]]:
    """(new files as (name, sha256), the next cursor's files, files still being written). Pure except for
    reading the folder, so it is tested without Dagster."""
    now = time.time() if now is None else now
    seen = parse_cursor(cursor)
    new: list[tuple[str, str]] = []
    settling: list[str] = []
    files: dict[str, dict[str, Any]] = {}
    for path in pending_files(folder):
        name = file_key(path, folder)
        stat = path.stat()
        previous = seen.get(name)
        if previous and "attempts" not in previous:
            previous = None  # a cursor from before attempts were counted: ask again (the ledger refuses repeats)
        if previous and previous.get("size") == stat.st_size and previous.get("mtime_ns") == stat.st_mtime_ns:
            files[name] = previous
            continue
        if now - stat.st_mtime < settle_seconds:
            settling.append(name)
            continue
        sha = _sha256(path)
        files[name] = {"sha256": sha, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        given_up = previous is not None and previous.get("run_key") is None
        if not previous or previous.get("sha256") != sha or given_up:  # dropped again after giving up: retry
            new.append((name, sha))
        else:
            files[name] = {**previous, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return new, files, settling


def unprocessed(files: dict[str, dict[str, Any]], finished_run_keys: set[str]) -> tuple[list[str], list[str]]:
    """(files to request again, files given up on): those still in the folder although the run requested for
    them has finished. Pure, so it is tested without Dagster."""
    again, given_up = [], []
    for name, entry in sorted(files.items()):
        if entry.get("run_key") not in finished_run_keys:
            continue
        (again if entry.get("attempts", 1) < MAX_ATTEMPTS else given_up).append(name)
    return again, given_up


def _finished_run_keys(context: SensorEvaluationContext, keys: set[str]) -> set[str]:
    finished = set()
    for key in keys:
        runs = context.instance.get_runs(filters=RunsFilter(tags={RUN_KEY_TAG: key}), limit=1)
        if runs and runs[0].is_finished:
            finished.add(key)
    return finished


def build_import_files_sensor(
    job: JobDefinition = import_files_job,
    *,
    folder: str | Path | None = None,
    name: str = "import_files_sensor",
    minimum_interval_seconds: int = 30,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    default_status: DefaultSensorStatus = DefaultSensorStatus.RUNNING,
) -> SensorDefinition:
    """A sensor on `folder` (default: the imports folder of the settings, read at each tick)."""

    @sensor(
        name=name,
        job=job,
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=default_status,
        description="Starts import_files_job for CSV exports dropped into the imports folder "
        "(ignores its loaded/ and rejected/ sub-folders).",
    )
    def _import_files_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
        root = Path(folder).resolve() if folder is not None else imports_dir()
        new, files, settling = evaluate_imports(root, context.cursor, settle_seconds=settle_seconds)
        new_names = {name for name, _ in new}
        waiting = {name: entry for name, entry in files.items() if name not in new_names}
        keys = {entry["run_key"] for entry in waiting.values() if entry.get("run_key")}
        again, given_up = unprocessed(waiting, _finished_run_keys(context, keys) if keys else set())
        requests: list[RunRequest] = []
        if new:
            run_key = ",".join(sorted(sha for _, sha in new))
            requests.append(_request([name for name, _ in new], run_key, root))
            for name, _ in new:
                files[name] = {**files[name], "run_key": run_key, "attempts": 1}
        if again:
            attempt = max(files[name].get("attempts", 1) for name in again) + 1
            run_key = ",".join(sorted(files[name]["sha256"] for name in again)) + f"@{attempt}"
            requests.append(_request(again, run_key, root))
            for name in again:
                files[name] = {**files[name], "run_key": run_key, "attempts": attempt}
            context.log.warning(
                f"requesting again {len(again)} file(s) still in {root} after their run ended: {', '.join(again)}"
            )
        for name in given_up:
            files[name] = {**files[name], "run_key": None}  # not requested again until its content changes
            context.log.error(
                f"{name} was not processed by {MAX_ATTEMPTS} import runs and stays in {root}; see those runs' "
                "logs, then drop the file again (or change it) to retry"
            )
        cursor = json.dumps({"files": files}, sort_keys=True)
        if not requests:
            stuck = [name for name, entry in files.items() if entry.get("run_key") is None and "attempts" in entry]
            if settling:
                reason = f"waiting for {', '.join(settling)} to finish writing"
            elif given_up or stuck:
                reason = f"{', '.join(given_up or stuck)} not processed after {MAX_ATTEMPTS} runs; drop again to retry"
            elif files:
                reason = f"no new files in {root} ({len(files)} already requested, waiting for their run)"
            else:
                reason = f"no new .csv files in {root}"
            return SensorResult(skip_reason=SkipReason(reason), cursor=cursor)
        for request in requests:
            names = request.run_config["ops"]["import_files"]["config"]["files"]
            context.log.info(f"requesting an import of {len(names)} file(s): {', '.join(names)}")
        return SensorResult(run_requests=requests, cursor=cursor)

    return _import_files_sensor


def _request(names: list[str], run_key: str, root: Path) -> RunRequest:
    return RunRequest(
        run_key=run_key,
        run_config=import_run_config(names, str(root)),
        tags={"socialpulse/import_files": str(len(names))},
    )


import_files_sensor = build_import_files_sensor()
