"""Small tools for the benchmarks: a result row, a timer, the machine's matmul peak and a description of it.

Benchmark modules import from here (``from _harness import Row, median_time``); ``run.py`` puts this
folder on ``sys.path`` by being run as a script from it.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import platform
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the results table and of ``results.json``.

    ``value`` in ``unit`` is what we measured; ``peer`` names what it is compared with (another library,
    a published figure, the machine's peak) and ``peer_value`` is the peer's number in the same unit.
    ``ratio`` is ``value / peer_value`` unless given; say in ``notes`` which way is better.
    ``machine`` is filled in by ``run.py`` when left as None.
    """

    name: str
    value: float
    unit: str
    peer: str | None = None
    peer_value: float | None = None
    ratio: float | None = None
    machine: dict[str, Any] | None = None
    notes: str = ""

    def __post_init__(self):
        if self.ratio is None and self.peer_value:
            object.__setattr__(self, "ratio", self.value / self.peer_value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Timing(NamedTuple):
    median_s: float
    """Median of the repeats, seconds."""
    spread_s: float
    """Interquartile range of the repeats, seconds: how much to trust the median."""


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls (JIT compilation, caches), then the median of ``repeat``.

    The garbage collector is off while timing, as in :mod:`timeit`, so that a collection triggered by
    earlier code does not land in one repeat. Returns ``Timing(median_s, spread_s)``.
    """
    if repeat < 1 or warmup < 0:
        raise ValueError(f"repeat must be >= 1 and warmup >= 0, got repeat={repeat}, warmup={warmup}")
    for _ in range(warmup):
        fn()
    times = np.empty(repeat)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(repeat):
            t0 = time.perf_counter()
            fn()
            times[i] = time.perf_counter() - t0
    finally:
        if gc_was_enabled:
            gc.enable()
    q25, q50, q75 = np.percentile(times, [25.0, 50.0, 75.0])
    return Timing(float(q50), float(q75 - q25))


def matmul_peak_flops(n: int = 2048, repeat: int = 5) -> float:
    """The machine's double-precision matrix-multiply rate with numpy, flop/s.

    Multiplies two random ``n × n`` float64 matrices (``2 n³`` flops: n³ multiplies and n³ adds) with
    whatever BLAS numpy is linked to, on all the threads it uses; median of ``repeat`` after one warm-up.
    This is the practical peak that kernels' flop rates are compared with, not the CPU's data-sheet peak.
    """
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    out = np.empty((n, n))
    timing = median_time(lambda: np.matmul(a, b, out=out), repeat=repeat, warmup=1)
    return 2.0 * n**3 / timing.median_s


@dataclasses.dataclass
class Context:
    """What ``run.py`` hands every benchmark module's ``rows(ctx)``.

    ``quick``: make the benchmark small (used by the tests and for a smoke run); the numbers are then
    not worth comparing. ``machine``: :func:`machine_info`.
    """

    quick: bool = False
    machine: dict[str, Any] = dataclasses.field(default_factory=dict)
    _peak: float | None = dataclasses.field(default=None, repr=False)

    def peak_flops(self) -> float:
        """:func:`matmul_peak_flops` in flop/s, measured once per run and shared by all modules."""
        if self._peak is None:
            self._peak = matmul_peak_flops(n=512 if self.quick else 2048, repeat=3 if self.quick else 5)
        return self._peak


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                # x86 says "model name"; some ARM kernels say "Model" or nothing useful at all.
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _blas() -> str:
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except (KeyError, TypeError, AttributeError):  # the layout of numpy's build info is not a stable API
        return "unknown"


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on: CPU model, cores, and the versions that set the speed."""
    import numba  # imported here so that the harness itself does not pay numba's import time

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "blas": _blas(),
    }
