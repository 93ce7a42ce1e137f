"""Kill-chain engine rows: a raid of 100 missiles (3 radars, 2 interceptor sites, ~28 minutes of scenario
time) simulated on one core against real time, and the Monte Carlo's parallel efficiency on 2 cores.

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

    n_mc = 8 if ctx.quick else 24
    t0 = time.perf_counter()
    monte_carlo(prep, n_mc, seed=1, workers=1)
    t1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    monte_carlo(prep, n_mc, seed=1, workers=2)
    t2 = time.perf_counter() - t0
    eff = t1 / (2 * t2)
    return [
        Row("kill chain: raid of 100 missiles, 3 radars, 2 sites, one core", speed, "× real time", "goal", 1000.0,
            notes=f"{span_s:,.0f} s of scenario time in {t_run.median_s:.2f} s per run (median); prepare (fly 100 "
                  f"launches, reach tables) {t_prep:.1f} s once per scenario; higher is better"),
        Row("Monte Carlo of the raid: parallel efficiency on 2 cores", eff, "fraction", "goal", 0.8,
            notes=f"{n_mc} runs: {t1:.1f} s on 1 worker, {t2:.1f} s on 2 (worker start-up included); "
                  f"{t1 / n_mc:.2f} s per run; 1,000 runs would take ~{1000 * t1 / n_mc / 2 / max(eff, 1e-9) / 60:.0f} "
                  "min on 2 cores; higher is better"),
    ]
