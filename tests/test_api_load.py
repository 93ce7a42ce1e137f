"""A bounded load test on loopback (the bench's, shorter): 20 clients for 5 s against `jointshield serve`
in its own process; no errors and no lost writes."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def test_load_no_errors_no_lost_writes(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    sys.modules.pop("bench_api", None)
    import bench_api

    s = bench_api.run_load(clients=20, seconds=5.0)
    assert s["errors"] == 0, s
    assert s["writes"] > 0 and s["rows"] == s["writes"] == s["ledger_notifications"], s
    assert s["ledger_ok"]
    print(f"\nload: {s['rps']:.0f} req/s, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms")
