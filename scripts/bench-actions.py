#!/usr/bin/env python3
"""Times every Hub-operated action on its catalog example, through the real HTTP API.

Usage: scripts/bench-actions.py [path/to/jecp-hub] [iterations]
Starts the Hub on a free port with a temporary database, registers one agent, lets the operator
fund it and vouch for platinum (so every action is reachable and per-agent limits are high), then
invokes each action `iterations` times with unique ids and prints p50/p90 wall-clock latency.
Standard library only; loopback only.
"""
import base64, json, os, re, statistics, subprocess, sys, tempfile, time, urllib.request, zlib, struct
from hubhttp import call, start_hub

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/jecp-hub"
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 20

def png(width, height):
    raw = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128)) for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

with tempfile.TemporaryDirectory() as directory:
    hub, base = start_hub(binary, {**os.environ, "HTTP_PORT": "0", "DB_SQLITE_PATH": directory + "/hub.sqlite", "LOG_LEVEL": "error"})
    try:
        token = open(directory + "/admin-token").read().strip()
        admin = {"Authorization": f"Bearer {token}"}
        _, agent = call("POST", base + "/api/agent/register", {"name": "bench-actions"})
        auth = {"X-Agent-ID": agent["agent_id"], "X-API-Key": agent["api_key"]}
        call("POST", f"{base}/admin/v1/agents/{agent['agent_id']}/credit", {"amount_usdc": 1000, "reason": "bench", "idempotency_key": "bench-1"}, admin)
        call("PATCH", f"{base}/admin/v1/agents/{agent['agent_id']}", {"tier_floor": "platinum"}, admin)
        _, catalog = call("GET", base + "/v1/capabilities?limit=200")
        print(f"{'capability/action':45} {'p50 ms':>8} {'p90 ms':>8}  status")
        counter = 0
        for capability in catalog["capabilities"]:
            _, detail = call("GET", f"{base}/v1/capabilities/{capability['id']}")
            for action in detail["actions"]:
                example = json.loads(json.dumps(action["examples"][0]["input"]))
                if example.get("image_png") == "<base64 PNG>":
                    example["image_png"] = base64.b64encode(png(512, 512)).decode()
                timings, statuses = [], set()
                for _ in range(iterations):
                    counter += 1
                    body = {"jecp": "1.0", "id": f"bench-{counter}", "capability": capability["id"], "action": action["id"], "input": example}
                    started = time.perf_counter()
                    status, _ = call("POST", base + "/v1/invoke", body, auth)
                    timings.append((time.perf_counter() - started) * 1000)
                    statuses.add(status)
                timings.sort()
                print(f"{capability['id'] + ' ' + action['id']:45} {statistics.median(timings):8.2f} {timings[int(len(timings) * 0.9) - 1]:8.2f}  {sorted(statuses)}")
    finally:
        hub.terminate()
        hub.wait(timeout=30)
