"""The one switch for compiled kernels.

Every compiled kernel in jointshield is decorated with :func:`njit` or :func:`njit_parallel` from here.
Kernels are plain functions on floats and arrays in SI units; with ``NUMBA_DISABLE_JIT=1`` they run as
ordinary Python (numba's own fallback), which the test-suite uses to check that the compiled and the
interpreted code agree. ``cache=True`` keeps compilation out of every run after the first.
"""

from __future__ import annotations

import numba

njit = numba.njit(cache=True, fastmath=False, error_model="numpy")
"""Decorator for a scalar or serial kernel."""

njit_inline = numba.njit(cache=True, fastmath=False, error_model="numpy", inline="always")
"""Decorator for small scalar helpers that kernels call in their inner loops."""

njit_parallel = numba.njit(cache=True, fastmath=False, error_model="numpy", parallel=True)
"""Decorator for kernels whose outer loop (``numba.prange``) runs over independent trajectories."""

prange = numba.prange
