"""The tracker's life cycle (M-of-N initiation, deletion), association with crossing targets and false
alarms, and fusion of two radars, on synthetic truth from the flight kernel."""

from dataclasses import replace

import numpy as np
import pytest

from jointshield.earth.frames import ecef_to_eci, eci_to_ecef
from jointshield.earth.models import WGS84
from jointshield.flight.propagate import burnout_state_ecef
from jointshield.sensors import Measurements
from jointshield.tracking import DELETED, FIRM, TENTATIVE, Tracker, TrackerConfig, predict
from jointshield.tracking import metrics as M
from jointshield.tracking import synthetic as syn

RADAR = syn.SimpleRadar(44.0, 27.0, sigma_range_m=30.0, sigma_az_rad=5e-4, sigma_el_rad=5e-4, pd=1.0,
                        revisit_s=2.0)


@pytest.fixture(scope="module")
def one_target():
    r, v = burnout_state_ecef(np.deg2rad(45.0), np.deg2rad(32.0), 100e3, 4000.0, np.deg2rad(35.0),
                              np.deg2rad(270.0), WGS84)
    return syn.ballistic_truth(r, v, np.zeros(1), 1.0, 300.0)


def _subset(meas: Measurements, keep: np.ndarray) -> Measurements:
    fields = ("t_s", "sensor", "range_m", "az_rad", "el_rad", "sigma_range_m", "sigma_az_rad", "sigma_el_rad",
              "truth", "scan")
    return replace(meas, **{f: getattr(meas, f)[keep] for f in fields})


def _concat(a: Measurements, b: Measurements) -> Measurements:
    fields = ("t_s", "sensor", "range_m", "az_rad", "el_rad", "sigma_range_m", "sigma_az_rad", "sigma_el_rad",
              "truth", "scan")
    cat = {f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in fields}
    order = np.lexsort((cat["sensor"], cat["t_s"]))
    return replace(a, **{f: v[order] for f, v in cat.items()})


def _rows(h, tid):
    return np.flatnonzero(h.track_id == tid)


@pytest.mark.parametrize(("m", "n", "firm_at_scan"), [(3, 4, 2), (2, 3, 1), (4, 6, 3)])
def test_m_of_n_confirms_at_the_mth_hit(one_target, m, n, firm_at_scan):
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(0))
    h = Tracker(TrackerConfig(confirm_m=m, confirm_n=n)).process(meas).history()
    assert np.unique(h.track_id).tolist() == [0]
    st = h.status
    assert st[0] == TENTATIVE and h.t_s[0] == 0.0
    first_firm = h.t_s[np.flatnonzero(st == FIRM)[0]]
    assert first_firm == pytest.approx(firm_at_scan * RADAR.revisit_s)
    assert np.all(st[:firm_at_scan] == TENTATIVE)


def test_m_of_n_with_misses_confirms_late_or_never(one_target):
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(0))
    cfg = TrackerConfig(confirm_m=3, confirm_n=5)
    # Hits at scans 0, 1, (miss 2), (miss 3), hit 4: 3 hits in 5 opportunities -> firm at scan 4.
    # The misses are scans present in the data (a far false alarm keeps each scan in the record).
    far = syn.SimpleRadar(**{**RADAR.__dict__, "false_alarms_per_scan": 1.0,
                             "fa_window": (2500e3, 2600e3, 3.0, 3.1, 0.5, 0.6)})
    meas = syn.observe_simple(one_target, [far], np.random.default_rng(0))
    sub = _subset(meas, ~((meas.truth == 0) & np.isin(meas.scan, [2, 3])))
    h = Tracker(cfg).process(sub).history()
    tid = h.track_id[np.flatnonzero(sub.truth[np.maximum(h.meas, 0)] == 0)[0]]
    r = _rows(h, tid)
    assert h.t_s[r][h.status[r] == FIRM][0] == pytest.approx(4 * RADAR.revisit_s)
    # Misses at scans 1, 2, 3: only 2 hits possible within 5 -> deleted at scan 3, never firm.
    sub = _subset(meas, ~((meas.truth == 0) & np.isin(meas.scan, [1, 2, 3])))
    h = Tracker(cfg).process(sub).history()
    first = h.track_id[(h.meas >= 0) & (h.t_s == 0.0) & (sub.truth[np.maximum(h.meas, 0)] == 0)][0]
    r = _rows(h, first)
    assert not np.any(h.status[r] == FIRM)
    assert h.status[r][-1] == DELETED and h.t_s[r][-1] == pytest.approx(3 * RADAR.revisit_s)


def test_lone_false_alarm_makes_a_tentative_track_that_is_deleted(one_target):
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(0))
    # One false alarm, 300 km from the target, at scan 5 (t = 10 s).
    k = np.flatnonzero(meas.scan == 5)[0]
    fa = _subset(meas, np.array([k]))
    fa = replace(fa, range_m=fa.range_m + 300e3, truth=np.array([-1]))
    h = Tracker(TrackerConfig(confirm_m=3, confirm_n=4)).process(_concat(meas, fa)).history()
    q = M.track_quality(h, one_target, _concat(meas, fa))
    assert q.false_tracks == 0 and q.n_firm_tracks.tolist() == [1]
    fa_track = np.setdiff1d(np.unique(h.track_id), [0])
    assert fa_track.size == 1
    r = _rows(h, fa_track[0])
    assert h.status[r].tolist() == [TENTATIVE, DELETED]
    assert h.t_s[r].tolist() == [10.0, 14.0]  # two misses > N - M = 1


def test_firm_track_is_deleted_after_consecutive_misses_and_after_a_gap_in_scans(one_target):
    cfg = TrackerConfig(delete_misses=4)
    far = syn.SimpleRadar(**{**RADAR.__dict__, "false_alarms_per_scan": 3.0,
                             "fa_window": (2500e3, 2600e3, 3.0, 3.1, 0.5, 0.6)})
    meas = syn.observe_simple(one_target, [far], np.random.default_rng(0))
    # The target stops being seen after t = 100 s while the scans go on.
    h = Tracker(cfg).process(_subset(meas, ~((meas.truth == 0) & (meas.t_s > 100.0)))).history()
    r = _rows(h, 0)
    assert h.status[r][-1] == DELETED
    assert h.t_s[r][-1] == pytest.approx(100.0 + 4 * RADAR.revisit_s)
    # No false alarms and whole scans 50..53 missing: the gap counts as four misses.
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(0))
    h = Tracker(cfg).process(_subset(meas, ~np.isin(meas.scan, [50, 51, 52, 53]))).history()
    r = _rows(h, 0)
    assert h.status[r][-1] == DELETED and h.t_s[r][-1] == pytest.approx(49 * RADAR.revisit_s)
    assert np.unique(h.track_id).size == 2  # a new track starts at scan 54
    assert h.t_s[_rows(h, 1)][0] == pytest.approx(54 * RADAR.revisit_s)


def _crossing_truth():
    """Two targets whose paths cross 1.5 km apart at t = 150 s, 25° apart in heading."""
    r, v = burnout_state_ecef(np.deg2rad([45.0, 45.0]), np.deg2rad([29.0, 29.0]), [250e3, 251.5e3],
                              [3500.0, 3600.0], np.deg2rad([5.0, -5.0]), np.deg2rad([260.0, 285.0]), WGS84)
    ri, vi = ecef_to_eci(r, v, 150.0, 0.0, WGS84.omega_rad_s)
    x0, _ = predict(np.hstack([ri, vi]), np.zeros((2, 6, 6)), -150.0, 0.0)
    r0, v0 = eci_to_ecef(x0[:, :3], x0[:, 3:], 0.0, 0.0, WGS84.omega_rad_s)
    return syn.ballistic_truth(r0, v0, np.zeros(2), 1.0, 300.0)


def test_crossing_targets_in_clutter_are_tracked_without_swaps():
    # Stated case: two targets 25° apart in heading cross 1.5 km apart at t = 150 s, 600-800 km from a
    # radar with 50 m range and 1 mrad angle noise (600-800 m across), scanning every 2 s with Pd 0.9
    # and 10 false alarms per scan uniform in a box ±100 km in range and ±4° in angle around the targets.
    truth = _crossing_truth()
    radar = syn.SimpleRadar(42.0, 25.0, sigma_range_m=50.0, sigma_az_rad=1e-3, sigma_el_rad=1e-3, pd=0.9,
                            revisit_s=2.0, false_alarms_per_scan=10.0)
    from jointshield.earth.frames import ecef_to_aer

    az, el, rg = ecef_to_aer(truth.r_ecef_m[:, 150], np.deg2rad(42.0), np.deg2rad(25.0))
    box = (rg.mean() - 100e3, rg.mean() + 100e3, az.mean() - 0.07, az.mean() + 0.07, el.mean() - 0.07,
           el.mean() + 0.07)
    radar = replace(radar, fa_window=box)
    swaps, breaks, false_tracks, purity = [], [], [], []
    for seed in range(5):
        meas = syn.observe_simple(truth, [radar], np.random.default_rng(seed))
        h = Tracker(TrackerConfig(confirm_m=3, confirm_n=4)).process(meas).history()
        q = M.track_quality(h, truth, meas)
        swaps.append(q.swaps)
        breaks.append(q.breaks.sum())
        false_tracks.append(q.false_tracks)
        purity.append(q.track_purity[q.track_label >= 0].min())
        assert q.n_firm_tracks.tolist() == [1, 1]
        assert np.all(q.firm_track_s - q.first_detection_s <= 10.0)  # within 5 scans of being seen
    assert swaps == [0] * 5
    assert breaks == [0] * 5
    assert max(false_tracks) <= 1
    assert min(purity) >= 0.97


def test_two_radars_fuse_sequentially_and_beat_either_alone(one_target):
    coarse = syn.SimpleRadar(44.0, 27.0, sigma_range_m=200.0, sigma_az_rad=3e-3, sigma_el_rad=3e-3, pd=1.0,
                             revisit_s=2.0)
    fine = syn.SimpleRadar(46.0, 26.0, sigma_range_m=200.0, sigma_az_rad=3e-3, sigma_el_rad=3e-3, pd=1.0,
                           revisit_s=2.0, offset_s=1.0)
    rmse = {}
    for name, radars in (("a", [coarse]), ("b", [fine]), ("ab", [coarse, fine])):
        meas = syn.observe_simple(one_target, radars, np.random.default_rng(1))
        h = Tracker().process(meas).history()
        rmse[name] = M.state_errors(h, one_target, meas).position_rmse_m
        if name == "ab":
            assert set(np.unique(h.sensor[h.meas >= 0])) == {0, 1}
            assert np.unique(h.track_id[h.status == FIRM]).size == 1
    assert rmse["ab"] < 0.85 * min(rmse["a"], rmse["b"])


def test_processing_in_two_calls_equals_one(one_target):
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(2))
    whole = Tracker().process(meas).history()
    tr = Tracker()
    early = meas.t_s < 100.0
    tr.process(_subset(meas, early))
    tr.process(_subset(meas, ~early))
    parts = tr.history()
    assert len(parts) == len(whole)
    np.testing.assert_allclose(parts.x_eci[-1], whole.x_eci[-1], rtol=0, atol=1e-6)


def test_gospa_over_time_counts_a_missed_target_then_localises_it(one_target):
    meas = syn.observe_simple(one_target, [RADAR], np.random.default_rng(3))
    h = Tracker().process(meas).history()
    c = 10e3
    g = M.gospa_over_time(h, one_target, np.array([1.0, 3.0, 5.0, 100.0]), c=c)
    # Before confirmation (firm at t = 4 s) the target is missed: c/√2; after, the localisation error.
    np.testing.assert_allclose(g[:2], c / np.sqrt(2))
    assert g[2] < 1000.0 and g[3] < 500.0


def test_deletion_rules_use_the_exact_geodetic_altitude_near_the_ground():
    """The altitude rule (deleted below min_altitude_m = -5 km) tests h >= |r| - a first and computes the
    exact geodetic altitude only below that bound. At a pole |r| - a is 21.4 km less than the altitude,
    so a track 1 km up there fails the bound and must be kept by the exact test; 6 km under the equator
    or the pole it goes, 4 km under the equator it stays; a track 300 km up passes on the bound alone."""
    from jointshield.earth.frames import geodetic_to_ecef
    from jointshield.tracking import _kernels as kern

    lat = np.deg2rad([90.0, 90.0, 0.0, 0.0, 45.0])
    alt = np.array([1e3, -6e3, -6e3, -4e3, 300e3])
    n = lat.size
    x = np.zeros((n, 6))
    x[:, :3] = geodetic_to_ecef(lat, np.zeros(n), alt, WGS84)
    P = np.broadcast_to(np.eye(6), (n, 6, 6)).copy()
    status = np.full(n, FIRM, np.int64)
    ones = np.ones(n, np.int64)
    drop = np.empty(n, bool)
    count = kern.life_cycle_drop(n, 0, 10.0, status, 3 * ones, 3 * ones, np.zeros((n, 1), np.int32),
                                 np.full(n, 10.0), ones.copy(), P, x, 4, 3, 4, 60.0, 30e3, -5e3, WGS84.a_m,
                                 WGS84.f, drop)
    assert drop.tolist() == [False, True, True, False, False]
    assert count == 2


def test_gnn_assign_takes_lone_pairs_as_they_are_and_solves_the_shared_ones_optimally():
    from jointshield.tracking.association import gnn_assign

    # No track or measurement shared: every gated pair is assigned, in the order given.
    ti, mj = gnn_assign(np.array([3, 0, 1]), np.array([7, 2, 5]), np.array([1.0, 2.0, 3.0]), 21.1)
    assert ti.tolist() == [3, 0, 1] and mj.tolist() == [7, 2, 5]
    # Tracks 0 and 1 both gate measurement 0; greedy (0 -> 0, cost 1) would leave track 1 unassigned
    # (miss cost 10): total 11. The optimum is 0 -> 1 (2) and 1 -> 0 (1.5): 3.5. Track 2 -> 5 is alone.
    ti, mj = gnn_assign(np.array([0, 0, 1, 2]), np.array([0, 1, 0, 5]), np.array([1.0, 2.0, 1.5, 4.0]), 10.0)
    assert sorted(zip(ti.tolist(), mj.tolist(), strict=True)) == [(0, 1), (1, 0), (2, 5)]
    # With a miss cost of 1.2 leaving track 1 unassigned is cheaper: 0 -> 0 (1) + miss (1.2) = 2.2 < 3.5.
    ti, mj = gnn_assign(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([1.0, 2.0, 1.5]), 1.2)
    assert sorted(zip(ti.tolist(), mj.tolist(), strict=True)) == [(0, 0)]
