"""Regions on the globe: named circles and polygons, which points lie inside, and whether a point known
only up to a Gaussian error ellipse lies inside.

Geometry, said out loud:

- **Circle** (:class:`CircleRegion`): the points whose distance from the centre along the surface of the
  Earth model is at most the radius: the geodesic distance on the ellipsoid (Karney's algorithm via
  ``pyproj.Geod``), the great-circle distance on a sphere (:func:`~.geodesy.surface_distance_m`).
- **Polygon** (:class:`PolygonRegion`): vertices in geodetic latitude and longitude joined by
  **great-circle edges** (the shorter arc between consecutive vertices, the last joined to the first),
  with the latitude and longitude taken as spherical coordinates on a sphere — the convention of
  spherical GIS libraries (e.g. Google's S2). A great-circle edge and the geodesic between the same
  vertices on WGS-84 differ by at most a few kilometres over a 2,000 km edge; an edge is a straight line
  on a gnomonic map, not on a Mercator map. All tests work on unit vectors, so edges may cross the
  antimeridian (the dateline, ±180°) and a polygon may hold a pole, with no longitude arithmetic.
  Interior: a polygon must lie within 60° (about 6,700 km) of its centre (the normalised mean of its
  vertices' unit vectors) and must not cross itself; its inside is the part bounded by the edges on
  that side (vertex order, clockwise or not, does not matter). Membership is the crossing-number test in
  the gnomonic projection about the centre, which maps every great circle to a straight line, so the
  test is exact for great-circle edges.
- **Distance to a polygon's boundary**: the great-circle distance to the nearest edge on a sphere of
  radius :data:`~.constants.MEAN_RADIUS_M` (within about 0.5 % of the ellipsoidal distance).

Uncertain points (:func:`ellipse_state`): a point estimate with a 1σ error ellipse (semi-major and
semi-minor axes in metres, azimuth of the major axis) stands for a 2-D Gaussian in the local east/north
plane. Its confidence region at probability ``c`` is the ellipse scaled by ``k = sqrt(-2 ln(1 - c))``
(the χ² quantile with 2 degrees of freedom; 2.448 for c = 0.95). The decision is conservative:

- **inside** (1) when the mean and :data:`ELLIPSE_SAMPLES` points spread evenly around the confidence
  ellipse all lie inside the region and no polygon vertex lies within the ellipse;
- **outside** (0) when all of them lie outside and neither a polygon vertex nor a circle's centre lies
  within the ellipse (which would mean the region sits inside the ellipse);
- **straddles** (−1) otherwise: the confidence ellipse crosses the region's boundary; also where the
  estimate is missing (NaN).

Estimates farther from the boundary than their ellipse reaches (k times the larger semi-axis, plus 1 %)
are decided by the mean alone, which gives the same answer; only those near a boundary are sampled.
The boundary samples are placed along geodesics from the mean (azimuthal-equidistant: the distance and
direction of each sample from the mean are exact). Between two samples the true ellipse bulges out by
at most 1 − cos(π/64) ≈ 0.12 % of its semi-major axis; a boundary that dips into the ellipse by less than
that between two samples can be missed. :func:`probability_inside` gives, for explanations, the share of
a fixed deterministic sample of the Gaussian (:data:`PROBABILITY_SAMPLES` points) that lies inside.

Every function is batched over points (leading axis N); angles in rad, distances in m.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from .constants import MEAN_RADIUS_M
from .geodesy import destination, initial_azimuth_rad, surface_distance_m
from .models import WGS84, EarthModel

__all__ = [
    "ELLIPSE_SAMPLES",
    "INSIDE",
    "MAX_POLYGON_RADIUS_DEG",
    "OUTSIDE",
    "PROBABILITY_SAMPLES",
    "STRADDLES",
    "CircleRegion",
    "PolygonRegion",
    "Region",
    "confidence_scale_2d",
    "ellipse_points",
    "ellipse_state",
    "probability_inside",
]

INSIDE, OUTSIDE, STRADDLES = 1, 0, -1
"""Values of :func:`ellipse_state`: the confidence ellipse lies inside, outside, or across the boundary."""

ELLIPSE_SAMPLES = 64
"""Points around a confidence ellipse tested against a region by :func:`ellipse_state`."""

PROBABILITY_SAMPLES = 256
"""Points of the fixed Gaussian sample used by :func:`probability_inside`."""

MAX_POLYGON_RADIUS_DEG = 60.0
"""Largest angle (degrees) between a polygon's centre and any of its vertices."""

_MIN_SIGMA_M = 1e-6


def _unit(lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
    """Unit vectors (..., 3) of spherical coordinates (lat, lon) in rad."""
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    c = np.cos(lat)
    return np.stack([c * np.cos(lon), c * np.sin(lon), np.sin(lat)], axis=-1)


def _cross2(ax, ay, bx, by):
    return ax * by - ay * bx


@dataclass(frozen=True, eq=False)
class CircleRegion:
    """The points within ``radius_m`` (along the surface) of a centre; see the module docstring."""

    name: str
    lat_rad: float
    lon_rad: float
    radius_m: float

    def __post_init__(self) -> None:
        if not -np.pi / 2 <= self.lat_rad <= np.pi / 2 or not np.isfinite(self.lon_rad):
            raise ValueError(f"circle {self.name!r}: centre latitude must be in -90..90 degrees")
        if not (np.isfinite(self.radius_m) and self.radius_m > 0):
            raise ValueError(f"circle {self.name!r}: radius must be > 0 (got {self.radius_m:g} m)")

    @classmethod
    def from_deg(cls, name: str, lat_deg: float, lon_deg: float, radius_km: float) -> CircleRegion:
        """A circle from its centre in degrees and its radius in km."""
        return cls(name, float(np.radians(lat_deg)), float(np.radians(lon_deg)), float(radius_km) * 1e3)

    @property
    def boundary_vertices_rad(self) -> tuple[np.ndarray, np.ndarray]:
        """Vertices of the boundary (none: a circle has none)."""
        return np.empty(0), np.empty(0)

    @property
    def interior_witness_rad(self) -> tuple[np.ndarray, np.ndarray]:
        """A point inside the region (the centre): if it lies in an ellipse, the ellipse meets the region."""
        return np.array([self.lat_rad]), np.array([self.lon_rad])

    def distance_from_centre_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike,
                               model: EarthModel = WGS84) -> np.ndarray:
        return surface_distance_m(self.lat_rad, self.lon_rad, lat_rad, lon_rad, model)

    def contains(self, lat_rad: ArrayLike, lon_rad: ArrayLike, model: EarthModel = WGS84) -> np.ndarray:
        """(N,) bool: the points lie inside or on the circle (NaN points: False)."""
        return self.distance_from_centre_m(lat_rad, lon_rad, model) <= self.radius_m

    def signed_distance_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike,
                          model: EarthModel = WGS84) -> np.ndarray:
        """(N,) distance (m) from each point to the boundary along the surface: positive inside."""
        return self.radius_m - self.distance_from_centre_m(lat_rad, lon_rad, model)

    def describe(self) -> dict[str, object]:
        """The region as plain data (degrees and km), for explanations and fingerprints."""
        return {
            "name": self.name,
            "kind": "circle",
            "centre": {"lat_deg": float(np.degrees(self.lat_rad)), "lon_deg": float(np.degrees(self.lon_rad))},
            "radius_km": self.radius_m / 1e3,
        }


@dataclass(frozen=True, eq=False)
class PolygonRegion:
    """A spherical polygon with great-circle edges; see the module docstring.

    ``lat_rad`` and ``lon_rad`` are the vertices (V,), in order (either direction); the last vertex is
    joined to the first (a repeated closing vertex is dropped). The constructor refuses fewer than three
    distinct vertices, repeated consecutive vertices, a polygon wider than
    :data:`MAX_POLYGON_RADIUS_DEG` about its centre, and edges that cross each other.
    """

    name: str
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    _u: np.ndarray = field(init=False, repr=False)
    _centre: np.ndarray = field(init=False, repr=False)
    _basis: np.ndarray = field(init=False, repr=False)
    _xy: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lat = np.asarray(self.lat_rad, dtype=float).ravel()
        lon = np.asarray(self.lon_rad, dtype=float).ravel()
        if lat.shape != lon.shape:
            raise ValueError(f"polygon {self.name!r}: as many latitudes as longitudes are needed")
        if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))):
            raise ValueError(f"polygon {self.name!r}: vertices must be finite")
        if np.any(np.abs(lat) > np.pi / 2):
            raise ValueError(f"polygon {self.name!r}: vertex latitudes must be in -90..90 degrees")
        u = _unit(lat, lon)
        if len(u) > 3 and np.allclose(u[0], u[-1], rtol=0, atol=1e-12):
            lat, lon, u = lat[:-1], lon[:-1], u[:-1]
        n = len(u)
        if n < 3:
            raise ValueError(f"polygon {self.name!r} has {n} vertices; needs at least 3")
        nxt = np.roll(u, -1, axis=0)
        same = np.linalg.norm(u - nxt, axis=1) < 1e-9
        if same.any():
            i = int(np.argmax(same))
            raise ValueError(
                f"polygon {self.name!r}: vertices {i + 1} and {(i + 1) % n + 1} are the same point; remove one"
            )
        s = u.sum(axis=0)
        norm = np.linalg.norm(s)
        if norm < 1e-9 * n:
            raise ValueError(f"polygon {self.name!r}: vertices are spread around the globe; it has no centre")
        c = s / norm
        ang = np.degrees(np.arccos(np.clip(u @ c, -1.0, 1.0)))
        if ang.max() > MAX_POLYGON_RADIUS_DEG:
            i = int(np.argmax(ang))
            raise ValueError(
                f"polygon {self.name!r}: vertex {i + 1} is {ang[i]:.0f}° from the polygon's centre; a polygon "
                f"must lie within {MAX_POLYGON_RADIUS_DEG:g}° (about 6,700 km) of its centre: split it"
            )
        # Orthonormal east/north-like axes about the centre for the gnomonic projection.
        ref = np.array([0.0, 0.0, 1.0]) if abs(c[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        e1 = np.cross(ref, c)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(c, e1)
        basis = np.stack([e1, e2, c])
        xy = (u @ basis[:2].T) / (u @ c)[:, None]
        _check_simple(self.name, xy)
        area2 = float(np.sum(_cross2(xy[:, 0], xy[:, 1], np.roll(xy[:, 0], -1), np.roll(xy[:, 1], -1))))
        if abs(area2) < 1e-12:
            raise ValueError(f"polygon {self.name!r}: vertices lie on one great circle; it has no area")
        object.__setattr__(self, "lat_rad", lat)
        object.__setattr__(self, "lon_rad", lon)
        object.__setattr__(self, "_u", u)
        object.__setattr__(self, "_centre", c)
        object.__setattr__(self, "_basis", basis)
        object.__setattr__(self, "_xy", xy)

    @classmethod
    def from_deg(cls, name: str, vertices_deg: Sequence[tuple[float, float]]) -> PolygonRegion:
        """A polygon from ``[(lat_deg, lon_deg), ...]``."""
        v = np.asarray(vertices_deg, dtype=float).reshape(-1, 2)
        return cls(name, np.radians(v[:, 0]), np.radians(v[:, 1]))

    @property
    def boundary_vertices_rad(self) -> tuple[np.ndarray, np.ndarray]:
        """The vertices (V,), (V,): if one lies in an ellipse, the boundary enters the ellipse."""
        return self.lat_rad, self.lon_rad

    @property
    def interior_witness_rad(self) -> tuple[np.ndarray, np.ndarray]:
        """None needed: a polygon inside an ellipse has its vertices inside it."""
        return np.empty(0), np.empty(0)

    def contains(self, lat_rad: ArrayLike, lon_rad: ArrayLike, model: EarthModel = WGS84) -> np.ndarray:
        """(N,) bool: the points lie inside the polygon (NaN points: False). ``model`` is not used (the
        polygon is defined on the sphere of geodetic coordinates); it is accepted for a common interface."""
        p = _unit(lat_rad, lon_rad)
        shape = p.shape[:-1]
        p = p.reshape(-1, 3)
        w = p @ self._centre
        front = w > 1e-12
        ws = np.where(front, w, 1.0)
        x = (p @ self._basis[0]) / ws
        y = (p @ self._basis[1]) / ws
        x1, y1 = self._xy[:, 0], self._xy[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        px, py = x[:, None], y[:, None]
        straddle = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        crossings = np.count_nonzero(straddle & (px < x_cross), axis=1)
        inside = front & (crossings % 2 == 1)
        return inside.reshape(shape)

    def boundary_distance_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
        """(N,) great-circle distance (m, sphere of the mean Earth radius) to the nearest edge."""
        p = _unit(lat_rad, lon_rad)
        shape = p.shape[:-1]
        p = p.reshape(-1, 3)
        a, b = self._u, np.roll(self._u, -1, axis=0)
        nrm = np.cross(a, b)
        nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
        s = p @ nrm.T  # sine of the angle to each edge's great circle
        t1 = p @ np.cross(nrm, a).T
        t2 = p @ np.cross(b, nrm).T
        on_arc = (t1 >= 0) & (t2 >= 0)
        d_arc = np.arcsin(np.clip(np.abs(s), 0.0, 1.0))

        def angle(q: np.ndarray) -> np.ndarray:
            return np.arctan2(np.linalg.norm(np.cross(p[:, None, :], q[None, :, :]), axis=-1), p @ q.T)

        d_end = np.minimum(angle(a), angle(b))
        d = np.where(on_arc, np.minimum(d_arc, d_end), d_end).min(axis=1)
        return (MEAN_RADIUS_M * d).reshape(shape)

    def signed_distance_m(self, lat_rad: ArrayLike, lon_rad: ArrayLike,
                          model: EarthModel = WGS84) -> np.ndarray:
        """(N,) distance (m) from each point to the boundary: positive inside, negative outside."""
        d = self.boundary_distance_m(lat_rad, lon_rad)
        return np.where(self.contains(lat_rad, lon_rad, model), d, -d)

    def describe(self) -> dict[str, object]:
        """The region as plain data (degrees), for explanations and fingerprints."""
        return {
            "name": self.name,
            "kind": "polygon",
            "vertices_deg": [
                [float(a), float(b)] for a, b in zip(np.degrees(self.lat_rad), np.degrees(self.lon_rad), strict=True)
            ],
        }


Region = CircleRegion | PolygonRegion
"""A region on the globe."""


def _check_simple(name: str, xy: np.ndarray) -> None:
    """Refuse a polygon whose non-adjacent edges cross (in the gnomonic plane, where edges are straight)."""
    n = len(xy)
    p, q = xy, np.roll(xy, -1, axis=0)

    def orient(a, b, c):
        return np.sign(_cross2(b[..., 0] - a[..., 0], b[..., 1] - a[..., 1], c[..., 0] - a[..., 0],
                               c[..., 1] - a[..., 1]))

    i, j = np.triu_indices(n, k=2)
    keep = ~((i == 0) & (j == n - 1))
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return
    o1 = orient(p[i], q[i], p[j])
    o2 = orient(p[i], q[i], q[j])
    o3 = orient(p[j], q[j], p[i])
    o4 = orient(p[j], q[j], q[i])
    cross = (o1 * o2 <= 0) & (o3 * o4 <= 0) & ~((o1 == 0) & (o2 == 0))
    if cross.any():
        k = int(np.argmax(cross))
        a, b = int(i[k]), int(j[k])
        raise ValueError(
            f"polygon {name!r}: edge {a + 1}-{(a + 1) % n + 1} crosses edge {b + 1}-{(b + 1) % n + 1}; "
            "list the vertices in order around the region"
        )


def confidence_scale_2d(confidence: float) -> float:
    """Scale ``k`` of the 1σ ellipse of a 2-D Gaussian that holds it with probability ``confidence``:
    ``k² = −2 ln(1 − confidence)`` (χ² with 2 degrees of freedom); 2.448 for 0.95."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence:g} must be in 0..1 (exclusive)")
    return float(np.sqrt(-2.0 * np.log1p(-confidence)))


def _axes(semi_major_m, semi_minor_m, major_azimuth_rad):
    a = np.maximum(np.asarray(semi_major_m, dtype=float), _MIN_SIGMA_M)
    b = np.maximum(np.asarray(semi_minor_m, dtype=float), _MIN_SIGMA_M)
    az = np.asarray(major_azimuth_rad, dtype=float)
    return a, b, az


def _offsets_to_points(lat, lon, e, n, model):
    """Points reached from (lat, lon) (N,) by local east/north offsets e, n (N, K) m along geodesics."""
    az = np.arctan2(e, n)
    dist = np.hypot(e, n)
    return destination(np.asarray(lat, float)[:, None], np.asarray(lon, float)[:, None], az, dist, model)


def _local_offsets(u, v, a, b, az):
    """East/north offsets (N, K) of points at (u·a along the major axis, v·b along the minor axis)."""
    sa, ca = np.sin(az)[:, None], np.cos(az)[:, None]
    du, dv = u * a[:, None], v * b[:, None]
    # major axis direction (east, north) = (sin az, cos az); minor = (cos az, −sin az)
    return du * sa + dv * ca, du * ca - dv * sa


def ellipse_points(lat_rad: ArrayLike, lon_rad: ArrayLike, semi_major_m: ArrayLike, semi_minor_m: ArrayLike,
                   major_azimuth_rad: ArrayLike, scale: float = 1.0, n_points: int = ELLIPSE_SAMPLES,
                   model: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """``(lat_rad, lon_rad)`` (N, K) of K points evenly spread (in the ellipse's angle parameter) on the
    ellipse ``scale`` × (1σ ellipse) about each of N points; offsets laid off along geodesics."""
    lat = np.atleast_1d(np.asarray(lat_rad, dtype=float))
    lon = np.atleast_1d(np.asarray(lon_rad, dtype=float))
    a, b, az = (np.broadcast_to(x, lat.shape) for x in _axes(semi_major_m, semi_minor_m, major_azimuth_rad))
    th = 2.0 * np.pi * np.arange(n_points) / n_points
    e, n = _local_offsets(scale * np.cos(th)[None, :], scale * np.sin(th)[None, :], a, b, az)
    return _offsets_to_points(lat, lon, e, n, model)


def _mahalanobis2(lat, lon, a, b, az, plat, plon, model):
    """Squared Mahalanobis distance (N, W) of W fixed points from N ellipses (local AEQD offsets)."""
    if plat.size == 0:
        return np.empty((len(lat), 0))
    la, lo = lat[:, None], lon[:, None]
    d = surface_distance_m(la, lo, plat[None, :], plon[None, :], model)
    azp = initial_azimuth_rad(la, lo, plat[None, :], plon[None, :], model)
    e, n = d * np.sin(azp), d * np.cos(azp)
    sa, ca = np.sin(az)[:, None], np.cos(az)[:, None]
    s_major = e * sa + n * ca
    s_minor = e * ca - n * sa
    return (s_major / a[:, None]) ** 2 + (s_minor / b[:, None]) ** 2


def ellipse_state(region: Region, lat_rad: ArrayLike, lon_rad: ArrayLike, semi_major_m: ArrayLike,
                  semi_minor_m: ArrayLike, major_azimuth_rad: ArrayLike, confidence: float,
                  model: EarthModel = WGS84) -> np.ndarray:
    """(N,) int8: :data:`INSIDE` (1), :data:`OUTSIDE` (0) or :data:`STRADDLES` (−1) for N uncertain points
    against ``region``: whether the ``confidence`` ellipse of each point's 1σ error ellipse (axes m,
    major-axis azimuth rad from north, clockwise) lies inside, outside or across the boundary. A point
    with a NaN coordinate or axis straddles. See the module docstring for the method."""
    lat = np.atleast_1d(np.asarray(lat_rad, dtype=float))
    lon = np.atleast_1d(np.asarray(lon_rad, dtype=float))
    a, b, az = (np.broadcast_to(x, lat.shape).astype(float)
                for x in _axes(semi_major_m, semi_minor_m, major_azimuth_rad))
    out = np.full(lat.shape, STRADDLES, dtype=np.int8)
    ok = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(a) & np.isfinite(b) & np.isfinite(az)
    if not ok.any():
        return out
    k = confidence_scale_2d(confidence)
    # Screen: an estimate farther from the boundary than the ellipse reaches (k × the larger semi-axis, with
    # 1 % slack for the sphere of polygon distances) is decided by its mean; only the rest are sampled.
    sd = np.full(lat.shape, np.nan)
    sd[ok] = region.signed_distance_m(lat[ok], lon[ok], model)
    margin = 1.01 * k * np.maximum(a, b) + 1.0
    with np.errstate(invalid="ignore"):
        out[ok & (sd > margin)] = INSIDE
        out[ok & (sd < -margin)] = OUTSIDE
    near = ok & (out == STRADDLES)
    if not near.any():
        return out
    lat, lon, a, b, az = lat[near], lon[near], a[near], b[near], az[near]
    slat, slon = ellipse_points(lat, lon, a, b, az, k, ELLIPSE_SAMPLES, model)
    in_s = region.contains(slat, slon, model)
    in_c = region.contains(lat, lon, model)
    all_in = in_s.all(axis=1) & in_c
    none_in = ~in_s.any(axis=1) & ~in_c
    k2 = k * k
    vlat, vlon = region.boundary_vertices_rad
    vertex_in = (_mahalanobis2(lat, lon, a, b, az, vlat, vlon, model) < k2).any(axis=1)
    wlat, wlon = region.interior_witness_rad
    witness_in = (_mahalanobis2(lat, lon, a, b, az, wlat, wlon, model) < k2).any(axis=1)
    res = np.full(lat.shape, STRADDLES, dtype=np.int8)
    res[all_in & ~vertex_in] = INSIDE
    res[none_in & ~vertex_in & ~witness_in] = OUTSIDE
    out[near] = res
    return out


def _gaussian_sample(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A fixed, deterministic sample (n,), (n,) of the standard 2-D normal: radii at the Rayleigh
    quantiles ((i + ½)/n), angles stepped by the golden angle (a Vogel spiral)."""
    i = np.arange(n)
    r = np.sqrt(-2.0 * np.log1p(-(i + 0.5) / n))
    phi = i * np.pi * (3.0 - np.sqrt(5.0))
    return r * np.cos(phi), r * np.sin(phi)


def probability_inside(region: Region, lat_rad: ArrayLike, lon_rad: ArrayLike, semi_major_m: ArrayLike,
                       semi_minor_m: ArrayLike, major_azimuth_rad: ArrayLike,
                       model: EarthModel = WGS84, n_points: int = PROBABILITY_SAMPLES) -> np.ndarray:
    """(N,) probability that each uncertain point lies inside ``region``: the share of a fixed
    deterministic sample of ``n_points`` points of its Gaussian (resolution 1/n_points) that lies inside.
    NaN where the estimate is missing. For explanations; decisions use :func:`ellipse_state`."""
    lat = np.atleast_1d(np.asarray(lat_rad, dtype=float))
    lon = np.atleast_1d(np.asarray(lon_rad, dtype=float))
    a, b, az = (np.broadcast_to(x, lat.shape).astype(float)
                for x in _axes(semi_major_m, semi_minor_m, major_azimuth_rad))
    ok = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(a) & np.isfinite(b) & np.isfinite(az)
    out = np.full(lat.shape, np.nan)
    if not ok.any():
        return out
    u, v = _gaussian_sample(n_points)
    e, n = _local_offsets(u[None, :], v[None, :], a[ok], b[ok], az[ok])
    plat, plon = _offsets_to_points(lat[ok], lon[ok], e, n, model)
    out[ok] = region.contains(plat, plon, model).mean(axis=1)
    return out
