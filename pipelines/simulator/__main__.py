"""`python -m pipelines.simulator`: serve the simulated platforms on 127.0.0.1 until interrupted."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from pipelines.errors import ConfigError
from pipelines.simulator.faults import KINDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.simulator",
        description="Offline simulator of the social platform APIs socialpulse reads (Meta Graph, X, YouTube, "
        "LinkedIn, TikTok, Google Trends, RSS/Atom). A real URL https://HOST/PATH is served at "
        "http://HOST:PORT/HOST/PATH.",
        epilog="Faults: --fault 'status=500,path=/insights,times=3', --fault 'slow=2,path=/media', "
        "--fault 'expired_token,path=api.x.com', --fault 'missing_field=like_count'. Kinds: "
        + ", ".join(KINDS)
        + ". At run time: POST /_simulator/faults (JSON), DELETE to clear; GET /_simulator/stats; "
        'POST /_simulator/clock {"now": ISO} or {"advance_seconds": s}; '
        'POST /_simulator/usage {"calls": n, "window_seconds": s} (Meta usage headers fill up).',
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    parser.add_argument("--seed", type=int, default=0, help="world seed: same seed, same data (default 0)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the simulated today, YYYY-MM-DD (default: the real date); history ends yesterday",
    )
    parser.add_argument("--days", type=int, default=400, help="days of history (default 400)")
    parser.add_argument("--brands", type=Path, default=None, help="brands.yaml (default: the configured one)")
    parser.add_argument("--settings", type=Path, default=None, help="settings.yaml (feeds, timezone)")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC", help="inject a fault (repeatable)")
    parser.add_argument(
        "--revisions",
        action="store_true",
        help="serve recent days lower until each platform's settle window has passed (late data), as Meta does",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pipelines.config import load_brands, load_settings
    from pipelines.simulator.server import Simulator

    try:
        brands = load_brands(args.brands)
        settings = load_settings(args.settings)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(
        seed=args.seed,
        today=args.today,
        brands=brands,
        settings=settings,
        days=args.days,
        host=args.host,
        port=args.port,
        verbose=args.verbose,
        revisions=args.revisions,
    )
    try:
        for spec in args.fault:
            sim.faults.add_spec(spec)
    except ValueError as exc:
        print(f"error: --fault: {exc}", file=sys.stderr)
        return 2
    sim.start()
    world = sim.world
    print(f"simulator listening on {sim.url}", flush=True)
    print(
        json.dumps(
            {
                "url": sim.url,
                "seed": world.seed,
                "today": world.today.isoformat(),
                "history": [world.start.isoformat(), world.end.isoformat()],
                "tokens": sim.tokens,
            }
        ),
        flush=True,
    )
    sim.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
