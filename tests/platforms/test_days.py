"""The one rule for days: a window of partition days is the UTC span of those days in settings.timezone."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.config.models import Account, Settings
from pipelines.platforms.base import ClientContext, local_date_of, local_day_bounds
from pipelines.platforms.linkedin import LinkedInClient
from pipelines.platforms.x import XClient

UTC = dt.UTC
ACCOUNT = Account(id="1", handle="@brand")


def test_local_day_bounds_of_jakarta_days():
    # Asia/Jakarta is UTC+7 all year: 2026-11-20 runs from 2026-11-19 17:00 UTC to 2026-11-20 17:00 UTC.
    since, until = local_day_bounds("Asia/Jakarta", dt.date(2026, 11, 20), dt.date(2026, 11, 21))
    assert since == dt.datetime(2026, 11, 19, 17, 0, tzinfo=UTC)
    assert until == dt.datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    assert since.tzinfo is UTC and until.tzinfo is UTC


def test_local_day_bounds_across_a_dst_change():
    # America/Los_Angeles leaves DST on 2026-11-01: that day has 25 hours.
    since, until = local_day_bounds("America/Los_Angeles", dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert since == dt.datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    assert until == dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (dt.datetime(2026, 11, 19, 16, 59, 59, tzinfo=UTC), dt.date(2026, 11, 19)),
        (dt.datetime(2026, 11, 19, 17, 0, tzinfo=UTC), dt.date(2026, 11, 20)),
        (dt.datetime(2026, 11, 19, 18, 0), dt.date(2026, 11, 20)),  # naive = UTC
    ],
)
def test_local_date_of(moment, day):
    assert local_date_of("Asia/Jakarta", moment) == day


def _context() -> ClientContext:
    return ClientContext(
        settings=Settings(),
        base_urls={"api": "http://127.0.0.1:9", "rest": "http://127.0.0.1:9"},
        credentials={"bearer_token": "app-token", "access_token": "member-token"},
        today=dt.date(2026, 11, 21),
    )


class _WindowOfX(XClient):
    """Records the timeline windows asked for instead of calling X."""

    def _timeline(self, account, start, end, owned):
        self.asked = (start, end)
        return []


class _WindowOfLinkedIn(LinkedInClient):
    def _list_posts(self, org, from_ms):
        self.asked = from_ms
        return []

    def _post_statistics(self, org, urns):
        return {}


def test_x_and_linkedin_read_posts_of_local_days():
    day = dt.date(2026, 11, 10)
    x = _WindowOfX(_context())
    assert x.post_snapshots(ACCOUNT, day, day, day) == []
    assert x.asked == (dt.datetime(2026, 11, 9, 17, 0, tzinfo=UTC), dt.datetime(2026, 11, 10, 17, 0, tzinfo=UTC))
    linkedin = _WindowOfLinkedIn(_context())
    assert linkedin.post_snapshots(ACCOUNT, day, day, day) == []
    assert linkedin.asked == int(dt.datetime(2026, 11, 9, 17, 0, tzinfo=UTC).timestamp() * 1000)
