#!/usr/bin/env bash
# The admin API the UI reads, at a large installation's scale: 100,000 keys and 2,000,000
# spend-log rows over 30 days (a tenth from any key, the rest from 2,000 busy keys; SPREAD=1 for
# every call from another key) in the real PostgreSQL (PGHOST/PGPORT/PGDATABASE/PGUSER, default
# 127.0.0.1:5432/test as postgres), in a schema of this run's own, dropped at the end. Each query
# the UI makes is timed with curl, median of ROUNDS (5) after one warm-up call. Quote the
# results in docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/find-jdk.sh"
find_jdk || { echo "bench: no JDK 21+ found; set JAVA_HOME" >&2; exit 1; }
pg="${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-test}"
pg_user=${PGUSER:-postgres}
psql_run() { psql -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "$pg_user" -d "${PGDATABASE:-test}" -v ON_ERROR_STOP=1 "$@"; }
schema=bench_admin_$$
port=${SLUICE_PORT:-4010}
keys=${KEYS:-100000}
logs=${LOGS:-2000000}
rounds=${ROUNDS:-5}
spread=${SPREAD:-0} # 1: every call from a different key in turn (the worst case for the daily totals)
run_dir=$root/bench/run/admin-queries
mkdir -p "$run_dir"
dist=$root/gateway-server/target/sluice
[ -x "$dist/bin/sluice" ] || (cd "$root" && ./mvnw -q -DskipTests package)

psql_run -c "create schema $schema"
cleanup() {
  kill "${pid:-0}" 2>/dev/null || true; wait "${pid:-0}" 2>/dev/null || true
  if [ -n "${KEEP_SCHEMA:-}" ]; then echo "kept schema $schema"; else psql_run -c "drop schema $schema cascade"; fi
}
trap cleanup EXIT
cat > "$run_dir/config.yaml" <<YAML
model_list:
  - {model_name: gpt-4o-mini, litellm_params: {model: mock/gpt-4o-mini}}
general_settings:
  master_key: sk-bench
  database_url: "postgresql://$pg_user@$pg?currentSchema=$schema"
YAML
"$dist/bin/sluice" --config "$run_dir/config.yaml" --port "$port" --data-dir "$run_dir/data" > "$run_dir/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health/liveliness" >/dev/null && break; sleep 0.5; done

echo "seeding $keys keys and $logs spend-log rows in schema $schema"
psql_run <<SQL
set search_path to $schema;
insert into sluice_teams (team_id, team_alias, created_at, updated_at)
  select 'team-' || t, 'team ' || t, now(), now() from generate_series(1, 200) t;
insert into sluice_keys (token, key_name, key_alias, user_id, team_id, spend, max_budget, created_at, updated_at)
  select md5(k::text) || md5((k + 1)::text), 'sk-...' || right(md5(k::text), 4), 'key-' || k, 'user-' || (k % 5000),
         'team-' || (1 + k % 200), (k % 97) / 10.0, 100, now() - (k || ' seconds')::interval, now()
  from generate_series(1, $keys) k;
insert into sluice_spend_logs (request_id, api_key, key_alias, user_id, team_id, end_user, call_type, model, model_group,
    model_id, status, prompt_tokens, completion_tokens, total_tokens, spend, start_time, end_time)
  select 'req-' || r, md5((k % $keys)::text) || md5((k % $keys + 1)::text), 'key-' || (k % $keys), 'user-' || (k % 5000),
         'team-' || (1 + r % 200), 'customer-' || (r % 1000), 'acompletion', 'gpt-4o-mini',
         case when r % 3 = 0 then 'gpt-4o' else 'gpt-4o-mini' end, 'dep-' || (r % 4),
         case when r % 50 = 0 then 'failure' else 'success' end, 100, 50, 150, 0.0001,
         now() - ((r::bigint * 2592000 / $logs) || ' seconds')::interval,
         now() - ((r::bigint * 2592000 / $logs) || ' seconds')::interval + interval '300 milliseconds'
  -- traffic as it comes: a tenth of the calls spread over every key, the rest from 2,000 busy ones
  from (select r, case when r % 10 = 0 or $spread = 1 then r else r % 2000 end as k from generate_series(1, $logs) r) calls;
SQL
# the daily totals the ledger keeps, filled from the log by migration V003's own statement
sed -n '/^insert into sluice_daily_spend/,/;$/p' \
  "$root/gateway-core/src/main/resources/dev/sluice/core/store/migrations/V003__stored_models_and_daily_spend.sql" \
  | { echo "set search_path to $schema;"; cat; echo "analyze;"; } | psql_run

time_query() { # time_query LABEL PATH
  local url="http://127.0.0.1:$port$2" times=()
  local first; first=$(curl -s -w "\n%{http_code}" -H "Authorization: Bearer sk-bench" "$url")
  [ "${first##*$'\n'}" = 200 ] || { echo "$1: failed: $url: ${first:0:400}" >&2; return 1; }
  for _ in $(seq "$rounds"); do
    times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer sk-bench" "$url")")
  done
  printf '%-48s %8.1f ms\n' "$1" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p" | awk '{print $1 * 1000}')"
}
today=$(date -u +%F); week=$(date -u -d '6 days ago' +%F); month=$(date -u -d '29 days ago' +%F)
echo "median of $rounds, $keys keys, $logs spend-log rows ($(psql_run -tA -c "select count(*) from $schema.sluice_daily_spend") daily-total rows):"
time_query "keys: first page (25)" "/key/list?page=1&size=25&return_full_object=true"
time_query "keys: page 2,000 (25)" "/key/list?page=2000&size=25&return_full_object=true"
time_query "keys: by alias" "/key/list?key_alias=key-77777&return_full_object=true"
time_query "keys: by team" "/key/list?team_id=team-42&size=25&return_full_object=true"
time_query "logs: newest 50, last day" "/spend/logs?page_size=50"
key_hash=$(echo -n 1234 | md5sum | cut -c1-32)$(echo -n 1235 | md5sum | cut -c1-32) # the seeded token of key-1234
time_query "logs: newest 50 of one key, 30 days" "/spend/logs?page_size=50&api_key=$key_hash&start_date=$month&end_date=$today"
time_query "logs: failures, last day" "/spend/logs?page_size=50&status=failure"
time_query "logs: page 20 of 50, last day" "/spend/logs?page_size=50&page=20"
time_query "usage page: summary by model, 7 days" "/spend/summary?group_by=model&start_date=$week&end_date=$today"
time_query "usage page: summary by model, 30 days" "/spend/summary?group_by=model&start_date=$month&end_date=$today"
time_query "usage page: summary by key, 30 days" "/spend/summary?group_by=api_key&start_date=$month&end_date=$today"
time_query "usage page: summary by team, 30 days" "/spend/summary?group_by=team&start_date=$month&end_date=$today"
time_query "daily activity (LiteLLM's, per key), 1 day" "/user/daily/activity?start_date=$today&end_date=$today"
time_query "spend report by team (LiteLLM's), 1 day" "/global/spend/report?group_by=team&start_date=$today&end_date=$today"
# A LiteLLM per-key report over 30 days of 100k keys would be ~2M lines: refused with a 400 asking
# for a shorter period, where it used to exhaust the heap.
printf '%-48s %8s\n' "daily activity (per key), 30 days" "$(curl -s -o /dev/null -w '%{http_code}' \
  -H 'Authorization: Bearer sk-bench' "http://127.0.0.1:$port/user/daily/activity?start_date=$month&end_date=$today")"
time_query "teams: list (200)" "/team/list"
