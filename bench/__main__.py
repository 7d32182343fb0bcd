"""Benchmarks: `python -m bench` (or `make bench`) runs them all; `python -m bench loader` or
`python -m bench first-load` one. Each prints a ratio against a baseline measured in the same run on the same
machine, never an absolute target: timings vary between machines, ratios much less. The exit code is 1 when a
ratio misses its target.

`python -m bench scale` and `python -m bench history` (nightly runs at N times today's brands, and after a
history twice as long) run `socialpulse run` end to end and take minutes; they run only when named.

`python -m bench sentiment` prints the sentiment evaluation instead (precision and recall per class, language and
difficulty on the labelled samples in bench/data/); it exits 1 when a class falls under its floor."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bench import first_load, history, loader_throughput, scale


def _loader(args: argparse.Namespace) -> bool:
    result = loader_throughput.run(rows=args.rows, repeat=args.runs)
    print(result.report(), flush=True)
    return result.ratio >= loader_throughput.TARGET_RATIO


def _first_load(args: argparse.Namespace) -> bool:
    result = first_load.run(days=args.days, storage_events=args.storage_events, repeat=args.runs)
    print(result.report(), flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result.as_json(), indent=2))
    return result.ratio <= first_load.TARGET_RATIO


def _scale(args: argparse.Namespace) -> bool:
    result = scale.run(scale=args.scale, latency_ms=args.latency_ms, days=args.days)
    print(result.report(), flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result.as_json(), indent=2))
    return True  # figures for the note; the targets of issue 14 are judged on them, not here


def _history(args: argparse.Namespace) -> bool:
    result = history.run(days=args.days, latency_ms=args.latency_ms)
    print(result.report(), flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result.as_json(), indent=2))
    return result.ratio <= history.TARGET_RATIO


def _sentiment(args: argparse.Namespace) -> bool:
    from bench import sentiment

    failing = []
    for path in (sentiment.SAMPLE, sentiment.HOLDOUT):
        print(sentiment.report(path) + "\n")
        if args.errors:
            for example, predicted, score in sentiment.misclassified(path):
                print(f"  {example.label:>8} -> {predicted:<8} {score:+.3f}  {example.text}")
            print()
        failing += sentiment.below_floor(path)
    return not failing


def _add_loader_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per load (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; the median is reported")


def _add_first_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=400, help="days of the first load (default 400, as make run)")
    parser.add_argument(
        "--storage-events",
        type=int,
        default=2_000,
        help="materialization events of the run written again into each event storage (0: skip; default 2,000)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--runs", type=int, default=1, help="first load: runs of each path, interleaved; medians")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="bench")
    loader = sub.add_parser("loader", help=loader_throughput.__doc__.splitlines()[0])
    _add_loader_arguments(loader)
    loader.set_defaults(func=_loader)
    load = sub.add_parser("first-load", help=first_load.__doc__.splitlines()[0])
    _add_first_load_arguments(load)
    load.set_defaults(func=_first_load)
    scaled = sub.add_parser("scale", help=scale.__doc__.splitlines()[0])
    scaled.add_argument("--scale", type=int, default=1, help="brand sets (1 = today's configuration)")
    scaled.add_argument("--latency-ms", type=float, default=150.0, help="simulator latency per request (150)")
    scaled.add_argument("--days", type=int, default=30, help="days of the first load (default 30)")
    scaled.add_argument("--json", help="also write the figures to this JSON file")
    scaled.set_defaults(func=_scale)
    doubled = sub.add_parser("history", help=history.__doc__.splitlines()[0])
    doubled.add_argument("--days", type=int, default=200, help="days of the shorter history (default 200)")
    doubled.add_argument("--latency-ms", type=float, default=150.0, help="simulator latency per request (150)")
    doubled.add_argument("--json", help="also write the figures to this JSON file")
    doubled.set_defaults(func=_history)
    evaluation = sub.add_parser("sentiment", help="the sentiment evaluation (docs/sentiment.md)")
    evaluation.add_argument("--errors", action="store_true", help="list the misclassified texts too")
    evaluation.set_defaults(func=_sentiment)
    _add_loader_arguments(parser)
    _add_first_load_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the clients' warnings are the runs' business, not the bench's
    if args.bench:
        return 0 if args.func(args) else 1
    passed = [_loader(args), _first_load(args)]  # every bench, even after one missed
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
