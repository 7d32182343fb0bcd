"""How reports are rendered at scale (render.py): a report whose content is unchanged since its files were written
is left as it is (a re-run of the same night renders nothing), a changed input re-renders exactly the reports it
touches, and worker processes write the same bytes as the run's own process. Real DuckDB and dbt over the
agency's hand-written rows (the `agency` fixture of test_agency_reports), the real reports asset."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from assets.reports import marketing_reports
from pipelines.reports import formatting as fmt
from pipelines.reports.render import stamp_path, worker_count, write_reports
from pipelines.resources import ReportsResource, WarehouseResource
from tests.reports.agency_sample_data import CLIENTS, KOPI, TEH, WEEK_END, WEEK_START
from tests.reports.conftest import range_tags
from tests.reports.test_agency_reports import CONFIGURATION, SLUGS, TIMEZONE, WEEK, agency  # noqa: F401

pytestmark = pytest.mark.slow
FIRST_NIGHT = dt.datetime(2026, 11, 9, 2, tzinfo=dt.UTC)
SECOND_NIGHT = dt.datetime(2026, 11, 10, 2, tzinfo=dt.UTC)
PERIODS = [WEEK, WEEK.previous()]  # 3 clients x 2 weeks: enough reports for worker processes (render.py)


def render(warehouse: Path, folder: Path, now: dt.datetime, processes: int = 0, with_pdf: bool = True):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return write_reports(
            conn,
            CLIENTS,
            PERIODS,
            folder,
            brands_config=CONFIGURATION.brands(),
            timezone=TIMEZONE,
            with_pdf=with_pdf,
            now=now,
            processes=processes,
        )


def files_of(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every report file (not the index) -> (modification time in ns, content)."""
    return {
        str(path.relative_to(folder)): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "index.html"
    }


@pytest.fixture
def warehouse(agency, tmp_path) -> Path:  # noqa: F811
    """A copy of the agency warehouse a test may change."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(agency["warehouse"], copy)
    return copy


def test_an_unchanged_rerun_renders_nothing_and_leaves_every_file_as_it_was(warehouse, tmp_path):
    folder = tmp_path / "reports"
    first = render(warehouse, folder, FIRST_NIGHT)
    assert [r.unchanged for r in first] == [False] * 6
    before = files_of(folder)
    # html, pdf and the content hash of each of the 6 reports
    assert len(before) == 18 and all(stamp_path(r.html_path).name in str(before) for r in first)
    second = render(warehouse, folder, SECOND_NIGHT)
    assert [r.unchanged for r in second] == [True] * 6
    assert files_of(folder) == before  # same bytes, same modification times: nothing was rewritten
    html = (folder / SLUGS[KOPI] / f"weekly-{WEEK.slug}.html").read_text()
    # it still says when it was rendered: the first night
    assert fmt.local_time(FIRST_NIGHT, TIMEZONE) in html and fmt.local_time(SECOND_NIGHT, TIMEZONE) not in html
    index = (folder / "index.html").read_text()
    for client in CLIENTS:  # an unchanged report is still current: listed with its gaps
        assert f'data-client="{SLUGS[client]}"' in index
        assert f"{SLUGS[client]}/weekly-{WEEK.slug}.html" in index


def test_a_changed_input_re_renders_exactly_the_reports_it_touches(warehouse, tmp_path):
    folder = tmp_path / "reports"
    render(warehouse, folder, FIRST_NIGHT)
    before = files_of(folder)
    with duckdb.connect(str(warehouse)) as conn:  # a late correction of one day of Teh Tarik Co's own figures
        changed = conn.execute(
            "update marts.fct_brand_daily set engagements = engagements + 1000 "
            "where client_brand = ? and brand = ? and metric_date = ? and platform = 'facebook'",
            [TEH, TEH, WEEK_START],
        ).fetchone()[0]
    assert changed == 1
    second = render(warehouse, folder, SECOND_NIGHT)
    rendered = {(r.report.brand, r.report.period.slug) for r in second if not r.unchanged}
    assert rendered == {(TEH, WEEK.slug)}  # not the week before, not the other clients
    after = files_of(folder)
    touched = {name for name in before if before[name] != after[name]}
    teh = f"{SLUGS[TEH]}/weekly-{WEEK.slug}"
    assert touched == {f"{teh}.html", f"{teh}.pdf", f"{SLUGS[TEH]}/.weekly-{WEEK.slug}.inputs"}


def test_a_deleted_pdf_or_a_first_run_with_pdfs_renders_that_report_again(warehouse, tmp_path):
    folder = tmp_path / "reports"
    render(warehouse, folder, FIRST_NIGHT, with_pdf=False)
    assert not list(folder.rglob("*.pdf"))
    with_pdfs = render(warehouse, folder, SECOND_NIGHT)
    assert not any(r.unchanged for r in with_pdfs) and len(list(folder.rglob("*.pdf"))) == 6
    (folder / SLUGS[KOPI] / f"weekly-{WEEK.slug}.pdf").unlink()
    again = render(warehouse, folder, SECOND_NIGHT)
    assert [(r.report.brand, r.report.period.slug) for r in again if not r.unchanged] == [(KOPI, WEEK.slug)]
    assert (folder / SLUGS[KOPI] / f"weekly-{WEEK.slug}.pdf").is_file()


def test_worker_processes_write_the_same_bytes_as_the_runs_own_process(warehouse, tmp_path):
    assert worker_count(6, 2) == 2 and worker_count(3, 2) == 0 and worker_count(6) == 0
    in_process = render(warehouse, tmp_path / "own", FIRST_NIGHT, processes=0)
    in_workers = render(warehouse, tmp_path / "workers", FIRST_NIGHT, processes=2)
    assert not any(r.unchanged for r in in_process + in_workers)
    own, workers = files_of(tmp_path / "own"), files_of(tmp_path / "workers")
    assert len(own) == 18 and {name: content for name, (_, content) in own.items()} == {
        name: content for name, (_, content) in workers.items()
    }


def test_the_asset_says_how_many_reports_it_rendered_and_how_many_were_unchanged(agency):  # noqa: F811
    """The agency fixture ran the asset over the week once; the same run again leaves all three reports."""
    folder = agency["folder"]
    assert agency["metadata"]["reports_rendered"].value == 3
    assert agency["metadata"]["reports_unchanged"].value == 0
    html = folder / SLUGS[TEH] / f"weekly-{WEEK.slug}.html"
    written = html.stat().st_mtime_ns
    result = materialize(
        [marketing_reports],
        resources={
            "warehouse": WarehouseResource(path=str(agency["warehouse"])),
            "reports": ReportsResource(output_dir=str(folder)),
            "configuration": CONFIGURATION,
        },
        instance=DagsterInstance.ephemeral(),
        tags=range_tags(WEEK_START, WEEK_END),
    )
    metadata = result.asset_materializations_for_node("reports__marketing_reports")[0].metadata
    assert (metadata["reports_current"].value, metadata["reports_rendered"].value) == (3, 0)
    assert metadata["reports_unchanged"].value == 3
    assert metadata[f"{SLUGS[TEH]}_latest_report"].value == str(html)  # still the client's current report
    assert metadata[f"{SLUGS[TEH]}_open_ingest_failures"].value == 6  # as on the first run
    assert metadata["preview"].value.count("unchanged since its files were written") == 3
    assert html.stat().st_mtime_ns == written
