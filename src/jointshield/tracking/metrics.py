"""Tracking metrics against truth: errors, consistency, GOSPA, purity, continuity and timeliness.

Which truth a track follows: every update row of a :class:`.TrackHistory` names the measurement it used,
and every measurement names the object it came from (``Measurements.truth``; −1 for a false alarm).
A track's *label* is the object that produced most of its measurements (the majority; −1 if most were
false alarms). Errors and NEES compare a firm track's updated state with its label's true state at the
update time. Truth between its samples is the cubic Hermite interpolant of position and velocity (exact
for cubic motion; millimetres for ballistic flight sampled every second).

* **RMSE**: root mean square of the 3-D position error (m) and of the Earth-relative velocity error (m/s).
* **NEES** (normalised estimation error squared) ε = eᵀ P⁻¹ e of the 6-D inertial state error: a
  consistent filter has E[ε] = 6. Over R independent runs the average at one time lies in
  [χ²₀.₀₂₅(6R)/R, χ²₀.₉₇₅(6R)/R] with probability 0.95 (Bar-Shalom et al. 2001, §5.4.2).
* **GOSPA** (generalised optimal sub-pattern assignment, Rahmathullah, García-Fernández & Svensson 2017,
  with α = 2): d = (min over assignments Σ min(d, c)^p + c^p/2 (|X| + |Y| − 2 |assigned|))^(1/p),
  split into localisation, missed and false parts.
* **Purity** of a track: share of its updates that came from its label. **Breaks** of a target: the
  number of firm tracks labelled with it, less one. **Swaps**: a track that took at least two
  consecutive measurements of one target and later at least two consecutive ones of another.
* **Timeliness**: time from launch to the first detection of each target and to its first firm track.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2

from ..earth.frames import ecef_to_eci, eci_to_ecef
from .motion import predict
from .tracker import FIRM, TrackHistory


def truth_at(truth, obj: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True ECEF position (K, 3) m and velocity (K, 3) m/s of objects ``obj`` (K,) at times ``t_s`` (K,):
    cubic Hermite between the truth samples; NaN where the object is absent or outside the grid."""
    obj = np.asarray(obj, dtype=np.int64)
    t = np.asarray(t_s, dtype=float)
    grid = truth.t_s
    k = np.clip(np.searchsorted(grid, t, side="right") - 1, 0, grid.size - 2)
    h = grid[k + 1] - grid[k]
    s = ((t - grid[k]) / h)[:, None]
    r0, r1 = truth.r_ecef_m[obj, k], truth.r_ecef_m[obj, k + 1]
    v0, v1 = truth.v_ecef_m_s[obj, k], truth.v_ecef_m_s[obj, k + 1]
    hh = h[:, None]
    h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
    r = h00 * r0 + h10 * hh * v0 + h01 * r1 + h11 * hh * v1
    d00, d10, d01, d11 = 6 * s**2 - 6 * s, 3 * s**2 - 4 * s + 1, -6 * s**2 + 6 * s, 3 * s**2 - 2 * s
    v = (d00 * r0 + d01 * r1) / hh + d10 * v0 + d11 * v1
    # Exactly on a sample (or at the last one) use it as it is, so that the object's final sample counts.
    on = np.isclose(s[:, 0], 0.0, atol=1e-12)
    r[on], v[on] = r0[on], v0[on]
    outside = (t < grid[0]) | (t > grid[-1])
    r[outside] = np.nan
    v[outside] = np.nan
    return r, v


def track_labels(history: TrackHistory, meas) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row_label (R,), track_ids (T,), label (T,))``: the object behind each row's measurement (−1: a
    false alarm or no measurement) and each track's majority label."""
    row = np.where(history.meas >= 0, meas.truth[np.maximum(history.meas, 0)], -1)
    ids = np.unique(history.track_id)
    labels = np.full(ids.size, -1, np.int64)
    with_meas = history.meas >= 0
    tid, lab = history.track_id[with_meas], row[with_meas]
    if tid.size:
        pairs, counts = np.unique(np.stack([tid, lab], 1), axis=0, return_counts=True)
        order = np.lexsort((-counts, pairs[:, 0]))  # per track, most frequent first
        pairs = pairs[order]
        first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]
        labels[np.searchsorted(ids, pairs[first, 0])] = pairs[first, 1]
    return row, ids, labels


@dataclass(frozen=True)
class StateErrors:
    """Errors of the firm, updated rows of a history against their tracks' labels."""

    rows: np.ndarray
    """(K,) indices into the history."""
    label: np.ndarray
    pos_err_m: np.ndarray
    """(K,) 3-D position error, m."""
    vel_err_m_s: np.ndarray
    """(K,) Earth-relative velocity error, m/s."""
    nees: np.ndarray
    """(K,) 6-D normalised estimation error squared (inertial frame)."""

    @property
    def position_rmse_m(self) -> float:
        return float(np.sqrt(np.mean(self.pos_err_m**2))) if self.rows.size else float("nan")

    @property
    def velocity_rmse_m_s(self) -> float:
        return float(np.sqrt(np.mean(self.vel_err_m_s**2))) if self.rows.size else float("nan")

    @property
    def nees_mean(self) -> float:
        return float(np.mean(self.nees)) if self.rows.size else float("nan")


def state_errors(history: TrackHistory, truth, meas, firm_only: bool = True) -> StateErrors:
    """Position, velocity and NEES of every updated (and, by default, firm) row of a labelled track."""
    _, ids, labels = track_labels(history, meas)
    lab = labels[np.searchsorted(ids, history.track_id)]
    sel = (history.meas >= 0) & (lab >= 0)
    if firm_only:
        sel &= history.status == FIRM
    rows = np.flatnonzero(sel)
    r_true, v_true = truth_at(truth, lab[rows], history.t_s[rows])
    ok = ~np.isnan(r_true[:, 0])
    rows, r_true, v_true = rows[ok], r_true[ok], v_true[ok]
    r_est, v_est = history.select(rows).ecef()
    ri, vi = ecef_to_eci(r_true, v_true, history.t_s[rows], 0.0, history.model.omega_rad_s)
    e = history.x_eci[rows] - np.hstack([ri, vi])
    nees = np.einsum("ni,ni->n", e, np.linalg.solve(history.P_eci[rows], e[..., None])[..., 0])
    return StateErrors(rows, lab[rows], np.linalg.norm(r_est - r_true, axis=1),
                       np.linalg.norm(v_est - v_true, axis=1), nees)


def nees_interval(runs: int, dof: int = 6, probability: float = 0.95) -> tuple[float, float]:
    """Two-sided ``probability`` interval of the average NEES over ``runs`` independent runs."""
    a = (1.0 - probability) / 2.0
    return float(chi2.ppf(a, dof * runs) / runs), float(chi2.ppf(1.0 - a, dof * runs) / runs)


@dataclass(frozen=True)
class Gospa:
    distance: float
    localisation: float
    """Σ d^p over assigned pairs (before the 1/p power)."""
    missed: float
    """c^p/2 × missed targets."""
    false: float
    """c^p/2 × false tracks."""
    n_assigned: int


def gospa(x: np.ndarray, y: np.ndarray, c: float = 10e3, p: float = 2.0, alpha: float = 2.0) -> Gospa:
    """GOSPA distance between estimated positions ``x`` (n, d) and true positions ``y`` (m, d).

    Only α = 2 (the form that splits into localisation, missed and false targets) is supported.
    """
    if alpha != 2.0:
        raise ValueError("only alpha = 2 is supported (the decomposable GOSPA)")
    x = np.asarray(x, dtype=float).reshape(-1, np.shape(y)[-1] if np.size(y) else np.shape(x)[-1])
    y = np.asarray(y, dtype=float).reshape(-1, x.shape[-1])
    half = c**p / 2.0
    if x.shape[0] == 0 or y.shape[0] == 0:
        total = half * (x.shape[0] + y.shape[0])
        return Gospa(total ** (1 / p), 0.0, half * y.shape[0], half * x.shape[0], 0)
    d = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=-1)
    cost = np.minimum(d, c) ** p
    a, b = linear_sum_assignment(cost)
    real = d[a, b] < c
    n_as = int(real.sum())
    loc = float(np.sum(d[a, b][real] ** p))
    missed = half * (y.shape[0] - n_as)
    false = half * (x.shape[0] - n_as)
    return Gospa((loc + missed + false) ** (1 / p), loc, missed, false, n_as)


def gospa_over_time(history: TrackHistory, truth, t_eval_s: np.ndarray, c: float = 10e3, p: float = 2.0,
                    firm_only: bool = True, max_step_s: float = 10.0) -> np.ndarray:
    """GOSPA (len(t_eval),) of the live firm tracks against the objects present, at each time.

    Each track alive at t (born before t, not yet deleted) contributes its latest row at or before t
    predicted to t with the ballistic model (once confirmed, when ``firm_only``).
    """
    h = history
    out = np.empty(len(t_eval_s))
    ids = np.unique(h.track_id)
    first_firm = np.full(ids.size, np.inf)
    tix = np.searchsorted(ids, h.track_id)
    firm_rows = h.status == FIRM
    np.minimum.at(first_firm, tix[firm_rows], h.t_s[firm_rows])
    death = np.full(ids.size, np.inf)
    dead = h.status == 2
    death[tix[dead]] = h.t_s[dead]
    for k, t in enumerate(t_eval_s):
        alive_rows = np.flatnonzero((h.t_s <= t) & (h.status != 2))
        if alive_rows.size:
            # latest row per track at or before t
            order = alive_rows[np.lexsort((h.t_s[alive_rows], h.track_id[alive_rows]))]
            last = np.r_[h.track_id[order][1:] != h.track_id[order][:-1], True]
            rows = order[last]
            ti = tix[rows]
            keep = death[ti] > t
            if firm_only:
                keep &= first_firm[ti] <= t
            rows = rows[keep]
        else:
            rows = alive_rows
        if rows.size:
            xp, _ = predict(h.x_eci[rows], h.P_eci[rows], t - h.t_s[rows], 0.0, h.model, max_step_s)
            est, _ = eci_to_ecef(xp[:, :3], None, t, 0.0, h.model.omega_rad_s)
        else:
            est = np.empty((0, 3))
        r_true, _ = truth_at(truth, np.arange(len(truth)), np.full(len(truth), t))
        present = ~np.isnan(r_true[:, 0])
        out[k] = gospa(est, r_true[present], c, p).distance
    return out


@dataclass(frozen=True)
class TrackQuality:
    """Purity, continuity and timeliness (per track and per target)."""

    track_ids: np.ndarray
    track_label: np.ndarray
    track_purity: np.ndarray
    """(T,) share of each firm track's updates from its label."""
    swaps: int
    """Firm tracks that switched from one target to another (see the module docstring)."""
    breaks: np.ndarray
    """(O,) firm tracks per target less one (0 where none)."""
    n_firm_tracks: np.ndarray
    """(O,) firm tracks labelled with each target."""
    false_tracks: int
    """Firm tracks labelled with no target (mostly false alarms)."""
    first_detection_s: np.ndarray
    """(O,) time from launch to the first measurement of each target (NaN: never seen)."""
    firm_track_s: np.ndarray
    """(O,) time from launch to the first firm track labelled with each target (NaN: none)."""

    @property
    def mean_purity(self) -> float:
        return float(np.mean(self.track_purity)) if self.track_purity.size else float("nan")


def _swapped(labels: np.ndarray) -> bool:
    """Whether a sequence of labels holds runs of ≥ 2 of one target and, later, ≥ 2 of another."""
    lab = labels[labels >= 0]
    if lab.size < 4:
        return False
    change = np.r_[True, lab[1:] != lab[:-1]]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, lab.size])
    firm_runs = lab[starts][lengths >= 2]
    return bool(np.any(firm_runs[1:] != firm_runs[:-1]))


def track_quality(history: TrackHistory, truth, meas) -> TrackQuality:
    """Purity, swaps, breaks and timeliness of the firm tracks of ``history`` (see the module docstring)."""
    h = history
    row_lab, ids, labels = track_labels(h, meas)
    tix = np.searchsorted(ids, h.track_id)
    ever_firm = np.zeros(ids.size, bool)
    ever_firm[tix[h.status == FIRM]] = True
    first_firm = np.full(ids.size, np.inf)
    fr = h.status == FIRM
    np.minimum.at(first_firm, tix[fr], h.t_s[fr])
    upd = h.meas >= 0
    n_upd = np.bincount(tix[upd], minlength=ids.size)
    n_pure = np.bincount(tix[upd & (row_lab == labels[tix])], minlength=ids.size)
    firm_ids = np.flatnonzero(ever_firm)
    purity = n_pure[firm_ids] / np.maximum(n_upd[firm_ids], 1)
    swaps = 0
    for i in firm_ids:  # metrics, not a hot path
        rows = np.flatnonzero((tix == i) & upd)
        swaps += _swapped(row_lab[rows])
    n_obj = len(truth)
    lab_f = labels[firm_ids]
    n_firm = np.bincount(lab_f[lab_f >= 0], minlength=n_obj)
    first_det = np.full(n_obj, np.inf)
    real = meas.truth >= 0
    np.minimum.at(first_det, meas.truth[real], meas.t_s[real])
    firm_t = np.full(n_obj, np.inf)
    np.minimum.at(firm_t, lab_f[lab_f >= 0], first_firm[firm_ids][lab_f >= 0])
    launch = np.asarray(truth.launch_t_s, dtype=float)
    first_det = np.where(np.isinf(first_det), np.nan, first_det - launch)
    firm_t = np.where(np.isinf(firm_t), np.nan, firm_t - launch)
    return TrackQuality(ids[firm_ids], lab_f, purity, int(swaps), np.maximum(n_firm - 1, 0), n_firm,
                        int(np.sum(lab_f < 0)), first_det, firm_t)
