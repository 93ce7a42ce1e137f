"""Impact and launch estimates from track states, and the range class."""

import numpy as np
import pytest

from jointshield.earth.frames import ecef_to_eci, geodetic_to_ecef
from jointshield.earth.geodesy import surface_distance_m
from jointshield.earth.models import WGS84
from jointshield.flight.propagate import burnout_state_ecef
from jointshield.tracking import synthetic as syn
from jointshield.tracking.impact import (
    RANGE_CLASSES,
    estimate_launch,
    impact_predictable,
    predict_impact,
    range_class,
)


@pytest.fixture(scope="module")
def arcs():
    # Two drag-free arcs that start on the ground (1 m up) at t = 0: one short, one long.
    r, v = burnout_state_ecef(np.deg2rad([45.0, 10.0]), np.deg2rad([32.0, -20.0]), 1.0, [2500.0, 6500.0],
                              np.deg2rad([45.0, 30.0]), np.deg2rad([270.0, 60.0]), WGS84)
    return syn.ballistic_truth(r, v, np.zeros(2), 1.0, 2000.0)


def _state(truth, k):
    r, v = ecef_to_eci(truth.r_ecef_m[:, k], truth.v_ecef_m_s[:, k], truth.t_s[k], 0.0, WGS84.omega_rad_s)
    return np.hstack([r, v])


def test_impact_of_a_certain_state_is_the_flight_kernels_impact(arcs):
    x = _state(arcs, 100)
    g = predict_impact(x, np.tile(np.eye(6) * 1e-10, (2, 1, 1)), 100.0)
    assert g.valid.all()
    np.testing.assert_allclose(g.t_s, arcs.impact_t_s, atol=1e-3)
    d = surface_distance_m(g.lat_rad, g.lon_rad, np.deg2rad(arcs.impact_lat_deg), np.deg2rad(arcs.impact_lon_deg))
    # The truth was flown in 1-s legs (each restarted from ECEF), the prediction in one: metres apart
    # after 30 minutes of flight.
    np.testing.assert_array_less(d, 5.0)
    np.testing.assert_array_less(g.semi_major_m, 1.0)


def test_impact_predictable_is_the_estimates_validity(arcs):
    # Certain and uncertain states, one escaping the Earth (its sigma points never land) and one whose
    # velocity uncertainty sends some sigma points to orbit: valid, invalid, and partly so.
    x = np.vstack([_state(arcs, 100), _state(arcs, 400)])
    x[2, 3:] *= 3.0  # ~ 20 km/s: escape
    P = np.tile(np.eye(6) * 1e-10, (4, 1, 1))
    P[3, 3:, 3:] = np.eye(3) * 2000.0**2
    t = np.array([100.0, 100.0, 400.0, 400.0])
    valid = predict_impact(x, P, t).valid
    assert valid.tolist()[:3] == [True, True, False]
    np.testing.assert_array_equal(impact_predictable(x, P, t), valid)


def test_impact_ellipse_follows_the_covariance(arcs):
    # Velocity uncertainty along the flight grows the ellipse along the ground track, not across it.
    x = _state(arcs, 100)[:1]
    v_hat = x[0, 3:] / np.linalg.norm(x[0, 3:])
    P = np.eye(6) * 1e-6
    P[3:, 3:] += 10.0**2 * np.outer(v_hat, v_hat)
    g = predict_impact(x, P[None], 100.0)
    assert g.semi_major_m[0] > 100 * g.semi_minor_m[0]
    # heading of flight 270° (west) → major axis east-west: azimuth ~π/2
    assert abs(g.major_azimuth_rad[0] - np.pi / 2) < np.deg2rad(10)
    a95, _ = g.ellipse(0.95)
    assert a95[0] == pytest.approx(np.sqrt(5.991465) * g.semi_major_m[0], rel=1e-6)


def test_launch_estimate_flies_back_to_the_start_of_a_ballistic_arc(arcs):
    x = _state(arcs, 200)
    L = estimate_launch(x, np.tile(np.eye(6) * 1e-6, (2, 1, 1)), 200.0)
    assert L.valid.all()
    np.testing.assert_allclose(L.t_s, 0.0, atol=0.05)  # the arc started 1 m up
    d = surface_distance_m(L.lat_rad, L.lon_rad, np.deg2rad(arcs.launch_lat_deg), np.deg2rad(arcs.launch_lon_deg))
    np.testing.assert_array_less(d, 50.0)
    rng, cls = range_class(L.lat_rad, L.lon_rad, np.deg2rad(arcs.impact_lat_deg), np.deg2rad(arcs.impact_lon_deg))
    assert [RANGE_CLASSES[c] for c in cls] == ["SRBM", "ICBM"]
    assert 400e3 < rng[0] < 1000e3 and rng[1] > 5500e3


def test_range_class_thresholds_and_unknowns():
    lat = np.zeros(6)
    lon = np.deg2rad(np.array([5.0, 15.0, 30.0, 60.0, 100.0, np.nan]))
    _, cls = range_class(lat, 0.0, lat, lon)
    assert cls.tolist() == [0, 1, 2, 3, 3, -1]  # 557 km, 1670 km, 3340 km, 6680 km, 11100 km, unknown
    _, cls = range_class(lat, 0.0, lat, lon, limits_km=(600.0, 2000.0, 4000.0))
    assert cls.tolist() == [0, 1, 2, 3, 3, -1]
    assert geodetic_to_ecef(0.0, 0.0, 0.0)[0] == WGS84.a_m
