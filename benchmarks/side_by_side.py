"""The raid (benchmarks/raid.py) run by two source trees side by side, on one numba thread each: per-run
wall and CPU times (median) and, with ``--check``, whether the two give the same outcomes.

    python benchmarks/side_by_side.py /path/to/main/src /path/to/branch/src [--runs 7] [--check]

Each tree runs in its own worker process (prepared once, warmed up with seed 0); the runs alternate
between them (seeds 1, 2, ...; the order swaps every run), so that both see the same load on a shared
machine. ``--check`` compares, for seeds 0–4, the summary, the event log, the verdicts, the shots and the
track history (ids, times, states) of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _worker(out_dir: str) -> None:
    """Prepare the raid, then answer ``run SEED`` (times) and ``out SEED`` (outcomes, pickled) on stdin."""
    sys.path.insert(0, str(HERE))
    import numba
    from raid import raid_scenario

    from jointshield.sim import prepare, run

    numba.set_num_threads(1)
    prep = prepare(raid_scenario(100))
    run(prep, 0)
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, seed = line.split()
        if cmd == "run":
            c0, t0 = time.process_time(), time.perf_counter()
            run(prep, int(seed))
            print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}), flush=True)
        elif cmd == "out":
            r = run(prep, int(seed))
            h = r.history
            out = {"summary": r.summary, "events": [e.as_dict() for e in r.events],
                   "classified": {k: v[:3] for k, v in r.classified.items()}, "shots": list(r.shots),
                   "track_launch": r.track_launch, "history": (h.track_id, h.t_s, h.x_eci)}
            path = Path(out_dir) / f"{os.getpid()}_{seed}.pkl"
            path.write_bytes(pickle.dumps(out))
            print(json.dumps({"path": str(path)}), flush=True)
        else:
            break


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN (the shots' miss distances)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (np.isnan(a) and np.isnan(b))
    return a == b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src_a")
    ap.add_argument("src_b")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        names = ("a", "b")
        procs = {}
        for name, src in zip(names, (args.src_a, args.src_b), strict=True):
            env = dict(os.environ, PYTHONPATH=src)
            procs[name] = subprocess.Popen([sys.executable, __file__, src, src, "--worker", tmp], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True, env=env)
        for p in procs.values():
            assert p.stdout.readline().strip() == "ready"

        def ask(name: str, line: str) -> dict:
            procs[name].stdin.write(line + "\n")
            procs[name].stdin.flush()
            return json.loads(procs[name].stdout.readline())

        wall = {n: [] for n in names}
        cpu = {n: [] for n in names}
        for i in range(args.runs):
            for n in names if i % 2 == 0 else names[::-1]:
                t = ask(n, f"run {i + 1}")
                wall[n].append(t["wall"])
                cpu[n].append(t["cpu"])
        for n, src in zip(names, (args.src_a, args.src_b), strict=True):
            print(f"{n} ({src}): wall median {statistics.median(wall[n]):.3f} s "
                  f"[{', '.join(f'{x:.3f}' for x in wall[n])}], CPU median {statistics.median(cpu[n]):.3f} s")
        print(f"a / b: wall {statistics.median(wall['a']) / statistics.median(wall['b']):.2f}, "
              f"CPU {statistics.median(cpu['a']) / statistics.median(cpu['b']):.2f}")
        if args.check:
            for seed in range(5):
                a, b = (pickle.loads(Path(ask(n, f"out {seed}")["path"]).read_bytes()) for n in names)
                diff = [k for k in a if not _same(a[k], b[k])]
                print(f"seed {seed}: {'identical' if not diff else 'differ in ' + ', '.join(diff)}; {a['summary']}")
        for p in procs.values():
            p.stdin.write("quit 0\n")
            p.stdin.flush()
            p.wait()


if __name__ == "__main__":
    if "--worker" in sys.argv:
        _worker(sys.argv[-1])
    else:
        main()
