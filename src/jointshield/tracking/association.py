"""Gating and global-nearest-neighbour association of one scan's measurements to the live tracks.

Gating (two stages, both batched):

1. a coarse Euclidean test in the inertial frame, in the compiled :func:`._kernels.coarse_pairs`: a pair
   can only pass the chi-square gate if the distance between the track's predicted position and the
   measured position is at most √γ (√tr Prr + √tr C_meas) plus the distance the track moves within the
   scan (tr: trace; since d² ≤ γ implies |Δr|² ≤ γ λmax(Prr + C) ≤ γ (tr Prr + tr C));
2. the chi-square gate on the squared Mahalanobis distance in measurement space,
   d² = νᵀ S⁻¹ ν ≤ γ with γ the ``gate_probability`` quantile of χ² with 3 degrees of freedom
   (:func:`._kernels.pair_distance`).

Association: global nearest neighbour. Pairs that are alone in their row and column of the gated
matrix are assigned directly (they are components of their own, where the optimum is plain); the rest
go to one call of :func:`scipy.optimize.linear_sum_assignment` on the gated cost matrix d², augmented
with one "not detected" column per track at cost γ (non-gated pairs cost ∞), so that a track is left
unassigned rather than given a measurement outside its gate, and the total distance is least.

The tracker runs both gates of a scan in one compiled pass (:func:`._kernels.gate_scan`, the same tests
in the same order as :func:`coarse_pairs` then :func:`._kernels.pair_distance`): at ~30 measurements a
scan, the calls between the two stages cost more than the tests.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from . import _kernels as kern


def gate_threshold(probability: float, dof: int = 3) -> float:
    """γ: the χ² quantile (``dof`` degrees of freedom) that a true measurement falls under with ``probability``."""
    return float(chi2.ppf(probability, dof))


def coarse_pairs(
    track_r: np.ndarray, track_radius: np.ndarray, meas_r: np.ndarray, meas_radius: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (K,), (K,) of the (track, measurement) pairs within the sum of their radii (m)."""
    track_r = np.ascontiguousarray(track_r, dtype=float)
    meas_r = np.ascontiguousarray(meas_r, dtype=float)
    track_radius = np.ascontiguousarray(track_radius, dtype=float)
    meas_radius = np.ascontiguousarray(meas_radius, dtype=float)
    cap = max(64, 4 * (track_r.shape[0] + meas_r.shape[0]))
    while True:
        pi = np.empty(cap, np.int64)
        pj = np.empty(cap, np.int64)
        count = kern.coarse_pairs(track_r, track_radius, meas_r, meas_radius, pi, pj)
        if count <= cap:
            return pi[:count], pj[:count]
        cap = count


def gnn_assign(
    pair_i: np.ndarray, pair_j: np.ndarray, cost: np.ndarray, miss_cost: float
) -> tuple[np.ndarray, np.ndarray]:
    """Global-nearest-neighbour assignment on a sparse gated cost matrix.

    ``pair_i``, ``pair_j`` (K,) track and measurement indices of the gated pairs, ``cost`` (K,) their
    costs (each ≤ ``miss_cost``). Returns the assigned ``(tracks, measurements)``, each used at most once,
    minimising the sum of assigned costs plus ``miss_cost`` per track left unassigned.
    """
    if pair_i.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # How often each track and measurement occurs among the pairs: counting (bincount) is linear, where
    # np.unique sorts; most scans of well-separated targets have no shared row or column at all.
    alone = (np.bincount(pair_i)[pair_i] == 1) & (np.bincount(pair_j)[pair_j] == 1)
    if alone.all():
        return pair_i, pair_j
    ti, mj = [pair_i[alone]], [pair_j[alone]]
    rest = ~alone
    if rest.any():
        ri, rj, rc = pair_i[rest], pair_j[rest], cost[rest]
        rows, row_of = np.unique(ri, return_inverse=True)
        cols, col_of = np.unique(rj, return_inverse=True)
        nr, nc = rows.size, cols.size
        c = np.full((nr, nc + nr), np.inf)
        c[row_of, col_of] = rc
        c[np.arange(nr), nc + np.arange(nr)] = miss_cost
        a, b = linear_sum_assignment(c)
        keep = b < nc
        ti.append(rows[a[keep]])
        mj.append(cols[b[keep]])
    return np.concatenate(ti), np.concatenate(mj)
