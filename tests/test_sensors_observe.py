"""``observe``: detection frequency, noise statistics, false alarms, ordering and truth indices.

Statistical checks use a fixed seed and intervals at about the 99.9% level (binomial, chi-square,
normal), so that a correct implementation fails with probability of order 1e-3 per check, and any
error in a σ, a Pd or a Poisson mean of more than a few percent fails for certain at these sample sizes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from jointshield.earth.frames import aer_to_ecef, ecef_to_aer
from jointshield.earth.models import WGS84
from jointshield.flight.truth import Truth
from jointshield.sensors import Measurements, Radar, RadarArrays, observe
from jointshield.sensors.catalogue import get_radar_type
from jointshield.sensors.observe import scan_times
from jointshield.sensors.radar import RadarType, detection_probability, snr

SITE = (49.65, 13.83, 600.0)  # Brdy, REFERENCES.md (height approximate)
Z = stats.norm.ppf(1 - 0.0005)  # 3.29: two-sided 99.9%


def rtype(**kw: object) -> RadarType:
    d: dict[str, object] = {
        "az_half_width_deg": 30,
        "boresight_el_deg": 20,
        "el_half_width_deg": 20,
        "min_elevation_deg": 1,
        "instrumented_range_km": 4000,
        "detection_range_km": 2000,
        "reference_rcs_m2": 0.01,
        "reference_pd": 0.9,
        "revisit_s": 1,
        "sigma_range_m": 10,
        "sigma_az_mrad": 0.5,
        "sigma_el_mrad": 0.8,
    }
    d.update(kw)
    return RadarType(**d)


def radar(rid: str = "x", az: float = 120.0, **kw: object) -> Radar:
    return Radar(id=rid, type=rtype(**kw), lat_deg=SITE[0], lon_deg=SITE[1], alt_m=SITE[2], boresight_az_deg=az)


def static_truth(points_ecef: np.ndarray, t_end_s: float, dt_s: float = 10.0) -> Truth:
    """Objects standing still at ``points_ecef`` (T, 3) from t = 0 to ``t_end_s``."""
    pts = np.atleast_2d(points_ecef)
    t = np.append(np.arange(0.0, t_end_s, dt_s), t_end_s)
    r = np.repeat(pts[:, None, :], t.shape[0], axis=1)
    n = pts.shape[0]
    z = np.zeros(n)
    return Truth(tuple(f"T{i}" for i in range(n)), t, r, np.zeros_like(r), z, np.full(n, t_end_s), z, z, z, z)


def point(az_deg: float, el_deg: float, range_km: float) -> np.ndarray:
    return aer_to_ecef(np.deg2rad(az_deg), np.deg2rad(el_deg), range_km * 1e3, np.deg2rad(SITE[0]),
                       np.deg2rad(SITE[1]), SITE[2], WGS84)


def binomial_ok(k: int, n: int, p: float) -> bool:
    lo, hi = stats.binom.interval(0.999, n, p)
    return lo <= k <= hi


# ---- detection --------------------------------------------------------------------------------------


def test_detection_frequency_matches_swerling_pd_at_several_ranges() -> None:
    r = radar()
    ranges_km = np.array([1000.0, 2000.0, 2600.0, 3200.0])
    truth = static_truth(np.stack([point(120.0, 10.0, d) for d in ranges_km]), 4000.0)
    m = observe(truth, [r], 0.01, np.random.default_rng(7), scan_phase_s=0.0)
    n_scans = 4001
    ra = RadarArrays.from_radars([r])
    pd = detection_probability(ra, snr(ra, ranges_km[None] * 1e3, 0.01))[0]
    # Hand values: SNR = 130.13·(2000/R)⁴ = 2082, 130.1, 45.56, 19.86 → Pd = exp(ln 1e-6 / (1 + SNR)).
    np.testing.assert_allclose(pd, [0.99339, 0.9, 0.7433, 0.5156], atol=1e-4)
    for i in range(4):
        k = int(np.sum(m.truth == i))
        assert binomial_ok(k, n_scans, pd[i]), (i, k / n_scans, pd[i])


def test_equal_pd_at_rcs_scaled_detection_ranges() -> None:
    """Range ∝ RCS^¼: a 1 m² object at 2,000·100^¼ = 6,325 km... capped by the instrumented range, so use
    a 0.0001 m² object at 2,000·0.01^¼ = 632.5 km and a 0.01 m² one at 2,000 km: both seen with Pd 0.9."""
    r = radar()
    truth = static_truth(np.stack([point(120.0, 10.0, 632.456), point(120.0, 10.0, 2000.0)]), 5000.0)
    m = observe(truth, [r], np.array([1e-4, 1e-2]), np.random.default_rng(11), scan_phase_s=0.0)
    n = 5001
    k0, k1 = int(np.sum(m.truth == 0)), int(np.sum(m.truth == 1))
    assert binomial_ok(k0, n, 0.9) and binomial_ok(k1, n, 0.9), (k0 / n, k1 / n)


def test_fixed_pd_and_invisible_targets_are_never_reported() -> None:
    r = radar(detection_model="fixed", reference_pd=0.6)
    # In the field at 1,500 km; behind the radar; below the minimum elevation; beyond instrumented range.
    pts = np.stack([point(120.0, 10.0, 1500.0), point(300.0, 10.0, 1500.0), point(120.0, 0.5, 1500.0),
                    point(120.0, 10.0, 4100.0)])
    m = observe(static_truth(pts, 3000.0), [r], 100.0, np.random.default_rng(3), scan_phase_s=0.5)
    assert set(np.unique(m.truth).tolist()) == {0}
    assert binomial_ok(len(m), 3000, 0.6)


# ---- noise --------------------------------------------------------------------------------------------


def errors(m: Measurements, truth_point: np.ndarray) -> np.ndarray:
    az, el, rng = ecef_to_aer(truth_point, np.deg2rad(SITE[0]), np.deg2rad(SITE[1]), SITE[2], WGS84)
    d_az = np.mod(m.az_rad - az + np.pi, 2 * np.pi) - np.pi
    return np.stack([m.range_m - rng, d_az, m.el_rad - el], axis=1)


def check_gaussian(e: np.ndarray, sigma: np.ndarray) -> None:
    """Mean zero (normal interval), variance σ² (chi-square interval), no correlation (Fisher z)."""
    n = e.shape[0]
    assert np.all(np.abs(e.mean(axis=0)) < Z * sigma / np.sqrt(n)), (e.mean(axis=0), sigma)
    var = e.var(axis=0, ddof=1)
    lo, hi = stats.chi2.ppf([0.0005, 0.9995], n - 1) / (n - 1)
    assert np.all((var / sigma**2 > lo) & (var / sigma**2 < hi)), var / sigma**2
    corr = np.corrcoef(e.T)
    off = corr[np.triu_indices(3, 1)]
    assert np.all(np.abs(np.arctanh(off)) < Z / np.sqrt(n - 3)), off


def test_noise_mean_and_covariance_match_the_configured_sigma() -> None:
    r = radar(detection_model="fixed", reference_pd=1.0, angle_noise_scales_with_snr=False)
    p = point(120.0, 15.0, 1500.0)
    m = observe(static_truth(p, 19999.0), [r], 0.01, np.random.default_rng(2024), scan_phase_s=0.0)
    assert len(m) == 20000
    sigma = np.array([10.0, 0.5e-3, 0.8e-3])
    np.testing.assert_array_equal(np.stack([m.sigma_range_m, m.sigma_az_rad, m.sigma_el_rad], 1)[0], sigma)
    check_gaussian(errors(m, p), sigma)


def test_angle_noise_follows_snr_and_the_reported_sigma_is_the_true_one() -> None:
    r = radar(detection_model="fixed", reference_pd=1.0, sigma_angle_floor_mrad=0.01)
    # At 1,000 km against the reference 0.01 m², SNR = 16 · SNR_ref: σ = σ_ref / 4.
    p = point(100.0, 25.0, 1000.0)
    m = observe(static_truth(p, 15999.0), [r], 0.01, np.random.default_rng(5), scan_phase_s=0.0)
    np.testing.assert_allclose(m.sigma_az_rad, 0.5e-3 / 4, rtol=1e-9)
    np.testing.assert_allclose(m.sigma_el_rad, 0.8e-3 / 4, rtol=1e-9)
    check_gaussian(errors(m, p), np.array([10.0, 0.125e-3, 0.2e-3]))


def test_azimuth_is_wrapped_near_north() -> None:
    r = radar(az=0.0, detection_model="fixed", reference_pd=1.0, sigma_az_mrad=5.0,
              angle_noise_scales_with_snr=False)
    p = point(0.001, 10.0, 800.0)  # 17 µrad east of north: half the noisy azimuths fall west of north
    m = observe(static_truth(p, 3999.0), [r], 0.01, np.random.default_rng(9), scan_phase_s=0.0)
    assert np.all((m.az_rad >= 0.0) & (m.az_rad < 2 * np.pi))
    assert 0.4 < np.mean(m.az_rad > np.pi) < 0.6
    check_gaussian(errors(m, p), np.array([10.0, 5e-3, 0.8e-3]))


# ---- false alarms ----------------------------------------------------------------------------------


def test_false_alarms_are_poisson_per_scan_and_uniform_in_the_field() -> None:
    lam = 2.5
    r = radar(az=350.0, false_alarms_per_scan=lam)  # the field straddles north: 320°..20°
    m = observe(static_truth(np.empty((0, 3)), 4000.0), [r], 1.0, np.random.default_rng(31), scan_phase_s=0.25)
    assert np.all(m.truth == -1)
    n_scans = 4000
    counts = np.bincount(m.scan, minlength=n_scans)
    assert counts.shape == (n_scans,)
    # Mean λ: normal interval for the sum of n Poisson counts; dispersion index (variance/mean) ≈ 1.
    assert abs(counts.mean() - lam) < Z * np.sqrt(lam / n_scans)
    disp = (n_scans - 1) * counts.var(ddof=1) / lam
    assert stats.chi2.ppf(0.0005, n_scans - 1) < disp < stats.chi2.ppf(0.9995, n_scans - 1)
    # Inside the field: azimuth 320°..20° (unwrapped about the boresight), elevation 1°..40°, range ≤ 4,000 km.
    d_az = np.rad2deg(np.mod(m.az_rad - np.deg2rad(350.0) + np.pi, 2 * np.pi) - np.pi)
    el = np.rad2deg(m.el_rad)
    assert np.all(np.abs(d_az) <= 30.0) and np.all((el >= 1.0) & (el <= 40.0))
    assert np.all((m.range_m >= 0.0) & (m.range_m <= 4000e3))
    # Uniform in each coordinate (Kolmogorov-Smirnov, p > 0.001) and spread to the edges.
    for x, lo, hi in ((d_az, -30.0, 30.0), (el, 1.0, 40.0), (m.range_m, 0.0, 4000e3)):
        assert stats.kstest((x - lo) / (hi - lo), "uniform").pvalue > 1e-3
        assert np.min(x) < lo + 0.01 * (hi - lo) and np.max(x) > hi - 0.01 * (hi - lo)
    np.testing.assert_allclose(m.t_s, 0.25 + m.scan * 1.0)


# ---- ordering, scans, truth indices -----------------------------------------------------------------


def test_output_is_time_ordered_with_scan_and_truth_indices_right() -> None:
    x = radar("x", az=120.0, revisit_s=2.0, false_alarms_per_scan=0.5)
    u = Radar(id="u", type=get_radar_type("notional-uhf-early-warning"), lat_deg=54.36, lon_deg=-0.67,
              boresight_az_deg=110.0)
    # Three objects on straight, slow tracks (a truth grid every 5 s; observe interpolates between samples).
    t = np.arange(0.0, 600.0 + 1e-9, 5.0)
    starts = np.stack([point(110.0, 8.0, 1800.0), point(125.0, 12.0, 1500.0), point(135.0, 20.0, 1200.0)])
    vel = np.array([[1000.0, -2000.0, 500.0], [-1500.0, 500.0, 1000.0], [0.0, 800.0, -1200.0]])
    rr = starts[:, None, :] + vel[:, None, :] * t[None, :, None]
    vv = np.repeat(vel[:, None, :], t.shape[0], axis=1)
    rr[2, t > 400.0] = np.nan  # the third "impacts" at 400 s
    vv[2, t > 400.0] = np.nan
    z = np.zeros(3)
    truth = Truth(("A", "B", "C"), t, rr, vv, z, np.array([600.0, 600.0, 400.0]), z, z, z, z)
    m = observe(truth, [x, u], 1.0, np.random.default_rng(1))
    assert len(m) > 300
    assert np.all(np.diff(m.t_s) >= 0.0)
    same_t = np.diff(m.t_s) == 0.0
    assert np.all(np.diff(m.sensor)[same_t] >= 0)
    # Scan times: a phase in [0, revisit) per radar, then every revisit.
    for s, rev in ((0, 2.0), (1, 5.0)):
        sel = m.sensor == s
        phase = m.t_s[sel] - m.scan[sel] * rev
        assert np.ptp(phase) < 1e-9 and 0.0 <= phase[0] < rev
    assert m.site_ecef_m.shape == (2, 3)
    # Each detection lies within 6σ of the object it names, at its time; none of C after 400 s.
    det = m.truth >= 0
    assert np.any(m.truth == -1) and set(np.unique(m.truth[det]).tolist()) == {0, 1, 2}
    assert not np.any((m.truth == 2) & (m.t_s > 400.0))
    true_r = starts[m.truth[det]] + vel[m.truth[det]] * m.t_s[det, None]
    s = m.sensor[det]
    az, el, rng = ecef_to_aer(true_r, m.site_lat_rad[s], m.site_lon_rad[s], np.array([SITE[2], 0.0])[s], WGS84)
    assert np.all(np.abs(m.range_m[det] - rng) < 6 * m.sigma_range_m[det])
    d_az = np.mod(m.az_rad[det] - az + np.pi, 2 * np.pi) - np.pi
    assert np.all(np.abs(d_az) < 6 * m.sigma_az_rad[det])
    assert np.all(np.abs(m.el_rad[det] - el) < 6 * m.sigma_el_rad[det])


def test_same_seed_same_measurements_and_window() -> None:
    x = radar(false_alarms_per_scan=1.0)
    truth = static_truth(point(120.0, 10.0, 1500.0), 100.0)
    a = observe(truth, [x], 0.01, np.random.default_rng(4))
    b = observe(truth, [x], 0.01, np.random.default_rng(4))
    for f in ("t_s", "range_m", "az_rad", "truth", "scan"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    w = observe(truth, [x], 0.01, np.random.default_rng(4), t_start_s=20.0, t_end_s=30.0, scan_phase_s=0.0)
    assert w.t_s.min() >= 20.0 and w.t_s.max() <= 30.0 and set(w.scan.tolist()) <= set(range(11))


def test_scan_times_and_bad_inputs() -> None:
    np.testing.assert_allclose(scan_times(10.0, 20.0, 0.5, 2.5), [10.5, 13.0, 15.5, 18.0])
    assert scan_times(10.0, 10.2, 0.5, 1.0).shape == (0,)
    truth = static_truth(point(120.0, 10.0, 1500.0), 10.0)
    with pytest.raises(ValueError, match="rcs_m2"):
        observe(truth, [radar()], -1.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="scan_phase_s"):
        observe(truth, [radar()], 1.0, np.random.default_rng(0), scan_phase_s=1.5)


def test_airborne_cells_are_exactly_where_the_truth_is_present() -> None:
    """observe computes geometry and Pd only on the cells ``_airborne_cells`` gives (Pd 0 elsewhere, as a
    NaN position gives): the same positions as the whole-grid interpolation there, bit for bit, and
    every other object × scan cell NaN there. Truths that start late, end early, have a single finite
    sample or none, with scans before, between and after the grid's samples."""
    from jointshield.sensors.observe import _airborne_cells

    rng = np.random.default_rng(4)
    t = np.arange(0.0, 60.0, 1.0)
    r = 7e6 * (1.0 + rng.random((5, t.size, 3)))
    v = 7e3 * rng.standard_normal((5, t.size, 3))
    r[0, :10] = np.nan  # late start
    r[1, 40:] = np.nan  # early end
    r[2, :] = np.nan
    r[2, 30] = 7e6  # one finite sample
    r[3, :] = np.nan  # never present
    v[np.isnan(r)] = np.nan
    n = 5
    truth = Truth(tuple(f"T{i}" for i in range(n)), t, r, v, *(np.zeros(n) for _ in range(6)))
    t_scan = np.concatenate([[-3.0], np.arange(0.25, 62.0, 0.75), [30.0]])
    t_scan.sort()
    obj, ks, pos = _airborne_cells(truth, t_scan)
    full, _ = truth.state_at(t_scan)  # (T, n_scans, 3)
    np.testing.assert_array_equal(pos, full[obj, ks])
    inside = np.zeros(full.shape[:2], bool)
    inside[obj, ks] = True
    assert np.isnan(full[~inside]).all()
    assert np.isfinite(full[inside]).any() and 3 not in obj
