"""Free flight: the batched kernel against closed-form ballistics, conservation laws and scipy DOP853."""

import time

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from jointshield.earth.frames import ecef_to_geodetic, eci_to_ecef
from jointshield.earth.models import SPHERE, TEXTBOOK, WGS84, EarthModel
from jointshield.flight import ballistics as b
from jointshield.flight import kernel as k
from jointshield.flight.propagate import burnout_state_ecef, free_flight, free_flight_ecef

R = TEXTBOOK.a_m
MU = TEXTBOOK.mu_m3_s2


def test_textbook_matches_kepler_over_a_grid():
    # Burnout speeds 2-7.5 km/s, angles 5-70 deg, burnout altitudes 0-300 km: range angle, time of
    # flight and apogee against the Kepler ellipse (Bate, Mueller & White ch. 6).
    v, g, h = np.meshgrid(np.linspace(2000, 7500, 6), np.deg2rad(np.linspace(5, 70, 6)), [0.0, 150e3, 300e3])
    v, g, h = v.ravel(), g.ravel(), h.ravel()
    fb = free_flight(0.0, 0.0, h, v, g, np.pi / 2, TEXTBOOK)
    assert np.all(fb.impacted)
    arc = b.kepler_arc(R + h, v, g, R, MU)
    lat, lon, alt = fb.event_geodetic("impact")
    range_angle = np.mod(lon, 2 * np.pi)  # due east along the equator of a non-rotating sphere
    # 1 m on the ground, 1 ms in time, 1 m at apogee.
    np.testing.assert_allclose(range_angle * R, arc.range_angle_rad * R, atol=1.0, rtol=0)
    np.testing.assert_allclose(fb.event_t_s[:, k.EV_IMPACT], arc.time_of_flight_s, atol=1e-3, rtol=0)
    _, _, h_apo = fb.event_geodetic("apogee")
    np.testing.assert_allclose(h_apo, arc.apogee_radius_m - R, atol=1.0, rtol=0)
    np.testing.assert_allclose(alt, 0.0, atol=1e-3)
    np.testing.assert_allclose(lat, 0.0, atol=1e-12)


def test_minimum_energy_10000_km():
    # REFERENCES.md: a 10,000 km minimum-energy shot needs about 7.2 km/s and a little over half an hour.
    psi = 10_000e3 / R
    v = b.minimum_energy_speed(psi, R, MU)
    gamma = b.minimum_energy_angle(psi)
    assert 7.1e3 < v < 7.3e3
    fb = free_flight(0.0, 0.0, 0.0, v, gamma + np.deg2rad([-1.0, 0.0, 1.0]), np.pi / 2, TEXTBOOK)
    _, lon, _ = fb.event_geodetic("impact")
    ranges = lon * R
    assert abs(ranges[1] - 10_000e3) < 1.0
    assert ranges[0] < ranges[1] and ranges[2] < ranges[1]  # the minimum-energy angle maximises range
    assert 1800 < fb.event_t_s[1, k.EV_IMPACT] < 2100
    assert abs(b.maximum_range_angle(R, v, MU) - psi) < 1e-12


def _energy_and_momentum(path_r, path_v, model: EarthModel):
    r = np.linalg.norm(path_r, axis=-1)
    z = path_r[:, 2]
    # Point mass + J2 potential (Vallado eq. 8-30 family), velocity in the inertial frame.
    u = -model.mu_m3_s2 / r * (1 - model.j2 * (model.a_m / r) ** 2 * (1.5 * (z / r) ** 2 - 0.5))
    energy = 0.5 * np.sum(path_v**2, -1) + u
    hz = path_r[:, 0] * path_v[:, 1] - path_r[:, 1] * path_v[:, 0]
    h = np.cross(path_r, path_v)
    return energy, h, hz


@pytest.mark.parametrize("model", [TEXTBOOK, SPHERE, WGS84])
def test_conservation_in_drag_free_flight(model):
    fb = free_flight(np.deg2rad(35.0), np.deg2rad(53.9), 0.0, 6500.0, np.deg2rad(30), np.deg2rad(315), model,
                     rtol=1e-12, atol=1e-7, record_steps=400)
    rec = fb.record[0, : fb.record_n[0]]
    energy, h, hz = _energy_and_momentum(rec[:, 1:4], rec[:, 4:7], model)
    # Energy is conserved in the inertial frame for all three (J2 is static in it: axially symmetric).
    # At rtol 1e-12 the drift must be tiny: 2e-10 of |E| ~ 4e7 J/kg is 8 mJ/kg (under 1 mm of height; events come from the dense output).
    np.testing.assert_allclose(energy, energy[0], rtol=2e-10, atol=0)
    # The z-component of angular momentum always; the whole vector only without J2.
    np.testing.assert_allclose(hz, hz[0], rtol=2e-10)
    if model.j2 == 0:
        np.testing.assert_allclose(h, np.broadcast_to(h[0], h.shape), rtol=2e-10, atol=2e-10 * np.linalg.norm(h[0]))


def _reference_dop853(r_ecef, v_ecef, model: EarthModel, beta):
    """scipy's DOP853 at rtol 1e-12 on the same equations, impact found by solve_ivp's own events."""
    from jointshield.earth.frames import ecef_to_eci

    ri, vi = ecef_to_eci(r_ecef[None], v_ecef[None], np.zeros(1), 0.0, model.omega_rad_s)
    ctrl = np.zeros(k.N_CTRL)
    ctrl[k.C_BETA] = beta
    earth = k.earth_vector(model)
    stages = np.array([[0.0, 0.0, 0.0, 1.0, 0.0]])
    tab = np.array([0.0, 1.0])

    def f(t, y):
        return k.rhs_numpy(t, y, ctrl, earth, stages, 0.0, tab, tab)

    def impact(t, y):
        # An independent altitude: the earth package's batched ECEF→geodetic, not the kernel's.
        r, _ = eci_to_ecef(y[None, :3], y[None, 3:], np.array([t]), 0.0, model.omega_rad_s)
        return float(ecef_to_geodetic(r, model)[2][0]) if t > 1.0 else 1.0

    impact.terminal = True
    impact.direction = -1
    sol = solve_ivp(f, (0, 4 * 3600), np.hstack([ri[0], vi[0]]), method="DOP853", rtol=1e-12, atol=1e-9,
                    events=impact)
    t_imp = sol.t_events[0][0]
    y_imp = sol.y_events[0][0]
    r, _ = eci_to_ecef(y_imp[None, :3], y_imp[None, 3:], np.array([t_imp]), 0.0, model.omega_rad_s)
    return t_imp, r[0]


@pytest.mark.parametrize("beta", [np.inf, 5000.0])
def test_wgs84_matches_scipy_dop853_within_a_metre(beta):
    # ICBM-class free flights on the full model, with and without reentry drag.
    lats = np.deg2rad([35.2, 56.9, -20.0])
    lons = np.deg2rad([53.9, 40.5, 150.0])
    gam = np.deg2rad([22.0, 35.0, 15.0])
    az = np.deg2rad([315.0, 340.0, 80.0])
    r, v = burnout_state_ecef(lats, lons, 200e3, 6900.0, gam, az, WGS84)
    fb = free_flight_ecef(r, v, WGS84, beta_kg_m2=beta)
    r_imp, _ = fb.event_state_ecef("impact")
    for i in range(3):
        t_ref, r_ref = _reference_dop853(r[i], v[i], WGS84, beta)
        assert abs(fb.event_t_s[i, k.EV_IMPACT] - t_ref) < 1e-3
        assert np.linalg.norm(r_imp[i] - r_ref) < 1.0, np.linalg.norm(r_imp[i] - r_ref)


@pytest.mark.parametrize("model,beta", [(WGS84, np.inf), (WGS84, 5000.0), (TEXTBOOK, np.inf)])
def test_lockstep_kernel_equals_per_trajectory_kernel(model, beta):
    # The vectorised lockstep kernel runs the same algorithm lane by lane: same steps, same events.
    rng = np.random.default_rng(7)
    n = 700  # more than two chunks, with a ragged last one
    r, v = burnout_state_ecef(np.deg2rad(rng.uniform(-70, 70, n)), np.deg2rad(rng.uniform(-180, 180, n)),
                              rng.uniform(0, 300e3, n), rng.uniform(2000, 7300, n),
                              np.deg2rad(rng.uniform(5, 80, n)), rng.uniform(0, 2 * np.pi, n), model)
    r[0, :] = 0.5 * r[0, :]  # one state below the surface: reported, not flown
    lock = free_flight_ecef(r, v, model, beta_kg_m2=beta)
    lane = free_flight_ecef(r, v, model, beta_kg_m2=beta, record_steps=1)  # the per-trajectory kernel
    np.testing.assert_array_equal(lock.status, lane.status)
    assert lock.status[0] == k.ST_BELOW_SURFACE and np.all(lock.status[1:] == k.ST_IMPACT)
    np.testing.assert_array_equal(lock.n_steps, lane.n_steps)
    np.testing.assert_allclose(lock.event_t_s, lane.event_t_s, rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(lock.event_y_eci, lane.event_y_eci, rtol=0, atol=1e-6, equal_nan=True)


def test_lockstep_work_counters_match_the_steps_that_cross_events():
    # The benchmark's flop count rests on these counters. One dense output per step that crosses an
    # event (apogee, reentry, impact; several in one step share it), read off the per-trajectory kernel's
    # record of its steps; the root finders iterate at least once per located impact.
    rng = np.random.default_rng(11)
    n = 300
    r, v = burnout_state_ecef(np.deg2rad(rng.uniform(-70, 70, n)), np.deg2rad(rng.uniform(-180, 180, n)),
                              200e3, rng.uniform(3000, 7200, n), np.deg2rad(rng.uniform(10, 60, n)),
                              rng.uniform(0, 2 * np.pi, n), WGS84)
    lock = free_flight_ecef(r, v, WGS84)
    lane = free_flight_ecef(r, v, WGS84, record_steps=400)
    assert lane.kernel_work is None and np.all(lane.record_n < 400)
    steps_with_events = 0
    for i in range(n):
        t_ev = lane.event_t_s[i, [k.EV_APOGEE, k.EV_REENTRY, k.EV_IMPACT]]
        t_ev = t_ev[~np.isnan(t_ev)]
        t_rec = lane.record[i, :lane.record_n[i], 0]
        t_steps = t_rec[~np.isin(t_rec, t_ev)]  # the record holds the step ends and the events
        steps_with_events += len(set(np.searchsorted(t_steps, t_ev).tolist()))
    assert lock.kernel_work["dense outputs"] == steps_with_events
    assert 2 * n <= steps_with_events <= 3 * n
    assert lock.kernel_work["root-finder iterations"] >= np.count_nonzero(lock.impacted)
    assert lock.kernel_work["final states"] <= 3 * n
    # Each located impact or reentry starts from the Hermite guess: one to eight iterations each.
    altitude_events = np.count_nonzero(~np.isnan(lock.event_t_s[:, [k.EV_REENTRY, k.EV_IMPACT]]))
    assert altitude_events <= lock.kernel_work["Hermite iterations"] <= 8 * altitude_events


def test_lockstep_kernel_time_is_part_of_the_call():
    # The benchmark's flop rate divides by the kernel call's own time: it must be measured, and be less
    # than the whole call (which adds the frame conversions and the output allocation).
    r, v = burnout_state_ecef(np.full(2000, 0.5), np.linspace(-3, 3, 2000), 200e3, 7000.0, 0.4, 1.0, WGS84)
    free_flight_ecef(r, v, WGS84)  # compiled
    t0 = time.perf_counter()
    batch = free_flight_ecef(r, v, WGS84)
    whole_s = time.perf_counter() - t0
    assert 0.0 < batch.kernel_s < whole_s
    assert free_flight_ecef(r[:2], v[:2], WGS84, record_steps=50).kernel_s is None


def test_start_states_are_the_ecef_to_eci_conversion_at_time_zero():
    # free_flight_ecef converts its start states in one compiled pass; it must give what the frames
    # module gives at angle 0, to the bit.
    from jointshield.earth.frames import ecef_to_eci
    from jointshield.flight import kernel_lockstep as kl

    rng = np.random.default_rng(5)
    n = 1000
    r, v = burnout_state_ecef(np.deg2rad(rng.uniform(-90, 90, n)), np.deg2rad(rng.uniform(-180, 180, n)),
                              rng.uniform(-1e3, 3e5, n), rng.uniform(0, 7200, n), np.deg2rad(rng.uniform(-30, 90, n)),
                              rng.uniform(0, 2 * np.pi, n), WGS84)
    ri, vi = ecef_to_eci(r, v, np.zeros(n), 0.0, WGS84.omega_rad_s)
    y0 = np.empty((n, 6))
    kl.start_states_eci(np.ascontiguousarray(r), np.ascontiguousarray(v), WGS84.omega_rad_s, y0)
    np.testing.assert_array_equal(y0, np.hstack([ri, vi]))
