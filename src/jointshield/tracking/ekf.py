"""Extended Kalman filter update, batched over tracks (one measurement per track).

Why an EKF and not a UKF: over a radar revisit (seconds) ballistic motion is close to linear, and the
range/azimuth/elevation model is mildly non-linear at the ranges and accuracies of interest (the
curvature error of the linearisation, of order ρ σθ², is centimetres for σθ = 1 mrad at 1,000 km, far
below the cross-range noise ρ σθ). An EKF with analytic Jacobians then matches a UKF's accuracy at a
fraction of its cost (one transition matrix instead of 13 sigma-point propagations per track), which is
what lets the tracker follow a thousand targets. The one place where the linearisation is poor — the
second measurement of a new track, whose predicted position is uncertain by tens of kilometres — is
handled by linearising at the measured position instead of the prediction (see
:func:`innovation_at_measurement`). Consistency (NEES) is tested by Monte Carlo.

Update (Joseph form, numerically stable: P stays symmetric positive semi-definite even with a
sub-optimal gain): S = H P Hᵀ + R, K = P Hᵀ S⁻¹, x⁺ = x + K ν,
P⁺ = (I − K H) P (I − K H)ᵀ + K R Kᵀ (Bucy & Joseph 1968; Bar-Shalom et al. 2001, eq. 5.2.3-18).
S is inverted after scaling to unit diagonal, since range (m²) and angle (rad²) variances differ by ~10¹².
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _kernels as kern


def update(
    x: ArrayLike, P: ArrayLike, nu: ArrayLike, Hp: ArrayLike, R_diag: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joseph-form Kalman update of N tracks, one measurement each.

    ``x`` (N, 6), ``P`` (N, 6, 6); ``nu`` (N, 3) innovation (range m, azimuth rad wrapped, elevation rad);
    ``Hp`` (N, 3, 3) Jacobian with respect to position (velocity columns are zero); ``R_diag`` (N, 3)
    measurement variances (m², rad², rad²). Returns ``(x⁺, P⁺, nis)``, nis (N,) = νᵀ S⁻¹ ν.
    """
    x = np.ascontiguousarray(np.atleast_2d(np.asarray(x, dtype=float)))
    n = x.shape[0]
    P = np.ascontiguousarray(np.asarray(P, dtype=float).reshape(n, 6, 6))
    nu = np.ascontiguousarray(np.asarray(nu, dtype=float).reshape(n, 3))
    Hp = np.ascontiguousarray(np.asarray(Hp, dtype=float).reshape(n, 3, 3))
    R = np.ascontiguousarray(np.asarray(R_diag, dtype=float).reshape(n, 3))
    x_out = np.empty_like(x)
    P_out = np.empty_like(P)
    nis = np.empty(n)
    kern.update_rows(x, P, nu, Hp, R, x_out, P_out, nis)
    return x_out, P_out, nis


def innovation_at_measurement(r_pred: ArrayLike, r_meas: ArrayLike, Hp_meas: ArrayLike) -> np.ndarray:
    """Innovation of an EKF linearised at the measured position instead of the prediction.

    With h(x) ≈ h(x_m) + H_m (x − x_m) and h(x_m) = z exactly (x_m: the measured position r_meas, as in
    :func:`.measurement.measurement_to_inertial`), the innovation is ν = −H_m (r_pred − r_meas); the
    update then uses H_m. This is the converted-measurement update of a Cartesian position, used when the
    predicted position is too uncertain for the Jacobian at the prediction to be trusted.
    """
    d = np.asarray(r_pred, dtype=float) - np.asarray(r_meas, dtype=float)
    return -np.einsum("nij,nj->ni", np.asarray(Hp_meas, dtype=float), d)
