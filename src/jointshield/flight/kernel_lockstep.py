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
from ._dop853_lanes import dense_lanes, error_sums_lanes, trial_step_lanes
from .kernel import (
    _MAX_FACTOR,
    _MIN_FACTOR,
    _N_POW,
    _NS,
    _NX,
    _SAFETY,
    ALT_TOL_M,
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
    _event_values,
    _scaled_h1,
    err_pow,
    event_values_xyz,
    hermite_root,
)
from .kernel_lanes import rhs_lanes

CHUNK = 256
"""Lanes per chunk: the chunk's stage array (16 × 6 × 256 doubles, 192 KiB) stays in the L2 cache."""

# Event items: one per (lane, event) whose event function changed sign in this round's step.
_ACTIVE = 0  # still iterating
_HAVE_Y = 1  # converged with its state already evaluated
_NEED_Y = 2  # converged; its state is evaluated at the end


@njit_inline
def _dense_eval_lanes(tau, h, Y, F, out, m):
    """States at offsets ``tau`` of the items' steps (:func:`kernel._dense_eval`, lane loop innermost)."""
    for i in range(6):
        for q in range(m):
            x = tau[q] / h[q]
            v = F[6, i, q]
            v *= x
            v += F[5, i, q]
            v *= 1.0 - x
            v += F[4, i, q]
            v *= x
            v += F[3, i, q]
            v *= 1.0 - x
            v += F[2, i, q]
            v *= x
            v += F[1, i, q]
            v *= 1.0 - x
            v += F[0, i, q]
            v *= x
            out[i, q] = Y[i, q] + v


@njit_inline
def _event_values_lanes(Yv, level, m, a_e, f_e, omega, hdot, g):
    """Altitude rate and altitude above ``level`` of the states ``Yv (6, m)`` (:func:`event_values_xyz`)."""
    for q in range(m):
        hd, _, gq = event_values_xyz(Yv[0, q], Yv[1, q], Yv[2, q], Yv[3, q], Yv[4, q], Yv[5, q], 0.0,
                                     level[q], a_e, f_e, omega)
        hdot[q] = hd
        g[q] = gq


@njit
def _locate_altitude_lanes(m, Y, F, h, g_a, g_b, hdot_a, hdot_b, level, tau, y_ev, Yv, hdv, gv, a, b, state,
                           a_e, f_e, omega, t_tol):
    """:func:`kernel._locate_altitude` for ``m`` items at once: each item runs the same iterations as there,
    the dense output and the event functions of all items evaluated together (vectorised)."""
    for q in range(m):
        tau[q] = hermite_root(h[q], g_a[q], g_b[q], hdot_a[q], hdot_b[q])
        a[q] = 0.0
        b[q] = h[q]
        state[q] = _ACTIVE
    n_active = m
    for _ in range(50):
        if n_active == 0:
            break
        _dense_eval_lanes(tau, h, Y, F, Yv, m)
        _event_values_lanes(Yv, level, m, a_e, f_e, omega, hdv, gv)
        for q in range(m):
            if state[q] != _ACTIVE:
                continue
            fc = gv[q]
            if fc > 0.0:
                a[q] = tau[q]
            else:
                b[q] = tau[q]
            if abs(fc) <= ALT_TOL_M:
                state[q] = _HAVE_Y
                n_active -= 1
                for i in range(6):
                    y_ev[i, q] = Yv[i, q]
                continue
            hdot = hdv[q]
            nxt = tau[q] - fc / hdot if hdot != 0.0 else 0.5 * (a[q] + b[q])
            if not (nxt > a[q] and nxt < b[q]):
                nxt = 0.5 * (a[q] + b[q])
            done = abs(nxt - tau[q]) <= t_tol or b[q] - a[q] <= t_tol
            tau[q] = nxt
            if done:
                state[q] = _NEED_Y
                n_active -= 1
    _final_states(m, tau, h, Y, F, Yv, y_ev, state)


@njit
def _locate_apogee_lanes(m, Y, F, h, g_a, g_b, tau, y_ev, Yv, hdv, gv, a, b, fa, fb, side, prev, state, level,
                         a_e, f_e, omega, t_tol):
    """:func:`kernel._locate` (Illinois method) of the apogee for ``m`` items at once, as
    :func:`_locate_altitude_lanes`."""
    for q in range(m):
        a[q] = 0.0
        fa[q] = g_a[q]
        b[q] = h[q]
        fb[q] = g_b[q]
        side[q] = 0
        prev[q] = -1.0
        state[q] = _ACTIVE
        tau[q] = 0.0
    n_active = m
    for _ in range(100):
        for q in range(m):
            if state[q] != _ACTIVE:
                continue
            tq = b[q] - fb[q] * (b[q] - a[q]) / (fb[q] - fa[q])
            if not (tq > a[q] and tq < b[q]):
                tq = 0.5 * (a[q] + b[q])
            tau[q] = tq
            if b[q] - a[q] <= t_tol or abs(tq - prev[q]) <= t_tol:
                state[q] = _NEED_Y
                n_active -= 1
                continue
            prev[q] = tq
        if n_active == 0:
            break
        _dense_eval_lanes(tau, h, Y, F, Yv, m)
        _event_values_lanes(Yv, level, m, a_e, f_e, omega, hdv, gv)
        for q in range(m):
            if state[q] != _ACTIVE:
                continue
            fc = hdv[q]
            if fc > 0.0:
                a[q] = tau[q]
                fa[q] = fc
                if side[q] == -1:
                    fb[q] *= 0.5
                side[q] = -1
            else:
                b[q] = tau[q]
                fb[q] = fc
                if side[q] == 1:
                    fa[q] *= 0.5
                side[q] = 1
    for q in range(m):
        if state[q] == _ACTIVE:
            state[q] = _NEED_Y
    _final_states(m, tau, h, Y, F, Yv, y_ev, state)


@njit_inline
def _final_states(m, tau, h, Y, F, Yv, y_ev, state):
    """States at the located offsets of the items that converged without one in hand."""
    need = False
    for q in range(m):
        if state[q] != _HAVE_Y:
            need = True
    if need:
        _dense_eval_lanes(tau, h, Y, F, Yv, m)
        for q in range(m):
            if state[q] != _HAVE_Y:
                for i in range(6):
                    y_ev[i, q] = Yv[i, q]


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
    accepted = np.zeros(m, np.bool_)
    tau_imp = np.empty(m)
    g = np.empty((3, m))  # event functions at the lane's current state
    gn = np.empty((3, m))  # and at the end of its trial step
    y1 = np.empty(6)
    has_air = earth[E_ATMOSPHERE] != 0.0
    t_tol = T_TOL_EVENT_S
    e5v = np.empty(m)
    e3v = np.empty(m)
    h_re = np.empty(m)
    h_imp = np.empty(m)
    a_e = earth[E_A]
    f_e = earth[E_F]
    omega = earth[E_OMEGA]
    cap = m
    drag = has_air
    # Event items, two kinds: altitude events (impact, reentry; up to two per lane) and apogees. Each
    # item carries a copy of its step (start, end, stages) with the item index innermost.
    n_alt_cap = 2 * cap
    alt_lane = np.empty(n_alt_cap, np.int64)
    alt_ev = np.empty(n_alt_cap, np.int64)
    apo_lane = np.empty(cap, np.int64)
    IY = np.empty((6, n_alt_cap))
    IYn = np.empty((6, n_alt_cap))
    IYt = np.empty((6, n_alt_cap))
    IK = np.empty((_NX, 6, n_alt_cap))
    IF = np.empty((_N_POW, 6, n_alt_cap))
    Ih = np.empty(n_alt_cap)
    Ibeta = np.empty(n_alt_cap)
    Iga = np.empty(n_alt_cap)
    Igb = np.empty(n_alt_cap)
    Ihda = np.empty(n_alt_cap)
    Ihdb = np.empty(n_alt_cap)
    Ilevel = np.empty(n_alt_cap)
    Itau = np.empty(n_alt_cap)
    Iyev = np.empty((6, n_alt_cap))
    IYv = np.empty((6, n_alt_cap))
    Ihdv = np.empty(n_alt_cap)
    Igv = np.empty(n_alt_cap)
    Ia = np.empty(n_alt_cap)
    Ib = np.empty(n_alt_cap)
    Ifa = np.empty(n_alt_cap)
    Ifb = np.empty(n_alt_cap)
    Iprev = np.empty(n_alt_cap)
    Iside = np.empty(n_alt_cap, np.int64)
    Istate = np.empty(n_alt_cap, np.int64)
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
        # Exact event functions at every trial state, lane loop innermost (no library calls: vectorised).
        _event_values_all(Yn, h_re, h_imp, gn, m, a_e, f_e, omega)

        # Per lane: accept or reject; the events each accepted step crosses become items.
        n_alt = 0
        n_apo = 0
        for k in range(m):
            accepted[k] = False
            n = lane_id[k]
            steps[k] += 1
            if steps[k] > max_steps or h[k] < 1e-12 * max(1.0, t[k]):
                status[n] = ST_MAX_STEPS
                _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                lane_id[k] = -1
                continue
            e = err[k]
            if not e <= 1.0:
                h[k] = h[k] * (_MIN_FACTOR if math.isnan(e) else max(_MIN_FACTOR, _SAFETY * err_pow(e)))
                rejected[k] = True
                continue
            accepted[k] = True
            tau_imp[k] = np.inf
            if g[2, k] > 0.0 and gn[2, k] <= 0.0:
                alt_lane[n_alt] = k
                alt_ev[n_alt] = EV_IMPACT
                n_alt += 1
            if g[1, k] > 0.0 and gn[1, k] <= 0.0 and np.isnan(ev_t[n, EV_REENTRY]):
                alt_lane[n_alt] = k
                alt_ev[n_alt] = EV_REENTRY
                n_alt += 1
            if g[0, k] > 0.0 and gn[0, k] <= 0.0 and np.isnan(ev_t[n, EV_APOGEE]):
                apo_lane[n_apo] = k
                n_apo += 1

        # Events, located on the steps' dense output, all items of a kind together.
        if n_alt > 0:
            _gather_items(n_alt, alt_lane, Y, Yn, K, h, beta, IY, IYn, IK, Ih, Ibeta)
            for q in range(n_alt):
                k = alt_lane[q]
                row = 2 if alt_ev[q] == EV_IMPACT else 1
                Iga[q] = g[row, k]
                Igb[q] = gn[row, k]
                Ihda[q] = g[0, k]
                Ihdb[q] = gn[0, k]
                Ilevel[q] = h_imp[k] if alt_ev[q] == EV_IMPACT else h_re[k]
            dense_lanes(IY, IYn, IK, Ih, IYt, IF, n_alt, Ibeta, earth, drag)
            _locate_altitude_lanes(n_alt, IY, IF, Ih, Iga, Igb, Ihda, Ihdb, Ilevel, Itau, Iyev, IYv, Ihdv, Igv,
                                   Ia, Ib, Istate, a_e, f_e, omega, t_tol)
            for q in range(n_alt):  # impacts first: the others count only if they come before
                k = alt_lane[q]
                if alt_ev[q] == EV_IMPACT:
                    n = lane_id[k]
                    tau_imp[k] = Itau[q]
                    ev_t[n, EV_IMPACT] = t[k] + Itau[q]
                    for i in range(6):
                        ev_y[n, EV_IMPACT, i] = Iyev[i, q]
            for q in range(n_alt):
                k = alt_lane[q]
                if alt_ev[q] == EV_REENTRY and Itau[q] <= tau_imp[k]:
                    n = lane_id[k]
                    ev_t[n, EV_REENTRY] = t[k] + Itau[q]
                    for i in range(6):
                        ev_y[n, EV_REENTRY, i] = Iyev[i, q]
        if n_apo > 0:
            _gather_items(n_apo, apo_lane, Y, Yn, K, h, beta, IY, IYn, IK, Ih, Ibeta)
            for q in range(n_apo):
                k = apo_lane[q]
                Iga[q] = g[0, k]
                Igb[q] = gn[0, k]
                Ilevel[q] = h_imp[k]
            dense_lanes(IY, IYn, IK, Ih, IYt, IF, n_apo, Ibeta, earth, drag)
            _locate_apogee_lanes(n_apo, IY, IF, Ih, Iga, Igb, Itau, Iyev, IYv, Ihdv, Igv, Ia, Ib, Ifa, Ifb, Iside,
                                 Iprev, Istate, Ilevel, a_e, f_e, omega, T_TOL_APOGEE_S)
            for q in range(n_apo):
                k = apo_lane[q]
                if Itau[q] <= tau_imp[k]:
                    n = lane_id[k]
                    ev_t[n, EV_APOGEE] = t[k] + Itau[q]
                    for i in range(6):
                        ev_y[n, EV_APOGEE, i] = Iyev[i, q]

        # Per accepted lane: land at the impact, or advance and size the next step.
        for k in range(m):
            if not accepted[k]:
                continue
            n = lane_id[k]
            if tau_imp[k] < np.inf:
                t[k] = ev_t[n, EV_IMPACT]
                for i in range(6):
                    Y[i, k] = ev_y[n, EV_IMPACT, i]
                status[n] = ST_IMPACT
                _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                lane_id[k] = -1
                continue
            e = err[k]
            t[k] += h[k]
            for i in range(6):
                Y[i, k] = Yn[i, k]
                K[0, i, k] = K[_NS, i, k]
            g[0, k], g[1, k], g[2, k] = gn[0, k], gn[1, k], gn[2, k]
            factor = _MAX_FACTOR if e == 0.0 else min(_MAX_FACTOR, _SAFETY * err_pow(e))
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


@njit
def _gather_items(cnt, lanes, Y, Yn, K, h, beta, IY, IYn, IK, Ih, Ibeta):
    """Copy the steps (start, end, stages 0..12) of lanes ``lanes[:cnt]`` into event items 0..cnt-1."""
    for i in range(6):
        for q in range(cnt):
            IY[i, q] = Y[i, lanes[q]]
            IYn[i, q] = Yn[i, lanes[q]]
    for j in range(_NS + 1):
        for i in range(6):
            for q in range(cnt):
                IK[j, i, q] = K[j, i, lanes[q]]
    for q in range(cnt):
        Ih[q] = h[lanes[q]]
        Ibeta[q] = beta[lanes[q]]


@njit
def _event_values_all(Yn, h_re, h_imp, gn, m, a_e, f_e, omega):
    """Exact event functions at the trial states of lanes 0..m-1 (a function of its own so that LLVM sees
    a plain loop over a few arrays and vectorises it)."""
    for k in range(m):
        gn[0, k], gn[1, k], gn[2, k] = event_values_xyz(Yn[0, k], Yn[1, k], Yn[2, k], Yn[3, k], Yn[4, k],
                                                        Yn[5, k], h_re[k], h_imp[k], a_e, f_e, omega)


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
