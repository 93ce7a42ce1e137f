"""Reach tables: the earliest time at which an interceptor launched at t = 0 can be at a point.

A :class:`ReachTable` holds, for one interceptor type, one Earth model and one site latitude, on a grid
of (launch azimuth, altitude, ground range), the earliest time after launch at which the *separated kill
vehicle* can be at that point, with its Earth-relative speed, flight-path angle and the pitch-over kick
that gets it there. It is computed by flying the interceptor model, not from a formula:

1. A fan of powered flights per azimuth — kicks 0–85° from the vertical in 0.5° steps, full burn (an
   interceptor does not cut its thrust), from the site latitude at sea level — flown in one batch by the
   flight kernel with the integrator's steps recorded.
2. Each flight is sampled every ``dt_s`` (2 s) from burn-out on by cubic Hermite interpolation between its steps, and its
   crossings of every altitude level of the grid are located (linear in time between samples, Hermite in
   position): the ascending crossing and, after apogee, the descending one. Crossings before burn-out are
   dropped: the kill vehicle cannot intercept while still on its booster.
3. At each level, neighbouring kicks' crossings form segments in (ground range, time); the time at a grid
   range is the least over the segments that span it (linear in range along each), which is the front of
   the whole fan. Where the fan's apogees just reach a level, the two crossings of the last kick that
   reaches it are joined.
4. The table is interpolated linearly in (azimuth, altitude, range), the arithmetic of scipy's
   ``RegularGridInterpolator`` in a compiled loop (:func:`._kernels.trilinear_regular`, equal to the
   library's values bit for bit and ~20× faster on the engine's small queries); cells the fan does not
   reach are NaN, so a query near the edge of reach is refused rather than guessed.

Earth rotation: the Coriolis and centrifugal terms make reach depend on the launch azimuth and the site
latitude (an eastward shot is helped, a westward one hindered: tens of km and some seconds on long
flights). Tables are therefore flown at the site's latitude (rounded to 0.01°) and tabulated over 24
launch azimuths (15° apart, periodic); on the non-rotating ``textbook`` sphere one azimuth serves all.
A query uses the geodesic azimuth from the site to the point as the launch azimuth: the Coriolis drift
turns the ground track by under about a degree, which changes the time far less than the table's
tolerance (tests compare with direct fly-outs). Sites are taken at sea level (their few hundred metres of
height are ignored).

Ground range is the geodesic on the model's surface from the site to the point's sub-point; altitude is
geodetic; times are from launch. Tables are cached in memory, keyed by the type's figures, the Earth
model, the latitude and the grid; build one per (type, site latitude) and share it (they pickle).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..earth.frames import ecef_to_geodetic, enu_rotation
from ..earth.geodesy import _broadcast, _geod, _inverse, _wrap_azimuth
from ..earth.models import EarthModel
from ..flight.propagate import powered_flight
from ._kernels import trilinear_regular
from ._paths import _cubic_hermite, sample_batch_ecef
from .interceptor import InterceptorType

__all__ = ["ReachPoint", "ReachTable", "clear_reach_cache", "point_geometry", "reach_table"]

DEFAULT_KICKS_RAD = np.deg2rad(np.arange(0.0, 85.0 + 1e-9, 0.5))
N_AZIMUTHS = 24
N_ALTITUDES = 81
N_RANGES = 241
DT_S = 2.0
HORIZON_S = 1800.0
"""Longest flight time tabulated (s): 30 minutes, longer than any regional engagement."""
RECORD_STEPS = 600
_CACHE: dict[tuple, ReachTable] = {}
_CACHE_SIZE = 32


class ReachPoint(NamedTuple):
    """Table values at query points (arrays of the query shape; NaN where not reachable)."""

    time_s: np.ndarray
    """Earliest time after launch at which the kill vehicle can be there (s)."""
    speed_m_s: np.ndarray
    """Its Earth-relative speed there (m/s)."""
    gamma_rad: np.ndarray
    """Its flight-path angle above the local horizontal there (rad)."""
    kick_rad: np.ndarray
    """The pitch-over kick of the flight that gets there first (rad from the vertical)."""
    launch_azimuth_rad: np.ndarray
    """The launch azimuth of that flight (rad from north): the point's azimuth less the Coriolis drift."""


@dataclass(frozen=True, eq=False)
class ReachTable:
    """Earliest-arrival table of one interceptor type at one site latitude (see the module docstring)."""

    type_name: str
    model: EarthModel
    lat_rad: float
    azimuth_rad: np.ndarray
    """(A,) launch azimuths (rad from north), 0 ≤ az < 2π, evenly spaced."""
    alt_m: np.ndarray
    """(H,) geodetic altitudes (m): the type's intercept band."""
    range_m: np.ndarray
    """(G,) ground ranges from the site (m)."""
    time_s: np.ndarray
    """(A, H, G) earliest time after launch (s); NaN where the kill vehicle cannot be."""
    speed_m_s: np.ndarray
    gamma_rad: np.ndarray
    kick_rad: np.ndarray
    drift_rad: np.ndarray
    """(A, H, G) azimuth of the point from the site minus the launch azimuth (Coriolis drift, rad)."""
    burn_time_s: float
    horizon_s: float
    build_s: float
    _interp: dict = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict:  # pickled without the interpolation grid (a copy of the arrays): half the bytes
        state = dict(self.__dict__)
        state["_interp"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def interpolation_grid(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        """The grid that :meth:`lookup` interpolates on: axes (launch azimuth closed periodically with
        az₀ + 2π, altitude, range) and values (A + 1, H, G, 5) of time, speed, flight-path angle, kick and
        drift (C-contiguous; built once per table)."""
        if "grid" not in self._interp:
            az = np.concatenate([self.azimuth_rad, [self.azimuth_rad[0] + 2 * np.pi]])
            vals = np.stack([self.time_s, self.speed_m_s, self.gamma_rad, self.kick_rad, self.drift_rad], axis=-1)
            vals = np.concatenate([vals, vals[:1]], axis=0)
            if len(self.azimuth_rad) == 1:  # azimuth-independent (non-rotating sphere)
                az = np.array([0.0, 2 * np.pi])
            axes = tuple(np.ascontiguousarray(a, dtype=float) for a in (az, self.alt_m, self.range_m))
            self._interp["grid"] = (axes, np.ascontiguousarray(vals, dtype=float))
        return self._interp["grid"]

    def _interpolate(self, pts: np.ndarray) -> np.ndarray:
        """Table values (N, 5) at points (N, 3) of (launch azimuth in [0, 2π), altitude, range); NaN outside."""
        (az, alt, rng), vals = self.interpolation_grid()
        out = np.empty((pts.shape[0], vals.shape[-1]))
        trilinear_regular(az, alt, rng, vals, np.ascontiguousarray(pts, dtype=float), out)
        return out

    def lookup(self, azimuth_rad, range_m, alt_m) -> ReachPoint:
        """Interpolated table values at points given by their geodesic azimuth from the site (rad), ground
        range (m) and geodetic altitude (m), arrays that broadcast together; NaN outside the table or its
        reach. The launch azimuth that reaches the point is found by removing the tabulated drift (two
        fixed-point steps); ``ReachPoint.launch_azimuth_rad`` gives it."""
        az, rng, alt = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (azimuth_rad, range_m, alt_m)))
        launch = np.mod(az, 2 * np.pi)
        for _ in range(3):
            pts = np.stack([launch, alt, rng], axis=-1).reshape(-1, 3)
            out = self._interpolate(pts).reshape(az.shape + (5,))
            launch = np.mod(az - np.nan_to_num(out[..., 4]), 2 * np.pi)
        return ReachPoint(out[..., 0], out[..., 1], out[..., 2], out[..., 3], launch)

    @property
    def max_range_m(self) -> float:
        return float(self.range_m[-1])


def point_geometry(site_lat_rad, site_lon_rad, r_ecef_m, model: EarthModel):
    """Launch azimuth (rad), ground range (m) and geodetic altitude (m) of ECEF points from sites.

    ``site_lat_rad``/``site_lon_rad`` broadcast against ``r_ecef_m[..., 0]``. NaN positions give NaN.
    """
    az, rng, alt, _ = point_geometry_geodetic(site_lat_rad, site_lon_rad, *geodetic_points(r_ecef_m, model),
                                              model)
    return az, rng, alt


def geodetic_points(r_ecef_m, model: EarthModel):
    """``(lat_rad, lon_rad, alt_m, bad)`` of ECEF points (..., 3): NaN positions (``bad``) are placed at
    (a, 0, 0) so that their angles are finite (:func:`point_geometry_geodetic` gives them NaN)."""
    r = np.asarray(r_ecef_m, dtype=float)
    bad = ~np.all(np.isfinite(r), axis=-1)
    lat, lon, alt = ecef_to_geodetic(np.where(bad[..., None], [model.a_m, 0.0, 0.0], r), model)
    return lat, lon, alt, bad


def point_geometry_geodetic(site_lat_rad, site_lon_rad, lat, lon, alt, bad, model: EarthModel):
    """:func:`point_geometry` from the points' geodetic coordinates (:func:`geodetic_points`), one
    geodesic inverse for both ends: ``(azimuth at the site, range, altitude, heading)``, the heading (rad
    from north) being the direction of travel at the point along the geodesic away from the site (pyproj's
    back azimuth + π on the ellipsoid; on a sphere the azimuth from the point to the site + π). NaN where
    ``bad``. Sites broadcast against the points."""
    slat, slon, lat, lon = np.broadcast_arrays(np.asarray(site_lat_rad, float), np.asarray(site_lon_rad, float),
                                               lat, lon)
    if model.f == 0.0:
        az, rng = _inverse(slat, slon, lat, lon, model)
        heading = _inverse(lat, lon, slat, slon, model)[0] + np.pi
    else:
        lat1, lon1, lat2, lon2 = _broadcast(slat, slon, lat, lon)
        az12, az21, dist = _geod(model).inv(lon1, lat1, lon2, lat2, radians=True)
        az, rng = _wrap_azimuth(np.asarray(az12, dtype=float)), np.asarray(dist, dtype=float)
        heading = _wrap_azimuth(np.asarray(az21, dtype=float)) + np.pi
    bad = np.broadcast_to(bad, az.shape)
    return (np.where(bad, np.nan, az), np.where(bad, np.nan, rng),
            np.where(bad, np.nan, np.broadcast_to(alt, az.shape)), np.where(bad, np.nan, heading))


def _first_at_or_above(series: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Per row, the first index where a non-decreasing row reaches each level (K if never): (N, H)."""
    n, k = series.shape
    series = np.clip(series, -1e9, 1e9)  # ±inf (no data) would break the rows' order below
    top = 1e9 + float(np.max(np.abs(levels))) + 1.0
    shift = (np.arange(n) * 4.0 * top)[:, None]
    keys = (series + shift).ravel()
    idx = np.searchsorted(keys, (levels[None, :] + shift).ravel(), side="left").reshape(n, -1)
    return idx - (np.arange(n) * k)[:, None]


def _crossings(t, r, v, alt, levels, site_lat, model, burn_time_s, launch_az=0.0):
    """Ascending and descending crossings of each level: dict of (N, H) arrays (NaN where none)."""
    n, k = alt.shape
    a = np.where(np.isfinite(alt), alt, -np.inf)
    run_max = np.maximum.accumulate(a, axis=1)
    i_up = _first_at_or_above(run_max, levels)  # first sample at or above the level
    rev_max = np.maximum.accumulate(a[:, ::-1], axis=1)[:, ::-1]  # max of alt from here on: non-increasing
    # Last sample at or above the level: one before the first index where rev_max drops below it.
    i_last = _first_at_or_above(-rev_max, -levels * (1 + 1e-15) - 1e-9) - 1
    out = {}
    rows = np.arange(n)[:, None]
    for name, i0, i1 in (("up", i_up - 1, i_up), ("down", i_last, i_last + 1)):
        ok = (i0 >= 0) & (i1 < k)
        j0, j1 = np.clip(i0, 0, k - 1), np.clip(i1, 0, k - 1)
        h0, h1 = alt[rows, j0], alt[rows, j1]
        lv = levels[None, :]
        ok &= np.isfinite(h0) & np.isfinite(h1) & (h1 != h0)
        ok &= ((h0 < lv) & (h1 >= lv)) if name == "up" else ((h0 >= lv) & (h1 < lv))
        frac = np.clip(np.where(ok, (lv - h0) / np.where(h1 != h0, h1 - h0, 1.0), 0.0), 0.0, 1.0)
        tc = t[j0] + frac * (t[j1] - t[j0])
        ok &= tc >= burn_time_s
        rc, _ = _cubic_hermite(t[j0], t[j1], r[rows, j0], r[rows, j1], v[rows, j0], v[rows, j1], tc)
        vl = v[rows, j0] + frac[..., None] * (v[rows, j1] - v[rows, j0])
        sel = np.nonzero(ok)
        rng = np.full(ok.shape, np.nan)
        gam = np.full(ok.shape, np.nan)
        drift = np.full(ok.shape, np.nan)
        if len(sel[0]):
            lat, lon, _ = ecef_to_geodetic(rc[sel], model)
            az_pt, rng[sel] = _inverse(site_lat, 0.0, lat, lon, model)
            drift[sel] = np.angle(np.exp(1j * (az_pt - launch_az)))
            up = enu_rotation(lat, lon)[..., 2, :]
            vs = vl[sel]
            gam[sel] = np.arcsin(np.clip(np.sum(up * vs, -1) / np.linalg.norm(vs, axis=-1), -1.0, 1.0))
        out[name] = {
            "ok": ok,
            "t": np.where(ok, tc, np.nan),
            "R": rng,
            "speed": np.where(ok, np.linalg.norm(vl, axis=-1), np.nan),
            "gamma": gam,
            "drift": drift,
        }
    return out


def _front(cross: dict, kicks: np.ndarray, grid_r: np.ndarray):
    """Least time over the fan's segments at each grid point, per level: (H, G, 6) array of time, speed,
    flight-path angle, kick, azimuth drift and the span of the segment used in grid steps (NaN where no
    segment spans the point). ``cross`` holds branches of crossings whose key "R" is the coordinate along ``grid_r``."""
    up, dn = cross["up"], cross["down"]
    n, h = up["ok"].shape
    kk = np.broadcast_to(kicks[:, None], (n, h))

    def pack(br, rows):
        return np.stack([br["R"][rows], br["t"][rows], br["speed"][rows], br["gamma"][rows], kk[rows],
                         br["drift"][rows]], -1)

    rows = np.arange(n - 1)
    all_rows = np.arange(n)
    # Tips: a kick that reaches the level while the next one does not: join its two crossings.
    nxt = np.vstack([up["ok"][1:], np.zeros((1, h), bool)])
    tip = up["ok"] & dn["ok"] & ~nxt
    parts = [(pack(up, rows), pack(up, rows + 1), up["ok"][:-1] & up["ok"][1:]),
             (pack(dn, rows), pack(dn, rows + 1), dn["ok"][:-1] & dn["ok"][1:]),
             (pack(up, all_rows), pack(dn, all_rows), tip)]
    level = np.concatenate([np.nonzero(ok)[1] for _, _, ok in parts])
    a = np.concatenate([pa[ok] for pa, _, ok in parts])  # (S, 5) segment ends
    b = np.concatenate([pb[ok] for _, pb, ok in parts])
    out = np.full((h, len(grid_r), 6), np.nan)
    if len(a) == 0:
        return out
    # Every (segment, grid point) it spans, enumerated without a loop; then the least time per cell.
    g0, dr = grid_r[0], grid_r[1] - grid_r[0]
    lo = np.minimum(a[:, 0], b[:, 0])
    hi = np.maximum(a[:, 0], b[:, 0])
    i_lo = np.maximum(np.ceil((lo - g0) / dr - 1e-9).astype(np.int64), 0)
    i_hi = np.minimum(np.floor((hi - g0) / dr + 1e-9).astype(np.int64), len(grid_r) - 1)
    count = np.maximum(i_hi - i_lo + 1, 0)
    seg = np.repeat(np.arange(len(a)), count)
    first = np.cumsum(count) - count
    gi = i_lo[seg] + (np.arange(seg.size) - first[seg])
    ra, rb = a[seg, 0], b[seg, 0]
    w = np.clip(np.where(rb != ra, (grid_r[gi] - ra) / np.where(rb != ra, rb - ra, 1.0), 0.0), 0.0, 1.0)
    vals = a[seg, 1:] + w[:, None] * (b[seg, 1:] - a[seg, 1:])
    vals = np.hstack([vals, ((hi - lo) / dr)[seg, None]])
    cell = level[seg] * len(grid_r) + gi
    order = np.lexsort((vals[:, 0], cell))
    cell_sorted = cell[order]
    lead = np.concatenate([[True], cell_sorted[1:] != cell_sorted[:-1]])
    pick = order[lead]
    out.reshape(-1, 6)[cell[pick]] = vals[pick]
    return out


def _sample_range_azimuth(lat, lon, site_lat, model, every: int = 8):
    """Ground range (m) and azimuth (rad) from the site (at longitude 0) of every sample (N, K): exact
    geodesics at every ``every``-th sample; between them the spherical range scaled by the interpolated
    ratio of the two, and the spherical azimuth plus the interpolated difference (both smooth along a
    path: centimetres and microradians)."""
    sl, cl = np.sin(site_lat), np.cos(site_lat)
    cos_psi = sl * np.sin(lat) + cl * np.cos(lat) * np.cos(lon)
    psi = np.arccos(np.clip(cos_psi, -1.0, 1.0))
    az_s = np.arctan2(np.cos(lat) * np.sin(lon), cl * np.sin(lat) - sl * np.cos(lat) * np.cos(lon))
    if model.f == 0.0:
        return model.a_m * psi, np.mod(az_s, 2 * np.pi)
    n, k = lat.shape
    cols = np.unique(np.concatenate([np.arange(0, k, every), [k - 1]]))
    la, lo = lat[:, cols], lon[:, cols]
    good = np.isfinite(la) & np.isfinite(lo)
    exact_r = np.full(la.shape, np.nan)
    exact_az = np.full(la.shape, np.nan)
    exact_az[good], exact_r[good] = _inverse(site_lat, 0.0, la[good], lo[good], model)
    p_c = psi[:, cols]
    ratio = np.where(p_c > 1e-9, exact_r / np.where(p_c > 1e-9, p_c, 1.0), model.a_m)
    ratio = np.where(np.isfinite(ratio), ratio, model.a_m)
    d_az = np.angle(np.exp(1j * (exact_az - az_s[:, cols])))
    d_az = np.where(np.isfinite(d_az), d_az, 0.0)
    idx = np.arange(k)
    ratio_all = np.stack([np.interp(idx, cols, ratio[i]) for i in range(n)])  # N rows of K numbers
    d_az_all = np.stack([np.interp(idx, cols, d_az[i]) for i in range(n)])
    return psi * ratio_all, np.mod(az_s + d_az_all, 2 * np.pi)


def _range_crossings(t, rng, alt, speed, gamma, drift, grid_r, burn_time_s):
    """Where each flight first reaches each grid range after burn-out: {"up": dict of (N, G) arrays,
    "down": none}, with the altitude there under key "R" (the coordinate of the front at fixed range)."""
    n, k = rng.shape
    rm = np.maximum.accumulate(np.where(np.isfinite(rng), rng, -np.inf), axis=1)
    j1 = _first_at_or_above(rm, grid_r)
    j0 = j1 - 1
    ok = (j0 >= 0) & (j1 < k)
    rows = np.arange(n)[:, None]
    c0, c1 = np.clip(j0, 0, k - 1), np.clip(j1, 0, k - 1)
    r0, r1 = rng[rows, c0], rng[rows, c1]
    ok &= np.isfinite(r0) & np.isfinite(r1) & (r1 > r0)
    frac = np.clip(np.where(ok, (grid_r[None, :] - r0) / np.where(r1 > r0, r1 - r0, 1.0), 0.0), 0.0, 1.0)

    def lerp(x):
        return x[rows, c0] + frac * (x[rows, c1] - x[rows, c0])

    tc = t[c0] + frac * (t[c1] - t[c0])
    ok &= tc >= burn_time_s
    up = {"ok": ok}
    for key, x in (("t", np.broadcast_to(t, rng.shape)), ("R", alt), ("speed", speed), ("gamma", gamma),
                   ("drift", drift)):
        up[key] = np.where(ok, lerp(x), np.nan)
    none = {key: np.full(ok.shape, np.nan) for key in up}
    none["ok"] = np.zeros(ok.shape, bool)
    return {"up": up, "down": none}


def _fly_and_sample(booster, model, lat_rad, az, kicks, horizon_s, dt_s):
    fb = powered_flight(booster, lat_rad, 0.0, 0.0, az, kicks, booster.burn_time_s, model,
                        t_max_s=horizon_s, record_steps=RECORD_STEPS)
    if np.any(fb.record_n >= RECORD_STEPS):
        raise RuntimeError("reach table: a flight has more steps than RECORD_STEPS; raise it")
    # Crossings before burn-out are not wanted: sample from one step before it to the last landing.
    t_stop = min(horizon_s, float(np.max(fb.t_end_s)))
    t_grid = np.arange(max(booster.burn_time_s - dt_s, 0.0), t_stop + dt_s, dt_s)
    r, v = sample_batch_ecef(fb, t_grid)
    bad = ~np.isfinite(r[..., 0])
    lat, lon, alt = ecef_to_geodetic(np.where(bad[..., None], [model.a_m, 0.0, 0.0], r), model)
    lat, lon, alt = (np.where(bad, np.nan, x) for x in (lat, lon, alt))
    return t_grid, r, v, lat, lon, alt


def _build(itype: InterceptorType, model: EarthModel, lat_rad: float, n_azimuths: int, n_alt: int,
           n_range: int, dt_s: float, horizon_s: float, kicks: np.ndarray) -> ReachTable:
    t0 = time.perf_counter()
    booster = itype.booster
    t_burn = booster.burn_time_s
    levels = np.linspace(itype.min_intercept_alt_m, itype.max_intercept_alt_m, n_alt)
    azimuths = np.arange(n_azimuths) * (2 * np.pi / n_azimuths)
    # Pre-pass: the longest ground range at which the kill vehicle is inside the altitude band within the
    # horizon, on four headings (Earth rotation makes east the longest), fixes the range grid.
    r_max = 0.0
    for az in np.arange(4) * (np.pi / 2):
        t_grid, _, _, lat, lon, alt = _fly_and_sample(booster, model, lat_rad, az, kicks[::2], horizon_s, dt_s)
        rng, _ = _sample_range_azimuth(lat, lon, lat_rad, model)
        band = (alt >= levels[0]) & (alt <= levels[-1]) & (t_grid[None, :] >= t_burn)
        r_max = max(r_max, float(np.max(np.where(band & np.isfinite(rng), rng, 0.0))))
    grid_r = np.linspace(0.0, 1.03 * r_max, n_range)
    vals = np.full((n_azimuths, n_alt, n_range, 5), np.nan)
    for i, az in enumerate(azimuths):  # one batch of the whole fan per azimuth (memory: fan × samples)
        t_grid, r, v, lat, lon, alt = _fly_and_sample(booster, model, lat_rad, az, kicks, horizon_s, dt_s)
        # Front 1, along altitude levels: well conditioned where flights climb or fall steeply.
        by_level = _front(_crossings(t_grid, r, v, alt, levels, lat_rad, model, t_burn, az), kicks, grid_r)
        # Front 2, along ground ranges: well conditioned near apogees, where levels graze the flights.
        speed = np.linalg.norm(v, axis=-1)
        up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
        gamma = np.arcsin(np.clip(np.sum(up * v, -1) / np.where(speed > 0, speed, 1.0), -1.0, 1.0))
        rng, az_pt = _sample_range_azimuth(lat, lon, lat_rad, model)
        drift = np.angle(np.exp(1j * (az_pt - az)))
        by_range = _front(_range_crossings(t_grid, rng, alt, speed, gamma, drift, grid_r, t_burn), kicks,
                          levels).transpose(1, 0, 2)
        # Per cell, the estimate interpolated over the shorter segment (in grid steps) of the fan.
        span1 = np.where(np.isfinite(by_level[..., 0]), by_level[..., 5], np.inf)
        span2 = np.where(np.isfinite(by_range[..., 0]), by_range[..., 5], np.inf)
        vals[i] = np.where((span2 < span1)[..., None], by_range[..., :5], by_level[..., :5])
    return ReachTable(itype.name, model, float(lat_rad), azimuths, levels, grid_r, vals[..., 0], vals[..., 1],
                      vals[..., 2], vals[..., 3], vals[..., 4], t_burn, horizon_s, time.perf_counter() - t0)


def reach_table(itype: InterceptorType, model: EarthModel, site_lat_rad: float = 0.0, *,
                n_azimuths: int | None = None, n_alt: int = N_ALTITUDES, n_range: int = N_RANGES,
                dt_s: float = DT_S, horizon_s: float = HORIZON_S,
                kicks_rad: np.ndarray = DEFAULT_KICKS_RAD) -> ReachTable:
    """The (cached) reach table of ``itype`` on ``model`` at a site latitude (rad; rounded to 0.01°).

    On a non-rotating model one azimuth is flown (reach is then the same in every direction) and the
    latitude is irrelevant on a sphere; otherwise ``n_azimuths`` (default 24) launch azimuths.
    """
    rotating = model.omega_rad_s != 0.0
    if n_azimuths is None:
        n_azimuths = N_AZIMUTHS if rotating else 1
    lat = round(float(np.rad2deg(site_lat_rad)), 2) if (rotating or model.f != 0.0) else 0.0
    key = (itype.key, model, lat, n_azimuths, n_alt, n_range, dt_s, horizon_s, tuple(np.round(kicks_rad, 12)))
    table = _CACHE.get(key)
    if table is None:
        table = _build(itype, model, np.deg2rad(lat), n_azimuths, n_alt, n_range, dt_s, horizon_s,
                       np.asarray(kicks_rad, dtype=float))
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = table
    return table


def clear_reach_cache() -> None:
    """Forget every cached reach table."""
    _CACHE.clear()
