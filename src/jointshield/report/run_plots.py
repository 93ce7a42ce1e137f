"""Pictures of a kill-chain run: the architecture on a map, the engagements, the event timeline, and the
Monte Carlo probabilities. Views only: plain arrays and dicts in (degrees, km, s), a PNG out, written
atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .maps import auto_extent, draw_basemap, split_at_dateline, wrap_lon
from .tracking_plot import DPI, _save, draw_coverage

Line = tuple[str, np.ndarray, np.ndarray]
"""``(label, lat_deg, lon_deg)``: a line on a map."""

EVENT_MARKERS = {
    "launch": ("^", "black"),
    "first_detection": ("o", "C0"),
    "firm_track": ("s", "C9"),
    "classified": ("D", "C4"),
    "interceptor_launched": ("P", "C1"),
    "intercept": ("*", "C2"),
    "miss": ("x", "C3"),
    "impact": ("v", "C3"),
}
"""Marker and colour of each event kind on the timeline."""


def _lines(ax, lines: Sequence[Line], lon0: float, **style) -> None:
    for _, lat, lon in lines:
        for x, y in split_at_dateline(lon, lat, lon0):
            ax.plot(x, y, **style)


def plot_architecture(path: str | os.PathLike, *, radars: Sequence[Mapping], sites: Sequence[Mapping],
                      reach_rings: Sequence[Line], coverage_lat_deg, coverage_lon_deg, coverage_masks,
                      areas: Sequence[Line], trajectories: Sequence[Line], coverage_alt_km: float,
                      coverage_rcs_m2: float, title: str, extent=None) -> Path:
    """The architecture on a map: radar coverage (filled, one colour per radar) at ``coverage_alt_km``
    against a ``coverage_rcs_m2`` target, radar sites (circles), interceptor sites (triangles) with the
    ground reach of their interceptors (dashed rings), defended areas and launch areas (thin outlines) and
    the true ground tracks (grey). ``radars``/``sites``: mappings with ``id``, ``lat_deg``, ``lon_deg``."""
    fig = Figure(figsize=(11.0, 7.5), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    lat_all = [np.array([r["lat_deg"] for r in radars] + [s["lat_deg"] for s in sites], float)]
    lon_all = [np.array([r["lon_deg"] for r in radars] + [s["lon_deg"] for s in sites], float)]
    lat_all += [t[1] for t in trajectories]
    lon_all += [t[2] for t in trajectories]
    extent = draw_basemap(ax, extent or auto_extent(np.concatenate(lon_all), np.concatenate(lat_all)))
    lon0 = extent[0]
    handles = draw_coverage(ax, lon0, [r["id"] for r in radars], [r["lat_deg"] for r in radars],
                            [r["lon_deg"] for r in radars], coverage_lat_deg, coverage_lon_deg, coverage_masks,
                            alpha=0.15)
    for s in sites:
        ax.plot(wrap_lon(s["lon_deg"], lon0), s["lat_deg"], "^", markersize=10, color="white", markeredgecolor="black",
                markeredgewidth=1.5, zorder=6)
        ax.annotate(f"{s['id']} ({s['inventory']})", (wrap_lon(s["lon_deg"], lon0), s["lat_deg"]), xytext=(6, -12),
                    textcoords="offset points", fontsize="small", zorder=7)
    _lines(ax, reach_rings, lon0, color="black", linewidth=1.2, linestyle="--", zorder=4)
    _lines(ax, areas, lon0, color="C3", linewidth=0.9, zorder=3)
    _lines(ax, trajectories, lon0, color="0.45", linewidth=1.0, zorder=3)
    handles += [Line2D([], [], marker="^", linestyle="", markerfacecolor="white", markeredgecolor="black",
                       markersize=9, label="interceptor site (inventory)"),
                Line2D([], [], color="black", linestyle="--", label="interceptor reach (fly-out time contours)"),
                Line2D([], [], color="C3", linewidth=0.9, label="regions of the criteria"),
                Line2D([], [], color="0.45", label="threat ground tracks")]
    ax.legend(handles=handles, loc="lower left", fontsize="x-small", framealpha=0.9)
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees, geodetic)")
    ax.set_title(f"{title}\nradar coverage against a {coverage_rcs_m2:g} m² target at {coverage_alt_km:g} km",
                 fontsize="medium")
    return _save(fig, path)


def plot_engagements(path: str | os.PathLike, *, trajectories: Sequence[tuple[str, np.ndarray, np.ndarray,
                                                                             np.ndarray, np.ndarray]],
                     tracks: Sequence[tuple[str, np.ndarray, np.ndarray]],
                     intercepts: Sequence[tuple[str, float, float, float, float]],
                     impacts: Sequence[tuple[str, float, float, bool]], title: str) -> Path:
    """Left: the true ground tracks (``(label, t_s, lat_deg, lon_deg, alt_km)``), the firm-track estimates
    (dots, ``(label, lat_deg, lon_deg)``), intercept points (green stars, ``(label, t_s, lat, lon, alt_km)``)
    and impacts (``(label, lat, lon, threat)``: red for a threat that leaked, grey otherwise). Right:
    altitude over time with the intercepts."""
    fig = Figure(figsize=(13.0, 6.0), dpi=DPI, layout="constrained")
    ax, ax_alt = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
    lat = np.concatenate([t[2] for t in trajectories]) if trajectories else np.zeros(1)
    lon = np.concatenate([t[3] for t in trajectories]) if trajectories else np.zeros(1)
    extent = draw_basemap(ax, auto_extent(lon, lat))
    lon0 = extent[0]
    for k, (label, t, la, lo, alt) in enumerate(trajectories):
        color = f"C{k % 10}"
        for x, y in split_at_dateline(lo, la, lon0):
            ax.plot(x, y, color=color, linewidth=1.4, zorder=3)
        ax.annotate(label, (wrap_lon(lo[0], lon0), la[0]), xytext=(-12, -12), textcoords="offset points",
                    fontsize="small")
        ax_alt.plot(t, alt, color=color, linewidth=1.4, label=label)
    for _, la, lo in tracks:
        ax.plot(wrap_lon(lo, lon0), la, ".", markersize=1.5, color="0.2", alpha=0.5, zorder=4)
    for _, t, la, lo, alt in intercepts:
        ax.plot(wrap_lon(lo, lon0), la, "*", markersize=14, color="C2", markeredgecolor="black", zorder=6)
        ax_alt.plot(t, alt, "*", markersize=14, color="C2", markeredgecolor="black", zorder=6)
    for _, la, lo, threat in impacts:
        ax.plot(wrap_lon(lo, lon0), la, "v", markersize=9, color="C3" if threat else "0.6", markeredgecolor="black",
                zorder=6)
    handles = [Line2D([], [], color="0.3", label="true ground track"),
               Line2D([], [], marker=".", linestyle="", color="0.2", label="track estimates"),
               Line2D([], [], marker="*", linestyle="", markersize=12, color="C2", markeredgecolor="black",
                      label="intercept"),
               Line2D([], [], marker="v", linestyle="", color="C3", markeredgecolor="black", label="impact of a threat"),
               Line2D([], [], marker="v", linestyle="", color="0.6", markeredgecolor="black",
                      label="impact (not a threat)")]
    ax.legend(handles=handles, loc="lower left", fontsize="x-small", framealpha=0.9)
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees, geodetic)")
    ax_alt.set_xlabel("time after the epoch (s)")
    ax_alt.set_ylabel("altitude (km)")
    ax_alt.grid(True, color="0.9", linewidth=0.5)
    ax_alt.legend(fontsize="x-small")
    fig.suptitle(title)
    return _save(fig, path)


def plot_timeline(path: str | os.PathLike, *, launch_ids: Sequence[str],
                  events: Sequence[tuple[float, str, int]], title: str) -> Path:
    """The event log as one row per launch: ``events`` are ``(t_s, kind, launch index)``; kinds have the
    markers of :data:`EVENT_MARKERS`; a line runs from each launch to its last event."""
    n = len(launch_ids)
    fig = Figure(figsize=(11.0, 1.2 + 0.45 * max(n, 1)), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    for i in range(n):
        ts = [t for t, _, k in events if k == i]
        if ts:
            ax.plot([min(ts), max(ts)], [i, i], color="0.75", linewidth=1.0, zorder=1)
    seen = set()
    for t, kind, i in events:
        marker, color = EVENT_MARKERS.get(kind, ("|", "0.3"))
        ax.plot(t, i, marker=marker, color=color, markeredgecolor="black", markeredgewidth=0.4, markersize=8,
                linestyle="", zorder=3, label=None if kind in seen else kind.replace("_", " "))
        seen.add(kind)
    ax.set_yticks(range(n), launch_ids)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("time after the epoch (s)")
    ax.grid(True, axis="x", color="0.9", linewidth=0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="x-small")
    ax.set_title(title, fontsize="medium")
    return _save(fig, path)


def plot_monte_carlo(path: str | os.PathLike, *, labels: Sequence[str], p: Sequence[float],
                     ci95: Sequence[tuple[float, float]], xlabel: str, title: str) -> Path:
    """Probabilities with their 95% intervals as horizontal bars with error bars (one row per label)."""
    n = len(labels)
    fig = Figure(figsize=(8.0, 1.2 + 0.4 * max(n, 1)), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    y = np.arange(n)
    p = np.asarray(p, float)
    lo = np.asarray([c[0] for c in ci95], float)
    hi = np.asarray([c[1] for c in ci95], float)
    ax.barh(y, p, color="C0", alpha=0.6)
    ax.errorbar(p, y, xerr=[p - lo, hi - p], fmt="none", ecolor="black", capsize=4)
    ax.set_yticks(y, labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", color="0.9", linewidth=0.5)
    ax.set_title(title, fontsize="medium")
    return _save(fig, path)
