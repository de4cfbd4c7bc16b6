#!/usr/bin/env bash
# Every benchmark of tests/bench in turn (make bench): the load engine against wrk and hey, the
# upstream against nginx, the keyless gateway against nginx, HAProxy and Caddy, the features
# (auth + rate limit + analytics) against the keyless gateway and nginx. ~15 minutes.
# Usage: tests/bench/run-all.sh [BIN_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
status=0
for b in bench_load bench_upstream bench_gateway bench_features bench_connections bench_redis_stall bench_agent_merge; do
  echo "=== $b"
  bash "$here/$b.sh" "$BIN" || { echo "=== $b failed"; status=1; }
done
exit $status
