"""Right-hand side of free flight across lanes: the one piece the lockstep kernel and its generated
step share (see :mod:`jointshield.flight.kernel_lockstep`)."""

from __future__ import annotations

import math

import numpy as np

from .._numba import njit_inline
from ..earth.atmosphere import us76_smooth_density_sound_speed
from ..earth.frames import geodetic_latitude_altitude_xyz
from ..earth.gravity import gravity_xyz
from .kernel import E_A, E_F, E_J2, E_MU, E_OMEGA


@njit_inline
def rhs_lanes(Y, out, m, beta, earth, has_drag):
    """Time derivative for lanes ``0..m-1`` of ``Y (6, ·)`` into ``out (6, ·)``: gravity, and drag where
    ``has_drag`` (a finite ballistic coefficient on an Earth with an atmosphere)."""
    mu = earth[E_MU]
    j2 = earth[E_J2]
    re = earth[E_A]
    for lane in range(m):
        ax, ay, az = gravity_xyz(Y[0, lane], Y[1, lane], Y[2, lane], mu, j2, re)
        out[0, lane] = Y[3, lane]
        out[1, lane] = Y[4, lane]
        out[2, lane] = Y[5, lane]
        out[3, lane] = ax
        out[4, lane] = ay
        out[5, lane] = az
    if has_drag:
        omega = earth[E_OMEGA]
        for lane in range(m):
            b = beta[lane]
            if not (b > 0.0 and b < np.inf):
                continue
            x, y = Y[0, lane], Y[1, lane]
            _, h = geodetic_latitude_altitude_xyz(x, y, Y[2, lane], re, earth[E_F])
            rho, _ = us76_smooth_density_sound_speed(max(h, 0.0))
            vrx = Y[3, lane] + omega * y
            vry = Y[4, lane] - omega * x
            vrz = Y[5, lane]
            q = -0.5 * rho * math.sqrt(vrx * vrx + vry * vry + vrz * vrz) / b
            out[3, lane] += q * vrx
            out[4, lane] += q * vry
            out[5, lane] += q * vrz
