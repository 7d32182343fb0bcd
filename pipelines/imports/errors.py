"""The error a file import raises: where in the file (line, column) and what was expected there."""

from __future__ import annotations

from typing import Any

from pipelines.errors import InputDataError


class ExportParseError(InputDataError):
    """A CSV export cannot be read as a recognised export.

    `line` is the 1-based physical line of the file (the header is usually line 1), `column_number` the 1-based
    field position and `column` the header name of that field; either may be None when the problem is not tied
    to one field (a wrong field count, an unrecognised header).
    """

    def __init__(
        self,
        file_name: str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        column_number: int | None = None,
        expected: str = "",
        found: str | None = None,
        export_kind: str | None = None,
        encoding: str | None = None,
    ) -> None:
        self.file_name = file_name
        self.problem = problem
        self.line = line
        self.column = column
        self.column_number = column_number
        self.expected = expected
        self.found = found
        self.export_kind = export_kind
        self._encoding = encoding
        super().__init__(self.describe())

    @property
    def encoding(self) -> str | None:
        """How the file's bytes were read as text (UTF-8, UTF-16 LE without a byte order mark...)."""
        return self._encoding

    @encoding.setter
    def encoding(self, value: str | None) -> None:
        self._encoding = value
        self.args = (self.describe(),)

    def describe(self) -> str:
        where = [self.file_name]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None or self.column_number is not None:
            label = f"column {self.column_number}" if self.column_number is not None else "column"
            where.append(f"{label} ({self.column!r})" if self.column is not None else label)
        text = f"{', '.join(where)}: {self.problem}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        if self.encoding:
            text += f" (file read as {self.encoding})"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "export_kind": self.export_kind,
            "line": self.line,
            "column": self.column,
            "column_number": self.column_number,
            "problem": self.problem,
            "expected": self.expected,
            "found": self.found,
            "encoding": self.encoding,
            "message": self.describe(),
        }
