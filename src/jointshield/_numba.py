"""The one switch for compiled kernels.

Every compiled kernel in jointshield is decorated with :func:`njit`, :func:`njit_inline` or
:func:`njit_parallel` from here. Kernels are plain functions on floats and arrays in SI units; with
``NUMBA_DISABLE_JIT=1`` they run as ordinary Python (numba's own fallback).

Caching: ``cache=True`` keeps compilation out of every run after the first. Numba invalidates a cached
kernel only when the file that defines it changes, not when a kernel or constant it imports from another
module does, so a stale kernel could survive an upgrade or an edit. The cache therefore lives in a folder
named by a hash of the source files of every part that holds a kernel (:func:`_kernel_sources`; editing
the CLI or a report does not recompile), unless ``NUMBA_CACHE_DIR`` is set by the user.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba


def _kernel_sources(root: Path) -> list[Path]:
    """Every source file of each part (sub-package) that holds a compiled kernel, and this file: kernels
    import constants and helpers from their own part and from the parts below, which hold kernels too."""
    parts = {p.parent for p in root.rglob("*.py") if p.parent != root and "_numba import" in p.read_text("utf-8")}
    return sorted({p for part in parts for p in part.rglob("*.py")} | {Path(__file__).resolve()})


def _source_hash() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in _kernel_sources(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


if not os.environ.get("NUMBA_CACHE_DIR"):
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    numba.config.CACHE_DIR = str(base / "jointshield" / f"numba-{_source_hash()}")

njit = numba.njit(cache=True, fastmath=False, error_model="numpy")
"""Decorator for a scalar or serial kernel."""

njit_inline = numba.njit(cache=True, fastmath=False, error_model="numpy", inline="always")
"""Decorator for small scalar helpers that kernels call in their inner loops."""

njit_parallel = numba.njit(cache=True, fastmath=False, error_model="numpy", parallel=True)
"""Decorator for kernels whose outer loop (``numba.prange``) runs over independent trajectories."""

prange = numba.prange
