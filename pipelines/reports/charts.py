"""The report's charts, drawn with matplotlib (Agg, no display) as PNG: one image format that the HTML embeds,
e-mail clients show (inline, by Content-ID) and the PDF places. Each chart keeps the data behind it, so the
HTML can show it as a table and tests can read what was drawn."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

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
    """One rendered chart: the PNG, a text alternative and the number of data points drawn."""

    key: str
    title: str
    png: bytes
    alt: str
    points: int
    marks: list[str] = field(default_factory=list)  # what is highlighted (alert days), for readers and tests
    series: dict[str, list[tuple[dt.date, float]]] = field(default_factory=dict)  # drawn lines, by platform (or brand)

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
    columns = 2 if len(platforms) > 1 else 1
    rows = max(1, (len(platforms) + columns - 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(9.0, 1.75 * rows + 0.5), dpi=DPI, squeeze=False, sharex=True)
    points, marks, series = 0, [], {}
    first, last = (data["metric_date"].min(), data["metric_date"].max()) if data.height else (None, None)
    for index, ax in enumerate(axes.flat):
        if index >= len(platforms):
            ax.axis("off")
            continue
        platform = platforms[index]
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        rows_ = data.filter(pl.col("platform") == platform).sort("metric_date")
        days, values = rows_["metric_date"].to_list(), rows_[value_column].to_list()
        if shade is not None:
            ax.axvspan(shade[0], shade[1], color="#f3f0ff", zorder=0)
        ax.plot(days, values, color=PLATFORM_COLORS.get(platform), linewidth=1.6)
        points += len(values)
        series[platform] = list(zip(days, values, strict=True))
        by_day = dict(series[platform])
        for day, alert_platform in alerts:
            if alert_platform == platform and day in by_day:
                ax.plot([day], [by_day[day]], marker="v", markersize=10, color=ALERT_COLOR, zorder=5)
                marks.append(f"{platform_label(platform)} alert on {day.isoformat()}")
        ax.set_title(platform_label(platform), fontsize=9, loc="left")
        ax.set_ylim(bottom=0, top=max(values) * 1.15 if values and max(values) > 0 else 1)
        ax.tick_params(labelsize=7)
        _date_axis(ax, first, last)
    fig.supylabel(unit, fontsize=8)
    alt = f"{title}: {points} daily values for {len(platforms)} platform(s)"
    if marks:
        alt += "; " + "; ".join(marks)
    return Chart(key, title, _png(fig), alt, points, marks, series)


def brand_share_lines(key: str, title: str, frame: pl.DataFrame, own_brand: str) -> Chart:
    """Share of voice per brand over periods; the own brand drawn thick."""
    fig, ax = _figure()
    brands = sorted(frame["brand"].unique().to_list(), key=lambda b: (b != own_brand, b)) if frame.height else []
    points, series = 0, {}
    for index, brand in enumerate(brands):
        rows = frame.filter(pl.col("brand") == brand).sort("period_start")
        series[brand] = list(zip(rows["period_start"].to_list(), rows["share_pct"].to_list(), strict=True))
        own = brand == own_brand
        ax.plot(
            rows["period_start"].to_list(),
            rows["share_pct"].to_list(),
            label=brand,
            color=BRAND_PALETTE[index % len(BRAND_PALETTE)],
            linewidth=3.0 if own else 1.4,
            marker="o" if rows.height <= 16 else None,
            markersize=3.5,
        )
        points += rows.height
    ax.set_ylabel("share of voice, %")
    ax.set_ylim(bottom=0)
    if points:
        _date_axis(ax, frame["period_start"].min(), frame["period_start"].max())
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    return Chart(key, title, _png(fig), f"{title}: {points} values for {len(brands)} brands", points, series=series)


def grouped_bars(
    key: str, title: str, frame: pl.DataFrame, group: str, series: str, value: str, unit: str, own: str | None
) -> Chart:
    """Bars of `value` per `group` (x axis), one bar per `series` in each group; the own series outlined."""
    fig, ax = _figure(height=3.6)
    groups = sorted(frame[group].unique().to_list()) if frame.height else []
    names = sorted(frame[series].unique().to_list(), key=lambda s: (s != own, s)) if frame.height else []
    width = 0.8 / max(len(names), 1)
    points = 0
    for index, name in enumerate(names):
        rows = {r[group]: r[value] for r in frame.filter(pl.col(series) == name).iter_rows(named=True)}
        heights = [rows.get(g) or 0 for g in groups]
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
        points += sum(1 for g in groups if rows.get(g) is not None)
    ax.set_xticks(np.arange(len(groups)), [platform_label(g) for g in groups])
    ax.set_ylabel(unit)
    if points:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    return Chart(key, title, _png(fig), f"{title}: {points} bars", points)


def horizontal_bars(key: str, title: str, labels: list[str], values: list[float | None], unit: str) -> Chart:
    fig, ax = _figure(height=max(2.0, 0.32 * len(labels) + 1.0))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    shown = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    if shown:
        ax.barh([s[0] for s in shown][::-1], [s[1] for s in shown][::-1], color="#4C6085")
    else:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#888")
    ax.set_xlabel(unit)
    return Chart(key, title, _png(fig), f"{title}: {len(shown)} bars", len(shown))


def goal_bars(key: str, title: str, goals: pl.DataFrame) -> Chart:
    """Each goal's pace: the actual value as a percentage of where the goal's straight line stands (100 = on
    pace), against a line at 100."""
    fig, ax = _figure(height=max(2.0, 0.55 * goals.height + 1.0))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    labels = goals["goal_id"].to_list()
    paces = goals["goal_pace_pct"].to_list()
    shown = [(label, pace) for label, pace in zip(labels, paces, strict=True) if pace is not None]
    colors = ["#76B041" if pace >= 100 else "#E4572E" for _, pace in shown]
    ax.barh([s[0] for s in shown], [s[1] for s in shown], color=colors)
    ax.axvline(100, color="#444", linestyle="--", linewidth=1)
    ax.set_xlabel("pace, % of where the goal should be today (100 = on pace)")
    ax.invert_yaxis()
    if not shown:
        ax.text(0.5, 0.5, "no goal has data yet", transform=ax.transAxes, ha="center", color="#888")
    return Chart(key, title, _png(fig), f"{title}: {len(shown)} of {len(labels)} goals with a pace", len(shown))


def best_time_heat_map(key: str, title: str, slots: pl.DataFrame) -> Chart:
    """Lift of each local weekday x hour against the platform's median, one small panel per platform; slots
    with too few posts are left grey (not ranked)."""
    platforms = sorted(slots["platform"].unique().to_list()) if slots.height else []
    columns = 2
    rows = max(1, (len(platforms) + columns - 1) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(9.0, 2.1 * rows + 0.6), dpi=DPI, squeeze=False, gridspec_kw={"hspace": 0.55}
    )
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#eeeeee")
    points, image = 0, None
    for index, ax in enumerate(axes.flat):
        if index >= len(platforms):
            ax.axis("off")
            continue
        platform = platforms[index]
        grid = np.full((7, 24), np.nan)
        for row in slots.filter(pl.col("platform") == platform).iter_rows(named=True):
            if row["is_sufficient_sample"] and row["lift_pct"] is not None:
                grid[row["weekday"] - 1, row["hour_of_day"]] = row["lift_pct"]
                points += 1
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
    alt = f"{title}: {points} weekday-hour slots with enough posts over {len(platforms)} platforms"
    return Chart(key, title, buffer.getvalue(), alt, points)
