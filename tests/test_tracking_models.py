"""Tracking models: gravity Jacobian, ballistic prediction, range/azimuth/elevation model, EKF update."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from jointshield.earth.frames import aer_to_ecef, ecef_to_aer, ecef_to_eci, eci_to_ecef, geodetic_to_ecef
from jointshield.earth.gravity import gravity
from jointshield.earth.models import WGS84
from jointshield.flight import kernel as fk
from jointshield.flight.propagate import burnout_state_ecef, free_flight_ecef
from jointshield.tracking import ekf
from jointshield.tracking.measurement import (
    Sites,
    innovation,
    measurement_to_inertial,
    predict_measurement,
    wrap_angle,
)
from jointshield.tracking.motion import gravity_jacobian, predict, process_noise

OMEGA = WGS84.omega_rad_s


def _states(n=6, seed=3):
    rng = np.random.default_rng(seed)
    r, v = burnout_state_ecef(np.deg2rad(rng.uniform(-70, 70, n)), np.deg2rad(rng.uniform(-180, 180, n)),
                              rng.uniform(80e3, 1000e3, n), rng.uniform(2000, 7000, n),
                              np.deg2rad(rng.uniform(-30, 50, n)), rng.uniform(0, 2 * np.pi, n), WGS84)
    ri, vi = ecef_to_eci(r, v, 0.0, 0.0, OMEGA)
    return np.hstack([ri, vi])


def test_gravity_and_jacobian_match_earth_gravity_and_finite_differences():
    x = _states(8)
    r = x[:, :3]
    a, G = gravity_jacobian(r)
    np.testing.assert_allclose(a, gravity(r, WGS84), rtol=1e-13, atol=0)
    h = 1.0  # m: central differences, truncation ~ h² |g'''| ~ 1e-18 relative to G
    fd = np.stack([(gravity(r + h * e, WGS84) - gravity(r - h * e, WGS84)) / (2 * h) for e in np.eye(3)], -1)
    np.testing.assert_allclose(G, fd, rtol=1e-6, atol=1e-14)
    # J2 matters: the Jacobian without it differs at the 1e-3 level.
    np.testing.assert_array_less(1e-4, np.max(np.abs(G - gravity_jacobian(r, WGS84.__class__(
        "pm", WGS84.a_m, WGS84.f, WGS84.mu_m3_s2, 0.0, OMEGA, False))[1]) / np.abs(G).max(axis=(1, 2))[:, None, None]))


def _rhs(t, y):
    return np.concatenate([y[3:], gravity(y[None, :3], WGS84)[0]])


@pytest.mark.parametrize("dt", [2.0, 30.0, 300.0, -120.0])
def test_predicted_state_matches_dop853(dt):
    x = _states(5)
    xp, _ = predict(x, np.zeros((5, 6, 6)), dt, 0.0)
    for i in range(5):
        ref = solve_ivp(_rhs, (0, dt), x[i], method="DOP853", rtol=1e-12, atol=1e-9).y[:, -1]
        # RK4 in ≤10 s steps: millimetres in position, µm/s in velocity over 5 minutes.
        np.testing.assert_allclose(xp[i, :3], ref[:3], atol=5e-3, rtol=0)
        np.testing.assert_allclose(xp[i, 3:], ref[3:], atol=5e-5, rtol=0)


def test_predicted_state_matches_the_flight_kernel():
    # The flight kernel flies from ECEF states in the frame that is ECEF at its time 0; with the track
    # at t = 0 that is the tracker's inertial frame.
    r, v = burnout_state_ecef(np.deg2rad([40.0, 10.0]), np.deg2rad([30.0, -60.0]), 150e3, [4500.0, 6500.0],
                              np.deg2rad([35.0, 25.0]), np.deg2rad([270.0, 45.0]), WGS84)
    fb = free_flight_ecef(r, v, WGS84, t_max_s=200.0, rtol=1e-12, atol=1e-8)
    assert np.all(fb.status == fk.ST_TMAX)
    ri, vi = ecef_to_eci(r, v, 0.0, 0.0, OMEGA)
    xp, _ = predict(np.hstack([ri, vi]), np.zeros((2, 6, 6)), 200.0, 0.0)
    np.testing.assert_allclose(xp, fb.y_end_eci, atol=5e-3)


def test_transition_matrix_matches_finite_differences_and_covariance_is_phi_p_phit_plus_q():
    x = _states(3)
    dt, q = 60.0, 0.5
    P = np.stack([np.diag([1e4, 2e4, 3e4, 10.0, 20.0, 30.0])] * 3)
    _, Pp, phi = predict(x, P, dt, q, return_phi=True)
    eps = np.array([1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3])
    fd = np.empty((3, 6, 6))
    for j in range(6):
        dx = np.zeros(6)
        dx[j] = eps[j]
        fd[:, :, j] = (predict(x + dx, P, dt, 0.0)[0] - predict(x - dx, P, dt, 0.0)[0]) / (2 * eps[j])
    np.testing.assert_allclose(phi, fd, rtol=1e-5, atol=1e-6)
    expect = phi @ P @ np.swapaxes(phi, 1, 2) + process_noise(np.full(3, dt), q)
    np.testing.assert_allclose(Pp, expect, rtol=1e-12)
    # Q of the white-acceleration model: q dt³/3, q dt²/2, q dt per axis.
    Q = process_noise(np.array([dt]), q)[0]
    assert Q[0, 0] == pytest.approx(q * dt**3 / 3) and Q[0, 3] == pytest.approx(q * dt**2 / 2)
    assert Q[3, 3] == pytest.approx(q * dt) and Q[0, 1] == 0.0


def _sites():
    lat, lon, h = np.deg2rad([50.0, -33.0]), np.deg2rad([14.0, 151.0]), np.array([400.0, 20.0])
    return Sites.from_geodetic(geodetic_to_ecef(lat, lon, h, WGS84), lat, lon), lat, lon, h


def test_predicted_measurement_matches_frames_and_jacobian_matches_finite_differences():
    sites, lat, lon, h = _sites()
    rng = np.random.default_rng(0)
    n = 40
    s = rng.integers(0, 2, n)
    t = rng.uniform(0, 5000, n)
    az, el, rg = rng.uniform(0, 2 * np.pi, n), rng.uniform(0.02, 1.4, n), rng.uniform(50e3, 3000e3, n)
    r_ecef = aer_to_ecef(az, el, rg, lat[s], lon[s], h[s], WGS84)
    r_eci, _ = ecef_to_eci(r_ecef, None, t, 0.0, OMEGA)
    x = np.hstack([r_eci, rng.normal(0, 3000, (n, 3))])
    z, H = predict_measurement(x, t, s, sites)
    np.testing.assert_allclose(z[:, 0], rg, rtol=1e-12)
    np.testing.assert_allclose(wrap_angle(z[:, 1] - az), 0.0, atol=1e-10)
    np.testing.assert_allclose(z[:, 2], el, atol=1e-10)
    ref = np.stack(ecef_to_aer(r_ecef, lat[s], lon[s], h[s], WGS84), -1)[:, [2, 0, 1]]
    np.testing.assert_allclose(z, ref, rtol=1e-12, atol=1e-12)
    assert np.all(H[:, :, 3:] == 0.0)
    d = 1.0  # m
    fd = np.empty((n, 3, 3))
    for j in range(3):
        e = np.zeros(6)
        e[j] = d
        zp, _ = predict_measurement(x + e, t, s, sites)
        zm, _ = predict_measurement(x - e, t, s, sites)
        diff = zp - zm
        diff[:, 1] = wrap_angle(diff[:, 1])
        fd[:, :, j] = diff / (2 * d)
    np.testing.assert_allclose(H[:, :, :3], fd, rtol=1e-6, atol=1e-14)


def test_azimuth_innovation_is_wrapped_across_north():
    sites, lat, lon, h = _sites()
    r_ecef = aer_to_ecef(np.deg2rad(359.9), 0.3, 500e3, lat[0], lon[0], h[0], WGS84)
    x = np.hstack([r_ecef[None], np.zeros((1, 3))])  # t = 0: inertial = ECEF
    z = np.array([[500e3, np.deg2rad(0.1), 0.3]])
    nu, _ = innovation(x, 0.0, z, 0, sites)
    assert nu[0, 1] == pytest.approx(np.deg2rad(0.2), abs=1e-9)
    np.testing.assert_allclose(wrap_angle([np.pi, -np.pi, 3 * np.pi, 0.0]), [np.pi, np.pi, np.pi, 0.0])


def test_measurement_to_inertial_inverts_the_model_and_its_covariance_is_j_r_jt():
    sites, *_ = _sites()
    t = np.array([100.0, 2000.0])
    z = np.array([[800e3, 1.0, 0.2], [300e3, 4.0, 0.9]])
    var = np.array([[100.0, 1e-6, 4e-6], [25.0, 1e-8, 1e-8]])
    r, C = measurement_to_inertial(z[:, 0], z[:, 1], z[:, 2], var, t, [0, 1], sites)
    zz, H = predict_measurement(np.hstack([r, np.zeros((2, 3))]), t, [0, 1], sites)
    np.testing.assert_allclose(zz, z, rtol=1e-12)
    # C is the inverse mapping of R: H C Hᵀ = R.
    back = H[:, :, :3] @ C @ np.swapaxes(H[:, :, :3], 1, 2)
    scale = 1.0 / np.sqrt(var)
    np.testing.assert_allclose(scale[:, :, None] * back * scale[:, None, :], np.stack([np.eye(3)] * 2), atol=1e-9)


def test_joseph_update_matches_textbook_kalman_and_filterpy():
    rng = np.random.default_rng(5)
    n = 7
    A = rng.normal(size=(n, 6, 6))
    P = A @ np.swapaxes(A, 1, 2) + np.eye(6)
    x = rng.normal(size=(n, 6))
    Hp = rng.normal(size=(n, 3, 3))
    R = rng.uniform(0.5, 2.0, (n, 3))
    nu = rng.normal(size=(n, 3))
    x1, P1, nis = ekf.update(x, P, nu, Hp, R)
    H = np.concatenate([Hp, np.zeros((n, 3, 3))], axis=2)
    S = H @ P @ np.swapaxes(H, 1, 2) + np.stack([np.diag(r) for r in R])
    K = P @ np.swapaxes(H, 1, 2) @ np.linalg.inv(S)
    np.testing.assert_allclose(x1, x + np.einsum("nij,nj->ni", K, nu), rtol=1e-10)
    np.testing.assert_allclose(P1, P - K @ S @ np.swapaxes(K, 1, 2), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(nis, np.einsum("ni,nij,nj->n", nu, np.linalg.inv(S), nu), rtol=1e-10)
    np.testing.assert_array_equal(P1, np.swapaxes(P1, 1, 2))
    filterpy = pytest.importorskip("filterpy.kalman")
    f = filterpy.KalmanFilter(dim_x=6, dim_z=3)
    f.x, f.P, f.R, f.H = x[0].copy(), P[0].copy(), np.diag(R[0]), H[0]
    f.update(H[0] @ x[0] + nu[0])  # filterpy's update is also Joseph form
    np.testing.assert_allclose(x1[0], f.x, rtol=1e-10)
    np.testing.assert_allclose(P1[0], f.P, rtol=1e-8, atol=1e-10)


def test_joseph_update_stays_positive_definite_with_ill_scaled_measurements():
    # Range variance 1 m², angle variances 1e-12 rad² (1.5 m across at 1,500 km) on a 100 km prior: the
    # update shrinks the position variance by 10 orders of magnitude and must stay symmetric positive
    # definite, with the measurement's own resolution as its smallest eigenvalues.
    r = aer_to_ecef(0.7, 0.5, 1500e3, 0.0, 0.0)
    x = np.hstack([r, [0.0, 7e3, 0.0]])[None]
    P = np.diag([1e10, 1e10, 1e10, 1e6, 1e6, 1e6])[None]
    sites = Sites.from_geodetic(geodetic_to_ecef(0.0, 0.0, 0.0), [0.0], [0.0])
    _, H = predict_measurement(x, 0.0, 0, sites)
    _, P1, _ = ekf.update(x, P, np.zeros((1, 3)), H[:, :, :3], np.array([[1.0, 1e-12, 1e-12]]))
    lam = np.linalg.eigvalsh(P1[0])
    np.testing.assert_array_equal(P1[0], P1[0].T)
    np.testing.assert_allclose(lam[:3], [1.0, 1.7328, 2.25], rtol=1e-4)  # m²: 1 m range, (1500 km·1e-6)²


def test_eci_frame_of_the_tracker_is_ecef_frozen_at_epoch():
    r = geodetic_to_ecef(0.3, 0.2, 1e5)
    ri, _ = ecef_to_eci(r, None, 0.0, 0.0, OMEGA)
    np.testing.assert_array_equal(ri, r)
    back, _ = eci_to_ecef(ri, None, 3600.0, 0.0, OMEGA)
    assert np.linalg.norm(back - r) > 1e5  # an hour later the Earth has turned under it
