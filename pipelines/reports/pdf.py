"""The report as PDF, laid out with fpdf2 from the same content as the HTML (pure Python: no browser, no
system libraries). Text uses DejaVu Sans, the font matplotlib ships, so every character prints."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from pipelines.reports.content import Cell, Report, Table

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
GAP_COLOR = (154, 103, 0)  # the marks of numbers that leave a gap out (gaps.py)
LEVEL_COLORS = {"missing": (207, 34, 46), "partial": (125, 78, 0), "thin": (9, 105, 218), "info": (87, 96, 106)}


class _ReportPdf(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(12, 12, 12)
        self.set_title(report.title)
        self.set_creator("socialpulse")
        self.set_creation_date(report.generated_at)  # not the clock: the same report gives the same bytes

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"{self.report.title} · page {self.page_no()}", align="C")


def _heading(pdf: _ReportPdf, text: str, size: float = 13) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(31, 35, 40)
    pdf.ln(3)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def _small(pdf: _ReportPdf, text: str, color: tuple[int, int, int] = (87, 96, 106)) -> None:
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, 4.2, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: _ReportPdf, table: Table) -> None:
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(31, 35, 40)
    align = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.columns)))
    with pdf.table(
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(246, 248, 250)),
        line_height=4.2,
        padding=0.8,
        borders_layout="HORIZONTAL_LINES",
    ) as grid:
        grid.row(table.columns)
        for row in table.rows:
            cells = grid.row()
            for cell in row:
                cells.cell(cell.text, link=cell.href)
    pdf.ln(2)


def render_pdf(report: Report) -> bytes:
    pdf = _ReportPdf(report)
    pdf.add_page()
    _heading(pdf, f"{report.brand} — {report.period.adjective} report", 17)
    _small(
        pdf,
        f"{report.period.label} · {report.period.start:%d %b %Y} – {report.period.end:%d %b %Y} (days in "
        f"{report.timezone}) · compared with {report.period.previous().label} · generated {report.generated_local}",
    )
    _heading(pdf, "Headline KPIs")
    kpi_table = Table(
        ["KPI", "This period", "vs previous period", "Previous", "Goal"],
        [],
        numeric={1, 2, 3},
    )

    kpi_table.rows = [
        [Cell(k.label), Cell(k.value), Cell(k.change), Cell(k.previous), Cell(k.goal)] for k in report.kpis
    ]
    _table(pdf, kpi_table)
    totals_gap = next((k.gap for k in report.kpis if k.gap), None)
    if totals_gap:
        _small(pdf, totals_gap, GAP_COLOR)
    for section in report.sections:
        _heading(pdf, section.title)
        if section.intro:
            _small(pdf, section.intro)
        if section.gap:
            _small(pdf, section.gap, GAP_COLOR)
        if section.empty:
            _small(pdf, section.empty)
        for chart in section.charts:
            pdf.image(io.BytesIO(chart.png), w=pdf.epw * 0.9, alt_text=chart.alt)
            _small(pdf, chart.title)
        for caption, table in section.tables:
            pdf.set_font("DejaVu", "B", 9)
            pdf.set_text_color(68, 68, 68)
            pdf.cell(0, 6, caption, new_x="LMARGIN", new_y="NEXT")
            _table(pdf, table)
    _heading(pdf, "Data coverage")
    if not report.coverage:
        _small(pdf, "Every platform reported every day of the period.")
    for note in report.coverage:
        _small(pdf, f"[{note.level.upper()}] {note.text}", LEVEL_COLORS.get(note.level, (87, 96, 106)))
    return bytes(pdf.output())
