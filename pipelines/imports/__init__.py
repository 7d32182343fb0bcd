"""File imports: CSV exports of Meta Business Suite, LinkedIn, TikTok and YouTube Studio into the raw tables.

`parse_export(path, ...)` reads one file into a `ParsedExport` (kind, target table, contract frame, date
window) or raises `ExportParseError` with the line, the column and what was expected. The ledger of imported
files (`raw.socialpulse__imported_files`) lives in `pipelines.imports.ledger`.
"""

from pipelines.imports.errors import ExportParseError
from pipelines.imports.parsing import ParsedExport, ReadingRules, detect_export, parse_export, parse_export_bytes
from pipelines.imports.specs import EXPORT_SPECS, SPECS_BY_KIND, ExportSpec, Field

__all__ = [
    "EXPORT_SPECS",
    "SPECS_BY_KIND",
    "ExportParseError",
    "ExportSpec",
    "Field",
    "ParsedExport",
    "ReadingRules",
    "detect_export",
    "parse_export",
    "parse_export_bytes",
]
