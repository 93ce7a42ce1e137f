"""Reach maps and defended footprints: :func:`~.engage.engage_pairs` over a latitude/longitude grid.

- :func:`reach_map`: launch points on a grid × a few targets → from which launch points the architecture
  can engage a missile aimed at each target.
- :func:`footprint`: a few launch points (a launch region sampled) × target points on a grid → which targets
  it defends: the share of the launch points whose missile aimed at the target it can engage.

A :class:`Grid` is regular in latitude and longitude (degrees), optionally masked to a region; only the
points inside are evaluated. Every grid point and launch point is one (launch, target) pair, all batched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.models import WGS84, EarthModel
from ..errors import InputError
from ..flight.vehicles import Vehicle
from .architecture import Architecture
from .engage import PairResult, engage_pairs

__all__ = ["Footprint", "Grid", "ReachMap", "footprint", "reach_map", "region_centre_deg", "region_outline_deg"]

MAX_GRID_POINTS = 200_000


def region_outline_deg(region) -> tuple[np.ndarray, np.ndarray]:
    """Points (degrees) whose bounding box holds the region: a polygon's vertices, or a circle's extreme
    points north, south, east and west (longitudes continuous across the 180° meridian)."""
    if hasattr(region, "radius_m"):
        from ..earth.constants import MEAN_RADIUS_M

        d = np.rad2deg(region.radius_m / MEAN_RADIUS_M) * 1.01
        lat, lon = np.rad2deg(region.lat_rad), np.rad2deg(region.lon_rad)
        dlon = min(d / max(np.cos(np.deg2rad(min(abs(lat) + d, 89.0))), 1e-3), 180.0)
        return (np.clip(np.array([lat - d, lat + d, lat, lat]), -90, 90), np.array([lon, lon, lon - dlon, lon + dlon]))
    blat, blon = (np.rad2deg(x) for x in region.boundary_vertices_rad)
    c = np.rad2deg(np.angle(np.mean(np.exp(1j * np.deg2rad(blon)))))
    return blat, c + np.mod(blon - c + 180.0, 360.0) - 180.0


def region_centre_deg(region) -> tuple[float, float]:
    """A circle's centre, or a polygon's centre (the normalised mean of its vertices' unit vectors)."""
    if hasattr(region, "radius_m"):
        return float(np.rad2deg(region.lat_rad)), float(np.rad2deg(region.lon_rad))
    lat, lon = region.boundary_vertices_rad
    u = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1).mean(axis=0)
    return float(np.rad2deg(np.arctan2(u[2], np.hypot(u[0], u[1])))), float(np.rad2deg(np.arctan2(u[1], u[0])))


@dataclass(frozen=True)
class Grid:
    """A latitude/longitude grid (degrees): ``lat_deg`` (nlat,), ``lon_deg`` (nlon,), ``mask`` (nlat, nlon)."""

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    mask: np.ndarray
    """True where the point is evaluated (inside the region the grid was made for)."""

    @classmethod
    def box(cls, lat_min: float, lat_max: float, lon_min: float, lon_max: float, step_deg: float) -> Grid:
        """Every ``step_deg`` from the corner (lat_min, lon_min) to the box's far edges (inclusive when on
        the step). Longitudes may run past 180 (wrapped when used)."""
        if not (np.isfinite(step_deg) and step_deg > 0):
            raise InputError("step_deg", f"{step_deg:g} must be a positive number of degrees")
        if not (-90 <= lat_min <= lat_max <= 90):
            raise InputError("lat", f"{lat_min:g}..{lat_max:g} is not an increasing range within -90..90")
        if not (lon_min <= lon_max and lon_max - lon_min <= 360):
            raise InputError("lon", f"{lon_min:g}..{lon_max:g} is not an increasing range of at most 360°")
        lat = lat_min + step_deg * np.arange(int(np.floor((lat_max - lat_min) / step_deg + 1e-9)) + 1)
        lon = lon_min + step_deg * np.arange(int(np.floor((lon_max - lon_min) / step_deg + 1e-9)) + 1)
        if lat.size * lon.size > MAX_GRID_POINTS:
            raise InputError("step_deg", f"{step_deg:g}° gives {lat.size * lon.size:,} points; at most "
                             f"{MAX_GRID_POINTS:,}: use a larger step or a smaller region")
        return cls(lat, lon, np.ones((lat.size, lon.size), bool))

    @classmethod
    def over_region(cls, region, step_deg: float, model: EarthModel = WGS84) -> Grid:
        """The grid over a region's bounding box (from its boundary), masked to the points inside it."""
        blat, blon = region_outline_deg(region)
        lat0 = np.floor(blat.min() / step_deg) * step_deg
        lon0 = np.floor(blon.min() / step_deg) * step_deg
        g = cls.box(max(lat0, -90.0), min(blat.max(), 90.0), lon0, blon.max(), step_deg)
        la, lo = np.meshgrid(g.lat_deg, g.lon_deg, indexing="ij")
        inside = np.asarray(region.contains(np.deg2rad(la), np.deg2rad(lo), model), bool)
        return cls(g.lat_deg, g.lon_deg, inside)

    @property
    def shape(self) -> tuple[int, int]:
        return self.mask.shape

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude (degrees, longitude wrapped into -180..180) of the masked points, (N,)."""
        la, lo = np.meshgrid(self.lat_deg, self.lon_deg, indexing="ij")
        lo = np.mod(lo[self.mask] + 180.0, 360.0) - 180.0
        return la[self.mask], lo

    def scatter(self, values: np.ndarray, fill=np.nan) -> np.ndarray:
        """(N,) values at the masked points → (nlat, nlon) with ``fill`` elsewhere."""
        out = np.full(self.shape, fill, dtype=np.result_type(values, type(fill)))
        out[self.mask] = values
        return out


@dataclass(frozen=True)
class ReachMap:
    """Launch points on a grid × T targets. Maps are (T, nlat, nlon), NaN/False outside the grid's mask."""

    grid: Grid
    missile: str
    targets_deg: np.ndarray
    """(T, 2) target latitude, longitude."""
    reachable: np.ndarray
    """The missile reaches the target from the launch point."""
    engageable: np.ndarray
    """Some site can intercept it (bool)."""
    margin_s: np.ndarray
    """The best site's latest − earliest launch (NaN: never within reach, or not reachable)."""
    shots: np.ndarray
    """Interceptors the windows leave room for."""
    pairs: PairResult
    """The underlying pairs (T × N points, target-major)."""

    @property
    def engageable_fraction(self) -> float:
        """Share of (launch point, target) pairs the missile can fly that can be engaged."""
        n = int(self.reachable.sum())
        return float(self.engageable.sum()) / n if n else float("nan")

    def summary(self) -> dict:
        p = self.pairs
        return {"missile": self.missile, "targets": self.targets_deg.tolist(), "points": int(self.grid.mask.sum()),
                "pairs": len(p), "reachable_pairs": int(self.reachable.sum()),
                "engageable_pairs": int(self.engageable.sum()), "engageable_fraction": self.engageable_fraction,
                "seconds": p.seconds, "propagation_s": p.propagation_s, "points_per_s": len(p) / p.seconds}


@dataclass(frozen=True)
class Footprint:
    """L launch points × target points on a grid. Maps are (nlat, nlon) unless said otherwise."""

    grid: Grid
    missile: str
    launches_deg: np.ndarray
    """(L, 2) launch latitude, longitude."""
    defended: np.ndarray
    """Share of the launch points that reach the target whose missile can be engaged (NaN: none reaches)."""
    reachable: np.ndarray
    """(L, nlat, nlon) the missile from launch point l reaches the target."""
    engageable: np.ndarray
    """(L, nlat, nlon)."""
    margin_s: np.ndarray
    """(L, nlat, nlon) best site margin."""
    shots: np.ndarray
    """(L, nlat, nlon)."""
    pairs: PairResult

    def summary(self) -> dict:
        p = self.pairs
        d = self.defended[self.grid.mask]
        return {"missile": self.missile, "launches": self.launches_deg.tolist(), "points": int(self.grid.mask.sum()),
                "pairs": len(p), "targets_reached": int(np.isfinite(d).sum()),
                "targets_defended": int(np.sum(d >= 1.0 - 1e-12)),
                "targets_partly_defended": int(np.sum((d > 0) & (d < 1.0 - 1e-12))),
                "seconds": p.seconds, "propagation_s": p.propagation_s, "points_per_s": len(p) / p.seconds}


def _as_points(points_deg, name: str) -> np.ndarray:
    pts = np.atleast_2d(np.asarray(points_deg, float))
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
        raise InputError(name, "give at least one point as (lat_deg, lon_deg)")
    if np.any(np.abs(pts[:, 0]) > 90) or not np.all(np.isfinite(pts)):
        raise InputError(name, "latitudes must be within -90..90 and every value finite")
    return pts


def reach_map(arch: Architecture, missile: Vehicle, launch_grid: Grid, targets_deg, *, rcs_m2=None,
              dt_s: float = 5.0, progress=None) -> ReachMap:
    """From which grid launch points can the architecture engage ``missile`` aimed at each target?"""
    tg = _as_points(targets_deg, "targets")
    la, lo = launch_grid.points()
    n = la.size
    p = engage_pairs(arch, missile, np.tile(la, len(tg)), np.tile(lo, len(tg)), np.repeat(tg[:, 0], n),
                     np.repeat(tg[:, 1], n), rcs_m2=rcs_m2, dt_s=dt_s, progress=progress)

    def maps(x, fill):
        return np.stack([launch_grid.scatter(x[i * n:(i + 1) * n], fill) for i in range(len(tg))])

    return ReachMap(launch_grid, missile.name, tg, maps(p.reachable, False), maps(p.engageable, False),
                    maps(p.best_margin_s, np.nan), maps(p.shots, 0), p)


def footprint(arch: Architecture, missile: Vehicle, launches_deg, target_grid: Grid, *, rcs_m2=None,
              dt_s: float = 5.0, progress=None) -> Footprint:
    """Which grid targets does the architecture defend against ``missile`` launched from the given points?"""
    lp = _as_points(launches_deg, "launches")
    la, lo = target_grid.points()
    n = la.size
    p = engage_pairs(arch, missile, np.repeat(lp[:, 0], n), np.repeat(lp[:, 1], n), np.tile(la, len(lp)),
                     np.tile(lo, len(lp)), rcs_m2=rcs_m2, dt_s=dt_s, progress=progress)
    reach = p.reachable.reshape(len(lp), n)
    eng = p.engageable.reshape(len(lp), n)
    n_reach = reach.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(n_reach > 0, (eng & reach).sum(axis=0) / np.maximum(n_reach, 1), np.nan)

    def maps(x, fill):
        return np.stack([target_grid.scatter(x.reshape(len(lp), n)[i], fill) for i in range(len(lp))])

    return Footprint(target_grid, missile.name, lp, target_grid.scatter(frac), maps(p.reachable, False),
                     maps(p.engageable, False), maps(p.best_margin_s, np.nan), maps(p.shots, 0), p)
