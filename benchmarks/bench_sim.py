"""Kill-chain engine rows: a raid of 100 missiles (3 radars, 2 interceptor sites, ~28 minutes of scenario
time) simulated on one core against real time, and the parallel efficiency on 2 cores of a 1,000-run
Monte Carlo of it (formed from its measured start-up and per-run costs).

The raid is benchmarks/raid.py. One run excludes `prepare` (flying the 100 launches and building the reach
tables, done once per scenario and shared by every run of a Monte Carlo); its cost is reported beside it.
"""

from __future__ import annotations

import time

import numba
from _harness import Context, Row, median_time
from raid import raid_scenario

from jointshield.sim import monte_carlo, prepare, run


def rows(ctx: Context) -> list[Row]:
    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # "on one core"
    try:
        t0 = time.perf_counter()
        prep = prepare(raid_scenario(100))
        t_prep = time.perf_counter() - t0
        span_s = float(prep.truth.impact_t_s.max() - prep.truth.launch_t_s.min())
        seeds = iter(range(1000))
        t_run = median_time(lambda: run(prep, next(seeds)), repeat=3 if ctx.quick else 5)
    finally:
        numba.set_num_threads(threads)
    speed = span_s / t_run.median_s

    # The goal is the efficiency of a 1,000-run Monte Carlo. Its two-worker cost is a fixed start-up (two
    # spawned processes importing jointshield and loading the compiled kernels) plus a cost per run; a
    # benchmark-sized batch would overweight the start-up, so both parts are measured (two batch sizes)
    # and the 1,000-run figure is formed from them. The directly measured efficiency is in the notes.
    n_small, n_large = (4, 8) if ctx.quick else (8, 32)
    t0 = time.perf_counter()
    monte_carlo(prep, n_large, seed=1, workers=1)
    t1 = time.perf_counter() - t0
    t2 = {}
    for n_mc in (n_small, n_large):
        t0 = time.perf_counter()
        monte_carlo(prep, n_mc, seed=1, workers=2)
        t2[n_mc] = time.perf_counter() - t0
    per_run_2 = (t2[n_large] - t2[n_small]) / (n_large - n_small)
    start_up = max(0.0, t2[n_large] - n_large * per_run_2)
    per_run_1 = t1 / n_large
    eff_1000 = 1000 * per_run_1 / (2 * (start_up + 1000 * per_run_2))
    eff_direct = t1 / (2 * t2[n_large])
    return [
        Row("kill chain: raid of 100 missiles, 3 radars, 2 sites, one core", speed, "× real time", "goal", 1000.0,
            notes=f"{span_s:,.0f} s of scenario time in {t_run.median_s:.2f} s per run (median); prepare (fly 100 "
                  f"launches, reach tables) {t_prep:.1f} s once per scenario; higher is better"),
        Row("Monte Carlo of the raid, 1,000 runs: parallel efficiency on 2 cores", eff_1000, "fraction", "goal",
            0.8, notes=f"{per_run_1:.2f} s per run on 1 worker ({n_large} runs); on 2 workers {per_run_2:.2f} s per "
                       f"run and {start_up:.1f} s start-up (from {n_small} and {n_large} runs: {t2[n_small]:.1f} s, "
                       f"{t2[n_large]:.1f} s); 1,000 runs ~{(start_up + 1000 * per_run_2) / 60:.0f} min on 2 cores; "
                       f"measured directly on {n_large} runs, start-up included: {eff_direct:.2f}; higher is better"),
    ]
