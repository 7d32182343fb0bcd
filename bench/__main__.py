"""Benchmarks: `python -m bench` (or `make bench`). Each prints a ratio against a baseline measured in the same
run on the same machine, never an absolute target: timings vary between machines, ratios much less.

`python -m bench sentiment` prints the sentiment evaluation instead (precision and recall per class, language and
difficulty on the labelled samples in bench/data/); it exits 1 when a class falls under its floor.
"""

from __future__ import annotations

import argparse
import sys

from bench import loader_throughput


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmark", nargs="?", default="loader", choices=("loader", "sentiment"), help="what to run (default loader)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="loader: rows per load (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="loader: repetitions; the median is reported")
    parser.add_argument("--errors", action="store_true", help="sentiment: list the misclassified texts too")
    args = parser.parse_args(argv)
    if args.benchmark == "sentiment":
        from bench import sentiment

        failing = []
        for path in (sentiment.SAMPLE, sentiment.HOLDOUT):
            print(sentiment.report(path) + "\n")
            if args.errors:
                for example, predicted, score in sentiment.misclassified(path):
                    print(f"  {example.label:>8} -> {predicted:<8} {score:+.3f}  {example.text}")
                print()
            failing += sentiment.below_floor(path)
        return 1 if failing else 0
    result = loader_throughput.run(rows=args.rows, repeat=args.repeat)
    print(result.report())
    return 0 if result.ratio >= loader_throughput.TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
