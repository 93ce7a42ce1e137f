"""Truth for the sensors: launches flown (powered and free flight) and sampled on a common grid."""

from __future__ import annotations

import numpy as np
import pytest

from jointshield.earth.frames import ecef_to_geodetic, geodetic_to_ecef
from jointshield.earth.models import WGS84
from jointshield.errors import InputError
from jointshield.flight import kernel as k
from jointshield.flight.catalogue import get_vehicle
from jointshield.flight.flyout import aimed_flight
from jointshield.flight.truth import Truth, fly_truth, hermite_sample
from jointshield.sensors import Truth as SensorsTruth


def test_truth_is_the_sensors_contract_class() -> None:
    assert SensorsTruth is Truth


def test_hermite_is_exact_for_cubics_and_nan_outside() -> None:
    tg = np.array([0.0, 1.5, 4.0, 5.0])
    c = np.array([[1.0, -2.0, 0.5, 0.25], [3.0, 0.0, -1.0, 0.1], [0.0, 1.0, 0.0, -0.05]])  # per axis

    def r(t):
        return np.stack([c[i, 0] + c[i, 1] * t + c[i, 2] * t**2 + c[i, 3] * t**3 for i in range(3)], -1)

    def v(t):
        return np.stack([c[i, 1] + 2 * c[i, 2] * t + 3 * c[i, 3] * t**2 for i in range(3)], -1)

    tq = np.array([-0.1, 0.0, 0.7, 1.5, 3.3, 5.0, 5.1])
    ri, vi = hermite_sample(tg, r(tg)[None], v(tg)[None], tq)
    assert ri.shape == vi.shape == (1, 7, 3)
    np.testing.assert_allclose(ri[0, 1:-1], r(tq[1:-1]), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(vi[0, 1:-1], v(tq[1:-1]), rtol=1e-13, atol=1e-12)
    assert np.all(np.isnan(ri[0, [0, -1]]))
    # A sample next to a NaN one is still returned at its own time; between them the result is NaN.
    rn, vn = r(tg)[None].copy(), v(tg)[None].copy()
    rn[0, 3] = vn[0, 3] = np.nan
    ri, _ = hermite_sample(tg, rn, vn, np.array([4.0, 4.5]))
    np.testing.assert_allclose(ri[0, 0], r(np.array([4.0]))[0])
    assert np.all(np.isnan(ri[0, 1]))


@pytest.fixture(scope="module")
def srbm_truth() -> Truth:
    srbm = get_vehicle("notional-srbm")
    return fly_truth(["A", "B"], [srbm, srbm], [35.23, 38.08], [53.92, 46.29], [36.0, 38.0], [52.0, 48.0],
                     [10.0, 70.0], WGS84, dt_s=2.0)


def test_fly_truth_grid_launch_impact_and_absence(srbm_truth: Truth) -> None:
    t = srbm_truth
    assert t.ids == ("A", "B") and len(t) == 2
    assert t.t_s[0] == 10.0 and np.allclose(np.diff(t.t_s), 2.0)
    assert t.t_s[-1] >= t.impact_t_s.max() > t.t_s[-1] - 2.0
    assert t.r_ecef_m.shape == t.v_ecef_m_s.shape == (2, t.t_s.shape[0], 3)
    for i in range(2):
        live = (t.t_s >= t.launch_t_s[i]) & (t.t_s <= t.impact_t_s[i])
        assert np.all(np.isfinite(t.r_ecef_m[i, live])) and np.all(np.isnan(t.r_ecef_m[i, ~live]))
        # The first live sample is the launch itself: at rest on the launch point.
        j = int(np.argmax(live))
        assert t.t_s[j] == t.launch_t_s[i]
        r0 = geodetic_to_ecef(np.deg2rad(t.launch_lat_deg[i]), np.deg2rad(t.launch_lon_deg[i]), 0.0, WGS84)
        assert np.linalg.norm(t.r_ecef_m[i, j] - r0) < 1e-3
        assert np.linalg.norm(t.v_ecef_m_s[i, j]) < 1e-6
    # Aimed: impacts within 1 km of the targets (the aiming tolerance is 1 m), after 3 to 5 minutes.
    assert np.allclose(t.impact_lat_deg, [36.0, 38.0], atol=0.01)
    assert np.allclose(t.impact_lon_deg, [52.0, 48.0], atol=0.01)
    assert np.all((t.impact_t_s - t.launch_t_s > 150.0) & (t.impact_t_s - t.launch_t_s < 500.0))


def test_truth_includes_the_powered_phase_and_matches_the_flight(srbm_truth: Truth) -> None:
    t = srbm_truth
    srbm = get_vehicle("notional-srbm")
    af = aimed_flight(srbm, (35.23, 53.92), (36.0, 52.0), WGS84)
    fb = af.flight
    tb = fb.event_t_s[0, k.EV_BURNOUT]
    assert 30.0 < tb <= 62.0  # the single stage burns 62 s (cut-off may come earlier)
    # Samples during the burn rise and speed up; compare with the flight's own path at the same times.
    tau = t.t_s - t.launch_t_s[0]
    sel = (tau > 0) & (tau < t.impact_t_s[0] - t.launch_t_s[0])
    r_ref, v_ref = fb.sample_ecef(0, tau[sel])
    np.testing.assert_allclose(t.r_ecef_m[0, sel], r_ref, atol=1e-6)
    np.testing.assert_allclose(t.v_ecef_m_s[0, sel], v_ref, atol=1e-6)
    p = fb.path(0)
    mid = (p.t_s > 1.0) & (p.t_s < p.t_s[-1] - 1.0)
    r_mid, _ = fb.sample_ecef(0, p.t_s[mid])
    np.testing.assert_allclose(r_mid, p.r_ecef_m[mid], atol=1e-6)
    powered = sel & (tau < tb)
    _, _, alt = ecef_to_geodetic(t.r_ecef_m[0, powered], WGS84)
    speed = np.linalg.norm(t.v_ecef_m_s[0, powered], axis=-1)
    assert np.all(np.diff(alt) > 0) and np.all(np.diff(speed[5:]) > 0) and alt[-1] > 10e3
    # Velocity is the derivative of position: a fourth-order central difference over ±2 and ±4 s
    # (exact for a cubic) agrees above 30 km, where drag is weak, to centimetres per second (the truth is a
    # piecewise cubic whose second derivative jumps a little at each integrator step).
    r, v = t.r_ecef_m[0], t.v_ecef_m_s[0]
    fd = (-r[4:] + 8 * r[3:-1] - 8 * r[1:-3] + r[:-4]) / (12 * 2.0)
    _, _, h = ecef_to_geodetic(np.nan_to_num(r[2:-2], nan=1e7), WGS84)
    ok = np.isfinite(fd[:, 0]) & (tau[2:-2] > tb + 8.0) & (h > 30e3) & (h < 1e6)
    assert ok.sum() > 40
    assert np.max(np.linalg.norm(fd[ok] - v[2:-2][ok], axis=-1)) < 0.1


def test_state_at_interpolates_between_grid_samples(srbm_truth: Truth) -> None:
    t = srbm_truth
    srbm = get_vehicle("notional-srbm")
    fb = aimed_flight(srbm, (35.23, 53.92), (36.0, 52.0), WGS84).flight
    tq = t.launch_t_s[0] + np.array([71.3, 150.9, 222.2])
    r, v = t.state_at(tq)
    r_ref, v_ref = fb.sample_ecef(0, tq - t.launch_t_s[0])
    # Cubic Hermite on a 2 s grid of a ballistic arc: millimetres in position, mm/s in velocity.
    assert np.max(np.linalg.norm(r[0] - r_ref, axis=-1)) < 0.01
    assert np.max(np.linalg.norm(v[0] - v_ref, axis=-1)) < 0.01


def test_fly_truth_names_the_launch_that_cannot_reach() -> None:
    with pytest.raises(InputError) as e:
        fly_truth(["far"], [get_vehicle("notional-srbm")], 35.0, 53.0, 52.0, 21.0, 0.0, WGS84)
    assert e.value.field == "launch far" and "beyond the reach of notional-srbm" in e.value.message
    with pytest.raises(InputError, match="dt_s"):
        fly_truth(["a"], [get_vehicle("notional-srbm")], 35.0, 53.0, 36.0, 52.0, 0.0, WGS84, dt_s=0.0)
