"""File imports: the job that loads CSV exports dropped into the imports folder into the raw tables.

Each file is one transaction: its rows replace the partitions it covers (`_source = 'file:<name>'`, so API
rows and other files are untouched) and its ledger row in `raw.socialpulse__imported_files` is written in the
same transaction. A file whose content (sha256) is in the ledger is never loaded again, whatever its name.
Loaded files (and such duplicates) move to `<imports>/loaded/`; files that cannot be read move to
`<imports>/rejected/` with `<name>.error.txt` (for a person) and `<name>.error.json` (for tools) beside them.
"""

import datetime as dt
import hashlib
import json
import logging
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetKey,
    AssetObservation,
    Config,
    Failure,
    MetadataValue,
    OpExecutionContext,
    Out,
    Output,
    job,
    op,
)
from pydantic import Field as ConfigField

from assets.ingest import WRITER_POOL
from pipelines.config.models import BrandsConfig, Settings
from pipelines.errors import InputDataError, WarehouseError
from pipelines.imports import ExportParseError, ReadingRules, parse_export_bytes
from pipelines.imports.ledger import LedgerEntry, ensure_ledger, find_loaded, record_load
from pipelines.resources import ConfigurationResource, WarehouseResource
from pipelines.settings import imports_dir
from pipelines.warehouse import load_partitions

logger = logging.getLogger("socialpulse.imports")

LOADED_DIR = "loaded"
REJECTED_DIR = "rejected"


class ImportFilesConfig(Config):
    """The files of one run, as the sensor found them."""

    files: list[str] = ConfigField(description="CSV files to import: names inside the imports folder, or paths")
    imports_dir: str | None = ConfigField(
        default=None, description="The imports folder (default: SOCIALPULSE_IMPORTS_DIR or imports/)"
    )


@dataclass
class FileOutcome:
    """What happened to one file: loaded, duplicate (same content loaded before), rejected, missing, failed."""

    file_name: str
    status: str
    sha256: str | None = None
    export_kind: str | None = None
    platform: str | None = None
    table_name: str | None = None
    rows: int = 0
    date_from: str | None = None
    date_to: str | None = None
    moved_to: str | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileAccounts:
    """Whose file it is: platform -> account id filled into rows without one, and what to do when a row has none
    and no account can be assumed."""

    account_ids: Mapping[str, str]
    hint: str = ""
    client: str | None = None


def client_of_file(path: Path, root: Path, brands: BrandsConfig) -> FileAccounts:
    """Exports rarely carry the account id, so the client brand a file belongs to comes from where it was
    dropped: `imports/<client slug>/` (e.g. imports/kopi-nusantara/) is that client's; a file directly in
    `imports/` is the only client's - with several clients its rows must carry an account id (or it is moved
    to the client's folder)."""
    clients = brands.own_brands
    slugs = ", ".join(brand.slug for brand in clients)
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        parts = (path.name,)
    if len(parts) > 1:
        folder = parts[0]
        client = next((brand for brand in clients if brand.slug == folder), None)
        if client is None:
            return FileAccounts(
                {}, f"a file in {root / folder}/: that folder is not a client brand's (folders: {slugs})"
            )
        return FileAccounts({p: a.id for p, a in client.accounts.items()}, client=client.name)
    if len(clients) == 1:
        return FileAccounts({p: a.id for p, a in clients[0].accounts.items()}, client=clients[0].name)
    return FileAccounts(
        {},
        f"an account id column, or the file dropped in its client's folder {root}/<client>/ (one of: {slugs}): "
        f"brands.yaml has {len(clients)} client brands",
    )


def reading_rules(settings: Settings, now: dt.datetime | None = None) -> ReadingRules:
    """settings.yaml `imports:` (number format and date order per export kind) and the days a daily export may
    cover: from partitions_start_date to today in the reporting timezone."""
    from zoneinfo import ZoneInfo

    moment = now or dt.datetime.now(dt.UTC)
    return ReadingRules(
        number_formats=dict(settings.imports.number_format),
        date_orders=dict(settings.imports.date_order),
        first_day=settings.partitions_start_date,
        today=moment.astimezone(ZoneInfo(settings.timezone)).date(),
    )


def import_file(
    conn: duckdb.DuckDBPyConnection,
    path: Path,
    root: Path,
    *,
    run_id: str,
    account_ids: Mapping[str, str],
    timezone: str,
    now: dt.datetime | None = None,
    rules: ReadingRules | None = None,
    account_hint: str = "",
) -> FileOutcome:
    """Import one file (its own transaction) and move it to loaded/ or rejected/. Raises nothing for a bad
    file (that is a rejection, also when reading it fails in a way nobody foresaw); a warehouse failure leaves
    the file where it is and is reported as `failed`."""
    name = path.name
    if not path.is_file():
        return FileOutcome(name, "missing", message=f"{path} is not there any more (imported by another run?)")
    data = path.read_bytes()
    sha = file_sha256(data)
    now = now or dt.datetime.now(dt.UTC)
    ensure_ledger(conn)
    earlier = find_loaded(conn, sha)
    if earlier is not None:
        moved = move_to(path, root / LOADED_DIR, sha)
        return FileOutcome(
            name,
            "duplicate",
            sha256=sha,
            export_kind=earlier.export_kind,
            platform=earlier.platform,
            table_name=earlier.table_name,
            moved_to=str(moved),
            message=f"same content as {earlier.file_name}, loaded {earlier.loaded_at:%Y-%m-%d %H:%M} UTC "
            f"by run {earlier.run_id}; not loaded again",
        )
    snapshot_date = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    try:
        parsed = parse_export_bytes(
            data,
            name,
            account_ids=account_ids,
            timezone=timezone,
            snapshot_date=snapshot_date,
            rules=rules,
            account_hint=account_hint,
        )
        entry = LedgerEntry(
            sha256=sha,
            file_name=name,
            export_kind=parsed.kind,
            platform=parsed.platform,
            table_name=parsed.table,
            rows=parsed.rows,
            date_from=parsed.window[0],
            date_to=parsed.window[1],
            loaded_at=now,
            run_id=run_id,
        )
        load_partitions(
            conn,
            parsed.table,
            parsed.frame,
            parsed.spec.stream,
            window=parsed.window,
            source=f"file:{name}",
            run_id=run_id,
            loaded_at=now,
            before_commit=lambda: record_load(conn, entry),
        )
    except ExportParseError as exc:
        return _reject(path, root, sha, exc.as_dict(), run_id=run_id, now=now)
    except WarehouseError as exc:
        return FileOutcome(name, "failed", sha256=sha, message=str(exc))
    except InputDataError as exc:
        details = {"file_name": name, "problem": str(exc), "message": str(exc)}
        return _reject(path, root, sha, details, run_id=run_id, now=now)
    except Exception as exc:  # noqa: BLE001 - one unreadable file must never stop the batch
        logger.exception("unexpected error while importing %s", name)
        problem = f"the file could not be read: {type(exc).__name__}: {exc}"
        details = {
            "file_name": name,
            "problem": problem,
            "expected": "a recognised export (pipelines/imports/README.md); if the file looks right, report this "
            "error with the file attached",
            "message": f"{name}: {problem}",
        }
        return _reject(path, root, sha, details, run_id=run_id, now=now)
    moved = move_to(path, root / LOADED_DIR, sha)
    return FileOutcome(
        name,
        "loaded",
        sha256=sha,
        export_kind=parsed.kind,
        platform=parsed.platform,
        table_name=parsed.table,
        rows=parsed.rows,
        date_from=parsed.window[0].isoformat(),
        date_to=parsed.window[1].isoformat(),
        moved_to=str(moved),
        warnings=list(parsed.warnings),
    )


def move_to(path: Path, folder: Path, sha: str) -> Path:
    """Move a file into `folder`, keeping its name unless another file has it (then `<stem>.<sha8><suffix>`)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 0
    while target.exists():
        counter += 1
        extra = f".{sha[:8]}" if counter == 1 else f".{sha[:8]}.{counter}"
        target = folder / f"{path.stem}{extra}{path.suffix}"
    shutil.move(str(path), str(target))
    return target


def _reject(path: Path, root: Path, sha: str, details: dict[str, Any], *, run_id: str, now: dt.datetime) -> FileOutcome:
    moved = move_to(path, root / REJECTED_DIR, sha)
    write_sidecars(moved, details, original=path.name, sha=sha, run_id=run_id, now=now)
    return FileOutcome(path.name, "rejected", sha256=sha, moved_to=str(moved), message=details["message"])


def write_sidecars(
    moved: Path, details: dict[str, Any], *, original: str, sha: str, run_id: str, now: dt.datetime
) -> tuple[Path, Path]:
    """`<name>.error.txt` for a person and `<name>.error.json` for tools, beside the rejected file."""
    lines = [
        f"{original} could not be imported (run {run_id}, {now:%Y-%m-%d %H:%M:%S} UTC).",
        "",
        f"Problem:  {details.get('problem') or details['message']}",
    ]
    if details.get("export_kind"):
        lines.append(f"Export:   {details['export_kind']}")
    if details.get("line") is not None:
        lines.append(f"Line:     {details['line']}")
    if details.get("column") is not None or details.get("column_number") is not None:
        number = details.get("column_number")
        column = details.get("column")
        label = f"{number} ({column!r})" if number is not None and column is not None else str(number or column)
        lines.append(f"Column:   {label}")
    if details.get("expected"):
        lines.append(f"Expected: {details['expected']}")
    if details.get("found") is not None:
        lines.append(f"Found:    {details['found']}")
    if details.get("encoding"):
        lines.append(f"Read as:  {details['encoding']}")
    lines += [
        "",
        f"In short: {details['message']}",
        "",
        "Fix the file and drop it into the imports folder again (the same name is fine).",
        "The recognised exports and their headers are listed in pipelines/imports/README.md.",
    ]
    text_path = moved.with_name(moved.name + ".error.txt")
    json_path = moved.with_name(moved.name + ".error.json")
    text_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    payload = {**details, "original_file_name": original, "sha256": sha, "run_id": run_id, "rejected_at": now}
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return text_path, json_path


def resolve_files(files: list[str], root: Path) -> list[Path]:
    return [Path(f) if Path(f).is_absolute() else root / f for f in files]


def _summary_table(outcomes: list[FileOutcome]) -> str:
    lines = ["| file | status | export | table | rows | dates | note |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for o in outcomes:
        dates = f"{o.date_from}..{o.date_to}" if o.date_from else ""
        note = o.message.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {o.file_name} | {o.status} | {o.export_kind or ''} | {o.table_name or ''} | {o.rows} | {dates} | "
            f"{note} |"
        )
    return "\n".join(lines)


@op(
    name="import_files",
    description="Load the given CSV exports into the raw tables (one transaction per file, never the same "
    "content twice) and move each to imports/loaded/ or imports/rejected/ with an explanation.",
    pool=WRITER_POOL,
    out=Out(dict, description="Per-file outcomes: {file name: status}"),
)
def import_files(
    context: OpExecutionContext,
    config: ImportFilesConfig,
    warehouse: WarehouseResource,
    configuration: ConfigurationResource,
) -> Output[dict]:
    root = Path(config.imports_dir).resolve() if config.imports_dir else imports_dir()
    settings, brands = configuration.settings(), configuration.brands()  # exports are read in its timezone
    timezone = settings.timezone
    rules = reading_rules(settings)
    outcomes: list[FileOutcome] = []
    with warehouse.connect() as conn:
        for path in resolve_files(config.files, root):
            try:
                owner = client_of_file(path, root, brands)
                outcome = import_file(
                    conn,
                    path,
                    path.parent if owner.client and path.parent != root else root,  # loaded/ beside the file
                    run_id=context.run_id,
                    account_ids=owner.account_ids,
                    timezone=timezone,
                    rules=rules,
                    account_hint=owner.hint,
                )
            except Exception as exc:  # noqa: BLE001 - e.g. the file cannot be moved: the others still go on
                logger.exception("importing %s failed", path.name)
                outcome = FileOutcome(path.name, "failed", message=f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            _log(context, outcome)
            if outcome.status == "loaded":
                context.log_event(
                    AssetObservation(
                        asset_key=AssetKey(["raw", outcome.table_name]),
                        description=f"rows imported from {outcome.file_name}",
                        metadata={
                            "source": f"file:{outcome.file_name}",
                            "export_kind": outcome.export_kind,
                            "rows_loaded": outcome.rows,
                            "window_start": outcome.date_from,
                            "window_end": outcome.date_to,
                            "sha256": outcome.sha256,
                        },
                    )
                )
    counts = {status: sum(o.status == status for o in outcomes) for status in _STATUSES}
    metadata: dict[str, Any] = {
        "files": MetadataValue.md(_summary_table(outcomes)),
        "rows_per_file": MetadataValue.json({o.file_name: o.rows for o in outcomes}),
        "outcomes": MetadataValue.json([asdict(o) for o in outcomes]),
        "rows_loaded": sum(o.rows for o in outcomes),
        **{f"files_{status}": n for status, n in counts.items()},
    }
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise Failure(
            description=f"{len(failed)} file(s) could not be written to the warehouse and stay in the imports "
            f"folder for the next run: " + "; ".join(f"{o.file_name}: {o.message}" for o in failed),
            metadata=metadata,
        )
    return Output({o.file_name: o.status for o in outcomes}, metadata=metadata)


_STATUSES = ("loaded", "duplicate", "rejected", "missing", "failed")


def _log(context: OpExecutionContext, outcome: FileOutcome) -> None:
    if outcome.status == "loaded":
        context.log.info(
            f"{outcome.file_name}: {outcome.rows} row(s) of {outcome.export_kind} into raw.{outcome.table_name} "
            f"({outcome.date_from}..{outcome.date_to})"
        )
        for warning in outcome.warnings:
            context.log.warning(warning)
    elif outcome.status == "rejected":
        context.log.error(f"{outcome.file_name} rejected, moved to {outcome.moved_to}: {outcome.message}")
    else:
        context.log.warning(f"{outcome.file_name}: {outcome.status}: {outcome.message}")


@job(
    name="import_files_job",
    description="Import CSV exports (Meta Business Suite, LinkedIn, TikTok, YouTube Studio) dropped into the "
    "imports folder; started by import_files_sensor with the new files as run config.",
    tags={"socialpulse/kind": "file_import"},
)
def import_files_job() -> None:
    import_files()


def import_run_config(files: list[str], imports_folder: str | None = None) -> dict[str, Any]:
    """The run config of `import_files_job` for these files (used by the sensor and by hand)."""
    op_config: dict[str, Any] = {"files": files}
    if imports_folder is not None:
        op_config["imports_dir"] = imports_folder
    return {"ops": {"import_files": {"config": op_config}}}
