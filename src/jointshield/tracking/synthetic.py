"""Synthetic truth and radar measurements for the tracker's tests and benchmarks.

Not a radar model (that is :mod:`jointshield.sensors`): sites that see everything above a minimum
elevation and within a maximum range, every ``revisit_s`` seconds, with Gaussian range/azimuth/elevation
noise of fixed standard deviations, a fixed probability of detection and a Poisson number of false
alarms per scan spread uniformly over a range/azimuth/elevation window. It produces the shared
:class:`~jointshield.sensors.Truth` and :class:`~jointshield.sensors.Measurements`, so that the tracker
can be tested and measured on its own.

Truth is sampled from the flight kernel (:func:`jointshield.flight.propagate.free_flight_ecef`): drag-free
ballistic flight from given ECEF states, advanced grid step by grid step (so every sample is the kernel's
own state at rtol 1e-10, not an interpolation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import ecef_to_aer, ecef_to_geodetic, eci_to_ecef, geodetic_to_ecef
from ..earth.models import WGS84, EarthModel
from ..flight import kernel as fk
from ..flight.propagate import burnout_state_ecef, free_flight_ecef
from ..sensors.measurements import Measurements, Truth


def ballistic_truth(
    r0_ecef_m: np.ndarray,
    v0_ecef_m_s: np.ndarray,
    t0_s: np.ndarray,
    dt_s: float,
    t_end_s: float,
    model: EarthModel = WGS84,
    ids: tuple[str, ...] | None = None,
) -> Truth:
    """Drag-free ballistic truth of T objects on the grid 0, dt, 2 dt, … ≤ t_end (s after the epoch).

    Object i starts at ECEF state (r0[i], v0[i]) (Earth-relative velocity) at time ``t0_s[i]``, which
    must lie on the grid; it is absent (NaN) before then and after its impact. ``launch_t_s`` is that
    start time (a burnout state: the boost is not simulated here).
    """
    r0 = np.atleast_2d(np.asarray(r0_ecef_m, dtype=float))
    v0 = np.atleast_2d(np.asarray(v0_ecef_m_s, dtype=float))
    n = r0.shape[0]
    t0 = np.broadcast_to(np.asarray(t0_s, dtype=float), (n,)).copy()
    grid = np.arange(0.0, t_end_s + 0.5 * dt_s, dt_s)
    k0 = np.rint(t0 / dt_s).astype(int)
    if np.any(np.abs(k0 * dt_s - t0) > 1e-9 * max(1.0, dt_s)):
        raise ValueError("start times must lie on the truth grid (multiples of dt_s)")
    r = np.full((n, grid.size, 3), np.nan)
    v = np.full((n, grid.size, 3), np.nan)
    impact_t = np.full(n, np.nan)
    impact_r = np.full((n, 3), np.nan)
    cur_r, cur_v = r0.copy(), v0.copy()
    flying = np.zeros(n, bool)
    for k in range(grid.size):
        start = k0 == k
        flying |= start
        if k > 0:
            idx = np.flatnonzero(flying & ~start)
            if idx.size:
                fb = free_flight_ecef(cur_r[idx], cur_v[idx], model, t_max_s=dt_s)
                hit = fb.status == fk.ST_IMPACT
                ri, vi = eci_to_ecef(fb.y_end_eci[:, :3], fb.y_end_eci[:, 3:], fb.t_end_s, 0.0,
                                     model.omega_rad_s)
                cur_r[idx], cur_v[idx] = ri, vi
                landed = idx[hit]
                impact_t[landed] = grid[k - 1] + fb.event_t_s[hit, fk.EV_IMPACT]
                impact_r[landed] = fb.event_state_ecef("impact")[0][hit]
                flying[landed] = False
        live = np.flatnonzero(flying)
        r[live, k], v[live, k] = cur_r[live], cur_v[live]
    lat0, lon0, _ = ecef_to_geodetic(r0, model)
    lat_i, lon_i, _ = ecef_to_geodetic(np.nan_to_num(impact_r, nan=model.a_m), model)
    lat_i[np.isnan(impact_t)] = np.nan
    lon_i[np.isnan(impact_t)] = np.nan
    ids = ids or tuple(f"t{i}" for i in range(n))
    return Truth(ids, grid, r, v, t0, impact_t, np.rad2deg(lat_i), np.rad2deg(lon_i), np.rad2deg(lat0),
                 np.rad2deg(lon0))


def random_ballistic_states(n: int, rng: np.random.Generator, lat_deg=(40.0, 50.0), lon_deg=(20.0, 35.0),
                            alt_m=(80e3, 150e3), speed_m_s=(3000.0, 5000.0), gamma_deg=(25.0, 45.0),
                            azimuth_deg=(240.0, 300.0), model: EarthModel = WGS84):
    """N burnout-like ECEF states drawn uniformly from the given boxes (geodetic place, speed, flight-path
    angle, heading). Returns ``(r_ecef (N, 3), v_ecef (N, 3))``."""
    u = [rng.uniform(lo, hi, n) for lo, hi in (lat_deg, lon_deg, alt_m, speed_m_s, gamma_deg, azimuth_deg)]
    return burnout_state_ecef(np.deg2rad(u[0]), np.deg2rad(u[1]), u[2], u[3], np.deg2rad(u[4]),
                              np.deg2rad(u[5]), model)


@dataclass(frozen=True)
class SimpleRadar:
    """A site that sees all round, above ``min_el_deg`` and within ``max_range_m``, every ``revisit_s``."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    sigma_range_m: float = 50.0
    sigma_az_rad: float = 1e-3
    sigma_el_rad: float = 1e-3
    pd: float = 0.9
    revisit_s: float = 2.0
    offset_s: float = 0.0
    max_range_m: float = 3000e3
    min_el_deg: float = 2.0
    false_alarms_per_scan: float = 0.0
    fa_window: tuple[float, float, float, float, float, float] | None = None
    """(range_min m, range_max m, az_min rad, az_max rad, el_min rad, el_max rad) of the false alarms;
    None: the whole volume the radar sees."""


def observe_simple(truth: Truth, radars: list[SimpleRadar], rng: np.random.Generator,
                   model: EarthModel = WGS84) -> Measurements:
    """Measurements of ``truth`` by ``radars``: scans at the truth grid times ``offset + k·revisit``.

    Every scan time must be a truth sample time (choose revisit and offset as multiples of its grid step).
    Scan indices count each radar's scans from 0, including scans with no detection.
    """
    grid = truth.t_s
    step = grid[1] - grid[0]
    cols = {k: [] for k in ("t", "s", "r", "a", "e", "sr", "sa", "se", "truth", "scan")}
    site_ecef, site_lat, site_lon = [], [], []
    for si, rad in enumerate(radars):
        lat, lon = np.deg2rad(rad.lat_deg), np.deg2rad(rad.lon_deg)
        site_ecef.append(geodetic_to_ecef(lat, lon, rad.alt_m, model))
        site_lat.append(lat)
        site_lon.append(lon)
        ks = np.arange(np.rint(rad.offset_s / step), grid.size, np.rint(rad.revisit_s / step)).astype(int)
        for scan, k in enumerate(ks):
            pos = truth.r_ecef_m[:, k]
            present = ~np.isnan(pos[:, 0])
            idx = np.flatnonzero(present)
            az, el, rng_m = ecef_to_aer(pos[idx], lat, lon, rad.alt_m, model)
            seen = (el >= np.deg2rad(rad.min_el_deg)) & (rng_m <= rad.max_range_m)
            det = seen & (rng.random(idx.size) < rad.pd)
            nd = int(det.sum())
            r_obs = rng_m[det] + rad.sigma_range_m * rng.standard_normal(nd)
            a_obs = np.mod(az[det] + rad.sigma_az_rad * rng.standard_normal(nd), 2 * np.pi)
            e_obs = el[det] + rad.sigma_el_rad * rng.standard_normal(nd)
            who = idx[det]
            nf = int(rng.poisson(rad.false_alarms_per_scan)) if rad.false_alarms_per_scan > 0 else 0
            if nf:
                w = rad.fa_window or (100e3, rad.max_range_m, 0.0, 2 * np.pi, np.deg2rad(rad.min_el_deg),
                                      np.pi / 2)
                r_obs = np.r_[r_obs, rng.uniform(w[0], w[1], nf)]
                a_obs = np.r_[a_obs, np.mod(rng.uniform(w[2], w[3], nf), 2 * np.pi)]
                e_obs = np.r_[e_obs, rng.uniform(w[4], w[5], nf)]
                who = np.r_[who, np.full(nf, -1)]
            cnt = r_obs.size
            cols["t"].append(np.full(cnt, grid[k]))
            cols["s"].append(np.full(cnt, si))
            cols["r"].append(r_obs)
            cols["a"].append(a_obs)
            cols["e"].append(e_obs)
            cols["sr"].append(np.full(cnt, rad.sigma_range_m))
            cols["sa"].append(np.full(cnt, rad.sigma_az_rad))
            cols["se"].append(np.full(cnt, rad.sigma_el_rad))
            cols["truth"].append(who)
            cols["scan"].append(np.full(cnt, scan))
    c = {k: np.concatenate(v) if v else np.empty(0) for k, v in cols.items()}
    order = np.lexsort((c["s"], c["t"]))
    return Measurements(
        t_s=c["t"][order], sensor=c["s"][order].astype(np.int64), range_m=c["r"][order], az_rad=c["a"][order],
        el_rad=c["e"][order], sigma_range_m=c["sr"][order], sigma_az_rad=c["sa"][order],
        sigma_el_rad=c["se"][order], truth=c["truth"][order].astype(np.int64),
        scan=c["scan"][order].astype(np.int64), site_ecef_m=np.array(site_ecef),
        site_lat_rad=np.array(site_lat), site_lon_rad=np.array(site_lon))
