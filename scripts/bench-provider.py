#!/usr/bin/env python3
"""Hub overhead on a provider-forwarded call: the same local provider called directly and through the Hub.

Usage: scripts/bench-provider.py [--hub .build/release/jecp-hub] [--provider .build/release/jecp-example-provider]
                                 [--duration 10] [--connections 1,16]

Starts the example provider (Examples/TextProvider) and a release Hub on a temporary SQLite file in
test mode (http and loopback allowed), registers the provider (DNS marked verified by the operator),
publishes the example's manifest, funds platinum agents, then drives with wrk, for each concurrency:
  direct   POST <provider>/jecp word-count, each request signed ahead of time (the provider refuses
           replayed signatures, so every request is distinct)
  hub      POST /v1/invoke textco/text-tools word-count, every id unique: a paid call, forwarded,
           verified by the provider and settled
and prints requests/s, p50/p99 and the Hub's added p50. Needs wrk. Loopback only.
"""
import argparse, base64, hashlib, hmac, json, os, re, shutil, subprocess, sys, tempfile, time
from hubhttp import call, start_hub

parser = argparse.ArgumentParser()
parser.add_argument("--hub", default=".build/release/jecp-hub")
parser.add_argument("--provider", default=".build/release/jecp-example-provider")
parser.add_argument("--duration", type=int, default=10)
parser.add_argument("--connections", default="1,16")
parser.add_argument("--agents", type=int, default=64)
args = parser.parse_args()

ADMIN = "bench-admin-token-0123456789abcdef"
SECRET = "bench-key-secret-0123456789abcdef0123456789"
TEXT = "Hello world. How are you?"

def wrk(url, script, duration, connections):
    completed = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, url],
                               capture_output=True, text=True)
    output = completed.stdout
    if completed.stderr.strip():
        print(completed.stderr.strip(), file=sys.stderr)
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found:
        sys.exit(f"wrk failed on {url}:\n{output}\n{completed.stderr}")
    def percentile(p):
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(found.group(1)), "p50": percentile(50), "p99": percentile(99), "errors": int(non2xx.group(1)) if non2xx else 0}

directory = tempfile.mkdtemp(prefix="jecp-bench-provider-")
provider = hub = None
try:
    env = {**os.environ, "HTTP_PORT": "0", "LOG_LEVEL": "error", "JECP_ADMIN_TOKEN": ADMIN, "JECP_KEY_SECRET": SECRET, "JECP_TEST_MODE": "true",
           "JECP_REGISTRATION_RPM": "100000", "JECP_FREE_CALLS": "0", "DB_SQLITE_PATH": f"{directory}/hub.sqlite"}
    hub, base = start_hub(args.hub, env)
    admin = {"Authorization": f"Bearer {ADMIN}"}
    status, registered = call("POST", base + "/v1/providers/register", {"namespace": "textco", "display_name": "Text Co", "owner_email": "ops@text.test",
                                                                         "endpoint_url": "http://127.0.0.1/jecp", "country": "US"})
    assert status == 201, registered
    secret, key = registered["hmac_secret"], registered["provider_api_key"]
    call("PATCH", f"{base}/admin/v1/providers/{registered['provider_id']}", {"dns_verified": True}, admin)

    provider = subprocess.Popen([args.provider], env={**os.environ, "JECP_PROVIDER_SECRET": secret, "PORT": "0"},
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", provider.stdout.readline()).group(1))
    endpoint = f"http://127.0.0.1:{port}/jecp"
    manifest = subprocess.run([args.provider, "manifest", "--namespace", "textco", "--endpoint", endpoint], capture_output=True, check=True).stdout
    import urllib.request
    request = urllib.request.Request(base + "/v1/manifests", data=manifest, method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert urllib.request.urlopen(request).status == 201

    agents = []
    for index in range(args.agents):
        _, agent = call("POST", base + "/api/agent/register", {"name": f"bench-{index}"})
        call("PATCH", f"{base}/admin/v1/agents/{agent['agent_id']}", {"tier_floor": "platinum"}, admin)
        call("POST", f"{base}/admin/v1/agents/{agent['agent_id']}/credit", {"amount_usdc": 1000, "reason": "bench", "idempotency_key": f"fund-{index}"}, admin)
        agents.append((agent["agent_id"], agent["api_key"]))
    status, warm = call("POST", base + "/v1/invoke", {"jecp": "1.0", "id": "warm-up", "capability": "textco/text-tools", "action": "word-count",
                                                      "input": {"text": TEXT}}, {"X-Agent-ID": agents[0][0], "X-API-Key": agents[0][1]})
    assert status == 200, warm

    hub_lua = f"{directory}/hub.lua"
    with open(hub_lua, "w") as file:
        table = "{" + ",".join(f'{{"{a}","{k}"}}' for a, k in agents) + "}"
        file.write(f"""
local agents = {table}
local counter = 0
local threads_started = 0
function setup(thread) threads_started = threads_started + 1; thread:set("tid", threads_started) end
function request()
  counter = counter + 1
  local agent = agents[(counter % #agents) + 1]
  local body = '{{"jecp":"1.0","id":"h' .. tid .. '-' .. counter .. '-' .. os.time() .. '","capability":"textco/text-tools","action":"word-count","input":{{"text":"{TEXT}"}}}}'
  return wrk.format("POST", "/v1/invoke", {{["Content-Type"]="application/json", ["X-Agent-ID"]=agent[1], ["X-API-Key"]=agent[2]}}, body)
end
""")

    last_stamp = 0
    print(f"wrk --latency -d{args.duration}s; {os.cpu_count()} cores shared by wrk, the Hub and the provider; SQLite, synchronous=FULL")
    print(f"{'conns':>5} {'path':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for connections in [int(c) for c in args.connections.split(",")]:
        # Signed ahead of time, one per request the run can make (the provider refuses a replayed
        # signature). Timestamps rise every thousand requests, from 280 s ago, so the provider's
        # bounded replay cache evicts in timestamp order and never refuses a fresh one.
        count = 200_000
        direct_lua = f"{directory}/direct-{connections}.lua"
        signed = f"{directory}/signed-{connections}.tsv"
        now = int(time.time())
        first_stamp = max(now - 280, last_stamp + 1)  # never below what the provider's cache has seen
        last_stamp = first_stamp + (count - 1) // 1000
        with open(signed, "w") as file:
            for index in range(count):
                body = json.dumps({"jecp": "1.0", "id": f"d{connections}-{index}", "capability": "textco/text-tools", "action": "word-count",
                                   "input": {"text": TEXT}}, separators=(",", ":"))
                stamp = first_stamp + index // 1000
                mac = base64.b64encode(hmac.new(secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).digest()).decode()
                file.write(f"{body}\tv1={mac}\t{stamp}\n")
        # Read at start-up (a table literal this large exceeds LuaJIT's 65536 constants per chunk).
        with open(direct_lua, "w") as file:
            file.write(f"""
local requests = {{}}
for line in io.lines("{signed}") do
  local body, signature, stamp = line:match("^(.-)\t(.-)\t(.-)$")
  requests[#requests + 1] = {{body, signature, stamp}}
end
local counter = 0
local threads_started = 0
local threads = {min(2, connections)}
-- `tid` is a global each thread gets from setup (a local would shadow it).
function setup(thread) threads_started = threads_started + 1; thread:set("tid", threads_started) end
function request()
  counter = counter + 1
  local item = requests[((counter * threads + tid) % #requests) + 1]
  return wrk.format("POST", "/jecp", {{["Content-Type"]="application/json", ["X-JECP-Signature"]=item[2], ["X-JECP-Timestamp"]=item[3],
    ["X-JECP-Namespace"]="textco", ["X-JECP-Action"]="word-count"}}, item[1])
end
local shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 3 then shown = shown + 1; io.stderr:write(status .. " " .. body .. "\\n") end
end
""")
        direct = wrk(f"http://127.0.0.1:{port}", direct_lua, args.duration, connections)
        through = wrk(base, hub_lua, args.duration, connections)
        for name, result in [("direct", direct), ("hub", through)]:
            print(f"{connections:5d} {name:7} {result['rps']:8.0f} {result['p50']:8.2f} {result['p99']:8.2f} {result['errors']:8d}")
        print(f"{connections:5d} hub overhead p50 {through['p50'] - direct['p50']:.2f} ms")
    _, summary = call("GET", base + "/admin/v1/ledger/summary", None, admin)
    print(f"ledger transactions {summary['transaction_count']}, balanced {summary['balanced']}")
finally:
    for process in (provider, hub):
        if process:
            process.terminate()
            process.wait()
    shutil.rmtree(directory, ignore_errors=True)
