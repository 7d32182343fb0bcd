"""X and YouTube mention readers against the simulator: counts equal the simulated truth, items are the true
mentions, the matcher agrees with the simulator on every item, exclusions ("kopi arabika") are not counted.

Days are local days (settings.timezone, Asia/Jakarta = UTC+7): the truth is cut from the items' timestamps
(`local_mentions`), since the world's `mention_count`/`mentions` helpers work on UTC days."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipelines.config.loader import load_brands
from pipelines.http import ApiAuthError, ApiRateLimitError, RepeatedCursorError
from pipelines.market.x import XMentions, x_query
from pipelines.market.youtube import YouTubeMentions, youtube_query

TODAY = dt.date(2026, 11, 21)
END = TODAY - dt.timedelta(days=1)
JAKARTA = ZoneInfo("Asia/Jakarta")


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def test_local_day_truth_by_hand(simulator) -> None:
    """One day checked by hand: local 2026-11-20 (Jakarta) = [2026-11-19 17:00Z, 2026-11-20 17:00Z), i.e. the
    last 7 hours of UTC day 11-19 and the first 17 hours of UTC day 11-20."""
    own = load_brands().own_brand.name
    utc_19 = simulator.world.mentions(own, "x", dt.date(2026, 11, 19), dt.date(2026, 11, 19))
    utc_20 = simulator.world.mentions(own, "x", dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    edge = dt.datetime(2026, 11, 19, 17, tzinfo=dt.UTC)
    by_hand = sum(m.created_at >= edge for m in utc_19) + sum(
        m.created_at < edge + dt.timedelta(days=1) for m in utc_20
    )
    assert len(utc_20) == simulator.world.mention_count(own, "x", dt.date(2026, 11, 20))
    assert 0 < by_hand != len(utc_20)  # the UTC day is a different number: the test can tell them apart
    assert by_hand == len({m.mention_id for m in utc_19 + utc_20 if m.created_at.astimezone(JAKARTA).date() == END})


def test_x_recent_counts_and_items(simulator, make_source, assert_contract, local_mentions) -> None:
    start = TODAY - dt.timedelta(days=6)
    source = make_source(simulator, XMentions)
    source.max_items_per_brand = 5000  # the busiest brand has about 1,040 posts in these 7 days
    result = source.read(start, END)
    assert_contract(source, result)
    assert all("includes.users" in w for w in source.warnings)
    counts = {(r["brand"], r["metric_date"]): r for r in result["x__mention_counts"]}
    brands = load_brands().brands
    utc_differs = 0
    for brand in brands:
        for day in _days(start, END):
            row = counts[(brand.name, day)]
            assert row["mention_count"] == len(local_mentions(simulator, brand.name, "x", day, day))
            utc_differs += row["mention_count"] != simulator.world.mention_count(brand.name, "x", day)
            assert row["query"] == x_query(brand)
        truth = {m.mention_id: m for m in local_mentions(simulator, brand.name, "x", start, END)}
        got = {r["mention_id"]: r for r in result["x__mentions"] if r["brand"] == brand.name}
        assert set(got) == set(truth)
        for mention_id, row in got.items():
            m = truth[mention_id]
            assert row["mentioned_at"] == m.created_at
            assert row["metric_date"] == m.created_at.astimezone(JAKARTA).date()
            # The simulator does not expand author_id into includes.users yet (the real API does with
            # expansions=author_id): the author is then NULL and the URL the id-only form.
            if row["author"] is None:
                assert row["url"] == f"https://x.com/i/web/status/{mention_id}"
            else:
                assert row["author"] == m.author and row["url"] == m.url
            assert row["engagements"] == m.likes + m.comments + m.shares + m.quotes
            # the local matcher finds the term the simulated author used
            assert row["matched_terms"], row["text"]
    assert utc_differs > 0  # local days, not UTC days
    # the 7 local days are 168 hourly buckets: one page a brand
    assert source.stats.by_endpoint["tweets/counts/recent"] == len(brands)
    assert "tweets/counts/all" not in source.stats.by_endpoint
    # search/recent was paged (100 posts a page) for the busiest brands
    assert source.stats.by_endpoint["tweets/search/recent"] > len(brands)


def test_x_older_window_uses_counts_all_and_stores_no_items(simulator, make_source, local_mentions) -> None:
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 10)
    source = make_source(simulator, XMentions)
    result = source.read(start, end)
    # 10 local days = 240 hourly buckets: two pages (168 buckets a page) per brand
    assert source.stats.by_endpoint.get("tweets/counts/all", 0) == 2 * len(load_brands().brands)
    assert result["x__mentions"] == []
    own = load_brands().own_brand.name
    got = {r["metric_date"]: r["mention_count"] for r in result["x__mention_counts"] if r["brand"] == own}
    assert got == {d: len(local_mentions(simulator, own, "x", d, d)) for d in _days(start, end)}


def test_x_counts_stop_at_today(simulator, make_source, local_mentions) -> None:
    """A window reaching past today asks for no end_time (up to now) and writes no day after today; today's
    count is the part of the local day before the simulator's now (2026-11-21 00:00Z = 07:00 in Jakarta)."""
    source = make_source(simulator, XMentions)
    rows = source.read(TODAY, TODAY + dt.timedelta(days=2))["x__mention_counts"]
    own = load_brands().own_brand.name
    assert {r["metric_date"] for r in rows} == {TODAY}
    now = dt.datetime.combine(TODAY, dt.time(), dt.UTC)
    so_far = [m for m in local_mentions(simulator, own, "x", TODAY, TODAY) if m.created_at < now]
    assert next(r["mention_count"] for r in rows if r["brand"] == own) == len(so_far) > 0


def test_x_repeated_cursor_stops_with_a_clear_error(simulator, make_source) -> None:
    simulator.faults.add("repeat_cursor", path_contains="search/recent")
    source = make_source(simulator, XMentions)
    with pytest.raises(RepeatedCursorError):
        source.read(TODAY - dt.timedelta(days=6), END)


def test_x_items_are_capped_per_brand_and_the_cap_reported(simulator, make_source, local_mentions) -> None:
    source = make_source(simulator, XMentions)
    source.max_items_per_brand = 50
    result = source.read(END, END)
    own = load_brands().own_brand.name
    stored = [r for r in result["x__mentions"] if r["brand"] == own]
    assert len(stored) == 100  # stops after the first page (100 posts) that reached the cap
    assert any(own in w and "counts are complete" in w for w in source.warnings)
    count = next(r for r in result["x__mention_counts"] if r["brand"] == own)
    assert count["mention_count"] == len(local_mentions(simulator, own, "x", END, END)) > len(stored)


def test_a_capped_read_of_several_days_leaves_its_partly_read_oldest_day_out(
    simulator, make_source, local_mentions
) -> None:
    """Newest first, the cap stops inside a day: that day is left as an earlier read stored it (the loader replaces
    only the days returned), the days after it are complete."""
    source = make_source(simulator, XMentions)
    own = load_brands().own_brand.name
    last_two = len(local_mentions(simulator, own, "x", END - dt.timedelta(days=1), END))
    source.max_items_per_brand = last_two + 1  # reached inside the third day from the end
    result = source.read(END - dt.timedelta(days=4), END)
    stored = [r for r in result["x__mentions"] if r["brand"] == own]
    assert {r["metric_date"] for r in stored} == {END - dt.timedelta(days=1), END}
    assert len(stored) == last_two
    assert any("read only in part" in w and own in w for w in source.warnings)


def test_x_rate_limit_is_waited_out(simulator, make_source) -> None:
    simulator.faults.add("status", path_contains="counts/recent", status=429, retry_after=0, times=1)
    source = make_source(simulator, XMentions)
    result = source.read(END, END)
    assert len(result["x__mention_counts"]) == 5
    assert source.stats.retries == 1


def test_x_expired_token_with_canary(simulator, make_source, caplog) -> None:
    canary = "CANARY-market-x-7f3a9"
    simulator.faults.add("expired_token", path_contains="counts", times=0)
    source = make_source(simulator, XMentions, credentials={"bearer_token": canary})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiAuthError) as err:
        source.read(END, END)
    assert "X_BEARER_TOKEN" in str(err.value)
    assert canary not in str(err.value) and canary not in caplog.text
    assert all(canary not in w for w in source.warnings)


def test_youtube_daily_search_counts_and_first_page_items(
    simulator, make_source, assert_contract, local_mentions
) -> None:
    start = END - dt.timedelta(days=2)
    source = make_source(simulator, YouTubeMentions)
    result = source.read(start, END)
    assert_contract(source, result)
    brands = load_brands().brands
    assert source.stats.by_endpoint["search.list"] == len(brands) * 3
    counts = {(r["brand"], r["metric_date"]): r for r in result["youtube__mention_counts"]}
    utc_differs = 0
    for brand in brands:
        for day in _days(start, END):
            local = len(local_mentions(simulator, brand.name, "youtube", day, day))
            assert counts[(brand.name, day)]["mention_count"] == local
            utc_differs += local != simulator.world.mention_count(brand.name, "youtube", day)
            assert counts[(brand.name, day)]["query"] == youtube_query(brand)
        truth = {m.mention_id: m for m in local_mentions(simulator, brand.name, "youtube", start, END)}
        got = {r["mention_id"]: r for r in result["youtube__mentions"] if r["brand"] == brand.name}
        assert set(got) == set(truth)  # fewer than 50 a day: the first page holds them all
        for mention_id, row in got.items():
            assert row["metric_date"] == truth[mention_id].created_at.astimezone(JAKARTA).date()
    assert utc_differs > 0


def test_youtube_reads_only_the_recent_days_a_daily_quota_affords(simulator, make_source) -> None:
    source = make_source(simulator, YouTubeMentions)
    source.max_units_per_run = 1_000  # 5 brands x 100 units: 2 days
    rows = source.read(dt.date(2026, 1, 1), END)
    days_read = sorted({row["metric_date"] for row in rows["youtube__mention_counts"]})
    assert days_read == [END - dt.timedelta(days=1), END]
    assert source.stats.by_endpoint["search.list"] == 10
    assert any("quota" in w and "not read" in w for w in source.warnings)


def test_youtube_searches_the_client_brands_first_when_not_even_a_day_of_every_brand_fits(
    simulator, make_source
) -> None:
    source = make_source(simulator, YouTubeMentions)
    source.max_units_per_run = 300  # 3 searches for 5 brands (an agency's hundreds of brands, in small)
    rows = source.read(END - dt.timedelta(days=2), END)
    brands = load_brands().brands
    client = next(b.name for b in brands if b.own)
    expected = [client, *[b.name for b in brands if not b.own][:2]]  # the client brand, then competitors in order
    assert source.stats.by_endpoint["search.list"] == 3
    assert sorted((r["brand"], r["metric_date"]) for r in rows["youtube__mention_counts"]) == sorted(
        (name, END) for name in expected
    )
    assert {r["brand"] for r in rows["youtube__mentions"]} <= set(expected)
    warning = next(w for w in source.warnings if "not searched" in w)
    assert "searched 3 (client brands first)" in warning and "2 not searched" in warning


def test_youtube_mention_searches_leave_the_channel_reads_their_quota(simulator, make_source) -> None:
    import yaml

    from bench.scale import scaled_brands
    from pipelines.config.models import BrandsConfig

    base = yaml.safe_load((Path(__file__).parents[2] / "pipelines/config/brands.yaml").read_text())
    assert make_source(simulator, YouTubeMentions).mention_units() == 8_000  # 5 channels: the run's own cap
    agency = BrandsConfig.model_validate(scaled_brands(base, 100))  # 500 channels x 10 units kept for their reads
    assert make_source(simulator, YouTubeMentions, brands=agency).mention_units() == 10_000 - 500 * 10
    crowded = BrandsConfig.model_validate(scaled_brands(base, 200))  # 1,000 channels: nothing left to search
    source = make_source(simulator, YouTubeMentions, brands=crowded)
    assert source.mention_units() == 0
    assert source.read(END, END) == {"youtube__mention_counts": [], "youtube__mentions": []}
    assert "search.list" not in source.stats.by_endpoint
    assert any("leave no quota for mention searches" in w for w in source.warnings)


def test_youtube_quota_exceeded_is_not_retried(simulator, make_source) -> None:
    simulator.faults.add("status", path_contains="search", status=403, reason="quotaExceeded", times=0)
    source = make_source(simulator, YouTubeMentions)
    with pytest.raises(ApiRateLimitError):
        source.read(END, END)
    assert source.stats.retries == 0
