#!/usr/bin/env bash
# A stalled Redis under load (issue 19): the full gateway (auth, per-key rate limit far above the
# load, analytics, sessions and limits in Redis) and the same gateway's keyless API, each under an
# open loop of RATE req/s with one cached key, Redis paused (SIGSTOP) for STALL seconds in the
# middle. Per second: requests answered and p99 (from the intended send time), then the analytics
# records written against the requests answered. Gateway and Redis on SERVER_CPU, load on
# CLIENT_CPU.
# Usage: tests/bench/bench_redis_stall.sh [BIN_DIR]   (default build/bin; any gatebench build)
# Environment: RATE=5000 SECS=8 STALL_AT=3 STALL=2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
RATE=${RATE:-5000}
SECS=${SECS:-8}
STALL_AT=${STALL_AT:-3}
STALL=${STALL:-2}
. "$here/lib.sh"
trap 'set +e; bench_cleanup' EXIT
need redis-server redis-cli taskset setsid python3 curl nginx
GW=$BIN/gatebench-gateway
LOAD=$BIN/gatebench-load
for b in "$GW" "$LOAD"; do [ -x "$b" ] || { echo "build first: $b not found"; exit 1; }; done

UP=$(free_port); nginx_json "$UP"
REDIS=$(free_port)
setsid taskset -c "$SERVER_CPU" redis-server --port "$REDIS" --bind 127.0.0.1 --save '' \
  --appendonly no --dir "$BENCH_DIR" >"$BENCH_DIR/redis.log" 2>&1 &
REDIS_PID=$!
BENCH_PIDS+=($REDIS_PID)
wait_port 127.0.0.1 "$REDIS"

SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
GWPORT=$(free_port)
mkdir -p "$BENCH_DIR/apps"
cat >"$BENCH_DIR/tyk.conf" <<C
{"listen_address": "127.0.0.1", "listen_port": $GWPORT, "secret": "$SECRET", "app_path": "$BENCH_DIR/apps/",
 "storage": {"type": "redis", "host": "127.0.0.1", "port": $REDIS, "timeout": 5},
 "enable_analytics": true, "hash_keys": true, "proxy_default_timeout": 30}
C
for api in keyed keyless; do
  keyless=false; [ $api = keyless ] && keyless=true
  cat >"$BENCH_DIR/apps/$api.json" <<C
{"name": "$api", "api_id": "$api", "org_id": "default", "use_keyless": $keyless,
 "auth": {"auth_header_name": "Authorization"},
 "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}},
 "proxy": {"listen_path": "/$api/", "target_url": "http://127.0.0.1:$UP", "strip_listen_path": true},
 "active": true}
C
done
setsid taskset -c "$SERVER_CPU" "$GW" --conf "$BENCH_DIR/tyk.conf" --threads 1 >"$BENCH_DIR/gw.log" 2>&1 &
BENCH_PIDS+=($!)
wait_port 127.0.0.1 "$GWPORT"
KEY=$(curl -sf "http://127.0.0.1:$GWPORT/tyk/keys/create" -H "x-tyk-authorization: $SECRET" --data \
  '{"access_rights": {"keyed": {"api_id": "keyed", "api_name": "keyed", "versions": ["Default"]}},
    "allowance": 1000000000, "rate": 1000000000, "per": 1, "quota_max": -1, "org_id": "default", "expires": 0}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
curl -sf -o /dev/null -H "Authorization: $KEY" "http://127.0.0.1:$GWPORT/keyed/json/valid" # cached

records() { curl -sf "http://127.0.0.1:$GWPORT/metrics" | awk -v r="$1" '$1 == "gatebench_analytics_records_total{result=\""r"\"}" {print $2}'; }
written() { records written; }

echo "# $(date -u +%F) $(uname -n), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $BIN"
echo "# $RATE req/s open loop for ${SECS}s, one key; Redis paused from second $STALL_AT for ${STALL}s"
for api in keyed keyless; do
  before=$(written)
  setsid taskset -c "$CLIENT_CPU" "$LOAD" --rate "$RATE" -z "${SECS}s" -c 50 -t 30 \
    -H "Authorization: $KEY" --live "$BENCH_DIR/$api.live" --json "$BENCH_DIR/$api.json" \
    "http://127.0.0.1:$GWPORT/$api/json/valid" >/dev/null 2>&1 &
  load=$!
  sleep "$STALL_AT"; kill -STOP "$REDIS_PID"; sleep "$STALL"; kill -CONT "$REDIS_PID"
  wait "$load"
  # The writer catches up: wait until the count stops moving (at most 15 s).
  last=-1; for ((i = 0; i < 30; i++)); do now=$(written); [ "$now" = "$last" ] && break; last=$now; sleep 0.5; done
  echo "## $api API"
  python3 - "$BENCH_DIR/$api.live" "$BENCH_DIR/$api.json" "$before" "$(written)" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for i, s in enumerate(lines, 1):
    print(f"second {i}: {s['requests']:6d} answered, p99 {s['latency_ms']['p99']:9.2f} ms")
r = json.load(open(sys.argv[2]))
print(f"total {r['requests']} answered, {int(float(sys.argv[4]) - float(sys.argv[3]))} analytics records written")
PY
  echo "analytics records dropped so far: $(records dropped)"
done
