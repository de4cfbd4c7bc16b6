#!/usr/bin/env bash
# `make run` until the desktop app lands: the local scenario on this machine. Starts the bundled
# mock upstream on a free loopback port, drives it with gatebench-load (a warm-up, then a fixed
# open-loop rate, with live progress), and prints hey's report.
set -euo pipefail
BIN=${1:-build/bin}
up_log=$(mktemp /tmp/gatebench-demo.XXXX)
"$BIN/gatebench-upstream" --addr 127.0.0.1:0 --threads 1 >"$up_log" 2>&1 &
up_pid=$!
trap 'kill $up_pid 2>/dev/null; wait $up_pid 2>/dev/null; rm -f "$up_log"' EXIT
addr=
for _ in $(seq 100); do
  addr=$(grep -o -m1 'listening on [0-9.]*:[0-9]*' "$up_log" | awk '{print $3}') && [ -n "$addr" ] && break
  kill -0 $up_pid 2>/dev/null || { echo "gatebench-upstream failed to start:"; cat "$up_log"; exit 1; }
  sleep 0.05
done
[ -n "$addr" ] || { echo "gatebench-upstream did not report its address"; exit 1; }
echo "GateBench demo: gatebench-upstream on $addr; gatebench-load, 2 s warm-up then 5 s at 5000 requests/s"
"$BIN/gatebench-load" --warmup 2s -z 7s --rate 5000 -c 20 "http://$addr/json/valid"
