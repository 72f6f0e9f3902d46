#!/usr/bin/env bash
# Profiles Sluice under load with Java Flight Recorder: starts the instant mock from ../shared/bench
# and Sluice (bench/sluice-bench.yaml unless SLUICE_CONFIG), makes a virtual key with KEY_BODY
# (governance on: budget and limits), drives c=50 with wrk for DURATION, and prints the hottest
# methods (self time, then the frames below the gateway's own code) from the recording.
# Env: DURATION (30s), CONNECTIONS (50), KEY_BODY ('{"max_budget":1000000,"rpm_limit":100000000,
#      "tpm_limit":100000000000}'), SLUICE_CONFIG, JFR_SETTINGS (profile), TOP (40).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
run=$root/bench/run; mkdir -p "$run"
source "$root/scripts/find-jdk.sh"
find_jdk || { echo "profile: no JDK 21+ found" >&2; exit 1; }
dist=$root/gateway-server/target/sluice
[ -x "$dist/bin/sluice" ] || (cd "$root" && ./mvnw -q -DskipTests package)
key_body=${KEY_BODY:-'{"max_budget":1000000,"rpm_limit":100000000,"tpm_limit":100000000000}'}
jfr=$run/profile.jfr

cleanup() {
  [ -f "$run/profile.pid" ] && kill "$(cat "$run/profile.pid")" 2>/dev/null || true
  rm -f "$run/profile.pid"
  "$shared/mock/stop.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT
export RUN_DIR=$run
"$shared/mock/start.sh" >/dev/null
rm -rf "$run/profile-data" "$jfr"
"$dist/bin/sluice" --config "${SLUICE_CONFIG:-$root/bench/sluice-bench.yaml}" --host 127.0.0.1 --port 4100 \
  --data-dir "$run/profile-data" > "$run/profile.log" 2>&1 &
echo $! > "$run/profile.pid"
for _ in $(seq 60); do curl -sf http://127.0.0.1:4100/health/readiness >/dev/null && break; sleep 0.5; done
key=$(curl -sf http://127.0.0.1:4100/key/generate -H "Authorization: Bearer sk-bench" \
  -H "Content-Type: application/json" -d "$key_body" | sed -n 's/.*"key" *: *"\(sk-[^"]*\)".*/\1/p')
export AUTH="Bearer $key" MODEL=gpt-4o-mini
wrk -t2 -c"${CONNECTIONS:-50}" -d10s -s "$shared/scripts/chat.lua" http://127.0.0.1:4100/v1/chat/completions >/dev/null
"$JAVA_HOME/bin/jcmd" "$(cat "$run/profile.pid")" JFR.start name=profile settings="${JFR_SETTINGS:-profile}" >/dev/null
wrk -t2 -c"${CONNECTIONS:-50}" -d"${DURATION:-30s}" -s "$shared/scripts/chat.lua" http://127.0.0.1:4100/v1/chat/completions \
  | grep -E "Requests/sec|Latency|Non-2xx"
"$JAVA_HOME/bin/jcmd" "$(cat "$run/profile.pid")" JFR.stop name=profile filename="$jfr" >/dev/null
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 64 "$jfr" > "$run/profile.samples"
python3 - "$run/profile.samples" "${TOP:-40}" <<'PY'
import re, sys, collections
samples = open(sys.argv[1]).read().split("jdk.ExecutionSample")
top = int(sys.argv[2])
self_time, inclusive = collections.Counter(), collections.Counter()
for sample in samples:
    frames = re.findall(r"^\s+([\w$.<>]+)\(", sample, re.M)
    if not frames:
        continue
    self_time[frames[0]] += 1
    for frame in set(frames):
        inclusive[frame] += 1
total = sum(self_time.values())
print(f"{total} samples\n-- self")
for frame, n in self_time.most_common(top):
    print(f"{100*n/total:5.1f}%  {frame}")
print("-- inclusive, gateway code")
for frame, n in inclusive.most_common(400):
    if frame.startswith("dev.sluice") and top > 0:
        print(f"{100*n/total:5.1f}%  {frame}"); top -= 1
PY
