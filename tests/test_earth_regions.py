"""Regions on the globe: membership against hand-computed geometry, and uncertain points against boundaries."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pyproj
import pytest

from jointshield.earth.constants import MEAN_RADIUS_M
from jointshield.earth.models import SPHERE, WGS84
from jointshield.earth.regions import (
    INSIDE,
    OUTSIDE,
    STRADDLES,
    CircleRegion,
    PolygonRegion,
    confidence_scale_2d,
    ellipse_points,
    ellipse_state,
    probability_inside,
)

R = np.radians
GEOD = pyproj.Geod(ellps="WGS84")
WARSAW = (52.23, 21.01)


def along(lat_deg: float, lon_deg: float, az_deg: float, dist_m: float) -> tuple[float, float]:
    """The point (lat_deg, lon_deg) reached along the WGS-84 geodesic (pyproj, the oracle)."""
    lon, lat, _ = GEOD.fwd(lon_deg, lat_deg, az_deg, dist_m)
    return lat, lon


# ---- circles: geodesic distance from the centre -----------------------------------------------------


@pytest.mark.parametrize("az_deg", [0.0, 73.0, 180.0, 290.0])
@pytest.mark.parametrize(("dist_m", "inside"), [(149_999.0, True), (150_000.0 - 1e-3, True), (150_001.0, False)])
def test_circle_membership_is_the_geodesic_distance(az_deg: float, dist_m: float, inside: bool) -> None:
    c = CircleRegion.from_deg("warsaw", *WARSAW, 150.0)
    lat, lon = along(*WARSAW, az_deg, dist_m)
    assert c.contains(R(lat), R(lon)).item() is inside
    assert c.signed_distance_m(R(lat), R(lon)).item() == pytest.approx(150_000.0 - dist_m, abs=1e-6)


def test_circle_on_a_sphere_uses_great_circles() -> None:
    c = CircleRegion.from_deg("c", 0.0, 0.0, 1000.0)
    one_deg = SPHERE.a_m * math.pi / 180.0
    lat = R([0.0, 0.0, 1000e3 / one_deg - 1e-6, 1000e3 / one_deg + 1e-6])
    lon = R([8.99, 9.0, 0.0, 0.0])
    # 9° of arc = 1000.75 km on the 6371 km sphere: outside; 8.99° = 999.64 km: inside
    assert c.contains(lat, lon, SPHERE).tolist() == [True, False, True, False]


def test_circle_across_the_dateline() -> None:
    c = CircleRegion.from_deg("fiji", -17.0, 179.5, 200.0)
    lat, lon = along(-17.0, 179.5, 90.0, 150e3)  # east, across 180°
    assert lon < -179.0
    assert c.contains(R([lat, -17.0]), R([lon, -178.0])).tolist() == [True, False]


# ---- polygons: great-circle edges ---------------------------------------------------------------------


def test_polygon_edges_are_great_circles_not_parallels() -> None:
    # The northern edge (60N, 0E)-(60N, 40E) is a great circle: at 20E it lies at
    # atan(tan 60° / cos 20°) = 61.52°N, not at 60°N (a great circle's latitude obeys
    # tan φ = tan φ_vertex · cos(λ − λ_vertex); here the vertex is at 20E, by symmetry).
    peak = math.degrees(math.atan(math.tan(math.radians(60)) / math.cos(math.radians(20))))
    assert peak == pytest.approx(61.5188, abs=1e-4)
    p = PolygonRegion.from_deg("box", [(50, 0), (60, 0), (60, 40), (50, 40)])
    lat = R([peak - 0.01, peak + 0.01, 55.0, 49.9, 55.0])
    lon = R([20.0, 20.0, 20.0, 20.0, 40.1])
    assert p.contains(lat, lon).tolist() == [True, False, True, False, False]


def test_polygon_across_the_dateline() -> None:
    p = PolygonRegion.from_deg("pacific", [(-10, 170), (-10, -170), (10, -170), (10, 170)])
    lat = R([0, 0, 0, 0, 0, 9.9, 10.2])
    lon = R([180, -180, 179.9, -170.1, 0, -175, -175])
    assert p.contains(lat, lon).tolist() == [True, True, True, True, False, True, False]
    # 10° of longitude along the equator to the meridian edges, on the mean-radius sphere
    assert p.signed_distance_m(R(0.0), R(180.0)).item() == pytest.approx(MEAN_RADIUS_M * R(10.0), rel=1e-12)


def test_polygon_around_a_pole() -> None:
    p = PolygonRegion.from_deg("arctic", [(75, 0), (75, 90), (75, 180), (75, -90)])
    lat = R([90, 80, 80, 74, 76])
    lon = R([0, 135, -45, 45, 45])
    # the edge (75N, 0E)-(75N, 90E) passes 45E at atan(tan 75° / cos 45°) = 79.3N: 76N at 45E lies outside
    assert p.contains(lat, lon).tolist() == [True, True, True, False, False]


def test_concave_polygon_and_vertex_order() -> None:
    # A "U" open to the north: the notch (lat 1..3, lon 1..2) is outside.
    u = [(0, 0), (0, 3), (3, 3), (3, 2), (1, 2), (1, 1), (3, 1), (3, 0)]
    for verts in (u, u[::-1]):
        p = PolygonRegion.from_deg("u", verts)
        assert p.contains(R([0.5, 2.0, 2.0, 2.0]), R([1.5, 1.5, 0.5, 2.5])).tolist() == [True, False, True, True]


def test_signed_distance_to_polygon_edges() -> None:
    p = PolygonRegion.from_deg("sq", [(-1, -1), (-1, 1), (1, 1), (1, -1)])
    one_deg = MEAN_RADIUS_M * math.pi / 180
    # (0, 0): 1° to the meridian edges; (0, 3): 2° to the meridian at 1E; (3, 3) nearest the vertex (1, 1)
    d = p.signed_distance_m(R([0.0, 0.0, 3.0]), R([0.0, 3.0, 3.0]))
    u0 = np.array([math.cos(R(3)) ** 2, math.cos(R(3)) * math.sin(R(3)), math.sin(R(3))])
    u1 = np.array([math.cos(R(1)) ** 2, math.cos(R(1)) * math.sin(R(1)), math.sin(R(1))])
    corner = MEAN_RADIUS_M * math.acos(float(u0 @ u1))
    assert d.tolist() == pytest.approx([one_deg, -2 * one_deg, -corner], rel=1e-9)


def test_closing_vertex_is_dropped() -> None:
    p = PolygonRegion.from_deg("t", [(0, 0), (0, 1), (1, 0), (0, 0)])
    assert len(p.lat_rad) == 3


@pytest.mark.parametrize(
    ("verts", "message"),
    [
        ([(0, 0), (0, 1)], "has 2 vertices; needs at least 3"),
        ([(0, 0), (0, 1), (0, 1), (1, 0)], "vertices 2 and 3 are the same point"),
        ([(0, 0), (1, 1), (0, 1), (1, 0)], "edge 1-2 crosses edge 3-4"),
        ([(0, 0), (0, 1), (0, 2)], "on one great circle"),
        ([(0, -70), (10, 0), (0, 70), (-10, 0)], "from the polygon's centre"),
    ],
)
def test_bad_polygons_are_refused(verts: list[tuple[float, float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PolygonRegion.from_deg("p", verts)


def test_membership_is_vectorised_over_any_shape() -> None:
    p = PolygonRegion.from_deg("sq", [(-1, -1), (-1, 1), (1, 1), (1, -1)])
    c = CircleRegion.from_deg("c", 0, 0, 100)
    lat = R(np.array([[0.0, 2.0, np.nan], [0.5, -0.5, 5.0]]))
    lon = np.zeros((2, 3))
    assert p.contains(lat, lon).shape == (2, 3)
    assert p.contains(lat, lon).tolist() == [[True, False, False], [True, True, False]]
    assert c.contains(lat, lon).tolist() == [[True, False, False], [True, True, False]]


# ---- uncertain points ---------------------------------------------------------------------------------


def test_confidence_scale() -> None:
    assert confidence_scale_2d(0.95) == pytest.approx(2.4477, abs=1e-4)
    assert confidence_scale_2d(1 - math.exp(-0.5)) == pytest.approx(1.0)


def test_ellipse_points_lie_on_the_ellipse() -> None:
    lat, lon = ellipse_points(R([52.0]), R([21.0]), 20e3, 5e3, R(30.0), scale=2.0, n_points=8)
    az, _, d = GEOD.inv(np.full(8, 21.0), np.full(8, 52.0), np.degrees(lon[0]), np.degrees(lat[0]))
    th = np.radians(az) - R(30.0)
    # (d cos th / a)^2 + (d sin th / b)^2 = scale^2
    assert ((d * np.cos(th) / 20e3) ** 2 + (d * np.sin(th) / 5e3) ** 2).tolist() == pytest.approx([4.0] * 8)


K95 = confidence_scale_2d(0.95)


@pytest.mark.parametrize(
    ("margin_sigmas", "expected"),
    [(K95 + 0.1, INSIDE), (K95 - 0.1, STRADDLES), (0.0, STRADDLES), (-(K95 - 0.1), STRADDLES),
     (-(K95 + 0.1), OUTSIDE)],
)
def test_round_error_against_a_circle_boundary(margin_sigmas: float, expected: int) -> None:
    sigma = 10e3
    c = CircleRegion.from_deg("c", *WARSAW, 300.0)
    lat, lon = along(*WARSAW, 45.0, 300e3 - margin_sigmas * sigma)
    assert ellipse_state(c, R(lat), R(lon), sigma, sigma, 0.0, 0.95).item() == expected


@pytest.mark.parametrize(("major_az_deg", "expected"), [(90.0, STRADDLES), (0.0, INSIDE), (180.0, INSIDE)])
def test_orientation_of_the_ellipse_matters(major_az_deg: float, expected: int) -> None:
    # 30 km inside the meridian edge at 1E; a = 20 km (2.45 a = 49 km > 30), b = 5 km (12 km < 30)
    p = PolygonRegion.from_deg("sq", [(-5, -5), (-5, 1), (5, 1), (5, -5)])
    lon = 1.0 - math.degrees(30e3 / MEAN_RADIUS_M)
    assert ellipse_state(p, R(0.0), R(lon), 20e3, 5e3, R(major_az_deg), 0.95).item() == expected


def test_small_region_inside_a_large_ellipse_straddles() -> None:
    tiny_circle = CircleRegion.from_deg("t", 0.0, 0.5, 5.0)
    tiny_poly = PolygonRegion.from_deg("p", [(0.0, 0.45), (0.0, 0.55), (0.05, 0.5)])
    for region in (tiny_circle, tiny_poly):
        # the mean (0, 0) is outside, every point of the 2.45 x 100 km ellipse boundary is outside
        assert ellipse_state(region, R(0.0), R(0.0), 100e3, 100e3, 0.0, 0.95).item() == STRADDLES
        assert ellipse_state(region, R(0.0), R(0.0), 1e3, 1e3, 0.0, 0.95).item() == OUTSIDE


def test_notch_inside_the_ellipse_straddles() -> None:
    # Inside a "U" near the end of its notch: every sample is inside, but the notch's corner lies in the ellipse.
    u = PolygonRegion.from_deg("u", [(0, 0), (0, 3), (3, 3), (3, 2), (1, 2), (1, 1), (3, 1), (3, 0)])
    one_deg = MEAN_RADIUS_M * math.pi / 180
    assert ellipse_state(u, R(0.9), R(1.5), 0.05 * one_deg, 0.05 * one_deg, 0.0, 0.95).item() == STRADDLES
    assert ellipse_state(u, R(0.5), R(1.5), 0.05 * one_deg, 0.05 * one_deg, 0.0, 0.95).item() == INSIDE


def test_ellipse_across_the_dateline() -> None:
    p = PolygonRegion.from_deg("pacific", [(-10, 170), (-10, -170), (10, -170), (10, 170)])
    sigma = 5e3
    lat = R([0.0, 0.0, 0.0])
    lon = R([180.0, 170.0 + 0.1, 170.0 - 0.3])  # centre; 11 km inside the west edge; 33 km outside
    assert ellipse_state(p, lat, lon, sigma, sigma, 0.0, 0.95).tolist() == [INSIDE, STRADDLES, OUTSIDE]


def test_zero_and_missing_uncertainty() -> None:
    c = CircleRegion.from_deg("c", 0, 0, 100)
    lat, lon = R([0.0, 0.0, np.nan]), R([0.898, 0.899, 0.0])  # 99.97 km and 100.08 km from the centre
    assert (c.signed_distance_m(lat[:2], lon[:2]) * [1, -1] > 0).all()
    # an exact estimate (σ = 0) is decided by its mean alone; a missing one straddles
    assert ellipse_state(c, lat, lon, 0.0, 0.0, 0.0, 0.95).tolist() == [INSIDE, OUTSIDE, STRADDLES]


@pytest.mark.parametrize("margin_sigmas", [-2.0, -0.5, 0.0, 0.7, 1.5, 2.5])
def test_probability_inside_matches_the_normal_law_at_a_straight_boundary(margin_sigmas: float) -> None:
    # The east edge of this polygon is the meridian 1E, a great circle: straight for the Gaussian.
    sigma = 10e3
    p = PolygonRegion.from_deg("sq", [(-10, -10), (-10, 1), (10, 1), (10, -10)])
    lon = 1.0 - math.degrees(margin_sigmas * sigma / SPHERE.a_m)
    expected = NormalDist().cdf(margin_sigmas)
    assert probability_inside(p, R(0.0), R(lon), sigma, sigma, 0.0, SPHERE).item() == pytest.approx(expected, abs=0.01)
    # an elongated ellipse along the edge: only its σ across the edge (the minor axis) matters
    p2 = probability_inside(p, R(0.0), R(lon), 40e3, sigma, 0.0, SPHERE).item()
    assert p2 == pytest.approx(expected, abs=0.015)
    # across the edge: the major axis is the σ that matters
    p3 = probability_inside(p, R(0.0), R(lon), 4 * sigma, sigma, R(90.0), SPHERE).item()
    assert p3 == pytest.approx(NormalDist().cdf(margin_sigmas / 4), abs=0.015)


def test_ellipsoid_vs_sphere_circle() -> None:
    c = CircleRegion.from_deg("c", 60.0, 0.0, 500.0)
    lat, lon = along(60.0, 0.0, 0.0, 499e3)
    assert c.contains(R(lat), R(lon), WGS84).item()
    assert c.signed_distance_m(R(lat), R(lon), WGS84).item() == pytest.approx(1000.0, abs=1e-6)
    # the same coordinates are nearer the centre on the 6371 km sphere (a degree of latitude at 60N is
    # 111.4 km on WGS-84, 111.2 km on the sphere): 0.2 % of 499 km = 1.1 km more margin
    assert c.signed_distance_m(R(lat), R(lon), SPHERE).item() == pytest.approx(2138.0, abs=50.0)


@pytest.mark.parametrize("region", [
    CircleRegion.from_deg("c", 0.0, 0.0, 200.0),
    PolygonRegion.from_deg("u", [(0, 0), (0, 3), (3, 3), (3, 2), (1, 2), (1, 1), (3, 1), (3, 0)]),
])
def test_screening_by_distance_gives_the_sampled_answer(region, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    n = 400
    lat, lon = R(rng.uniform(-2.5, 4.5, n)), R(rng.uniform(-2.5, 4.5, n))
    a = rng.uniform(0.0, 60e3, n)
    b = a * rng.uniform(0.1, 1.0, n)
    az = rng.uniform(0, np.pi, n)
    screened = ellipse_state(region, lat, lon, a, b, az, 0.95)
    assert (screened == STRADDLES).sum() < n // 2  # most are decided by the screen
    monkeypatch.setattr(type(region), "signed_distance_m", lambda self, la, lo, model=WGS84: np.zeros(np.shape(la)))
    assert ellipse_state(region, lat, lon, a, b, az, 0.95).tolist() == screened.tolist()
