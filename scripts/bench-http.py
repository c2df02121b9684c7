#!/usr/bin/env python3
"""Paid-invoke throughput against the framework's ceiling, on SQLite and on PostgreSQL, in one run.

Usage: scripts/bench-http.py [--binary .build/release/jecp-hub] [--duration 15] [--connections 64] [--agents 400]
                             [--stores sqlite,postgres]

For each store: starts a release Hub on a temporary database (PostgreSQL: a throwaway cluster
from the installed server binaries, fsync ON, run as `nobody` when root), registers and funds
`--agents` platinum agents through the real API (so per-agent limits never bind), then drives
with wrk for a fixed duration:
  ceiling   GET /health/live (a trivial route on the same server)
  paid      POST /v1/invoke content-factory/text-stats, every id unique: every call a real charge
  replay    POST /v1/invoke with ids already completed (idempotent replays)
and prints requests/s, p50/p99 latency and the ratios to the ceiling. Needs wrk (apt-get install wrk).
BENCH_PG_OPTIONS adds server options (e.g. "-c synchronous_commit=off" to see what durability costs).
Loopback only.
"""
import argparse, glob, os, re, shutil, subprocess, sys, tempfile
from hubhttp import call, start_hub

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/jecp-hub")
parser.add_argument("--duration", type=int, default=15)
parser.add_argument("--connections", type=int, default=64)
parser.add_argument("--agents", type=int, default=400)
parser.add_argument("--stores", default="sqlite,postgres")
args = parser.parse_args()

ADMIN = "bench-admin-token-0123456789abcdef"
SECRET = "bench-key-secret-0123456789abcdef0123456789"

def start_postgres(directory):
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    run_as = ["runuser", "-u", "nobody", "--"] if os.getuid() == 0 else []
    if os.getuid() == 0:
        shutil.chown(directory, "nobody", "nogroup")
    subprocess.run(run_as + [f"{binaries}/initdb", "-D", f"{directory}/data", "-U", "jecp", "-A", "trust", "--no-sync"], check=True,
                   stdout=subprocess.DEVNULL)
    options = f"-k {directory} -p 5499 -c listen_addresses='' -c max_connections=200 -c shared_buffers=256MB " + os.environ.get("BENCH_PG_OPTIONS", "")
    subprocess.run(run_as + [f"{binaries}/pg_ctl", "-D", f"{directory}/data", "-l", f"{directory}/log", "-w", "-o", options, "start"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([f"{binaries}/createdb", "-h", directory, "-p", "5499", "-U", "jecp", "jecp"], check=True)
    return lambda: subprocess.run(run_as + [f"{binaries}/pg_ctl", "-D", f"{directory}/data", "-m", "fast", "stop"], stdout=subprocess.DEVNULL)

def wrk(url, script, duration, connections):
    completed = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, url],
                               capture_output=True, text=True)
    output = completed.stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not found:
        sys.exit(f"wrk failed on {url}:\n{output}\n{completed.stderr}")
    rps = float(found.group(1))
    def percentile(p):
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": percentile(50), "p99": percentile(99), "errors": int(non2xx.group(1)) if non2xx else 0}

LUA = """
local agents = %s
local replay = %s
local counter = 0
local thread_id = 0
function setup(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
function request()
  counter = counter + 1
  local agent = agents[(counter %% #agents) + 1]
  local id
  if replay then id = "warm-" .. agent[1] else id = "b" .. tid .. "-" .. counter end
  local body = '{"jecp":"1.0","id":"' .. id .. '","capability":"content-factory","action":"text-stats","input":{"text":"Two nodes, one ledger."}}'
  return wrk.format("POST", "/v1/invoke", {["Content-Type"]="application/json", ["X-Agent-ID"]=agent[1], ["X-API-Key"]=agent[2]}, body)
end
"""

def bench(store):
    directory = tempfile.mkdtemp(prefix="jecp-bench-")
    os.chmod(directory, 0o755)
    stop_postgres = None
    env = {**os.environ, "HTTP_PORT": "0", "LOG_LEVEL": "error", "JECP_ADMIN_TOKEN": ADMIN, "JECP_KEY_SECRET": SECRET,
           "JECP_REGISTRATION_RPM": "100000", "JECP_FREE_CALLS": "0", "DB_SQLITE_PATH": f"{directory}/hub.sqlite"}
    if store == "postgres":
        stop_postgres = start_postgres(directory)
        env.update({"DB_KIND": "postgres", "DB_POSTGRES_HOST": directory, "DB_POSTGRES_PORT": "5499", "DB_POSTGRES_USER": "jecp",
                    "DB_POSTGRES_DATABASE": "jecp", "DB_POSTGRES_POOL_INVOKE": "32"})
    hub, base = start_hub(args.binary, env)
    try:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        agents = []
        for index in range(args.agents):
            _, agent = call("POST", base + "/api/agent/register", {"name": f"bench-{index}"})
            call("PATCH", f"{base}/admin/v1/agents/{agent['agent_id']}", {"tier_floor": "platinum"}, admin)
            call("POST", f"{base}/admin/v1/agents/{agent['agent_id']}/credit", {"amount_usdc": 1000, "reason": "bench", "idempotency_key": f"fund-{index}"}, admin)
            auth = {"X-Agent-ID": agent["agent_id"], "X-API-Key": agent["api_key"]}
            call("POST", base + "/v1/invoke", {"jecp": "1.0", "id": f"warm-{agent['agent_id']}", "capability": "content-factory", "action": "text-stats",
                                               "input": {"text": "Two nodes, one ledger."}}, auth)
            agents.append((agent["agent_id"], agent["api_key"]))
        table = "{" + ",".join(f'{{"{a}","{k}"}}' for a, k in agents) + "}"
        results = {}
        for name, path, replay in [("ceiling", "/health/live", None), ("paid", "/v1/invoke", False), ("replay", "/v1/invoke", True)]:
            script = f"{directory}/{name}.lua"
            with open(script, "w") as file:
                file.write("" if replay is None else LUA % (table, "true" if replay else "false"))
            results[name] = wrk(base + path, script, args.duration, args.connections)
        _, summary = call("GET", base + "/admin/v1/ledger/summary", None, admin)
        rss = int(open(f"/proc/{hub.pid}/status").read().split("VmHWM:")[1].split()[0]) // 1024
        return results, summary, rss
    finally:
        hub.terminate()
        hub.wait()
        if stop_postgres:
            stop_postgres()
        shutil.rmtree(directory, ignore_errors=True)

print(f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.agents} funded platinum agents, {os.cpu_count()} cores")
print(f"{'store':9} {'scenario':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'of ceiling':>10}")
for store in args.stores.split(","):
    results, summary, rss = bench(store)
    for name, result in results.items():
        ratio = result["rps"] / results["ceiling"]["rps"]
        print(f"{store:9} {name:8} {result['rps']:9.0f} {result['p50']:8.2f} {result['p99']:8.2f} {result['errors']:8d} {ratio:10.0%}")
    print(f"{store:9} peak RSS {rss} MB; ledger transactions {summary.get('transaction_count', summary)}")
