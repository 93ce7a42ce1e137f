"""Background jobs: scenario runs (one run, or a Monte Carlo) executed one at a time in a worker thread
of the server, with their progress in the store; the result is stored and published in the ledger."""

from __future__ import annotations

import json
import logging
import traceback
from concurrent.futures import ThreadPoolExecutor

from ..errors import InputError
from ..store import Store

log = logging.getLogger("jointshield.api")


def _jsonable(x):
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def open_request_scenario(request: dict):
    """The scenario a run request names (a bundled name) or carries (YAML text); InputError if bad."""
    from ..scenario import bundled_names, bundled_scenario, parse_scenario

    if request.get("scenario_yaml"):
        sc = parse_scenario(request["scenario_yaml"], "scenario_yaml")
    else:
        name = request.get("scenario")
        if name not in bundled_names():
            raise InputError("scenario", f"{name!r} is not a bundled scenario; allowed: {', '.join(bundled_names())} "
                             "(or send the file as scenario_yaml)")
        sc = bundled_scenario(name)
    if not sc.sensors or not sc.interceptor_sites:
        raise InputError("scenario", "the kill chain needs radars (sensors:) and interceptor_sites:")
    return sc


def simulate(request: dict, progress, workers: int | None = 1) -> dict:
    """The kill chain on the request's scenario (sim.run, and sim.monte_carlo for runs > 1); calls
    ``progress(fraction)`` as it goes; returns the result document (as ``jointshield run --json``)."""
    from ..sim import monte_carlo, prepare
    from ..sim import run as run_once

    sc = open_request_scenario(request)
    prepared = prepare(sc)
    runs = int(request.get("runs", 1))
    progress(0.5 if runs == 1 else 0.1)
    result = run_once(prepared, request.get("seed"))
    doc = {"scenario": sc.name, "seed": result.seed, "summary": result.summary,
           "events": [e.as_dict() for e in result.events]}
    if runs > 1:
        done = [0]

        def step(k):
            done[0] += k
            if done[0] % max(1, runs // 20) == 0:
                progress(0.1 + 0.9 * done[0] / runs)

        doc["monte_carlo"] = monte_carlo(prepared, runs, result.seed, workers=workers, progress=step).as_dict()
    return json.loads(json.dumps(doc, default=_jsonable))


def execute(store: Store, rid: int, request: dict, workers: int | None = 1, simulator=simulate) -> None:
    """Run job ``rid`` with ``simulator``; progress and the result (or the error) go to the store."""
    try:
        store.run_progress(rid, 0.0, "running")
        doc = simulator(request, lambda f: store.run_progress(rid, f), workers)
        store.finish_run(rid, doc)
    except InputError as exc:
        store.finish_run(rid, None, str(exc))
    except Exception as exc:  # noqa: BLE001  (a failed job is reported on the run, not lost)
        log.error("run %s failed:\n%s", rid, traceback.format_exc())
        store.finish_run(rid, None, f"{type(exc).__name__}: {exc}")


class Jobs:
    def __init__(self, store: Store, workers: int | None = 1, simulator=simulate):
        self.store = store
        self.workers = workers
        self.simulator = simulator
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jointshield-run")

    def submit(self, rid: int, request: dict):
        if self.pool._shutdown:  # the app was started again after a shutdown (tests, reloads)
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jointshield-run")
        return self.pool.submit(execute, self.store, rid, request, self.workers, self.simulator)

    def drain(self) -> None:
        """Wait until every job submitted so far has finished."""
        if not self.pool._shutdown:
            self.pool.submit(lambda: None).result()

    def shutdown(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
