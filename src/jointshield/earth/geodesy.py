"""Distances and directions between places on the surface of the Earth model.

- Ellipsoid (f > 0): geodesics on the model's ellipsoid by Karney's algorithm (C. F. F. Karney,
  "Algorithms for geodesics", Journal of Geodesy 87, 43–55, 2013), through ``pyproj.Geod`` (PROJ's
  implementation of GeographicLib; accurate to about 15 nm, vectorised).
- Sphere (f == 0, radius ``model.a_m``): great circles. Central angle by the atan2 form of the
  spherical law of cosines that Vincenty (1975, Survey Review 23, 88–93) gives for a sphere, well
  conditioned at every distance; initial azimuth and the direct problem by standard spherical
  trigonometry (cf. Snyder, Map Projections — A Working Manual, USGS Professional Paper 1395, 1987),
  written as the components of the destination's unit vector in the start point's east-north-up axes.

Every function is batched: its arguments broadcast against one another. Angles in rad (latitude in
[-π/2, π/2]; azimuths from north, clockwise, returned in [0, 2π); longitudes returned in (−π, π]);
distances in m along the surface.
"""

from __future__ import annotations

import numpy as np
import pyproj
from numpy.typing import ArrayLike

from .models import WGS84, EarthModel

_TWO_PI = 2.0 * np.pi


def _geod(model: EarthModel) -> pyproj.Geod:
    return pyproj.Geod(a=model.a_m, f=model.f)


def _wrap_azimuth(az: np.ndarray) -> np.ndarray:
    """Fold angles (rad) into [0, 2π)."""
    az = np.mod(az, _TWO_PI)
    return np.where(az >= _TWO_PI, 0.0, az)


def _wrap_longitude(lon: np.ndarray) -> np.ndarray:
    """Fold longitudes (rad) into (−π, π]."""
    lon = np.mod(lon + np.pi, _TWO_PI) - np.pi
    return np.where(lon <= -np.pi, lon + _TWO_PI, lon)


def _broadcast(*values: ArrayLike) -> list[np.ndarray]:
    # Copies: broadcast views are read-only with zero strides, and pyproj wants plain buffers.
    return [
        np.array(v, dtype=float) for v in np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values))
    ]


def _inverse(lat1, lon1, lat2, lon2, model: EarthModel) -> tuple[np.ndarray, np.ndarray]:
    """(initial azimuth rad in [0, 2π), distance m) from point 1 to point 2."""
    lat1, lon1, lat2, lon2 = _broadcast(lat1, lon1, lat2, lon2)
    if model.f == 0.0:
        dlon = lon2 - lon1
        s1, c1, s2, c2 = np.sin(lat1), np.cos(lat1), np.sin(lat2), np.cos(lat2)
        sd, cd = np.sin(dlon), np.cos(dlon)
        east = c2 * sd
        north = c1 * s2 - s1 * c2 * cd
        sigma = np.arctan2(np.hypot(east, north), s1 * s2 + c1 * c2 * cd)
        return _wrap_azimuth(np.arctan2(east, north)), model.a_m * sigma
    az12, _, dist = _geod(model).inv(lon1, lat1, lon2, lat2, radians=True)
    return _wrap_azimuth(np.asarray(az12, dtype=float)), np.asarray(dist, dtype=float)


def surface_distance_m(
    lat1_rad: ArrayLike,
    lon1_rad: ArrayLike,
    lat2_rad: ArrayLike,
    lon2_rad: ArrayLike,
    model: EarthModel = WGS84,
) -> np.ndarray:
    """Length (m) of the shortest path on the model's surface (geodesic; great circle on a sphere)
    from (lat1, lon1) to (lat2, lon2), all in rad; shape: the broadcast of the arguments."""
    return _inverse(lat1_rad, lon1_rad, lat2_rad, lon2_rad, model)[1]


def initial_azimuth_rad(
    lat1_rad: ArrayLike,
    lon1_rad: ArrayLike,
    lat2_rad: ArrayLike,
    lon2_rad: ArrayLike,
    model: EarthModel = WGS84,
) -> np.ndarray:
    """Azimuth (rad, from north clockwise, in [0, 2π)) at (lat1, lon1) of the shortest path to
    (lat2, lon2); angles in rad. For coincident or antipodal points the azimuth is not unique and the
    one returned is a valid choice (pyproj's, or 0 on a sphere for coincident points)."""
    return _inverse(lat1_rad, lon1_rad, lat2_rad, lon2_rad, model)[0]


def destination(
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    azimuth_rad: ArrayLike,
    distance_m: ArrayLike,
    model: EarthModel = WGS84,
) -> tuple[np.ndarray, np.ndarray]:
    """``(lat_rad, lon_rad)`` reached by travelling ``distance_m`` (m) along the geodesic (great circle on
    a sphere) that leaves (lat, lon) at ``azimuth_rad`` (from north, clockwise). Longitude in (−π, π]."""
    lat1, lon1, az, dist = _broadcast(lat_rad, lon_rad, azimuth_rad, distance_m)
    if model.f == 0.0:
        delta = dist / model.a_m
        s1, c1 = np.sin(lat1), np.cos(lat1)
        sd, cd = np.sin(delta), np.cos(delta)
        # Destination unit vector = cos δ · start + sin δ · (cos az · north + sin az · east), written in
        # axes (x to the start meridian, y east, z north pole): its components give both angles by atan2,
        # which keeps full precision near the poles where arcsin would not.
        x = c1 * cd - s1 * sd * np.cos(az)
        y = sd * np.sin(az)
        z = s1 * cd + c1 * sd * np.cos(az)
        lat2 = np.arctan2(z, np.hypot(x, y))
        lon2 = lon1 + np.arctan2(y, x)
        return lat2, _wrap_longitude(lon2)
    lon2, lat2, _ = _geod(model).fwd(lon1, lat1, az, dist, radians=True)
    return np.asarray(lat2, dtype=float), _wrap_longitude(np.asarray(lon2, dtype=float))
