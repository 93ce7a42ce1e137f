"""Filter consistency by Monte Carlo (NEES) and impact prediction improving as a track matures.

Stated case: one drag-free ballistic target (burnout at 45° N 32° E, 100 km up, 4 km/s, 35° above the
horizontal, heading west; impact after 637 s), one radar at 40° N 28° E (range noise 20 m, angle noise
1 mrad, every 2 s, Pd 1, no false alarms), 50 runs with independent noise. The truth has no unmodelled
acceleration, so the filter runs with a negligible process noise (q = 1e-6 m²/s³).
"""

import numpy as np
import pytest

from jointshield.earth.frames import ecef_to_eci, enu_rotation, geodetic_to_ecef
from jointshield.earth.models import WGS84
from jointshield.flight.propagate import burnout_state_ecef
from jointshield.tracking import FIRM, Tracker, TrackerConfig, predict
from jointshield.tracking import metrics as M
from jointshield.tracking import synthetic as syn
from jointshield.tracking.impact import predict_impact

RUNS = 50
RADAR = syn.SimpleRadar(40.0, 28.0, sigma_range_m=20.0, sigma_az_rad=1e-3, sigma_el_rad=1e-3, pd=1.0,
                        revisit_s=2.0)
CONFIG = TrackerConfig(q_m2_s3=1e-6)


@pytest.fixture(scope="module")
def monte_carlo():
    r, v = burnout_state_ecef(np.deg2rad(45.0), np.deg2rad(32.0), 100e3, 4000.0, np.deg2rad(35.0),
                              np.deg2rad(270.0), WGS84)
    truth = syn.ballistic_truth(r, v, np.zeros(1), 1.0, 700.0)
    runs = []
    for seed in range(RUNS):
        meas = syn.observe_simple(truth, [RADAR], np.random.default_rng(seed))
        runs.append((meas, Tracker(CONFIG).process(meas).history()))
    return truth, runs


def test_average_nees_lies_in_its_chi_square_interval(monte_carlo):
    truth, runs = monte_carlo
    nees, times, rmse = [], [], []
    for meas, h in runs:
        e = M.state_errors(h, truth, meas)
        assert np.unique(h.track_id[h.status == FIRM]).size == 1
        nees.append(e.nees)
        times.append(h.t_s[e.rows])
        rmse.append(e.position_rmse_m)
    t_all, e_all = np.concatenate(times), np.concatenate(nees)
    _, inv, count = np.unique(t_all, return_inverse=True, return_counts=True)
    per_time = np.bincount(inv, e_all) / count  # average over runs at each update time
    common = count >= 0.9 * RUNS  # gate misses (p = 1e-4 each) leave a few runs out of a few times
    assert common.sum() > 250  # firm from the third scan until the radar loses the target
    per_time = per_time[common]
    lo, hi = M.nees_interval(RUNS)  # [5.08, 7.00] for 50 runs of a 6-state
    assert lo < per_time.mean() < hi
    inside = np.mean((per_time > lo) & (per_time < hi))
    assert inside > 0.85, f"{inside:.2f} of the update times inside [{lo:.2f}, {hi:.2f}]"
    print(f"NEES {per_time.mean():.2f} in [{lo:.2f}, {hi:.2f}], {inside:.2f} of times inside; "
          f"position RMSE {np.median(rmse):.1f} m")
    assert np.median(rmse) < 400.0


def test_nees_bar_rejects_an_overconfident_filter(monte_carlo):
    truth, runs = monte_carlo
    per_run = []
    for meas, _ in runs[:10]:
        # Tell the filter the noise is half what it is: NEES should rise about 4x above 6.
        small = type(meas)(**{**meas.__dict__, "sigma_range_m": meas.sigma_range_m / 2,
                              "sigma_az_rad": meas.sigma_az_rad / 2, "sigma_el_rad": meas.sigma_el_rad / 2})
        h = Tracker(CONFIG).process(small).history()
        per_run.append(M.state_errors(h, truth, small).nees_mean)
    assert np.mean(per_run) > M.nees_interval(10)[1] * 2


def test_impact_prediction_error_shrinks_as_the_track_matures(monte_carlo):
    truth, runs = monte_carlo
    r_imp = geodetic_to_ecef(np.deg2rad(truth.impact_lat_deg[0]), np.deg2rad(truth.impact_lon_deg[0]), 0.0)
    ages = np.array([10.0, 40.0, 150.0, 400.0])
    err = np.empty((10, ages.size))
    norm2 = np.empty((10, ages.size))
    t_err = np.empty((10, ages.size))
    for i, (_, h) in enumerate(runs[:10]):
        rows = np.array([np.flatnonzero((h.status == FIRM) & (h.t_s <= a))[-1] for a in ages])
        g = predict_impact(h.x_eci[rows], h.P_eci[rows], h.t_s[rows])
        assert g.valid.all()
        err[i] = np.linalg.norm(g.r_ecef_m - r_imp, axis=1)
        t_err[i] = g.t_s - truth.impact_t_s[0]
        # Normalised squared miss in the ground plane (2 dof): ~2 for a consistent ellipse.
        d_en = np.einsum("nij,nj->ni", enu_rotation(g.lat_rad, g.lon_rad)[:, :2], r_imp - g.r_ecef_m)
        norm2[i] = np.einsum("ni,ni->n", d_en, np.linalg.solve(g.cov_en_m2, d_en[..., None])[..., 0])
    mean_err = err.mean(axis=0)
    assert np.all(np.diff(mean_err) < 0), mean_err
    assert mean_err[-1] < 0.1 * mean_err[0]
    # Measured: 65 km, 5.8 km, 490 m, 210 m at ages 10, 40, 150, 400 s (1 mrad: ~600 m across per look).
    assert mean_err[-1] < 400.0
    assert np.all(np.abs(t_err).mean(axis=0)[1:] < np.abs(t_err).mean(axis=0)[0])
    assert 0.5 < norm2.mean() < 5.0  # the predicted ellipse is the right size (2 expected)


def test_truth_interpolation_is_exact_on_samples_and_close_between(monte_carlo):
    truth, _ = monte_carlo
    r, v = M.truth_at(truth, np.zeros(3, int), np.array([100.0, 100.5, 1e4]))
    np.testing.assert_array_equal(r[0], truth.r_ecef_m[0, 100])
    mid, _ = ecef_to_eci(r[1], v[1], 100.5, 0.0, WGS84.omega_rad_s)
    assert np.all(np.isfinite(mid)) and np.isnan(r[2]).all()
    # Between samples: within millimetres of the ballistic prediction from the sample before.
    x0 = np.hstack(ecef_to_eci(truth.r_ecef_m[0, 100], truth.v_ecef_m_s[0, 100], 100.0, 0.0,
                               WGS84.omega_rad_s))
    xp, _ = predict(x0[None], np.zeros((1, 6, 6)), 0.5, 0.0)
    assert np.linalg.norm(xp[0, :3] - mid) < 0.01
