#!/usr/bin/env bash
# Builds the third-party example plugin (plugins/examples/acme-provider) outside the reactor,
# against the Sluice artifacts `./mvnw install` put in the local Maven repository, with its
# contract tests, and a plugin started from it with scripts/new-plugin.sh; then drops the jar into a copy of the distribution's plugins folder, starts
# the gateway and checks that the plugin is loaded and its acme/ models are routed to it.
# Fails (non-zero) on any step. Part of the README's test command, after `./mvnw install`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/find-jdk.sh"
find_jdk || { echo "example-plugin: no JDK 21+ found; set JAVA_HOME" >&2; exit 1; }
log() { printf '[example-plugin] %s\n' "$*"; }

log "building plugins/examples/acme-provider against the installed plugin API and test kit"
"$root/mvnw" -B -ntp -q -f "$root/plugins/examples/acme-provider/pom.xml" package
jar=$(ls "$root"/plugins/examples/acme-provider/target/acme-provider-*.jar)

work=$(mktemp -d)
cleanup() { kill "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

log "starting a plugin from the template (scripts/new-plugin.sh) and building it with its contract tests"
"$root/scripts/new-plugin.sh" nimbus-provider com.nimbus.sluice nimbus "$work/nimbus-provider" >/dev/null
"$root/mvnw" -B -ntp -q -f "$work/nimbus-provider/pom.xml" package
unzip -p "$work/nimbus-provider/target/nimbus-provider-1.0.0.jar" META-INF/MANIFEST.MF | grep -q 'Plugin-Id: nimbus-provider' \
  || { log "the plugin started from the template has no descriptor"; exit 1; }
cp -r "$root/gateway-server/target/sluice/plugins" "$work/plugins"
cp "$jar" "$work/plugins/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/config.yaml" <<YAML
model_list:
  - model_name: rocket
    litellm_params: {model: acme/rocket-1, api_key: sk-acme-test, api_base: "http://127.0.0.1:$closed"}
general_settings: {master_key: sk-example-plugin-check}
YAML
"$root/gateway-server/target/sluice/bin/sluice" --config "$work/config.yaml" --port "$port" --host 127.0.0.1 \
  --plugins-dir "$work/plugins" --data-dir "$work/data" > "$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health/liveliness" >/dev/null 2>&1 && break; sleep 0.2; done

readiness=$(curl -sf "http://127.0.0.1:$port/health/readiness")
echo "$readiness" | grep -q '"id":"acme-provider","version":"1.0.0"' \
  || { log "the gateway did not load the plugin: $readiness"; cat "$work/gateway.log"; exit 1; }
# readiness lists the deployments no plugin serves: the acme one must not be among them
if echo "$readiness" | grep -q 'acme/rocket-1'; then log "no plugin serves acme/: $readiness"; exit 1; fi
# The model's upstream is a closed port: a 503 from the plugin's call proves the call was routed to
# it (without the plugin, the gateway would refuse the deployment's provider instead).
answer=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" \
  -H "Authorization: Bearer sk-example-plugin-check" -H "Content-Type: application/json" \
  -d '{"model": "rocket", "messages": [{"role": "user", "content": "hi"}]}')
status=${answer##*$'\n'}
[ "$status" = 503 ] && echo "$answer" | grep -q 'service_unavailable' \
  || { log "expected the acme plugin's upstream to be unreachable (503), got: $answer"; cat "$work/gateway.log"; exit 1; }
log "acme-provider 1.0.0 built, its contract tests passed, loaded from the plugins folder and routed to"
