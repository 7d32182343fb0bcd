"""Benchmarks: `python -m bench` (or `make bench`). Each prints a ratio against a baseline measured in the same
run on the same machine, never an absolute target: timings vary between machines, ratios much less."""

from __future__ import annotations

import argparse
import sys

from bench import loader_throughput


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per load (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; the median is reported")
    args = parser.parse_args(argv)
    result = loader_throughput.run(rows=args.rows, repeat=args.repeat)
    print(result.report())
    return 0 if result.ratio >= loader_throughput.TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
