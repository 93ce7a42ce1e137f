"""Aiming: the steering that takes a missile from a launch point to a target, batched over pairs.

The steering has three numbers (see :mod:`jointshield.flight.propagate`): the launch azimuth, the
pitch-over *kick* (which sets how lofted the flight is) and the thrust cut-off time (which sets how
much energy it gets). For P (launch, target) pairs at once:

1. A coarse grid of kicks × cut-offs is flown along the geodesic azimuth to each target (one batch).
2. The trajectory *shape* picks the kick and cut-off from that grid:
   - ``minimum-energy``: the least cut-off time (least propellant burned, least burnout energy) that
     still reaches the target's range, over all kicks; for a target at the missile's maximum range this
     is the maximum-range trajectory. (With a fixed pitch program and thrust termination this is the
     open-literature definition of a minimum-energy flight; the kick that achieves it is found to the
     grid's resolution, refined by a parabola, and matters little there because range is flat in it.)
   - ``lofted`` / ``depressed``: the kick on the high (low) side of the minimum-energy one whose
     range-matching trajectory has the requested apogee or burnout flight-path angle.
3. Newton iterations on (azimuth, cut-off[, kick]) with a finite-difference Jacobian, all pairs in one
   batch, drive the impact onto the target (east and north miss in the target's local frame) and, for
   lofted/depressed shapes, the apogee or burnout angle onto the request.

A target beyond the missile's reach is reported with the missile's maximum range along that azimuth.
Targets beyond :data:`MAX_AIM_RANGE_M` (16,000 km, towards the antipode) are not aimed at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import enu_rotation, geodetic_to_ecef
from ..earth.geodesy import initial_azimuth_rad, surface_distance_m
from ..earth.models import EarthModel
from .propagate import PITCH_OVER_S, Booster, FlightBatch, powered_flight

SHAPES = ("minimum-energy", "lofted", "depressed")
KICK_GRID_RAD = np.deg2rad(np.linspace(1.0, 75.0, 16))
N_CUTOFF_GRID = 12
MAX_AIM_RANGE_M = 16_000e3
"""Targets further than this (m) are not aimed at: towards the antipode (about 20,000 km) every heading
leads to the target and range stops growing with energy, so the problem has no well-posed solution."""
MISS_TOLERANCE_M = 1.0
"""Newton stops when every pair is within this distance of its target (m)."""


@dataclass(frozen=True)
class AimResult:
    """Steering and outcome for P pairs (arrays of shape (P,))."""

    azimuth_rad: np.ndarray
    kick_rad: np.ndarray
    cutoff_s: np.ndarray
    miss_m: np.ndarray
    """Distance from the impact point to the target (m)."""
    reachable: np.ndarray
    """False where the target is beyond the missile's reach (or the shape cannot be flown)."""
    max_range_m: np.ndarray
    """Longest ground range found along the azimuth to the target (m), for out-of-reach messages."""
    iterations: int


def _fly(booster, lat, lon, alt, az, kick, cut, model, record_steps=0) -> FlightBatch:
    return powered_flight(booster, lat, lon, alt, az, kick, cut, model, record_steps=record_steps)


def _ground_range(fb: FlightBatch, lat, lon, model) -> np.ndarray:
    ilat, ilon, _ = fb.event_geodetic("impact")
    d = surface_distance_m(lat, lon, ilat, ilon, model)
    return np.where(fb.impacted, d, np.nan)


def _miss_enu(fb: FlightBatch, r_target, rot_target) -> np.ndarray:
    """East and north offset (m) of each impact from its target, in the target's local frame."""
    r, _ = fb.event_state_ecef("impact")
    d = np.einsum("pij,pj->pi", rot_target, r - r_target)
    return d[:, :2]


def _shape_value(fb: FlightBatch, shape_kind: str) -> np.ndarray:
    if shape_kind == "apogee":
        return fb.apogee_alt_m()
    return fb.event_flight_path_angle_rad("burnout")


def _crossing(x, y, level):
    """Per row, the x where y (increasing in x along the row) first reaches ``level`` (NaN if never)."""
    out = np.full(x.shape[0], np.nan)
    for p in range(x.shape[0]):  # P small rows of a few numbers each: cheap bookkeeping, not physics
        ok = np.isfinite(y[p])
        xs, ys = x[p][ok], y[p][ok]
        above = np.nonzero(ys >= level[p])[0]
        if len(above) == 0:
            continue
        j = above[0]
        if j == 0:
            out[p] = xs[0]
            continue
        w = (level[p] - ys[j - 1]) / (ys[j] - ys[j - 1])
        out[p] = xs[j - 1] + w * (xs[j] - xs[j - 1])
    return out


def aim(booster: Booster, launch_lat_rad, launch_lon_rad, target_lat_rad, target_lon_rad,
        model: EarthModel, *, shape: str = "minimum-energy", apogee_m=None, burnout_angle_rad=None,
        launch_alt_m=0.0, target_alt_m=0.0, max_iterations: int = 60) -> AimResult:
    """Steering that reaches each target along the requested trajectory shape (see module docstring).

    Inputs broadcast to (P,). ``apogee_m`` or ``burnout_angle_rad`` (exactly one) is required for the
    ``lofted`` and ``depressed`` shapes and ignored for ``minimum-energy``.
    """
    if shape not in SHAPES:
        raise ValueError(f"trajectory shape {shape!r} is not one of {', '.join(SHAPES)}")
    lat, lon, tlat, tlon, alt, talt = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, float)) for a in (
        launch_lat_rad, launch_lon_rad, target_lat_rad, target_lon_rad, launch_alt_m, target_alt_m)))
    p_count = lat.shape[0]
    shape_kind = None
    shape_goal = None
    if shape != "minimum-energy":
        if (apogee_m is None) == (burnout_angle_rad is None):
            raise ValueError(f"a {shape} trajectory needs exactly one of apogee or burnout angle")
        shape_kind = "apogee" if apogee_m is not None else "angle"
        shape_goal = np.broadcast_to(np.asarray(apogee_m if apogee_m is not None else burnout_angle_rad,
                                                float), (p_count,)).copy()

    distance = surface_distance_m(lat, lon, tlat, tlon, model)
    az0 = initial_azimuth_rad(lat, lon, tlat, tlon, model)

    # 1. Coarse grid: kicks × cut-offs, all pairs in one batch.
    t_burn = booster.burn_time_s
    t_min = min(booster.vertical_rise_s + PITCH_OVER_S + 2.0, 0.5 * t_burn)
    # Denser near burn-out, where range is most sensitive to the cut-off time.
    u = np.linspace(0.0, 1.0, N_CUTOFF_GRID)
    cut_grid = t_min + (t_burn - t_min) * (1.0 - (1.0 - u) ** 2)
    nk, nc = len(KICK_GRID_RAD), len(cut_grid)
    kk, cc = np.meshgrid(KICK_GRID_RAD, cut_grid, indexing="ij")
    rep = nk * nc
    fb = _fly(booster, np.repeat(lat, rep), np.repeat(lon, rep), np.repeat(alt, rep), np.repeat(az0, rep),
              np.tile(kk.ravel(), p_count), np.tile(cc.ravel(), p_count), model)
    rng = _ground_range(fb, np.repeat(lat, rep), np.repeat(lon, rep), model).reshape(p_count, nk, nc)
    max_range = np.nanmax(rng.reshape(p_count, -1), axis=1)

    # Per kick, the cut-off at which the range reaches the target distance (range grows with cut-off).
    cut_at = np.stack([_crossing(np.broadcast_to(cut_grid, (p_count, nc)), rng[:, i, :], distance)
                       for i in range(nk)], axis=1)  # (P, nk)

    if shape == "minimum-energy":
        kick, cut = _least_cutoff(cut_at)
    else:
        shp = _shape_value(fb, shape_kind).reshape(p_count, nk, nc)
        # The shape value of the range-matching trajectory for each kick, by interpolation in cut-off.
        shp_at = np.full((p_count, nk), np.nan)
        for i in range(nk):
            for p in range(p_count):
                if np.isfinite(cut_at[p, i]):
                    shp_at[p, i] = np.interp(cut_at[p, i], cut_grid, shp[p, i])
        k_opt, _ = _least_cutoff(cut_at)
        kick = np.full(p_count, np.nan)
        cut = np.full(p_count, np.nan)
        for p in range(p_count):
            side = KICK_GRID_RAD < k_opt[p] if shape == "lofted" else KICK_GRID_RAD > k_opt[p]
            ok = side & np.isfinite(shp_at[p])
            if ok.sum() < 2:
                continue
            ks, vs, cs = KICK_GRID_RAD[ok], shp_at[p, ok], cut_at[p, ok]
            order = np.argsort(vs)
            if not vs[order][0] <= shape_goal[p] <= vs[order][-1]:
                continue
            kick[p] = np.interp(shape_goal[p], vs[order], ks[order])
            cut[p] = np.interp(shape_goal[p], vs[order], cs[order])

    reachable = np.isfinite(kick) & np.isfinite(cut) & (distance <= MAX_AIM_RANGE_M)
    az = az0.copy()
    kick = np.where(reachable, kick, KICK_GRID_RAD[nk // 2])
    cut = np.where(reachable, cut, t_burn)

    # 3. Newton polish on (azimuth, cut-off[, kick]) with backtracking, all active pairs in one batch.
    r_target = geodetic_to_ecef(tlat, tlon, talt, model)
    rot = enu_rotation(tlat, tlon)
    # All three steer. With two residuals (minimum-energy) the step is the least change in units of
    # `var_scale`: near the optimum range is flat in the kick, so the cut-off moves, and where the
    # cut-off is at full burn (its column vanishes) the kick takes over.
    n_var = 3
    fd_steps = np.array([1e-5, 1e-3, 1e-5])  # azimuth (rad), cut-off (s), kick (rad)
    var_scale = np.array([1e-3, 0.1, 1e-3])
    x_best = np.stack([az, cut, kick], axis=1)
    x_try = x_best.copy()
    err_best = np.full(p_count, np.inf)
    miss = np.full(p_count, np.inf)
    delta = np.zeros((p_count, 3))
    lam = np.ones(p_count)
    active = reachable.copy()
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        idx = np.nonzero(active)[0]
        if len(idx) == 0:
            break
        m = len(idx)
        trial = np.repeat(x_try[idx][:, None, :], n_var + 1, axis=1)
        for j in range(n_var):
            trial[:, j + 1, j] += fd_steps[j]
        trial = trial.reshape(-1, 3)
        rr = np.repeat(idx, n_var + 1)
        fb = _fly(booster, lat[rr], lon[rr], alt[rr], trial[:, 0], trial[:, 2], trial[:, 1], model)
        res = _miss_enu(fb, r_target[rr], rot[rr])
        if shape_kind is not None:
            # Scaled so that 1 km of apogee or 0.1 mrad of burnout angle weighs like 1 m of miss.
            scale = 1e3 if shape_kind == "apogee" else 1e-4
            res = np.hstack([res, ((_shape_value(fb, shape_kind) - shape_goal[rr]) / scale)[:, None]])
        res = res.reshape(m, n_var + 1, -1)
        f0 = res[:, 0, :]
        err = np.linalg.norm(f0, axis=1)
        err = np.where(np.isfinite(err), err, np.inf)
        better = err < err_best[idx]
        for q in range(m):  # bookkeeping on P tiny systems (2×2 or 3×3): not a physics loop
            p = idx[q]
            if better[q]:
                err_best[p] = err[q]
                miss[p] = np.hypot(f0[q, 0], f0[q, 1])
                x_best[p] = x_try[p]
                converged = miss[p] < MISS_TOLERANCE_M and np.all(np.abs(f0[q, 2:]) < 1.0)
                jac = (res[q, 1:, :] - f0[q][None, :]).T / fd_steps[None, :n_var]
                if converged or not np.all(np.isfinite(jac)):
                    active[p] = False
                    continue
                delta[p] = -var_scale * np.linalg.lstsq(jac * var_scale, f0[q], rcond=None)[0]
                lam[p] = 1.0
            else:
                lam[p] *= 0.5  # the full step made things worse: back off along it
                if lam[p] < 1e-4:
                    active[p] = False
                    continue
            step = lam[p] * delta[p]
            x_try[p] = x_best[p] + step
        x_try[:, 1] = np.clip(x_try[:, 1], t_min, t_burn)
        x_try[:, 2] = np.clip(x_try[:, 2], KICK_GRID_RAD[0] * 0.5, np.deg2rad(85.0))
    az, cut, kick = x_best[:, 0], x_best[:, 1], x_best[:, 2]

    reachable &= miss < 1e3
    return AimResult(np.mod(az, 2 * np.pi), kick, cut, miss, reachable, max_range, iterations)


def _least_cutoff(cut_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the kick with the least range-matching cut-off (parabola through the best three)."""
    p_count, nk = cut_at.shape
    kick = np.full(p_count, np.nan)
    cut = np.full(p_count, np.nan)
    for p in range(p_count):
        row = cut_at[p]
        if not np.any(np.isfinite(row)):
            continue
        i = int(np.nanargmin(row))
        kick[p], cut[p] = KICK_GRID_RAD[i], row[i]
        if 0 < i < nk - 1 and np.all(np.isfinite(row[i - 1:i + 2])):
            x = KICK_GRID_RAD[i - 1:i + 2]
            a, b_, c = np.polyfit(x, row[i - 1:i + 2], 2)
            if a > 0:
                kv = -b_ / (2 * a)
                if x[0] <= kv <= x[2]:
                    kick[p], cut[p] = kv, np.polyval([a, b_, c], kv)
    return kick, cut
