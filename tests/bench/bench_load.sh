#!/usr/bin/env bash
# The load engine's figures (issue 2), against wrk and hey in the same run:
#   1. requests per generator CPU-second, 50 connections, alternating rounds
#   2. peak RSS over 10,000,000 requests (hey's at 500,000 for reference)
#   3. --rate 20000 for 10 s: achieved rate vs target
#   4. coordinated omission: nginx paused 1 s (SIGSTOP/SIGCONT) in a 2000 rps run; p99 of
#      gatebench-load --rate vs hey at the same rate (-q 40 x 50 workers)
# nginx serves the 70-byte JSON pinned to core 0; every client runs pinned to core 1.
# Usage: tests/bench/bench_load.sh [BIN_DIR] [ROUNDS] [SECONDS]   (quick: ROUNDS=1 SKIP_RSS=1)
# BASELINE=/path/to/an/older/gatebench-load adds it to section 1's rotation (an A/B of a change).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../../build/bin}
ROUNDS=${2:-3}
SECS=${3:-4}
. "$here/lib.sh"
trap bench_cleanup EXIT
need nginx wrk hey taskset /usr/bin/time python3
LOAD="$BIN/gatebench-load"
[ -x "$LOAD" ] || { echo "build first: $LOAD not found"; exit 1; }

port=$(free_port)
nginx_json "$port"
url="http://127.0.0.1:$port/json/valid"
echo "# $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); nginx on core $SERVER_CPU, clients on core $CLIENT_CPU"
echo "# 1. requests per generator CPU-second (${SECS}s rounds, 50 connections)"
printf '%-6s %-16s %12s %10s %14s\n' round tool requests cpu_s req_per_cpu_s
declare -A eff
TOOLS=(gatebench-load wrk hey)
[ -n "${BASELINE:-}" ] && TOOLS+=(baseline)
ratio_wrk=(); ratio_hey=(); ratio_base=()
for ((r = 1; r <= ROUNDS; r++)); do
  # The machine's speed drifts over a run: rotate the order so that no tool always runs first,
  # and compare the tools within each round.
  k=$((r % ${#TOOLS[@]}))
  order=("${TOOLS[@]:k}" "${TOOLS[@]:0:k}")
  declare -A round=()
  for tool in "${order[@]}"; do
    case $tool in
      gatebench-load|baseline)
        bin=$LOAD; [ "$tool" = baseline ] && bin=$BASELINE
        out=$(timed_client "$bin" -z "${SECS}s" -c 50 --json - "$url")
        reqs=$(echo "$out" | python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[:t.rindex("}")+1])["requests"])') ;;
      wrk) out=$(timed_client wrk -t1 -c50 -d"${SECS}s" "$url")
        reqs=$(echo "$out" | awk '/requests in/ {print $1}') ;;
      hey) out=$(timed_client hey -z "${SECS}s" -c 50 "$url")
        reqs=$(echo "$out" | awk '/\[200\]/ {print $2}') ;;
    esac
    cpu=$(echo "$out" | awk '/^CPU / {print $2}')
    e=$(python3 -c "print(round($reqs/$cpu))")
    eff[$tool]+="$e "
    round[$tool]=$e
    printf '%-6s %-16s %12s %10s %14s\n' "$r" "$tool" "$reqs" "$cpu" "$e"
  done
  ratio_wrk+=("$(python3 -c "print(f'{${round[gatebench-load]}/${round[wrk]}:.3f}')")")
  ratio_hey+=("$(python3 -c "print(f'{${round[gatebench-load]}/${round[hey]}:.3f}')")")
  [ -n "${BASELINE:-}" ] &&
    ratio_base+=("$(python3 -c "print(f'{${round[gatebench-load]}/${round[baseline]}:.3f}')")")
  unset round
done
g=$(echo "${eff[gatebench-load]}" | tr ' ' '\n' | grep . | median)
w=$(echo "${eff[wrk]}" | tr ' ' '\n' | grep . | median)
h=$(echo "${eff[hey]}" | tr ' ' '\n' | grep . | median)
python3 -c "print(f'median req/CPU-s: gatebench-load {$g:.0f}, wrk {$w:.0f}, hey {$h:.0f}')"
echo "gatebench-load / wrk per round: ${ratio_wrk[*]} -> median $(printf '%s\n' "${ratio_wrk[@]}" | median) (goal >= 1.0)"
echo "gatebench-load / hey per round: ${ratio_hey[*]} -> median $(printf '%s\n' "${ratio_hey[@]}" | median) (goal >= 3.0)"
[ -n "${BASELINE:-}" ] &&
  echo "gatebench-load / baseline per round: ${ratio_base[*]} -> median $(printf '%s\n' "${ratio_base[@]}" | median)"

if [ "${SKIP_RSS:-0}" != 1 ]; then
  echo "# 2. peak RSS"
  out=$(timed_client "$LOAD" -n 10000000 -c 50 --json - "$url")
  reqs=$(echo "$out" | python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[:t.rindex("}")+1])["requests"])')
  echo "gatebench-load: $reqs requests, peak RSS $(echo "$out" | awk '/^CPU / {printf "%.1f MB", $3/1024}') (goal <= 20 MB)"
  out=$(timed_client hey -n 500000 -c 50 "$url")
  echo "hey: 500000 requests, peak RSS $(echo "$out" | awk '/^CPU / {printf "%.1f MB", $3/1024}')"
fi

echo "# 3. --rate 20000 for 10 s"
out=$(timed_client "$LOAD" --rate 20000 -z 10s -c 50 --json - "$url")
echo "$out" | python3 -c '
import json,sys; t=sys.stdin.read(); j=json.loads(t[:t.rindex("}")+1]); lat=j["latency_ms"]
print("target %.0f rps, achieved %.0f rps (%+.2f %%, goal within 1 %%), late sends %d, p99 %.3f ms"
      % (j["target_rps"], j["rps"], (j["rps"]/j["target_rps"]-1)*100, j["late_sends"], lat["p99"]))'

echo "# 4. coordinated omission: nginx stopped for 1 s at t=3 s of a 10 s run at 2000 rps"
pause_nginx() { sleep 3; local w; w=$(nginx_workers "$port"); kill -STOP $w; sleep 1; kill -CONT $w; }
pause_nginx & out=$(timed_client "$LOAD" --rate 2000 -z 10s -c 50 --json - "$url"); wait
echo "$out" | python3 -c '
import json,sys; t=sys.stdin.read(); j=json.loads(t[:t.rindex("}")+1]); lat=j["latency_ms"]; svc=j["service_ms"]
print("gatebench-load --rate 2000: p99 %.1f ms, max %.1f ms (goal p99 >= 500 ms); service-time p99 %.1f ms"
      % (lat["p99"], lat["max"], svc["p99"]))'
pause_nginx & out=$(timed_client hey -q 40 -c 50 -z 10s "$url"); wait
echo "hey -q 40 -c 50: p99 $(echo "$out" | awk '/99% in/ {printf "%.1f ms", $3*1000}'), slowest $(echo "$out" | awk '/Slowest/ {printf "%.1f ms", $2*1000}')"
