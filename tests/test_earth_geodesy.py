"""Surface distance, azimuth and destination: Karney's published examples on WGS 84, closed forms and an
independent vector computation on the sphere, round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointshield.earth.geodesy import destination, initial_azimuth_rad, surface_distance_m
from jointshield.earth.models import SPHERE, TEXTBOOK, WGS84

rad = math.radians


def test_karney_2013_inverse_example():
    # Karney, "Algorithms for geodesics", J. Geodesy 87:43-55 (2013), worked inverse example on WGS 84:
    # φ1 = -30°, φ2 = 29.9°, λ12 = 179.8° -> α1 = 161.890524736°, α2 = 18.090737246°,
    # s12 = 19989832.827610 m (printed to 1 µm and 1e-9°).
    s12 = surface_distance_m(rad(-30.0), 0.0, rad(29.9), rad(179.8))
    az1 = initial_azimuth_rad(rad(-30.0), 0.0, rad(29.9), rad(179.8))
    assert float(s12) == pytest.approx(19989832.827610, abs=1e-6)
    assert math.degrees(float(az1)) == pytest.approx(161.890524736, abs=1e-9)
    # α2 is the azimuth at the far end, i.e. the reverse path's initial azimuth turned by 180°.
    az2 = initial_azimuth_rad(rad(29.9), rad(179.8), rad(-30.0), 0.0)
    assert math.degrees(float(az2)) - 180.0 == pytest.approx(18.090737246, abs=1e-9)


def test_karney_2013_direct_example():
    # Same paper, worked direct example on WGS 84: φ1 = 40°, α1 = 30°, s12 = 10 000 km ->
    # φ2 = 41.79331020506°, λ12 = 137.84490004377° (printed to 1e-11°).
    lat2, lon2 = destination(rad(40.0), 0.0, rad(30.0), 10e6)
    assert math.degrees(float(lat2)) == pytest.approx(41.79331020506, abs=1e-11)
    assert math.degrees(float(lon2)) == pytest.approx(137.84490004377, abs=1e-11)


def test_wgs84_meridian_quadrant():
    # The geodesic from the equator to the pole is the meridian quadrant: the integral of the meridional
    # radius of curvature M(φ) = a (1 - e²) / (1 - e² sin²φ)^(3/2) over φ in [0, π/2], here by adaptive
    # quadrature (an independent method). GeographicLib quotes 10 001 965.7293 m for WGS 84.
    integrate = pytest.importorskip("scipy.integrate")
    a, e2 = WGS84.a_m, WGS84.e2
    quadrant, _ = integrate.quad(
        lambda p: a * (1 - e2) / (1 - e2 * math.sin(p) ** 2) ** 1.5,
        0.0,
        math.pi / 2,
        epsabs=1e-9,
        epsrel=1e-13,
    )
    assert quadrant == pytest.approx(10001965.7293, abs=1e-4)
    assert float(surface_distance_m(0.0, 0.3, rad(90.0), 0.3)) == pytest.approx(quadrant, abs=1e-6)


@pytest.mark.parametrize("model", [TEXTBOOK, SPHERE])
def test_sphere_closed_forms(model):
    r = model.a_m
    assert float(surface_distance_m(0.0, 0.0, math.pi / 2, 1.0, model)) == pytest.approx(
        math.pi * r / 2, rel=1e-15
    )
    assert float(surface_distance_m(0.0, -0.5, 0.0, 0.7, model)) == pytest.approx(1.2 * r, rel=1e-15)
    assert float(surface_distance_m(0.3, 0.2, -0.3, 0.2 + math.pi, model)) == pytest.approx(
        math.pi * r, rel=1e-15
    )
    assert float(surface_distance_m(0.3, 0.2, 0.3, 0.2, model)) == 0.0
    # Along the equator eastwards: azimuth π/2; from the equator to the north pole: 0; to the south pole: π.
    assert float(initial_azimuth_rad(0.0, 0.0, 0.0, 0.5, model)) == pytest.approx(math.pi / 2, abs=1e-15)
    assert float(initial_azimuth_rad(0.0, 0.0, math.pi / 2, 0.0, model)) == pytest.approx(0.0, abs=1e-15)
    assert float(initial_azimuth_rad(0.0, 0.0, -math.pi / 2, 0.0, model)) == pytest.approx(math.pi, abs=1e-15)
    assert float(initial_azimuth_rad(0.0, 0.0, 0.0, -0.5, model)) == pytest.approx(3 * math.pi / 2, abs=1e-15)


def _unit(lat, lon):
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def test_sphere_against_vector_geometry():
    # Independent method: central angle atan2(|u1 × u2|, u1 · u2) of the unit vectors; azimuth from the
    # components of u2 along the local east and north at point 1.
    rng = np.random.default_rng(12)
    n = 5000
    lat1, lat2 = np.arcsin(rng.uniform(-1, 1, (2, n)))
    lon1, lon2 = rng.uniform(-np.pi, np.pi, (2, n))
    u1, u2 = _unit(lat1, lon1), _unit(lat2, lon2)
    angle = np.arctan2(np.linalg.norm(np.cross(u1, u2), axis=-1), np.sum(u1 * u2, axis=-1))
    np.testing.assert_allclose(
        surface_distance_m(lat1, lon1, lat2, lon2, SPHERE), SPHERE.a_m * angle, rtol=1e-12
    )
    east = np.stack([-np.sin(lon1), np.cos(lon1), np.zeros(n)], axis=-1)
    north = np.cross(u1, east)
    expected_az = np.mod(np.arctan2(np.sum(u2 * east, -1), np.sum(u2 * north, -1)), 2 * np.pi)
    az = initial_azimuth_rad(lat1, lon1, lat2, lon2, SPHERE)
    np.testing.assert_allclose(np.angle(np.exp(1j * (az - expected_az))), 0.0, atol=1e-12)
    assert np.all((az >= 0.0) & (az < 2 * np.pi))


def test_sphere_path_matches_pyproj_with_zero_flattening():
    # Our sphere path is the closed form; pyproj.Geod with f = 0 (Karney's series, degenerate) is a
    # second, independent oracle for it.
    pyproj = pytest.importorskip("pyproj")
    rng = np.random.default_rng(13)
    lat1, lat2 = np.arcsin(rng.uniform(-1, 1, (2, 500)))
    lon1, lon2 = rng.uniform(-np.pi, np.pi, (2, 500))
    az, _, dist = pyproj.Geod(a=SPHERE.a_m, f=0.0).inv(lon1, lat1, lon2, lat2, radians=True)
    np.testing.assert_allclose(surface_distance_m(lat1, lon1, lat2, lon2, SPHERE), dist, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        np.angle(np.exp(1j * (initial_azimuth_rad(lat1, lon1, lat2, lon2, SPHERE) - az))), 0.0, atol=1e-12
    )


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-1.5, 1.5),
    lon=st.floats(-math.pi, math.pi),
    az=st.floats(0.0, 2 * math.pi, exclude_max=True),
    dist=st.floats(1.0, 1.9e7),
    spherical=st.booleans(),
)
def test_hypothesis_destination_then_inverse(lat, lon, az, dist, spherical):
    model = SPHERE if spherical else WGS84
    lat2, lon2 = destination(lat, lon, az, dist, model)
    assert -math.pi < float(lon2) <= math.pi
    assert float(surface_distance_m(lat, lon, lat2, lon2, model)) == pytest.approx(dist, abs=1e-6)
    az_back = float(initial_azimuth_rad(lat, lon, lat2, lon2, model))
    assert abs(np.angle(np.exp(1j * (az_back - az)))) < 1e-8


def test_broadcasting():
    d = surface_distance_m(np.zeros((3, 1)), 0.0, 0.1, np.linspace(0.0, 1.0, 4))
    assert d.shape == (3, 4)
    lat2, lon2 = destination(0.1, 0.2, np.linspace(0, 6, 7), np.array([[1e5], [2e5]]), SPHERE)
    assert lat2.shape == lon2.shape == (2, 7)
