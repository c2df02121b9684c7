#!/usr/bin/env python3
"""Paid-invoke throughput against the framework's ceiling, on SQLite and on PostgreSQL, in one run.

Usage: scripts/bench-http.py [--binary .build/release/jecp-hub] [--duration 15] [--connections 16,64] [--agents 400]
                             [--stores sqlite,postgres] [--preload 1000000]

For each store: starts a release Hub on a temporary database (PostgreSQL: a throwaway cluster
from the installed server binaries, fsync ON, run as `nobody` when root), registers and funds
`--agents` platinum agents through the real API (so per-agent limits never bind), then drives
with wrk for a fixed duration:
  ceiling   GET /health/live (a trivial route on the same server)
  paid      POST /v1/invoke content-factory/text-stats, every id unique: every call a real charge
  replay    POST /v1/invoke with ids already completed (idempotent replays)
at each of `--connections`, and prints requests/s, p50/p99/p99.9 latency and the ratios to the ceiling.
With `--preload N` (SQLite), the Hub is then stopped, N past paid calls (charges with their four
ledger entries and invocations, two days old, balanced by one credit per agent) are written into
its file, and `paid` runs again on the restarted Hub: cost must stay flat as the ledger grows.
Needs wrk (apt-get install wrk).
BENCH_PG_OPTIONS adds server options (e.g. "-c synchronous_commit=off" to see what durability costs).
Loopback only.
"""
import argparse, glob, os, re, shutil, subprocess, sys, tempfile, time
from hubhttp import call, start_hub

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/jecp-hub")
parser.add_argument("--duration", type=int, default=15)
parser.add_argument("--connections", default="16,64")
parser.add_argument("--agents", type=int, default=400)
parser.add_argument("--stores", default="sqlite,postgres")
parser.add_argument("--preload", type=int, default=0)
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
    p999 = re.search(r"^p99\.9 ([\d.]+)$", output, re.M)
    return {"rps": rps, "p50": percentile(50), "p99": percentile(99), "p999": float(p999.group(1)) / 1000 if p999 else float("nan"),
            "errors": int(non2xx.group(1)) if non2xx else 0}

# wrk's --latency table stops at p99; its done() hook reads any percentile (in microseconds).
DONE = """
function done(summary, latency, requests) io.write(string.format("p99.9 %d\\n", latency:percentile(99.9))) end
"""

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

def preload(database, count):
    """Writes `count` past paid calls shaped like the warm-up charges, two days old (past the
    replay window, so without stored responses), and one credit per agent that pays for them."""
    import sqlite3, uuid
    db = sqlite3.connect(database)
    template = db.execute("SELECT id, agent_id FROM ledger_transactions WHERE kind = 'charge' LIMIT 1").fetchone()
    entries = db.execute("SELECT account, account_class, amount_micros FROM ledger_entries WHERE transaction_id = ? ORDER BY seq",
                         (template[0],)).fetchall()
    invocation = db.execute("SELECT capability, action, price_micros, method, duration_ms FROM invocations WHERE transaction_id = ?",
                            (template[0],)).fetchone()
    price = -next(amount for account, kind, amount in entries if kind == "wallet")
    agents = [row[0] for row in db.execute("SELECT id FROM agents")]
    then = int(time.time()) - 2 * 86400
    per_agent = {agent: 0 for agent in agents}
    batch = 50000
    for start in range(0, count, batch):
        transactions, legs, invocations = [], [], []
        for n in range(start, min(start + batch, count)):
            agent = agents[n % len(agents)]
            per_agent[agent] += 1
            tx, inv = str(uuid.uuid4()), str(uuid.uuid4())
            transactions.append((tx, agent, inv, f"{invocation[0]}/{invocation[1]}", invocation[0], invocation[1], then))
            for account, kind, amount in entries:
                legs.append((tx, f"wallet:{agent}" if kind == "wallet" else account, kind, amount))
            invocations.append((inv, agent, f"history-{n}", invocation[0], invocation[1], invocation[2], invocation[3], tx, invocation[4], then))
        db.executemany("INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, memo, capability, action, created_at) "
                       "VALUES (?, 'charge', ?, ?, ?, ?, ?, ?)", transactions)
        db.executemany("INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros) VALUES (?, ?, ?, ?)", legs)
        db.executemany("INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, "
                       "duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?)", invocations)
        db.commit()
    for agent, calls in per_agent.items():
        tx = str(uuid.uuid4())
        db.execute("INSERT INTO ledger_transactions (id, kind, agent_id, idempotency_key, memo, created_at) VALUES (?, 'credit', ?, ?, 'history', ?)",
                   (tx, agent, f"history-{agent}", then - 1))
        db.execute("INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros) VALUES (?, ?, 'wallet', ?)",
                   (tx, f"wallet:{agent}", calls * price))
        db.execute("INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros) VALUES (?, 'external:operator', 'external_funding', ?)",
                   (tx, -calls * price))
        db.execute("UPDATE agents SET total_calls = total_calls + ? WHERE id = ?", (calls, agent))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


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
    admin = {"Authorization": f"Bearer {ADMIN}"}
    results, rss, transactions = [], 0, 0

    def drive(label, scenarios):
        nonlocal rss
        for connections in [int(c) for c in args.connections.split(",")]:
            for name, path, replay in scenarios:
                script = f"{directory}/{name}.lua"
                with open(script, "w") as file:
                    file.write(("" if replay is None else LUA % (table, "true" if replay else "false")) + DONE)
                results.append((label, name, connections, wrk(base + path, script, args.duration, connections)))
        rss = max(rss, int(open(f"/proc/{hub.pid}/status").read().split("VmHWM:")[1].split()[0]) // 1024)

    try:
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
        drive(store, [("ceiling", "/health/live", None), ("paid", "/v1/invoke", False), ("replay", "/v1/invoke", True)])
        if args.preload and store == "sqlite":
            hub.terminate()
            hub.wait()
            started = time.time()
            preload(f"{directory}/hub.sqlite", args.preload)
            print(f"preloaded {args.preload} past paid calls in {time.time() - started:.0f} s", flush=True)
            hub, base = start_hub(args.binary, env)
            drive(f"{store}+{args.preload // 1000}k", [("ceiling", "/health/live", None), ("paid", "/v1/invoke", False)])
        _, summary = call("GET", base + "/admin/v1/ledger/summary", None, admin)
        transactions = summary.get("transaction_count", summary)
        return results, rss, transactions
    finally:
        hub.terminate()
        hub.wait()
        if stop_postgres:
            stop_postgres()
        shutil.rmtree(directory, ignore_errors=True)

print(f"wrk -t2 -c{{{args.connections}}} -d{args.duration}s, {args.agents} funded platinum agents, {os.cpu_count()} cores", flush=True)
rows = []
for store in args.stores.split(","):
    results, rss, transactions = bench(store)
    rows += results
    print(f"{store}: peak RSS {rss} MB; ledger transactions at the end {transactions}", flush=True)
print(f"{'run':14} {'scenario':8} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99.9 ms':>9} {'non-2xx':>8} {'of ceiling':>10}")
for label, name, connections, result in rows:
    ceiling = next(r for l, n, c, r in rows if l == label and n == "ceiling" and c == connections)
    print(f"{label:14} {name:8} {connections:5d} {result['rps']:9.0f} {result['p50']:8.2f} {result['p99']:8.2f} {result['p999']:9.2f} "
          f"{result['errors']:8d} {result['rps'] / ceiling['rps']:10.0%}")
