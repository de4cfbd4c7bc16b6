#!/usr/bin/env bash
# The load agents' merge cost (issue 12): CPU per snapshot per agent when the workbench parses an
# agent's snapshot line and merges an interval's snapshots, for 1, 2, 4 and 8 agents sharing
# 20,000 req/s, pinned to CLIENT_CPU (the core the workbench's load side runs on).
# Usage: tests/bench/bench_agent_merge.sh [BIN_DIR]   (default build/bin)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
CLIENT_CPU=${CLIENT_CPU:-1}
[ -x "$BIN/bench_agent_merge" ] || { echo "build first: $BIN/bench_agent_merge not found"; exit 1; }
echo "# $(date -u +%F) $(uname -n), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
for agents in 1 2 4 8; do
  taskset -c "$CLIENT_CPU" "$BIN/bench_agent_merge" "$agents" 300 20000
done
