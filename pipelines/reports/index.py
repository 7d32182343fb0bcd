"""`reports/index.html`: every client brand of the configuration, its report folder, its reports on disk
(newest first) and the gaps of the newest report this run rendered. A client added to brands.yaml appears with
the first run after; nothing else to change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.reports import formatting as fmt
from pipelines.reports.content import Report
from pipelines.reports.html import environment

INDEX_NAME = "index.html"
REPORT_FILE = re.compile(r"^(weekly|monthly)-(\d{4}-W?\d{2})\.html$")


@dataclass(frozen=True)
class ClientReports:
    """One client's line of the index."""

    client: str
    folder: str  # relative to the index
    weekly: list[str]  # paths relative to the index, newest first
    monthly: list[str]
    latest: Report | None  # the newest report of this run (for its gaps); None when none was rendered now

    @staticmethod
    def label(path: str) -> str:
        """`kopi-nusantara/monthly-2026-09.html` -> `2026-09`."""
        match = REPORT_FILE.match(path.rsplit("/", 1)[-1])
        return match.group(2) if match else path


def client_index(
    folder: Path, clients: Iterable[str], latest: Mapping[str, Report], *, slug: Callable[[str], str]
) -> list[ClientReports]:
    out = []
    for client in clients:
        name = slug(client)
        files = sorted((p.name for p in (folder / name).glob("*.html")), reverse=True)
        found = [(m.group(1), f"{name}/{file}") for file in files if (m := REPORT_FILE.match(file))]
        out.append(
            ClientReports(
                client,
                name,
                [path for kind, path in found if kind == "weekly"],
                [path for kind, path in found if kind == "monthly"],
                latest.get(client),
            )
        )
    return out


def render_index(clients: list[ClientReports], *, generated_at: dt.datetime, timezone: str) -> str:
    return (
        environment()
        .get_template("index.html.j2")
        .render(clients=clients, generated=fmt.local_time(generated_at, timezone))
    )
