"""Ballistic motion model of the tracker: free flight in the inertial frame, with white-acceleration noise.

State ``x = (r, v)`` (6,) in the tracker's inertial frame: the ECEF frame frozen at the scenario epoch
(t = 0), so that ``r_ecef(t) = R3(ω t) r`` (:func:`jointshield.earth.frames.eci_to_ecef` with θ0 = 0).
Position in m, inertial velocity in m/s.

Dynamics: ṙ = v, v̇ = g(r) + w, with g point-mass + J2 gravity (:mod:`jointshield.earth.gravity`, the
same formula as the flight kernel; no drag, no thrust) and w white acceleration noise of power
spectral density ``q`` (m²/s³) on each inertial axis.

Prediction over dt, batched over tracks (arrays (N, 6) and (N, 6, 6), each track its own dt):

* state and transition matrix Φ together by classical RK4 in equal steps of at most ``max_step_s``
  (default 10 s: the state is then within millimetres of DOP853 at rtol 1e-12 over minutes; tested),
  with Φ̇ = [[0, I], [G(r), 0]] Φ and G = ∂g/∂r the analytic Jacobian of point mass + J2;
* P⁺ = Φ P Φᵀ + Q(dt) with the discretised white-acceleration (continuous Wiener process acceleration)
  noise of Bar-Shalom, Li & Kirubarajan (*Estimation with Applications to Tracking and Navigation*, 2001,
  §6.2.2): Q = q [[|dt|³/3 I, dt|dt|/2 I], [dt|dt|/2 I, |dt| I]]. It neglects the gravity gradient
  over dt in Q (a relative effect of order G dt² ~ 1e-4 at dt = 10 s).

The loops over tracks run in the compiled kernel :func:`._kernels.predict_rows`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..earth.models import WGS84, EarthModel
from . import _kernels as kern

DEFAULT_MAX_STEP_S = 10.0
"""Longest RK4 step of a prediction (s)."""


def earth_vector(model: EarthModel) -> np.ndarray:
    """The kernels' Earth vector ``(mu_m3_s2, j2, re_m, omega_rad_s)``."""
    return np.array([model.mu_m3_s2, model.j2, model.a_m, model.omega_rad_s])


def gravity_jacobian(r: ArrayLike, model: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """Gravitational acceleration (N, 3) m/s² and its Jacobian ∂a/∂r (N, 3, 3) 1/s² at positions (N, 3) m.

    Point mass + J2 of the model (ECI or ECEF: z is the rotation axis), differentiated analytically.
    """
    r = np.ascontiguousarray(np.atleast_2d(np.asarray(r, dtype=float)))
    a = np.empty_like(r)
    G = np.empty((r.shape[0], 3, 3))
    kern.gravity_jacobian_rows(r, earth_vector(model), a, G)
    return a, G


def predict(
    x: ArrayLike,
    P: ArrayLike,
    dt_s: ArrayLike,
    q_m2_s3: ArrayLike,
    model: EarthModel = WGS84,
    max_step_s: float = DEFAULT_MAX_STEP_S,
    *,
    return_phi: bool = False,
):
    """Predict N ballistic states and covariances over ``dt_s`` (N,) or scalar s (negative: backwards).

    ``x`` (N, 6) inertial position m and velocity m/s; ``P`` (N, 6, 6); ``q_m2_s3`` (N,) or scalar:
    white-acceleration spectral density per axis (m²/s³). Returns ``(x, P)``, and the transition
    matrices Φ (N, 6, 6) too when ``return_phi``. No Python loop over tracks.
    """
    x = np.ascontiguousarray(np.atleast_2d(np.asarray(x, dtype=float)))
    n = x.shape[0]
    P = np.ascontiguousarray(np.asarray(P, dtype=float).reshape(n, 6, 6))
    dt = np.ascontiguousarray(np.broadcast_to(np.asarray(dt_s, dtype=float), (n,)))
    q = np.ascontiguousarray(np.broadcast_to(np.asarray(q_m2_s3, dtype=float), (n,)))
    x_out = np.empty_like(x)
    P_out = np.empty_like(P)
    phi = np.empty_like(P)
    kern.predict_rows(x, P, dt, q, earth_vector(model), float(max_step_s), x_out, P_out, phi)
    if return_phi:
        return x_out, P_out, phi
    return x_out, P_out


def process_noise(dt_s: ArrayLike, q_m2_s3: ArrayLike) -> np.ndarray:
    """The discrete white-acceleration noise Q (N, 6, 6) over ``dt_s`` (see the module docstring)."""
    dt = np.atleast_1d(np.asarray(dt_s, dtype=float))
    q = np.broadcast_to(np.asarray(q_m2_s3, dtype=float), dt.shape)
    ad = np.abs(dt)
    eye = np.eye(3)
    Q = np.zeros(dt.shape + (6, 6))
    Q[..., :3, :3] = (q * ad**3 / 3.0)[..., None, None] * eye
    Q[..., :3, 3:] = (q * dt * ad / 2.0)[..., None, None] * eye
    Q[..., 3:, :3] = Q[..., :3, 3:]
    Q[..., 3:, 3:] = (q * ad)[..., None, None] * eye
    return Q
