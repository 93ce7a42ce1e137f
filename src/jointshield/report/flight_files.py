"""Files of a flight for people and other tools: the sampled path as CSV, and the plot's input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ._files import atomic_write
from .flight_plot import TrackForPlot

CSV_COLUMNS = ("t_s", "lat_deg", "lon_deg", "alt_km", "range_km", "speed_m_s", "x_ecef_m", "y_ecef_m",
               "z_ecef_m")


def write_path_csv(path: str | Path, flyout) -> Path:
    """Write a :class:`~jointshield.flight.flyout.Flyout`'s path as CSV (columns :data:`CSV_COLUMNS`),
    atomically: a failed write leaves an earlier file as it was. Speed is Earth-relative (m/s)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for i in range(len(flyout.t_s)):
        w.writerow([f"{flyout.t_s[i]:.6f}", f"{flyout.lat_deg[i]:.8f}", f"{flyout.lon_deg[i]:.8f}",
                    f"{flyout.alt_m[i] / 1e3:.6f}", f"{flyout.range_m[i] / 1e3:.6f}", f"{flyout.speed_m_s[i]:.4f}",
                    *(f"{c:.3f}" for c in flyout.r_ecef_m[i])])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as fh:
        fh.write(buf.getvalue().encode())
    return path


def track_for_plot(flyout, label: str) -> TrackForPlot:
    """The :class:`TrackForPlot` of a flyout."""
    return TrackForPlot(label, flyout.lat_deg, flyout.lon_deg, flyout.alt_m / 1e3, flyout.range_m / 1e3,
                        flyout.launch_deg, flyout.target_deg, flyout.events)
