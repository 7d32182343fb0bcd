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

from pipelines.config.models import DATE_ORDERS
from pipelines.imports.errors import ExportParseError
from pipelines.imports.specs import EXPORT_SPECS, ExportSpec, Field, normalize
from pipelines.imports.values import (
    NUMBER_FORMATS,
    BadValue,
    NumberFormat,
    check_count_range,
    date_from_parts,
    is_missing,
    numeric_date_parts,
    parse_content_type,
    parse_count,
    parse_date,
    parse_datetime,
)

# The header is looked for in the first lines: LinkedIn sheets and Meta one-metric files have a title above it.
HEADER_SEARCH_LINES = 12
_DELIMITERS = (",", ";", "\t")


# No social platform existed before this day: an earlier publish time is an empty timestamp (1970-01-01).
EARLIEST_POST = dt.date(2004, 1, 1)
_ORDER_NAMES = {"MDY": "month first (MM/DD/YYYY)", "DMY": "day first (DD/MM/YYYY)"}


@dataclass(frozen=True)
class ReadingRules:
    """How files are read beyond their header (settings.yaml `imports:`): the number format and the date order
    per export kind (or `default`), and the days a daily export may cover (the partitions' first day to today)."""

    number_formats: Mapping[str, str] = field(default_factory=dict)
    date_orders: Mapping[str, str] = field(default_factory=dict)
    first_day: dt.date | None = None
    today: dt.date | None = None

    def number_format(self, spec: ExportSpec) -> NumberFormat:
        name = self.number_formats.get(spec.kind) or self.number_formats.get("default") or spec.number_format
        return NUMBER_FORMATS[name]

    def date_order(self, spec: ExportSpec) -> tuple[str | None, str]:
        """(order, where it comes from): settings.yaml, else the export kind's documented order, else none."""
        explicit = self.date_orders.get(spec.kind) or self.date_orders.get("default")
        if explicit:
            return explicit, "settings.yaml imports.date_order"
        if spec.date_order:
            return spec.date_order, f"the documented date order of {spec.product} exports"
        return None, ""


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
    encoding: str = "UTF-8"

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
    rules: ReadingRules | None = None,
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
        rules=rules,
    )


def parse_export_bytes(
    data: bytes,
    file_name: str,
    *,
    account_ids: Mapping[str, str] | None = None,
    timezone: str = "UTC",
    snapshot_date: dt.date | None = None,
    rules: ReadingRules | None = None,
    account_hint: str = "",
) -> ParsedExport:
    text, warnings, encoding = decode(data, file_name)
    try:
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
            rules=rules or ReadingRules(),
            account_hint=account_hint,
        )
        parsed = reader.read([*first_rows, *records])
    except ExportParseError as exc:
        exc.encoding = encoding  # which bytes-to-text reading the line and column refer to
        raise
    parsed.warnings[:0] = warnings
    parsed.encoding = encoding
    return parsed


def detect_export(header: Sequence[str]) -> ExportSpec | None:
    """The export kind a header belongs to, or None. When several kinds match, the one that knows the most
    of the header's columns wins (a LinkedIn followers sheet also has a 'Total followers' column)."""
    names = {normalize(h) for h in header}
    matches = [s for s in EXPORT_SPECS if all(_present(group, names) for group in s.detect)]
    if not matches:
        return None
    return max(matches, key=lambda s: sum(normalize(n) in names for n in s.header_names()))


def decode(data: bytes, file_name: str) -> tuple[str, list[str], str]:
    """(text, warnings, the encoding it was read as). UTF-8 (with or without BOM), UTF-16 with BOM or without
    one (recognised by its NUL bytes), else Windows-1252 with a warning; the encoding is named in every error."""
    if data.startswith(b"PK\x03\x04"):
        raise ExportParseError(
            file_name,
            "this is an Excel workbook (.xlsx) named .csv",
            line=1,
            expected="a CSV file: open the workbook and save each sheet as 'CSV UTF-8'",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = "UTF-16 LE" if data.startswith(codecs.BOM_UTF16_LE) else "UTF-16 BE"
        return _decode_as(data, "utf-16", name, file_name), [], name
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        codec, name = utf16
        label = f"{name} without a byte order mark"
        warning = f"{file_name}: read as {label} (recognised by its NUL bytes); saving as 'CSV UTF-8' avoids this"
        return _decode_as(data, codec, label, file_name), [warning], label
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise ExportParseError(
            file_name,
            "the file holds NUL bytes: it is not a text file in UTF-8, UTF-16 or Windows-1252",
            line=data[:offset].count(b"\n") + 1,
            expected="a CSV file saved as 'CSV UTF-8' (or UTF-16 with a byte order mark)",
            found=f"a NUL byte at offset {offset}",
        )
    try:
        return data.decode("utf-8-sig"), [], "UTF-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ExportParseError(
                file_name,
                "the file is not text in UTF-8 or Windows-1252",
                line=line,
                expected="a CSV file encoded as UTF-8",
                found=f"byte 0x{data[exc.start]:02x}",
                encoding="UTF-8, then Windows-1252",
            ) from None
        return text, [f"{file_name}: not UTF-8 (line {line}); read as Windows-1252"], "Windows-1252"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text of mostly Latin characters has a NUL in every other byte: after the character (LE) or
    before it (BE). Returns (codec, name) or None."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls >= 0.3 * half and even_nuls <= 0.05 * half:
        return "utf-16-le", "UTF-16 LE"
    if even_nuls >= 0.3 * half and odd_nuls <= 0.05 * half:
        return "utf-16-be", "UTF-16 BE"
    return None


def _decode_as(data: bytes, codec: str, name: str, file_name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExportParseError(
            file_name,
            f"the file does not decode as {name}",
            line=data[: exc.start].count(b"\n" if "16" not in codec else b"\n\x00") + 1,
            expected=f"a CSV file in one encoding (this one starts as {name}); save it as 'CSV UTF-8'",
            found=f"bytes {data[exc.start : exc.start + 2].hex()} at offset {exc.start}",
            encoding=name,
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
        rules: ReadingRules,
        account_hint: str = "",
    ) -> None:
        self.spec = spec
        self.account_hint = account_hint
        self.file_name = file_name
        self.header_line = header_line
        self.header = header
        self.account_ids = account_ids
        self.timezone = timezone
        self.snapshot_date = snapshot_date
        self.rules = rules
        self.number_format = rules.number_format(spec)
        self.date_order: str | None = None
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
        data: list[tuple[int, list[str]]] = []
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
            data.append((line, row))
        if not data:
            raise self.error(
                "no data rows below the header",
                line=self.header_line + 1,
                expected="at least one row of data (was the export's date range empty?)",
            )
        self.date_order = self.resolve_date_order(data)
        rows: list[dict[str, Any]] = []
        keys: dict[tuple[Any, ...], int] = {}
        for line, row in data:
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

    # --- dates: the order of day and month is known, or proven by the file, never guessed ---------------------

    def resolve_date_order(self, data: list[tuple[int, list[str]]]) -> str | None:
        """The day/month order of the file's numeric dates (11/05/2026): the one settings.yaml or the export
        kind states, checked against the values; else the one the values prove (a part above 12; for a daily
        export, the only order that makes its days consecutive). Anything else is refused."""
        samples: list[tuple[int, int, str, tuple[int, int, int]]] = []
        for f in self.spec.fields:
            if f.parse not in ("date", "datetime") or f.target not in self.columns:
                continue
            position = self.columns[f.target]
            for line, row in data:
                parts = numeric_date_parts(row[position])
                if parts is not None:
                    samples.append((line, position, row[position].strip(), parts))
        stated, source = self.rules.date_order(self.spec)
        if not samples:
            return stated
        impossible: dict[str, tuple[int, int, str]] = {}
        for order in DATE_ORDERS:
            bad = next((s for s in samples if date_from_parts(s[3], order) is None), None)
            if bad is not None:
                impossible[order] = bad[:3]
        possible = [order for order in DATE_ORDERS if order not in impossible]
        contradicted: dict[str, str] = {}
        if len(possible) == 2 and not self.spec.is_posts:
            consecutive = [order for order in possible if _consecutive(samples, order)]
            if len(consecutive) == 1:
                other = next(order for order in possible if order not in consecutive)
                contradicted[other] = f"the days are consecutive only when read {_ORDER_NAMES[consecutive[0]]}"
                possible = consecutive
        first = samples[0]
        if stated is not None:
            if stated in possible:
                return stated
            line, position, text = impossible.get(stated) or first[:3]
            other = next((order for order in DATE_ORDERS if order != stated), "DMY")
            reason = contradicted.get(stated) or f"{text} cannot be read {_ORDER_NAMES[stated]}"
            raise self.error(
                f"the dates are not written {_ORDER_NAMES[stated]} as {source} says: {reason}",
                line=line,
                column=self.header[position],
                column_number=position + 1,
                expected=f"dates written {_ORDER_NAMES[stated]}; if your exports write them "
                f"{_ORDER_NAMES[other]}, set `imports: {{date_order: {{{self.spec.kind}: {other}}}}}` in "
                "settings.yaml",
                found=repr(text),
            )
        if len(possible) == 1:
            order = possible[0]
            evidence = next(iter(contradicted.values()), None) or (
                f"{impossible[next(o for o in DATE_ORDERS if o != order)][2]} can only be read that way"
            )
            self.warnings.append(f"{self.file_name}: dates read {_ORDER_NAMES[order]} ({evidence})")
            return order
        if not possible:
            line, position, text = (
                impossible["DMY"] if impossible["MDY"][0] < impossible["DMY"][0] else impossible["MDY"]
            )
            raise self.error(
                "the dates mix month-first and day-first writing",
                line=line,
                column=self.header[position],
                column_number=position + 1,
                expected="every date in one order (or dates like 2026-11-05)",
                found=repr(text),
            )
        line, position, text, parts = first
        month_first, day_first = date_from_parts(parts, "MDY"), date_from_parts(parts, "DMY")
        raise self.error(
            f"the dates are ambiguous: {text} is {month_first} read month first and {day_first} read day first, "
            f"and nothing in the file tells which ({self.spec.product} exports have no documented order)",
            line=line,
            column=self.header[position],
            column_number=position + 1,
            expected=f"`imports: {{date_order: {{{self.spec.kind}: MDY}}}}` (or DMY) in settings.yaml, or an "
            "export with dates like 2026-11-05",
            found=repr(text),
        )

    def check_day(self, f: Field, day: dt.date) -> None:
        """Days of a daily export lie in the partitions (settings.yaml) and not after today; a post cannot be
        published after the export was made or before social platforms existed."""
        rules = self.rules
        if f.target == "metric_date":
            if rules.today is not None and day > rules.today:
                raise BadValue(
                    f"a day on or before today ({rules.today}, reporting timezone)",
                    problem=f"the day {day} is in the future",
                )
            if rules.first_day is not None and day < rules.first_day:
                raise BadValue(
                    f"a day on or after partitions_start_date {rules.first_day} (settings.yaml); move "
                    "partitions_start_date earlier to keep older days",
                    problem=f"the day {day} is before the first partition",
                )
        elif f.target == "published_at":
            latest = self.snapshot_date + dt.timedelta(days=1)
            if day > latest:
                raise BadValue(
                    f"a publish time before the export was made ({self.snapshot_date})",
                    problem=f"the publish day {day} is after the export's day",
                )
            if day < EARLIEST_POST:
                raise BadValue(
                    f"a publish time after {EARLIEST_POST} (an earlier one is an empty timestamp)",
                    problem=f"the publish day {day} is not a real publish time",
                )

    # --- rows and cells ----------------------------------------------------------------------------------------

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
                if values[f.target] is not None:
                    try:
                        check_count_range(values[f.target], minimum=f.minimum, maximum=f.maximum)
                    except BadValue as exc:
                        raise self.error(
                            f"the sum {' + '.join(self.header[i] for i in self.sums[f.target])} does not fit "
                            f"{f.target}: {exc.problem}",
                            line=line,
                            expected=exc.expected,
                        ) from None
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
            expected=self.account_hint
            or (
                f"{_column_expectation(names) + ' with a value, or ' if names else ''}an own-brand "
                f"{self.spec.platform} account in brands.yaml"
            ),
        )

    def cell(self, line: int, row: list[str], position: int, f: Field) -> Any:
        text = row[position]
        try:
            value = self.parse(text, f)
        except BadValue as exc:
            problem = f"the value does not fit {f.target}"
            if exc.problem:
                problem += f": {exc.problem}"
            if f.parse == "count":
                problem += f" (numbers of {self.spec.kind} are read in the format {self.number_format.example})"
            raise self.error(
                problem,
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
            count = parse_count(text, self.number_format)
            if count is not None:
                check_count_range(count, minimum=f.minimum, maximum=f.maximum)
            return count
        if f.parse == "date":
            day = parse_date(text, self.date_order)
            if day is not None:
                self.check_day(f, day)
            return day
        if f.parse == "datetime":
            moment = parse_datetime(text, self.timezone, self.date_order)
            if moment is not None:
                self.check_day(f, moment.date())
            return moment
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


def _consecutive(samples: list[tuple[int, int, str, tuple[int, int, int]]], order: str) -> bool:
    """Whether the distinct days of the samples, read in `order`, follow each other without a gap."""
    days = sorted({date_from_parts(parts, order) for *_, parts in samples})
    if len(days) < 2 or None in days:
        return False
    return all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))  # type: ignore[operator]
