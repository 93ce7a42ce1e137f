"""Frames: geodetic, ECEF, ENU, AER against pymap3d and pyproj (PROJ), a published example, closed
forms and round trips; ECI (rotation only) against finite differences and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from jointshield.earth import frames as F
from jointshield.earth.models import SPHERE, TEXTBOOK, WGS84, EarthModel

pymap3d = pytest.importorskip("pymap3d")
pyproj = pytest.importorskip("pyproj")

WGS84_ELL = pymap3d.Ellipsoid.from_name("wgs84")
N = 4000


def _python(kernel):
    """The interpreted source of a compiled kernel (the kernel itself under NUMBA_DISABLE_JIT=1)."""
    return getattr(kernel, "py_func", kernel)


def _random_geodetic(rng, n, h_lo, h_hi):
    lat = np.arcsin(rng.uniform(-1.0, 1.0, n))  # uniform on the sphere: as many polar as equatorial points
    lon = rng.uniform(-np.pi, np.pi, n)
    return lat, lon, rng.uniform(h_lo, h_hi, n)


def _wrap(angle):
    return np.angle(np.exp(1j * np.asarray(angle)))


# ---------------------------------------------------------------------------------------------------------
# geodetic <-> ECEF
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("h_lo, h_hi", [(-10e3, 10e3), (10e3, 1e6), (1e6, 5e7)])
def test_geodetic_to_ecef_matches_pymap3d_and_pyproj(h_lo, h_hi):
    lat, lon, h = _random_geodetic(np.random.default_rng(1), N, h_lo, h_hi)
    r = F.geodetic_to_ecef(lat, lon, h)
    assert r.shape == (N, 3)
    oracle = np.stack(pymap3d.geodetic2ecef(lat, lon, h, ell=WGS84_ELL, deg=False), axis=-1)
    np.testing.assert_allclose(r, oracle, rtol=0, atol=1e-6)
    # EPSG:4979 (WGS 84 geographic 3D) -> EPSG:4978 (WGS 84 geocentric), PROJ's method 9602.
    to_ecef = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    oracle = np.stack(to_ecef.transform(np.degrees(lon), np.degrees(lat), h), axis=-1)
    np.testing.assert_allclose(r, oracle, rtol=0, atol=1e-6)


def test_ecef_to_geodetic_matches_pymap3d_and_pyproj_near_the_surface():
    # Both oracles' inverses lose accuracy with height (pymap3d 3.2: ~1e-9 rad at 100 km; PROJ's: ~1e-6 m
    # at the surface, mm at 100 km), so they serve only here; above, the round trips below are the test.
    lat, lon, h = _random_geodetic(np.random.default_rng(2), N, -10e3, 10e3)
    r = F.geodetic_to_ecef(lat, lon, h)
    lat2, lon2, h2 = F.ecef_to_geodetic(r)
    p_lat, p_lon, p_h = pymap3d.ecef2geodetic(r[:, 0], r[:, 1], r[:, 2], ell=WGS84_ELL, deg=False)
    np.testing.assert_allclose(h2, p_h, rtol=0, atol=1e-6)
    np.testing.assert_allclose(lat2, p_lat, rtol=0, atol=1e-11)
    np.testing.assert_allclose(_wrap(lon2 - p_lon), 0.0, atol=1e-11)
    to_geographic = pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
    _, g_lat, g_h = to_geographic.transform(r[:, 0], r[:, 1], r[:, 2])
    np.testing.assert_allclose(h2, g_h, rtol=0, atol=5e-6)  # PROJ's inverse is good to a few µm here
    np.testing.assert_allclose(lat2, np.radians(g_lat), rtol=0, atol=1e-11)


@pytest.mark.parametrize("h_lo, h_hi", [(-10e3, 0.0), (0.0, 100e3), (100e3, 5e6), (5e6, 5e7)])
def test_geodetic_round_trip_over_the_whole_domain(h_lo, h_hi):
    # The forward map is a direct closed form (checked above against two oracles at 1e-6 m), so the round
    # trip measures the inverse: < 1e-6 m in h and < 1e-11 rad from -10 km to 50,000 km.
    lat, lon, h = _random_geodetic(np.random.default_rng(3), N, h_lo, h_hi)
    lat2, lon2, h2 = F.ecef_to_geodetic(F.geodetic_to_ecef(lat, lon, h))
    np.testing.assert_allclose(h2, h, rtol=0, atol=1e-6)
    np.testing.assert_allclose(lat2, lat, rtol=0, atol=1e-11)
    np.testing.assert_allclose(_wrap(lon2 - lon), 0.0, atol=1e-11)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-math.pi / 2, math.pi / 2),
    lon=st.floats(-math.pi, math.pi),
    h=st.floats(-10e3, 5e7),
)
def test_hypothesis_geodetic_ecef_geodetic(lat, lon, h):
    lat2, lon2, h2 = F.ecef_to_geodetic(F.geodetic_to_ecef(lat, lon, h))
    assert abs(h2 - h) < 1e-6
    assert abs(lat2 - lat) < 1e-11
    if abs(lat) < math.pi / 2 - 1e-9:  # longitude is undefined on the axis
        assert abs(_wrap(lon2 - lon)) < 1e-11


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(-5.7e7, 5.7e7),
    y=st.floats(-5.7e7, 5.7e7),
    z=st.floats(-5.7e7, 5.7e7),
)
@example(x=30617344.726146504, y=30617344.726146504, z=30617344.726146504)  # once 3 ulp apart (below)
def test_hypothesis_ecef_geodetic_ecef(x, y, z):
    r = np.array([x, y, z])
    assume(x * x + y * y + z * z > 6.34e6**2)  # nearer the centre than the domain's -10 km: undefined
    lat, lon, h = F.ecef_to_geodetic(r)
    if not -10e3 <= h <= 5e7:
        return  # outside the documented domain
    np.testing.assert_allclose(F.geodetic_to_ecef(lat, lon, h), r, rtol=0, atol=1e-6)
    # The compiled kernels give the same numbers as the batched numpy path, to a few ulp: the same formula,
    # but libm's and numpy's cube roots and square roots may round differently (seen: 3 ulp, 2e-8 m, at
    # h = 46,660 km, where an absolute 1e-8 m alone is about one ulp).
    k_lat, k_h = F.geodetic_latitude_altitude_xyz(x, y, z, WGS84.a_m, WGS84.f)
    assert k_lat == pytest.approx(float(lat), abs=1e-15)
    assert k_h == pytest.approx(float(h), abs=1e-8, rel=1e-15)
    assert F.geodetic_altitude_xyz(x, y, z, WGS84.a_m, WGS84.f) == pytest.approx(float(h), abs=1e-8, rel=1e-15)


def test_iogp_guidance_note_7_2_worked_example():
    # IOGP Publication 373-7-2 (Geomatics Guidance Note 7 part 2), EPSG method 9602, worked example on the
    # WGS 84 ellipsoid: 53°48'33.820"N, 2°07'46.380"E, h = 73.0 m  ->  X = 3771793.968 m,
    # Y = 140253.342 m, Z = 5124304.349 m. Printed to 1 mm, so the tolerance is the rounding, 0.5 mm.
    lat = math.radians(53 + 48 / 60 + 33.820 / 3600)
    lon = math.radians(2 + 7 / 60 + 46.380 / 3600)
    r = F.geodetic_to_ecef(lat, lon, 73.0)
    np.testing.assert_allclose(r, [3771793.968, 140253.342, 5124304.349], rtol=0, atol=5e-4)
    # Its reverse example: from the printed X, Y, Z back to the printed geographic coordinates; the printed
    # X, Y, Z are off by up to 0.5 mm, which moves h by < 1 mm and the angles by < 1e-10 rad.
    lat2, lon2, h2 = F.ecef_to_geodetic(np.array([3771793.968, 140253.342, 5124304.349]))
    assert float(h2) == pytest.approx(73.0, abs=1e-3)
    assert float(lat2) == pytest.approx(lat, abs=1e-10)
    assert float(lon2) == pytest.approx(lon, abs=1e-10)


@pytest.mark.parametrize("h", [-10e3, 0.0, 1234.5, 5e7])
def test_poles_and_equator_closed_forms(h):
    a, b = WGS84.a_m, WGS84.b_m
    for sign in (1.0, -1.0):
        r = F.geodetic_to_ecef(sign * math.pi / 2, 0.7, h)
        np.testing.assert_allclose(r, [0.0, 0.0, sign * (b + h)], rtol=0, atol=1e-8)
        lat, _, h2 = F.ecef_to_geodetic(np.array([0.0, 0.0, sign * (b + h)]))
        assert float(lat) == sign * math.pi / 2
        assert float(h2) == pytest.approx(h, abs=1e-8)
    for lon in (0.0, math.pi / 2, math.pi, -math.pi / 2, 1.0):
        r = F.geodetic_to_ecef(0.0, lon, h)
        np.testing.assert_allclose(r, [(a + h) * math.cos(lon), (a + h) * math.sin(lon), 0.0], atol=1e-8)
        lat, lon2, h2 = F.ecef_to_geodetic(r)
        assert float(lat) == 0.0
        assert float(h2) == pytest.approx(h, abs=1e-8)
        assert abs(_wrap(float(lon2) - lon)) < 1e-15


@pytest.mark.parametrize("model", [SPHERE, TEXTBOOK, EarthModel("small", 1000.0, 0.0, 1.0, 0.0, 0.0, False)])
def test_sphere_is_exact(model):
    rng = np.random.default_rng(4)
    xyz = rng.normal(size=(500, 3)) * model.a_m * rng.uniform(0.5, 8.0, size=(500, 1))
    for x, y, z in xyz:
        # The kernels must return exactly |r| - a for a sphere (the integrator's impact event relies on it).
        assert (
            F.geodetic_altitude_xyz(x, y, z, model.a_m, 0.0) == math.sqrt(x * x + y * y + z * z) - model.a_m
        )
        lat, h = F.geodetic_latitude_altitude_xyz(x, y, z, model.a_m, 0.0)
        assert h == math.sqrt(x * x + y * y + z * z) - model.a_m
        assert lat == pytest.approx(math.atan2(z, math.hypot(x, y)), abs=1e-15)  # geocentric = geodetic
    lat, lon, h = F.ecef_to_geodetic(xyz, model)
    np.testing.assert_array_equal(h, np.sqrt(np.sum(xyz * xyz, axis=-1)) - model.a_m)
    # Forward on a sphere: (a + h) times the unit vector, to rounding.
    unit = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    np.testing.assert_allclose(
        F.geodetic_to_ecef(lat, lon, h, model), (model.a_m + h)[:, None] * unit, rtol=1e-15
    )


def test_compiled_kernels_agree_with_their_python_source_and_batched_path():
    lat, lon, h = _random_geodetic(np.random.default_rng(5), 300, -10e3, 5e7)
    r = F.geodetic_to_ecef(lat, lon, h)
    b_lat, _, b_h = F.ecef_to_geodetic(r)
    for i, (x, y, z) in enumerate(r):
        c_lat, c_h = F.geodetic_latitude_altitude_xyz(x, y, z, WGS84.a_m, WGS84.f)
        p_lat, p_h = _python(F.geodetic_latitude_altitude_xyz)(x, y, z, WGS84.a_m, WGS84.f)
        assert c_lat == pytest.approx(p_lat, abs=1e-15) and c_lat == pytest.approx(b_lat[i], abs=1e-15)
        assert c_h == pytest.approx(p_h, abs=1e-8) and c_h == pytest.approx(b_h[i], abs=1e-8)
        assert F.geodetic_altitude_xyz(x, y, z, WGS84.a_m, WGS84.f) == pytest.approx(c_h, abs=1e-8)


def test_broadcasting_and_shapes():
    lat = np.linspace(-1.0, 1.0, 5)[:, None]  # (5, 1)
    lon = np.linspace(-3.0, 3.0, 4)[None, :]  # (1, 4)
    r = F.geodetic_to_ecef(lat, lon, 100.0)
    assert r.shape == (5, 4, 3)
    lat2, lon2, h2 = F.ecef_to_geodetic(r)
    assert lat2.shape == lon2.shape == h2.shape == (5, 4)
    assert F.geodetic_to_ecef(0.1, 0.2, 3.0).shape == (3,)
    assert np.ndim(F.ecef_to_geodetic(np.array([7e6, 0.0, 0.0]))[2]) == 0
    assert F.enu_rotation(lat, lon).shape == (5, 4, 3, 3)
    site = (np.array([0.1, 0.2]), np.array([0.3, 0.4]))
    assert F.ecef_to_enu(np.ones((7, 1, 3)) * 7e6, *site).shape == (7, 2, 3)
    az, el, rng = F.ecef_to_aer(np.ones((7, 2, 3)) * 7e6, *site)
    assert az.shape == el.shape == rng.shape == (7, 2)


# ---------------------------------------------------------------------------------------------------------
# ENU and AER
# ---------------------------------------------------------------------------------------------------------


def _targets_and_sites(seed, n):
    rng = np.random.default_rng(seed)
    lat0, lon0, h0 = _random_geodetic(rng, n, -400.0, 5000.0)
    lat, lon, h = _random_geodetic(rng, n, -1e3, 2e6)
    return F.geodetic_to_ecef(lat, lon, h), lat0, lon0, h0


def test_enu_and_aer_match_pymap3d():
    r, lat0, lon0, h0 = _targets_and_sites(6, N)
    enu = F.ecef_to_enu(r, lat0, lon0, h0)
    oracle = np.stack(
        pymap3d.ecef2enu(r[:, 0], r[:, 1], r[:, 2], lat0, lon0, h0, ell=WGS84_ELL, deg=False), axis=-1
    )
    np.testing.assert_allclose(enu, oracle, rtol=0, atol=1e-6)
    az, el, rng = F.ecef_to_aer(r, lat0, lon0, h0)
    p_az, p_el, p_rng = pymap3d.ecef2aer(r[:, 0], r[:, 1], r[:, 2], lat0, lon0, h0, ell=WGS84_ELL, deg=False)
    np.testing.assert_allclose(rng, p_rng, rtol=0, atol=1e-6)
    np.testing.assert_allclose(el, p_el, rtol=0, atol=1e-12)
    np.testing.assert_allclose(_wrap(az - p_az), 0.0, atol=1e-12)
    assert np.all((az >= 0.0) & (az < 2 * np.pi))
    back = F.aer_to_ecef(az, el, rng, lat0, lon0, h0)
    oracle = np.stack(pymap3d.aer2ecef(az, el, rng, lat0, lon0, h0, ell=WGS84_ELL, deg=False), axis=-1)
    np.testing.assert_allclose(back, oracle, rtol=0, atol=1e-6)
    np.testing.assert_allclose(back, r, rtol=0, atol=1e-6)
    np.testing.assert_allclose(F.enu_to_ecef(enu, lat0, lon0, h0), r, rtol=0, atol=1e-6)


def test_ecef_vectors_to_enu_match_pymap3d_and_invert():
    rng = np.random.default_rng(7)
    v = rng.normal(size=(N, 3)) * 3000.0
    lat0, lon0, _ = _random_geodetic(rng, N, 0.0, 0.0)
    v_enu = F.ecef_vector_to_enu(v, lat0, lon0)
    oracle = np.stack(pymap3d.ecef2enuv(v[:, 0], v[:, 1], v[:, 2], lat0, lon0, deg=False), axis=-1)
    np.testing.assert_allclose(v_enu, oracle, rtol=0, atol=1e-9)
    np.testing.assert_allclose(F.enu_vector_to_ecef(v_enu, lat0, lon0), v, rtol=0, atol=1e-9)
    rot = F.enu_rotation(lat0, lon0)
    np.testing.assert_allclose(
        rot @ np.swapaxes(rot, -1, -2), np.broadcast_to(np.eye(3), rot.shape), atol=1e-15
    )
    np.testing.assert_allclose(np.linalg.det(rot), 1.0, atol=1e-14)


def test_aer_cardinal_directions():
    # From a site on the equator at longitude 0: the pole is due north, a point further east is at azimuth
    # π/2, the zenith is at elevation π/2; a point to the west is at 3π/2, not -π/2.
    lat0, lon0 = 0.0, 0.0
    north = F.ecef_to_aer(np.array([WGS84.a_m, 0.0, 1e5]), lat0, lon0)
    east = F.ecef_to_aer(np.array([WGS84.a_m, 1e5, 0.0]), lat0, lon0)
    west = F.ecef_to_aer(np.array([WGS84.a_m, -1e5, 0.0]), lat0, lon0)
    up = F.ecef_to_aer(np.array([WGS84.a_m + 5e3, 0.0, 0.0]), lat0, lon0)
    assert float(north[0]) == 0.0 and float(north[1]) == 0.0 and float(north[2]) == pytest.approx(1e5)
    assert float(east[0]) == pytest.approx(math.pi / 2, abs=1e-15)
    assert float(west[0]) == pytest.approx(3 * math.pi / 2, abs=1e-15)
    assert float(up[1]) == pytest.approx(math.pi / 2, abs=1e-15) and float(up[2]) == pytest.approx(5e3)


@settings(max_examples=200, deadline=None)
@given(
    az=st.floats(0.0, 2 * math.pi, exclude_max=True),
    el=st.floats(-1.5, 1.5),
    rng=st.floats(1.0, 5e6),
    lat0=st.floats(-1.5, 1.5),
    lon0=st.floats(-math.pi, math.pi),
)
def test_hypothesis_aer_round_trip(az, el, rng, lat0, lon0):
    r = F.aer_to_ecef(az, el, rng, lat0, lon0, 250.0)
    az2, el2, rng2 = F.ecef_to_aer(r, lat0, lon0, 250.0)
    assert float(rng2) == pytest.approx(rng, abs=1e-6 + 1e-15 * rng)
    # Angles are as precise as a position of ~1e-9 m relative rounding allows at this range.
    tol = 1e-9 + 1e-8 / rng
    assert float(el2) == pytest.approx(el, abs=tol)
    assert abs(_wrap(float(az2) - az)) * math.cos(el) < tol
    assert 0.0 <= float(az2) < 2 * math.pi


# ---------------------------------------------------------------------------------------------------------
# ECI (rotation only) <-> ECEF
# ---------------------------------------------------------------------------------------------------------


def test_eci_to_ecef_closed_form_quarter_turn():
    # A point fixed in ECI on the x axis is seen from the Earth to move west: after the Earth has turned
    # by π/2 it lies on the ECEF -y axis.
    omega = WGS84.omega_rad_s
    t = (math.pi / 2) / omega
    r_ecef, _ = F.eci_to_ecef(np.array([7e6, 0.0, 1e6]), None, t)
    np.testing.assert_allclose(r_ecef, [0.0, -7e6, 1e6], atol=1e-6)
    # θ0 alone does the same at t = 0.
    r_ecef, _ = F.eci_to_ecef(np.array([7e6, 0.0, 1e6]), None, 0.0, theta0_rad=math.pi / 2)
    np.testing.assert_allclose(r_ecef, [0.0, -7e6, 1e6], atol=1e-6)
    np.testing.assert_allclose(F.eci_to_ecef_rotation(t) @ [7e6, 0.0, 1e6], [0.0, -7e6, 1e6], atol=1e-6)


def test_a_point_carried_by_the_earth_has_no_ecef_velocity():
    rng = np.random.default_rng(8)
    r_eci = rng.normal(size=(100, 3)) * 7e6
    omega = WGS84.omega_rad_s
    v_eci = np.cross([0.0, 0.0, omega], r_eci)
    _, v_ecef = F.eci_to_ecef(r_eci, v_eci, rng.uniform(0, 1e4, 100), theta0_rad=1.3)
    np.testing.assert_allclose(v_ecef, 0.0, atol=1e-9)


def test_eci_to_ecef_velocity_is_the_derivative_of_position():
    # Straight inertial motion r_eci(t) = r0 + v t; v_ecef must be d/dt of r_ecef(t) = R3(θ(t)) r_eci(t).
    rng = np.random.default_rng(9)
    r0 = rng.normal(size=(50, 3)) * 7e6
    v = rng.normal(size=(50, 3)) * 5e3
    t = rng.uniform(0.0, 5000.0, 50)
    dt = 1e-2
    theta0 = 2.1

    def r_ecef(time):
        return F.eci_to_ecef(r0 + v * time[:, None], None, time, theta0_rad=theta0)[0]

    numeric = (r_ecef(t + dt) - r_ecef(t - dt)) / (2 * dt)  # central difference: error ~ ω² r dt² ~ 1e-9
    _, v_ecef = F.eci_to_ecef(r0 + v * t[:, None], v, t, theta0_rad=theta0)
    np.testing.assert_allclose(v_ecef, numeric, rtol=0, atol=1e-5)


@settings(max_examples=200, deadline=None)
@given(
    r=st.lists(st.floats(-5e7, 5e7), min_size=3, max_size=3),
    v=st.lists(st.floats(-1e4, 1e4), min_size=3, max_size=3),
    t=st.floats(-1e6, 1e6),
    theta0=st.floats(0.0, 2 * math.pi),
)
def test_hypothesis_eci_ecef_round_trip(r, v, t, theta0):
    r, v = np.array(r), np.array(v)
    r_ecef, v_ecef = F.eci_to_ecef(r, v, t, theta0_rad=theta0)
    assert np.linalg.norm(r_ecef) == pytest.approx(np.linalg.norm(r), rel=1e-14, abs=1e-6)
    r2, v2 = F.ecef_to_eci(r_ecef, v_ecef, t, theta0_rad=theta0)
    np.testing.assert_allclose(r2, r, rtol=0, atol=1e-7)
    np.testing.assert_allclose(v2, v, rtol=0, atol=1e-9)


def test_eci_batch_with_a_time_per_row_equals_one_at_a_time():
    rng = np.random.default_rng(10)
    r = rng.normal(size=(20, 3)) * 7e6
    v = rng.normal(size=(20, 3)) * 3e3
    t = rng.uniform(0.0, 3600.0, 20)
    rb, vb = F.eci_to_ecef(r, v, t, theta0_rad=0.4, omega_rad_s=SPHERE.omega_rad_s)
    for i in range(20):
        ri, vi = F.eci_to_ecef(r[i], v[i], t[i], theta0_rad=0.4, omega_rad_s=SPHERE.omega_rad_s)
        np.testing.assert_allclose(rb[i], ri, rtol=1e-15)
        np.testing.assert_allclose(vb[i], vi, rtol=1e-15)
        rot = F.eci_to_ecef_rotation(t[i], 0.4, SPHERE.omega_rad_s)
        np.testing.assert_allclose(ri, rot @ r[i], rtol=1e-14)
    # One position at many times gives a track of shape (T, 3).
    track, _ = F.eci_to_ecef(r[0], None, t)
    assert track.shape == (20, 3)
