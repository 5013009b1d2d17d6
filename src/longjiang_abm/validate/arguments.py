"""The options of ``longjiang validate`` (imports nothing heavy: the CLI builds its parser
from this on every start)."""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("scenario", nargs="?", help="scenario TOML file (default: packaged baseline)")
    p.add_argument("--firms", type=int, default=None, help="initial firms (default: 35,000)")
    p.add_argument("--seeds", type=int, default=4, help="runs with seeds 0..N-1 (default 4)")
    p.add_argument("--years", type=int, default=10, help="simulated years (default 10)")
    p.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one scenario value (repeatable)",
    )
    p.add_argument("--out", default="results/validate", help="folder for tables and figures")
