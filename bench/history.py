"""Nightly cost tracks the day, not the history: one nightly run after a first load of D days and after one of 2·D.

Both runs are `bench.scale.run` (scale 1, the same latency): a fresh warehouse, `socialpulse run` over the first
load's window, then one nightly run (the last day) whose stages come from its Dagster events. The history doubles,
the night's work (the same accounts, one day, the same re-read windows) does not: the nightly run of the longer
history may take at most `TARGET_RATIO` times the shorter one's (issue 14: +20 %). dbt's stage is reported on its
own as well, the part whose cost could grow with the history (its incremental models read only the window).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench import scale

TARGET_RATIO = 1.2


@dataclass
class Result:
    short: scale.Result
    long: scale.Result

    @property
    def ratios(self) -> dict[str, float]:
        s, lg = self.short.stages, self.long.stages
        return {"nightly": lg["nightly"] / s["nightly"], "dbt": lg["dbt"] / s["dbt"]}

    @property
    def ratio(self) -> float:
        return self.ratios["nightly"]

    def as_json(self) -> dict:
        return {
            "days": [self.short.days, self.long.days],
            "latency_ms": self.short.latency_ms,
            "nightly": [self.short.stages["nightly"], self.long.stages["nightly"]],
            "stages": [self.short.stages, self.long.stages],
            "warehouse_mb": [self.short.warehouse_mb, self.long.warehouse_mb],
            "raw_rows": [self.short.raw_rows, self.long.raw_rows],
            "ratios": self.ratios,
            "target_ratio": TARGET_RATIO,
        }

    def report(self) -> str:
        lines = [f"history {self.short.days} -> {self.long.days} days, latency {self.short.latency_ms:.0f} ms:"]
        for result in (self.short, self.long):
            lines.append(
                f"  {result.days:>4} days: nightly {result.stages['nightly']:.1f} s ("
                + ", ".join(f"{k} {result.stages[k]:.1f}" for k in scale.STAGES)
                + f"), warehouse {result.warehouse_mb:.1f} MB, {result.raw_rows:,} raw rows"
            )
        lines.append(
            "  ratios (doubled history / history): "
            + ", ".join(f"{k} {v:.2f}" for k, v in self.ratios.items())
            + f"; target nightly <= {TARGET_RATIO:.2f}"
        )
        return "\n".join(lines)


def run(days: int = 200, latency_ms: float = 150.0) -> Result:
    return Result(
        short=scale.run(scale=1, latency_ms=latency_ms, days=days),
        long=scale.run(scale=1, latency_ms=latency_ms, days=2 * days),
    )
