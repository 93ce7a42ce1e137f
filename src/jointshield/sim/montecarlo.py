"""Monte Carlo over seeds: probabilities per threat and per defended area, with 95% intervals.

Run ``i`` of ``monte_carlo(scenario, runs, seed)`` uses the seed drawn from
``numpy.random.SeedSequence(seed).spawn(runs)[i]``, so the result is the same on any number of workers.
Runs go to local worker processes (``concurrent.futures``, started by *spawn*, one numba thread each;
each worker receives the parent's prepared scenario — truth, radars, reach tables — in its initializer,
so nothing is flown twice). The interface — a prepared scenario, a list of seeds, and a function of one
seed that returns a small summary — is what a distributed runner would also need.

Intervals: Wilson score intervals at 95% for each binomial proportion.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..earth.regions import Region
from ..scenario.schema import Scenario
from .engine import Prepared, RunConfig, prepare, run

__all__ = ["MonteCarlo", "RunFailed", "monte_carlo", "run_seeds", "wilson_interval"]


class RunFailed(RuntimeError):
    """A Monte Carlo run raised: which run, with which seed, and why."""

    def __init__(self, index: int, seed: int, message: str):
        super().__init__(f"run {index} (seed {seed}) failed: {message}")
        self.index, self.seed = index, seed


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95% by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (round(max(0.0, c - h), 12), round(min(1.0, c + h), 12))  # no -0.0 or 2.8e-17 from rounding


def run_seeds(runs: int, seed: int) -> list[int]:
    """The seed of each of ``runs`` runs (independent streams spawned from ``seed``)."""
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in np.random.SeedSequence(seed).spawn(runs)]


_PREPARED: Prepared | None = None


def _init(prepared: Prepared, tables: dict, threads: int | None = None) -> None:
    """A worker's start: the parent's prepared scenario and its reach tables (not flown again)."""
    global _PREPARED
    if threads is not None:
        import numba

        numba.set_num_threads(threads)  # one compute thread per worker process: no oversubscription
    from ..defense import reach

    reach._CACHE.update(tables)
    _PREPARED = prepared


def _one(args) -> dict:
    index, seed, config = args
    try:
        res = run(_PREPARED, seed, config)
    except Exception as exc:  # noqa: BLE001 - any failure is reported with the run's index and seed
        return {"index": index, "seed": seed, "error": f"{type(exc).__name__}: {exc}"}
    return {"index": index, "seed": seed, "killed": np.isfinite(res.killed_t_s).tolist(),
            "threat": _threat_launches(res), "summary": res.summary}


def _threat_launches(res) -> list[bool]:
    threats = {c[2] for c in res.classified.values() if c[0] == "threat"}
    return [lid in threats for lid in res.truth.ids]


@dataclass(frozen=True)
class MonteCarlo:
    """Outcomes of ``runs`` runs."""

    runs: int
    seed: int
    per_launch: list[dict]
    per_area: list[dict]
    mean_interceptors_fired: float
    summaries: list[dict]

    def as_dict(self) -> dict:
        return {"runs": self.runs, "seed": self.seed, "per_threat": self.per_launch, "per_defended_area": self.per_area,
                "mean_interceptors_fired": self.mean_interceptors_fired}


def monte_carlo(scenario: Scenario | Prepared, runs: int, seed: int | None = None, *, workers: int | None = None,
                config: RunConfig | None = None, progress: Callable[[int], None] | None = None) -> MonteCarlo:
    """``runs`` runs of ``scenario`` (or a :func:`~.engine.prepare`-d one, whose truth and reach tables
    the workers then receive instead of computing them) on ``workers`` local processes (default: every
    core; 1 runs in this process). ``progress(k)`` is called after each finished run. Raises :class:`RunFailed` naming the
    first run (in index order) that failed."""
    config = config or RunConfig()
    base = scenario.scenario if isinstance(scenario, Prepared) else scenario
    seed = base.seed if seed is None else int(seed)
    seeds = run_seeds(runs, seed)
    workers = workers or os.cpu_count() or 1
    jobs = [(i, s, config) for i, s in enumerate(seeds)]
    out: list[dict] = []
    prepared = scenario if isinstance(scenario, Prepared) else prepare(scenario, config)
    scenario = prepared.scenario
    from ..defense import reach

    tables = dict(reach._CACHE)
    if workers == 1:
        _init(prepared, tables)
        for j in jobs:
            out.append(_one(j))
            if progress:
                progress(1)
    else:
        # "spawn": the parent's numba/OpenMP threads must not be forked.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                                 initargs=(prepared, tables, 1)) as pool:
            for r in pool.map(_one, jobs, chunksize=max(1, runs // (8 * workers))):
                out.append(r)
                if progress:
                    progress(1)
    failed = [r for r in out if "error" in r]
    if failed:
        f = min(failed, key=lambda r: r["index"])
        raise RunFailed(f["index"], f["seed"], f["error"])
    return _aggregate(scenario, out, runs, seed)


def _aggregate(scenario: Scenario, out: list[dict], runs: int, seed: int) -> MonteCarlo:
    from ..scenario.criteria_schema import agreed_rule_set, regions_from_scenario

    ids = [launch.id for launch in scenario.launches]
    killed = np.array([r["killed"] for r in out], bool)  # (R, T)
    threat = np.array([r["threat"] for r in out], bool)
    per_launch = []
    for o, lid in enumerate(ids):
        k = int(killed[:, o].sum())
        n_threat = int(threat[:, o].sum())
        lo, hi = wilson_interval(k, runs)
        per_launch.append({"id": lid, "p_intercepted": k / runs, "ci95": [lo, hi],
                           "p_classified_threat": n_threat / runs})
    per_area = []
    rule_set = agreed_rule_set(scenario)
    if rule_set is not None and rule_set.defended_areas:
        regions: dict[str, Region] = regions_from_scenario(scenario)
        targets = [scenario.point(launch.to) for launch in scenario.launches]
        lat = np.deg2rad([p.lat_deg for p in targets])
        lon = np.deg2rad([p.lon_deg for p in targets])
        for name in rule_set.defended_areas:
            aimed = np.asarray(regions[name].contains(lat, lon, scenario.earth_model), bool)  # (T,)
            if not aimed.any():
                continue
            hit = (~killed & aimed[None, :]).any(axis=1)  # a missile aimed into the area got through
            safe = int((~hit).sum())
            lo, hi = wilson_interval(safe, runs)
            per_area.append({"area": name, "missiles_aimed": int(aimed.sum()), "p_no_leaker": safe / runs,
                             "ci95": [lo, hi]})
    fired = float(np.mean([r["summary"]["interceptors_fired"] for r in out])) if out else 0.0
    return MonteCarlo(runs, seed, per_launch, per_area, fired, [r["summary"] for r in out])
