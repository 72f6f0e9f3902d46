#!/usr/bin/env bash
# Sluice against ../shared/bench's mocks, beside a direct call and a bare nginx hop, in one run per
# scenario (targets interleaved). Against the instant nginx mock: added latency at 1 connection
# (c1), throughput at 50 (c50), latency at a paced 200 req/s (rate200), the streaming probe
# (stream). Against the node mock that answers after 50 ms and streams an event every 10 ms:
# 20 connections (slow) and the streaming probe (stream-slow). Results land in bench/results/
# (git-ignored); quote them in docs/benchmarks.md.
#
# Needs: nginx, libnginx-mod-http-lua, wrk, node (apt-get install nginx libnginx-mod-http-lua wrk).
# helidon-c50: the same c50 load on a bare Helidon WebServer + WebClient hop (bench/helidon-hop),
# the floor under any gateway on this stack (not in the default set).
# Env: SCENARIOS ("c1 c50 rate200 stream slow stream-slow"; also helidon-c50), DURATION (10s), ROUNDS (3), WARMUP (30s), SLUICE_PORT (4000),
#      JAVA_OPTS (extra JVM flags for the gateway), SHARED_BENCH (../shared/bench),
#      SLUICE_CONFIG (bench/sluice-bench.yaml), LABEL_PREFIX (sluice),
#      KEY_BODY (a /key/generate body: call with a new virtual key, e.g. '{"rpm_limit": 100000000}',
#      instead of the master key, so the key's limits and budget are on the path).
# Governance on, as users run it (the figures in docs/benchmarks.md):
#   KEY_BODY='{"max_budget":1000000,"rpm_limit":100000000,"tpm_limit":100000000000}' bench/run.sh
#   ... SLUICE_CONFIG=bench/sluice-bench-postgres-redis.yaml for the production layout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
export RUN_DIR=$root/bench/run OUT_DIR=$root/bench/results
mkdir -p "$RUN_DIR" "$OUT_DIR"
source "$root/scripts/find-jdk.sh"
find_jdk || { echo "bench: no JDK 21+ found; set JAVA_HOME" >&2; exit 1; }

port=${SLUICE_PORT:-4000}
scenarios=${SCENARIOS:-c1 c50 rate200 stream slow stream-slow}
slow_port=$((port + 1))
export DURATION=${DURATION:-10s} ROUNDS=${ROUNDS:-3} AUTH="Bearer sk-bench" MODEL=gpt-4o-mini
warmup=${WARMUP:-30s}
sluice_url=http://127.0.0.1:$port/v1/chat/completions
targets="direct hop sluice=$sluice_url"
slow_targets="direct hop sluice=http://127.0.0.1:$slow_port/v1/chat/completions"
slow_upstream=http://127.0.0.1:18081

dist=$root/gateway-server/target/sluice
if [ ! -x "$dist/bin/sluice" ]; then
  (cd "$root" && ./mvnw -q -DskipTests package)
fi

start_sluice() { # start_sluice NAME PORT UPSTREAM_BASE
  sed "s#http://127.0.0.1:18080#$3#" "${SLUICE_CONFIG:-$root/bench/sluice-bench.yaml}" > "$RUN_DIR/$1.yaml"
  rm -rf "$RUN_DIR/$1-data"
  if grep -q "/sluice_bench" "$RUN_DIR/$1.yaml"; then # a fresh database, as the data dir is fresh
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "drop database if exists sluice_bench_${1//-/_}" \
      -c "create database sluice_bench_${1//-/_}" >/dev/null 2>&1 || true
    sed -i "s#/sluice_bench#/sluice_bench_${1//-/_}#" "$RUN_DIR/$1.yaml"
  fi
  "$dist/bin/sluice" --config "$RUN_DIR/$1.yaml" --host 127.0.0.1 --port "$2" \
    --data-dir "$RUN_DIR/$1-data" > "$RUN_DIR/$1.log" 2>&1 &
  echo $! > "$RUN_DIR/$1.pid"
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$2/health/readiness" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$2/health/readiness" >/dev/null || { echo "bench: $1 did not start" >&2; cat "$RUN_DIR/$1.log" >&2; exit 1; }
}

cleanup() {
  for name in sluice sluice-slow helidon-hop; do
    if [ -f "$RUN_DIR/$name.pid" ]; then kill "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || true; rm -f "$RUN_DIR/$name.pid"; fi
  done
  PEERS=hop "$shared/peers/stop.sh" >/dev/null 2>&1 || true
  "$shared/mock/stop.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

MODE=all "$shared/mock/start.sh"
PEERS=hop start_sluice sluice "$port" http://127.0.0.1:18080
start_sluice sluice-slow "$slow_port" "$slow_upstream"
if [ -n "${KEY_BODY:-}" ]; then
  key=$(curl -sf "http://127.0.0.1:$port/key/generate" -H "Authorization: $AUTH" -H "Content-Type: application/json" \
    -d "$KEY_BODY" | sed -n 's/.*"key" *: *"\(sk-[^"]*\)".*/\1/p')
  [ -n "$key" ] || { echo "bench: could not create a key with $KEY_BODY" >&2; exit 1; }
  export AUTH="Bearer $key"
fi
echo "Sluice pids $(cat "$RUN_DIR/sluice.pid") (instant mock), $(cat "$RUN_DIR/sluice-slow.pid") (50 ms mock);" \
  "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"

hop_upstream=""
hop_on() { # restart the hop in front of the given upstream if it is not there already
  if [ "$hop_upstream" != "$1" ]; then
    PEERS=hop "$shared/peers/stop.sh" >/dev/null 2>&1 || true
    UPSTREAM=$1 PEERS=hop "$shared/peers/start.sh" >/dev/null
    hop_upstream=$1
  fi
}

if [[ " $scenarios " == *" helidon-c50 "* ]]; then
  "$JAVA_HOME/bin/java" -cp "$dist/lib/*" "$root/bench/helidon-hop/HelidonHop.java" $((port + 2)) http://127.0.0.1:18080 \
    > "$RUN_DIR/helidon-hop.log" 2>&1 &
  echo $! > "$RUN_DIR/helidon-hop.pid"
  for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$((port + 2))/" && break; sleep 0.5; done
fi

cd "$shared"
for scenario in $scenarios; do
  export TARGET_PID=$(cat "$RUN_DIR/sluice.pid")
  case $scenario in
    slow|stream-slow) hop_on "$slow_upstream"; export TARGET_PID=$(cat "$RUN_DIR/sluice-slow.pid") ;;
    *) hop_on http://127.0.0.1:18080 ;;
  esac
  case $scenario in
    c1) LABEL=${LABEL_PREFIX:-sluice}-c1 TARGETS=$targets CONNECTIONS=1 THREADS=1 WARMUP=$warmup ./run.sh ;;
    c50) LABEL=${LABEL_PREFIX:-sluice}-c50 TARGETS=$targets CONNECTIONS=50 THREADS=2 WARMUP=$warmup ./run.sh ;;
    helidon-c50) export TARGET_PID=$(cat "$RUN_DIR/helidon-hop.pid")
      LABEL=helidon-hop-c50 TARGETS="hop helidon-hop=http://127.0.0.1:$((port + 2))/v1/chat/completions" CONNECTIONS=50 \
      THREADS=2 WARMUP=$warmup ./run.sh ;;
    rate200) LABEL=${LABEL_PREFIX:-sluice}-rate200 TARGETS=$targets RATE=200 CONNECTIONS=10 THREADS=1 WARMUP=$warmup ./run.sh ;;
    stream) LABEL=${LABEL_PREFIX:-sluice}-stream TARGETS=$targets ./stream.sh ;;
    slow) UPSTREAM=$slow_upstream LABEL=${LABEL_PREFIX:-sluice}-slow50-c20 TARGETS=$slow_targets CONNECTIONS=20 THREADS=2 \
      WARMUP=$warmup ./run.sh ;;
    stream-slow) UPSTREAM=$slow_upstream LABEL=${LABEL_PREFIX:-sluice}-stream-slow50 TARGETS=$slow_targets N=100 WARMUP_N=10 \
      ./stream.sh ;;
    *) echo "bench: unknown scenario $scenario" >&2; exit 2 ;;
  esac
  # the gateway's memory right after the load: resident set, and the heap's use
  echo "memory after $scenario: RSS $(ps -o rss= -p "$TARGET_PID" | awk '{printf "%.0f MB", $1/1024}'); heap:" \
    "$("$JAVA_HOME/bin/jcmd" "$TARGET_PID" GC.heap_info 2>/dev/null | grep -m1 -E 'garbage-first heap' | sed 's/^ *//')"
done
