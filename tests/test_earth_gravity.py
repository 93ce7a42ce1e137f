"""Gravity (point mass + J2) against the point-mass closed form, the gradient of the J2 potential, and
WGS-84 normal gravity."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from jointshield.earth.gravity import gravity, gravity_xyz
from jointshield.earth.models import SPHERE, TEXTBOOK, WGS84


def _python(kernel):
    """The interpreted source of a compiled kernel (the kernel itself under NUMBA_DISABLE_JIT=1)."""
    return getattr(kernel, "py_func", kernel)


def _positions(seed, n=200):
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=(n, 3))
    direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
    return direction * rng.uniform(6.35e6, 5e7, size=(n, 1))


def _potential_j2(r, mu, j2, re):
    """U = -(μ/r) [1 - J2 (re/r)² (3 sin²φ - 1)/2], sin φ = z/r (a = -∇U)."""
    x, y, z = r
    rr = math.sqrt(x * x + y * y + z * z)
    s2 = (z / rr) ** 2
    return -mu / rr * (1.0 - j2 * (re / rr) ** 2 * (3.0 * s2 - 1.0) / 2.0)


@pytest.mark.parametrize("model", [TEXTBOOK, SPHERE])
def test_point_mass_when_j2_is_zero(model):
    r = _positions(1)
    expected = -model.mu_m3_s2 * r / np.linalg.norm(r, axis=-1, keepdims=True) ** 3
    np.testing.assert_allclose(gravity(r, model), expected, rtol=1e-15)


def test_acceleration_is_minus_the_gradient_of_the_j2_potential():
    mu, j2, re = WGS84.mu_m3_s2, WGS84.j2, WGS84.a_m
    for r in _positions(2, 60):
        # Central differences with a step of 1 m: truncation ~ |U'''| h² ≈ 1e-13 relative; rounding of
        # U (~6e7 m²/s², 1e-16 relative) over 2 m ≈ 3e-9 m/s².
        h = 1.0
        grad = np.array(
            [
                (_potential_j2(r + h * e, mu, j2, re) - _potential_j2(r - h * e, mu, j2, re)) / (2 * h)
                for e in np.eye(3)
            ]
        )
        np.testing.assert_allclose(gravity(r, WGS84), -grad, rtol=0, atol=2e-8)


def test_j2_part_against_the_gradient_alone():
    # The J2 part is ~1e-3 of the total: checked on its own, at 1e-6 relative, so an error cannot hide in
    # the rounding of the point-mass term. U_J2 = (μ/r) J2 (re/r)² (3 sin²φ - 1)/2, the J2 term of U.
    mu, j2, re = WGS84.mu_m3_s2, WGS84.j2, WGS84.a_m

    def u_j2(r):
        rr = np.linalg.norm(r)
        return mu / rr * j2 * (re / rr) ** 2 * (3.0 * (r[2] / rr) ** 2 - 1.0) / 2.0

    for r in _positions(3, 60):
        h = 10.0
        grad_j2 = np.array([(u_j2(r + h * e) - u_j2(r - h * e)) / (2 * h) for e in np.eye(3)])
        a_j2 = np.array(gravity_xyz(*r, mu, j2, re)) - np.array(gravity_xyz(*r, mu, 0.0, re))
        np.testing.assert_allclose(a_j2, -grad_j2, rtol=1e-6, atol=1e-13)


def test_surface_gravitation_against_wgs84_normal_gravity():
    # NIMA TR8350.2 (3rd ed., 2000), Table 3.4 (derived physical constants): normal gravity at the equator γe = 9.7803253359 m/s² and at
    # the pole γp = 9.8321849378 m/s² (gravitation plus centrifugal, on the ellipsoid). Gravitation alone
    # is γe + ω² a at the equator (centrifugal 0.0339 m/s² removed) and γp at the pole (none there).
    # Point mass + J2 omits J4 and higher (the normal field's J4 is -2.37e-6): expect agreement to ~5e-5 and
    # 1e-4 m/s²; tolerance 1.5e-4 m/s², against 0.016 (equator) and 0.034 (pole) for point mass alone.
    omega, a, b = WGS84.omega_rad_s, WGS84.a_m, WGS84.b_m
    g_eq = np.linalg.norm(gravity(np.array([a, 0.0, 0.0])))
    g_pole = np.linalg.norm(gravity(np.array([0.0, 0.0, b])))
    assert g_eq == pytest.approx(9.7803253359 + omega**2 * a, abs=1.5e-4)
    assert g_pole == pytest.approx(9.8321849378, abs=1.5e-4)
    # Without J2 both would be off by far more than the tolerance: the test sees the J2 term.
    point_mass = replace(WGS84, j2=0.0)
    assert abs(np.linalg.norm(gravity(np.array([a, 0.0, 0.0]), point_mass)) - g_eq) > 1e-2
    assert abs(np.linalg.norm(gravity(np.array([0.0, 0.0, b]), point_mass)) - g_pole) > 1e-2
    # Gravity at the equator points to the centre; at the pole along -z.
    ax, ay, az = gravity_xyz(a, 0.0, 0.0, WGS84.mu_m3_s2, WGS84.j2, a)
    assert ay == 0.0 and az == 0.0 and ax < 0.0


def test_compiled_kernel_and_batched_agree():
    r = _positions(4, 300)
    batched = gravity(r, WGS84)
    for i, (x, y, z) in enumerate(r):
        compiled = gravity_xyz(x, y, z, WGS84.mu_m3_s2, WGS84.j2, WGS84.a_m)
        interpreted = _python(gravity_xyz)(x, y, z, WGS84.mu_m3_s2, WGS84.j2, WGS84.a_m)
        np.testing.assert_allclose(compiled, batched[i], rtol=1e-15)
        np.testing.assert_allclose(compiled, interpreted, rtol=1e-15)
    assert gravity(r.reshape(10, 30, 3)).shape == (10, 30, 3)
    assert gravity([7e6, 0.0, 0.0]).shape == (3,)


def test_axial_symmetry_makes_eci_and_ecef_agree():
    # Rotating a position about z and then computing gravity equals computing then rotating.
    r = _positions(5, 50)
    c, s = math.cos(0.83), math.sin(0.83)
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(gravity(r @ rot.T), gravity(r) @ rot.T, rtol=1e-13, atol=1e-15)
