"""Pure evaluation of KPI alert rules over rows of `marts.fct_kpi_daily`.

No I/O here: the sensor, the `make run` CLI and the tests all hand a polars frame, the rules and the dates to
evaluate to `evaluate_rules`, and get back the alerts. Evaluation is per client: a series is one brand on one
platform in one client's view (`client_brand`), so a competitor in two clients' competitive sets is watched, and
alerted, once per client. An alert's id is a hash of rule, (client,) brand, platform and date, so the same
firing always has the same id and the alert store can refuse it a second time.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from sensors.clients import route
from sensors.rules import KPI_LABELS, PERCENT_KPIS, AlertRule

MAD_TO_SIGMA = 1.4826  # makes the median absolute deviation comparable to a standard deviation
KPI_COLUMNS = ("kpi", "client_brand", "brand", "is_own_brand", "platform", "metric_date", "value", "sample_size")
READ_COLUMNS = (*KPI_COLUMNS, "numerator", "denominator")
SERIES = ("client_brand", "brand", "platform")  # one series of a KPI: a brand on a platform in a client's view


def alert_id(rule_name: str, brand: str, platform: str, kpi_date: date, client_brand: str | None = None) -> str:
    """Deterministic id of one firing: the same rule, client, brand, platform and day always give the same id.

    An own brand's alert (client_brand = brand) and a pipeline alert (no client) hash rule|brand|platform|date,
    the key of the single-brand releases, so alerts stored before the upgrade are not raised again; a brand in
    a client's set hashes rule|client|brand|platform|date: a competitor shared by two clients is two alerts.
    """
    parts = [rule_name, brand, platform, kpi_date.isoformat()]
    if client_brand is not None and client_brand != brand:
        parts.insert(1, client_brand)
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:24]


def subject(brand: str, client_brand: str | None) -> str:
    """How messages name a series: the brand, with the client whose view it is when that is another brand."""
    if client_brand and client_brand != brand:
        return f"{brand} (in {client_brand}'s set)"
    return brand


@dataclass(frozen=True)
class Alert:
    alert_id: str
    rule_name: str
    kpi: str
    brand: str
    platform: str
    kpi_date: date
    value: float
    baseline: float | None
    change_pct: float | None
    robust_deviations: float | None
    severity: str
    message: str
    channels: tuple[str, ...] = field(default=())
    sample_size: int | None = None
    client_brand: str | None = None  # the client whose view fired; None for pipeline alerts (runs, freshness)


class _Skip:
    """Marker: the day cannot be judged (too little data or sample, no baseline yet)."""


SKIP = _Skip()
MAX_SKIPPED_DAYS = 7


@dataclass(frozen=True)
class _Finding:
    value: float
    baseline: float | None
    change_pct: float | None
    deviations: float | None
    sample: int | None


class _Series:
    """One KPI for one brand on one platform (in one client's view), indexed by day.

    Rows are (day, value, sample_size, numerator, denominator). For a ratio (denominator given on every day
    of a window) a multi-day mean is sum(numerator) / sum(denominator) x `scale`, as the mart prescribes,
    never the average of daily rates.
    """

    def __init__(self, rows: Iterable[tuple], *, scale: float = 1.0) -> None:
        self.values: dict[date, float] = {}
        self.samples: dict[date, int | None] = {}
        self.ratios: dict[date, tuple[float, float]] = {}
        self.scale = scale
        for day, value, sample, *parts in rows:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            self.values[day] = float(value)
            self.samples[day] = None if sample is None else int(sample)
            if len(parts) == 2 and parts[0] is not None and parts[1]:
                self.ratios[day] = (float(parts[0]), float(parts[1]))
        self.first = min(self.values) if self.values else None
        self._window_cache: dict[tuple[date, int, str], tuple[float, int | None] | None] = {}

    def window(self, end: date, days: int, how: str) -> tuple[float, int | None] | None:
        """Mean or sum of the values in [end - days + 1, end]; None when under half the days have data."""
        cache_key = (end, days, how)
        if cache_key in self._window_cache:
            return self._window_cache[cache_key]
        present = [end - timedelta(days=offset) for offset in range(days)]
        present = [day for day in present if day in self.values]
        result: tuple[float, int | None] | None = None
        if present and len(present) * 2 >= days:
            samples = [self.samples[day] for day in present if self.samples[day] is not None]
            sample = sum(samples) if samples else None  # type: ignore[arg-type]
            values = [self.values[day] for day in present]
            if len(present) == 1:
                aggregate = values[0] * (days if how == "sum" else 1)
            elif how == "mean" and all(day in self.ratios for day in present):
                numerator = sum(self.ratios[day][0] for day in present)
                denominator = sum(self.ratios[day][1] for day in present)
                aggregate = numerator / denominator * self.scale
            elif how == "sum":
                # a sum over missing days is scaled up so a week with one missing day is not a "drop"
                aggregate = sum(values) * days / len(values)
            else:
                aggregate = sum(values) / len(values)
            result = (aggregate, sample)
        self._window_cache[cache_key] = result
        return result


def _enough_sample(rule: AlertRule, sample: int | None) -> bool:
    return rule.min_sample is None or sample is None or sample >= rule.min_sample


def _check(rule: AlertRule, series: _Series, day: date) -> _Finding | _Skip | None:
    """The finding if `rule` holds for `series` on `day`, None if not, SKIP if the day cannot be judged."""
    comparison, threshold = rule.comparison, rule.threshold
    current = series.window(day, comparison.current, rule.aggregate)
    if current is None or not _enough_sample(rule, current[1]):
        return SKIP
    value, sample = current
    baseline: float | None = None
    deviations: float | None = None
    if comparison.type in ("day_over_day", "week_over_week"):
        previous = series.window(day - timedelta(days=comparison.shift), comparison.current, rule.aggregate)
        if previous is None or not _enough_sample(rule, previous[1]):
            return SKIP
        baseline = previous[0]
    elif comparison.type == "trailing_baseline":
        history: list[float] = []
        for offset in range(comparison.window):
            past = series.window(day - timedelta(days=comparison.current + offset), comparison.current, rule.aggregate)
            if past is not None and _enough_sample(rule, past[1]):
                history.append(past[0])
        if len(history) < comparison.min_history:
            return SKIP
        baseline = statistics.median(history)
        mad = statistics.median(abs(x - baseline) for x in history)
        # a perfectly flat history would make any wiggle infinitely many deviations: floor at 1% of the median
        spread = max(MAD_TO_SIGMA * mad, abs(baseline) * 0.01, 1e-12)
        deviations = (value - baseline) / spread
    if baseline is not None and rule.min_baseline is not None and baseline < rule.min_baseline:
        return SKIP
    change_pct = (value - baseline) / abs(baseline) * 100 if baseline else None
    sign = -1.0 if rule.direction == "drop" else 1.0
    if threshold.change_pct is not None and (change_pct is None or sign * change_pct < threshold.change_pct):
        return None
    if threshold.robust_deviations is not None and (
        deviations is None or sign * deviations < threshold.robust_deviations
    ):
        return None
    if threshold.absolute_floor is not None and not value < threshold.absolute_floor:
        return None
    return _Finding(value, baseline, change_pct, deviations, sample)


def _fires(rule: AlertRule, series: _Series, day: date, memo: dict[date, _Finding | _Skip | None]) -> _Finding | None:
    def raw(d: date) -> _Finding | _Skip | None:
        if d not in memo:
            memo[d] = _check(rule, series, d)
        return memo[d]

    def check(d: date) -> _Finding | None:
        """The finding on d if the condition also held on the persist_days - 1 judgeable days before."""
        finding = raw(d)
        if not isinstance(finding, _Finding):
            return None
        needed, cursor = rule.persist_days - 1, d
        gap = 0
        while needed > 0:
            cursor -= timedelta(days=1)
            previous = raw(cursor)
            if previous is None:
                return None
            if previous is SKIP:
                gap += 1  # a day without enough data neither confirms nor breaks the streak
                if gap > MAX_SKIPPED_DAYS or series.first is None or cursor < series.first:
                    return None
                continue
            needed -= 1
        return finding

    finding = check(day)
    if finding is None or rule.repeat_after_days is None:
        return finding
    # fire on the first day of a streak and again every repeat_after_days while it lasts
    streak = 1
    previous = day - timedelta(days=1)
    while series.first is not None and previous >= series.first and check(previous) is not None:
        streak += 1
        previous -= timedelta(days=1)
    return finding if (streak - 1) % rule.repeat_after_days == 0 else None


def _select_series(frame: pl.DataFrame, rule: AlertRule) -> pl.DataFrame:
    """The rows the rule watches. `brands` selects within each client's view (own: the client itself,
    competitors: its competitive set), `clients` which views."""
    rows = frame.filter(pl.col("kpi") == rule.kpi)
    if rule.clients is not None:
        rows = rows.filter(pl.col("client_brand").is_in(rule.clients))
    if rule.brands == "own":
        rows = rows.filter(pl.col("is_own_brand"))
    elif rule.brands == "competitors":
        rows = rows.filter(~pl.col("is_own_brand"))
    elif isinstance(rule.brands, list):
        rows = rows.filter(pl.col("brand").is_in(rule.brands))
    if rule.platforms == "each":
        rows = rows.filter(pl.col("platform") != "all")
    elif isinstance(rule.platforms, list):
        rows = rows.filter(pl.col("platform").is_in(rule.platforms))
    return rows


def influence_days(rule: AlertRule) -> int:
    """How many days after a day its value can still change what `rule` finds: the current window, the baseline
    behind it, the days a condition must persist (with skipped days) and the repeat rhythm of a streak. A changed
    value on day d is re-checked on d .. d + influence_days(rule)."""
    comparison = rule.comparison
    current = comparison.current
    # how far back the baseline reaches: the oldest trailing window ends current + window - 1 days back
    behind = current + comparison.window - 1 if comparison.type == "trailing_baseline" else comparison.shift
    reach = current - 1 + behind
    if rule.persist_days > 1:
        reach += rule.persist_days - 1 + MAX_SKIPPED_DAYS
    return reach + (rule.repeat_after_days or 0)


def evaluate_rules(
    frame: pl.DataFrame,
    rules: Sequence[AlertRule],
    dates: Iterable[date] | None = None,
    *,
    scope: Mapping[tuple[str, str, str], Collection[date]] | None = None,
    client_channels: Mapping[str, Sequence[str]] | None = None,
) -> list[Alert]:
    """Every firing of `rules` on `dates` (default: every date in `frame`), ordered by date, rule, series.

    `frame` holds rows of `marts.fct_kpi_daily` (at least the columns of `KPI_COLUMNS`) including the history
    the baselines need; only the dates asked for are evaluated. `scope` narrows that per rule, client and
    platform: {(rule name, client brand, platform): dates}; a series not in it is not evaluated. An alert goes
    to its rule's channels plus its client's `client_channels` (see sensors.clients.route).
    """
    missing = [column for column in KPI_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"fct_kpi_daily frame lacks columns {missing}")
    wanted = sorted(set(dates)) if dates is not None else sorted(set(frame["metric_date"].to_list()))
    if not wanted:
        return []
    ratio_columns = [c for c in ("numerator", "denominator") if c in frame.columns]
    samples = frame if any(rule.sample_kpi for rule in rules) else None
    alerts: list[Alert] = []
    for rule in rules:
        if not rule.enabled:
            continue
        selected = _select_series(frame, rule).sort(*SERIES, "metric_date")
        for (client, brand, platform), rows in selected.group_by(list(SERIES), maintain_order=True):
            if rule.sample_kpi is not None and samples is not None:
                rows = rows.join(
                    samples.filter(pl.col("kpi") == rule.sample_kpi).select(
                        *SERIES, "metric_date", pl.col("value").alias("_sample_from_kpi")
                    ),
                    on=[*SERIES, "metric_date"],
                    how="left",
                ).with_columns(
                    pl.coalesce("sample_size", pl.col("_sample_from_kpi").round().cast(pl.Int64)).alias("sample_size")
                )
            scale = 100.0 if rule.kpi in PERCENT_KPIS else 1.0
            series = _Series(
                rows.select("metric_date", "value", "sample_size", *ratio_columns).iter_rows(), scale=scale
            )
            memo: dict[date, _Finding | _Skip | None] = {}
            key = (rule.name, str(client), str(platform))
            days = wanted if scope is None else sorted(set(scope.get(key, ())) & set(wanted))
            channels = route(rule.channels, (client_channels or {}).get(str(client), ()))
            for day in days:
                finding = _fires(rule, series, day, memo)
                if finding is not None:
                    alerts.append(_alert(rule, str(client), str(brand), str(platform), day, finding, channels))
    alerts.sort(key=lambda a: (a.kpi_date, a.rule_name, a.client_brand or "", a.brand, a.platform))
    return alerts


def format_value(kpi: str, value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if kpi in PERCENT_KPIS:
        return f"{value:.2f}%"
    if abs(value - round(value)) < 1e-9 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def describe_baseline(rule: AlertRule) -> str:
    comparison = rule.comparison
    current = comparison.current
    span = "" if current == 1 else f" ({rule.aggregate} of {current} days)"
    if comparison.type == "trailing_baseline":
        return f"{comparison.window}-day median{span}"
    if comparison.type == "day_over_day":
        return f"the day before{span}"
    if comparison.type == "week_over_week":
        return f"the week before{span}"
    return "no baseline"


def _alert(
    rule: AlertRule, client: str, brand: str, platform: str, day: date, finding: _Finding, channels: tuple[str, ...]
) -> Alert:
    label = KPI_LABELS.get(rule.kpi, rule.kpi)
    where = "all platforms" if platform == "all" else platform
    value_text = format_value(rule.kpi, finding.value)
    who = subject(brand, client)
    if finding.baseline is not None and finding.change_pct is not None:
        verb = "fell" if finding.change_pct < 0 else "rose"
        message = (
            f"{label} for {who} on {where} {verb} {abs(finding.change_pct):.1f}% on {day.isoformat()}: "
            f"{value_text} vs {format_value(rule.kpi, finding.baseline)} ({describe_baseline(rule)})"
        )
        if finding.deviations is not None:
            side = "below" if finding.deviations < 0 else "above"
            message += f", {abs(finding.deviations):.1f} robust deviations {side}"
    else:
        message = (
            f"{label} for {who} on {where} is {value_text} on {day.isoformat()}, "
            f"below the floor of {format_value(rule.kpi, rule.threshold.absolute_floor)}"
        )
    if finding.sample is not None:
        message += f" (sample {finding.sample})"
    message += f". Rule {rule.name}, severity {rule.severity}."
    return Alert(
        alert_id=alert_id(rule.name, brand, platform, day, client),
        rule_name=rule.name,
        kpi=rule.kpi,
        brand=brand,
        platform=platform,
        kpi_date=day,
        value=finding.value,
        baseline=finding.baseline,
        change_pct=finding.change_pct,
        robust_deviations=finding.deviations,
        severity=rule.severity,
        message=message,
        channels=channels,
        sample_size=finding.sample,
        client_brand=client,
    )
