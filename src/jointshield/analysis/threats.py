"""Threat trajectories for analysis grids: many (launch, target) pairs aimed and flown in batches.

:func:`jointshield.flight.aim.aim` aims each pair from scratch (a coarse grid of 192 flights, then Newton
iterations): about 0.09 s per pair, too slow for grids of thousands of pairs. Over a grid the steering
changes smoothly, so :func:`aim_pairs` does this instead:

1. **Anchors.** Up to ``anchors`` pairs spread over the pairs' ground ranges (range quantiles) are aimed
   exactly by :func:`~jointshield.flight.aim.aim` (minimum-energy).
2. **First guess.** Every pair starts from the anchors' kick and cut-off interpolated in ground range,
   along the geodesic azimuth to its target (Earth rotation moves these a little; step 3 corrects it).
3. **Newton polish**, all pairs in one batch per iteration: azimuth, cut-off and kick move by the
   least-norm step that removes the east/north miss at the target (finite-difference Jacobian,
   backtracking), as in :func:`~jointshield.flight.aim.aim`, to within ``tol_m`` (default 50 m).
   A pair still more than 1 km off after ``max_iterations`` is *not reachable* (NaN paths), as is a pair
   farther than the farthest anchor that could be aimed (beyond the missile's range).
4. **Paths.** Converged steerings are flown once more with their steps recorded, and sampled every
   ``dt_s`` from launch to impact (cubic Hermite between the integrator's steps).

Only the minimum-energy shape is supported here (the shape of every analysis grid).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..defense._paths import sample_batch_ecef
from ..earth.frames import enu_rotation, geodetic_to_ecef
from ..earth.geodesy import initial_azimuth_rad, surface_distance_m
from ..earth.models import EarthModel
from ..flight import kernel as k
from ..flight.aim import KICK_GRID_RAD, MAX_AIM_RANGE_M, aim
from ..flight.propagate import PITCH_OVER_S, Booster, powered_flight

__all__ = ["Steering", "ThreatSamples", "aim_pairs", "fly_paths"]

RECORD_STEPS = 800
"""Integrator steps recorded per flight for sampling (an ICBM with reentry drag takes ~200)."""
FD = np.array([1e-5, 1e-3, 1e-5])
"""Finite-difference steps: azimuth (rad), cut-off (s), kick (rad)."""
BROYDEN_ITERATIONS = 8
REACHABLE_MISS_M = 1e3
"""A pair whose impact is farther than this from its target after the polish counts as not reachable."""


@dataclass(frozen=True)
class Steering:
    """Minimum-energy steering of P (launch, target) pairs (arrays (P,))."""

    reachable: np.ndarray
    """Aimed to within 1 km of the target."""
    miss_m: np.ndarray
    """Distance of the impact from the target (m); NaN where not tried (beyond the missile's range)."""
    azimuth_rad: np.ndarray
    kick_rad: np.ndarray
    cutoff_s: np.ndarray
    propagation_s: float
    """Wall time spent in the flight kernel (s), the anchors' exact aiming included."""

    def __len__(self) -> int:
        return self.reachable.shape[0]

    def take(self, rows) -> Steering:
        return Steering(self.reachable[rows], self.miss_m[rows], self.azimuth_rad[rows], self.kick_rad[rows],
                        self.cutoff_s[rows], 0.0)


@dataclass(frozen=True)
class ThreatSamples:
    """P flown threats sampled from launch to impact (times from each one's own launch; NaN rows where
    not reachable)."""

    burnout_t_s: np.ndarray
    """(P,) thrust cut-off (or burn-out) time after launch (s)."""
    impact_t_s: np.ndarray
    """(P,) flight time to impact (s)."""
    apogee_m: np.ndarray
    """(P,) highest geodetic altitude (m)."""
    t_s: np.ndarray
    """(P, K) sample times after launch, every ``dt_s`` and at impact (NaN after)."""
    r_ecef_m: np.ndarray
    """(P, K, 3) ECEF positions (m)."""
    v_ecef_m_s: np.ndarray
    """(P, K, 3) Earth-relative velocities (m/s)."""
    propagation_s: float


def _fly(booster, lat, lon, az, kick, cut, model, record_steps=0):
    return powered_flight(booster, lat, lon, 0.0, az, kick, cut, model, record_steps=record_steps)


def _miss_enu(fb, r_target, rot_target) -> np.ndarray:
    r, _ = fb.event_state_ecef("impact")
    d = np.einsum("pij,pj->pi", rot_target, r - r_target)
    return np.where(fb.impacted[:, None], d[:, :2], np.nan)


def _along_cross(f_enu: np.ndarray, heading_rad: np.ndarray) -> np.ndarray:
    """East/north misses (P, 2) → along-track and cross-track (right of track) components."""
    sh, ch = np.sin(heading_rad), np.cos(heading_rad)
    return np.stack([f_enu[:, 0] * sh + f_enu[:, 1] * ch, f_enu[:, 0] * ch - f_enu[:, 1] * sh], axis=1)


def aim_pairs(booster: Booster, launch_lat_rad, launch_lon_rad, target_lat_rad, target_lon_rad,
              model: EarthModel, *, anchors: int = 12, tol_m: float = 50.0, max_iterations: int = 12,
              progress=None) -> Steering:
    """Minimum-energy steering of P (launch, target) pairs (steps 1-3 of the module docstring). Places in
    rad broadcast to (P,); ``progress(fraction)`` is called as the work advances."""
    lat, lon, tlat, tlon = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, float)) for a in (
        launch_lat_rad, launch_lon_rad, target_lat_rad, target_lon_rad)))
    lat, lon, tlat, tlon = (np.ascontiguousarray(x) for x in (lat, lon, tlat, tlon))
    p_count = lat.shape[0]
    t_prop = 0.0
    dist = surface_distance_m(lat, lon, tlat, tlon, model)
    az0 = initial_azimuth_rad(lat, lon, tlat, tlon, model)
    candidate = np.isfinite(dist) & (dist > 1e3) & (dist <= MAX_AIM_RANGE_M)
    arrive = np.mod(initial_azimuth_rad(tlat, tlon, lat, lon, model) + np.pi, 2 * np.pi)  # heading at the target
    jac0 = None

    # 1. Anchors at range quantiles, aimed exactly.
    kick0 = np.full(p_count, np.nan)
    cut0 = np.full(p_count, np.nan)
    if candidate.any():
        idx = np.flatnonzero(candidate)
        q = np.quantile(dist[idx], np.linspace(0.0, 1.0, max(2, anchors)), method="nearest")
        pick = np.unique([idx[np.argmin(np.abs(dist[idx] - x))] for x in q])
        t0 = time.perf_counter()
        a = aim(booster, lat[pick], lon[pick], tlat[pick], tlon[pick], model)
        t_prop += time.perf_counter() - t0
        ok = a.reachable
        if ok.any():
            d_ok = dist[pick][ok]
            order = np.argsort(d_ok)
            d_ok = d_ok[order]
            kicks = a.kick_rad[ok][order]
            cuts = a.cutoff_s[ok][order]
            bad_far = dist[pick][~ok]
            bad_far = bad_far[bad_far > d_ok[-1]]
            d_limit = float(np.min(bad_far)) if bad_far.size else np.inf
            candidate &= dist < d_limit
            kick0 = np.interp(dist, d_ok, kicks)
            cut0 = np.interp(dist, d_ok, cuts)
            # The anchors' Jacobians of the (along-track, cross-track) miss in (azimuth, cut-off): they
            # depend mainly on the range, so they serve every pair as a first estimate.
            sel = pick[ok][order]
            base = np.stack([a.azimuth_rad[ok][order], cuts, kicks], axis=1)
            trial = np.repeat(base[:, None, :], 3, axis=1)
            trial[:, 1, 0] += FD[0]
            trial[:, 2, 1] += FD[1]
            trial = trial.reshape(-1, 3)
            rr = np.repeat(sel, 3)
            t0 = time.perf_counter()
            fb = _fly(booster, lat[rr], lon[rr], trial[:, 0], trial[:, 2], trial[:, 1], model)
            t_prop += time.perf_counter() - t0
            fa = _along_cross(_miss_enu(fb, geodetic_to_ecef(tlat[rr], tlon[rr], 0.0, model),
                                        enu_rotation(tlat[rr], tlon[rr])), arrive[rr]).reshape(-1, 3, 2)
            jac_a = np.stack([(fa[:, 1] - fa[:, 0]) / FD[0], (fa[:, 2] - fa[:, 0]) / FD[1]], axis=-1)  # (A, 2, 2)
            good = np.all(np.isfinite(jac_a.reshape(len(sel), -1)), axis=1)
            if good.any():
                jac0 = np.stack([np.interp(dist, d_ok[good], jac_a[good, i, j]) for i in range(2) for j in range(2)],
                                axis=-1).reshape(p_count, 2, 2)
        else:
            candidate[:] = False
    if progress:
        progress(0.2)

    t_burn = booster.burn_time_s
    t_min = min(booster.vertical_rise_s + PITCH_OVER_S + 2.0, 0.5 * t_burn)
    r_target = geodetic_to_ecef(tlat, tlon, np.zeros(p_count), model)
    rot = enu_rotation(tlat, tlon)
    fd = FD
    scale = np.array([1e-3, 0.1, 1e-3])
    lo = np.array([-np.inf, t_min, KICK_GRID_RAD[0] * 0.5])
    hi = np.array([np.inf, t_burn, np.deg2rad(85.0)])
    x_best = np.stack([az0, np.nan_to_num(cut0, nan=t_burn), np.nan_to_num(kick0, nan=0.5)], axis=1)
    err_best = np.full(p_count, np.inf)

    # 2. Broyden's method on (azimuth, cut-off), the kick held, one flight per pair and iteration, from
    #    the anchors' Jacobians; pairs that do not settle go on to the full Newton of step 3.
    if jac0 is not None:
        jac = jac0.copy()
        x = x_best[:, :2].copy()
        f_prev = np.full((p_count, 2), np.nan)
        x_prev = np.full((p_count, 2), np.nan)
        active = candidate.copy()
        for it in range(BROYDEN_ITERATIONS):
            ia = np.flatnonzero(active)
            if ia.size == 0:
                break
            t0 = time.perf_counter()
            fb = _fly(booster, lat[ia], lon[ia], x[ia, 0], x_best[ia, 2], x[ia, 1], model)
            t_prop += time.perf_counter() - t0
            f = _along_cross(_miss_enu(fb, r_target[ia], rot[ia]), arrive[ia])
            err = np.linalg.norm(f, axis=1)
            err = np.where(np.isfinite(err), err, np.inf)
            better = err < err_best[ia]
            acc = ia[better]
            err_best[acc] = err[better]
            x_best[acc, :2] = x[acc]
            stop = (err < tol_m) | (err > 2.0 * np.where(np.isfinite(f_prev[ia, 0]),
                                                          np.linalg.norm(f_prev[ia], axis=1), np.inf))
            if it > 0:  # Broyden's update of each pair's Jacobian from its last step
                dx = (x[ia] - x_prev[ia]) / scale[:2]
                df = f - f_prev[ia]
                js = jac[ia] * scale[None, None, :2]
                den = np.sum(dx * dx, axis=1)
                upd = (df - np.einsum("mij,mj->mi", js, dx))[:, :, None] * dx[:, None, :] / np.where(
                    den > 0, den, 1.0)[:, None, None]
                js = js + np.where(np.isfinite(upd) & (den > 0)[:, None, None], upd, 0.0)
                jac[ia] = js / scale[None, None, :2]
            x_prev[ia] = x[ia]
            f_prev[ia] = f
            active[ia[stop]] = False
            ia = np.flatnonzero(active)
            if ia.size == 0:
                break
            det = np.linalg.det(jac[ia])
            okd = np.abs(det) > 0
            active[ia[~okd]] = False
            ia = ia[okd]
            step = -np.linalg.solve(jac[ia], f_prev[ia][:, :, None])[:, :, 0]
            x[ia] = np.clip(x[ia] + step, lo[:2], hi[:2])
            if progress:
                progress(0.2 + 0.4 * (it + 1) / BROYDEN_ITERATIONS)

    # 3. Newton polish on (azimuth, cut-off, kick), least-norm steps, for the pairs not yet within tol_m.
    delta = np.zeros((p_count, 3))
    lam = np.ones(p_count)
    active = candidate & ~(err_best < tol_m)
    err_best[active] = np.inf  # re-evaluated at the best point so far on the first pass
    x_try = x_best.copy()
    for it in range(max_iterations):
        ia = np.flatnonzero(active)
        if ia.size == 0:
            break
        t0 = time.perf_counter()
        fb = _fly(booster, lat[ia], lon[ia], x_try[ia, 0], x_try[ia, 2], x_try[ia, 1], model)
        t_prop += time.perf_counter() - t0
        f = _miss_enu(fb, r_target[ia], rot[ia])
        err = np.linalg.norm(f, axis=1)
        err = np.where(np.isfinite(err), err, np.inf)
        better = err < err_best[ia]
        acc = ia[better]
        err_best[acc] = err[better]
        x_best[acc] = x_try[acc]
        done = acc[err_best[acc] < tol_m]
        active[done] = False
        # Rejected steps back off along the same direction (no new Jacobian).
        rej = ia[~better]
        lam[rej] *= 0.5
        active[rej[lam[rej] < 1e-3]] = False
        # Accepted, unconverged steps: a new Jacobian at the new best point (three flights per pair).
        jac_rows = acc[err_best[acc] >= tol_m]
        if jac_rows.size:
            f0 = f[better][err_best[acc] >= tol_m]
            trial = np.repeat(x_best[jac_rows][:, None, :], 3, axis=1)
            trial[:, [0, 1, 2], [0, 1, 2]] += fd
            trial = trial.reshape(-1, 3)
            rr = np.repeat(jac_rows, 3)
            t0 = time.perf_counter()
            fbj = _fly(booster, lat[rr], lon[rr], trial[:, 0], trial[:, 2], trial[:, 1], model)
            t_prop += time.perf_counter() - t0
            fj = _miss_enu(fbj, r_target[rr], rot[rr]).reshape(-1, 3, 2)
            jac = (fj - f0[:, None, :]).transpose(0, 2, 1) / fd[None, None, :]  # (m, 2, 3)
            good = np.all(np.isfinite(jac.reshape(len(jac_rows), -1)), axis=1)
            active[jac_rows[~good]] = False
            js = jac[good] * scale[None, None, :]
            step = -scale[None, :] * np.einsum("mij,mj->mi", np.linalg.pinv(js), f0[good])
            delta[jac_rows[good]] = step
            lam[jac_rows[good]] = 1.0
        ia = np.flatnonzero(active)
        x_try[ia] = np.clip(x_best[ia] + lam[ia, None] * delta[ia], lo, hi)
        if progress:
            progress(0.6 + 0.4 * (it + 1) / max_iterations)
    reachable = candidate & (err_best < REACHABLE_MISS_M)
    if progress:
        progress(1.0)
    miss = np.where(candidate, err_best, np.nan)
    return Steering(reachable, miss, np.mod(x_best[:, 0], 2 * np.pi), x_best[:, 2], x_best[:, 1], t_prop)


def fly_paths(booster: Booster, launch_lat_rad, launch_lon_rad, steering: Steering, model: EarthModel, *,
              dt_s: float = 5.0) -> ThreatSamples:
    """Fly the reachable pairs of ``steering`` with their steps recorded and sample each every ``dt_s``
    from launch to impact (rows of pairs that are not reachable stay NaN). Places (P,) in rad."""
    lat = np.atleast_1d(np.asarray(launch_lat_rad, float))
    lon = np.atleast_1d(np.asarray(launch_lon_rad, float))
    p_count = lat.shape[0]
    n_k = 1
    t_rel = np.full((p_count, 1), np.nan)
    r = np.full((p_count, 1, 3), np.nan)
    v = np.full((p_count, 1, 3), np.nan)
    burnout = np.full(p_count, np.nan)
    impact = np.full(p_count, np.nan)
    apogee = np.full(p_count, np.nan)
    ir = np.flatnonzero(steering.reachable)
    t_prop = 0.0
    if ir.size:
        t0 = time.perf_counter()
        fb = _fly(booster, lat[ir], lon[ir], steering.azimuth_rad[ir], steering.kick_rad[ir], steering.cutoff_s[ir],
                  model, record_steps=RECORD_STEPS)
        t_prop = time.perf_counter() - t0
        if np.any(fb.record_n >= RECORD_STEPS):
            raise RuntimeError("fly_paths: a flight has more steps than RECORD_STEPS; raise it")
        t_imp = fb.event_t_s[:, k.EV_IMPACT]
        burnout[ir] = fb.event_t_s[:, k.EV_BURNOUT]
        impact[ir] = t_imp
        apogee[ir] = fb.apogee_alt_m()
        n_k = int(np.ceil(np.nanmax(t_imp) / dt_s)) + 2
        rel = np.minimum(np.arange(n_k)[None, :] * dt_s, t_imp[:, None])
        rel[:, -1] = t_imp
        rs, vs = sample_batch_ecef(fb, rel)
        dup = np.concatenate([np.zeros((len(ir), 1), bool), np.diff(rel, axis=1) <= 0], axis=1)
        rel = np.where(dup, np.nan, rel)
        rs[dup] = np.nan
        vs[dup] = np.nan
        t_rel = np.full((p_count, n_k), np.nan)
        r = np.full((p_count, n_k, 3), np.nan)
        v = np.full((p_count, n_k, 3), np.nan)
        t_rel[ir], r[ir], v[ir] = rel, rs, vs
    return ThreatSamples(burnout, impact, apogee, t_rel, r, v, t_prop)
