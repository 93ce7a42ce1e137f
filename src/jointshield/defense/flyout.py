"""Fly-out check: fly a planned shot and see whether the kill vehicle can make the intercept.

For a shot (site, launch time λ, threat, planned intercept time t_I) the check

1. takes the predicted intercept point (PIP), the threat's predicted position at t_I;
2. **aims** the interceptor at the PIP: the launch azimuth and pitch-over kick (full burn, the pitch
   program of :mod:`jointshield.flight.propagate`) whose flight passes through the PIP after burn-out,
   by Newton iterations with a finite-difference Jacobian on the miss vector (the offset from the PIP at
   the flight's closest approach to it, in the plane normal to the interceptor's velocity), all shots in
   one batch per iteration, started from the reach table's azimuth and kick (as
   :mod:`jointshield.flight.aim` steers missiles). Aiming is kinematic, not a guidance law: the flight is
   a fixed pitch program; the kill vehicle's divert stands in for terminal guidance;
3. flies that interceptor from λ and finds its **closest approach to the threat's predicted path**
   (both in ECEF at the same times): the miss distance before the kill vehicle diverts;
4. the intercept is **achievable** when the divert Δv needed, miss / time-to-go, is within the kill
   vehicle's budget, the closest approach is after the kill vehicle separates (burn-out) and inside the
   type's altitude band. The time-to-go is the end game: the last :data:`ENDGAME_S` seconds before the
   closest approach (less if the kill vehicle separated later), over which the kill vehicle is taken to
   remove the miss with one lateral impulse at its start.

A shot planned at the earliest arrival of the reach table arrives at the PIP within the table's time
error (a fraction of a second), so the miss is that error times the speed across the line of sight: a
few hundred metres, well within the divert budget. A shot the table says cannot make it (launched too
late for the PIP, a receding threat beyond reach) arrives seconds to minutes late, kilometres away.

ENDGAME_S: estimate: derived from an infrared seeker acquiring a warhead-sized object at a few hundred
km at closing speeds of 5-10 km/s (a modelling value; cf. the kill-vehicle discussion in the APS
boost-phase study, Barton et al., Rev. Mod. Phys. 76 (2004) S1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import ecef_to_geodetic
from ..earth.models import EarthModel
from ..flight.propagate import FlightBatch, powered_flight
from ._paths import sample_batch_ecef
from .interceptor import InterceptorType
from .reach import ReachTable, point_geometry, reach_table
from .windows import ThreatPaths

__all__ = ["ENDGAME_S", "AimedShots", "FlyoutCheck", "aim_interceptor", "flyout_check"]

ENDGAME_S = 20.0
"""Time-to-go of the end game over which the kill vehicle diverts (s); see the module docstring."""
AIM_TOLERANCE_M = 1.0
MAX_ITERATIONS = 25
_RECORD = 600
_FD_RAD = 1e-4


@dataclass(frozen=True)
class AimedShots:
    """Steering that takes P interceptors through P points (arrays (P,))."""

    azimuth_rad: np.ndarray
    kick_rad: np.ndarray
    time_s: np.ndarray
    """Flight time from launch to the closest approach to the point (s)."""
    miss_m: np.ndarray
    """Distance from the point at that closest approach (m); < 1 m when aiming converged."""


@dataclass(frozen=True)
class FlyoutCheck:
    """Outcome of P flown shots (arrays (P,), absolute times in s since the epoch)."""

    azimuth_rad: np.ndarray
    kick_rad: np.ndarray
    aim_miss_m: np.ndarray
    """How close the flown interceptor passes the predicted intercept point (m)."""
    arrival_s: np.ndarray
    """When it passes the predicted intercept point."""
    miss_m: np.ndarray
    """Closest approach to the threat before the divert (m)."""
    closest_s: np.ndarray
    alt_m: np.ndarray
    """Interceptor's geodetic altitude at the closest approach (m)."""
    closing_m_s: np.ndarray
    time_to_go_s: np.ndarray
    divert_needed_m_s: np.ndarray
    divert_budget_m_s: np.ndarray
    achievable: np.ndarray
    reason: tuple[str, ...]


def _closest_to_points(fb: FlightBatch, points: np.ndarray, t_lo: np.ndarray, t_hi: np.ndarray,
                       dt_s: float = 1.0):
    """Per flight, the time in [t_lo, t_hi] of closest approach to a fixed ECEF point, and the offset."""
    n = len(fb)
    k = int(np.ceil(np.max(t_hi - t_lo) / dt_s)) + 1
    t = t_lo[:, None] + np.minimum(np.arange(k)[None, :] * dt_s, (t_hi - t_lo)[:, None])
    r, _ = sample_batch_ecef(fb, t)
    d = np.linalg.norm(r - points[:, None, :], axis=-1)
    d = np.where(np.isfinite(d), d, np.inf)
    j = np.argmin(d, axis=1)
    tc = t[np.arange(n), j]
    for _ in range(4):  # Newton on (r − p)·v = 0 with |v|² as the derivative (velocity nearly constant)
        r1, v1 = sample_batch_ecef(fb, tc[:, None])
        r1, v1 = r1[:, 0], v1[:, 0]
        step = -np.sum((r1 - points) * v1, -1) / np.maximum(np.sum(v1 * v1, -1), 1e-9)
        tc = np.clip(tc + np.nan_to_num(step), t_lo, t_hi)
    r1, v1 = sample_batch_ecef(fb, tc[:, None])
    return tc, r1[:, 0] - points, v1[:, 0]


def aim_interceptor(itype: InterceptorType, site_lat_rad, site_lon_rad, point_ecef_m, model: EarthModel, *,
                    table: ReachTable | None = None, max_time_s: float = 1800.0) -> AimedShots:
    """Launch azimuth and kick that take the kill vehicle (after burn-out) through each point (P, 3).

    Sites broadcast to (P,). Started from the reach table's earliest-arrival steering (``table`` default:
    the cached table at the first site's latitude); Newton with backtracking, all points in one batch.
    """
    p = np.atleast_2d(np.asarray(point_ecef_m, dtype=float))
    n = p.shape[0]
    lat = np.broadcast_to(np.asarray(site_lat_rad, float), (n,)).copy()
    lon = np.broadcast_to(np.asarray(site_lon_rad, float), (n,)).copy()
    table = table if table is not None else reach_table(itype, model, float(lat[0]))
    az0, rng, h = point_geometry(lat, lon, p, model)
    look = table.lookup(az0, rng, h)
    kick = look.kick_rad.copy()
    t_guess = look.time_s.copy()
    az0 = np.where(np.isfinite(look.kick_rad), look.launch_azimuth_rad, az0)
    booster = itype.booster
    t_burn = booster.burn_time_s
    lost = np.nonzero(~np.isfinite(kick))[0]
    if len(lost):  # outside the table (e.g. below the intercept band): start from the best of a coarse fan
        fan = np.deg2rad(np.arange(0.0, 85.0 + 1e-9, 2.5))
        rr = np.repeat(lost, len(fan))
        fb = powered_flight(booster, lat[rr], lon[rr], 0.0, az0[rr], np.tile(fan, len(lost)), t_burn, model,
                            t_max_s=max_time_s, record_steps=_RECORD)
        tc, d, _ = _closest_to_points(fb, p[rr], np.full(len(rr), t_burn),
                                      np.maximum(np.minimum(fb.t_end_s, max_time_s), t_burn), dt_s=2.0)
        dist = np.where(np.isfinite(np.linalg.norm(d, axis=-1)), np.linalg.norm(d, axis=-1), np.inf)
        j = np.argmin(dist.reshape(len(lost), len(fan)), axis=1)
        kick[lost] = fan[j]
        t_guess[lost] = tc.reshape(len(lost), len(fan))[np.arange(len(lost)), j]
    x = np.stack([az0, kick], axis=1)
    best_err = np.full(n, np.inf)
    best = x.copy()
    best_t = np.full(n, np.nan)
    delta = np.zeros((n, 2))
    lam = np.ones(n)
    active = np.ones(n, bool)
    basis = None
    for _ in range(MAX_ITERATIONS):
        idx = np.nonzero(active)[0]
        if len(idx) == 0:
            break
        trial = np.repeat(x[idx][:, None, :], 3, axis=1)
        trial[:, 1, 0] += _FD_RAD
        trial[:, 2, 1] += _FD_RAD
        trial = trial.reshape(-1, 2)
        rr = np.repeat(idx, 3)
        fb = powered_flight(booster, lat[rr], lon[rr], 0.0, trial[:, 0], trial[:, 1], t_burn, model,
                            t_max_s=max_time_s, record_steps=_RECORD)
        # Search the closest approach within a band around the table's time (after burn-out).
        lo = np.full(len(rr), t_burn)
        hi = np.minimum(np.maximum(t_guess[rr] * 1.5 + 120.0, t_burn + 10.0), fb.t_end_s)
        tc, d, v = _closest_to_points(fb, p[rr], lo, np.maximum(hi, lo))
        if basis is None:  # fixed per point: two directions normal to the interceptor's velocity
            v0 = v.reshape(len(idx), 3, 3)[:, 0]
            u = v0 / np.linalg.norm(v0, axis=-1, keepdims=True)
            radial = p / np.linalg.norm(p, axis=-1, keepdims=True)
            e1 = np.cross(u, radial[idx])
            e1 /= np.linalg.norm(e1, axis=-1, keepdims=True)
            e2 = np.cross(u, e1)
            basis = np.full((n, 2, 3), np.nan)
            basis[idx] = np.stack([e1, e2], axis=1)
        res = np.einsum("pij,pj->pi", basis[rr], d).reshape(len(idx), 3, 2)
        tc = tc.reshape(len(idx), 3)
        err = np.linalg.norm(d.reshape(len(idx), 3, 3)[:, 0], axis=-1)
        err = np.where(np.isfinite(err), err, np.inf)
        for q, i in enumerate(idx):  # bookkeeping on P 2×2 systems, as flight.aim does
            if err[q] < best_err[i]:
                best_err[i], best[i], best_t[i] = err[q], x[i], tc[q, 0]
                if err[q] < AIM_TOLERANCE_M:
                    active[i] = False
                    continue
                jac = (res[q, 1:] - res[q, 0][None, :]).T / _FD_RAD
                if not np.all(np.isfinite(jac)) or abs(np.linalg.det(jac)) < 1e-9:
                    active[i] = False
                    continue
                delta[i] = -np.linalg.solve(jac, res[q, 0])
                delta[i] *= min(1.0, 0.2 / max(np.max(np.abs(delta[i])), 1e-12))  # at most 0.2 rad a step
                lam[i] = 1.0
            else:
                lam[i] *= 0.5
                if lam[i] < 1e-4:
                    active[i] = False
                    continue
            x[i] = best[i] + lam[i] * delta[i]
        x[:, 1] = np.clip(x[:, 1], 0.0, np.deg2rad(89.0))
    return AimedShots(np.mod(best[:, 0], 2 * np.pi), best[:, 1], best_t, best_err)


def flyout_check(itype: InterceptorType, site_lat_rad, site_lon_rad, launch_s, intercept_s,
                 threats: ThreatPaths, threat_index, model: EarthModel, *, table: ReachTable | None = None,
                 endgame_s: float = ENDGAME_S, window_s: float = 120.0) -> FlyoutCheck:
    """Fly P planned shots of one interceptor type and check them (see the module docstring).

    ``site_lat_rad``/``site_lon_rad``, ``launch_s``, ``intercept_s`` and ``threat_index`` broadcast to (P,);
    ``threats``: the predicted paths the shots were planned on (the closest approach is taken to them).
    """
    lat, lon, lam, t_i, m = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a)) for a in (
        site_lat_rad, site_lon_rad, launch_s, intercept_s, threat_index)))
    lat, lon, lam, t_i = (a.astype(float) for a in (lat, lon, lam, t_i))
    m = m.astype(int)
    n = len(lat)
    pip, _ = threats.state_at(m, t_i)
    aimed = aim_interceptor(itype, lat, lon, pip, model, table=table,
                            max_time_s=float(np.max(t_i - lam)) + window_s + 60.0)
    booster = itype.booster
    fb = powered_flight(booster, lat, lon, 0.0, aimed.azimuth_rad, aimed.kick_rad, booster.burn_time_s, model,
                        t_max_s=float(np.max(t_i - lam)) + window_s + 60.0, record_steps=_RECORD)
    # Closest approach to the threat: sample both every 0.5 s around the planned intercept, then refine.
    k = int(2 * window_s / 0.5) + 1
    tau = t_i[:, None] + np.linspace(-window_s, window_s, k)[None, :]
    r_int, _ = sample_batch_ecef(fb, tau - lam[:, None])
    from ._paths import hermite_ecef

    r_thr, _ = hermite_ecef(threats.t_s[m], threats.r_ecef_m[m], threats.v_ecef_m_s[m], tau)
    sep = np.linalg.norm(r_int - r_thr, axis=-1)
    sep = np.where(np.isfinite(sep) & (tau - lam[:, None] >= booster.burn_time_s), sep, np.inf)
    j = np.argmin(sep, axis=1)
    tc = tau[np.arange(n), j]
    for _ in range(4):  # Newton on d·Δv = 0, relative velocity nearly constant over the refinement
        ri, vi = sample_batch_ecef(fb, (tc - lam)[:, None])
        rt, vt = hermite_ecef(threats.t_s[m], threats.r_ecef_m[m], threats.v_ecef_m_s[m], tc[:, None])
        d, dv = (ri - rt)[:, 0], (vi - vt)[:, 0]
        step = -np.sum(d * dv, -1) / np.maximum(np.sum(dv * dv, -1), 1e-9)
        tc = tc + np.clip(np.nan_to_num(step), -1.0, 1.0)
    ri, vi = sample_batch_ecef(fb, (tc - lam)[:, None])
    rt, vt = hermite_ecef(threats.t_s[m], threats.r_ecef_m[m], threats.v_ecef_m_s[m], tc[:, None])
    miss = np.linalg.norm((ri - rt)[:, 0], axis=-1)
    miss = np.where(np.isfinite(miss), miss, np.inf)
    closing = np.linalg.norm((vi - vt)[:, 0], axis=-1)
    _, _, alt = ecef_to_geodetic(np.nan_to_num(ri[:, 0], nan=model.a_m), model)
    separated = tc - lam >= booster.burn_time_s - 1e-6
    t_go = np.minimum(endgame_s, tc - (lam + booster.burn_time_s))
    needed = np.where(t_go > 0, miss / np.where(t_go > 0, t_go, 1.0), np.inf)
    budget = np.full(n, itype.divert_delta_v_m_s)
    in_band = (alt >= itype.min_intercept_alt_m) & (alt <= itype.max_intercept_alt_m)
    ok = separated & in_band & (needed <= budget)
    reasons = []
    for q in range(n):  # one message per shot
        if not separated[q]:
            reasons.append("closest approach before the kill vehicle separates")
        elif alt[q] < itype.min_intercept_alt_m:
            reasons.append(f"closest approach at {alt[q] / 1e3:.0f} km, below the minimum intercept altitude "
                           f"{itype.min_intercept_alt_m / 1e3:.0f} km")
        elif alt[q] > itype.max_intercept_alt_m:
            reasons.append(f"closest approach at {alt[q] / 1e3:.0f} km, above the maximum intercept altitude "
                           f"{itype.max_intercept_alt_m / 1e3:.0f} km")
        elif not needed[q] <= budget[q]:
            reasons.append(f"miss {miss[q] / 1e3:.2f} km needs {needed[q]:.0f} m/s of divert; the kill vehicle "
                           f"has {budget[q]:.0f} m/s")
        else:
            reasons.append("achievable")
    return FlyoutCheck(aimed.azimuth_rad, aimed.kick_rad, aimed.miss_m, lam + aimed.time_s, miss, tc, alt, closing,
                       t_go, needed, budget, ok, tuple(reasons))
