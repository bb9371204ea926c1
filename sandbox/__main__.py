"""Command line: ``python3 -m sandbox --port 8080`` from the repository root."""

import argparse
import json
import signal
import sys
import threading

from . import SandboxServer, dialects


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m sandbox",
        description="Local simulator of Planet's Tasking API v2 (bulk, orders). Ctrl-C stops it.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    parser.add_argument(
        "--key",
        action="append",
        metavar="KEY",
        help="API key allowed to task (repeatable). Default: sandbox-key (+ no-tasking-key: 403)",
    )
    parser.add_argument(
        "--no-tasking-key",
        action="append",
        default=[],
        metavar="KEY",
        help="API key that is valid but may not task (403); repeatable",
    )
    parser.add_argument("--db", metavar="FILE", help="SQLite file: state survives restarts")
    parser.add_argument(
        "--rate", type=float, default=200.0, help="payloads processed per second (default 200)"
    )
    parser.add_argument(
        "--order-clock",
        type=float,
        default=3600.0,
        help="simulated order seconds per real second (default 3600: an hour a second)",
    )
    parser.add_argument(
        "--rate-limit", type=float, default=10.0, help="requests/s per key; 0 = none (default 10)"
    )
    parser.add_argument("--seed", default="0", help="seed for ids, order fates and faults")
    parser.add_argument("--latency", type=float, default=0.0, help="fault: seconds added")
    parser.add_argument("--error-rate", type=float, default=0.0, help="fault: fraction of 5xx")
    parser.add_argument(
        "--drop-rate", type=float, default=0.0, help="fault: fraction of bulk POSTs dropped"
    )
    parser.add_argument(
        "--burst-rate", type=float, default=0.0, help="fault: fraction of extra 429s"
    )
    parser.add_argument(
        "--refuse-rate",
        type=float,
        default=0.0,
        help="fault: fraction of valid orders refused (no capacity), as the real service may",
    )
    parser.add_argument(
        "--hide-succeeded-payloads",
        action="store_true",
        help="/bulk/<id>/payloads lists only processing and failed payloads (the docs' words)",
    )
    parser.add_argument(
        "--dialect",
        metavar="NAME[,NAME]",
        help="answer like a plausible variant of what Planet does not document (see "
        "--list-dialects); default: the documented behaviour",
    )
    parser.add_argument(
        "--list-dialects", action="store_true", help="print the dialects, one a line, and exit"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_dialects:
        print(dialects.describe())
        return 0
    try:
        dialects.parse_dialects(args.dialect)
    except ValueError as exc:
        parser.error(str(exc))
    keys = None
    if args.key or args.no_tasking_key:
        keys = {k: True for k in (args.key or ["sandbox-key"])}
        keys.update({k: False for k in args.no_tasking_key})
    server = SandboxServer(
        keys,
        processing_rate=args.rate,
        order_clock=args.order_clock,
        rate_limit=args.rate_limit,
        seed=args.seed,
        faults={
            "latency": args.latency,
            "error_rate": args.error_rate,
            "drop_after_commit_rate": args.drop_rate,
            "rate_limit_burst": args.burst_rate,
            "payload_failure_rate": args.refuse_rate,
        },
        db_path=args.db,
        host=args.host,
        port=args.port,
        verbose=args.verbose,
        list_succeeded_payloads=not args.hide_succeeded_payloads,
        dialect=args.dialect,
    )
    base_url = server.start()
    origin = base_url.rsplit("/tasking/v2", 1)[0]
    print(f"Planet Tasking sandbox on {base_url}", flush=True)
    print(f"keys: {json.dumps(server.keys)}", flush=True)
    print(f"dialect: {','.join(sorted(server.dialects)) or 'documented'}", flush=True)
    print(f"admin: {origin}/_sandbox/counters | /_sandbox/faults | /_sandbox/reset", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    finally:
        server.stop()
        print("sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
