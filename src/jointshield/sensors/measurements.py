"""The data that passes from radars to the tracker: truth samples in, measurements out.

Both are structures of arrays (leading axis: objects or measurements), never lists of objects, so
that ``observe`` and the tracker stay vectorised. Frames and units:

* times ``t_s``: seconds after the scenario epoch;
* positions: ECEF (WGS-84 or the scenario's Earth model), metres; velocities relative to the Earth, m/s;
* a measurement is slant range (m), azimuth (rad, clockwise from true north, in [0, 2π)) and elevation
  (rad, above the site's local geodetic horizontal) from the radar's site, in that site's ENU frame;
* the tracker's inertial frame is the ECEF frame frozen at the epoch (t = 0), rotating with
  ``EarthModel.omega_rad_s`` (precession and nutation not modelled, as in :mod:`jointshield.earth`).

:class:`Truth` is defined in :mod:`jointshield.flight.truth` (below the sensors, so that the flight
package can build it) and re-exported here unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..flight.truth import Truth

__all__ = ["Measurements", "Truth"]


@dataclass(frozen=True)
class Measurements:
    """``M`` radar measurements in time order (ties broken by sensor index; within one scan of one radar
    the order is random, see :func:`jointshield.sensors.observe`)."""

    t_s: np.ndarray
    """(M,) measurement time, s after the epoch."""
    sensor: np.ndarray
    """(M,) int index of the radar that made it (into the ``radars`` list given to ``observe``)."""
    range_m: np.ndarray
    az_rad: np.ndarray
    el_rad: np.ndarray
    sigma_range_m: np.ndarray
    """(M,) standard deviation of this measurement's range noise, m (it may depend on SNR)."""
    sigma_az_rad: np.ndarray
    sigma_el_rad: np.ndarray
    truth: np.ndarray
    """(M,) int index of the true object it came from, -1 for a false alarm (for metrics only: the
    tracker never reads it)."""
    scan: np.ndarray
    """(M,) int index of the radar's revisit (dwell) that produced it; measurements of one sensor in one
    scan are associated together."""
    site_ecef_m: np.ndarray
    """(S, 3) ECEF position of each radar site, m."""
    site_lat_rad: np.ndarray
    """(S,) geodetic latitude of each site."""
    site_lon_rad: np.ndarray
    """(S,) longitude of each site."""

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def take(self, rows) -> Measurements:
        """The measurements at ``rows`` (an index array or a boolean mask), in that order; the radars'
        site arrays are kept whole, so that sensor indices stay valid."""
        per_row = ("t_s", "sensor", "range_m", "az_rad", "el_rad", "sigma_range_m", "sigma_az_rad",
                   "sigma_el_rad", "truth", "scan")
        return Measurements(**{f: getattr(self, f)[rows] for f in per_row}, site_ecef_m=self.site_ecef_m,
                            site_lat_rad=self.site_lat_rad, site_lon_rad=self.site_lon_rad)
