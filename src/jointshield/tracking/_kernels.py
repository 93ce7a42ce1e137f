"""Compiled kernels of the tracker: plain loops over tracks (or track-measurement pairs) on SI floats.

Every kernel here is one loop over rows with small fixed-size linear algebra written out, compiled with
numba (``NUMBA_DISABLE_JIT=1`` runs the same text as Python). They live in one module so that numba's
file-based cache invalidation sees every change to them. The friendly layer is :mod:`.motion`,
:mod:`.measurement`, :mod:`.ekf` and :mod:`.gating`; the formulas are written out there.

Earth vector ``earth``: ``(mu_m3_s2, j2, re_m, omega_rad_s)``.
"""

from __future__ import annotations

import math

import numpy as np

from .._numba import njit, njit_inline
from ..earth.frames import geodetic_altitude_xyz

TWO_PI = 2.0 * np.pi


# ---------------------------------------------------------------------------------------------------------
# gravity and its Jacobian
# ---------------------------------------------------------------------------------------------------------


@njit_inline
def gravity_and_jacobian(x, y, z, mu, j2, re, a, G):
    """Point-mass + J2 acceleration ``a`` (3,) m/s² and its Jacobian ``G`` (3, 3) 1/s² at (x, y, z) m.

    a = −μ r/r³ + c (x f, y f, z g) with c = −(3/2) J2 μ re², f = r⁻⁵ − 5 z² r⁻⁷, g = 3 r⁻⁵ − 5 z² r⁻⁷
    (the J2 acceleration of :mod:`jointshield.earth.gravity`, rearranged). Differentiating,
    ∂(−μ r/r³)/∂r = −μ/r³ (I − 3 r rᵀ/r²), ∂f/∂r_j = (−5 r⁻⁷ + 35 z² r⁻⁹) r_j − 10 z r⁻⁷ δ_jz and
    ∂g/∂r_j = (−15 r⁻⁷ + 35 z² r⁻⁹) r_j − 10 z r⁻⁷ δ_jz.
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    ir2 = 1.0 / r2
    ir3 = ir2 / r
    ir5 = ir3 * ir2
    ir7 = ir5 * ir2
    ir9 = ir7 * ir2
    z2 = z * z
    c = -1.5 * j2 * mu * re * re
    f = ir5 - 5.0 * z2 * ir7
    g = 3.0 * ir5 - 5.0 * z2 * ir7
    a[0] = -mu * ir3 * x + c * x * f
    a[1] = -mu * ir3 * y + c * y * f
    a[2] = -mu * ir3 * z + c * z * g
    p0 = x
    p1 = y
    p2 = z
    kf = -5.0 * ir7 + 35.0 * z2 * ir9
    kg = -15.0 * ir7 + 35.0 * z2 * ir9
    dz = -10.0 * z * ir7
    m3 = 3.0 * mu * ir5
    for i in range(3):
        pi = p0 if i == 0 else (p1 if i == 1 else p2)
        for j in range(3):
            pj = p0 if j == 0 else (p1 if j == 1 else p2)
            gij = m3 * pi * pj
            if i == j:
                gij -= mu * ir3
            # J2 part
            if i < 2:
                d = kf * pj + (dz if j == 2 else 0.0)
                gij += c * ((f if i == j else 0.0) + pi * d)
            else:
                d = kg * pj + (dz if j == 2 else 0.0)
                gij += c * ((g if i == j else 0.0) + pi * d)
            G[i, j] = gij


@njit
def gravity_jacobian_rows(r, earth, a_out, G_out):
    """Acceleration (N, 3) and Jacobian (N, 3, 3) at positions ``r`` (N, 3) m (ECI or ECEF)."""
    mu, j2, re = earth[0], earth[1], earth[2]
    for n in range(r.shape[0]):
        gravity_and_jacobian(r[n, 0], r[n, 1], r[n, 2], mu, j2, re, a_out[n], G_out[n])


# ---------------------------------------------------------------------------------------------------------
# prediction: RK4 of the state and its transition matrix, then Φ P Φᵀ + Q
# ---------------------------------------------------------------------------------------------------------


@njit_inline
def _deriv(y, phi, earth, dy, dphi, a, G):
    """Right-hand side of ẏ = (v, a(r)) and Φ̇ = A Φ with A = [[0, I], [G(r), 0]]."""
    gravity_and_jacobian(y[0], y[1], y[2], earth[0], earth[1], earth[2], a, G)
    for i in range(3):
        dy[i] = y[3 + i]
        dy[3 + i] = a[i]
    for j in range(6):
        for i in range(3):
            dphi[i, j] = phi[3 + i, j]
            dphi[3 + i, j] = G[i, 0] * phi[0, j] + G[i, 1] * phi[1, j] + G[i, 2] * phi[2, j]


@njit_inline
def _predict_one(x, P, h_total, q, earth, max_step_s, x_out, P_out, phi, y, yt, pt, k_y, k_p, a, G, tmp):
    """One row of :func:`predict_rows`: state ``x`` (6,), covariance ``P`` (6, 6) over ``h_total`` s into
    ``x_out``, ``P_out`` (which may be ``x``, ``P`` themselves: both are read in full before either is
    written) and the transition matrix ``phi`` (6, 6); the rest are scratch arrays."""
    for i in range(6):
        y[i] = x[i]
        for j in range(6):
            phi[i, j] = 1.0 if i == j else 0.0
    if h_total != 0.0:
        m = int(math.ceil(abs(h_total) / max_step_s))  # noqa: RUF046  (numba types math.ceil as float)
        h = h_total / m
        for _ in range(m):
            _deriv(y, phi, earth, k_y[0], k_p[0], a, G)
            for s in range(1, 4):
                c = 0.5 * h if s < 3 else h
                for i in range(6):
                    yt[i] = y[i] + c * k_y[s - 1, i]
                    for j in range(6):
                        pt[i, j] = phi[i, j] + c * k_p[s - 1, i, j]
                _deriv(yt, pt, earth, k_y[s], k_p[s], a, G)
            w = h / 6.0
            for i in range(6):
                y[i] += w * (k_y[0, i] + 2.0 * k_y[1, i] + 2.0 * k_y[2, i] + k_y[3, i])
                for j in range(6):
                    phi[i, j] += w * (k_p[0, i, j] + 2.0 * k_p[1, i, j] + 2.0 * k_p[2, i, j] + k_p[3, i, j])
    for i in range(6):
        x_out[i] = y[i]
    # tmp = Φ P
    for i in range(6):
        for j in range(6):
            s_ = 0.0
            for k in range(6):
                s_ += phi[i, k] * P[k, j]
            tmp[i, j] = s_
    ad = abs(h_total)
    q3 = q * ad * ad * ad / 3.0
    q2 = q * h_total * ad / 2.0
    q1 = q * ad
    for i in range(6):
        for j in range(i, 6):
            s_ = 0.0
            for k in range(6):
                s_ += tmp[i, k] * phi[j, k]
            if i == j:
                s_ += q3 if i < 3 else q1
            elif j == i + 3:
                s_ += q2
            P_out[i, j] = s_
            P_out[j, i] = s_


@njit
def predict_rows(x, P, dt, q, earth, max_step_s, x_out, P_out, phi_out):
    """Predict N states (N, 6) and covariances (N, 6, 6) over their own ``dt`` (N,) s.

    Classical RK4 (Runge–Kutta 4th order) on the state and the 6×6 state-transition matrix together, in
    ``ceil(|dt| / max_step_s)`` equal steps; then P⁺ = Φ P Φᵀ + Q(dt) with the white-acceleration
    Q = q [[|dt|³/3 I, dt|dt|/2 I], [dt|dt|/2 I, |dt| I]] (q: (N,) m²/s³ per axis). Writes x_out, P_out and
    the transition matrices phi_out (N, 6, 6). ``x_out``, ``P_out`` may be ``x``, ``P`` (in place).
    """
    y = np.empty(6)
    yt = np.empty(6)
    pt = np.empty((6, 6))
    k_y = np.empty((4, 6))
    k_p = np.empty((4, 6, 6))
    a = np.empty(3)
    G = np.empty((3, 3))
    tmp = np.empty((6, 6))
    for n in range(x.shape[0]):
        _predict_one(x[n], P[n], dt[n], q[n], earth, max_step_s, x_out[n], P_out[n], phi_out[n], y, yt, pt, k_y,
                     k_p, a, G, tmp)


@njit
def predict_to(x, P, t, t_to, q, earth, max_step_s):
    """Predict, in place, every row of ``x`` (N, 6), ``P`` (N, 6, 6) whose time ``t`` (N,) differs from
    ``t_to`` (s) to that time (as :func:`predict_rows`, q scalar); sets ``t`` to ``t_to``."""
    y = np.empty(6)
    yt = np.empty(6)
    pt = np.empty((6, 6))
    k_y = np.empty((4, 6))
    k_p = np.empty((4, 6, 6))
    a = np.empty(3)
    G = np.empty((3, 3))
    tmp = np.empty((6, 6))
    phi = np.empty((6, 6))
    for n in range(x.shape[0]):
        dt = t_to - t[n]
        if dt != 0.0:
            _predict_one(x[n], P[n], dt, q, earth, max_step_s, x[n], P[n], phi, y, yt, pt, k_y, k_p, a, G, tmp)
            t[n] = t_to


# ---------------------------------------------------------------------------------------------------------
# measurement model: range, azimuth, elevation of an inertial position from a site
# ---------------------------------------------------------------------------------------------------------


@njit_inline
def aer_and_jacobian(rx, ry, rz, t, site, E, omega, z_out, H_out):
    """(range m, azimuth rad in [0, 2π), elevation rad) of inertial position r at time t from a site, and
    the Jacobian (3, 3) of those with respect to r (velocity does not enter).

    r_ecef = R3(ωt) r, d = r_ecef − site, (e, n, u) = E d; ρ = |d|, az = atan2(e, n), el = atan2(u, ρh)
    with ρh = √(e² + n²); ∂ρ/∂enu = enuᵀ/ρ, ∂az/∂enu = (n, −e, 0)/ρh², ∂el/∂enu = (−e u/ρh, −n u/ρh, ρh)/ρ².
    """
    c = math.cos(omega * t)
    s = math.sin(omega * t)
    d0 = c * rx + s * ry - site[0]
    d1 = -s * rx + c * ry - site[1]
    d2 = rz - site[2]
    e = E[0, 0] * d0 + E[0, 1] * d1 + E[0, 2] * d2
    nn = E[1, 0] * d0 + E[1, 1] * d1 + E[1, 2] * d2
    u = E[2, 0] * d0 + E[2, 1] * d1 + E[2, 2] * d2
    rh2 = e * e + nn * nn
    rh = math.sqrt(rh2)
    rho2 = rh2 + u * u
    rho = math.sqrt(rho2)
    az = math.atan2(e, nn)
    if az < 0.0:
        az += TWO_PI
    if az >= TWO_PI:
        az = 0.0
    z_out[0] = rho
    z_out[1] = az
    z_out[2] = math.atan2(u, rh)
    # J (3 x 3) w.r.t. enu
    j00 = e / rho
    j01 = nn / rho
    j02 = u / rho
    j10 = nn / rh2
    j11 = -e / rh2
    j12 = 0.0
    j20 = -e * u / (rho2 * rh)
    j21 = -nn * u / (rho2 * rh)
    j22 = rh / rho2
    # M = E R3(ωt): column k of R3 is (c, -s, 0), (s, c, 0), (0, 0, 1)
    for row in range(3):
        if row == 0:
            a0, a1, a2 = j00, j01, j02
        elif row == 1:
            a0, a1, a2 = j10, j11, j12
        else:
            a0, a1, a2 = j20, j21, j22
        # b = a E (1 x 3 in ECEF)
        b0 = a0 * E[0, 0] + a1 * E[1, 0] + a2 * E[2, 0]
        b1 = a0 * E[0, 1] + a1 * E[1, 1] + a2 * E[2, 1]
        b2 = a0 * E[0, 2] + a1 * E[1, 2] + a2 * E[2, 2]
        H_out[row, 0] = b0 * c - b1 * s
        H_out[row, 1] = b0 * s + b1 * c
        H_out[row, 2] = b2


@njit
def aer_rows(r, t, site_idx, sites, E, omega, z_out, H_out):
    """Predicted measurements (N, 3) and position Jacobians (N, 3, 3) of N inertial positions ``r`` (N, 3)
    at times ``t`` (N,) from sites ``site_idx`` (N,) into ``sites`` (S, 3) with rotations ``E`` (S, 3, 3)."""
    for n in range(r.shape[0]):
        s = site_idx[n]
        aer_and_jacobian(r[n, 0], r[n, 1], r[n, 2], t[n], sites[s], E[s], omega, z_out[n], H_out[n])


@njit_inline
def wrap_pi(a):
    """Angle folded into (−π, π]."""
    w = a - TWO_PI * math.floor((a + math.pi) / TWO_PI)  # in [−π, π)
    return w + TWO_PI if w <= -math.pi else w


# ---------------------------------------------------------------------------------------------------------
# EKF update (Joseph form)
# ---------------------------------------------------------------------------------------------------------


@njit_inline
def _inv3_scaled(S, Si):
    """Inverse of a 3×3 symmetric positive-definite S, computed on D⁻¹ S D⁻¹ (D = √diag S) so that the
    very different scales of range (m²) and angles (rad²) do not cost precision. Returns det(S)."""
    d0 = math.sqrt(S[0, 0])
    d1 = math.sqrt(S[1, 1])
    d2 = math.sqrt(S[2, 2])
    c01 = S[0, 1] / (d0 * d1)
    c02 = S[0, 2] / (d0 * d2)
    c12 = S[1, 2] / (d1 * d2)
    det = 1.0 + 2.0 * c01 * c02 * c12 - c01 * c01 - c02 * c02 - c12 * c12
    i00 = (1.0 - c12 * c12) / det
    i11 = (1.0 - c02 * c02) / det
    i22 = (1.0 - c01 * c01) / det
    i01 = (c02 * c12 - c01) / det
    i02 = (c01 * c12 - c02) / det
    i12 = (c01 * c02 - c12) / det
    Si[0, 0] = i00 / (d0 * d0)
    Si[1, 1] = i11 / (d1 * d1)
    Si[2, 2] = i22 / (d2 * d2)
    Si[0, 1] = Si[1, 0] = i01 / (d0 * d1)
    Si[0, 2] = Si[2, 0] = i02 / (d0 * d2)
    Si[1, 2] = Si[2, 1] = i12 / (d1 * d2)
    return det * S[0, 0] * S[1, 1] * S[2, 2]


@njit_inline
def _update_one(x, P, nu, Hp, R, x_out, P_out, PHt, S, Si, K, A, AP):
    """One row of :func:`update_rows` (``x`` (6,), ``P`` (6, 6), ``nu`` (3,), ``Hp`` (3, 3), ``R`` (3,));
    ``x_out``, ``P_out`` may be ``x``, ``P`` (each is read in full before it is written). Returns the NIS."""
    for i in range(6):
        for j in range(3):
            PHt[i, j] = (P[i, 0] * Hp[j, 0] + P[i, 1] * Hp[j, 1] + P[i, 2] * Hp[j, 2])
    for i in range(3):
        for j in range(3):
            S[i, j] = Hp[i, 0] * PHt[0, j] + Hp[i, 1] * PHt[1, j] + Hp[i, 2] * PHt[2, j]
        S[i, i] += R[i]
    for i in range(3):  # exact symmetry before inverting
        for j in range(i + 1, 3):
            m = 0.5 * (S[i, j] + S[j, i])
            S[i, j] = m
            S[j, i] = m
    _inv3_scaled(S, Si)
    nis = 0.0
    for i in range(3):
        for j in range(3):
            nis += nu[i] * Si[i, j] * nu[j]
    for i in range(6):
        for j in range(3):
            K[i, j] = PHt[i, 0] * Si[0, j] + PHt[i, 1] * Si[1, j] + PHt[i, 2] * Si[2, j]
    for i in range(6):
        x_out[i] = x[i] + K[i, 0] * nu[0] + K[i, 1] * nu[1] + K[i, 2] * nu[2]
    # A = I - K H, H = [Hp 0]
    for i in range(6):
        for j in range(6):
            v = 1.0 if i == j else 0.0
            if j < 3:
                v -= K[i, 0] * Hp[0, j] + K[i, 1] * Hp[1, j] + K[i, 2] * Hp[2, j]
            A[i, j] = v
    for i in range(6):
        for j in range(6):
            s_ = 0.0
            for k in range(6):
                s_ += A[i, k] * P[k, j]
            AP[i, j] = s_
    for i in range(6):
        for j in range(i, 6):
            s_ = 0.0
            for k in range(6):
                s_ += AP[i, k] * A[j, k]
            s_ += K[i, 0] * R[0] * K[j, 0] + K[i, 1] * R[1] * K[j, 1] + K[i, 2] * R[2] * K[j, 2]
            P_out[i, j] = s_
            P_out[j, i] = s_
    return nis


@njit
def update_rows(x, P, nu, Hp, R, x_out, P_out, nis_out):
    """Kalman update of N states with one 3-vector measurement each, H = [Hp, 0] (position only).

    ``nu`` (N, 3) innovation (azimuth already wrapped), ``Hp`` (N, 3, 3), ``R`` (N, 3) measurement
    variances. S = Hp Prr Hpᵀ + R, K = P Hᵀ S⁻¹, x⁺ = x + K ν, and the Joseph form
    P⁺ = (I − K H) P (I − K H)ᵀ + K R Kᵀ, symmetrised. Writes the normalised innovation squared νᵀ S⁻¹ ν.
    """
    PHt = np.empty((6, 3))
    S = np.empty((3, 3))
    Si = np.empty((3, 3))
    K = np.empty((6, 3))
    A = np.empty((6, 6))
    AP = np.empty((6, 6))
    for n in range(x.shape[0]):
        nis_out[n] = _update_one(x[n], P[n], nu[n], Hp[n], R[n], x_out[n], P_out[n], PHt, S, Si, K, A, AP)


# ---------------------------------------------------------------------------------------------------------
# gating
# ---------------------------------------------------------------------------------------------------------


@njit
def coarse_pairs(track_r, track_radius, meas_r, meas_radius, out_i, out_j):
    """All (track, measurement) pairs whose Euclidean distance is at most the sum of their radii.

    ``track_r`` (N, 3), ``meas_r`` (M, 3) positions in one frame (m); radii (N,), (M,) m. Writes up to
    ``len(out_i)`` pairs and returns how many there are in all (call again with larger buffers if more).
    """
    count = 0
    cap = out_i.shape[0]
    for i in range(track_r.shape[0]):
        xi = track_r[i, 0]
        yi = track_r[i, 1]
        zi = track_r[i, 2]
        ri = track_radius[i]
        for j in range(meas_r.shape[0]):
            lim = ri + meas_radius[j]
            d0 = meas_r[j, 0] - xi
            if abs(d0) > lim:
                continue
            d1 = meas_r[j, 1] - yi
            if abs(d1) > lim:
                continue
            d2 = meas_r[j, 2] - zi
            if d0 * d0 + d1 * d1 + d2 * d2 <= lim * lim:
                if count < cap:
                    out_i[count] = i
                    out_j[count] = j
                count += 1
    return count


@njit_inline
def _pair_d2(x, P, dt, z, R, t_meas, site, E, omega, zh, Hp, S, Si, HP, nu):
    """Squared Mahalanobis distance of one measurement ``z`` (3,) (variances ``R`` (3,), at ``t_meas``
    from ``site`` with rotation ``E``) to one track (``x`` (6,), ``P`` (6, 6)) carried over ``dt`` s by
    r + v dt. S = Hp Prr Hpᵀ + R with Hp evaluated there; the azimuth innovation wrapped to (−π, π]."""
    aer_and_jacobian(x[0] + x[3] * dt, x[1] + x[4] * dt, x[2] + x[5] * dt, t_meas, site, E, omega, zh, Hp)
    for a in range(3):
        for b in range(3):
            HP[a, b] = Hp[a, 0] * P[0, b] + Hp[a, 1] * P[1, b] + Hp[a, 2] * P[2, b]
    for a in range(3):
        for b in range(a, 3):
            v = HP[a, 0] * Hp[b, 0] + HP[a, 1] * Hp[b, 1] + HP[a, 2] * Hp[b, 2]
            S[a, b] = v
            S[b, a] = v
        S[a, a] += R[a]
    _inv3_scaled(S, Si)
    nu[0] = z[0] - zh[0]
    nu[1] = wrap_pi(z[1] - zh[1])
    nu[2] = z[2] - zh[2]
    d2 = 0.0
    for a in range(3):
        for b in range(3):
            d2 += nu[a] * Si[a, b] * nu[b]
    return d2


@njit
def pair_distance(pi, pj, x, P, t_ref, z, R, t_meas, site_idx, sites, E, omega, d2_out):
    """Squared Mahalanobis distance of each candidate pair (track ``pi[k]``, measurement ``pj[k]``).

    The track's state ``x`` (N, 6) and covariance ``P`` (N, 6, 6) hold at ``t_ref``; its position is
    carried to the measurement's time by r + v (t_meas − t_ref) (the scan's spread of times is short).
    S = Hp Prr Hpᵀ + R with Hp evaluated there; the azimuth innovation is wrapped to (−π, π].
    """
    zh = np.empty(3)
    Hp = np.empty((3, 3))
    S = np.empty((3, 3))
    Si = np.empty((3, 3))
    HP = np.empty((3, 3))
    nu = np.empty(3)
    for k in range(pi.shape[0]):
        i = pi[k]
        j = pj[k]
        s = site_idx[j]
        d2_out[k] = _pair_d2(x[i], P[i], t_meas[j] - t_ref, z[j], R[j], t_meas[j], sites[s], E[s], omega, zh, Hp,
                             S, Si, HP, nu)


@njit
def gate_scan(x, P, rows, r_meas, rad_meas, z, R, t_meas, site_idx, sites, E, omega, t_ref, spread_s, sqrt_gamma,
              gamma, out_i, out_j, out_d2):
    """Both gates of one scan in one pass (association.py): for every track (``x`` (N, 6), ``P`` at
    ``t_ref``) and scan measurement ``rows[j]``, the coarse Euclidean test (:func:`gate_radius`,
    :func:`coarse_pairs`, measurement radius √γ ``rad_meas``) and then, for the pairs it passes, the χ² test
    d² ≤ γ (:func:`pair_distance`). Writes up to ``len(out_i)`` pairs (track, index into ``rows``) with
    their d², in track-major order, and returns how many there are in all (call again with larger buffers
    if more)."""
    zh = np.empty(3)
    Hp = np.empty((3, 3))
    S = np.empty((3, 3))
    Si = np.empty((3, 3))
    HP = np.empty((3, 3))
    nu = np.empty(3)
    m = rows.shape[0]
    mr = np.empty((m, 3))
    mrad = np.empty(m)
    for j in range(m):
        for c in range(3):
            mr[j, c] = r_meas[rows[j], c]
        mrad[j] = sqrt_gamma * rad_meas[rows[j]]
    count = 0
    cap = out_i.shape[0]
    for i in range(x.shape[0]):
        tr = P[i, 0, 0] + P[i, 1, 1] + P[i, 2, 2]
        sp = math.sqrt(x[i, 3] * x[i, 3] + x[i, 4] * x[i, 4] + x[i, 5] * x[i, 5])
        ri = sqrt_gamma * math.sqrt(tr) + sp * spread_s + 1.0
        xi = x[i, 0]
        yi = x[i, 1]
        zi = x[i, 2]
        for j in range(m):
            lim = ri + mrad[j]
            d0 = mr[j, 0] - xi
            if abs(d0) > lim:
                continue
            d1 = mr[j, 1] - yi
            if abs(d1) > lim:
                continue
            dz = mr[j, 2] - zi
            if d0 * d0 + d1 * d1 + dz * dz > lim * lim:
                continue
            g = rows[j]
            s = site_idx[g]
            d2 = _pair_d2(x[i], P[i], t_meas[g] - t_ref, z[g], R[g], t_meas[g], sites[s], E[s], omega, zh, Hp, S,
                          Si, HP, nu)
            if d2 <= gamma:
                if count < cap:
                    out_i[count] = i
                    out_j[count] = j
                    out_d2[count] = d2
                count += 1
    return count


@njit
def innovations(x, t, z, site_idx, sites, E, omega, nu_out, H_out):
    """Innovation z − h(x) (N, 3, azimuth wrapped) and position Jacobian (N, 3, 3) of N states at times t
    against measurements z (N, 3) from sites ``site_idx`` (N,)."""
    zh = np.empty(3)
    for n in range(x.shape[0]):
        s = site_idx[n]
        aer_and_jacobian(x[n, 0], x[n, 1], x[n, 2], t[n], sites[s], E[s], omega, zh, H_out[n])
        nu_out[n, 0] = z[n, 0] - zh[0]
        nu_out[n, 1] = wrap_pi(z[n, 1] - zh[1])
        nu_out[n, 2] = z[n, 2] - zh[2]


# ---------------------------------------------------------------------------------------------------------
# measurements to inertial positions
# ---------------------------------------------------------------------------------------------------------


@njit
def aer_to_inertial_rows(z, var, t, site_idx, sites, E, omega, r_out, C_out):
    """Inertial position (N, 3) m of measurements z (N, 3) = (range, az, el) and its covariance (N, 3, 3),
    linearised at the measurement: C = M J diag(var) Jᵀ Mᵀ, J = ∂enu/∂(range, az, el), M = R3(ωt)ᵀ Eᵀ.

    enu = ρ (cos el sin az, cos el cos az, sin el); r_ecef = site + Eᵀ enu; r = R3(ωt)ᵀ r_ecef.
    """
    J = np.empty((3, 3))
    M = np.empty((3, 3))
    B = np.empty((3, 3))
    for n in range(z.shape[0]):
        s = site_idx[n]
        rng = z[n, 0]
        sa, ca = math.sin(z[n, 1]), math.cos(z[n, 1])
        se, ce = math.sin(z[n, 2]), math.cos(z[n, 2])
        enu0, enu1, enu2 = rng * ce * sa, rng * ce * ca, rng * se
        ct, st = math.cos(omega * t[n]), math.sin(omega * t[n])
        # ECEF position, then inertial: x = c X − s Y, y = s X + c Y (R3(ωt)ᵀ).
        X = sites[s, 0] + E[s, 0, 0] * enu0 + E[s, 1, 0] * enu1 + E[s, 2, 0] * enu2
        Y = sites[s, 1] + E[s, 0, 1] * enu0 + E[s, 1, 1] * enu1 + E[s, 2, 1] * enu2
        Z = sites[s, 2] + E[s, 0, 2] * enu0 + E[s, 1, 2] * enu1 + E[s, 2, 2] * enu2
        r_out[n, 0] = ct * X - st * Y
        r_out[n, 1] = st * X + ct * Y
        r_out[n, 2] = Z
        J[0, 0], J[0, 1], J[0, 2] = ce * sa, rng * ce * ca, -rng * se * sa
        J[1, 0], J[1, 1], J[1, 2] = ce * ca, -rng * ce * sa, -rng * se * ca
        J[2, 0], J[2, 1], J[2, 2] = se, 0.0, rng * ce
        # M = R3ᵀ Eᵀ: M[i, k] = Σ_j R3ᵀ[i, j] E[k, j]
        for k in range(3):
            M[0, k] = ct * E[s, k, 0] - st * E[s, k, 1]
            M[1, k] = st * E[s, k, 0] + ct * E[s, k, 1]
            M[2, k] = E[s, k, 2]
        for i in range(3):  # B = M J
            for j in range(3):
                B[i, j] = M[i, 0] * J[0, j] + M[i, 1] * J[1, j] + M[i, 2] * J[2, j]
        for i in range(3):
            for j in range(i, 3):
                c = B[i, 0] * var[n, 0] * B[j, 0] + B[i, 1] * var[n, 1] * B[j, 1] + B[i, 2] * var[n, 2] * B[j, 2]
                C_out[n, i, j] = c
                C_out[n, j, i] = c


# ---------------------------------------------------------------------------------------------------------
# the tracker's per-scan steps (see tracker.py for what each rule means)
# ---------------------------------------------------------------------------------------------------------


@njit
def gate_radius(x, P, sqrt_gamma, spread_s, out):
    """Coarse gate radius (N,) m of each track: √γ √tr Prr + |v| × the scan's spread of times + 1 m."""
    for n in range(x.shape[0]):
        tr = P[n, 0, 0] + P[n, 1, 1] + P[n, 2, 2]
        sp = math.sqrt(x[n, 3] * x[n, 3] + x[n, 4] * x[n, 4] + x[n, 5] * x[n, 5])
        out[n] = sqrt_gamma * math.sqrt(tr) + sp * spread_s + 1.0


@njit
def update_assigned(ti, mj, rows, x, P, t_trk, n_upd, z, R, t_meas, site_idx, sites, E, omega, r_meas, q, earth,
                    max_step_s, nis_out):
    """Predict each assigned track ``ti[k]`` to its measurement ``rows[mj[k]]``'s time and update it there
    (Joseph form, in place on ``x``, ``P``, ``t_trk``). A track with one update so far (``n_upd`` == 1) is
    linearised at the measured position ``r_meas`` instead of its prediction: ν = −H_m (r_pred − r_meas)
    (:func:`jointshield.tracking.ekf.innovation_at_measurement`). Writes the NIS of each update."""
    y = np.empty(6)
    yt = np.empty(6)
    pt = np.empty((6, 6))
    k_y = np.empty((4, 6))
    k_p = np.empty((4, 6, 6))
    a = np.empty(3)
    G = np.empty((3, 3))
    tmp = np.empty((6, 6))
    phi = np.empty((6, 6))
    PHt = np.empty((6, 3))
    S = np.empty((3, 3))
    Si = np.empty((3, 3))
    K = np.empty((6, 3))
    A = np.empty((6, 6))
    AP = np.empty((6, 6))
    zh = np.empty(3)
    H = np.empty((3, 3))
    nu = np.empty(3)
    for k in range(ti.shape[0]):
        i = ti[k]
        j = rows[mj[k]]
        dt = t_meas[j] - t_trk[i]
        if dt != 0.0:
            _predict_one(x[i], P[i], dt, q, earth, max_step_s, x[i], P[i], phi, y, yt, pt, k_y, k_p, a, G, tmp)
        t_trk[i] = t_meas[j]
        s = site_idx[j]
        if n_upd[i] == 1:
            aer_and_jacobian(r_meas[j, 0], r_meas[j, 1], r_meas[j, 2], t_meas[j], sites[s], E[s], omega, zh, H)
            d0 = x[i, 0] - r_meas[j, 0]
            d1 = x[i, 1] - r_meas[j, 1]
            d2 = x[i, 2] - r_meas[j, 2]
            for c in range(3):
                nu[c] = -(H[c, 0] * d0 + H[c, 1] * d1 + H[c, 2] * d2)
        else:
            aer_and_jacobian(x[i, 0], x[i, 1], x[i, 2], t_meas[j], sites[s], E[s], omega, zh, H)
            nu[0] = z[j, 0] - zh[0]
            nu[1] = wrap_pi(z[j, 1] - zh[1])
            nu[2] = z[j, 2] - zh[2]
        nis_out[k] = _update_one(x[i], P[i], nu, H, R[j], x[i], P[i], PHt, S, Si, K, A, AP)


@njit
def life_cycle_drop(n, s, t_now, status, hits, opps, miss_run, t_last, seen, P, x, delete_misses, confirm_m,
                    confirm_n, max_coast_s, max_sigma_m, min_alt_m, a_m, f, drop_out):
    """The deletion rules for the first ``n`` tracks after a scan of radar ``s`` (tracker.py, step 7).

    Radar ``s`` stops seeing a track it has missed ``delete_misses`` times in a row (``seen`` updated in
    place). A tentative track goes when it can no longer reach ``confirm_m`` hits in ``confirm_n``
    opportunities or no radar sees it; a firm one when no radar sees it, after ``max_coast_s`` without an
    update, when √tr Prr > ``max_sigma_m`` or its geodetic altitude < ``min_alt_m``. The altitude is
    at least |r| − a (the ellipsoid lies inside the sphere of radius a), so the exact geodetic altitude
    is computed only for tracks below that bound. Writes ``drop_out`` (n,) and returns how many go.
    """
    bit = np.int64(1) << np.int64(s)
    count = 0
    for i in range(n):
        if miss_run[i, s] >= delete_misses and (seen[i] & bit) != 0:
            seen[i] &= ~bit
        if status[i] == 0:  # tentative
            d = (opps[i] - hits[i] > confirm_n - confirm_m) or seen[i] == 0
        else:
            d = (seen[i] == 0 or t_now - t_last[i] > max_coast_s
                 or math.sqrt(P[i, 0, 0] + P[i, 1, 1] + P[i, 2, 2]) > max_sigma_m)
            if not d:
                rr = math.sqrt(x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1] + x[i, 2] * x[i, 2])
                if rr - a_m < min_alt_m:
                    d = geodetic_altitude_xyz(x[i, 0], x[i, 1], x[i, 2], a_m, f) < min_alt_m
        drop_out[i] = d
        if d:
            count += 1
    return count


@njit
def count_scan(ints, times, miss_run, n, s, ti, t_upd, confirm_m):
    """The bookkeeping of one scan of radar ``s`` over the first ``n`` live tracks (tracker.py, steps 4
    and 5). ``ints`` (N, 6) columns: track id, status, hits, opportunities, radars that see the track (bit
    set), updates; ``times`` (N, 2): state time, last update time; ``miss_run`` (N, S) consecutive misses
    per radar. Each updated track ``ti[k]`` (updated at ``t_upd[k]``) gains a hit, an opportunity and an
    update, is seen by radar ``s`` with no miss run, and is confirmed (status 1) at ``confirm_m`` hits;
    every other track this radar sees gains an opportunity and a miss."""
    bit = np.int64(1) << np.int64(s)
    updated = np.zeros(n, np.bool_)
    for k in range(ti.shape[0]):
        i = ti[k]
        updated[i] = True
        ints[i, 2] += 1
        ints[i, 3] += 1
        ints[i, 4] |= bit
        ints[i, 5] += 1
        miss_run[i, s] = 0
        times[i, 1] = t_upd[k]
        if ints[i, 1] == 0 and ints[i, 2] >= confirm_m:
            ints[i, 1] = 1
    for i in range(n):
        if not updated[i] and (ints[i, 4] & bit) != 0:
            ints[i, 3] += 1
            miss_run[i, s] += 1


# ---------------------------------------------------------------------------------------------------------
# whole scans: the steps above, scan after scan, in one compiled call (tracker.py, "Cost per scan")
# ---------------------------------------------------------------------------------------------------------

SCANS_DONE = 0
""":func:`process_scans` returned after the last scan."""
SCANS_NEED_ROOM = 1
"""The next scan might not fit the live, history or pair buffers: grow them and call again from it."""
SCANS_NEED_LSA = 2
"""The scan shares a measurement or a track between gated pairs: its association needs the optimal
assignment (``scipy.optimize.linear_sum_assignment``, :func:`.association.gnn_assign`); the caller
associates it and finishes it with :func:`scan_apply`, then calls :func:`process_scans` from the next."""

# Indices into the float and integer parameter vectors of process_scans / scan_apply.
CF_Q, CF_MAX_STEP, CF_GAMMA, CF_SQRT_GAMMA, CF_MAX_COAST, CF_MAX_SIGMA, CF_MIN_ALT, CF_A, CF_F, CF_INIT_VAR, \
    CF_OMEGA = range(11)
CI_CONFIRM_M, CI_CONFIRM_N, CI_DELETE_MISSES = range(3)
# Indices into the state vector: live tracks, next track id, history rows.
ST_N, ST_NEXT_ID, ST_ROWS = range(3)


@njit
def _record_rows(idx, ints, times, x, P, status, meas_rows, sensor_rows, nis, hist, state):
    """Append one history row per live track ``idx[k]`` (its id, state time, state and covariance, and
    ``status[k]``, ``meas_rows[k]``, ``sensor_rows[k]``, ``nis[k]``) to the history buffers ``hist``:
    (track id, time, x, P, status, measurement, radar, NIS), the fields of ``TrackHistory``."""
    h_id, h_t, h_x, h_P, h_status, h_meas, h_sensor, h_nis = hist
    r = state[ST_ROWS]
    for k in range(idx.shape[0]):
        i = idx[k]
        h_id[r] = ints[i, 0]
        h_t[r] = times[i, 0]
        for a in range(6):
            h_x[r, a] = x[i, a]
            for b in range(6):
                h_P[r, a, b] = P[i, a, b]
        h_status[r] = status[k]
        h_meas[r] = meas_rows[k]
        h_sensor[r] = sensor_rows[k]
        h_nis[r] = nis[k]
        r += 1
    state[ST_ROWS] = r


@njit
def _drop_tracks(drop, ints, times, x, P, miss_run, hist, state):
    """Record the live tracks flagged in ``drop`` (over the first len(drop) of them) as deleted, in index
    order, then remove them, keeping the order of the rest."""
    gone = np.flatnonzero(drop)
    k_ = gone.shape[0]
    if k_ == 0:
        return
    st = np.full(k_, 2, np.int64)  # DELETED
    neg = np.full(k_, -1, np.int64)
    _record_rows(gone, ints, times, x, P, st, neg, neg, np.full(k_, np.nan), hist, state)
    n = state[ST_N]
    w = 0
    for i in range(n):
        if i < drop.shape[0] and drop[i]:
            continue
        if w != i:
            ints[w] = ints[i]
            times[w] = times[i]
            x[w] = x[i]
            P[w] = P[i]
            miss_run[w] = miss_run[i]
        w += 1
    state[ST_N] = w


@njit
def _life_cycle(n, s, t_now, ints, times, x, P, miss_run, cf, ci):
    """:func:`life_cycle_drop` over the first ``n`` live tracks; returns the flags (n,) and their count."""
    drop = np.empty(n, np.bool_)
    count = life_cycle_drop(n, s, t_now, ints[:, 1], ints[:, 2], ints[:, 3], miss_run, times[:, 1], ints[:, 4], P, x,
                            ci[CI_DELETE_MISSES], ci[CI_CONFIRM_M], ci[CI_CONFIRM_N], cf[CF_MAX_COAST],
                            cf[CF_MAX_SIGMA], cf[CF_MIN_ALT], cf[CF_A], cf[CF_F], drop)
    return drop, count


@njit
def _alone(pi, pj, sel, n, m):
    """True if no track and no measurement occurs twice among the pairs ``sel``: their optimal
    assignment is then the pairs themselves (:func:`.association.gnn_assign`)."""
    ct = np.zeros(n, np.int64)
    cm = np.zeros(m, np.int64)
    for k in sel:
        ct[pi[k]] += 1
        cm[pj[k]] += 1
    for k in sel:
        if ct[pi[k]] != 1 or cm[pj[k]] != 1:
            return False
    return True


@njit
def _associate_alone(pi, pj, count, status, n, m):
    """The association of one scan's gated pairs (tracker.py, step 3: firm tracks first, then tentative
    ones on the measurements left) where every stage's pairs are alone in their track and measurement.
    Returns (tracks, measurement indices, measurements gated by a firm track (m,), ok); ``ok`` is False
    where a stage needs the optimal assignment (the caller then associates the scan itself)."""
    gated_by_firm = np.zeros(m, np.bool_)
    firm = np.empty(count, np.int64)
    nf = 0
    for k in range(count):
        if status[pi[k]] == 1:
            firm[nf] = k
            nf += 1
            gated_by_firm[pj[k]] = True
    firm = firm[:nf]
    empty = np.empty(0, np.int64)
    if not _alone(pi, pj, firm, n, m):
        return empty, empty, gated_by_firm, False
    taken = np.zeros(m, np.bool_)
    for k in firm:
        taken[pj[k]] = True
    rest = np.empty(count - nf, np.int64)
    nr = 0
    for k in range(count):
        if status[pi[k]] != 1 and not taken[pj[k]]:
            rest[nr] = k
            nr += 1
    rest = rest[:nr]
    if not _alone(pi, pj, rest, n, m):
        return empty, empty, gated_by_firm, False
    ti = np.empty(nf + nr, np.int64)
    mj = np.empty(nf + nr, np.int64)
    for a in range(nf):
        ti[a] = pi[firm[a]]
        mj[a] = pj[firm[a]]
    for a in range(nr):
        ti[nf + a] = pi[rest[a]]
        mj[nf + a] = pj[rest[a]]
    return ti, mj, gated_by_firm, True


@njit
def _scan_begin(rows, s, k, z, R, t, sensor, r_meas, rad_meas, sites, E, ints, times, x, P, miss_run, last_scan,
                has_scan, earth, cf, ci, hist, state, pi, pj, d2):
    """Steps 0–2 of one scan of radar ``s`` (scan index ``k``): misses for a gap in the radar's scan
    indices, prediction of every live track to the scan's first time, both gates. Returns the number of
    gated pairs (written to ``pi``, ``pj``, ``d2``), the scan's first time and its spread (s)."""
    t_ref = np.inf
    t_max = -np.inf
    for j in range(rows.shape[0]):
        t_ref = min(t_ref, t[rows[j]])
        t_max = max(t_max, t[rows[j]])
    # A gap in this radar's scan indices: scans with no detection at all.
    gap = k - (last_scan[s] if has_scan[s] else k - 1) - 1
    last_scan[s] = k
    has_scan[s] = True
    n = state[ST_N]
    bit = np.int64(1) << np.int64(s)
    if gap > 0 and n:
        for i in range(n):
            if (ints[i, 4] & bit) != 0:
                ints[i, 3] += gap
                miss_run[i, s] += gap
        drop, c = _life_cycle(n, s, t_ref, ints, times, x, P, miss_run, cf, ci)
        if c:
            _drop_tracks(drop, ints, times, x, P, miss_run, hist, state)
        n = state[ST_N]
    if n == 0:
        return 0, t_ref
    predict_to(x[:n], P[:n], times[:n, 0], t_ref, cf[CF_Q], earth, cf[CF_MAX_STEP])
    count = gate_scan(x[:n], P[:n], rows, r_meas, rad_meas, z, R, t, sensor, sites, E, cf[CF_OMEGA], t_ref,
                      t_max - t_ref, cf[CF_SQRT_GAMMA], cf[CF_GAMMA], pi, pj, d2)
    return count, t_ref


@njit
def scan_apply(rows, s, t_ref, n, ti, mj, gated_by_firm, z, R, t, sensor, r_meas, c_meas, sites, E, ints, times, x,
               P, miss_run, earth, cf, ci, hist, state):
    """Steps 4–7 of one scan of radar ``s`` (first time ``t_ref``) over the ``n`` live tracks it was
    gated against, given the association (tracks ``ti``, indices into ``rows`` ``mj``): update, hits and
    misses, history rows (updates, then births, then deletions), deletion rules, initiation."""
    bit = np.int64(1) << np.int64(s)
    na = ti.shape[0]
    nis = np.empty(na)
    if na:
        update_assigned(ti, mj, rows, x, P, times[:, 0], ints[:, 5], z, R, t, sensor, sites, E, cf[CF_OMEGA],
                        r_meas, cf[CF_Q], earth, cf[CF_MAX_STEP], nis)
    if n:
        t_upd = np.empty(na)
        for a in range(na):
            t_upd[a] = t[rows[mj[a]]]
        count_scan(ints, times, miss_run, n, s, ti, t_upd, ci[CI_CONFIRM_M])
    if na:
        st = np.empty(na, np.int64)
        mr = np.empty(na, np.int64)
        sr = np.empty(na, np.int64)
        for a in range(na):
            st[a] = ints[ti[a], 1]
            mr[a] = rows[mj[a]]
            sr[a] = sensor[mr[a]]
        _record_rows(ti, ints, times, x, P, st, mr, sr, nis, hist, state)
    drop_count = 0
    drop = np.zeros(0, np.bool_)
    if n:
        # 7. (decided now, applied after the births below, as the history has always recorded them)
        drop, drop_count = _life_cycle(n, s, t_ref, ints, times, x, P, miss_run, cf, ci)
    # 6. initiation from measurements neither assigned nor gated by a firm track.
    free = ~gated_by_firm
    for a in range(na):
        free[mj[a]] = False
    fr = rows[np.flatnonzero(free)]
    nb = fr.shape[0]
    if nb:
        n0 = state[ST_N]
        w = cf[CF_OMEGA]
        status0 = 1 if ci[CI_CONFIRM_M] == 1 else 0
        for b in range(nb):
            i = n0 + b
            g = fr[b]
            x[i, 0] = r_meas[g, 0]
            x[i, 1] = r_meas[g, 1]
            x[i, 2] = r_meas[g, 2]
            x[i, 3] = -w * r_meas[g, 1]
            x[i, 4] = w * r_meas[g, 0]
            x[i, 5] = 0.0
            P[i] = 0.0
            for a in range(3):
                for c in range(3):
                    P[i, a, c] = c_meas[g, a, c]
                P[i, 3 + a, 3 + a] = cf[CF_INIT_VAR]
            ints[i, 0] = state[ST_NEXT_ID] + b
            ints[i, 1] = status0
            ints[i, 2] = 1  # hits
            ints[i, 3] = 1  # opportunities
            ints[i, 4] = bit
            ints[i, 5] = 1  # updates
            times[i, 0] = t[g]
            times[i, 1] = t[g]
            miss_run[i] = 0
        state[ST_NEXT_ID] += nb
        state[ST_N] = n0 + nb
        idx = np.arange(n0, n0 + nb)
        _record_rows(idx, ints, times, x, P, ints[n0:n0 + nb, 1].copy(), fr, sensor[fr], np.full(nb, np.nan), hist,
                     state)
    # 7. life cycle.
    if drop_count:
        _drop_tracks(drop, ints, times, x, P, miss_run, hist, state)


@njit
def process_scans(g0, order, starts, ends, group_order, key_s, key_k, z, R, t, sensor, r_meas, c_meas, rad_meas,
                  sites, E, ints, times, x, P, miss_run, last_scan, has_scan, earth, cf, ci, hist, state, pi, pj, d2):
    """Every scan from the ``g0``-th (in ``group_order``; scan g holds ``order[starts[g]:ends[g]]``, radar
    ``key_s``, scan index ``key_k`` at its first row) through the tracker's steps (tracker.py), in place
    on the live buffers (``ints``, ``times``, ``x``, ``P``, ``miss_run``; ``state[ST_N]`` rows used), the
    history buffers (``hist``, see :func:`_record_rows`; ``state[ST_ROWS]`` rows used) and the radars' last
    scan indices.

    Returns ``(g, code, pairs)``: ``code`` :data:`SCANS_DONE` (g = len(group_order)), or, for the g-th
    scan, :data:`SCANS_NEED_ROOM` (nothing of it done yet) or :data:`SCANS_NEED_LSA` (steps 0–2 done, its
    ``pairs`` gated pairs in ``pi``, ``pj``, ``d2``; finish it with :func:`scan_apply`)."""
    for gg in range(g0, group_order.shape[0]):
        g = group_order[gg]
        rows = order[starts[g]:ends[g]]
        m = rows.shape[0]
        n = state[ST_N]
        # Room for the worst case: every live track gated by every measurement, every measurement a birth
        # or an update, every track deleted.
        if (ints.shape[0] < n + m or hist[1].shape[0] < state[ST_ROWS] + n + 2 * m or pi.shape[0] < n * m):
            return gg, SCANS_NEED_ROOM, 0
        s = key_s[starts[g]]
        count, t_ref = _scan_begin(rows, s, key_k[starts[g]], z, R, t, sensor, r_meas, rad_meas, sites, E, ints,
                                   times, x, P, miss_run, last_scan, has_scan, earth, cf, ci, hist, state, pi, pj,
                                   d2)
        n = state[ST_N]
        ti, mj, gated_by_firm, ok = _associate_alone(pi, pj, count, ints[:, 1], n, m)
        if not ok:
            return gg, SCANS_NEED_LSA, count
        scan_apply(rows, s, t_ref, n, ti, mj, gated_by_firm, z, R, t, sensor, r_meas, c_meas, sites, E, ints, times,
                   x, P, miss_run, earth, cf, ci, hist, state)
    return group_order.shape[0], SCANS_DONE, 0
