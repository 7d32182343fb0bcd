"""Mention sentiment from the raw mentions to the KPI, through the real dbt build of the sample warehouse."""

import pytest
from dbt_sample_data import JAVA, OWN

from pipelines.sentiment import score_text

pytestmark = pytest.mark.slow


def test_every_mention_is_scored_by_the_python_scorer(query):
    rows = query("select mention_text, sentiment, sentiment_score from intermediate.int_mentions_scored")
    assert len(rows) == 4
    for row in rows:
        expected = score_text(row["mention_text"])
        assert (row["sentiment"], row["sentiment_score"]) == (expected.label, expected.score)


def test_the_mentions_mart_lists_every_mention_with_its_sentiment(query):
    rows = query("select * from marts.fct_mentions order by mention_id")
    assert [(r["mention_id"], r["brand"], r["is_own_brand"], r["sentiment"]) for r in rows] == [
        ("m1", OWN, True, score_text("Kopi Nusantara promo hari ini, mantap").label),
        ("m2", OWN, True, "negative"),
        ("m3", OWN, True, "neutral"),
        ("m4", JAVA, False, "positive"),
    ]


def test_sentiment_mart_and_kpi(query):
    rows = {
        (r["brand"], r["platform"]): r
        for r in query("select * from marts.fct_mention_sentiment where metric_date = '2026-03-11'")
    }
    own = rows[OWN, "x"]
    # "gak enak, pesanan salah terus" is negative, "buka jam berapa?" neutral
    assert (own["mentions_analysed"], own["negative_mentions"], own["neutral_mentions"]) == (2, 1, 1)
    assert own["net_sentiment"] == -100.0 and own["negative_share_pct"] == 50.0
    assert rows[JAVA, "x"]["positive_mentions"] == 1
    # share of voice 2 / 3; weighted: Own 0.5 of (0.5 + 1)
    assert own["share_of_voice_pct"] == pytest.approx(200 / 3)
    assert own["sentiment_weighted_share_of_voice_pct"] == pytest.approx(100 / 3)
    assert rows[OWN, "all"]["mentions_analysed"] == 2
    (kpi,) = query(
        "select * from marts.fct_kpi_daily where kpi = 'negative_mention_spike' and brand = ? and platform = 'all'"
        " and metric_date = '2026-03-11'",
        OWN,
    )
    assert (kpi["value"], kpi["numerator"], kpi["denominator"], kpi["sample_size"]) == (50.0, 1, 2, 2)
    assert kpi["day_basis"] == "partition_day"
