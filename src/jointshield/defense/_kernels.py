"""Compiled kernels of the defence layer: plain loops on SI floats (``NUMBA_DISABLE_JIT=1`` runs the same
text as Python).

:func:`trilinear_regular` is the reach-table lookup (:meth:`~.reach.ReachTable.lookup`). It replaces
scipy's ``RegularGridInterpolator(method="linear", bounds_error=False, fill_value=nan)``, which cost
~0.4 ms a call on the engine's small query arrays (validation and 8 fancy-indexed gathers), with the same
arithmetic in the same order, so that its values are the library's bit for bit (tests/test_defense_reach.py
compares them at random points, on the grid, at its edges and outside it).
"""

from __future__ import annotations

import numpy as np

from .._numba import njit, njit_inline


@njit_inline
def _interval(grid, x):
    """Index i of the grid interval [grid[i], grid[i+1]] holding x (grid ascending, grid[0] <= x <=
    grid[-1]): the largest i <= n − 2 with grid[i] <= x, as scipy's ``find_interval_ascending``."""
    lo = 0
    hi = grid.shape[0] - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if x < grid[mid]:
            hi = mid
        else:
            lo = mid
    return lo


@njit
def trilinear_regular(g0, g1, g2, values, pts, out):
    """Trilinear interpolation on a rectilinear grid: ``values`` (n0, n1, n2, V) at ``pts`` (N, 3) into
    ``out`` (N, V); NaN for a point outside the grid or with a NaN coordinate.

    With y_d the normalised distance along axis d inside the cell, the value is
    Σ over the 8 corners c of values[corner] · Π_d (y_d if c_d else 1 − y_d), summed in scipy's corner
    order (``itertools.product`` over the axes, lower corner first) with the weight multiplied up in
    axis order, as ``RegularGridInterpolator._evaluate_linear`` does.
    """
    n0, n1, n2 = g0.shape[0], g1.shape[0], g2.shape[0]
    n_v = values.shape[3]
    for p in range(pts.shape[0]):
        x0, x1, x2 = pts[p, 0], pts[p, 1], pts[p, 2]
        if not (g0[0] <= x0 <= g0[n0 - 1] and g1[0] <= x1 <= g1[n1 - 1] and g2[0] <= x2 <= g2[n2 - 1]):
            for v in range(n_v):
                out[p, v] = np.nan
            continue
        i0, i1, i2 = _interval(g0, x0), _interval(g1, x1), _interval(g2, x2)
        y0 = (x0 - g0[i0]) / (g0[i0 + 1] - g0[i0])
        y1 = (x1 - g1[i1]) / (g1[i1 + 1] - g1[i1])
        y2 = (x2 - g2[i2]) / (g2[i2 + 1] - g2[i2])
        for v in range(n_v):
            acc = 0.0
            for c0 in range(2):
                w0 = 1.0 * (y0 if c0 else 1.0 - y0)
                for c1 in range(2):
                    w1 = w0 * (y1 if c1 else 1.0 - y1)
                    for c2 in range(2):
                        w = w1 * (y2 if c2 else 1.0 - y2)
                        acc = acc + values[i0 + c0, i1 + c1, i2 + c2, v] * w
            out[p, v] = acc
