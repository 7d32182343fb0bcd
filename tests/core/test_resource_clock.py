"""The clients read one clock: the resource's `now` (an as-of run, the night-by-night tests) or the real one."""

import datetime as dt

import pytest

from pipelines.errors import ConfigError
from pipelines.resources import PlatformApiResource


def test_clients_read_the_configured_moment_and_the_partition_day_of_it():
    api = PlatformApiResource(now="2026-05-01T19:30:00Z")
    context = api.client_context({"graph": "https://graph.facebook.com"}, ())
    assert context.now == dt.datetime(2026, 5, 1, 19, 30, tzinfo=dt.UTC)
    assert context.today == dt.date(2026, 5, 2)  # 02:30 in Asia/Jakarta


def test_the_real_clock_by_default():
    before = dt.datetime.now(dt.UTC)
    moment = PlatformApiResource().clock()
    assert before <= moment <= dt.datetime.now(dt.UTC)


def test_a_moment_without_zone_is_refused():
    with pytest.raises(ConfigError, match="needs a time zone"):
        PlatformApiResource(now="2026-05-01T19:30:00").clock()
