"""Render the reports of some periods for some client brands into a folder: one HTML and one PDF file each,
under `<folder>/<client slug>/`, and `<folder>/index.html` listing every client and its reports."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config.models import BrandsConfig, slug
from pipelines.errors import ConfigError
from pipelines.reports.content import Report, build_report
from pipelines.reports.html import render_html
from pipelines.reports.index import INDEX_NAME, client_index, render_index
from pipelines.reports.pdf import render_pdf
from pipelines.reports.periods import Period

logger = logging.getLogger("socialpulse.reports")


@dataclass(frozen=True)
class RenderedReport:
    report: Report
    html_path: Path
    pdf_path: Path | None


def report_path(folder: Path, brand: str, period: Period, suffix: str) -> Path:
    return folder / slug(brand) / f"{period.adjective}-{period.slug}{suffix}"


def check_slugs(clients: Iterable[str]) -> None:
    """Two clients whose names give the same folder would overwrite each other's reports: refuse before any."""
    seen: dict[str, str] = {}
    for client in clients:
        folder = slug(client)
        if folder in seen:
            raise ConfigError(
                "brands.yaml",
                "brands[].name",
                f"client brands {seen[folder]!r} and {client!r} would share the report folder {folder}/",
                fix="give one of them a name that differs in letters or digits, not only in case or punctuation",
            )
        seen[folder] = client


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
    """Each client's reports of the periods, then the index of every client of the configuration (a client added
    to brands.yaml appears with its first run)."""
    rendered: list[RenderedReport] = []
    periods, brands = list(periods), list(brands)
    clients = [b.name for b in brands_config.own_brands]
    check_slugs([*clients, *(b for b in brands if b not in clients)])
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
    latest: dict[str, Report] = {}
    for item in rendered:  # the newest report rendered per client (a month before a week ending the same day)
        current = latest.get(item.report.brand)
        key = (item.report.period.end, item.report.period.days)
        if current is None or key > (current.period.end, current.period.days):
            latest[item.report.brand] = item.report
    index = render_index(
        client_index(folder, clients, latest, slug=slug),
        generated_at=now or dt.datetime.now(dt.UTC),
        timezone=timezone,
    )
    _write_atomically(index_path(folder), index.encode("utf-8"))
    return rendered


def index_path(folder: Path) -> Path:
    return folder / INDEX_NAME
