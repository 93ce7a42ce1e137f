"""The benchmark harness: the timer, and the results.json that ``run.py`` writes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
KEYS = {"name", "value", "unit", "peer", "peer_value", "ratio", "machine", "notes"}


@pytest.fixture
def harness(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import _harness

    return _harness


def test_median_time_of_a_sleep(harness):
    timing = harness.median_time(lambda: time.sleep(0.02), repeat=5, warmup=1)
    # sleep never returns early; a loaded machine may add a few ms, rarely more
    assert 0.02 <= timing.median_s < 0.04
    assert 0.0 <= timing.spread_s < 0.02


def test_median_time_counts_calls(harness):
    calls = []
    harness.median_time(lambda: calls.append(1), repeat=4, warmup=2)
    assert len(calls) == 6
    with pytest.raises(ValueError, match="repeat"):
        harness.median_time(lambda: None, repeat=0)


def test_row_ratio(harness):
    assert harness.Row("x", 3.0, "s", peer="y", peer_value=2.0).ratio == pytest.approx(1.5)
    assert harness.Row("x", 3.0, "s").ratio is None
    assert set(harness.Row("x", 3.0, "s").as_dict()) == KEYS


def test_matmul_peak_is_plausible(harness):
    flops = harness.matmul_peak_flops(n=256, repeat=3)
    assert 1e8 < flops < 1e14  # from a slow laptop core to a large server, never outside


def test_run_only_machine_writes_results(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--only", "machine", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())
    assert isinstance(rows, list) and len(rows) == 1
    (row,) = rows
    assert set(row) == KEYS
    assert row["unit"] == "GFLOP/s" and row["value"] > 0.1 and row["peer"] is None
    assert {"cpu", "cores", "numpy", "numba"} <= set(row["machine"])
    assert list(tmp_path.iterdir()) == [out]  # the temporary file was renamed, not left behind


def test_run_rejects_unknown_name(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--only", "no-such-bench", "--out", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2 and "machine" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_failing_module_is_reported_and_the_rest_written(tmp_path, monkeypatch, harness):
    (tmp_path / "bench_broken.py").write_text("def rows(ctx):\n    raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import run

    monkeypatch.setattr(run, "discover", lambda: {"broken": "bench_broken", "machine": "bench_machine"})
    out = tmp_path / "results.json"
    assert run.main(["--quick", "--out", str(out)]) == 1
    (row,) = json.loads(out.read_text())
    assert row["name"].startswith("numpy float64 matmul")
