#!/usr/bin/env bash
# Property-based API testing of a live Hub with schemathesis (PyPI), from its own /openapi.json.
#
#   scripts/schemathesis.sh [BINARY] [MAX_EXAMPLES]      # defaults: .build/release/jecp-hub, 50
#
# Starts the Hub on a temporary SQLite file (loopback, port 0), registers an agent and gives it
# money, then lets schemathesis generate requests for every documented operation, with the agent's
# credentials, and check: no 5xx, every response matches its documented schema, status code and
# content type. Top-up and the Stripe webhook are left out: on a Hub without Stripe keys they answer
# their documented 503 TOPUP_NOT_ENABLED, which schemathesis counts as a server error. Installs schemathesis into a virtualenv under .build/ on first use.
# The report goes to stdout; the exit code is schemathesis's.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/jecp-hub}
examples=${2:-50}
venv=.build/schemathesis-venv
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }

work=$(mktemp -d)
admin=schemathesis-admin-token-0123456789abcdef
trap 'kill "$hub" 2>/dev/null; wait "$hub" 2>/dev/null; rm -rf "$work"' EXIT
HTTP_PORT=0 LOG_LEVEL=error DB_SQLITE_PATH="$work/hub.sqlite" JECP_ADMIN_TOKEN=$admin JECP_REGISTRATION_RPM=100000 \
  "$binary" >"$work/hub.log" 2>&1 &
hub=$!
for _ in $(seq 100); do
  port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/hub.log" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/hub.log"; exit 1; }
base=http://127.0.0.1:$port

agent=$(curl -sf -X POST "$base/api/agent/register" -H 'Content-Type: application/json' -d '{"name":"schemathesis"}')
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])' <<<"$agent")
key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])' <<<"$agent")
curl -sf -X POST "$base/admin/v1/agents/$id/credit" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"amount_usdc":100,"reason":"schemathesis","idempotency_key":"schemathesis-fund"}' >/dev/null

started=$(date +%s)
set +e
"$venv/bin/schemathesis" run "$base/openapi.json" --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" --seed 1 --workers 2 \
  -H "X-Agent-ID: $id" -H "X-API-Key: $key" \
  --exclude-path-regex '^/(api/agents?/topup|webhooks/stripe)$' --suppress-health-check filter_too_much --no-color
status=$?
set -e
echo "schemathesis took $(( $(date +%s) - started )) s against $base (exit $status)"
exit $status
