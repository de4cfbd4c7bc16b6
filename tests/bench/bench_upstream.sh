#!/usr/bin/env bash
# gatebench-upstream against nginx `return 200` serving the same 70-byte JSON body, as requests per
# server CPU-second (docs/ARCHITECTURE.md, "Measuring performance honestly"): both servers pinned to one core,
# wrk pinned to another, alternating rounds, server CPU from /proc/PID/stat before and after.
#   tests/bench/bench_upstream.sh [BIN_DIR]        (default build/bin)
# Environment: ROUNDS=3 SECS=4 CONNS=50 SERVER_CPU=0 CLIENT_CPU=1 PATH_=/json/valid
# Target (issue 3): median ratio gatebench-upstream / nginx >= 1.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-4}
CONNS=${CONNS:-50}
URL_PATH=${PATH_:-/json/valid}
. "$here/lib.sh"
trap 'set +e; bench_cleanup' EXIT
need nginx wrk taskset setsid curl python3
UPSTREAM=$BIN/gatebench-upstream
[ -x "$UPSTREAM" ] || { echo "build first: $UPSTREAM not found"; exit 1; }
wait_quiet

# --- nginx: one worker, pinned, `return 200` with the same body ---------------------------------
NGINX_PORT=$(free_port)
nginx_json "$NGINX_PORT"
NGINX_WORKER=$(nginx_workers "$NGINX_PORT" | head -1)

# --- gatebench-upstream: pinned, so its default thread count is 1; a session of its own, like the
# nginx daemon (see bench_gateway.sh: autogroup scheduling) ---------------------------------------
setsid taskset -c "$SERVER_CPU" "$UPSTREAM" --addr 127.0.0.1:0 --quiet >"$BENCH_DIR/upstream.out" 2>&1 &
UP_PID=$!
BENCH_PIDS+=("$UP_PID")
for _ in $(seq 1 100); do grep -q '^listening on' "$BENCH_DIR/upstream.out" && break; sleep 0.05; done
UP_ADDR=$(sed -n 's/^listening on //p' "$BENCH_DIR/upstream.out")
[ -n "$UP_ADDR" ] || { echo "gatebench-upstream did not start: $(cat "$BENCH_DIR/upstream.out")" >&2; exit 1; }

NGINX_URL="http://127.0.0.1:$NGINX_PORT$URL_PATH"
UP_URL="http://$UP_ADDR$URL_PATH"
echo "# $(date -u +%F) $(uname -n) $(nproc) CPUs; servers on CPU $SERVER_CPU, wrk -t1 -c$CONNS on CPU $CLIENT_CPU, ${SECS}s rounds"
echo "# body bytes: nginx $(curl -s "$NGINX_URL" | wc -c), gatebench-upstream $(curl -s "$UP_URL" | wc -c)"

# run URL PID -> "requests rps p99_ms cpu_s req_per_cpu_s"
run() {
  local t0 t1 rps p99 err req cpu
  t0=$(proc_cpu "$2")
  read -r rps p99 err req < <(wrk_run "$1")
  t1=$(proc_cpu "$2")
  [ "$err" = 0 ] || echo "  ! $1: $err errors or non-2xx responses" >&2
  cpu=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  python3 -c "print($req, $rps, '%.3f' % $p99, '$cpu', round($req / $cpu) if $cpu > 0 else 0)"
}

# Warm both up (page faults, TCP buffers) outside the measurement.
for u in "$NGINX_URL" "$UP_URL"; do setsid -w taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d1s "$u" >/dev/null; done

printf "%-6s %-20s %10s %10s %8s %8s %14s\n" round server requests rps p99_ms cpu_s req/cpu_s
ratios=()
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(nginx upstream); else order=(upstream nginx); fi
  declare -A eff=()
  for who in "${order[@]}"; do
    if [ "$who" = nginx ]; then
      read -r req rps p99 cpu e < <(run "$NGINX_URL" "$NGINX_WORKER")
      name="nginx return 200"
    else
      read -r req rps p99 cpu e < <(run "$UP_URL" "$UP_PID")
      name="gatebench-upstream"
    fi
    eff[$who]=$e
    printf "%-6s %-20s %10s %10s %8s %8s %14s\n" "$round" "$name" "$req" "$rps" "$p99" "$cpu" "$e"
  done
  ratios+=("$(python3 -c "print(f'{${eff[upstream]} / ${eff[nginx]}:.3f}')")")
  unset eff
done
echo "ratios (gatebench-upstream / nginx, requests per server CPU-second): ${ratios[*]}"
echo "median ratio: $(printf '%s\n' "${ratios[@]}" | median) (target >= 1.0)"
