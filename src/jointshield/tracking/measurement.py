"""Measurement model: slant range, azimuth and elevation of a tracked object from a radar site.

A measurement z = (range m, azimuth rad clockwise from north in [0, 2π), elevation rad above the site's
local geodetic horizontal), as in :class:`jointshield.sensors.Measurements`. The track state is inertial
(:mod:`.motion`), so h(x, t) first turns the position into ECEF at the measurement time,
r_ecef = R3(ω t) r, then into the site's ENU frame, (e, n, u) = E (r_ecef − site), and

    range = √(e² + n² + u²),  az = atan2(e, n),  el = atan2(u, √(e² + n²)).

The Jacobian is analytic (position block only; written out in :func:`._kernels.aer_and_jacobian`) and
checked against finite differences in the tests. Azimuth innovations are wrapped to (−π, π] so that a
target seen across north is not 2π away from its prediction. Light time and refraction are neglected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..earth.frames import enu_rotation
from ..earth.models import WGS84, EarthModel
from . import _kernels as kern


@dataclass(frozen=True)
class Sites:
    """Radar sites as the kernels take them: ECEF positions (S, 3) m and ECEF→ENU rotations (S, 3, 3)."""

    r_ecef_m: np.ndarray
    enu_rot: np.ndarray

    @classmethod
    def from_geodetic(cls, r_ecef_m: ArrayLike, lat_rad: ArrayLike, lon_rad: ArrayLike) -> Sites:
        r = np.ascontiguousarray(np.atleast_2d(np.asarray(r_ecef_m, dtype=float)))
        rot = np.ascontiguousarray(enu_rotation(np.atleast_1d(lat_rad), np.atleast_1d(lon_rad)))
        return cls(r, rot)

    @classmethod
    def of(cls, meas) -> Sites:
        """The sites of a :class:`~jointshield.sensors.Measurements`."""
        return cls.from_geodetic(meas.site_ecef_m, meas.site_lat_rad, meas.site_lon_rad)


def wrap_angle(a: ArrayLike) -> np.ndarray:
    """Angles (rad) folded into (−π, π]."""
    a = np.mod(np.asarray(a, dtype=float) + np.pi, 2.0 * np.pi) - np.pi
    return np.where(a <= -np.pi, a + 2.0 * np.pi, a)


def predict_measurement(
    x: ArrayLike, t_s: ArrayLike, site: ArrayLike, sites: Sites, model: EarthModel = WGS84
) -> tuple[np.ndarray, np.ndarray]:
    """Predicted ``(range, az, el)`` (N, 3) and Jacobian ∂h/∂x (N, 3, 6) of N inertial states.

    ``x`` (N, 6) or positions (N, 3) m; ``t_s`` (N,) or scalar, s after the epoch; ``site`` (N,) or scalar
    index into ``sites``. The velocity columns of the Jacobian are zero.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    n = x.shape[0]
    r = np.ascontiguousarray(x[:, :3])
    t = np.ascontiguousarray(np.broadcast_to(np.asarray(t_s, dtype=float), (n,)))
    s = np.ascontiguousarray(np.broadcast_to(np.asarray(site, dtype=np.int64), (n,)))
    z = np.empty((n, 3))
    Hp = np.empty((n, 3, 3))
    kern.aer_rows(r, t, s, sites.r_ecef_m, sites.enu_rot, float(model.omega_rad_s), z, Hp)
    H = np.zeros((n, 3, 6))
    H[:, :, :3] = Hp
    return z, H


def innovation(
    x: ArrayLike, t_s: ArrayLike, z: ArrayLike, site: ArrayLike, sites: Sites, model: EarthModel = WGS84
) -> tuple[np.ndarray, np.ndarray]:
    """Innovation z − h(x) (N, 3), azimuth wrapped to (−π, π], and the position Jacobian (N, 3, 3)."""
    x = np.ascontiguousarray(np.atleast_2d(np.asarray(x, dtype=float)))
    n = x.shape[0]
    t = np.ascontiguousarray(np.broadcast_to(np.asarray(t_s, dtype=float), (n,)))
    s = np.ascontiguousarray(np.broadcast_to(np.asarray(site, dtype=np.int64), (n,)))
    zz = np.ascontiguousarray(np.asarray(z, dtype=float).reshape(n, 3))
    nu = np.empty((n, 3))
    Hp = np.empty((n, 3, 3))
    kern.innovations(x, t, zz, s, sites.r_ecef_m, sites.enu_rot, float(model.omega_rad_s), nu, Hp)
    return nu, Hp


def aer_jacobian_enu(az_rad: ArrayLike, el_rad: ArrayLike, range_m: ArrayLike) -> np.ndarray:
    """∂(e, n, u)/∂(range, az, el) (N, 3, 3) of :func:`jointshield.earth.frames.aer_to_enu`."""
    az, el, rng = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (az_rad, el_rad, range_m))
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    J = np.empty(az.shape + (3, 3))
    J[..., 0, 0], J[..., 0, 1], J[..., 0, 2] = ce * sa, rng * ce * ca, -rng * se * sa
    J[..., 1, 0], J[..., 1, 1], J[..., 1, 2] = ce * ca, -rng * ce * sa, -rng * se * ca
    J[..., 2, 0], J[..., 2, 1], J[..., 2, 2] = se, 0.0, rng * ce
    return J


def measurement_to_inertial(
    range_m: ArrayLike,
    az_rad: ArrayLike,
    el_rad: ArrayLike,
    var_aer: ArrayLike,
    t_s: ArrayLike,
    site: ArrayLike,
    sites: Sites,
    model: EarthModel = WGS84,
) -> tuple[np.ndarray, np.ndarray]:
    """Inertial position (N, 3) m of measurements and its covariance (N, 3, 3) m², linearised at the
    measurement: C = M J diag(var) Jᵀ Mᵀ with J = ∂enu/∂aer (:func:`aer_jacobian_enu`) and M the ENU →
    inertial rotation (compiled: :func:`._kernels.aer_to_inertial_rows`; symmetric by construction).

    ``var_aer`` (N, 3): variances of range (m²), azimuth and elevation (rad²).
    """
    rng = np.atleast_1d(np.asarray(range_m, dtype=float))
    n = rng.shape[0]
    z = np.empty((n, 3))
    z[:, 0] = rng
    z[:, 1] = np.broadcast_to(np.asarray(az_rad, dtype=float), (n,))
    z[:, 2] = np.broadcast_to(np.asarray(el_rad, dtype=float), (n,))
    var = np.ascontiguousarray(np.asarray(var_aer, dtype=float).reshape(n, 3))
    s = np.ascontiguousarray(np.broadcast_to(np.asarray(site, dtype=np.int64), (n,)))
    t = np.ascontiguousarray(np.broadcast_to(np.asarray(t_s, dtype=float), (n,)))
    r_eci = np.empty((n, 3))
    C = np.empty((n, 3, 3))
    kern.aer_to_inertial_rows(z, var, t, s, sites.r_ecef_m, sites.enu_rot, float(model.omega_rad_s), r_eci, C)
    return r_eci, C
