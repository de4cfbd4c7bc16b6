#!/usr/bin/env bash
# Many client connections (issue 18): at a fixed offered rate, how each proxy holds up as the
# number of keep-alive clients grows, and what an idle client costs.
#   1. Idle clients, first, on fresh processes: IDLE_CONNS connections at IDLE_RATE req/s; each
#      proxy's RSS growth per connection (goal <= 2 KB for ours; nginx's is about 1 KB).
#   2. gatebench-load and a fresh gatebench-upstream with IDLE_CONNS connections at IDLE_RATE:
#      their RSS growth per connection (the load's: with IDLE_CONNS less with one connection).
#   3. For each count of client connections (SIZES), gatebench-load --rate RATE -c N for SECS
#      seconds, open loop, through: our keyless gateway, our full gateway (auth + rate limit +
#      analytics in Redis), nginx proxy_pass and HAProxy, each configured for that many
#      connections; upstream nginx, Redis and the proxy pinned to SERVER_CPU, the load to
#      CLIENT_CPU; rounds alternate the proxies, each from a quiet TIME_WAIT state. Per run:
#      achieved rate, p99, errors, the proxy's RSS growth per client connection and the upstream
#      connections it had open (ss, sampled mid-run). Goal at every step: our achieved rate >=
#      nginx's and our p99 <= nginx's.
# Usage: tests/bench/bench_connections.sh [BIN_DIR]     (default build/bin)
# Environment: SIZES="50 1000 5000 10000 20000" RATE=20000 SECS=5 ROUNDS=2
#   IDLE_CONNS=10000 IDLE_RATE=2000 TW_WAIT=70 WARMUP=3 SERVER_CPU=0 CLIENT_CPU=1
# Every run starts with WARMUP seconds the figures leave out: the load opens its thousands of
# connections then, and an open loop would count that wait in every early request's latency.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
SIZES=${SIZES-50 1000 5000 10000 20000} # SIZES="" measures memory only
RATE=${RATE:-20000}
SECS=${SECS:-5}
ROUNDS=${ROUNDS:-2}
IDLE_CONNS=${IDLE_CONNS:-10000}
IDLE_RATE=${IDLE_RATE:-2000}
TW_WAIT=${TW_WAIT:-70}
WARMUP=${WARMUP:-3}
. "$here/lib.sh"
trap 'set +e; bench_cleanup' EXIT
need nginx haproxy redis-server redis-cli taskset setsid python3 curl ss
GW=$BIN/gatebench-gateway
LOAD=$BIN/gatebench-load
for b in "$GW" "$LOAD"; do [ -x "$b" ] || { echo "build first: $b not found"; exit 1; }; done
wait_quiet

# Descriptors: the load holds one per client, a proxy two (client and upstream side). Raise this
# shell's limits as far as the machine lets (as root the hard limit can go up to fs.nr_open).
largest=0; for n in $SIZES $IDLE_CONNS; do ((n > largest)) && largest=$n; done
want=$((2 * largest + 4096))
ulimit -Hn "$want" 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
FILES=$(ulimit -Sn)
echo "# open-file limit for the servers and the load: $FILES"

SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
UP=$(free_port)
# The upstream must never be what limits: far more connections than any proxy opens.
cat >"$BENCH_DIR/nginx-up.conf" <<C
worker_processes 1; daemon on; pid $BENCH_DIR/nginx-up.pid; error_log $BENCH_DIR/nginx-up.err warn;
worker_rlimit_nofile $FILES;
events { worker_connections $((FILES - 100)); }
http { access_log off; keepalive_requests 100000000;
  server { listen 127.0.0.1:$UP backlog=65535;
    location / { default_type application/json; return 200 '$JSON_BODY'; } } }
C
taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx-up.conf" && wait_port 127.0.0.1 "$UP"

NGINX=$(free_port)
cat >"$BENCH_DIR/nginx-proxy.conf" <<C
worker_processes 1; daemon on; pid $BENCH_DIR/nginx-proxy.pid; error_log $BENCH_DIR/nginx-proxy.err warn;
worker_rlimit_nofile $FILES;
events { worker_connections $((FILES - 100)); }
http { access_log off; keepalive_requests 100000000;
  upstream up { server 127.0.0.1:$UP; keepalive 256; keepalive_requests 100000000; }
  server { listen 127.0.0.1:$NGINX backlog=65535;
    location /apitest/ { proxy_pass http://up/; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
C
taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx-proxy.conf" && wait_port 127.0.0.1 "$NGINX"

HAPROXY=$(free_port)
cat >"$BENCH_DIR/haproxy.cfg" <<C
global
  maxconn $(((FILES - 200) / 2))
  nbthread 1
defaults
  mode http
  maxconn $(((FILES - 200) / 2))
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$HAPROXY backlog 65535
  http-request set-path %[path,regsub(^/apitest/,/)]
  default_backend be
backend be
  http-reuse always
  server up 127.0.0.1:$UP
C
taskset -c "$SERVER_CPU" haproxy -D -q -f "$BENCH_DIR/haproxy.cfg" -p "$BENCH_DIR/haproxy.pid" && wait_port 127.0.0.1 "$HAPROXY"

REDIS=$(free_port)
setsid taskset -c "$SERVER_CPU" redis-server --port "$REDIS" --bind 127.0.0.1 --save '' \
  --appendonly no --dir "$BENCH_DIR" >"$BENCH_DIR/redis.log" 2>&1 &
BENCH_PIDS+=($!)
wait_port 127.0.0.1 "$REDIS"

KEYLESS=$(free_port)
setsid taskset -c "$SERVER_CPU" "$GW" --listen "127.0.0.1:$KEYLESS" --target "http://127.0.0.1:$UP" \
  --listen-path /apitest/ --threads 1 >"$BENCH_DIR/keyless.log" 2>&1 &
KEYLESS_PID=$!
BENCH_PIDS+=($KEYLESS_PID)
wait_port 127.0.0.1 "$KEYLESS"

FULL=$(free_port)
mkdir -p "$BENCH_DIR/full/apps"
cat >"$BENCH_DIR/full/tyk.conf" <<C
{"listen_address": "127.0.0.1", "listen_port": $FULL, "secret": "$SECRET", "app_path": "$BENCH_DIR/full/apps/",
 "storage": {"type": "redis", "host": "127.0.0.1", "port": $REDIS, "timeout": 5},
 "enable_analytics": true, "analytics_config": {"records_buffer_size": 1000},
 "hash_keys": true, "proxy_default_timeout": 30}
C
cat >"$BENCH_DIR/full/apps/auth.json" <<C
{"name": "Tyk Auth API", "api_id": "2", "org_id": "default", "use_keyless": false,
 "auth": {"auth_header_name": "Authorization"},
 "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}},
 "proxy": {"listen_path": "/apitest/", "target_url": "http://127.0.0.1:$UP", "strip_listen_path": true},
 "active": true}
C
setsid taskset -c "$SERVER_CPU" "$GW" --conf "$BENCH_DIR/full/tyk.conf" --threads 1 >"$BENCH_DIR/full.log" 2>&1 &
FULL_PID=$!
BENCH_PIDS+=($FULL_PID)
wait_port 127.0.0.1 "$FULL"
KEY=$(curl -sf "http://127.0.0.1:$FULL/tyk/keys/create" -H "x-tyk-authorization: $SECRET" --data \
  "{\"access_rights\": {\"2\": {\"allowed_urls\": [], \"api_id\": \"2\", \"api_name\": \"Tyk Auth API\",
    \"limit\": null, \"versions\": [\"Default\"]}}, \"allowance\": 1000000000, \"expires\": 0,
    \"org_id\": \"default\", \"per\": 1, \"quota_max\": -1, \"quota_remaining\": -1,
    \"quota_renewal_rate\": -1, \"quota_renews\": 1568655187, \"rate\": 1000000000,
    \"throttle_interval\": -1, \"throttle_retry_limit\": -1}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')

declare -A PORT=([keyless]=$KEYLESS [full]=$FULL [nginx]=$NGINX [haproxy]=$HAPROXY)
declare -A PID=([keyless]=$KEYLESS_PID [full]=$FULL_PID
                [nginx]=$(pgrep -P "$(cat "$BENCH_DIR/nginx-proxy.pid")")
                [haproxy]=$(cat "$BENCH_DIR/haproxy.pid")
                [direct]=$(pgrep -P "$(cat "$BENCH_DIR/nginx-up.pid")"))
NAMES=(keyless full nginx haproxy)
# "direct": the load straight to the upstream, for reference (what the load and the upstream
# alone reach with that many connections).
url() {
  if [ "$1" = direct ]; then echo "http://127.0.0.1:$UP/json/valid"
  else echo "http://127.0.0.1:${PORT[$1]}/apitest/json/valid"; fi
}
for n in "${NAMES[@]}"; do
  bytes=$(curl -s -H "Authorization: $KEY" "$(url "$n")" | wc -c)
  [ "$bytes" = 70 ] || { echo "$n does not proxy the 70-byte body (got $bytes bytes)" >&2; exit 1; }
done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# The upstream connections process PID holds now.
upstream_conns() { ss -Htnp state established "( dport = :$UP )" | grep -c "pid=$1," || true; }
# Each round starts from a machine with (almost) no TIME_WAIT sockets: thousands of them make
# every new connect search the established table longer.
quiet_time_wait() {
  local i
  for ((i = 0; i < TW_WAIT; i++)); do
    (($(ss -Htn state time-wait | wc -l) < 200)) && return 0
    sleep 1
  done
}
# run NAME CONNS RATE SECS -> "rps p99_ms errors rss_growth_kb upstream_conns"
run() {
  local name=$1 conns=$2 rate=$3 secs=$4 before mid upc out
  wait_quiet; quiet_time_wait
  before=$(rss_kb "${PID[$name]}")
  (sleep "$(python3 -c "print($WARMUP + $secs * 0.7)")"; rss_kb "${PID[$name]}" >"$BENCH_DIR/mid.rss"; upstream_conns "${PID[$name]}" >"$BENCH_DIR/mid.up") &
  out=$(setsid -w taskset -c "$CLIENT_CPU" "$LOAD" --rate "$rate" -z "$((secs + WARMUP))s" --warmup "${WARMUP}s" -c "$conns" -t 30 \
    -H "Authorization: $KEY" --json - "$(url "$name")" | python3 -c '
import json, sys
t = sys.stdin.read(); j = json.loads(t[:t.rindex("}") + 1]); lat = j["latency_ms"]
errors = sum(j.get("errors", {}).values()) if isinstance(j.get("errors"), dict) else 0
non2xx = sum(int(n) for code, n in j.get("status_codes", {}).items() if not str(code).startswith("2"))
print("%.0f %.3f %d" % (j["rps"], lat["p99"], errors + non2xx))')
  wait
  mid=$(cat "$BENCH_DIR/mid.rss"); upc=$(cat "$BENCH_DIR/mid.up")
  echo "$out $((mid - before)) $upc"
}

echo "# $(date -u +%F) $(uname -n), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# upstream nginx + redis + proxy on CPU $SERVER_CPU, gatebench-load --rate $RATE on CPU $CLIENT_CPU, ${SECS}s rounds"
echo "# 1. idle clients (fresh processes, before anything else ran through them): $IDLE_CONNS connections at $IDLE_RATE req/s, RSS growth per connection"
if ((IDLE_CONNS + 200 > FILES)); then
  echo "skipped: the open-file limit ($FILES) is too low on this machine"
else
  for p in "${NAMES[@]}"; do
    read -r rps p99 err grow _ < <(run "$p" "$IDLE_CONNS" "$IDLE_RATE" 6)
    python3 -c "print(f'{\"$p\":9s} {$grow / $IDLE_CONNS * 1024:8.0f} bytes per idle connection ({$rps:.0f} req/s, p99 {$p99} ms, $err errors)')"
  done
fi
echo "# 2. gatebench-load and gatebench-upstream (fresh) with $IDLE_CONNS connections at $IDLE_RATE req/s, RSS growth per connection"
if ((IDLE_CONNS + 200 > FILES)); then
  echo "skipped: the open-file limit ($FILES) is too low on this machine"
else
  UPG=$(free_port)
  setsid taskset -c "$SERVER_CPU" "$BIN/gatebench-upstream" --addr "127.0.0.1:$UPG" --quiet >"$BENCH_DIR/upstream.log" 2>&1 &
  UPG_PID=$!
  BENCH_PIDS+=($UPG_PID)
  wait_port 127.0.0.1 "$UPG"
  up_before=$(rss_kb "$UPG_PID")
  # The load's RSS mid-run with one connection, then with IDLE_CONNS: the difference is theirs.
  declare -A LOAD_RSS UP_RSS
  for c in 1 "$IDLE_CONNS"; do
    wait_quiet; quiet_time_wait
    setsid taskset -c "$CLIENT_CPU" "$LOAD" --rate "$IDLE_RATE" -z 8s -c "$c" -t 30 \
      "http://127.0.0.1:$UPG/json/valid" >"$BENCH_DIR/load-$c.out" 2>&1 &
    lp=$!
    sleep 6
    LOAD_RSS[$c]=$(rss_kb "$lp"); UP_RSS[$c]=$(rss_kb "$UPG_PID")
    wait "$lp"
  done
  load_grow=$((LOAD_RSS[$IDLE_CONNS] - LOAD_RSS[1])); up_grow=$((UP_RSS[$IDLE_CONNS] - up_before))
  python3 -c "print(f'gatebench-load     {$load_grow / $IDLE_CONNS * 1024:8.0f} bytes per connection')"
  python3 -c "print(f'gatebench-upstream {$up_grow / $IDLE_CONNS * 1024:8.0f} bytes per connection')"
  grep -m1 'Requests/sec' "$BENCH_DIR/load-$IDLE_CONNS.out" | sed 's/^ */  load with all connections: /'
fi
echo "# 3. client connections at $RATE req/s offered"
printf '%-8s %-6s %-9s %10s %10s %8s %12s %9s\n' conns round proxy rps p99_ms errors rss_kb/conn upstream
declare -A RES
for n in $SIZES; do
  if ((n + 200 > FILES)); then
    echo "$n connections: skipped, the open-file limit ($FILES) is too low on this machine"
    continue
  fi
  for ((round = 1; round <= ROUNDS; round++)); do
    order=("${NAMES[@]:round % 4}" "${NAMES[@]:0:round % 4}")
    for p in direct "${order[@]}"; do
      read -r rps p99 err grow upc < <(run "$p" "$n" "$RATE" "$SECS")
      per=$(python3 -c "print(f'{$grow / $n:.2f}')")
      printf '%-8s %-6s %-9s %10s %10s %8s %12s %9s\n' "$n" "$round" "$p" "$rps" "$p99" "$err" "$per" "$upc"
      RES[$n,$p]+="$rps:$p99 "
    done
  done
  med_of() { tr ' ' '\n' | grep . | cut -d: -f"$1" | median; }
  for p in keyless full; do
    r=$(echo "${RES[$n,$p]}" | med_of 1); q=$(echo "${RES[$n,$p]}" | med_of 2)
    rn=$(echo "${RES[$n,nginx]}" | med_of 1); qn=$(echo "${RES[$n,nginx]}" | med_of 2)
    python3 -c "
r, q, rn, qn = $r, $q, $rn, $qn
ok = r >= rn * 0.99 and q <= qn
print(f'  {$n} conns, {\"$p\":7s}: median {r:.0f} req/s p99 {q:.1f} ms vs nginx {rn:.0f} req/s p99 {qn:.1f} ms -> {\"meets\" if ok else \"MISSES\"} the goal')"
  done
done

