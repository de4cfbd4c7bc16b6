# Shared by the benchmark scripts: pinned peers on loopback and measurement helpers.
# Source it; call bench_cleanup on exit (the scripts trap it).
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/gb-bench.XXXX)}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
# The 70-byte body of go-bench-suite's /json/valid, as published.
JSON_BODY='{"time": "2020-04-06 20:00:38.661919975 +0000 UTC m=+20526.911315903"}'
BENCH_PIDS=()

need() { for b in "$@"; do command -v "$b" >/dev/null || { echo "missing tool: $b (make bench installs it)"; exit 1; }; done; }

wait_port() { # host port
  local i; for ((i = 0; i < 200; i++)); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.05; done
  echo "nothing listens on $1:$2" >&2; return 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_cleanup() { # never stops early: every server started here must go, whatever failed
  set +e
  local p f; for p in "${BENCH_PIDS[@]}"; do kill -CONT "$p"; kill "$p"; done 2>/dev/null
  for f in "$BENCH_DIR"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")"; done 2>/dev/null
  sleep 0.2
}

# nginx answering every path with the 70-byte JSON, one worker, pinned to SERVER_CPU.
nginx_json() { # port
  cat >"$BENCH_DIR/nginx-$1.conf" <<C
worker_processes 1; daemon on; pid $BENCH_DIR/nginx-$1.pid; error_log $BENCH_DIR/nginx-$1.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000;
  server { listen 127.0.0.1:$1;
    location / { default_type application/json; return 200 '$JSON_BODY'; } } }
C
  taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx-$1.conf" && wait_port 127.0.0.1 "$1"
}

# nginx proxy_pass to 127.0.0.1:UPSTREAM_PORT under /apitest/ (stripped, as in the study), pooled
# keep-alive upstream connections, one worker pinned to SERVER_CPU.
nginx_proxy() { # port upstream_port
  cat >"$BENCH_DIR/nginx-proxy-$1.conf" <<C
worker_processes 1; daemon on; pid $BENCH_DIR/nginx-proxy-$1.pid; error_log $BENCH_DIR/nginx-proxy-$1.err warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000000;
  upstream up { server 127.0.0.1:$2; keepalive 256; keepalive_requests 100000000; }
  server { listen 127.0.0.1:$1;
    location /apitest/ { proxy_pass http://up/; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
C
  taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx-proxy-$1.conf" && wait_port 127.0.0.1 "$1"
}

# The worker pid(s) of the nginx started by nginx_json.
nginx_workers() { pgrep -P "$(cat "$BENCH_DIR/nginx-$1.pid")"; }

# CPU seconds (user+sys) a process has used so far, from /proc/PID/stat.
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat"; }

# Runs a command pinned to CLIENT_CPU under /usr/bin/time; prints its output, then
# "CPU <user+sys seconds> <max RSS KB>" as the last line.
timed_client() {
  { /usr/bin/time -f 'CPU %U %S %M' taskset -c "$CLIENT_CPU" "$@"; } 2>&1 |
    awk '/^CPU / {printf "CPU %.3f %d\n", $2+$3, $4; next} {print}'
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

# Another benchmark on these two shared cores would make every number here meaningless: wait for
# it before every measurement (ours are never running in between).
wait_quiet() {
  local i
  for ((i = 0; i < 120; i++)); do
    pgrep -x 'wrk|hey' >/dev/null || return 0
    ((i == 0)) && echo "  (another benchmark is running: waiting)" >&2
    sleep 5
  done
  echo "another benchmark is still running after 10 minutes; giving up" >&2
  exit 1
}

# wrk_run URL [wrk options...] -> "rps p99_ms errors requests" (CONNS connections, SECS seconds)
wrk_run() {
  wait_quiet
  setsid -w taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "$@" | awk '
    /requests in/ {n=$1}
    /Requests\/sec/ {rps=$2}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v}
    /Non-2xx/ {err+=$5} /Socket errors/ {err+=1}
    END {printf "%.0f %.3f %d %d\n", rps, p99, err, n}'
}
