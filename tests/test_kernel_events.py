"""The flight kernels' library-call-free helpers against the library functions they replace."""

import numpy as np
import pytest

from jointshield.earth.frames import geodetic_altitude_normal_xyz
from jointshield.earth.models import SPHERE, WGS84
from jointshield.flight import kernel as k


def test_inverse_cube_root_near_one_matches_numpy_to_rounding():
    # Vermeille's argument lies in [1, 1.07] for |r| >= a/2 (see _inv_cbrt_near_one): within 2 ulp there,
    # and the cube root formed from it (x·y²) within 3 ulp of numpy's.
    x = np.concatenate([np.linspace(1.0, 1.07, 2001), 1.0 + np.geomspace(1e-18, 1e-2, 200)])
    got = np.array([k._inv_cbrt_near_one(v) for v in x])
    np.testing.assert_allclose(got, x ** (-1.0 / 3.0), rtol=2 * np.finfo(float).eps, atol=0)
    np.testing.assert_allclose(x * got * got, np.cbrt(x), rtol=3 * np.finfo(float).eps, atol=0)


def test_altitude_deep_inside_is_negative():
    # Below half the equatorial radius the closed form is replaced by (|r|² − b²)/2b: negative all the
    # way to the centre, so that a start there is told to be below the surface.
    b = WGS84.a_m * (1.0 - WGS84.f)
    for frac in (0.0, 1e-3, 0.1, 0.3, 0.4999):
        for direction in ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.6, 0.0, 0.8)):
            x, y, z = (frac * WGS84.a_m * c for c in direction)
            h = k.altitude_normal_xyz(x, y, z, WGS84.a_m, WGS84.f)[0]
            assert h == pytest.approx(((frac * WGS84.a_m) ** 2 - b * b) / (2 * b), rel=1e-12)
            assert h < -0.3 * b


def test_altitude_and_normal_match_the_earth_package():
    # Same closed form as earth.frames.geodetic_altitude_normal_xyz (libm cbrt, its own branch on the
    # axis): from half the equatorial radius to ten radii, poles and equator included.
    rng = np.random.default_rng(3)
    n = 2000
    u = rng.normal(size=(n, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    u[:4] = [[0, 0, 1], [0, 0, -1], [1, 0, 0], [0, 1, 0]]
    radius = WGS84.a_m * np.concatenate([[1.0, 1.0, 1.0, 1.0], rng.uniform(0.5, 10.0, n - 4)])
    for model in (WGS84, SPHERE):
        for (x, y, z), rr in zip(u, radius):
            x, y, z = x * rr, y * rr, z * rr
            h, nx, ny, nz = k.altitude_normal_xyz(x, y, z, model.a_m, model.f)
            h0, nx0, ny0, nz0 = geodetic_altitude_normal_xyz(x, y, z, model.a_m, model.f)
            assert abs(h - h0) <= 1e-8 + 1e-15 * rr, (x, y, z, h, h0)
            assert max(abs(nx - nx0), abs(ny - ny0), abs(nz - nz0)) <= 1e-14


def test_error_factor_matches_pow():
    err = np.concatenate([np.geomspace(1e-300, 1e300, 601), [1.0, 0.5, 2.0]])
    got = np.array([k.err_pow(e) for e in err])
    np.testing.assert_allclose(got, err ** (-1.0 / 8.0), rtol=4 * np.finfo(float).eps, atol=0)


def test_vectorised_hermite_roots_equal_the_scalar_ones_bit_for_bit():
    # The lockstep kernel's first guesses for altitude events (a loop without early exits, so that it
    # vectorises) must be the per-trajectory kernel's to the last bit, including the items whose Newton
    # iteration leaves the step or meets a zero slope and stops early.
    from jointshield.flight import kernel_lockstep as kl

    rng = np.random.default_rng(3)
    m = 2000
    h = rng.uniform(1.0, 300.0, m)
    g_a = rng.uniform(1.0, 2e5, m)
    g_b = -rng.uniform(1.0, 2e5, m)
    hdot_a = rng.uniform(-8e3, 8e3, m)
    hdot_b = rng.uniform(-8e3, 2e3, m)
    hdot_a[:5] = 0.0
    hdot_b[:5] = 0.0
    tau = np.empty(m)
    n_iterations = kl._hermite_roots(m, h, g_a, g_b, hdot_a, hdot_b, tau, np.empty(m))
    want = np.array([k.hermite_root(h[i], g_a[i], g_b[i], hdot_a[i], hdot_b[i]) for i in range(m)])
    np.testing.assert_array_equal(tau, want)
    assert np.all((tau > 0.0) & (tau < h))
    # The iterations it reports (for the benchmark's flop count) are those the scalar loop starts.
    assert n_iterations == sum(_hermite_iterations(h[i], g_a[i], g_b[i], hdot_a[i], hdot_b[i]) for i in range(m))
    assert m < n_iterations < 8 * m


def _hermite_iterations(h, g_a, g_b, hdot_a, hdot_b):
    """Iterations that kernel.hermite_root starts (its loop, in Python, counting)."""
    tau = h * g_a / (g_a - g_b)
    for i in range(8):
        x = tau / h
        x2, x3 = x * x, x * x * x
        p = ((2 * x3 - 3 * x2 + 1) * g_a + (x3 - 2 * x2 + x) * h * hdot_a + (-2 * x3 + 3 * x2) * g_b
             + (x3 - x2) * h * hdot_b)
        dp = ((6 * x2 - 6 * x) * g_a + (3 * x2 - 4 * x + 1) * h * hdot_a + (-6 * x2 + 6 * x) * g_b
              + (3 * x2 - 2 * x) * h * hdot_b) / h
        if dp == 0.0:
            return i + 1
        nxt = tau - p / dp
        if not (0.0 < nxt < h):
            return i + 1
        tau = nxt
    return 8
