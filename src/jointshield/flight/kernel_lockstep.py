"""Free flight of many trajectories in lockstep: the same DOP853 as :mod:`kernel`, vectorised across lanes.

The per-trajectory kernel (:func:`kernel.fly_batch`) runs each trajectory's steps one after another,
so every arithmetic operation works on one number. Here a chunk of trajectories (*lanes*) is kept as a
structure of arrays (state ``(6, m)``, stages ``(16, 6, m)``) and every stage of every step is computed
for all lanes with the lane index innermost, which LLVM turns into SIMD instructions. Each lane keeps its
own time and step size, and accepts or rejects its own steps (a rejected lane simply retries with a
smaller step next round), so the result of each trajectory is the same as the per-trajectory kernel's up
to rounding. Lanes that have landed are compacted away so that the vector loops stay full.

Only free flight (no thrust: trajectories that start at burnout) takes this path. Events are detected
per lane after each round (a sign change of the exact event functions) and located on the dense output
exactly as in :mod:`kernel`, but late: the steps that cross one are queued and worked off in batches of
:data:`FLUSH` (:func:`_work_off`), so that the dense output and the root finding run as vector loops over
hundreds of items rather than the few dozen a round yields. Located late or at once, every number is
the same (tests/test_flight_free.py compares the two kernels).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .._numba import njit, njit_inline, njit_parallel, prange
from ._dop853_lanes import dense_lanes, trial_step_lanes
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
    _scaled_h1,
    err_pow,
    event_values_xyz,
)
from .kernel_lanes import rhs_lanes

CHUNK = 128
"""Lanes per chunk: the chunk's stage array (16 × 6 × 128 doubles, 96 KiB) leaves room in the L2 cache for
the queue. Measured side by side (50,000 ICBM flights, outputs identical): 128 lanes 3–9% faster than 256,
64 lanes slower again (shorter vector loops)."""
FLUSH = 256
"""Queued event steps that trigger the locating pass (a round adds about CHUNK / 11 steps per event kind:
an ICBM-class flight takes ~11 steps); 192 and 384 measured no faster."""

PREP = 256
"""Trajectories taken on at a time (:func:`_prepare`): their first steps run as vector loops of this
length rather than over the few lanes a round frees."""

# Events a queued step crosses (bits).
_F_IMPACT = 1
_F_REENTRY = 2
_F_APOGEE = 4

# Work counters (columns of fly_free_lockstep's ``work``), for the flop count of the benchmark.
W_DENSE = 0  # dense outputs formed: queued steps (three right-hand sides and the interpolant each)
W_ITERATIONS = 1  # root-finder iterations of items still searching: a dense-output state and event values
W_FINAL_STATES = 2  # dense-output states at located events that were not in hand
W_HERMITE = 3  # Newton iterations on the cubic Hermite first guess of altitude events (items still in it)
WORK_NAMES = ("dense outputs", "root-finder iterations", "final states", "Hermite iterations")

# Event items: one per (queued step, event) being located.
_ACTIVE = 0  # still iterating
_HAVE_Y = 1  # converged with its state already evaluated
_NEED_Y = 2  # converged; its state is evaluated at the end

# Per-lane outcome of a round besides the event bits (``flags``).
_REJECTED = -1
_STOP = -2  # out of steps, or a step too small to advance time


@njit
def _dense_eval_lanes(tau, h, Y, F, out, m):
    """States at offsets ``tau`` of the items' steps (:func:`kernel._dense_eval`, lane loop innermost).

    A function of its own, not inlined: inlined into the root finders' loops LLVM left the loop scalar
    (measured: the apogee search took 3.6 times as long)."""
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


@njit
def _event_values_lanes(Yv, level, m, a_e, f_e, omega, hdot, g):
    """Altitude rate and altitude above ``level`` of the states ``Yv (6, m)`` (:func:`event_values_xyz`);
    not inlined, for the reason given at :func:`_dense_eval_lanes`."""
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
    n_hermite = _hermite_roots(m, h, g_a, g_b, hdot_a, hdot_b, tau, a)
    for q in range(m):
        a[q] = 0.0
        b[q] = h[q]
        state[q] = _ACTIVE
    n_active = m
    n_iter = 0
    for _ in range(50):
        if n_active == 0:
            break
        n_iter += n_active
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
    return n_iter, _final_states(m, tau, h, Y, F, Yv, y_ev, state), n_hermite


@njit
def _hermite_roots(m, h, g_a, g_b, hdot_a, hdot_b, tau, alive):
    """:func:`kernel.hermite_root` of ``m`` items at once, the same iterations and arithmetic in a loop
    without early exits (an item that would have stopped keeps its value), so that it vectorises.
    Returns the number of iterations :func:`kernel.hermite_root` runs for these items (the one that
    stops an item included), for the flop count."""
    for q in range(m):
        tau[q] = h[q] * g_a[q] / (g_a[q] - g_b[q])
        alive[q] = 1.0
    n_alive = 0
    for _ in range(8):
        for q in range(m):
            # An integer sum: LLVM may reorder it, so the loop stays a vector loop (a float sum kept it
            # scalar: 4.5 times as slow).
            n_alive += 1 if alive[q] != 0.0 else 0
            hq = h[q]
            t0 = tau[q]
            x = t0 / hq
            x2 = x * x
            x3 = x2 * x
            ga = g_a[q]
            gb = g_b[q]
            da = hdot_a[q]
            db = hdot_b[q]
            p = ((2 * x3 - 3 * x2 + 1) * ga + (x3 - 2 * x2 + x) * hq * da + (-2 * x3 + 3 * x2) * gb
                 + (x3 - x2) * hq * db)
            dp = ((6 * x2 - 6 * x) * ga + (3 * x2 - 4 * x + 1) * hq * da + (-6 * x2 + 6 * x) * gb
                  + (3 * x2 - 2 * x) * hq * db) / hq
            nxt = t0 - p / dp
            ok = alive[q] != 0.0 and dp != 0.0 and nxt > 0.0 and nxt < hq
            tau[q] = nxt if ok else t0
            alive[q] = 1.0 if ok else 0.0
    return n_alive


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
    n_iter = 0
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
        n_iter += n_active
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
    return n_iter, _final_states(m, tau, h, Y, F, Yv, y_ev, state)


@njit_inline
def _final_states(m, tau, h, Y, F, Yv, y_ev, state):
    """States at the located offsets of the items that converged without one in hand; returns their
    number."""
    need = 0
    for q in range(m):
        if state[q] != _HAVE_Y:
            need += 1
    if need > 0:
        _dense_eval_lanes(tau, h, Y, F, Yv, m)
        for q in range(m):
            if state[q] != _HAVE_Y:
                for i in range(6):
                    y_ev[i, q] = Yv[i, q]
    return need


@njit
def _worker(lo, hi, y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
            n_steps, work):
    """Fly trajectories ``lo..hi-1`` through a buffer of :data:`CHUNK` lanes, refilled as lanes land.

    Events are located late: an accepted step that crosses one is queued (its start state, stages, size
    and event values) and the queue is worked off in batches of about :data:`FLUSH` steps
    (:func:`_work_off`), so that the dense output and the root finding run as long vector loops. A lane
    that hits the ground is freed at once; its impact time and state are filled in from the queue.
    """
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
    rejected = np.empty(m, np.int64)  # 0 or 1: the same width as steps, seen and flags (see _classify)
    flags = np.zeros(m, np.int64)  # events this round's accepted step crosses (bits), _REJECTED or _STOP
    seen = np.empty(m, np.int64)  # reentry and apogee already queued for the lane (they count once)
    g = np.empty((3, m))  # event functions at the lane's current state
    gn = np.empty((3, m))  # and at the end of its trial step
    e5v = np.empty(m)
    e3v = np.empty(m)
    ep = np.empty(m)
    h_re = np.empty(m)
    h_imp = np.empty(m)
    a_e = earth[E_A]
    f_e = earth[E_F]
    omega = earth[E_OMEGA]
    cap = m
    # Drag only where the Earth has an atmosphere and some trajectory of the range a finite ballistic
    # coefficient: otherwise the drag loop of every right-hand side would only skip lane after lane.
    drag = False
    if earth[E_ATMOSPHERE] != 0.0:
        for n in range(lo, hi):
            b = ctrl[n, C_BETA]
            if b > 0.0 and b < np.inf:
                drag = True
                break
    ev_lane = np.empty(cap, np.uint64)  # unsigned: see _gather
    # The queue of steps with events, item index innermost (see _work_off).
    qcap = FLUSH + cap
    QY = np.empty((6, qcap))
    QYn = np.empty((6, qcap))
    QK = np.empty((_NX, 6, qcap))
    QF = np.empty((_N_POW, 6, qcap))
    Qh = np.empty(qcap)
    Qbeta = np.empty(qcap)
    Qt = np.empty(qcap)
    Qg = np.empty((3, qcap))
    Qgn = np.empty((3, qcap))
    Qlevel = np.empty((2, qcap))
    Qn = np.empty(qcap, np.int64)
    Qflags = np.empty(qcap, np.int64)
    W = _work_arrays(qcap)
    # Flat views of the lane and queue arrays for _push (made once).
    Yf, Ynf, Kf, gf, gnf = Y.reshape(Y.size), Yn.reshape(Yn.size), K.reshape(K.size), g.reshape(g.size), gn.reshape(gn.size)
    QYf, QYnf, QKf = QY.reshape(QY.size), QYn.reshape(QYn.size), QK.reshape(QK.size)
    Qgf, Qgnf, Qlf = Qg.reshape(Qg.size), Qgn.reshape(Qgn.size), Qlevel.reshape(Qlevel.size)
    # Trajectories are taken on in blocks of PREP: their initial event values and first step sizes are
    # formed for the whole block in vector loops (a round frees only about CHUNK / 11 lanes: loops that
    # short ran scalar), and lanes are refilled from the block.
    PY = np.empty((6, PREP))
    PK = np.empty((2, 6, PREP))
    PYt = np.empty((6, PREP))
    Ph = np.empty(PREP)
    Pg = np.empty((3, PREP))
    Pbeta = np.empty(PREP)
    Ph_re = np.empty(PREP)
    Ph_imp = np.empty(PREP)
    Pn = np.empty(PREP, np.int64)
    p_next = 0
    p_cnt = 0
    nq = 0
    next_n = lo
    m = 0

    while True:
        while m < cap:
            if p_next == p_cnt:
                if next_n >= hi:
                    break
                b_hi = min(hi, next_n + PREP)
                p_cnt = _prepare(next_n, b_hi, y0, ctrl, earth, drag, rtol, atol, t_max, PY, PK, PYt, Ph, Pg,
                                 Pbeta, Ph_re, Ph_imp, Pn, status, t_end, y_end, n_steps, ev_t, ev_y)
                next_n = b_hi
                p_next = 0
                continue
            p = p_next
            p_next += 1
            lane_id[m] = Pn[p]
            for i in range(6):
                Y[i, m] = PY[i, p]
                K[0, i, m] = PK[0, i, p]
            for r in range(3):
                g[r, m] = Pg[r, p]
            h[m] = Ph[p]
            t[m] = 0.0
            steps[m] = 0
            rejected[m] = 0
            seen[m] = 0
            beta[m] = Pbeta[p]
            h_re[m] = Ph_re[p]
            h_imp[m] = Ph_imp[p]
            m += 1
        if m == 0:
            break

        # One trial step of every live lane, stage by stage across lanes (generated, unrolled code).
        trial_step_lanes(Y, K, h, Yt, Yn, m, beta, earth, drag, rtol, atol, e5v, e3v)
        _errors(m, h, e5v, e3v, err, ep)
        # Exact event functions at every trial state, lane loop innermost (no library calls: vectorised).
        _event_values_all(Yn, h_re, h_imp, gn, m, a_e, f_e, omega)

        # Per lane: accept or reject, and the events an accepted step crosses.
        _classify(m, steps, max_steps, h, t, err, ep, g, gn, seen, rejected, flags)
        # The lanes whose step crosses an event, without a branch per lane (which lanes they are is
        # unpredictable: a mispredicted branch each); stopped lanes are rare.
        n_ev = 0
        n_stop = 0
        for k in range(m):
            f = flags[k]
            ev_lane[n_ev] = k
            n_ev += 1 if f > 0 else 0
            n_stop += 1 if f == _STOP else 0
        if n_stop > 0:
            for k in range(m):
                if flags[k] == _STOP:
                    n = lane_id[k]
                    status[n] = ST_MAX_STEPS
                    _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                    lane_id[k] = -1  # flags stays _STOP (< 0): the lane neither advances nor is queued

        # Queue the steps that cross events (before the lanes move on).
        if n_ev > 0:
            _push(n_ev, ev_lane, nq, lane_id, flags, t, Yf, Ynf, Kf, h, beta, gf, gnf, h_re, h_imp, QYf, QYnf, QKf,
                  Qh, Qbeta, Qt, Qgf, Qgnf, Qlf, Qn, Qflags, cap, qcap)
            nq += n_ev

        # Lanes whose accepted step does not end the flight move on (vector loops; the next step is
        # cut at t_max), ...
        n_tmax = _advance(m, flags, t, h, err, ep, rejected, Y, Yn, K, g, gn, t_max)
        # ... the lanes that hit the ground are done (their impact is located from the queue), ...
        for j in range(n_ev):
            k = ev_lane[j]
            if flags[k] & _F_IMPACT:
                n = lane_id[k]
                status[n] = ST_IMPACT
                n_steps[n] = steps[k]
                lane_id[k] = -1
        # ... and so are those that reached t_max (rare).
        if n_tmax > 0:
            for k in range(m):
                f = flags[k]
                if f >= 0 and (f & _F_IMPACT) == 0 and t[k] >= t_max:
                    n = lane_id[k]
                    status[n] = ST_TMAX
                    _finish(k, n, t, Y, t_end, y_end, n_steps, steps)
                    lane_id[k] = -1

        if nq >= FLUSH:
            _work_off(nq, QY, QYn, QK, QF, Qh, Qbeta, Qt, Qg, Qgn, Qlevel, Qn, Qflags, W, earth, drag, t_end,
                      y_end, ev_t, ev_y, work)
            nq = 0

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
            _move_lane(j, k, lane_id, t, h, beta, steps, rejected, seen, h_re, h_imp, Y, K, g)
            k += 1
    if nq > 0:
        _work_off(nq, QY, QYn, QK, QF, Qh, Qbeta, Qt, Qg, Qgn, Qlevel, Qn, Qflags, W, earth, drag, t_end, y_end,
                  ev_t, ev_y, work)


@njit
def _errors(m, h, e5v, e3v, err, ep):
    """Scaled error norm of each lane's trial step (scipy's DOP853 rule) and the controller's err^(-1/8),
    for all lanes in one vector loop (the square roots vectorise here, not in the branchy lane loops)."""
    for k in range(m):
        e5 = e5v[k]
        e3 = e3v[k]
        e = 0.0 if (e5 == 0.0 and e3 == 0.0) else abs(h[k]) * e5 / math.sqrt((e5 + 0.01 * e3) * 6.0)
        err[k] = e
        ep[k] = err_pow(e)


@njit
def _classify(m, steps, max_steps, h, t, err, ep, g, gn, seen, rejected, flags):
    """Outcome of every lane's trial step: ``flags`` = the events an accepted step crosses (bits; reentry
    and apogee count once per flight), :data:`_REJECTED` (the step size shrinks by scipy's rule) or
    :data:`_STOP` (out of steps, or a step too small to advance time). One loop without branches per
    lane, vectorised by LLVM because every integer lane is int64 (``rejected`` too: with it as a boolean
    array the loop compiled to scalar code; 2% of the kernel's time, measured side by side)."""
    for k in range(m):
        s = steps[k] + 1
        steps[k] = s
        stop = (s > max_steps) | (h[k] < 1e-12 * max(1.0, t[k]))
        e = err[k]
        ok = e <= 1.0
        sn = seen[k]
        f = _F_IMPACT if (g[2, k] > 0.0) & (gn[2, k] <= 0.0) else 0
        f |= _F_REENTRY if (g[1, k] > 0.0) & (gn[1, k] <= 0.0) & ((sn & _F_REENTRY) == 0) else 0
        f |= _F_APOGEE if (g[0, k] > 0.0) & (gn[0, k] <= 0.0) & ((sn & _F_APOGEE) == 0) else 0
        rej = (~ok) & (~stop)
        flags[k] = _STOP if stop else (f if ok else _REJECTED)
        seen[k] = sn | f if ok & (~stop) else sn
        factor = _MIN_FACTOR if math.isnan(e) else max(_MIN_FACTOR, _SAFETY * ep[k])
        h[k] = h[k] * factor if rej else h[k]
        rejected[k] = 1 if rej else rejected[k]


@njit
def _advance(m, flags, t, h, err, ep, rejected, Y, Yn, K, g, gn, t_max):
    """Advance every lane whose step was accepted and does not end at the impact (``flags`` ≥ 0 without
    the impact bit): time, state, first stage (FSAL), event values and the next step size, cut so as not
    to pass ``t_max``. Time, size and flag are selects over all lanes (a vector loop); the state moves by
    unconditional copies. Returns the number of advanced lanes that have reached ``t_max``."""
    n_tmax = 0
    for k in range(m):
        f = flags[k]
        go = f >= 0 and (f & _F_IMPACT) == 0
        e = err[k]
        factor = _MAX_FACTOR if e == 0.0 else min(_MAX_FACTOR, _SAFETY * ep[k])
        factor = min(1.0, factor) if rejected[k] != 0 else factor
        tk = t[k] + h[k] if go else t[k]
        hk = h[k] * factor if go else h[k]
        t[k] = tk
        h[k] = t_max - tk if go and tk < t_max and tk + hk > t_max else hk
        n_tmax += 1 if go and tk >= t_max else 0
        rejected[k] = 0 if go else rejected[k]
    # Lanes that stay put get their own state as the trial state, so that one unconditional copy (a
    # vector loop; a select per lane compiled to scalar code) moves every lane on.
    for k in range(m):
        f = flags[k]
        if f < 0 or (f & _F_IMPACT) != 0:
            for i in range(6):
                Yn[i, k] = Y[i, k]
                K[_NS, i, k] = K[0, i, k]
            for r in range(3):
                gn[r, k] = g[r, k]
    for i in range(6):
        for k in range(m):
            Y[i, k] = Yn[i, k]
        for k in range(m):
            K[0, i, k] = K[_NS, i, k]
    for r in range(3):
        for k in range(m):
            g[r, k] = gn[r, k]
    return n_tmax


@njit
def _first_steps(Y, K, Yt, h, g, m, beta, earth, drag, rtol, atol, t_max):
    """K[0] and the first step size of entries 0..m-1 (scipy's rule, as in kernel)."""
    rhs_lanes(Y, K[0], m, beta, earth, drag)
    for k in range(m):
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
        for k in range(m):
            Yt[i, k] = Y[i, k] + h[k] * K[0, i, k]
    rhs_lanes(Yt, K[1], m, beta, earth, drag)
    for k in range(m):
        d2 = 0.0
        d1 = 0.0
        for i in range(6):
            sc = atol + abs(Y[i, k]) * rtol
            d2 += ((K[1, i, k] - K[0, i, k]) / sc) ** 2
            d1 += (K[0, i, k] / sc) ** 2
        d2 = math.sqrt(d2 / 6.0) / h[k]
        d1 = math.sqrt(d1 / 6.0)
        h[k] = min(100.0 * h[k], _scaled_h1(h[k], d1, d2, g[2, k] <= 0.0), t_max)


@njit
def _prepare(lo, hi, y0, ctrl, earth, drag, rtol, atol, t_max, PY, PK, PYt, Ph, Pg, Pbeta, Ph_re, Ph_imp, Pn,
             status, t_end, y_end, n_steps, ev_t, ev_y):
    """Take on trajectories ``lo..hi-1``: their start states, event values, K[0] and first step sizes in
    entries 0.. of the block arrays ``P*`` (vector loops over the block). A trajectory that starts below
    the surface ends there and takes no entry; returns the number of entries."""
    a_e = earth[E_A]
    f_e = earth[E_F]
    omega = earth[E_OMEGA]
    cnt = hi - lo
    for j in range(cnt):
        n = lo + j
        for e in range(N_EVENTS):
            ev_t[n, e] = np.nan
        Pn[j] = n
        for i in range(6):
            PY[i, j] = y0[n, i]
        Pbeta[j] = ctrl[n, C_BETA]
        Ph_re[j] = ctrl[n, C_H_REENTRY]
        Ph_imp[j] = ctrl[n, C_H_IMPACT]
    _event_values_all(PY, Ph_re, Ph_imp, Pg, cnt, a_e, f_e, omega)
    c = 0
    for j in range(cnt):
        n = Pn[j]
        if Pg[2, j] < -1.0:
            status[n] = ST_BELOW_SURFACE
            t_end[n] = 0.0
            for i in range(6):
                y_end[n, i] = y0[n, i]
            n_steps[n] = 0
            continue
        ev_t[n, EV_BURNOUT] = 0.0
        for i in range(6):
            ev_y[n, EV_BURNOUT, i] = y0[n, i]
        if c < j:
            Pn[c] = n
            for i in range(6):
                PY[i, c] = PY[i, j]
            for r in range(3):
                Pg[r, c] = Pg[r, j]
            Pbeta[c] = Pbeta[j]
            Ph_re[c] = Ph_re[j]
            Ph_imp[c] = Ph_imp[j]
        c += 1
    _first_steps(PY, PK, PYt, Ph, Pg, c, Pbeta, earth, drag, rtol, atol, t_max)
    return c


@njit
def _gather(src, src_off, dst, dst_off, idx, cnt):
    """``dst[dst_off + q] = src[src_off + idx[q]]`` for q < cnt, on flat views with unsigned offsets and
    indices: LLVM turns the loop into vector gathers. With signed indices numba checks each one for a
    negative value (Python's wraparound) and the loop stays scalar: twice as slow (measured, 54 rows of
    12-48 lanes: 0.69-0.88 against 0.34-0.50 ns per element)."""
    for q in range(cnt):
        dst[dst_off + np.uint64(q)] = src[src_off + idx[q]]


@njit
def _push(cnt, lanes, q0, lane_id, flags, t, Yf, Ynf, Kf, h, beta, gf, gnf, h_re, h_imp, QYf, QYnf, QKf, Qh, Qbeta,
          Qt, Qgf, Qgnf, Qlf, Qn, Qflags, m, qcap):
    """Copy the steps of lanes ``lanes[:cnt]`` (unsigned; start, end, stages 0 and 5..12, size, event
    values) into queue entries ``q0..q0+cnt-1``. The 2-d and 3-d lane and queue arrays come as flat views
    (``*f``, made once: a reshape per call costs a library call and reference counting) with their rows
    ``m`` and ``qcap`` long."""
    mu = np.uint64(m)
    qu = np.uint64(qcap)
    e0 = np.uint64(q0)
    zero = np.uint64(0)
    for i in range(6):
        r = np.uint64(i)
        _gather(Yf, r * mu, QYf, r * qu + e0, lanes, cnt)
        _gather(Ynf, r * mu, QYnf, r * qu + e0, lanes, cnt)
    for j in range(_NS + 1):
        if 1 <= j <= 4:
            continue  # stages 1..4 do not enter the dense output
        for i in range(6):
            r = np.uint64(j * 6 + i)
            _gather(Kf, r * mu, QKf, r * qu + e0, lanes, cnt)
    for i in range(3):
        r = np.uint64(i)
        _gather(gf, r * mu, Qgf, r * qu + e0, lanes, cnt)
        _gather(gnf, r * mu, Qgnf, r * qu + e0, lanes, cnt)
    _gather(h, zero, Qh, e0, lanes, cnt)
    _gather(beta, zero, Qbeta, e0, lanes, cnt)
    _gather(t, zero, Qt, e0, lanes, cnt)
    _gather(lane_id, zero, Qn, e0, lanes, cnt)
    _gather(flags, zero, Qflags, e0, lanes, cnt)
    _gather(h_re, zero, Qlf, e0, lanes, cnt)
    _gather(h_imp, zero, Qlf, qu + e0, lanes, cnt)


@njit
def _work_off(nq, QY, QYn, QK, QF, Qh, Qbeta, Qt, Qg, Qgn, Qlevel, Qn, Qflags, W, earth, drag, t_end, y_end,
              ev_t, ev_y, work):
    """Locate the events of ``nq`` queued steps on their dense output (all of a kind together) and write
    them: impacts first (they end the trajectory: its end time and state), then reentries and apogees,
    which count only if they come before an impact in the same step. Adds its work to ``work``
    (:data:`WORK_NAMES`)."""
    a_e = earth[E_A]
    f_e = earth[E_F]
    omega = earth[E_OMEGA]
    (IY, IF, Ih, Iga, Igb, Ihda, Ihdb, Ilevel, Itau, Iyev, IYv, Ihdv, Igv, Ia, Ib, Ifa, Ifb, Iprev, Iside,
     Istate, src, tau_imp) = W
    dense_lanes(QY, QYn, QK, Qh, W[0], QF, nq, Qbeta, earth, drag)  # W[0] (IY) as the stage scratch
    work[W_DENSE] += nq
    for e in range(nq):
        tau_imp[e] = np.inf
    # Altitude events: impacts, then reentries.
    for kind in range(2):
        bit = _F_IMPACT if kind == 0 else _F_REENTRY
        row = 2 if kind == 0 else 1
        cnt = 0
        for e in range(nq):
            if Qflags[e] & bit:
                src[cnt] = e
                cnt += 1
        if cnt == 0:
            continue
        _take(cnt, src, QY, QF, Qh, IY, IF, Ih)
        for q in range(cnt):
            e = src[q]
            Iga[q] = Qg[row, e]
            Igb[q] = Qgn[row, e]
            Ihda[q] = Qg[0, e]
            Ihdb[q] = Qgn[0, e]
            Ilevel[q] = Qlevel[1 - kind, e]
        n_iter, n_final, n_hermite = _locate_altitude_lanes(cnt, IY, IF, Ih, Iga, Igb, Ihda, Ihdb, Ilevel, Itau,
                                                            Iyev, IYv, Ihdv, Igv, Ia, Ib, Istate, a_e, f_e, omega,
                                                            T_TOL_EVENT_S)
        work[W_ITERATIONS] += n_iter
        work[W_FINAL_STATES] += n_final
        work[W_HERMITE] += n_hermite
        for q in range(cnt):
            e = src[q]
            n = Qn[e]
            if kind == 0:
                tau_imp[e] = Itau[q]
                tq = Qt[e] + Itau[q]
                ev_t[n, EV_IMPACT] = tq
                t_end[n] = tq
                for i in range(6):
                    ev_y[n, EV_IMPACT, i] = Iyev[i, q]
                    y_end[n, i] = Iyev[i, q]
            elif Itau[q] <= tau_imp[e]:
                ev_t[n, EV_REENTRY] = Qt[e] + Itau[q]
                for i in range(6):
                    ev_y[n, EV_REENTRY, i] = Iyev[i, q]
    cnt = 0
    for e in range(nq):
        if Qflags[e] & _F_APOGEE:
            src[cnt] = e
            cnt += 1
    if cnt > 0:
        _take(cnt, src, QY, QF, Qh, IY, IF, Ih)
        for q in range(cnt):
            e = src[q]
            Iga[q] = Qg[0, e]
            Igb[q] = Qgn[0, e]
            Ilevel[q] = Qlevel[1, e]
        n_iter, n_final = _locate_apogee_lanes(cnt, IY, IF, Ih, Iga, Igb, Itau, Iyev, IYv, Ihdv, Igv, Ia, Ib, Ifa,
                                               Ifb, Iside, Iprev, Istate, Ilevel, a_e, f_e, omega, T_TOL_APOGEE_S)
        work[W_ITERATIONS] += n_iter
        work[W_FINAL_STATES] += n_final
        for q in range(cnt):
            e = src[q]
            if Itau[q] <= tau_imp[e]:
                n = Qn[e]
                ev_t[n, EV_APOGEE] = Qt[e] + Itau[q]
                for i in range(6):
                    ev_y[n, EV_APOGEE, i] = Iyev[i, q]


@njit
def _take(cnt, src, QY, QF, Qh, IY, IF, Ih):
    """Copy the start states, dense-output coefficients and sizes of queue entries ``src[:cnt]`` (unsigned)
    into items 0..cnt-1 (vector gathers, see :func:`_gather`)."""
    qcap = np.uint64(QY.shape[1])
    icap = np.uint64(IY.shape[1])
    zero = np.uint64(0)
    QYf, QFf, IYf, IFf = QY.reshape(QY.size), QF.reshape(QF.size), IY.reshape(IY.size), IF.reshape(IF.size)
    for i in range(6):
        r = np.uint64(i)
        _gather(QYf, r * qcap, IYf, r * icap, src, cnt)
    for p in range(_N_POW * 6):
        r = np.uint64(p)
        _gather(QFf, r * qcap, IFf, r * icap, src, cnt)
    _gather(Qh, zero, Ih, zero, src, cnt)


@njit
def _work_arrays(n):
    """Work arrays of :func:`_work_off` for up to ``n`` items."""
    return (np.empty((6, n)), np.empty((_N_POW, 6, n)), np.empty(n), np.empty(n), np.empty(n), np.empty(n),
            np.empty(n), np.empty(n), np.empty(n), np.empty((6, n)), np.empty((6, n)), np.empty(n), np.empty(n),
            np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n, np.int64),
            np.empty(n, np.int64), np.empty(n, np.uint64), np.empty(n))


@njit
def _event_values_all(Yn, h_re, h_imp, gn, m, a_e, f_e, omega):
    """Exact event functions at the states ``Yn`` of lanes 0..m-1 (a function of its own so that LLVM sees
    a plain loop over a few arrays and vectorises it)."""
    for k in range(m):
        gn[0, k], gn[1, k], gn[2, k] = event_values_xyz(Yn[0, k], Yn[1, k], Yn[2, k], Yn[3, k], Yn[4, k],
                                                        Yn[5, k], h_re[k], h_imp[k], a_e, f_e, omega)


@njit_inline
def _move_lane(j, k, lane_id, t, h, beta, steps, rejected, seen, h_re, h_imp, Y, K, g):
    """Lane ``j`` takes the place of lane ``k`` (the lane order does not matter)."""
    lane_id[k] = lane_id[j]
    t[k], h[k], beta[k], steps[k], rejected[k], seen[k] = t[j], h[j], beta[j], steps[j], rejected[j], seen[j]
    h_re[k], h_imp[k] = h_re[j], h_imp[j]
    for i in range(6):
        Y[i, k] = Y[i, j]
        K[0, i, k] = K[0, i, j]
    for r in range(3):
        g[r, k] = g[r, j]


@njit_inline
def _finish(k, n, t, Y, t_end, y_end, n_steps, steps):
    t_end[n] = t[k]
    for i in range(6):
        y_end[n, i] = Y[i, k]
    n_steps[n] = steps[k]


@njit
def start_states_eci(r, v, omega, y0):
    """ECI start states ``y0 (N, 6)`` of ECEF positions ``r`` and Earth-relative velocities ``v`` (N, 3) at
    time 0, where the frames coincide: r_eci = r, v_eci = v + ω × r (what ``earth.frames.ecef_to_eci``
    gives at angle 0, the same numbers; one pass over the rows, ~1.5 ms less than numpy's column
    operations for 100,000 states)."""
    for n in range(r.shape[0]):
        y0[n, 0] = r[n, 0]
        y0[n, 1] = r[n, 1]
        y0[n, 2] = r[n, 2]
        y0[n, 3] = v[n, 0] - omega * r[n, 1]
        y0[n, 4] = v[n, 1] + omega * r[n, 0]
        y0[n, 5] = v[n, 2]


@njit_parallel
def fly_free_lockstep(y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
                      n_steps, work):
    """Free flight of N trajectories from ECI states ``y0 (N, 6)`` to impact, chunks in parallel.

    Same inputs and outputs as :func:`kernel.fly_batch` for trajectories without thrust (``ctrl``'s
    beta, impact and reentry altitude columns are used), without a path record. The trajectories are
    split into ``len(work)`` contiguous work units (see :func:`work_units`) that run in parallel; each
    adds what it did to its row of ``work`` (int64, zeros, columns :data:`WORK_NAMES`).
    """
    n_units = work.shape[0]
    n = y0.shape[0]
    size = (n + n_units - 1) // n_units
    for u in prange(n_units):
        lo = u * size
        hi = min(n, lo + size)
        if lo < hi:
            _worker(lo, hi, y0, ctrl, earth, t_max, rtol, atol, max_steps, status, t_end, y_end, ev_t, ev_y,
                    n_steps, work[u])


def work_units(n: int) -> int:
    """Work units for N trajectories: a few per thread for balance, each at least 8 chunks long."""
    return max(1, min(4 * numba.get_num_threads(), n // (8 * CHUNK)))
