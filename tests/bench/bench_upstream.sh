#!/usr/bin/env bash
# gatebench-upstream against nginx `return 200` serving the same 70-byte JSON body, as requests per
# server CPU-second (DESIGN.md "Measuring performance honestly"): both servers pinned to one core,
# wrk pinned to another, alternating rounds, server CPU from /proc/PID/stat before and after.
#   tests/bench/bench_upstream.sh [BIN_DIR]        (default build/bin)
# Environment: ROUNDS=3 SECS=4 CONNS=50 SERVER_CPU=0 CLIENT_CPU=1 PATH_=/json/valid
# Target (issue 3): median ratio gatebench-upstream / nginx >= 1.0.
set -euo pipefail

BIN=${1:-build/bin}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-4}
CONNS=${CONNS:-50}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
URL_PATH=${PATH_:-/json/valid}
# The body of the published go-bench-suite run: 70 bytes, as gatebench-upstream's /json/valid.
JSON_BODY='{"time": "2020-04-06 20:00:38.661919975 +0000 UTC m=+20526.911315903"}'

for tool in wrk nginx taskset curl getconf; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (bash packaging/install-deps.sh bench)" >&2; exit 1; }
done
UPSTREAM=$BIN/gatebench-upstream
[ -x "$UPSTREAM" ] || { echo "missing $UPSTREAM: build first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/gb-bench-upstream.XXXX)
UP_PID=
NGINX_MASTER=
cleanup() {
  [ -n "$UP_PID" ] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  [ -n "$NGINX_MASTER" ] && kill "$NGINX_MASTER" 2>/dev/null
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT

# Another benchmark on these two shared cores would make both sides' numbers meaningless.
for _ in $(seq 1 60); do
  pgrep -x wrk >/dev/null || break
  echo "another wrk is running; waiting..." >&2
  sleep 5
done
pgrep -x wrk >/dev/null && { echo "another benchmark is still running; giving up" >&2; exit 1; }

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
  done
  echo "no free port" >&2; exit 1
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "port $1 never opened" >&2; exit 1
}

# utime + stime of a process, in clock ticks (fields 14 and 15, counted after the ")" of comm).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
HZ=$(getconf CLK_TCK)

# --- nginx: one worker, pinned, `return 200` with the same body ---------------------------------
NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<C
worker_processes 1; daemon on; pid $WORK/nginx.pid; error_log $WORK/nginx.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000;
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { default_type application/json; return 200 '$JSON_BODY'; } } }
C
taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx.conf" -p "$WORK"
wait_port "$NGINX_PORT"
NGINX_MASTER=$(cat "$WORK/nginx.pid")
NGINX_WORKER=$(pgrep -P "$NGINX_MASTER" | head -1)

# --- gatebench-upstream: pinned, so its default thread count is 1 ------------------------------
taskset -c "$SERVER_CPU" "$UPSTREAM" --addr 127.0.0.1:0 --quiet >"$WORK/upstream.out" 2>&1 &
UP_PID=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$WORK/upstream.out" && break; sleep 0.05; done
UP_ADDR=$(sed -n 's/^listening on //p' "$WORK/upstream.out")
[ -n "$UP_ADDR" ] || { echo "gatebench-upstream did not start: $(cat "$WORK/upstream.out")" >&2; exit 1; }

NGINX_URL="http://127.0.0.1:$NGINX_PORT$URL_PATH"
UP_URL="http://$UP_ADDR$URL_PATH"
echo "# $(date -u +%F) $(uname -n) $(nproc) CPUs; servers on CPU $SERVER_CPU, wrk -t1 -c$CONNS on CPU $CLIENT_CPU, ${SECS}s rounds"
echo "# body bytes: nginx $(curl -s "$NGINX_URL" | wc -c), gatebench-upstream $(curl -s "$UP_URL" | wc -c)"

# run NAME URL PID -> "requests rps p99_ms cpu_s req_per_cpu_s"
run() {
  local out t0 t1 req rps p99 cpu
  t0=$(cpu_ticks "$3")
  out=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "$2")
  t1=$(cpu_ticks "$3")
  req=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '/^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  if echo "$out" | grep -q 'Non-2xx\|Socket errors'; then echo "$1: errors: $(echo "$out" | grep 'Non-2xx\|Socket errors')" >&2; fi
  cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" 'BEGIN {printf "%.2f", (b - a) / hz}')
  awk -v r="$req" -v rps="$rps" -v p="$p99" -v c="$cpu" 'BEGIN {printf "%d %.0f %.3f %.2f %.0f\n", r, rps, p, c, (c > 0 ? r / c : 0)}'
}

# Warm both up (page faults, TCP buffers) outside the measurement.
taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d1s "$NGINX_URL" >/dev/null
taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d1s "$UP_URL" >/dev/null

printf "%-6s %-20s %10s %10s %8s %8s %14s\n" round server requests rps p99_ms cpu_s req/cpu_s
ratios=()
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(nginx upstream); else order=(upstream nginx); fi
  declare -A eff=()
  for who in "${order[@]}"; do
    if [ "$who" = nginx ]; then
      read -r req rps p99 cpu e < <(run nginx "$NGINX_URL" "$NGINX_WORKER")
      name="nginx return 200"
    else
      read -r req rps p99 cpu e < <(run upstream "$UP_URL" "$UP_PID")
      name="gatebench-upstream"
    fi
    eff[$who]=$e
    printf "%-6s %-20s %10s %10s %8s %8s %14s\n" "$round" "$name" "$req" "$rps" "$p99" "$cpu" "$e"
  done
  ratios+=("$(awk -v a="${eff[upstream]}" -v b="${eff[nginx]}" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
  unset eff
done
median=$(printf "%s\n" "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
echo "ratios (gatebench-upstream / nginx, requests per server CPU-second): ${ratios[*]}"
echo "median ratio: $median (target >= 1.0)"
