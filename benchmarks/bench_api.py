"""Joint service under load: 50 concurrent partner clients on loopback for 60 s, each reading the shared
picture (GET /picture, 4 of 5 requests) or filing a launch notification (POST /notifications, 1 of 5).
The server is `jointshield serve` in its own process on a fresh SQLite file (WAL); the clients are one
asyncio process with httpx. Checked: no errors, and no lost writes (every 201 is a notification row and a
ledger entry, and the ledger verifies). Rows: requests per second and latency p50/p95/p99.

``python benchmarks/bench_api.py [--quick] [--clients N] [--seconds S]`` runs it alone.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

try:
    from _harness import Context, Row
except ImportError:  # imported from the tests
    Row = Context = None

NOTE = {"window_start": "2030-01-10T06:00:00Z", "window_end": "2030-01-10T08:00:00Z",
        "launch_area": {"lat_deg": 35.2, "lon_deg": 53.9, "radius_km": 50},
        "impact_area": {"lat_deg": 52.2, "lon_deg": 21.0, "radius_km": 100}, "range_km": 2800}
PARTNERS = [("us", "United States", "US", "operator"), ("ru", "Russia", "RU", "operator"),
            ("eu", "European Union", "EU", "observer"), ("pl", "Poland", "PL", "host"),
            ("cz", "Czech Republic", "CZ", "host")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jointshield serve`` on a fresh database, in a subprocess; tokens for five partners."""

    def __init__(self, db_url: str | None = None):
        from jointshield.store import Store

        self.tmp = tempfile.mkdtemp(prefix="jointshield-load-")
        self.db_url = db_url or f"sqlite:///{self.tmp}/load.db"
        store = Store.open(self.db_url)
        self.tokens = {pid: store.add_partner(pid, n, c, r)[1] for pid, n, c, r in PARTNERS}
        store.close()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen([sys.executable, "-m", "jointshield", "serve", "--port", str(self.port),
                                      "--db", self.db_url], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {self.proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _client(url: str, token: str, deadline: float, k: int, out: dict):
    import httpx

    h = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=h, timeout=30) as c:
        i = k
        while time.monotonic() < deadline:
            write = i % 5 == 0
            i += 1
            t0 = time.perf_counter()
            try:
                r = await (c.post("/notifications", json=NOTE) if write else c.get("/picture"))
                ok = r.status_code == (201 if write else 200)
            except httpx.HTTPError:
                ok = False
            out["lat"].append(time.perf_counter() - t0)
            if not ok:
                out["errors"] += 1
            elif write:
                out["writes"] += 1


def load(url: str, tokens: list[str], clients: int = 50, seconds: float = 60.0) -> dict:
    """Run the load; returns requests, errors, writes acknowledged, req/s and latency percentiles (ms)."""
    out = {"lat": [], "errors": 0, "writes": 0}

    async def main():
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_client(url, tokens[k % len(tokens)], deadline, k, out) for k in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - t0
    lat = np.array(out["lat"]) * 1e3
    p50, p95, p99 = np.percentile(lat, [50, 95, 99]) if lat.size else (np.nan,) * 3
    return {"requests": int(lat.size), "errors": out["errors"], "writes": out["writes"], "wall_s": wall,
            "rps": lat.size / wall, "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99)}


def run_load(clients: int, seconds: float) -> dict:
    """Server up, load, then the no-lost-writes check against the database."""
    from jointshield.store import Store

    server = Server()
    try:
        stats = load(server.url, list(server.tokens.values()), clients, seconds)
    finally:
        server.stop()
    store = Store.open(server.db_url)
    stats["rows"] = store.count("notifications")
    stats["ledger_notifications"] = sum(e.kind == "notification" for e in store.entries())
    stats["ledger_ok"] = store.verify().ok
    store.close()
    return stats


def rows(ctx: Context) -> list[Row]:
    clients, seconds = (50, 10.0) if ctx.quick else (50, 60.0)
    s = run_load(clients, seconds)
    lost = s["writes"] - s["rows"]
    if s["errors"] or lost or not s["ledger_ok"] or s["ledger_notifications"] != s["rows"]:
        raise RuntimeError(f"load test failed: {s}")
    note = (f"{clients} clients, {seconds:.0f} s, 4/5 GET /picture + 1/5 POST /notifications; {s['requests']} "
            f"requests, {s['errors']} errors, {s['writes']} notifications acknowledged = {s['rows']} rows = "
            f"{s['ledger_notifications']} ledger entries, ledger verifies; SQLite WAL, one uvicorn process")
    return [
        Row("joint API under load: throughput", s["rps"], "requests/s", notes=note + "; higher is better"),
        Row("joint API under load: latency p50", s["p50_ms"], "ms", notes="lower is better"),
        Row("joint API under load: latency p95", s["p95_ms"], "ms", notes="lower is better"),
        Row("joint API under load: latency p99", s["p99_ms"], "ms", notes="lower is better"),
    ]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 s instead of 60 s")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=None)
    a = ap.parse_args()
    print(run_load(a.clients, a.seconds or (10.0 if a.quick else 60.0)))
