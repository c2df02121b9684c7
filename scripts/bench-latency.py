#!/usr/bin/env python3
"""One connection, one request at a time: where a single paid call's latency goes.

Usage: scripts/bench-latency.py [binary]     (default .build/release/jecp-hub)

Starts a release Hub on a temporary SQLite file, funds one platinum agent, then times 300
authenticated reads (GET /v1/agents/me), 120 paid calls (content-factory/text-stats, unique ids)
and 120 replays, sequentially on one keep-alive connection, and prints p50/p90 of each.
"""
import os, sys, time, tempfile, http.client, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hubhttp import call, start_hub
d = tempfile.mkdtemp()
env = {**os.environ, "HTTP_PORT": "0", "LOG_LEVEL": "error", "JECP_ADMIN_TOKEN": "t"*32, "JECP_FREE_CALLS": "0", "DB_SQLITE_PATH": d + "/hub.sqlite"}
hub, base = start_hub(sys.argv[1] if len(sys.argv) > 1 else ".build/release/jecp-hub", env)
try:
    _, a = call("POST", base + "/api/agent/register", {"name": "lat"})
    (call("PATCH", f"{base}/admin/v1/agents/{a['agent_id']}", {"tier_floor": "platinum"}, {"Authorization": "Bearer " + "t"*32}))
    (call("POST", f"{base}/admin/v1/agents/{a['agent_id']}/credit", {"amount_usdc": 100, "reason": "x", "idempotency_key": "key-0001"}, {"Authorization": "Bearer " + "t"*32}))
    h = {"X-Agent-ID": a["agent_id"], "X-API-Key": a["api_key"], "Content-Type": "application/json"}
    c = http.client.HTTPConnection(base.split("//")[1])
    def run(n, f):
        ts = []
        for i in range(n):
            t = time.perf_counter(); f(i); ts.append((time.perf_counter() - t) * 1000)
        ts.sort(); return "p50 %.2f ms p90 %.2f ms" % (ts[n // 2], ts[n * 9 // 10])
    def me(i):
        c.request("GET", "/v1/agents/me", headers=h); r = c.getresponse(); r.read()
    def paid(i):
        body = json.dumps({"jecp": "1.0", "id": f"lat-{i:06d}", "capability": "content-factory", "action": "text-stats", "input": {"text": "x y"}})
        c.request("POST", "/v1/invoke", body=body, headers=h); r = c.getresponse(); r.read(); assert r.status == 200, r.status
    def replay(i):
        body = json.dumps({"jecp": "1.0", "id": f"lat-{0:06d}", "capability": "content-factory", "action": "text-stats", "input": {"text": "x y"}})
        c.request("POST", "/v1/invoke", body=body, headers=h); r = c.getresponse(); r.read()
    print("me    ", run(300, me)); print("paid  ", run(120, paid)); print("replay", run(120, replay))
finally:
    hub.terminate(); hub.wait()
