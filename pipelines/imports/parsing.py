"""Reading a CSV export: recognise its kind from the header, map its columns to the contract, and say exactly
where (line, column) and why a file cannot be read.

The csv module reads the file (it knows physical line numbers, which the error messages need); the result is a
polars frame with the contract columns of the target stream, ready for `pipelines.warehouse.load_partitions`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.imports.errors import ExportParseError
from pipelines.imports.specs import EXPORT_SPECS, ExportSpec, Field, normalize
from pipelines.imports.values import (
    BadValue,
    is_missing,
    parse_content_type,
    parse_count,
    parse_date,
    parse_datetime,
)

# The header is looked for in the first lines: LinkedIn sheets and Meta one-metric files have a title above it.
HEADER_SEARCH_LINES = 12
_DELIMITERS = (",", ";", "\t")


@dataclass
class ParsedExport:
    """A file read as one export kind: the rows for one raw table and the partition window they cover."""

    file_name: str
    spec: ExportSpec
    frame: pl.DataFrame
    window: tuple[dt.date, dt.date]
    header_line: int
    columns_used: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def platform(self) -> str:
        return self.spec.platform

    @property
    def table(self) -> str:
        return self.spec.table

    @property
    def rows(self) -> int:
        return self.frame.height


def parse_export(
    path: Path,
    *,
    account_ids: Mapping[str, str] | None = None,
    timezone: str = "UTC",
    snapshot_date: dt.date | None = None,
    file_name: str | None = None,
) -> ParsedExport:
    """Read one export file. `account_ids` (platform → id, the own accounts of brands.yaml) fill account_id
    when the export has no id column; `snapshot_date` is the day post exports were observed (their lifetime
    totals), by default the file's modification day."""
    path = Path(path)
    if snapshot_date is None:
        snapshot_date = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    return parse_export_bytes(
        path.read_bytes(),
        file_name or path.name,
        account_ids=account_ids,
        timezone=timezone,
        snapshot_date=snapshot_date,
    )


def parse_export_bytes(
    data: bytes,
    file_name: str,
    *,
    account_ids: Mapping[str, str] | None = None,
    timezone: str = "UTC",
    snapshot_date: dt.date | None = None,
) -> ParsedExport:
    text, warnings = decode(data, file_name)
    text, delimiter = _delimiter(text)
    records = _records(text, delimiter, file_name)
    spec, header_line, header, first_rows = _find_header(records, file_name)
    reader = _ExportReader(
        spec,
        file_name,
        header_line,
        header,
        account_ids=account_ids or {},
        timezone=timezone,
        snapshot_date=snapshot_date or dt.datetime.now(dt.UTC).date(),
    )
    parsed = reader.read([*first_rows, *records])
    parsed.warnings[:0] = warnings
    return parsed


def detect_export(header: Sequence[str]) -> ExportSpec | None:
    """The export kind a header belongs to, or None. When several kinds match, the one that knows the most
    of the header's columns wins (a LinkedIn followers sheet also has a 'Total followers' column)."""
    names = {normalize(h) for h in header}
    matches = [s for s in EXPORT_SPECS if all(_present(group, names) for group in s.detect)]
    if not matches:
        return None
    return max(matches, key=lambda s: sum(normalize(n) in names for n in s.header_names()))


def decode(data: bytes, file_name: str) -> tuple[str, list[str]]:
    if data.startswith(b"PK\x03\x04"):
        raise ExportParseError(
            file_name,
            "this is an Excel workbook (.xlsx) named .csv",
            line=1,
            expected="a CSV file: open the workbook and save each sheet as 'CSV UTF-8'",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            return data.decode("cp1252"), [f"{file_name}: not UTF-8 (line {line}); read as Windows-1252"]
        except UnicodeDecodeError:
            raise ExportParseError(
                file_name,
                "the file is not text",
                line=line,
                expected="a CSV file encoded as UTF-8",
                found=f"byte 0x{data[exc.start]:02x}",
            ) from None


def _delimiter(text: str) -> tuple[str, str]:
    """Meta writes a first line `sep=,`; it is blanked (line numbers stay those of the file)."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep="):
        sep = first.strip()[4:5] or ","
        return "\n" + rest, sep
    sample = next((line for line in text.splitlines()[:HEADER_SEARCH_LINES] if line.strip()), "")
    counts = {d: sample.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return text, best if counts[best] else ","


def _records(text: str, delimiter: str, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line of the record, fields) for every record, blank lines included as []."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ExportParseError(
                file_name,
                f"the CSV structure is broken ({exc})",
                line=reader.line_num,
                expected="fields separated by commas, a quoted field closed by a quote followed by a separator",
            ) from None
        yield last + 1, row
        last = reader.line_num


def _present(group: Sequence[str], names: set[str]) -> bool:
    return any(normalize(n) in names for n in group)


def _find_header(
    records: Iterator[tuple[int, list[str]]], file_name: str
) -> tuple[ExportSpec, int, list[str], list[tuple[int, list[str]]]]:
    seen: list[tuple[int, list[str]]] = []
    title: str | None = None
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        seen.append((line, row))
        header = [cell.strip() for cell in row]
        if [normalize(h) for h in header] == ["date", "primary"] and title:
            # Meta one-metric file: the title line names the metric ("Facebook Page reach").
            header = [header[0], title]
        spec = detect_export(header)
        if spec is not None:
            return spec, line, header, []
        if len([c for c in row if c.strip()]) == 1:
            title = row[0].strip() if row and row[0].strip() else next(c.strip() for c in row if c.strip())
        if len(seen) >= HEADER_SEARCH_LINES:
            break
    raise _unrecognised(seen, file_name)


def _unrecognised(seen: list[tuple[int, list[str]]], file_name: str) -> ExportParseError:
    if not seen:
        return ExportParseError(file_name, "the file is empty", line=1, expected="a header line and data rows")
    # The closest kind: most identifying columns present, then most known columns.
    best: tuple[int, int, ExportSpec, int, list[str]] | None = None
    for line, row in seen:
        names = {normalize(c) for c in row}
        for spec in EXPORT_SPECS:
            hits = sum(_present(group, names) for group in spec.detect)
            known = sum(normalize(n) in names for n in spec.header_names())
            if best is None or (hits, known) > best[:2]:
                best = (hits, known, spec, line, row)
    assert best is not None
    hits, known, spec, line, row = best
    if len(spec.detect) >= 2 and hits == len(spec.detect) - 1 and known >= 3:
        missing = next(group for group in spec.detect if not _present(group, {normalize(c) for c in row}))
        return ExportParseError(
            file_name,
            f"the header looks like a {spec.product} export but a column is missing",
            line=line,
            column=missing[0],
            expected=_column_expectation(missing),
            found=f"header {', '.join(c.strip() for c in row)}",
            export_kind=spec.kind,
        )
    first_line, first_row = seen[0]
    kinds = "; ".join(f"{s.kind}: {' + '.join(repr(g[0]) for g in s.detect)}" for s in EXPORT_SPECS)
    return ExportParseError(
        file_name,
        "the header is not one of a recognised export",
        line=first_line,
        expected=f"a header with the columns of one of these exports ({kinds}); see pipelines/imports/README.md",
        found=f"header {', '.join(c.strip() for c in first_row)}",
    )


def _column_expectation(group: Sequence[str]) -> str:
    text = f"a column named {group[0]!r}"
    if len(group) > 1:
        text += f" (also accepted: {', '.join(repr(n) for n in group[1:])})"
    return text


class _ExportReader:
    def __init__(
        self,
        spec: ExportSpec,
        file_name: str,
        header_line: int,
        header: list[str],
        *,
        account_ids: Mapping[str, str],
        timezone: str,
        snapshot_date: dt.date,
    ) -> None:
        self.spec = spec
        self.file_name = file_name
        self.header_line = header_line
        self.header = header
        self.account_ids = account_ids
        self.timezone = timezone
        self.snapshot_date = snapshot_date
        self.warnings: list[str] = []
        index = {}
        for position, name in enumerate(header):
            index.setdefault(normalize(name), position)
        self.index = index
        self.columns: dict[str, int] = {}
        self.sums: dict[str, list[int]] = {}
        for f in spec.fields:
            position = next((index[normalize(n)] for n in f.names if normalize(n) in index), None)
            if position is not None:
                self.columns[f.target] = position
            elif f.sum_of:
                parts = [
                    next(index[normalize(n)] for n in group if normalize(n) in index)
                    for group in f.sum_of
                    if _present(group, set(index))
                ]
                if parts:
                    self.sums[f.target] = parts
            if f.required and f.target not in self.columns and f.target not in self.sums:
                raise self.error(
                    f"a column the {spec.product} export needs is missing",
                    line=header_line,
                    column=f.names[0],
                    expected=_column_expectation(f.names),
                    found=f"header {', '.join(header)}",
                )

    def error(self, problem: str, **kwargs: Any) -> ExportParseError:
        return ExportParseError(self.file_name, problem, export_kind=self.spec.kind, **kwargs)

    def read(self, records: Any) -> ParsedExport:
        width = len(self.header)
        rows: list[dict[str, Any]] = []
        keys: dict[tuple[Any, ...], int] = {}
        for line, raw in records:
            if not any(cell.strip() for cell in raw):
                continue
            if raw and normalize(raw[0]) == "total":
                continue  # YouTube Studio's totals row
            row = raw
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]  # trailing separators
            if len(row) != width:
                raise self.error(
                    "wrong number of fields",
                    line=line,
                    expected=f"{width} fields, as in the header on line {self.header_line}",
                    found=f"{len(row)} fields",
                )
            values = self.row_values(line, row)
            key = tuple(values[k] for k in self.spec.stream.key)
            if key in keys:
                raise self.error(
                    f"the same {' + '.join(self.spec.stream.key)} appears twice (first on line {keys[key]})",
                    line=line,
                    expected=f"one row per {' and '.join(self.spec.stream.key)}",
                    found=", ".join(str(k) for k in key),
                )
            keys[key] = line
            rows.append(values)
        if not rows:
            raise self.error(
                "no data rows below the header",
                line=self.header_line + 1,
                expected="at least one row of data (was the export's date range empty?)",
            )
        frame = pl.DataFrame(rows, schema=self.spec.stream.columns, orient="row")
        dates = frame.get_column(self.spec.stream.partition_column)
        used = {target: self.header[i] for target, i in self.columns.items()}
        used.update({target: " + ".join(self.header[i] for i in parts) for target, parts in self.sums.items()})
        return ParsedExport(
            file_name=self.file_name,
            spec=self.spec,
            frame=frame,
            window=(dates.min(), dates.max()),  # type: ignore[arg-type]
            header_line=self.header_line,
            columns_used=used,
            warnings=self.warnings,
        )

    def row_values(self, line: int, row: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = dict.fromkeys(self.spec.stream.columns)
        for f in self.spec.fields:
            if f.constant is not None or f.template is not None:
                continue
            if f.target in self.columns:
                values[f.target] = self.cell(line, row, self.columns[f.target], f)
            elif f.target in self.sums:
                parts = [self.cell(line, row, i, f) for i in self.sums[f.target]]
                present = [p for p in parts if p is not None]
                values[f.target] = sum(present) if present else None
        for f in self.spec.fields:
            if f.constant is not None:
                values[f.target] = f.constant
            elif f.template is not None:
                values[f.target] = f.template.format(**values)
        if self.spec.is_posts:
            values["snapshot_date"] = self.snapshot_date
        if not values.get("account_id"):
            values["account_id"] = self.default_account(line)
        return values

    def default_account(self, line: int) -> str:
        account = self.account_ids.get(self.spec.platform)
        if account:
            return account
        id_field = next((f for f in self.spec.fields if f.target == "account_id"), None)
        names = id_field.names if id_field else ()
        raise self.error(
            "no account id for this row",
            line=line,
            column=names[0] if names else None,
            expected=(
                f"{_column_expectation(names) + ' with a value, or ' if names else ''}an own-brand "
                f"{self.spec.platform} account in brands.yaml"
            ),
        )

    def cell(self, line: int, row: list[str], position: int, f: Field) -> Any:
        text = row[position]
        try:
            value = self.parse(text, f)
        except BadValue as exc:
            raise self.error(
                f"the value does not fit {f.target}",
                line=line,
                column=self.header[position],
                column_number=position + 1,
                expected=exc.expected,
                found=repr(text),
            ) from None
        if value is None and f.required:
            raise self.error(
                f"{f.target} is empty",
                line=line,
                column=self.header[position],
                column_number=position + 1,
                expected=f"a value in every row ({f.target} is required)",
                found=repr(text),
            )
        return value

    def parse(self, text: str, f: Field) -> Any:
        if f.parse == "count":
            return parse_count(text)
        if f.parse == "date":
            return parse_date(text)
        if f.parse == "datetime":
            return parse_datetime(text, self.timezone)
        if f.parse == "content_type":
            value = parse_content_type(text)
            if value is None and not is_missing(text):
                message = f"{self.file_name}: content type {text.strip()!r} has no contract type; stored as NULL"
                if message not in self.warnings:
                    self.warnings.append(message)
            return value
        value = text.strip()
        if not value or is_missing(value):
            return None
        if f.extract:
            match = re.search(f.extract, value)
            if match:
                return match.group(1)
            if not value.isdigit():
                raise BadValue(f"a link that contains the post id (pattern {f.extract}) or the id itself")
        return value
