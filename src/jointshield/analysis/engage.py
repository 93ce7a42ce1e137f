"""Can the architecture engage a missile flown from a launch point to a target? Batched over pairs.

For each (launch point, target) pair: the missile is aimed along its minimum-energy path and flown
(:mod:`.threats`); its first detection and the decision to engage follow from the radars and the delays
(:mod:`.architecture`); then, for every interceptor site, the engagement window of the whole flown path
is computed exactly as the engine does (reach-table lookups, :func:`~jointshield.defense.windows_from_launch_by`):

- a pair is **engageable** when some site with interceptors left has a feasible window: a point of the
  path inside the type's altitude band that the kill vehicle reaches when launched at or after the
  site's earliest launch (decision + readiness);
- its **margin** (per site) is the latest launch that still intercepts less the earliest launch: how much
  later the interceptor could go (negative: too late by that much; NaN: the path never enters reach);
- the **shots available** at it are, summed over the feasible sites, ``min(inventory, 1 + ⌊margin /
  launch interval⌋)`` (the whole inventory when the interval is 0): launches the window leaves room for,
  each at a single threat with nothing else in the sky.

All arrays; pairs go through in chunks (``chunk`` pairs, default 1,000) to bound memory; times are from
each missile's own launch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..defense.windows import windows_from_launch_by
from ..earth.frames import ecef_to_geodetic
from ..earth.geodesy import _inverse
from ..flight.propagate import Booster
from ..flight.vehicles import DEFAULT_RV_RCS_M2, Vehicle
from .architecture import Architecture, decision_s, detection, earliest_launch_s
from .threats import ThreatSamples, aim_pairs, fly_paths

__all__ = ["PairResult", "engage_pairs", "site_windows"]


@dataclass(frozen=True)
class PairResult:
    """P (launch, target) pairs against S sites: arrays (P,) or (S, P); times from the missile's launch."""

    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    target_lat_deg: np.ndarray
    target_lon_deg: np.ndarray
    reachable: np.ndarray
    """(P,) the missile reaches the target (aimed within 1 km)."""
    detected_s: np.ndarray
    """(P,) first detection (NaN: never detected, or not reachable)."""
    decision_s: np.ndarray
    """(P,) decision to engage (NaN: never)."""
    feasible: np.ndarray
    """(S, P) the site can intercept it."""
    earliest_launch_s: np.ndarray
    latest_launch_s: np.ndarray
    earliest_intercept_s: np.ndarray
    latest_intercept_s: np.ndarray
    intercept_alt_m: np.ndarray
    """(S, P) altitude of the earliest intercept."""
    margin_s: np.ndarray
    """(S, P) latest launch − earliest launch (negative: too late; NaN: never within reach)."""
    engageable: np.ndarray
    """(P,) some site with inventory can intercept it."""
    shots: np.ndarray
    """(P,) interceptors the windows leave room for, summed over the sites."""
    best_margin_s: np.ndarray
    """(P,) the largest margin over the sites (NaN where no site ever has it within reach)."""
    flight_time_s: np.ndarray
    apogee_m: np.ndarray
    seconds: float
    """Wall time of the evaluation (s)."""
    propagation_s: float
    """Of which in the flight kernel (aiming and flying the missiles)."""

    def __len__(self) -> int:
        return self.reachable.shape[0]


def site_windows(arch: Architecture, samples: ThreatSamples, decision, tables=None):
    """Per-site launch-by times and windows of sampled threats (see the module docstring).

    Returns ``(windows, launch_by)``: an :class:`~jointshield.defense.EngagementWindows` of (S, M) with
    earliest launch = ``decision`` (M,) + readiness, and the (S, M, K) latest launch to intercept at each
    sample (NaN where unreachable). Only samples inside each type's band are looked up in its table.
    """
    sites = arch.sites
    tables = arch.tables() if tables is None else tables
    t = samples.t_s
    r = samples.r_ecef_m
    m_count, k_count = t.shape
    n_s = len(sites)
    finite = np.isfinite(t)
    _, _, alt = ecef_to_geodetic(np.where(finite[..., None], r, arch.model.a_m * np.array([1.0, 0, 0])), arch.model)
    alt = np.where(finite, alt, np.nan)
    launch_by = np.full((n_s, m_count, k_count), np.nan)
    for s in range(n_s):  # sites: a few, each vectorised over threats x samples
        it = sites.types[s]
        band = finite & (alt >= it.min_intercept_alt_m) & (alt <= it.max_intercept_alt_m)
        if not band.any():
            continue
        pts = r[band]
        # As defense.reach.point_geometry, with one geodesic solve for azimuth and range (not two).
        plat, plon, h = ecef_to_geodetic(pts, arch.model)
        az, rng = _inverse(sites.lat_rad[s], sites.lon_rad[s], plat, plon, arch.model)
        near = rng <= tables[s].max_range_m
        tt = np.full(pts.shape[0], np.nan)
        if near.any():
            tt[near] = tables[s].lookup(az[near], rng[near], h[near]).time_s
        lb = np.full((m_count, k_count), np.nan)
        lb[band] = t[band] - tt
        launch_by[s] = lb
    t_l0 = earliest_launch_s(arch, decision)
    closing = np.full_like(launch_by, np.nan)
    return windows_from_launch_by(t, launch_by, t_l0, alt, closing), launch_by


def engage_pairs(arch: Architecture, missile: Vehicle, launch_lat_deg, launch_lon_deg, target_lat_deg,
                 target_lon_deg, *, rcs_m2: float | None = None, dt_s: float = 5.0, chunk: int = 1000,
                 progress=None) -> PairResult:
    """Evaluate P (launch, target) pairs (degrees, broadcast to (P,)) of one missile type against the
    architecture (see the module docstring). ``rcs_m2``: the threat's radar cross-section (default the
    missile's, else 0.01 m²). ``progress(done, total)`` is called per chunk (pairs)."""
    t_start = time.perf_counter()
    la, lo, ta, to = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, float)) for x in (
        launch_lat_deg, launch_lon_deg, target_lat_deg, target_lon_deg)))
    la, lo, ta, to = (np.ascontiguousarray(x).ravel() for x in (la, lo, ta, to))
    p_count = la.shape[0]
    model = arch.model
    booster = Booster.from_vehicle(missile)
    rcs = float(rcs_m2 if rcs_m2 is not None else (missile.rcs_m2 if missile.rcs_m2 is not None
                                                   else DEFAULT_RV_RCS_M2))
    tables = arch.tables()
    total = 2 * p_count  # half for the aiming, half for flying and the windows

    def aim_progress(frac):
        if progress:
            progress(int(frac * p_count), total)

    steer = aim_pairs(booster, np.deg2rad(la), np.deg2rad(lo), np.deg2rad(ta), np.deg2rad(to), model,
                      progress=aim_progress)
    t_prop = steer.propagation_s
    n_s = len(arch.sites)
    out = {name: np.full((n_s, p_count), np.nan) for name in (
        "earliest_launch_s", "latest_launch_s", "earliest_intercept_s", "latest_intercept_s", "intercept_alt_m",
        "margin_s")}
    feasible = np.zeros((n_s, p_count), bool)
    detected = np.full(p_count, np.nan)
    decided = np.full(p_count, np.nan)
    flight = np.full(p_count, np.nan)
    apogee = np.full(p_count, np.nan)
    for c0 in range(0, p_count, chunk):
        rows = np.arange(c0, min(c0 + chunk, p_count))
        sub = steer.take(rows)
        samples = fly_paths(booster, np.deg2rad(la[rows]), np.deg2rad(lo[rows]), sub, model, dt_s=dt_s)
        t_prop += samples.propagation_s
        t_det, radar = detection(arch.radars, samples.t_s, samples.r_ecef_m, rcs)
        dec = decision_s(arch, t_det, radar, samples.burnout_t_s)
        win, launch_by = site_windows(arch, samples, dec, tables)
        best_lb = np.max(np.where(np.isfinite(launch_by), launch_by, -np.inf), axis=-1)  # (S, M)
        margin = np.where(np.isfinite(best_lb), best_lb - win.earliest_launch_s, np.nan)
        feasible[:, rows] = win.feasible
        out["earliest_launch_s"][:, rows] = win.earliest_launch_s
        out["latest_launch_s"][:, rows] = win.latest_launch_s
        out["earliest_intercept_s"][:, rows] = win.earliest_intercept_s
        out["latest_intercept_s"][:, rows] = win.latest_intercept_s
        out["intercept_alt_m"][:, rows] = win.earliest_alt_m
        out["margin_s"][:, rows] = margin
        detected[rows] = t_det
        decided[rows] = dec
        flight[rows] = samples.impact_t_s
        apogee[rows] = samples.apogee_m
        if progress:
            progress(p_count + int(rows[-1]) + 1, total)
    sites = arch.sites
    has_inv = (sites.inventory > 0)[:, None]
    ok = feasible & has_inv
    margin = np.where(ok, out["margin_s"], 0.0)
    interval = sites.launch_interval_s[:, None]
    room = np.where(interval > 0, 1 + np.floor(margin / np.where(interval > 0, interval, 1.0)), np.inf)
    shots = np.where(ok, np.minimum(sites.inventory[:, None], room), 0).sum(axis=0).astype(np.int64)
    with np.errstate(invalid="ignore"):
        best = np.where(np.isfinite(out["margin_s"]).any(axis=0), np.nanmax(
            np.where(np.isfinite(out["margin_s"]), out["margin_s"], -np.inf), axis=0), np.nan)
    return PairResult(la, lo, ta, to, steer.reachable, detected, decided, feasible, out["earliest_launch_s"],
                      out["latest_launch_s"], out["earliest_intercept_s"], out["latest_intercept_s"],
                      out["intercept_alt_m"], out["margin_s"], ok.any(axis=0), shots, best, flight, apogee,
                      time.perf_counter() - t_start, t_prop)
