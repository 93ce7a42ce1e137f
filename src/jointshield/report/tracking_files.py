"""Files of a tracking run for other tools: measurements and track rows as CSV (written atomically)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..earth.frames import ecef_to_geodetic
from ._files import write_csv

MEASUREMENT_COLUMNS = ("t_s", "sensor", "scan", "range_m", "az_deg", "el_deg", "sigma_range_m", "sigma_az_mrad",
                       "sigma_el_mrad", "truth")
TRACK_COLUMNS = ("t_s", "track_id", "status", "launch", "sensor", "measurement", "lat_deg", "lon_deg", "alt_km",
                 "x_ecef_m", "y_ecef_m", "z_ecef_m", "vx_ecef_m_s", "vy_ecef_m_s", "vz_ecef_m_s", "sigma_pos_m", "nis")
STATUS_NAMES = ("tentative", "firm", "deleted")


def write_measurements_csv(path: str | Path, meas, sensor_ids) -> Path:
    """One row per measurement (time s after the epoch, radar id, azimuth/elevation in degrees, truth index
    or −1 for a false alarm), columns :data:`MEASUREMENT_COLUMNS`."""
    az, el = np.rad2deg(meas.az_rad), np.rad2deg(meas.el_rad)
    rows = ([f"{meas.t_s[i]:.3f}", sensor_ids[meas.sensor[i]], int(meas.scan[i]), f"{meas.range_m[i]:.2f}",
             f"{az[i]:.6f}", f"{el[i]:.6f}", f"{meas.sigma_range_m[i]:.3f}", f"{meas.sigma_az_rad[i] * 1e3:.5f}",
             f"{meas.sigma_el_rad[i] * 1e3:.5f}", int(meas.truth[i])] for i in range(len(meas)))
    return write_csv(Path(path), MEASUREMENT_COLUMNS, rows)


def write_tracks_csv(path: str | Path, history, launch_of_row, launch_ids, sensor_ids) -> Path:
    """One row per track update, birth or deletion (columns :data:`TRACK_COLUMNS`): ECEF state, geodetic
    position, 1σ position uncertainty √tr(P_rr) and the update's normalised innovation squared."""
    r, v = history.ecef()
    lat, lon, alt = ecef_to_geodetic(r, history.model) if len(history) else (np.empty(0),) * 3
    sig = np.sqrt(np.trace(history.P_eci[:, :3, :3], axis1=1, axis2=2))
    rows = ([f"{history.t_s[i]:.3f}", int(history.track_id[i]), STATUS_NAMES[int(history.status[i])],
             launch_ids[launch_of_row[i]] if launch_of_row[i] >= 0 else "",
             sensor_ids[history.sensor[i]] if history.sensor[i] >= 0 else "", int(history.meas[i]),
             f"{np.rad2deg(lat[i]):.6f}", f"{np.rad2deg(lon[i]):.6f}", f"{alt[i] / 1e3:.4f}",
             *(f"{c:.2f}" for c in r[i]), *(f"{c:.4f}" for c in v[i]), f"{sig[i]:.2f}",
             "" if not np.isfinite(history.nis[i]) else f"{history.nis[i]:.4f}"] for i in range(len(history)))
    return write_csv(Path(path), TRACK_COLUMNS, rows)
