"""A report's content hash: what its files would hold, without drawing or laying them out. Stored beside the
files (`.<report>.inputs`), it lets a run leave a report whose data, configuration and renderer are unchanged
as it is on disk (a re-run of the same night renders nothing).

The hash covers every field of the report except the moment it was generated (an unchanged report keeps the
time it was first rendered), each chart's drawing function and the plain data it draws, and the renderer: the
source of this package and its templates and the versions of the libraries that draw and lay out the files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from pipelines.reports.charts import Chart
from pipelines.reports.content import Report

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("matplotlib", "fpdf2", "jinja2", "numpy", "pillow")


@cache
def renderer_digest() -> str:
    """The renderer's own inputs: a change of code, template or library re-renders every report once."""
    digest = hashlib.sha256()
    for path in sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "templates").glob("*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}={version}\0".encode())
    return digest.hexdigest()


def _chart_text(chart: Chart) -> str:
    described = (chart.key, chart.title, chart.alt, chart.points, chart.marks, chart.series)
    return f"Chart{described!r}{chart.inputs}"


def report_digest(report: Report, *, with_pdf: bool) -> str:
    """sha256 of everything the report's HTML (and PDF) are made of, but its generation time."""
    sections = [
        dataclasses.replace(section, charts=[]).__repr__() + "".join(_chart_text(c) for c in section.charts)
        for section in report.sections
    ]
    content = dataclasses.replace(report, sections=[], generated_at=None)  # type: ignore[arg-type]
    digest = hashlib.sha256()
    for part in (renderer_digest(), f"pdf={with_pdf}", repr(content), *sections):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()
