"""Pictures of a tracking run: radar coverage on a map, tracks against truth, impact-prediction error.

Views only: they take plain arrays (degrees, km, seconds) and draw them; every PNG is written atomically
(:func:`~jointshield.report._files.atomic_write`), so a failed run leaves an earlier picture intact.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from jointshield.report._files import atomic_write
from jointshield.report.maps import auto_extent, draw_basemap, split_at_dateline, wrap_lon

DPI = 150

Series = tuple[str, np.ndarray, np.ndarray]
"""``(label, x, y)``: one line of a plot."""


def _save(fig: Figure, path: str | os.PathLike) -> Path:
    path = Path(path)
    with atomic_write(path) as fh:
        fig.savefig(fh, format="png", dpi=DPI)
    return path


def draw_coverage(ax, lon0: float, radar_ids: Sequence[str], radar_lat_deg, radar_lon_deg, grid_lat_deg,
                  grid_lon_deg, masks, *, alpha: float) -> list[Patch]:
    """Each radar's coverage mask ((S, nlat, nlon) bool on ``grid_lat_deg`` × ``grid_lon_deg``) filled and
    outlined in its own colour, and its site as a labelled circle; the legend handles, one per radar.
    ``lon0``: the map's western edge (longitudes are wrapped to run on from it)."""
    glon = wrap_lon(np.asarray(grid_lon_deg, float), lon0)
    order = np.argsort(glon)
    handles = []
    for s, rid in enumerate(radar_ids):
        color = f"C{s % 10}"
        m = np.asarray(masks[s], float)[:, order]
        if m.any():
            ax.contourf(glon[order], grid_lat_deg, m, levels=[0.5, 1.5], colors=[color], alpha=alpha, zorder=1)
            ax.contour(glon[order], grid_lat_deg, m, levels=[0.5], colors=[color], linewidths=1.0, zorder=2)
        x = wrap_lon(radar_lon_deg[s], lon0)
        ax.plot(x, radar_lat_deg[s], marker="o", markersize=8, color=color, markeredgecolor="black", zorder=5)
        ax.annotate(rid, (x, radar_lat_deg[s]), xytext=(5, 5), textcoords="offset points", fontsize="small", zorder=6)
        handles.append(Patch(facecolor=color, alpha=0.3, edgecolor=color, label=f"{rid} coverage"))
    return handles


def plot_coverage(path: str | os.PathLike, *, radar_ids: Sequence[str], radar_lat_deg, radar_lon_deg,
                  grid_lat_deg, grid_lon_deg, masks, truth: Sequence[Series], tracks: Sequence[Series] = (),
                  alt_km: float, rcs_m2: float, title: str) -> Path:
    """Radar coverage at one altitude, with ground tracks of the truth and of the tracker's estimates.

    ``masks``: (S, nlat, nlon) bool from :func:`jointshield.sensors.coverage.coverage` on the grid
    ``grid_lat_deg`` (nlat,) × ``grid_lon_deg`` (nlon,). ``truth`` and ``tracks``: ``(label, lat_deg,
    lon_deg)`` per object; truth solid, tracks dashed.
    """
    fig = Figure(figsize=(10.0, 7.0), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    lats = [np.asarray(radar_lat_deg, float)] + [np.asarray(s[1], float) for s in truth]
    lons = [np.asarray(radar_lon_deg, float)] + [np.asarray(s[2], float) for s in truth]
    extent = draw_basemap(ax, auto_extent(np.concatenate(lons), np.concatenate(lats)))
    lon0 = extent[0]
    handles = draw_coverage(ax, lon0, radar_ids, radar_lat_deg, radar_lon_deg, grid_lat_deg, grid_lon_deg, masks,
                            alpha=0.18)
    for k, (label, lat, lon) in enumerate(truth):
        for x, y in split_at_dateline(lon, lat, lon0):
            ax.plot(x, y, color="black", linewidth=1.4, zorder=3)
        ax.annotate(label, (wrap_lon(lon[-1], lon0), lat[-1]), xytext=(4, -10), textcoords="offset points",
                    fontsize="small")
    for k, (label, lat, lon) in enumerate(tracks):
        for x, y in split_at_dateline(lon, lat, lon0):
            ax.plot(x, y, color=f"C{(k + len(radar_ids)) % 10}", linewidth=1.4, linestyle="--", zorder=4)
    handles.append(Line2D([], [], color="black", linewidth=1.4, label="truth ground track"))
    if tracks:
        handles.append(Line2D([], [], color="0.4", linewidth=1.4, linestyle="--", label="track estimate"))
    ax.legend(handles=handles, loc="lower left", fontsize="small", framealpha=0.9)
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees, geodetic)")
    ax.set_title(f"{title}\ncoverage against a {rcs_m2:g} m² target at {alt_km:g} km altitude "
                 "(seen and detected with the reference Pd)", fontsize="medium")
    return _save(fig, path)


def plot_tracks(path: str | os.PathLike, *, truth: Sequence[Series], tracks: Sequence[Series],
                errors: Sequence[tuple[str, np.ndarray, np.ndarray, int]], title: str) -> Path:
    """Left: altitude (km) over time (s) of the truth (solid) and the tracks (dots). Right: position
    error of each track against its truth (m, log scale) over time.

    ``truth`` and ``tracks``: ``(label, t_s, alt_km)``; ``errors``: ``(label, t_s, error_m, i)`` with ``i``
    the index of the track's truth in ``truth``, whose colour it takes.
    """
    fig = Figure(figsize=(12.0, 5.0), dpi=DPI, layout="constrained")
    ax_alt, ax_err = fig.subplots(1, 2)
    for k, (label, t, alt) in enumerate(truth):
        ax_alt.plot(t, alt, color=f"C{k % 10}", linewidth=1.5, label=f"{label} truth")
    for k, (label, t, alt) in enumerate(tracks):
        ax_alt.plot(t, alt, linestyle="", marker=".", markersize=2.5, color="0.2", alpha=0.6,
                    label="track estimates" if k == 0 else None)
    styles = ("-", "--", ":", "-.")
    for k, (label, t, err, i) in enumerate(errors):
        ax_err.semilogy(t, np.maximum(np.asarray(err, float), 1e-3), linewidth=1.0, color=f"C{i % 10}",
                        linestyle=styles[sum(e[3] == i for e in errors[:k]) % len(styles)], label=label)
    ax_alt.set_xlabel("time after the epoch (s)")
    ax_alt.set_ylabel("altitude (km)")
    ax_alt.set_title("Tracks against truth", fontsize="medium")
    ax_alt.grid(True, color="0.9", linewidth=0.5)
    ax_alt.legend(fontsize="small")
    ax_err.set_xlabel("time after the epoch (s)")
    ax_err.set_ylabel("position error of the track (m)")
    ax_err.set_title("Position error", fontsize="medium")
    ax_err.grid(True, which="both", color="0.9", linewidth=0.5)
    if errors:
        ax_err.legend(fontsize="small")
    fig.suptitle(title)
    return _save(fig, path)


def plot_impact_error(path: str | os.PathLike, *, series: Sequence[Series], firm_s: Sequence[float | None],
                      title: str) -> Path:
    """Predicted-impact error (km, log scale) over time since launch (s), one line per launch, with the
    time of its firm track marked. ``series``: ``(label, t_since_launch_s, error_km)``."""
    fig = Figure(figsize=(8.0, 5.0), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    for k, ((label, t, err), firm) in enumerate(zip(series, firm_s)):
        color = f"C{k % 10}"
        ax.semilogy(t, np.maximum(np.asarray(err, float), 1e-3), color=color, linewidth=1.4, label=label)
        if firm is not None:
            ax.axvline(firm, color=color, linewidth=0.8, linestyle=":")
    ax.set_xlabel("time after launch (s)")
    ax.set_ylabel("distance of predicted from true impact point (km)")
    ax.set_title(f"{title}\nimpact-prediction error (dotted: firm track)", fontsize="medium")
    ax.grid(True, which="both", color="0.9", linewidth=0.5)
    if series:
        ax.legend(fontsize="small")
    return _save(fig, path)
