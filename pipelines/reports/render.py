"""Render the reports of some periods for some client brands into a folder: one HTML and one PDF file each,
under `<folder>/<client slug>/`, and `<folder>/index.html` listing every client and its reports.

The report's content is read here, one client after another, on the run's connection (cheap); what costs is
drawing its charts and laying out its PDF. So:
- a report whose content hash (fingerprint.py: its data, configuration and renderer) equals the one stored beside
  its files is left as it is on disk (`unchanged`): a re-run of the same night draws nothing;
- the others are drawn in the run's process, or, when asked (`processes`), by a pool of worker processes fed
  plain data (the report, its charts' drawing inputs), never a connection; matplotlib is not thread safe, and
  the processes are started with `spawn` (no fork of a process holding DuckDB's or Dagster's threads). On the
  2-core machine shared with other work two workers were slower than none (their start-up, no idle core), so
  the default is none; a machine with idle cores sets it.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config.models import BrandsConfig, slug
from pipelines.errors import ConfigError
from pipelines.reports.content import Report, build_report
from pipelines.reports.fingerprint import report_digest
from pipelines.reports.html import render_html
from pipelines.reports.index import INDEX_NAME, client_index, render_index
from pipelines.reports.pdf import render_pdf
from pipelines.reports.periods import Period

logger = logging.getLogger("socialpulse.reports")


# fewer reports to draw than this are drawn in the run's process: starting a worker (importing matplotlib and
# fpdf2) costs about as much as drawing two reports
MIN_REPORTS_FOR_WORKERS = 4


@dataclass(frozen=True)
class RenderedReport:
    """A current report of the run: drawn now (`unchanged` False) or left as it was on disk, its content hash
    equal to this run's."""

    report: Report
    html_path: Path
    pdf_path: Path | None
    unchanged: bool = False


def stamp_path(html_path: Path) -> Path:
    """Where a report's content hash is kept: `.monthly-2026-10.inputs` beside `monthly-2026-10.html`."""
    return html_path.with_name(f".{html_path.stem}.inputs")


def is_unchanged(html_path: Path, pdf_path: Path | None, digest: str) -> bool:
    stamp = stamp_path(html_path)
    files = [html_path] + ([pdf_path] if pdf_path else [])
    return stamp.is_file() and stamp.read_text().strip() == digest and all(path.is_file() for path in files)


def render_files(report: Report, html_path: Path, pdf_path: Path | None, digest: str) -> None:
    """Draw the report and write its files, then its content hash (last: a run stopped halfway re-renders)."""
    _write_atomically(html_path, render_html(report).encode("utf-8"))
    if pdf_path is not None:
        _write_atomically(pdf_path, render_pdf(report))
    _write_atomically(stamp_path(html_path), (digest + "\n").encode("ascii"))


def worker_count(reports: int, processes: int = 1) -> int:
    """Worker processes to draw `reports` with: `processes` of them (0: one per core); none (the run's own
    process) for 1, or for a handful of reports."""
    wanted = processes if processes > 0 else (os.cpu_count() or 1)
    if wanted <= 1 or reports < MIN_REPORTS_FOR_WORKERS:
        return 0
    return min(wanted, reports)


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
    processes: int = 1,
) -> list[RenderedReport]:
    """Each client's reports of the periods (drawn, or unchanged on disk), then the index of every client of the
    configuration (a client added to brands.yaml appears with its first run). `processes`: how many worker
    processes draw the reports (1, the default: the calling process; 0: one per core)."""
    rendered: list[RenderedReport] = []
    periods, brands = list(periods), list(brands)
    clients = [b.name for b in brands_config.own_brands]
    check_slugs([*clients, *(b for b in brands if b not in clients)])
    generated_at = now or dt.datetime.now(dt.UTC)
    to_draw: list[tuple[Report, Path, Path | None, str]] = []
    for brand in brands:
        for period in periods:
            report = build_report(conn, brand, period, brands=brands_config, timezone=timezone, now=generated_at)
            html_path = report_path(folder, brand, period, ".html")
            pdf_path = report_path(folder, brand, period, ".pdf") if with_pdf else None
            digest = report_digest(report, with_pdf=with_pdf)
            unchanged = is_unchanged(html_path, pdf_path, digest)
            if unchanged:
                logger.info("%s: unchanged since it was rendered, %s", report.title, html_path)
            else:
                to_draw.append((report, html_path, pdf_path, digest))
            rendered.append(RenderedReport(report, html_path, pdf_path, unchanged))
    _draw_all(to_draw, worker_count(len(to_draw), processes))
    latest: dict[str, Report] = {}
    for item in rendered:  # the newest report rendered per client (a month before a week ending the same day)
        current = latest.get(item.report.brand)
        key = (item.report.period.end, item.report.period.days)
        if current is None or key > (current.period.end, current.period.days):
            latest[item.report.brand] = item.report
    index = render_index(
        client_index(folder, clients, latest, slug=slug),
        generated_at=generated_at,
        timezone=timezone,
    )
    _write_atomically(index_path(folder), index.encode("utf-8"))
    return rendered


def _draw_all(jobs: list[tuple[Report, Path, Path | None, str]], workers: int) -> None:
    if not workers:
        drawn: dict[str, bytes] = {}  # one client's charts by their inputs: its week and month share some
        for index, job in enumerate(jobs):
            report = job[0]
            if index and report.brand != jobs[index - 1][0].brand:
                drawn.clear()
            for chart in report.charts:
                chart.reuse(drawn.get(chart.inputs))
            render_files(*job)
            for chart in report.charts:
                drawn[chart.inputs] = chart.png
                chart.forget()  # the files are written: the run keeps the report's content, not its images
            logger.info("%s: %s", report.title, job[1])
        return
    logger.info("drawing %d report(s) in %d worker processes", len(jobs), workers)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[tuple[Future, Report, Path]] = [(pool.submit(render_files, *job), job[0], job[1]) for job in jobs]
        for future, report, html_path in futures:
            future.result()  # a worker's exception is raised here, naming the report's files in its traceback
            logger.info("%s: %s", report.title, html_path)


def index_path(folder: Path) -> Path:
    return folder / INDEX_NAME
