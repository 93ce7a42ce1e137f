"""Where radars can see and detect: coverage on a latitude/longitude grid at a chosen altitude."""

from __future__ import annotations

import numpy as np

from ..earth.frames import geodetic_to_ecef
from .radar import RadarArrays, aer, detection_range_m, visible_aer

__all__ = ["coverage"]


def coverage(radars: RadarArrays, lat_deg, lon_deg, alt_m: float, rcs_m2: float) -> np.ndarray:
    """(S, nlat, nlon) True where each radar sees a target of ``rcs_m2`` at altitude ``alt_m`` above the
    grid point ``(lat_deg[i], lon_deg[j])`` and detects it with at least its reference probability.

    Seen: line of sight past the ellipsoid, inside the field of regard, above the minimum elevation and
    within the instrumented range (:func:`~jointshield.sensors.radar.visible_aer`). Detected: slant range
    within the detection range for ``rcs_m2`` (radar equation at constant Pd,
    :func:`~jointshield.sensors.radar.detection_range_m`).
    """
    lat, lon = np.meshgrid(np.deg2rad(np.asarray(lat_deg, float)), np.deg2rad(np.asarray(lon_deg, float)),
                           indexing="ij")
    r = geodetic_to_ecef(lat, lon, np.full(lat.shape, float(alt_m)), radars.model)
    az, el, rng = aer(radars, r)
    seen = visible_aer(radars, r, az, el, rng)
    reach = detection_range_m(radars, np.asarray(float(rcs_m2)))
    return seen & (rng <= reach.reshape(-1, 1, 1))
