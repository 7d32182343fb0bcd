"""The report as one self-contained HTML file: styles inline, charts as PNG data URIs, no script, no network.
For e-mail the same page refers to the charts by Content-ID instead (clients block data URIs)."""

from __future__ import annotations

import base64
from functools import cache

import jinja2

from pipelines.reports.charts import Chart
from pipelines.reports.content import Report


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def data_uri(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def render_html(report: Report, *, for_email: bool = False) -> str:
    def image_src(chart: Chart) -> str:
        return f"cid:{chart.content_id}" if for_email else data_uri(chart)

    return environment().get_template("report.html.j2").render(report=report, image_src=image_src)
