"""Free flight of many trajectories in lockstep: the same DOP853 as :mod:`kernel`, vectorised across lanes.

The per-trajectory kernel (:func:`kernel.fly_batch`) runs each trajectory's steps one after another,
so every arithmetic operation works on one number. Here a chunk of trajectories (*lanes*) is kept as a
structure of arrays (state ``(6, m)``, stages ``(16, 6, m)``) and every stage of every step is computed
for all lanes with the lane index innermost, which LLVM turns into SIMD instructions. Each lane keeps its
own time and step size, and accepts or rejects its own steps (a rejected lane simply retries with a
smaller step next round), so the result of each trajectory is the same as the per-trajectory kernel's up
to rounding. Lanes that have landed are compacted away so that the vector loops stay full.

Only free flight (no thrust: trajectories that start at burnout) takes this path; events are found per
lane after each round and located on the dense output exactly as in :mod:`kernel`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .._numba import njit, njit_inline, njit_parallel, prange
from ..earth.frames import geodetic_altitude_normal_xyz
from ._dop853_lanes import error_sums_lanes, trial_step_lanes
from .kernel import (
    _ERR_EXP,
    _MAX_FACTOR,
    _MIN_FACTOR,
    _N_POW,
    _NS,
    _NX,
    _SAFETY,
    C_BETA,
    C_H_IMPACT,
    C_H_REENTRY,
    E_A,
    E_ATMOSPHERE,
    E_F,
    E_OMEGA,
    EV_APOGEE,
    EV_BURNOUT,
    EV_IMPACT,
    EV_REENTRY,
    N_EVENTS,
    ST_BELOW_SURFACE,
    ST_IMPACT,
    ST_MAX_STEPS,
    ST_TMAX,
    T_TOL_APOGEE_S,
    T_TOL_EVENT_S,
    _dense_prepare,
    _event_values,
    _locate,
    _locate_altitude,
    _scaled_h1,
)
from .kernel_lanes import rhs_lanes

CHUNK = 256
"""Lanes per chunk: the chunk's stage array (16 × 6 × 256 doubles, 192 KiB) stays in the L2 cache."""


@njit
def _worker(lo, hi, y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
           n_steps):
    """Fly trajectories ``lo..hi-1`` through a buffer of :data:`CHUNK` lanes, refilled as lanes land."""
    m = min(CHUNK, hi - lo)
    Y = np.empty((6, m))
    Yn = np.empty((6, m))
    Yt = np.empty((6, m))
    K = np.empty((_NX, 6, m))
    t = np.zeros(m)
    h = np.empty(m)
    err = np.empty(m)
    beta = np.empty(m)
    lane_id = np.empty(m, np.int64)
    steps = np.empty(m, np.int64)
    rejected = np.empty(m, np.bool_)
    g = np.empty((3, m))  # event functions at the lane's current state
    y1 = np.empty(6)
    y_ev = np.empty(6)
    F = np.empty((_N_POW, 6))
    K2 = np.empty((_NX, 6))
    yn1 = np.empty(6)
    yt1 = np.empty(6)
    no_stages = np.array([[0.0, 0.0, 0.0, 1.0, 0.0]])  # free flight: the stage table is never read
    no_table = np.array([0.0, 1.0])
    has_air = earth[E_ATMOSPHERE] != 0.0
    t_tol = T_TOL_EVENT_S
    e5v = np.empty(m)
    e3v = np.empty(m)
    gn = np.empty((3, m))
    exact = np.empty(m, np.bool_)
    h_re = np.empty(m)
    h_imp = np.empty(m)
    a_e = earth[E_A]
    f_e = earth[E_F]
    omega = earth[E_OMEGA]
    cap = m
    drag = has_air
    next_n = lo
    m = 0

    while True:
        # Refill the free lanes with the next trajectories: initial event values and first step size
        # (scipy's rule, as in kernel).
        j0 = m
        while m < cap and next_n < hi:
            n = next_n
            next_n += 1
            for e in range(N_EVENTS):
                ev_t[n, e] = np.nan
            for i in range(6):
                y1[i] = y0[n, i]
            g0, g1, g2 = _event_values(y1, ctrl[n], earth)
            if g2 < -1.0:
                status[n] = ST_BELOW_SURFACE
                t_end[n] = 0.0
                for i in range(6):
                    y_end[n, i] = y0[n, i]
                n_steps[n] = 0
                continue
            ev_t[n, EV_BURNOUT] = 0.0
            for i in range(6):
                ev_y[n, EV_BURNOUT, i] = y0[n, i]
            lane_id[m] = n
            for i in range(6):
                Y[i, m] = y0[n, i]
            t[m] = 0.0
            steps[m] = 0
            rejected[m] = False
            beta[m] = ctrl[n, C_BETA]
            h_re[m] = ctrl[n, C_H_REENTRY]
            h_imp[m] = ctrl[n, C_H_IMPACT]
            g[0, m], g[1, m], g[2, m] = g0, g1, g2
            m += 1
        if m == 0:
            break
        if m > j0:
            rhs_lanes(Y, K[0], j0, m, beta, earth, drag)
            for k in range(j0, m):
                d0 = 0.0
                d1 = 0.0
                for i in range(6):
                    sc = atol + abs(Y[i, k]) * rtol
                    d0 += (Y[i, k] / sc) ** 2
                    d1 += (K[0, i, k] / sc) ** 2
                d0 = math.sqrt(d0 / 6.0)
                d1 = math.sqrt(d1 / 6.0)
                h[k] = min(1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1, t_max)
            for i in range(6):
                for k in range(j0, m):
                    Yt[i, k] = Y[i, k] + h[k] * K[0, i, k]
            rhs_lanes(Yt, K[1], j0, m, beta, earth, drag)
            for k in range(j0, m):
                d2 = 0.0
                d1 = 0.0
                for i in range(6):
                    sc = atol + abs(Y[i, k]) * rtol
                    d2 += ((K[1, i, k] - K[0, i, k]) / sc) ** 2
                    d1 += (K[0, i, k] / sc) ** 2
                d2 = math.sqrt(d2 / 6.0) / h[k]
                d1 = math.sqrt(d1 / 6.0)
                h[k] = min(100.0 * h[k], _scaled_h1(h[k], d1, d2, g[2, k] <= 0.0), t_max)

        # One trial step of every live lane, stage by stage across lanes (generated, unrolled code).
        trial_step_lanes(Y, K, h, Yt, Yn, m, beta, earth, drag)
        error_sums_lanes(K, Y, Yn, m, rtol, atol, e5v, e3v)
        for k in range(m):
            e5 = e5v[k]
            e3 = e3v[k]
            err[k] = 0.0 if (e5 == 0.0 and e3 == 0.0) else abs(h[k]) * e5 / math.sqrt((e5 + 0.01 * e3) * 6.0)
        # Event functions at the trial states, lane loop innermost. The exact ones need the geodetic
        # altitude and normal (a cube root per lane); cheap bounds decide most steps instead:
        # h ≥ |r| − a, and the altitude rate differs from the radial speed by at most |v_rel|·sin δ, δ
        # (geodetic minus geocentric latitude) < 0.0034 rad. Bounds keep the right sign, which is all
        # that detection needs; located events use the exact functions.
        for k in range(m):
            x, y, z = Yn[0, k], Yn[1, k], Yn[2, k]
            vrx = Yn[3, k] + omega * y
            vry = Yn[4, k] - omega * x
            vrz = Yn[5, k]
            rr = math.sqrt(x * x + y * y + z * z)
            rdot = (x * vrx + y * vry + z * vrz) / rr
            slack = 0.004 * math.sqrt(vrx * vrx + vry * vry + vrz * vrz)
            low = rr - a_e
            gn[0, k] = rdot
            gn[1, k] = low - h_re[k]
            gn[2, k] = low - h_imp[k]
            exact[k] = abs(rdot) <= slack or gn[1, k] <= 0.0 or gn[2, k] <= 0.0
        for k in range(m):
            if exact[k]:
                hk, nx, ny, nz = geodetic_altitude_normal_xyz(Yn[0, k], Yn[1, k], Yn[2, k], a_e, f_e)
                gn[0, k] = (nx * (Yn[3, k] + omega * Yn[1, k]) + ny * (Yn[4, k] - omega * Yn[0, k])
                            + nz * Yn[5, k])
                gn[1, k] = hk - h_re[k]
                gn[2, k] = hk - h_imp[k]

        # Per lane: accept or reject, events, end of flight.
        for k in range(m):
            n = lane_id[k]
            steps[k] += 1
            if steps[k] > max_steps or h[k] < 1e-12 * max(1.0, t[k]):
                status[n] = ST_MAX_STEPS
                _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                lane_id[k] = -1
                continue
            e = err[k]
            if not e <= 1.0:
                h[k] = h[k] * (_MIN_FACTOR if math.isnan(e) else max(_MIN_FACTOR, _SAFETY * e**_ERR_EXP))
                rejected[k] = True
                continue
            n_apo, n_re, n_imp = gn[0, k], gn[1, k], gn[2, k]
            fire_imp = g[2, k] > 0.0 and n_imp <= 0.0
            fire_apo = g[0, k] > 0.0 and n_apo <= 0.0 and np.isnan(ev_t[n, EV_APOGEE])
            fire_re = g[1, k] > 0.0 and n_re <= 0.0 and np.isnan(ev_t[n, EV_REENTRY])
            if fire_imp or fire_apo or fire_re:
                # Dense output of this lane's step, by the per-trajectory kernel's own routine.
                for i in range(6):
                    y1[i] = Y[i, k]
                    yn1[i] = Yn[i, k]
                    for j in range(_NS + 1):
                        K2[j, i] = K[j, i, k]
                _dense_prepare(t[k], y1, yn1, h[k], K2, F, yt1, t[k] + 0.5 * h[k], ctrl[n], earth, no_stages,
                               0.0, no_table, no_table)
                # Exact event values at both ends of the step for the brackets.
                g_a0, g_a1, g_a2 = _event_values(y1, ctrl[n], earth)
                for i in range(6):
                    y_ev[i] = Yn[i, k]
                n_apo, n_re, n_imp = _event_values(y_ev, ctrl[n], earth)
                fire_imp = g_a2 > 0.0 and n_imp <= 0.0
                fire_apo = g_a0 > 0.0 and n_apo <= 0.0 and np.isnan(ev_t[n, EV_APOGEE])
                fire_re = g_a1 > 0.0 and n_re <= 0.0 and np.isnan(ev_t[n, EV_REENTRY])
                g[0, k], g[1, k], g[2, k] = g_a0, g_a1, g_a2
                tau_imp = np.inf
                if fire_imp:
                    tau_imp = _locate_altitude(EV_IMPACT, y1, h[k], g[2, k], n_imp, g_a0, n_apo, F, y_ev,
                                               ctrl[n], earth, t_tol)
                    ev_t[n, EV_IMPACT] = t[k] + tau_imp
                    for i in range(6):
                        ev_y[n, EV_IMPACT, i] = y_ev[i]
                if fire_apo:
                    tau = _locate(EV_APOGEE, y1, h[k], g[0, k], n_apo, F, y_ev, ctrl[n], earth, T_TOL_APOGEE_S)
                    if tau <= tau_imp:
                        ev_t[n, EV_APOGEE] = t[k] + tau
                        for i in range(6):
                            ev_y[n, EV_APOGEE, i] = y_ev[i]
                if fire_re:
                    tau = _locate_altitude(EV_REENTRY, y1, h[k], g[1, k], n_re, g_a0, n_apo, F, y_ev, ctrl[n],
                                           earth, t_tol)
                    if tau <= tau_imp:
                        ev_t[n, EV_REENTRY] = t[k] + tau
                        for i in range(6):
                            ev_y[n, EV_REENTRY, i] = y_ev[i]
                if fire_imp:
                    t[k] = ev_t[n, EV_IMPACT]
                    for i in range(6):
                        Y[i, k] = ev_y[n, EV_IMPACT, i]
                    status[n] = ST_IMPACT
                    _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                    lane_id[k] = -1
                    continue
            t[k] += h[k]
            for i in range(6):
                Y[i, k] = Yn[i, k]
                K[0, i, k] = K[_NS, i, k]
            g[0, k], g[1, k], g[2, k] = n_apo, n_re, n_imp
            factor = _MAX_FACTOR if e == 0.0 else min(_MAX_FACTOR, _SAFETY * e**_ERR_EXP)
            if rejected[k]:
                factor = min(1.0, factor)
            rejected[k] = False
            h[k] = h[k] * factor
            if t[k] >= t_max:
                status[n] = ST_TMAX
                _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                lane_id[k] = -1
            elif t[k] + h[k] > t_max:
                h[k] = t_max - t[k]

        # Compact: fill each landed lane with the last live one (order does not matter), so that the
        # vector loops run over live lanes only; O(1) per landed lane.
        k = 0
        while k < m:
            if lane_id[k] >= 0:
                k += 1
                continue
            j = m - 1
            m -= 1
            if j == k or lane_id[j] < 0:
                continue  # the last lane landed too: drop it and look at lane k again
            lane_id[k] = lane_id[j]
            t[k], h[k], beta[k], steps[k], rejected[k] = t[j], h[j], beta[j], steps[j], rejected[j]
            h_re[k], h_imp[k] = h_re[j], h_imp[j]
            for i in range(6):
                Y[i, k] = Y[i, j]
                K[0, i, k] = K[0, i, j]
            for r in range(3):
                g[r, k] = g[r, j]
            k += 1


@njit_inline
def _finish(k, n, t, Y, t_end, y_end, n_steps, steps):
    t_end[n] = t[k]
    for i in range(6):
        y_end[n, i] = Y[i, k]
    n_steps[n] = steps[k]


@njit_parallel
def fly_free_lockstep(y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
                      n_steps, n_units):
    """Free flight of N trajectories from ECI states ``y0 (N, 6)`` to impact, chunks in parallel.

    Same inputs and outputs as :func:`kernel.fly_batch` for trajectories without thrust (``ctrl``'s
    beta, impact and reentry altitude columns are used), without a path record. The trajectories are
    split into ``n_units`` contiguous work units (see :func:`work_units`) that run in parallel.
    """
    n = y0.shape[0]
    size = (n + n_units - 1) // n_units
    for u in prange(n_units):
        lo = u * size
        hi = min(n, lo + size)
        if lo < hi:
            _worker(lo, hi, y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
                    n_steps)


def work_units(n: int) -> int:
    """Work units for N trajectories: a few per thread for balance, each at least 8 chunks long."""
    return max(1, min(4 * numba.get_num_threads(), n // (8 * CHUNK)))
