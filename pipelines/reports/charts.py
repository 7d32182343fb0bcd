"""The report's charts, drawn with matplotlib (Agg, no display) as PNG: one image format that the HTML embeds,
e-mail clients show (inline, by Content-ID) and the PDF places. Each chart keeps the data behind it, so the
HTML can show it as a table and tests can read what was drawn.

A chart is described first and drawn when its PNG is first read: `Chart.draw` is a module-level function over
plain data (picklable, so a worker process can draw it), a chart with nothing to draw is never drawn, and an
unchanged report (render.py) reads none of its charts' PNGs."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

PLATFORM_COLORS = {
    "facebook": "#1877F2",
    "instagram": "#C13584",
    "x": "#14171A",
    "linkedin": "#0A66C2",
    "youtube": "#FF0000",
    "tiktok": "#25C2B9",
}
BRAND_PALETTE = ("#E4572E", "#17BEBB", "#FFC914", "#76B041", "#8E6C8A", "#2E282A", "#4C6085", "#D4A373")
ALERT_COLOR = "#D7263D"
DPI = 110
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Chart:
    """One chart: how to draw it, a text alternative and the number of data points drawn; the PNG is drawn on
    first use."""

    key: str
    title: str
    draw: Callable[[], bytes]  # a partial of a module-level function over plain data (picklable)
    alt: str
    points: int
    marks: list[str] = field(default_factory=list)  # what is highlighted (alert days), for readers and tests
    series: dict[str, list[tuple[dt.date, float]]] = field(default_factory=dict)  # drawn lines, by platform (or brand)
    _png: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def png(self) -> bytes:
        if self._png is None:
            self._png = self.draw()
        return self._png

    def reuse(self, png: bytes | None) -> None:
        """Take the PNG of a chart with the same inputs (drawn for another report of the client), if any."""
        if png is not None and self._png is None:
            self._png = png

    def forget(self) -> None:
        """Drop the PNG (drawn again if read again): a run over hundreds of reports keeps none of their images."""
        self._png = None

    @property
    def inputs(self) -> str:
        """What the drawing depends on, as text (for the report's content hash): the function and its data."""
        draw = self.draw
        if isinstance(draw, partial):
            return f"{draw.func.__module__}.{draw.func.__qualname__}{draw.args!r}{sorted(draw.keywords.items())!r}"
        return repr(draw)

    @property
    def content_id(self) -> str:
        return f"chart-{self.key}@socialpulse"


def platform_label(platform: str) -> str:
    return {"x": "X", "linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok"}.get(
        platform, platform.capitalize()
    )


def _figure(width: float = 8.0, height: float = 3.4):
    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _date_axis(ax, first: dt.date, last: dt.date) -> None:
    days = (last - first).days + 1
    locator = mdates.DayLocator(interval=1 if days <= 10 else 7 if days <= 70 else 14)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    if days == 1:  # one day: matplotlib would widen the axis to years (thousands of day ticks)
        ax.set_xlim(first - dt.timedelta(days=1), last + dt.timedelta(days=1))


def daily_lines(
    key: str,
    title: str,
    frame: pl.DataFrame,
    value_column: str,
    unit: str,
    *,
    alerts: Sequence[tuple[dt.date, str]] = (),
    shade: tuple[dt.date, dt.date] | None = None,
) -> Chart:
    """One small panel per platform (each on its own scale, so a drop on a small platform shows); `alerts`
    (day, platform) are marked on their platform's line and `shade` highlights the report period."""
    data = frame.filter(pl.col(value_column).is_not_null())
    platforms = sorted(data["platform"].unique().to_list()) if data.height else []
    points, marks, series, panels = 0, [], {}, []
    first, last = (data["metric_date"].min(), data["metric_date"].max()) if data.height else (None, None)
    for platform in platforms:
        rows_ = data.filter(pl.col("platform") == platform).sort("metric_date")
        days, values = rows_["metric_date"].to_list(), rows_[value_column].to_list()
        points += len(values)
        series[platform] = list(zip(days, values, strict=True))
        by_day = dict(series[platform])
        alert_points = []
        for day, alert_platform in alerts:
            if alert_platform == platform and day in by_day:
                alert_points.append((day, by_day[day]))
                marks.append(f"{platform_label(platform)} alert on {day.isoformat()}")
        panels.append((platform, days, values, alert_points))
    alt = f"{title}: {points} daily values for {len(platforms)} platform(s)"
    if marks:
        alt += "; " + "; ".join(marks)
    draw = partial(_draw_daily_lines, panels, first, last, unit, shade)
    return Chart(key, title, draw, alt, points, marks, series)


def _draw_daily_lines(
    panels: list[tuple[str, list[dt.date], list[float], list[tuple[dt.date, float]]]],
    first: dt.date | None,
    last: dt.date | None,
    unit: str,
    shade: tuple[dt.date, dt.date] | None,
) -> bytes:
    columns = 2 if len(panels) > 1 else 1
    rows = max(1, (len(panels) + columns - 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(9.0, 1.75 * rows + 0.5), dpi=DPI, squeeze=False, sharex=True)
    for index, ax in enumerate(axes.flat):
        if index >= len(panels):
            ax.axis("off")
            continue
        platform, days, values, alert_points = panels[index]
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        if shade is not None:
            ax.axvspan(shade[0], shade[1], color="#f3f0ff", zorder=0)
        ax.plot(days, values, color=PLATFORM_COLORS.get(platform), linewidth=1.6)
        for day, value in alert_points:
            ax.plot([day], [value], marker="v", markersize=10, color=ALERT_COLOR, zorder=5)
        ax.set_title(platform_label(platform), fontsize=9, loc="left")
        ax.set_ylim(bottom=0, top=max(values) * 1.15 if values and max(values) > 0 else 1)
        ax.tick_params(labelsize=7)
        _date_axis(ax, first, last)
    fig.supylabel(unit, fontsize=8)
    return _png(fig)


def brand_share_lines(key: str, title: str, frame: pl.DataFrame, own_brand: str) -> Chart:
    """Share of voice per brand over periods; the own brand drawn thick."""
    brands = sorted(frame["brand"].unique().to_list(), key=lambda b: (b != own_brand, b)) if frame.height else []
    points, series = 0, {}
    for brand in brands:
        rows = frame.filter(pl.col("brand") == brand).sort("period_start")
        series[brand] = list(zip(rows["period_start"].to_list(), rows["share_pct"].to_list(), strict=True))
        points += rows.height
    span = (frame["period_start"].min(), frame["period_start"].max()) if points else None
    draw = partial(_draw_brand_share_lines, [(brand, series[brand]) for brand in brands], own_brand, span)
    return Chart(key, title, draw, f"{title}: {points} values for {len(brands)} brands", points, series=series)


def _draw_brand_share_lines(
    lines: list[tuple[str, list[tuple[dt.date, float]]]], own_brand: str, span: tuple[dt.date, dt.date] | None
) -> bytes:
    fig, ax = _figure()
    for index, (brand, values) in enumerate(lines):
        own = brand == own_brand
        ax.plot(
            [period for period, _ in values],
            [share for _, share in values],
            label=brand,
            color=BRAND_PALETTE[index % len(BRAND_PALETTE)],
            linewidth=3.0 if own else 1.4,
            marker="o" if len(values) <= 16 else None,
            markersize=3.5,
        )
    ax.set_ylabel("share of voice, %")
    ax.set_ylim(bottom=0)
    if span is not None:
        _date_axis(ax, *span)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    return _png(fig)


def grouped_bars(
    key: str, title: str, frame: pl.DataFrame, group: str, series: str, value: str, unit: str, own: str | None
) -> Chart:
    """Bars of `value` per `group` (x axis), one bar per `series` in each group; the own series outlined."""
    groups = sorted(frame[group].unique().to_list()) if frame.height else []
    names = sorted(frame[series].unique().to_list(), key=lambda s: (s != own, s)) if frame.height else []
    points, bars = 0, []
    for name in names:
        rows = {r[group]: r[value] for r in frame.filter(pl.col(series) == name).iter_rows(named=True)}
        bars.append((name, [rows.get(g) or 0 for g in groups]))
        points += sum(1 for g in groups if rows.get(g) is not None)
    draw = partial(_draw_grouped_bars, groups, bars, unit, own, points > 0)
    return Chart(key, title, draw, f"{title}: {points} bars", points)


def _draw_grouped_bars(
    groups: list[str], bars: list[tuple[str, list[float]]], unit: str, own: str | None, has_points: bool
) -> bytes:
    fig, ax = _figure(height=3.6)
    width = 0.8 / max(len(bars), 1)
    for index, (name, heights) in enumerate(bars):
        positions = np.arange(len(groups)) + index * width - 0.4 + width / 2
        ax.bar(
            positions,
            heights,
            width,
            label=name,
            color=BRAND_PALETTE[index % len(BRAND_PALETTE)],
            edgecolor="black" if name == own else "none",
            linewidth=1.2,
        )
    ax.set_xticks(np.arange(len(groups)), [platform_label(g) for g in groups])
    ax.set_ylabel(unit)
    if has_points:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    return _png(fig)


def horizontal_bars(key: str, title: str, labels: list[str], values: list[float | None], unit: str) -> Chart:
    shown = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    draw = partial(_draw_horizontal_bars, len(labels), shown, unit)
    return Chart(key, title, draw, f"{title}: {len(shown)} bars", len(shown))


def _draw_horizontal_bars(labels: int, shown: list[tuple[str, float]], unit: str) -> bytes:
    fig, ax = _figure(height=max(2.0, 0.32 * labels + 1.0))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    if shown:
        ax.barh([s[0] for s in shown][::-1], [s[1] for s in shown][::-1], color="#4C6085")
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    ax.set_xlabel(unit)
    return _png(fig)


def goal_bars(key: str, title: str, goals: pl.DataFrame) -> Chart:
    """Each goal's pace: the actual value as a percentage of where the goal's straight line stands (100 = on
    pace), against a line at 100."""
    labels = goals["goal_id"].to_list()
    paces = goals["goal_pace_pct"].to_list()
    shown = [(label, pace) for label, pace in zip(labels, paces, strict=True) if pace is not None]
    draw = partial(_draw_goal_bars, goals.height, shown)
    return Chart(key, title, draw, f"{title}: {len(shown)} of {len(labels)} goals with a pace", len(shown))


def _draw_goal_bars(goals: int, shown: list[tuple[str, float]]) -> bytes:
    fig, ax = _figure(height=max(2.0, 0.55 * goals + 1.0))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    colors = ["#76B041" if pace >= 100 else "#E4572E" for _, pace in shown]
    ax.barh([s[0] for s in shown], [s[1] for s in shown], color=colors)
    ax.axvline(100, color="#444", linestyle="--", linewidth=1)
    ax.set_xlabel("pace, % of where the goal should be today (100 = on pace)")
    ax.invert_yaxis()
    if not shown:
        ax.text(0.5, 0.5, "no goal has data yet", transform=ax.transAxes, ha="center", color="#888")
    return _png(fig)


def best_time_heat_map(key: str, title: str, slots: pl.DataFrame) -> Chart:
    """Lift of each local weekday x hour against the platform's median, one small panel per platform; slots
    with too few posts are left grey (not ranked)."""
    platforms = sorted(slots["platform"].unique().to_list()) if slots.height else []
    points, grids = 0, []
    for platform in platforms:
        lifts = []  # (weekday index, hour, lift)
        for row in slots.filter(pl.col("platform") == platform).iter_rows(named=True):
            if row["is_sufficient_sample"] and row["lift_pct"] is not None:
                lifts.append((row["weekday"] - 1, row["hour_of_day"], row["lift_pct"]))
                points += 1
        grids.append((platform, lifts))
    alt = f"{title}: {points} weekday-hour slots with enough posts over {len(platforms)} platforms"
    return Chart(key, title, partial(_draw_best_time_heat_map, grids), alt, points)


def _draw_best_time_heat_map(grids: list[tuple[str, list[tuple[int, int, float]]]]) -> bytes:
    columns = 2
    rows = max(1, (len(grids) + columns - 1) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(9.0, 2.1 * rows + 0.6), dpi=DPI, squeeze=False, gridspec_kw={"hspace": 0.55}
    )
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#eeeeee")
    image = None
    for index, ax in enumerate(axes.flat):
        if index >= len(grids):
            ax.axis("off")
            continue
        platform, lifts = grids[index]
        grid = np.full((7, 24), np.nan)
        for weekday, hour, lift in lifts:
            grid[weekday, hour] = lift
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-60, vmax=60, aspect="auto")
        ax.set_title(platform_label(platform), fontsize=9, loc="left")
        ax.set_yticks(range(7), WEEKDAYS, fontsize=7)
        ax.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)], fontsize=7)
    if image is not None:
        bar = fig.colorbar(image, ax=axes, shrink=0.8, pad=0.02)
        bar.set_label("lift vs platform median, %", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
