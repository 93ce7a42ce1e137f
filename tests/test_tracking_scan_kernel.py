"""The compiled scan loop (:func:`jointshield.tracking._kernels.process_scans`, tracker.py) against the
per-scan Python loop it replaced (tests/tracker_reference.py, frozen): the same history, row for row and
bit for bit, and the same live tracks, on data that takes every path — crossing targets in clutter (scans
handed back for the optimal assignment), missed detections and gaps in the scan indices (deletions),
two radars, measurements fed in one call or in 5 s cycles, buffers that must grow."""

from dataclasses import replace

import numpy as np
import pytest

from jointshield.earth.models import WGS84
from jointshield.tracking import Tracker, TrackerConfig
from jointshield.tracking import synthetic as syn
from jointshield.tracking import tracker as tracker_module
from tracker_reference import ReferenceTracker

FIELDS = ("track_id", "t_s", "x_eci", "P_eci", "status", "meas", "sensor", "nis")


def _subset(meas, keep):
    fields = ("t_s", "sensor", "range_m", "az_rad", "el_rad", "sigma_range_m", "sigma_az_rad", "sigma_el_rad",
              "truth", "scan")
    return replace(meas, **{f: getattr(meas, f)[keep] for f in fields})


def _clutter_measurements(seed: int):
    """Twelve ballistic targets close together, two radars (Pd 0.85, 8 false alarms a scan around the
    targets), every tenth scan of the first radar missing (a gap in its scan indices)."""
    rng = np.random.default_rng(seed)
    r, v = syn.random_ballistic_states(12, rng, lat_deg=(44.0, 45.0), lon_deg=(28.0, 29.0), model=WGS84)
    truth = syn.ballistic_truth(r, v, rng.uniform(0.0, 20.0, 12).round(), 1.0, 400.0)
    box = (600e3, 1000e3, 0.9, 1.3, 0.1, 0.4)
    radars = [syn.SimpleRadar(42.0, 35.0, sigma_range_m=100.0, sigma_az_rad=2e-3, sigma_el_rad=2e-3, pd=0.85,
                              revisit_s=2.0, false_alarms_per_scan=8.0, fa_window=box),
              syn.SimpleRadar(47.0, 36.0, sigma_range_m=150.0, sigma_az_rad=3e-3, sigma_el_rad=3e-3, pd=0.85,
                              revisit_s=3.0, offset_s=1.0)]
    meas = syn.observe_simple(truth, radars, rng)
    return _subset(meas, ~((meas.sensor == 0) & (meas.scan % 10 == 9)))


def _feed(tracker, meas, cycle_s):
    if cycle_s is None:
        return tracker.process(meas)
    t0 = float(meas.t_s.min())
    for k in range(int((meas.t_s.max() - t0) // cycle_s) + 1):
        sel = (meas.t_s >= t0 + k * cycle_s) & (meas.t_s < t0 + (k + 1) * cycle_s)
        tracker.process(_subset(meas, sel))
    return tracker


@pytest.mark.parametrize("cycle_s", [None, 5.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_compiled_scan_loop_equals_the_per_scan_python_loop(monkeypatch, seed, cycle_s):
    meas = _clutter_measurements(seed)
    handed_back = []
    gnn = tracker_module.gnn_assign
    monkeypatch.setattr(tracker_module, "gnn_assign", lambda *a: handed_back.append(1) or gnn(*a))
    cfg = TrackerConfig(confirm_m=2, confirm_n=3)
    new = _feed(Tracker(cfg), meas, cycle_s)
    ref = _feed(ReferenceTracker(cfg), meas, cycle_s)
    assert handed_back, "no scan needed the optimal assignment: the data does not test that path"
    h_new, h_ref = new.history(), ref.history()
    assert len(h_new) == len(h_ref) > 1000
    assert (h_ref.status == 2).sum() > 50  # deletions
    for f in FIELDS:
        a, b = getattr(h_new, f), getattr(h_ref, f)
        assert a.dtype == b.dtype, f
        np.testing.assert_array_equal(a, b, err_msg=f)
    live_new, live_ref = new.tracks(), ref.tracks()
    for f in ("track_id", "t_s", "x_eci", "P_eci", "status", "n_updates"):
        np.testing.assert_array_equal(getattr(live_new, f), getattr(live_ref, f), err_msg=f)


def test_history_since_a_row_count_returns_only_the_later_rows():
    meas = _clutter_measurements(2)
    tr = Tracker()
    early = meas.t_s < 100.0
    tr.process(_subset(meas, early))
    k0 = tr.n_rows
    tr.process(_subset(meas, ~early))
    whole, later = tr.history(), tr.history(k0)
    assert len(later) == len(whole) - k0 > 0
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(later, f), getattr(whole, f)[k0:], err_msg=f)
    for f in FIELDS:  # views of the tracker's own rows: read-only
        assert not getattr(later, f).flags.writeable, f
        with pytest.raises(ValueError):
            getattr(whole, f)[:1] = 0
