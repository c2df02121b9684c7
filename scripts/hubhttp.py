"""Shared by the bench scripts: JSON over HTTP to a Hub on loopback, and starting one."""
import json, re, subprocess, urllib.error, urllib.request


def call(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def start_hub(binary, env):
    """Starts `binary` with `env` (HTTP_PORT=0); returns (process, base URL) once it listens."""
    hub = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in hub.stdout:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            return hub, f"http://127.0.0.1:{match.group(1)}"
    raise SystemExit("the Hub exited before it listened")
