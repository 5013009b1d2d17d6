#!/usr/bin/env bash
# Sweep throughput (docs/performance.md, "Sweeps"): a sweep (by default the 8-run grid of
# experiments/sweeps/throughput_grid.toml: 35,000 firms, 5 years, accounting checks off) in one
# serial process, on the Dask local executor with one worker and with two, back to back, ROUNDS
# times (default 2), with the load average before each.
# Usage: experiments/sweep_throughput.sh [OUT_DIR [SWEEP [ROUNDS]]]
# (SWEEP experiments/sweeps/throughput_grid_64.toml is the same grid with 16 seeds a point,
# long enough for a rate on a machine whose speed moves from one second to the next)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
sweep="${2:-experiments/sweeps/throughput_grid.toml}"
rounds="${3:-2}"
for round in $(seq "$rounds"); do
    for cfg in "serial:--executor serial" "local-1:--workers 1" "local-2:--workers 2"; do
        name=${cfg%%:*}
        opts=${cfg#*:}
        echo "round $round, $name ($opts); load average $(cut -d' ' -f1-3 /proc/loadavg)"
        t0=$(date +%s.%N)
        # shellcheck disable=SC2086  # the options are split on purpose
        uv run longjiang sweep "$sweep" $opts --quiet --out "$out/$round-$name" | grep throughput
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  the whole command: %.1f s\n", b - a }'
    done
done
