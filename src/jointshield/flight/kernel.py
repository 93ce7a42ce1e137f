"""The batched flight kernel: N trajectories integrated together, each with its own adaptive step.

Plain functions on arrays of SI floats (see ``_numba.py`` for the compile switch). The public face is
:mod:`jointshield.flight.propagate`; nothing here knows of places, names or units other than SI.

Method
------
- Equations of motion of a point mass in the Earth-rotation-only inertial frame (ECI, aligned with
  ECEF at the trajectory's own time zero): gravity (point mass + J2), thrust, and drag against an
  atmosphere that turns with the Earth (air-relative velocity ``v - ω × r``).
- Integrator: the explicit Runge–Kutta 8(5,3) pair of Dormand & Prince (DOP853; Hairer, Nørsett &
  Wanner, *Solving ODEs I*, §II.10), with scipy's coefficients and the same error norm and step-size
  control as ``scipy.integrate.solve_ivp(method="DOP853")``, so that the two agree step for step in
  spirit and the reference path can check this one.
- Discontinuities of the right-hand side (end of the vertical rise and of the pitch-over, staging,
  thrust cut-off) are *breakpoints*: a step never straddles one, so the high order is kept. Which
  stage burns and how the vehicle steers is decided once per step from the step's mid-time.
- Events (apogee, reentry altitude, impact, and the start of the gravity turn) are found after each
  accepted step from a sign change of the event function, then located by the Illinois method on
  DOP853's own 7th-order dense output (three extra stages, as scipy's ``dense_output``), which is as
  accurate as the integration itself.

Batch layout (leading axis N): ``y0 (N, 6)`` ECI position (m) and velocity (m/s); ``ctrl (N, N_CTRL)``
per-trajectory control (columns ``C_*``); the vehicle (stage table, drag table) is shared by the batch.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate._ivp import dop853_coefficients as _dop

from .._numba import njit, njit_inline, njit_parallel, prange
from ..earth.atmosphere import us76_smooth_density_sound_speed
from ..earth.frames import geodetic_latitude_altitude_xyz
from ..earth.gravity import gravity_xyz

# --- DOP853 tableau (scipy's, the 12 stages of the step proper; the dense-output stages are unused).
_NS = 12
_A = np.ascontiguousarray(_dop.A[:_NS, :_NS])
_B = np.ascontiguousarray(_dop.B)
_C = np.ascontiguousarray(_dop.C[:_NS])
_E3 = np.ascontiguousarray(_dop.E3)
_E5 = np.ascontiguousarray(_dop.E5)
# Dense output (7th-order interpolant of the step, scipy's ``Dop853DenseOutput``): 3 extra stages.
_NX = _dop.A.shape[0]  # 16 stages in all: 12 of the step, f(t+h, y_new), 3 for the interpolant
_A_X = np.ascontiguousarray(_dop.A[_NS + 1:])
_C_X = np.ascontiguousarray(_dop.C[_NS + 1:])
_D = np.ascontiguousarray(_dop.D)
_N_POW = _dop.INTERPOLATOR_POWER
_SAFETY = 0.9
_MIN_FACTOR = 0.2
_MAX_FACTOR = 10.0
_ERR_EXP = -1.0 / 8.0  # error estimator order 7


@njit_inline
def eighth_root(x):
    """``x ** (1/8)`` as three square roots: a libm ``pow`` call keeps LLVM from vectorising the loop it
    sits in, and square roots vectorise. Within a few ulp of ``pow``."""
    return math.sqrt(math.sqrt(math.sqrt(x)))


@njit_inline
def err_pow(err):
    """``err ** _ERR_EXP`` (the step-size controller's factor, err^(-1/8)) as :func:`eighth_root` and a
    division: a libm ``pow`` call per step per trajectory cost the lockstep kernel ~6% of its time. Within
    a few ulp of ``pow``; both kernels use it, so they take the same steps."""
    return 1.0 / eighth_root(err)

# --- Columns of the per-trajectory control row ``ctrl``.
C_AZIMUTH = 0  # launch azimuth (rad, from north, clockwise) used by the pitch-over
C_KICK = 1  # pitch-over angle from the vertical reached at the end of the pitch-over (rad)
C_T_VERTICAL = 2  # end of the vertical rise (s)
C_T_PITCH = 3  # duration of the pitch-over (s)
C_T_CUTOFF = 4  # thrust cut-off (s); 0 for a trajectory that starts in free flight
C_BETA = 5  # ballistic coefficient m/(Cd·A) of what flies after cut-off (kg/m²); 0 or inf: no drag
C_H_IMPACT = 6  # altitude of the impact surface (m)
C_H_REENTRY = 7  # altitude that counts as reentry (m)
C_T_TURN = 8  # start of the gravity turn (s): set by the kernel when the velocity has turned by the kick
N_CTRL = 9

# --- Columns of the shared stage table ``stages`` (one row per stage, in firing order).
S_T_START = 0  # ignition time (s)
S_T_END = 1  # burn-out time (s)
S_MDOT = 2  # propellant mass flow (kg/s)
S_M_START = 3  # vehicle mass at ignition (kg), payload and upper stages included
S_THRUST = 4  # thrust (N)
N_STAGE_COLS = 5

# --- Events and end states.
EV_BURNOUT = 0
EV_APOGEE = 1
EV_REENTRY = 2
EV_IMPACT = 3
N_EVENTS = 4
EVENT_NAMES = ("burnout", "apogee", "reentry", "impact")

T_TOL_EVENT_S = 1e-9
"""Time tolerance of located altitude events (s): 7 µm along a 7 km/s trajectory."""
ALT_TOL_M = 1e-6
"""An altitude event is located once the altitude is within this of its level (m)."""
T_TOL_APOGEE_S = 1e-3
"""Time tolerance of the apogee (s): the altitude rate vanishes there, so 1 ms is ~5 µm of altitude."""

ST_IMPACT = 0  # reached the impact surface
ST_TMAX = 1  # still flying at t_max
ST_MAX_STEPS = 2  # step budget exhausted (or step size underflow)
ST_BELOW_SURFACE = 3  # started below the impact surface
STATUS_NAMES = ("impact", "t_max", "max_steps", "below_surface")

# --- Earth parameter vector ``earth`` (floats so that kernels take one array).
E_MU, E_J2, E_A, E_F, E_OMEGA, E_ATMOSPHERE = range(6)


def earth_vector(model) -> np.ndarray:
    """Pack an :class:`~jointshield.earth.models.EarthModel` into the kernel's float vector."""
    return np.array(
        [model.mu_m3_s2, model.j2, model.a_m, model.f, model.omega_rad_s, 1.0 if model.atmosphere else 0.0]
    )


@njit_inline
def _interp_clamped(x, xs, ys):
    """Linear interpolation in a table, constant beyond its ends."""
    n = xs.shape[0]
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    k = 1
    while xs[k] < x:
        k += 1
    w = (x - xs[k - 1]) / (xs[k] - xs[k - 1])
    return ys[k - 1] + w * (ys[k] - ys[k - 1])


@njit_inline
def _rhs(t, y, out, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab):
    """Time derivative of the ECI state ``y`` (6,) into ``out`` (6,).

    ``t_phase`` (the step's mid-time) chooses the burning stage and the steering mode, so that a step
    sees one smooth right-hand side; ``t`` sets everything that varies continuously (mass).
    """
    x, yy, z = y[0], y[1], y[2]
    vx, vy, vz = y[3], y[4], y[5]
    mu = earth[E_MU]
    omega = earth[E_OMEGA]
    ax, ay, az = gravity_xyz(x, yy, z, mu, earth[E_J2], earth[E_A])

    # Velocity relative to the air, which turns with the Earth: v - ω×r, ω along +z.
    vrx = vx + omega * yy
    vry = vy - omega * x
    vrz = vz
    vrel = math.sqrt(vrx * vrx + vry * vry + vrz * vrz)

    powered = t_phase < ctrl[C_T_CUTOFF]
    beta = ctrl[C_BETA]
    has_air = earth[E_ATMOSPHERE] != 0.0 and (powered or (beta > 0.0 and beta < np.inf))
    need_geo = has_air or (powered and t_phase < ctrl[C_T_TURN])
    lat = 0.0
    h = 0.0
    if need_geo:
        lat, h = geodetic_latitude_altitude_xyz(x, yy, z, earth[E_A], earth[E_F])

    if powered:
        k = 0
        n_st = stages.shape[0]
        while k < n_st - 1 and t_phase >= stages[k, S_T_END]:
            k += 1
        mass = stages[k, S_M_START] - stages[k, S_MDOT] * (t - stages[k, S_T_START])
        accel = stages[k, S_THRUST] / mass
        t_vert = ctrl[C_T_VERTICAL]
        if t_phase < ctrl[C_T_TURN]:
            # Local geodetic up, and the horizontal direction of the launch azimuth.
            lon = math.atan2(yy, x)
            cl, sl = math.cos(lat), math.sin(lat)
            co, so = math.cos(lon), math.sin(lon)
            ux, uy, uz = cl * co, cl * so, sl
            if t_phase < t_vert:
                dx, dy, dz = ux, uy, uz
            else:
                # Tilt linearly to the kick angle, then hold it until the velocity has turned as far.
                tilt = ctrl[C_KICK] * min(1.0, (t - t_vert) / ctrl[C_T_PITCH])
                ex, ey = -so, co
                nx, ny, nz = -sl * co, -sl * so, cl
                sa, ca = math.sin(ctrl[C_AZIMUTH]), math.cos(ctrl[C_AZIMUTH])
                hx, hy, hz = sa * ex + ca * nx, sa * ey + ca * ny, ca * nz
                ct, st = math.cos(tilt), math.sin(tilt)
                dx, dy, dz = ct * ux + st * hx, ct * uy + st * hy, ct * uz + st * hz
        else:
            # Gravity turn: thrust along the air-relative velocity (zero angle of attack).
            dx, dy, dz = vrx / vrel, vry / vrel, vrz / vrel
        ax += accel * dx
        ay += accel * dy
        az += accel * dz
        if has_air and vrel > 0.0:
            rho, sound = us76_smooth_density_sound_speed(max(h, 0.0))  # trial stages may dip below
            if rho > 0.0:
                cd = _interp_clamped(vrel / sound, mach_tab, cd_tab)
                q = -0.5 * rho * cd * area_m2 * vrel / mass
                ax += q * vrx
                ay += q * vry
                az += q * vrz
    else:
        if has_air and vrel > 0.0:
            rho, sound = us76_smooth_density_sound_speed(max(h, 0.0))  # trial stages may dip below
            if rho > 0.0:
                q = -0.5 * rho * vrel / beta
                ax += q * vrx
                ay += q * vry
                az += q * vrz

    out[0] = vx
    out[1] = vy
    out[2] = vz
    out[3] = ax
    out[4] = ay
    out[5] = az


@njit
def _step(t, y, h, K, y_new, y_tmp, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab):
    """One DOP853 step of length ``h`` from ``(t, y)``; ``K[0]`` must hold f(t, y).

    Fills ``K[1:13]`` and ``y_new``; K[12] is f(t + h, y_new) for the error estimate.
    """
    for s in range(1, _NS):
        for i in range(6):
            acc = 0.0
            for j in range(s):
                acc += _A[s, j] * K[j, i]
            y_tmp[i] = y[i] + h * acc
        _rhs(t + _C[s] * h, y_tmp, K[s], t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
    for i in range(6):
        acc = 0.0
        for j in range(_NS):
            acc += _B[j] * K[j, i]
        y_new[i] = y[i] + h * acc
    _rhs(t + h, y_new, K[_NS], t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)


@njit
def _error_norm(K, h, y, y_new, rtol, atol):
    """scipy's DOP853 error norm (``DOP853._estimate_error_norm``)."""
    e5 = 0.0
    e3 = 0.0
    for i in range(6):
        inv_sc = 1.0 / (atol + rtol * max(abs(y[i]), abs(y_new[i])))
        a5 = 0.0
        a3 = 0.0
        for j in range(_NS + 1):
            a5 += _E5[j] * K[j, i]
            a3 += _E3[j] * K[j, i]
        e5 += (a5 * inv_sc) ** 2
        e3 += (a3 * inv_sc) ** 2
    if e5 == 0.0 and e3 == 0.0:
        return 0.0
    return abs(h) * e5 / math.sqrt((e5 + 0.01 * e3) * 6.0)


@njit_inline
def _inv_cbrt_near_one(x):
    """``x^(-1/3)`` for ``x`` in [1, 1.07] without a library call or a division, for
    :func:`altitude_normal_xyz`.

    A call to libm's ``cbrt`` keeps LLVM from vectorising the lane loops that evaluate event functions,
    and divisions are what limits them (the divider is shared by every lane). In Vermeille's formula the
    argument is 1 + O(√s) with s ≤ 13.5 e⁴ a²/|r|², i.e. within 1.07 of 1 for |r| ≥ a/2: the quadratic
    Taylor guess is then within 6e-5, and two Newton steps for y⁻³ = x (error squared each, no division)
    bring it to rounding (measured: ≤ 2 ulp from ``x ** (-1/3)``, and ``x·y²`` ≤ 3 ulp from ``np.cbrt``;
    ``tests/test_kernel_events.py``).
    """
    u = x - 1.0
    y = 1.0 - u * (1.0 / 3.0 - u * (2.0 / 9.0))
    y = y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)
    return y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)


@njit_inline
def altitude_normal_xyz(x, y, z, a, f):
    """Height above the ellipsoid (m) and unit ellipsoid normal at (x, y, z) m, ECI or ECEF.

    Vermeille's (2002) closed form as :func:`jointshield.earth.frames.geodetic_altitude_normal_xyz`,
    written branch-free with :func:`_inv_cbrt_near_one` so that the lockstep kernel evaluates it for all
    lanes in SIMD registers; both flight kernels use this one so that they agree to the last bit. Exact
    to rounding for |r| ≥ a/2 (all of flight). Deeper inside, where the cube root's argument leaves its
    range, the height is replaced by (|r|² − b²)/2b (b the polar radius): negative, enough to tell a
    start below the surface; the normal there is meaningless.

    Four divisions and four square roots (the textbook form has ten and five): reciprocals are formed
    once and multiplied, and the distance ρ = √(x² + y²) is never needed, only ρ².
    """
    d2 = x * x + y * y
    r2 = d2 + z * z
    if f == 0.0:
        rr = math.sqrt(r2)
        inv_r = 1.0 / rr
        return rr - a, x * inv_r, y * inv_r, z * inv_r
    e2 = f * (2.0 - f)
    e4 = e2 * e2
    inv_a2 = 1.0 / (a * a)
    p = d2 * inv_a2
    q = (1.0 - e2) * inv_a2 * z * z
    r = (p + q - e4) * (1.0 / 6.0)
    s = e4 * p * q / (4.0 * r * r * r)
    arg = 1.0 + s + math.sqrt(s * (2.0 + s))
    inv_t = _inv_cbrt_near_one(arg)
    t = arg * inv_t * inv_t
    u = r * (1.0 + t + inv_t)
    v = math.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = math.sqrt(u + v + w * w) - w
    # One reciprocal for both 1 / (k + e2) and 1 / k.
    rk = 1.0 / (k * (k + e2))
    c_d = k * k * rk  # d / ρ = k / (k + e2), Vermeille's ratio of the distance from the axis
    dz = math.sqrt(c_d * c_d * d2 + z * z)
    h = (k + e2 - 1.0) * ((k + e2) * rk) * dz
    inv_dz = 1.0 / dz
    b = a * (1.0 - f)
    h = h if r2 >= 0.25 * a * a else (r2 - b * b) * (0.5 / b)
    # On the axis (ρ = 0) the normal is ±z; d / ρ = k / (k + e2) keeps the formula finite.
    c = c_d * inv_dz
    return h, c * x, c * y, z * inv_dz


@njit_inline
def event_values_xyz(x, y, z, vx, vy, vz, h_reentry, h_impact, a, f, omega):
    """Event functions at an ECI state: (altitude rate, altitude above reentry, altitude above impact).

    Each event fires when its function goes from positive to non-positive. No trigonometric or library
    calls: the lockstep kernel evaluates this after every step of every lane, vectorised.
    """
    h, nx, ny, nz = altitude_normal_xyz(x, y, z, a, f)
    # Rate of geodetic altitude: the Earth-relative velocity along the ellipsoid normal.
    hdot = nx * (vx + omega * y) + ny * (vy - omega * x) + nz * vz
    return hdot, h - h_reentry, h - h_impact


@njit_inline
def _event_values(y, ctrl, earth):
    """:func:`event_values_xyz` of the state ``y`` (6,) with the trajectory's control row."""
    return event_values_xyz(y[0], y[1], y[2], y[3], y[4], y[5], ctrl[C_H_REENTRY], ctrl[C_H_IMPACT],
                            earth[E_A], earth[E_F], earth[E_OMEGA])


@njit
def _turn_value(y, ctrl, earth):
    """Kick angle minus the zenith angle of the air-relative velocity: the gravity turn starts at 0."""
    x, yy, z = y[0], y[1], y[2]
    lat, _h = geodetic_latitude_altitude_xyz(x, yy, z, earth[E_A], earth[E_F])
    omega = earth[E_OMEGA]
    lon = math.atan2(yy, x)
    cl = math.cos(lat)
    vrx = y[3] + omega * yy
    vry = y[4] - omega * x
    vrz = y[5]
    vrel = math.sqrt(vrx * vrx + vry * vry + vrz * vrz)
    if vrel == 0.0:
        return ctrl[C_KICK]
    cz = (cl * math.cos(lon) * vrx + cl * math.sin(lon) * vry + math.sin(lat) * vrz) / vrel
    return ctrl[C_KICK] - math.acos(min(1.0, max(-1.0, cz)))


EV_TURN = -1  # internal event: start of the gravity turn


@njit
def _event_value(which, y, ctrl, earth):
    if which == EV_TURN:
        return _turn_value(y, ctrl, earth)
    g0, g1, g2 = _event_values(y, ctrl, earth)
    if which == EV_APOGEE:
        return g0
    if which == EV_REENTRY:
        return g1
    return g2


@njit
def _dense_prepare(t, y, y_new, h, K, F, y_tmp, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab):
    """Coefficients ``F (7, 6)`` of the step's dense output; ``K[0:13]`` from :func:`_step`."""
    for s in range(_NS + 1, _NX):
        for i in range(6):
            acc = 0.0
            for j in range(s):
                acc += _A_X[s - _NS - 1, j] * K[j, i]
            y_tmp[i] = y[i] + h * acc
        _rhs(t + _C_X[s - _NS - 1] * h, y_tmp, K[s], t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
    for i in range(6):
        dy = y_new[i] - y[i]
        F[0, i] = dy
        F[1, i] = h * K[0, i] - dy
        F[2, i] = 2.0 * dy - h * (K[_NS, i] + K[0, i])
        for r in range(_N_POW - 3):
            acc = 0.0
            for j in range(_NX):
                acc += _D[r, j] * K[j, i]
            F[3 + r, i] = h * acc


@njit_inline
def _dense_eval(x, y, F, out):
    """State at fraction ``x`` of the step (scipy's ``Dop853DenseOutput._call_impl``)."""
    for i in range(6):
        v = 0.0
        for q in range(_N_POW):
            v += F[_N_POW - 1 - q, i]
            if q % 2 == 0:
                v *= x
            else:
                v *= 1.0 - x
        out[i] = y[i] + v


@njit
def _locate(which, y, h, g_a, g_b, F, y_ev, ctrl, earth, t_tol):
    """Time offset τ in (0, h] where event ``which`` crosses zero, by the Illinois method on the dense
    output ``F`` of the step from ``y``. On return ``y_ev`` holds the state at τ."""
    a, fa = 0.0, g_a
    b, fb = h, g_b
    side = 0
    prev = -1.0
    for _ in range(100):
        tau = b - fb * (b - a) / (fb - fa)
        if not (tau > a and tau < b):
            tau = 0.5 * (a + b)
        # Converged when the bracket is narrow or the estimate has stopped moving (the event functions
        # are smooth over a step, so the secant steps converge fast from one side).
        if b - a <= t_tol or abs(tau - prev) <= t_tol:
            break
        prev = tau
        _dense_eval(tau / h, y, F, y_ev)
        fc = _event_value(which, y_ev, ctrl, earth)
        if fc > 0.0:
            a, fa = tau, fc
            if side == -1:
                fb *= 0.5
            side = -1
        else:
            b, fb = tau, fc
            if side == 1:
                fa *= 0.5
            side = 1
    _dense_eval(tau / h, y, F, y_ev)
    return tau


@njit_inline
def hermite_root(h, g_a, g_b, hdot_a, hdot_b):
    """Root in (0, h) of the cubic Hermite interpolant of an altitude function (values ``g_a``, ``g_b``
    and rates ``hdot_a``, ``hdot_b`` at both ends of a step ``h``): the first guess of
    :func:`_locate_altitude`. Plain polynomial arithmetic, no geodetic evaluations."""
    tau = h * g_a / (g_a - g_b)
    for _ in range(8):
        x = tau / h
        x2 = x * x
        x3 = x2 * x
        p = ((2 * x3 - 3 * x2 + 1) * g_a + (x3 - 2 * x2 + x) * h * hdot_a + (-2 * x3 + 3 * x2) * g_b
             + (x3 - x2) * h * hdot_b)
        dp = ((6 * x2 - 6 * x) * g_a + (3 * x2 - 4 * x + 1) * h * hdot_a + (-6 * x2 + 6 * x) * g_b
              + (3 * x2 - 2 * x) * h * hdot_b) / h
        if dp == 0.0:
            break
        nxt = tau - p / dp
        if not (nxt > 0.0 and nxt < h):
            break
        tau = nxt
    return tau


@njit
def _locate_altitude(which, y, h, g_a, g_b, hdot_a, hdot_b, F, y_ev, ctrl, earth, t_tol):
    """Like :func:`_locate` for the altitude events (reentry, impact).

    The first guess is the root of the cubic Hermite interpolant of altitude through both ends of the
    step (altitude and altitude rate are known there); Newton's method on the dense output, with the
    altitude rate as derivative and the bracket as safeguard, then converges in one or two evaluations.
    """
    tau = hermite_root(h, g_a, g_b, hdot_a, hdot_b)
    a, b = 0.0, h
    for _ in range(50):
        _dense_eval(tau / h, y, F, y_ev)
        hdot, g1, g2 = _event_values(y_ev, ctrl, earth)
        fc = g1 if which == EV_REENTRY else g2
        if fc > 0.0:
            a = tau
        else:
            b = tau
        if abs(fc) <= ALT_TOL_M:
            return tau  # y_ev already holds the state there
        nxt = tau - fc / hdot if hdot != 0.0 else 0.5 * (a + b)
        if not (nxt > a and nxt < b):
            nxt = 0.5 * (a + b)
        done = abs(nxt - tau) <= t_tol or b - a <= t_tol
        tau = nxt
        if done:
            break
    _dense_eval(tau / h, y, F, y_ev)
    return tau


@njit_inline
def _record(rec, rec_n, n, t, y):
    k = rec_n[n]
    if k < rec.shape[1]:
        rec[n, k, 0] = t
        for i in range(6):
            rec[n, k, 1 + i] = y[i]
        rec_n[n] = k + 1


@njit
def _initial_step(t, y, f0, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab, rtol, atol, h_max):
    """Hairer–Nørsett–Wanner initial step (as scipy's ``select_initial_step``), order 7."""
    d0 = 0.0
    d1 = 0.0
    for i in range(6):
        sc = atol + abs(y[i]) * rtol
        d0 += (y[i] / sc) ** 2
        d1 += (f0[i] / sc) ** 2
    d0 = math.sqrt(d0 / 6.0)
    d1 = math.sqrt(d1 / 6.0)
    h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    h0 = min(h0, h_max)
    y1 = np.empty(6)
    f1 = np.empty(6)
    for i in range(6):
        y1[i] = y[i] + h0 * f0[i]
    _rhs(t + h0, y1, f1, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
    d2 = 0.0
    for i in range(6):
        sc = atol + abs(y[i]) * rtol
        d2 += ((f1[i] - f0[i]) / sc) ** 2
    d2 = math.sqrt(d2 / 6.0) / h0
    return min(100.0 * h0, _scaled_h1(h0, d1, d2, _event_values(y, ctrl, earth)[2] <= 0.0), h_max)


@njit_inline
def _scaled_h1(h0, d1, d2, on_surface):
    """Hairer–Nørsett–Wanner's second guess, measured in the solution's own time scale τ = d1/d2.

    Their rule ``(0.01 / max(d1, d2))^(1/8)`` is written for time units of the order of the solution's
    time scale. A ballistic flight varies over τ ≈ 800 s, so in seconds it proposes 0.1 s where DOP853
    soon takes 200 s steps, and the controller (at most ×10 per step) spends four steps catching up.
    The same rule in units of τ, ``τ·(0.01 / max(d1·τ, d2·τ²))^(1/8) = τ·(0.01·d2/d1²)^(1/8)``, is
    invariant under a change of time unit and proposes ~35 s: two to three steps saved per free flight.

    A flight that starts on its impact surface (``on_surface``) keeps the original rule: its impact
    event starts at zero and is only seen to cross from above if the first step ends while it climbs.
    """
    if d1 <= 1e-15 and d2 <= 1e-15:
        return max(1e-6, h0 * 1e-3)
    if on_surface:
        return eighth_root(0.01 / max(d1, d2))
    if d2 <= 1e-15 * d1:
        return 100.0 * h0  # no curvature seen: the first guess, to be corrected by the controller
    tau = d1 / d2
    return tau * eighth_root(0.01 * d2 / (d1 * d1))


@njit
def _fly_one(n, y0, ctrl, breaks, earth, stages, area_m2, mach_tab, cd_tab, t_max, rtol, atol,
             max_steps, status, t_end, y_end, ev_t, ev_y, n_steps, rec, rec_n):
    """Integrate trajectory ``n`` from time 0 to impact or ``t_max``; write its row of the outputs."""
    ctrl = ctrl.copy()  # the kernel writes the gravity-turn start time into its own copy
    ctrl[C_T_TURN] = np.inf
    t_hold = ctrl[C_T_VERTICAL] + ctrl[C_T_PITCH]
    K = np.empty((_NX, 6))
    F = np.empty((_N_POW, 6))
    y = y0.copy()
    y_new = np.empty(6)
    y_tmp = np.empty(6)
    y_ev = np.empty(6)
    t = 0.0
    t_tol = T_TOL_EVENT_S
    for e in range(N_EVENTS):
        ev_t[n, e] = np.nan
    _record(rec, rec_n, n, t, y)

    g_apo, g_re, g_imp = _event_values(y, ctrl, earth)
    if g_imp < -1.0:
        status[n] = ST_BELOW_SURFACE
        t_end[n] = t
        for i in range(6):
            y_end[n, i] = y[i]
        return
    if ctrl[C_T_CUTOFF] <= 0.0:
        ev_t[n, EV_BURNOUT] = 0.0
        for i in range(6):
            ev_y[n, EV_BURNOUT, i] = y[i]

    ib = 0  # next breakpoint
    nb = breaks.shape[0]
    t_next = breaks[0] if nb > 0 else np.inf
    need_f0 = True
    h_abs = -1.0
    rejected = False
    steps = 0
    st = ST_TMAX
    while True:
        if t >= t_max:
            st = ST_TMAX
            break
        bound = min(t_next, t_max)
        if need_f0:
            t_phase0 = t + 1e-9 * max(1.0, abs(t))
            _rhs(t, y, K[0], t_phase0, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
            if h_abs < 0.0:
                h_abs = _initial_step(t, y, K[0], t_phase0, ctrl, earth, stages, area_m2, mach_tab,
                                      cd_tab, rtol, atol, bound - t)
            need_f0 = False
        hit_break = False
        h = h_abs
        if t + h >= bound:
            h = bound - t
            hit_break = True
        t_phase = t + 0.5 * h
        _step(t, y, h, K, y_new, y_tmp, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
        err = _error_norm(K, h, y, y_new, rtol, atol)
        steps += 1
        if steps > max_steps or h < 1e-12 * max(1.0, t):
            st = ST_MAX_STEPS
            break
        if not err <= 1.0:  # also rejects NaN from a wild trial step
            h_abs = h * (_MIN_FACTOR if math.isnan(err) else max(_MIN_FACTOR, _SAFETY * err_pow(err)))
            rejected = True
            continue

        # Accepted. While the tilt is held, the step ends early where the velocity has caught up.
        if ctrl[C_T_TURN] == np.inf and t_phase > t_hold and t_phase < ctrl[C_T_CUTOFF]:
            g_a = _turn_value(y, ctrl, earth)
            g_b = _turn_value(y_new, ctrl, earth)
            if g_a > 0.0 and g_b <= 0.0:
                _dense_prepare(t, y, y_new, h, K, F, y_tmp, t_phase, ctrl, earth, stages, area_m2,
                               mach_tab, cd_tab)
                tau = _locate(EV_TURN, y, h, g_a, g_b, F, y_ev, ctrl, earth, t_tol)
                t = t + tau
                for i in range(6):
                    y[i] = y_ev[i]
                ctrl[C_T_TURN] = t
                g_apo, g_re, g_imp = _event_values(y, ctrl, earth)
                _record(rec, rec_n, n, t, y)
                need_f0 = True
                continue

        # Look for events inside the step, earliest first.
        n_apo, n_re, n_imp = _event_values(y_new, ctrl, earth)
        fire_imp = g_imp > 0.0 and n_imp <= 0.0
        fire_apo = g_apo > 0.0 and n_apo <= 0.0 and np.isnan(ev_t[n, EV_APOGEE])
        fire_re = g_re > 0.0 and n_re <= 0.0 and np.isnan(ev_t[n, EV_REENTRY])
        if fire_imp or fire_apo or fire_re:
            _dense_prepare(t, y, y_new, h, K, F, y_tmp, t_phase, ctrl, earth, stages, area_m2, mach_tab,
                           cd_tab)
        tau_imp = np.inf
        if fire_imp:
            tau_imp = _locate_altitude(EV_IMPACT, y, h, g_imp, n_imp, g_apo, n_apo, F, y_ev, ctrl, earth, t_tol)
            ev_t[n, EV_IMPACT] = t + tau_imp
            for i in range(6):
                ev_y[n, EV_IMPACT, i] = y_ev[i]
        if fire_apo:
            tau = _locate(EV_APOGEE, y, h, g_apo, n_apo, F, y_ev, ctrl, earth, T_TOL_APOGEE_S)
            if tau <= tau_imp:
                ev_t[n, EV_APOGEE] = t + tau
                for i in range(6):
                    ev_y[n, EV_APOGEE, i] = y_ev[i]
                _record(rec, rec_n, n, t + tau, y_ev)
        if fire_re:
            tau = _locate_altitude(EV_REENTRY, y, h, g_re, n_re, g_apo, n_apo, F, y_ev, ctrl, earth, t_tol)
            if tau <= tau_imp:
                ev_t[n, EV_REENTRY] = t + tau
                for i in range(6):
                    ev_y[n, EV_REENTRY, i] = y_ev[i]
                _record(rec, rec_n, n, t + tau, y_ev)
        if tau_imp < np.inf:
            t = ev_t[n, EV_IMPACT]
            for i in range(6):
                y[i] = ev_y[n, EV_IMPACT, i]
            _record(rec, rec_n, n, t, y)
            st = ST_IMPACT
            break

        if hit_break:
            t = bound
        else:
            t = t + h
        for i in range(6):
            y[i] = y_new[i]
        g_apo, g_re, g_imp = n_apo, n_re, n_imp
        _record(rec, rec_n, n, t, y)

        if hit_break and t < t_max:
            if t == ctrl[C_T_CUTOFF]:
                ev_t[n, EV_BURNOUT] = t
                for i in range(6):
                    ev_y[n, EV_BURNOUT, i] = y[i]
            if t == t_hold and ctrl[C_T_TURN] == np.inf and _turn_value(y, ctrl, earth) <= 0.0:
                ctrl[C_T_TURN] = t  # the velocity turned with the tilt already
            ib += 1
            t_next = breaks[ib] if ib < nb else np.inf
            # The right-hand side changes here: start the next step from a fresh derivative.
            need_f0 = True
        else:
            for i in range(6):
                K[0, i] = K[_NS, i]

        factor = _MAX_FACTOR if err == 0.0 else min(_MAX_FACTOR, _SAFETY * err_pow(err))
        if rejected:
            factor = min(1.0, factor)
        rejected = False
        if not hit_break:
            h_abs = h * factor
        else:
            # A step cut short by a breakpoint says little about the next one: keep the proposal.
            h_abs = max(h_abs, h * factor) if h_abs > 0 else h * factor

    status[n] = st
    t_end[n] = t
    for i in range(6):
        y_end[n, i] = y[i]
    n_steps[n] = steps


@njit_parallel
def fly_batch(y0, ctrl, breaks, earth, stages, area_m2, mach_tab, cd_tab, t_max, rtol, atol, max_steps,
              status, t_end, y_end, ev_t, ev_y, n_steps, rec, rec_n):
    """Integrate N trajectories in parallel over the machine's cores.

    Inputs: ``y0 (N, 6)`` ECI states at each trajectory's time 0; ``ctrl (N, N_CTRL)``; ``breaks
    (N, B)`` sorted breakpoint times per trajectory padded with +inf; ``earth (6,)`` from
    :func:`earth_vector`; ``stages (S, N_STAGE_COLS)`` (S ≥ 1; unused after cut-off); booster drag area
    (m²) and drag table (Mach, Cd). Outputs, preallocated by the caller: ``status (N,)``, ``t_end (N,)``,
    ``y_end (N, 6)``, ``ev_t (N, N_EVENTS)`` (NaN where an event did not occur), ``ev_y (N, N_EVENTS,
    6)``, ``n_steps (N,)``, and a path record ``rec (N, R, 7)`` of (t, state) at accepted steps and
    events with its fill count ``rec_n (N,)`` (R may be 0).
    """
    for n in prange(y0.shape[0]):
        _fly_one(n, y0[n], ctrl[n], breaks[n], earth, stages, area_m2, mach_tab, cd_tab, t_max, rtol,
                 atol, max_steps, status, t_end, y_end, ev_t, ev_y, n_steps, rec, rec_n)


def rhs_numpy(t: float, y: np.ndarray, ctrl: np.ndarray, earth: np.ndarray, stages: np.ndarray,
              area_m2: float, mach_tab: np.ndarray, cd_tab: np.ndarray, t_phase: float | None = None):
    """The kernel's right-hand side for one state, as a plain function for scipy's ``solve_ivp``."""
    out = np.empty(6)
    _rhs_entry(t, np.asarray(y, dtype=float), out, t if t_phase is None else t_phase, ctrl, earth, stages,
               area_m2, mach_tab, cd_tab)
    return out


@njit
def _rhs_entry(t, y, out, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab):
    _rhs(t, y, out, t_phase, ctrl, earth, stages, area_m2, mach_tab, cd_tab)
