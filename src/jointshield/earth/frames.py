"""Coordinate frames: geodetic, ECEF, ECI (rotation only), ENU and AER at a site.

Frames, said out loud:

- **ECEF**: Earth-centred, Earth-fixed Cartesian frame of the chosen :class:`EarthModel` (for ``wgs84``,
  the WGS-84 frame): z along the rotation axis, x through the prime meridian on the equator. Metres.
- **Geodetic**: latitude and longitude (rad) and height h (m) above the model's ellipsoid, along its
  normal. For a sphere (f = 0) geodetic and geocentric latitude coincide.
- **ECI**: the inertial frame of this project, defined by the Earth's rotation alone:
  ``r_ecef = R3(θ) r_eci`` with ``θ(t) = θ0 + ω t`` about the ECEF z axis. Precession, nutation and
  polar motion are not modelled: the frame is used to integrate flights, not to point at stars, and
  leaving out the slow motion of the rotation axis (precession ~50"/yr, nutation <= 17", polar motion
  ~0.3") changes an hour-long trajectory by metres at most. With θ0 from
  :func:`jointshield.earth.time.earth_rotation_angle` at the scenario epoch, the ECI axes are those of
  the Celestial Intermediate Reference System of that epoch, to the same approximation.
- **ENU**: local east, north, up at a site (lat0, lon0, h0): the up axis is the ellipsoid normal.
- **AER**: azimuth (rad, from north, clockwise towards east, in [0, 2π)), elevation (rad, above the
  local horizontal plane, in [-π/2, π/2]) and slant range (m) from the site.

Every public function is batched: scalars or arrays in, broadcast against one another, with positions
and vectors as arrays of shape ``(..., 3)``. The ``*_xyz`` functions are scalar kernels compiled with
numba (``njit_inline``) for the integrator's right-hand side; :func:`ecef_to_geodetic` runs the very
source of :func:`geodetic_latitude_altitude_xyz` on arrays, and the tests hold the kernels to it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._numba import njit_inline
from . import constants as c
from .models import WGS84, EarthModel

_TWO_PI = 2.0 * np.pi


# ---------------------------------------------------------------------------------------------------------
# geodetic <-> ECEF
# ---------------------------------------------------------------------------------------------------------


def geodetic_to_ecef(
    lat_rad: ArrayLike, lon_rad: ArrayLike, h_m: ArrayLike, model: EarthModel = WGS84
) -> np.ndarray:
    """ECEF position (m), shape ``broadcast(lat, lon, h) + (3,)``, of geodetic coordinates.

    Closed form: N = a / sqrt(1 − e² sin²φ), x = (N + h) cos φ cos λ, y = (N + h) cos φ sin λ,
    z = (N (1 − e²) + h) sin φ (IOGP Guidance Note 7-2, EPSG method 9602, geographic/geocentric
    conversions). ``lat_rad``, ``lon_rad`` in rad; ``h_m`` in m above the model's ellipsoid.
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    h = np.asarray(h_m, dtype=float)
    e2 = model.e2
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = model.a_m / np.sqrt(1.0 - e2 * sin_lat * sin_lat)
    x = (n + h) * cos_lat * np.cos(lon)
    y = (n + h) * cos_lat * np.sin(lon)
    z = (n * (1.0 - e2) + h) * sin_lat
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def _latitude_altitude(x, y, z, a, f):
    """Geodetic latitude (rad) and height (m) of ECEF (x, y, z) m on the ellipsoid (a in m, flattening f).

    Written with numpy ufuncs so that the same text serves scalars in the compiled kernels and arrays
    in the batched functions. The only branch is on the model's flattening ``f``, a scalar.

    Ellipsoid: the closed form of Vermeille, H. (2002), "Direct transformation from geocentric
    coordinates to geodetic coordinates", Journal of Geodesy 76, 451–454, eqs. (1)–(12). It holds outside
    the evolute of the meridian ellipse, i.e. everywhere further than e² a ≈ 43 km from the Earth's centre
    (Vermeille 2004, J. Geodesy 78, 94–95, extends it inwards; not needed: the domain here is h > −6000 km).
    Its rounding error is below 5e-8 m in h and 1e-14 rad in latitude from −10 km to 50,000 km.

    Sphere (f == 0): geocentric latitude atan2(z, sqrt(x² + y²)) and h = sqrt(x² + y² + z²) − a, exactly.
    """
    d2 = x * x + y * y
    if f == 0.0:
        return np.arctan2(z, np.sqrt(d2)), np.sqrt(d2 + z * z) - a
    e2 = f * (2.0 - f)
    e4 = e2 * e2
    p = d2 / (a * a)
    q = (1.0 - e2) / (a * a) * z * z
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r * r * r)
    t = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
    u = r * (1.0 + t + 1.0 / t)
    v = np.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = np.sqrt(u + v + w * w) - w
    d = k * np.sqrt(d2) / (k + e2)
    dz = np.sqrt(d * d + z * z)
    # The half-angle form keeps full precision at the poles, where atan(z / d) would divide by ~0.
    lat = 2.0 * np.arctan2(z, d + dz)
    h = (k + e2 - 1.0) / k * dz
    return lat, h


geodetic_latitude_altitude_xyz = njit_inline(_latitude_altitude)
"""Compiled scalar kernel ``(x, y, z, a, f) -> (lat_rad, h_m)``: the body above, for floats."""


@njit_inline
def geodetic_altitude_xyz(x, y, z, a, f):
    """Compiled scalar kernel: height h (m) above the ellipsoid (a in m, flattening f) of ECEF (x, y, z) m.

    The height of :func:`geodetic_altitude_normal_xyz` (Vermeille 2002); inlined, the unused normal is
    optimised away. For f == 0 it returns exactly ``sqrt(x² + y² + z²) − a``.
    """
    h, _, _, _ = geodetic_altitude_normal_xyz(x, y, z, a, f)
    return h


@njit_inline
def geodetic_altitude_normal_xyz(x, y, z, a, f):
    """Compiled scalar kernel: height h (m) above the ellipsoid and the unit ellipsoid normal (nx, ny, nz)
    through ECEF (x, y, z) m, without trigonometric calls.

    Same closed form as :func:`geodetic_latitude_altitude_xyz` (Vermeille 2002). The normal is the direction of
    geodetic latitude φ = atan2(z, d) and longitude λ: (cos φ cos λ, cos φ sin λ, sin φ) with
    cos φ = d / sqrt(d² + z²), sin φ = z / sqrt(d² + z²), cos λ = x / sqrt(x² + y²), sin λ = y / sqrt(x² + y²).
    The integrator evaluates it after every step for the altitude and altitude-rate events. Valid in
    ECI too, since the frames differ by a turn about z. For f == 0: h = |r| − a and n = r / |r|.
    """
    d2 = x * x + y * y
    if f == 0.0:
        r = np.sqrt(d2 + z * z)
        return r - a, x / r, y / r, z / r
    e2 = f * (2.0 - f)
    e4 = e2 * e2
    p = d2 / (a * a)
    q = (1.0 - e2) / (a * a) * z * z
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r * r * r)
    t = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
    u = r * (1.0 + t + 1.0 / t)
    v = np.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = np.sqrt(u + v + w * w) - w
    rho = np.sqrt(d2)
    d = k * rho / (k + e2)
    dz = np.sqrt(d * d + z * z)
    h = (k + e2 - 1.0) / k * dz
    if rho == 0.0:
        return h, 0.0, 0.0, 1.0 if z >= 0.0 else -1.0
    c = d / (rho * dz)
    return h, c * x, c * y, z / dz


def ecef_to_geodetic(
    r_ecef: ArrayLike, model: EarthModel = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodetic ``(lat_rad, lon_rad, h_m)``, each of shape ``r_ecef.shape[:-1]``, of ECEF positions.

    ``r_ecef``: (..., 3) m in the model's ECEF frame. Latitude in [-π/2, π/2], longitude in [-π, π],
    height in m above the model's ellipsoid. Vermeille (2002) closed form (see
    :func:`geodetic_latitude_altitude_xyz`): error < 5e-8 m in h and < 1e-14 rad in latitude from
    −10 km to 50,000 km; exact for a sphere. Undefined (NaN) within ~43 km of the Earth's centre.
    """
    r = np.asarray(r_ecef, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    lat, h = _latitude_altitude(x, y, z, model.a_m, model.f)
    return lat, np.arctan2(y, x), h


# ---------------------------------------------------------------------------------------------------------
# ENU and AER at a site
# ---------------------------------------------------------------------------------------------------------


def enu_rotation(lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
    """Rotation matrices (..., 3, 3) taking ECEF vectors to local east, north, up: ``v_enu = R @ v_ecef``.

    Rows are the unit vectors east = (−sin λ, cos λ, 0), north = (−sin φ cos λ, −sin φ sin λ, cos φ)
    and up = (cos φ cos λ, cos φ sin λ, sin φ) in ECEF (IOGP Guidance Note 7-2, EPSG method 9836,
    geocentric/topocentric conversions),
    with φ the geodetic latitude, so that up is the ellipsoid normal. Angles in rad.
    """
    lat, lon = np.broadcast_arrays(np.asarray(lat_rad, dtype=float), np.asarray(lon_rad, dtype=float))
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat)
    east = np.stack([-so, co, zero], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return np.stack([east, north, up], axis=-2)


def _apply(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Matrix (..., 3, 3) times vector (..., 3), broadcast over the leading axes."""
    return np.einsum("...ij,...j->...i", m, v)


def ecef_vector_to_enu(v_ecef: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike) -> np.ndarray:
    """A free vector (velocity, acceleration, line of sight) from ECEF to ENU axes at (lat0, lon0).

    ``v_ecef``: (..., 3) in any unit; the result has the same unit and shape (broadcast with the site).
    A pure rotation: no origin shift, so it is right for velocities relative to the Earth.
    """
    return _apply(enu_rotation(lat0_rad, lon0_rad), np.asarray(v_ecef, dtype=float))


def enu_vector_to_ecef(v_enu: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike) -> np.ndarray:
    """A free vector (..., 3) from ENU axes at (lat0, lon0) to ECEF axes; inverse of
    :func:`ecef_vector_to_enu` (the rotation's transpose)."""
    rot = enu_rotation(lat0_rad, lon0_rad)
    return np.einsum("...ji,...j->...i", rot, np.asarray(v_enu, dtype=float))


def ecef_to_enu(
    r_ecef: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike = 0.0,
    model: EarthModel = WGS84,
) -> np.ndarray:
    """Position (..., 3) m in the ENU frame of the site (lat0, lon0 in rad, h0 in m) of ECEF (..., 3) m.

    enu = R(φ0, λ0) (r − r0), with r0 the site's ECEF position (IOGP Guidance Note 7-2, EPSG method 9836).
    """
    r0 = geodetic_to_ecef(lat0_rad, lon0_rad, h0_m, model)
    return ecef_vector_to_enu(np.asarray(r_ecef, dtype=float) - r0, lat0_rad, lon0_rad)


def enu_to_ecef(
    r_enu: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike = 0.0,
    model: EarthModel = WGS84,
) -> np.ndarray:
    """ECEF position (..., 3) m of a point given in the ENU frame (m) of the site (lat0, lon0 rad, h0 m)."""
    r0 = geodetic_to_ecef(lat0_rad, lon0_rad, h0_m, model)
    return r0 + enu_vector_to_ecef(r_enu, lat0_rad, lon0_rad)


def enu_to_aer(r_enu: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Azimuth (rad, from north clockwise, [0, 2π)), elevation (rad) and range (m) of ENU (..., 3) m."""
    enu = np.asarray(r_enu, dtype=float)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    horizontal = np.hypot(e, n)
    az = np.mod(np.arctan2(e, n), _TWO_PI)
    # np.mod of a tiny negative angle rounds to exactly 2π; fold it back into [0, 2π).
    az = np.where(az >= _TWO_PI, 0.0, az)
    el = np.arctan2(u, horizontal)
    return az, el, np.sqrt(horizontal * horizontal + u * u)


def aer_to_enu(az_rad: ArrayLike, el_rad: ArrayLike, range_m: ArrayLike) -> np.ndarray:
    """ENU position (..., 3) m of azimuth (rad, from north clockwise), elevation (rad), range (m)."""
    az, el, rng = (np.asarray(v, dtype=float) for v in (az_rad, el_rad, range_m))
    horizontal = rng * np.cos(el)
    return np.stack(
        np.broadcast_arrays(horizontal * np.sin(az), horizontal * np.cos(az), rng * np.sin(el)), axis=-1
    )


def ecef_to_aer(
    r_ecef: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike = 0.0,
    model: EarthModel = WGS84,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(az_rad, el_rad, range_m)`` of ECEF positions (..., 3) m seen from the site (lat0, lon0, h0).

    Azimuth from north, clockwise (towards east), in [0, 2π); elevation above the plane normal to the
    ellipsoid normal at the site; slant range in m. Shapes: ``broadcast(r_ecef.shape[:-1], site)``.
    """
    return enu_to_aer(ecef_to_enu(r_ecef, lat0_rad, lon0_rad, h0_m, model))


def aer_to_ecef(
    az_rad: ArrayLike,
    el_rad: ArrayLike,
    range_m: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike = 0.0,
    model: EarthModel = WGS84,
) -> np.ndarray:
    """ECEF position (..., 3) m of the point at (azimuth, elevation, range) from the site; inverse of
    :func:`ecef_to_aer`. Angles in rad, range in m."""
    return enu_to_ecef(aer_to_enu(az_rad, el_rad, range_m), lat0_rad, lon0_rad, h0_m, model)


# ---------------------------------------------------------------------------------------------------------
# ECI (rotation only) <-> ECEF
# ---------------------------------------------------------------------------------------------------------


def rotation_angle(
    t_s: ArrayLike, theta0_rad: float = 0.0, omega_rad_s: float = c.WGS84_OMEGA_RAD_S
) -> np.ndarray:
    """Angle θ(t) = θ0 + ω t (rad) from the ECI to the ECEF axes, ``t_s`` in s since the epoch."""
    return theta0_rad + omega_rad_s * np.asarray(t_s, dtype=float)


def eci_to_ecef_rotation(
    t_s: ArrayLike, theta0_rad: float = 0.0, omega_rad_s: float = c.WGS84_OMEGA_RAD_S
) -> np.ndarray:
    """Matrices R3(θ) (..., 3, 3) with ``r_ecef = R3(θ) @ r_eci`` and θ = θ0 + ω t.

    R3(θ) = [[cos θ, sin θ, 0], [−sin θ, cos θ, 0], [0, 0, 1]], the rotation of the axes by θ about z
    (the ROT3 of Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., 2013).
    """
    theta = rotation_angle(t_s, theta0_rad, omega_rad_s)
    ct, st = np.cos(theta), np.sin(theta)
    zero, one = np.zeros_like(theta), np.ones_like(theta)
    return np.stack(
        [np.stack([ct, st, zero], -1), np.stack([-st, ct, zero], -1), np.stack([zero, zero, one], -1)], -2
    )


def _rotate_z(v: np.ndarray, ct: np.ndarray, st: np.ndarray) -> np.ndarray:
    """R3(θ) v for v (..., 3), with cos θ and sin θ broadcast against v[..., 0]."""
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    return np.stack(np.broadcast_arrays(ct * x + st * y, -st * x + ct * y, z), axis=-1)


def eci_to_ecef(
    r_eci: ArrayLike,
    v_eci: ArrayLike | None,
    t_s: ArrayLike,
    theta0_rad: float = 0.0,
    omega_rad_s: float = c.WGS84_OMEGA_RAD_S,
) -> tuple[np.ndarray, np.ndarray | None]:
    """ECEF position (m) and velocity (m/s) of ECI (rotation-only) position and velocity at time ``t_s``.

    r_ecef = R3(θ) r_eci, v_ecef = R3(θ) (v_eci − ω × r_eci), θ = θ0 + ω t, ω = (0, 0, ω)
    (the transport theorem for axes turning at ω about z; precession, nutation and polar motion are
    left out, see the module docstring).
    ``r_eci``, ``v_eci``: (..., 3) in m and m/s; ``t_s``: s since the epoch, scalar or an array that
    broadcasts against the batch shape ``r_eci.shape[:-1]``. ``v_eci`` may be None (the returned velocity
    is then None). ``omega_rad_s`` defaults to the WGS-84 rate; pass ``model.omega_rad_s`` otherwise.
    """
    r = np.asarray(r_eci, dtype=float)
    theta = rotation_angle(t_s, theta0_rad, omega_rad_s)
    ct, st = np.cos(theta), np.sin(theta)
    r_ecef = _rotate_z(r, ct, st)
    if v_eci is None:
        return r_ecef, None
    v = np.asarray(v_eci, dtype=float)
    # ω × r with ω along z is (−ω y, ω x, 0): the velocity of a point carried along by the Earth.
    v_rel = np.stack(
        np.broadcast_arrays(
            v[..., 0] + omega_rad_s * r[..., 1], v[..., 1] - omega_rad_s * r[..., 0], v[..., 2]
        ),
        axis=-1,
    )
    return r_ecef, _rotate_z(v_rel, ct, st)


def ecef_to_eci(
    r_ecef: ArrayLike,
    v_ecef: ArrayLike | None,
    t_s: ArrayLike,
    theta0_rad: float = 0.0,
    omega_rad_s: float = c.WGS84_OMEGA_RAD_S,
) -> tuple[np.ndarray, np.ndarray | None]:
    """ECI (rotation-only) position (m) and velocity (m/s) of ECEF ones at ``t_s``; inverse of
    :func:`eci_to_ecef`: r_eci = R3(−θ) r_ecef, v_eci = R3(−θ) v_ecef + ω × r_eci. Shapes as there."""
    r = np.asarray(r_ecef, dtype=float)
    theta = rotation_angle(t_s, theta0_rad, omega_rad_s)
    ct, st = np.cos(theta), np.sin(theta)
    r_eci = _rotate_z(r, ct, -st)
    if v_ecef is None:
        return r_eci, None
    v_rot = _rotate_z(np.asarray(v_ecef, dtype=float), ct, -st)
    v_eci = np.stack(
        np.broadcast_arrays(
            v_rot[..., 0] - omega_rad_s * r_eci[..., 1],
            v_rot[..., 1] + omega_rad_s * r_eci[..., 0],
            v_rot[..., 2],
        ),
        axis=-1,
    )
    return r_eci, v_eci
