#!/usr/bin/env bash
# gatebench-gateway as a keyless proxy against nginx proxy_pass, HAProxy and Caddy (issue 3):
#   1. throughput: nginx upstream (the 70-byte JSON) and the proxy under test pinned to one
#      core, wrk -t1 -c50 pinned to the other, path /apitest/json/valid (listen path stripped),
#      rounds alternating the four proxies; requests/s of each and the ratios of
#      gatebench-gateway to each peer (goals: >= 0.8 x nginx, >= 1.0 x HAProxy, >= 3 x Caddy);
#   2. p99 added: the direct maximum (wrk straight to the upstream), then gatebench-load --rate
#      at half of it, direct, through gatebench-gateway and through nginx, alternating; p99
#      differences (goal <= 0.3 ms; Tyk's published figure is +0.6 ms). Repeated at half the
#      gateway's own maximum, where no proxy is saturated.
# Usage: tests/bench/bench_gateway.sh [BIN_DIR]     (default build/bin)
# BASELINE=/path/to/an/older/gatebench-gateway adds it to section 1's rotation (an A/B of a change).
# Environment: ROUNDS=3 SECS=4 CONNS=50 P99_ROUNDS=2 (0: no section 2) P99_SECS=10 SERVER_CPU=0
#   CLIENT_CPU=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-4}
CONNS=${CONNS:-50}
P99_ROUNDS=${P99_ROUNDS:-2}
P99_SECS=${P99_SECS:-10}
. "$here/lib.sh"
# lib.sh's cleanup must run to its end even where a kill fails (the process already exited).
trap 'set +e; bench_cleanup' EXIT
need nginx haproxy caddy wrk taskset setsid python3 curl
GW=$BIN/gatebench-gateway
LOAD=$BIN/gatebench-load
for b in "$GW" "$LOAD"; do [ -x "$b" ] || { echo "build first: $b not found"; exit 1; }; done

wait_quiet
if pgrep -x gatebench-load >/dev/null; then
  echo "# warning: gatebench-load is running elsewhere: $(pgrep -ax gatebench-load | head -3 | tr '\n' ';')" >&2
fi

# --- the upstream and the four proxies, all on SERVER_CPU --------------------------------------
# Every server and client runs in a session of its own (nginx and HAProxy daemonize; the others
# go through setsid). With the kernel's autogroup scheduling (on by default) CPU time is shared
# between sessions first: a proxy left in this script's session would share its weight with wrk
# running in the same session on the other core, and get half the CPU the daemons get.
UP=$(free_port)
nginx_json "$UP"

NGINX=$(free_port)
nginx_proxy "$NGINX" "$UP"

HAPROXY=$(free_port)
cat >"$BENCH_DIR/haproxy.cfg" <<C
global
  maxconn 4000
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$HAPROXY
  http-request set-path %[path,regsub(^/apitest/,/)]
  default_backend be
backend be
  http-reuse always
  server up 127.0.0.1:$UP
C
taskset -c "$SERVER_CPU" haproxy -D -q -f "$BENCH_DIR/haproxy.cfg" -p "$BENCH_DIR/haproxy.pid" && wait_port 127.0.0.1 "$HAPROXY"

CADDY=$(free_port)
cat >"$BENCH_DIR/Caddyfile" <<C
{
  admin off
  auto_https off
  storage file_system $BENCH_DIR/caddy-data
}
http://127.0.0.1:$CADDY {
  handle_path /apitest/* {
    reverse_proxy 127.0.0.1:$UP
  }
}
C
GOMAXPROCS=1 setsid taskset -c "$SERVER_CPU" caddy run --config "$BENCH_DIR/Caddyfile" --adapter caddyfile >"$BENCH_DIR/caddy.log" 2>&1 &
BENCH_PIDS+=($!)
wait_port 127.0.0.1 "$CADDY"

GATEWAY=$(free_port)
setsid taskset -c "$SERVER_CPU" "$GW" --listen "127.0.0.1:$GATEWAY" --target "http://127.0.0.1:$UP" \
  --listen-path /apitest/ --threads 1 >"$BENCH_DIR/gateway.log" 2>&1 &
BENCH_PIDS+=($!)
wait_port 127.0.0.1 "$GATEWAY"

declare -A PORT=([gatebench-gateway]=$GATEWAY [nginx]=$NGINX [haproxy]=$HAPROXY [caddy]=$CADDY)
NAMES=(gatebench-gateway nginx haproxy caddy)
if [ -n "${BASELINE:-}" ]; then
  PORT[baseline]=$(free_port)
  setsid taskset -c "$SERVER_CPU" "$BASELINE" --listen "127.0.0.1:${PORT[baseline]}" \
    --target "http://127.0.0.1:$UP" --listen-path /apitest/ --threads 1 >"$BENCH_DIR/baseline.log" 2>&1 &
  BENCH_PIDS+=($!)
  wait_port 127.0.0.1 "${PORT[baseline]}"
  NAMES+=(baseline)
fi
url() { echo "http://127.0.0.1:${PORT[$1]}/apitest/json/valid"; }

echo "# $(date -u +%F) $(uname -n), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# upstream nginx + proxy on CPU $SERVER_CPU, wrk -t1 -c$CONNS on CPU $CLIENT_CPU, ${SECS}s rounds"
for n in "${NAMES[@]}"; do
  bytes=$(curl -s "$(url "$n")" | wc -c)
  [ "$bytes" = 70 ] || { echo "$n does not proxy the 70-byte body (got $bytes bytes)" >&2; exit 1; }
done

# Warm every proxy up (pools, page faults, TCP buffers) outside the measurement.
for n in "${NAMES[@]}"; do setsid -w taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d1s "$(url "$n")" >/dev/null; done

echo "# 1. throughput"
printf '%-6s %-18s %10s %9s %7s\n' round proxy rps p99_ms errors
declare -A RPS
GW_RPS=()
ratio_nginx=(); ratio_haproxy=(); ratio_caddy=(); ratio_baseline=()
for ((round = 1; round <= ROUNDS; round++)); do
  # Rotate the order each round so no proxy always runs first or last.
  k=$((round % ${#NAMES[@]}))
  order=("${NAMES[@]:k}" "${NAMES[@]:0:k}")
  for n in "${order[@]}"; do
    read -r rps p99 err _ < <(wrk_run "$(url "$n")")
    RPS[$n]=$rps
    [ "$n" = gatebench-gateway ] && GW_RPS+=("$rps")
    printf '%-6s %-18s %10s %9s %7s\n' "$round" "$n" "$rps" "$p99" "$err"
    [ "$err" = 0 ] || echo "  ! $n: $err errors or non-2xx responses" >&2
  done
  ratio_nginx+=("$(python3 -c "print(f'{${RPS[gatebench-gateway]}/${RPS[nginx]}:.3f}')")")
  ratio_haproxy+=("$(python3 -c "print(f'{${RPS[gatebench-gateway]}/${RPS[haproxy]}:.3f}')")")
  ratio_caddy+=("$(python3 -c "print(f'{${RPS[gatebench-gateway]}/${RPS[caddy]}:.3f}')")")
  [ -n "${BASELINE:-}" ] &&
    ratio_baseline+=("$(python3 -c "print(f'{${RPS[gatebench-gateway]}/${RPS[baseline]}:.3f}')")")
done
med() { printf '%s\n' "$@" | median; }
echo "gatebench-gateway / nginx:   ${ratio_nginx[*]} -> median $(med "${ratio_nginx[@]}") (goal >= 0.8)"
echo "gatebench-gateway / haproxy: ${ratio_haproxy[*]} -> median $(med "${ratio_haproxy[@]}") (goal >= 1.0)"
echo "gatebench-gateway / caddy:   ${ratio_caddy[*]} -> median $(med "${ratio_caddy[@]}") (goal >= 3.0)"
[ -n "${BASELINE:-}" ] &&
  echo "gatebench-gateway / baseline: ${ratio_baseline[*]} -> median $(med "${ratio_baseline[@]}") (an A/B: ~1.0, no loss)"

echo "# 2. p99 added (gatebench-load --rate, ${P99_SECS}s runs, $CONNS connections, alternating)"
direct="http://127.0.0.1:$UP/json/valid"
read -r max _ _ < <(wrk_run "$direct")
gwmax=$(printf '%s\n' "${GW_RPS[@]}" | median)
# The issue's rate is half the direct maximum. With the upstream and the proxy sharing one core,
# that can be as much as a proxy's whole capacity (nginx's too), and p99 then measures a queue;
# half the gateway's own maximum (section 1) shows the latency it adds when not saturated.
echo "direct maximum (wrk): $max rps; gatebench-gateway maximum (section 1 median): $gwmax rps"
# load_p99 RATE URL -> "rps p50_ms p99_ms errors"
load_p99() {
  wait_quiet
  setsid -w taskset -c "$CLIENT_CPU" "$LOAD" --rate "$1" -z "${P99_SECS}s" -c "$CONNS" --json - "$2" | python3 -c '
import json, sys
t = sys.stdin.read(); j = json.loads(t[:t.rindex("}") + 1]); lat = j["latency_ms"]
errors = sum(j.get("errors", {}).values()) if isinstance(j.get("errors"), dict) else 0
non2xx = sum(int(n) for code, n in j.get("status_codes", {}).items() if not str(code).startswith("2"))
print("%.0f %.3f %.3f %d" % (j["rps"], lat["p50"], lat["p99"], errors + non2xx))'
}
# P99_ROUNDS=0 leaves section 2 out (an A/B of throughput only).
[ "$P99_ROUNDS" -gt 0 ] || exit 0
for spec in "half the direct maximum:$((max / 2))" "half the gateway maximum:$(python3 -c "print(int(float('$gwmax') / 2))")"; do
  label=${spec%%:*}; rate=${spec##*:}
  echo "## --rate $rate ($label)"
  printf '%-6s %-18s %10s %9s %9s %7s\n' run path rps p50_ms p99_ms errors
  declare -A P99=()
  for ((round = 1; round <= P99_ROUNDS; round++)); do
    for who in direct gatebench-gateway nginx; do
      if [ "$who" = direct ]; then u=$direct; else u=$(url "$who"); fi
      read -r rps p50 p99 err < <(load_p99 "$rate" "$u")
      printf '%-6s %-18s %10s %9s %9s %7s\n' "$round" "$who" "$rps" "$p50" "$p99" "$err"
      P99[$who]+="$p99 "
    done
  done
  d=$(echo "${P99[direct]}" | tr ' ' '\n' | grep . | median)
  g=$(echo "${P99[gatebench-gateway]}" | tr ' ' '\n' | grep . | median)
  n=$(echo "${P99[nginx]}" | tr ' ' '\n' | grep . | median)
  python3 -c "print(f'p99 direct {$d:.3f} ms; added by gatebench-gateway {$g-$d:+.3f} ms (goal <= 0.3 ms), by nginx {$n-$d:+.3f} ms')"
  unset P99
done
