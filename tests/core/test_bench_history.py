"""The history bench's ratios (bench/history.py): the doubled history's nightly run over the shorter one's."""

from bench import history, scale


def _result(days: int, nightly: float, dbt: float) -> scale.Result:
    result = scale.Result(scale=1, latency_ms=150.0, days=days, brands=5, accounts=30)
    result.stages = {"nightly": nightly, "ingest": 20.0, "dbt": dbt, "alerts": 1.0, "reports": 5.0, "publish": 1.0}
    return result


def test_ratios_are_the_doubled_history_over_the_shorter_one():
    result = history.Result(short=_result(200, 80.0, 40.0), long=_result(400, 90.0, 50.0))
    assert result.ratios == {"nightly": 1.125, "dbt": 1.25}  # 90 / 80, 50 / 40
    assert result.ratio <= history.TARGET_RATIO  # +12.5 % passes the +20 % target
    assert history.Result(short=_result(200, 80.0, 40.0), long=_result(400, 100.0, 40.0)).ratio > 1.2  # +25 %
    figures = result.as_json()
    assert figures["days"] == [200, 400] and figures["nightly"] == [80.0, 90.0]
    assert "200 -> 400 days" in result.report() and "nightly 1.12" in result.report()
