"""Gravitational acceleration: point mass plus the J2 zonal harmonic.

The potential is U = −(μ/r) [1 − J2 (re/r)² P2(sin φ)] with P2(s) = (3s² − 1)/2, φ the geocentric
latitude (sin φ = z/r) and z the rotation axis; the acceleration is a = −∇U:

    a_x = −μ x/r³ [1 − (3/2) J2 (re/r)² (5 z²/r² − 1)]
    a_y = −μ y/r³ [1 − (3/2) J2 (re/r)² (5 z²/r² − 1)]
    a_z = −μ z/r³ [1 − (3/2) J2 (re/r)² (5 z²/r² − 3)]

(the J2 part as in Curtis, Orbital Mechanics for Engineering Students, 3rd ed., 2014, eq. 12.30;
the tests check it against the numerical gradient of U). J2 is symmetric about z, so the same formula holds in ECI (rotation only) and in ECEF.
This is gravitation only: the centrifugal term of the rotating frame is not included.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._numba import njit_inline
from .models import WGS84, EarthModel


def _gravity_xyz(x, y, z, mu, j2, re):
    """Gravitational acceleration (m/s²) of point mass + J2 at (x, y, z) m, z the rotation axis.

    ``mu`` in m³/s², ``j2`` dimensionless (0 gives exactly −μ r/|r|³), ``re`` the reference (equatorial)
    radius of J2 in m. Written with numpy operators only, so that the same text serves floats in the
    compiled kernel and arrays in :func:`gravity`.
    """
    r2 = x * x + y * y + z * z
    # One division and one square root: the divider is what limits the integrators' vector loops (three
    # divisions here made the lockstep step 14% slower, measured side by side).
    inv_r = 1.0 / np.sqrt(r2)
    inv_r2 = inv_r * inv_r
    mu_r3 = mu * inv_r * inv_r2
    k = 1.5 * j2 * re * re * inv_r2
    five_z2_r2 = 5.0 * z * z * inv_r2
    c_xy = mu_r3 * (1.0 - k * (five_z2_r2 - 1.0))
    c_z = mu_r3 * (1.0 - k * (five_z2_r2 - 3.0))
    return -c_xy * x, -c_xy * y, -c_z * z


gravity_xyz = njit_inline(_gravity_xyz)
"""Compiled scalar kernel ``(x, y, z, mu, j2, re) -> (ax, ay, az)`` in m/s², the formula of the module
docstring for floats (ECI or ECEF, z the rotation axis)."""


def gravity(r: ArrayLike, model: EarthModel = WGS84) -> np.ndarray:
    """Gravitational acceleration (..., 3) m/s² at positions ``r`` (..., 3) m, ECI or ECEF (z the
    rotation axis), for the model's μ, J2 and equatorial radius (point mass only when ``model.j2 == 0``).
    """
    r = np.asarray(r, dtype=float)
    ax, ay, az = _gravity_xyz(r[..., 0], r[..., 1], r[..., 2], model.mu_m3_s2, model.j2, model.a_m)
    return np.stack([ax, ay, az], axis=-1)
