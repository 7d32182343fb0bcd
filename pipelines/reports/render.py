"""Render the reports of some periods for some brands into a folder: one HTML and one PDF file each."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config.models import BrandsConfig
from pipelines.reports.content import Report, build_report
from pipelines.reports.html import render_html
from pipelines.reports.pdf import render_pdf
from pipelines.reports.periods import Period

logger = logging.getLogger("socialpulse.reports")


@dataclass(frozen=True)
class RenderedReport:
    report: Report
    html_path: Path
    pdf_path: Path | None


def brand_slug(brand: str) -> str:
    """`Kopi Nusantara` -> `kopi-nusantara` (folder and file names)."""
    return re.sub(r"[^a-z0-9]+", "-", brand.lower()).strip("-") or "brand"


def report_path(folder: Path, brand: str, period: Period, suffix: str) -> Path:
    return folder / brand_slug(brand) / f"{period.adjective}-{period.slug}{suffix}"


def _write_atomically(path: Path, content: bytes) -> None:
    """A reader (a browser, the e-mail sensor) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_bytes(content)
    os.replace(staging, path)


def write_reports(
    conn: duckdb.DuckDBPyConnection,
    brands: Iterable[str],
    periods: Iterable[Period],
    folder: Path,
    *,
    brands_config: BrandsConfig,
    timezone: str,
    with_pdf: bool = True,
    now: dt.datetime | None = None,
) -> list[RenderedReport]:
    rendered: list[RenderedReport] = []
    periods = list(periods)
    for brand in brands:
        for period in periods:
            report = build_report(conn, brand, period, brands=brands_config, timezone=timezone, now=now)
            html_path = report_path(folder, brand, period, ".html")
            _write_atomically(html_path, render_html(report).encode("utf-8"))
            pdf_path = None
            if with_pdf:
                pdf_path = report_path(folder, brand, period, ".pdf")
                _write_atomically(pdf_path, render_pdf(report))
            logger.info("%s: %s", report.title, html_path)
            rendered.append(RenderedReport(report, html_path, pdf_path))
    return rendered
