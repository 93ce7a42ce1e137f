"""Metrics: GOSPA on hand-computed cases, labels, purity and swaps on a constructed history."""

import numpy as np
import pytest

from jointshield.earth.models import WGS84
from jointshield.sensors import Measurements
from jointshield.tracking import DELETED, FIRM, TENTATIVE, TrackHistory
from jointshield.tracking import metrics as M


def test_gospa_hand_computed():
    # c = 10, p = 2, α = 2. Estimates (0,0,0), (10,0,0), (100,0,0); truths (0,3,0), (14,0,0), (50,50,0).
    # Pairs within c: (0,0,0)-(0,3,0) at 3 and (10,0,0)-(14,0,0) at 4: localisation 9 + 16 = 25.
    # One false (100,0,0) and one missed (50,50,0): each c^p/2 = 50. GOSPA = √(25 + 50 + 50) = √125.
    x = np.array([[0.0, 0, 0], [10, 0, 0], [100, 0, 0]])
    y = np.array([[0.0, 3, 0], [14, 0, 0], [50, 50, 0]])
    g = M.gospa(x, y, c=10.0, p=2.0)
    assert g.distance == pytest.approx(np.sqrt(125.0))
    assert (g.localisation, g.missed, g.false, g.n_assigned) == (pytest.approx(25.0), 50.0, 50.0, 2)
    # Assignment matters: the greedy pairing (10,0,0)-(0,3,0) would cost more. p = 1: 3 + 4 + 5 + 5 = 17.
    assert M.gospa(x, y, c=10.0, p=1.0).distance == pytest.approx(17.0)
    # Empty sets: only the cardinality term.
    assert M.gospa(np.empty((0, 3)), y, c=10.0).distance == pytest.approx(np.sqrt(150.0))
    assert M.gospa(x[:0], y[:0], c=10.0).distance == 0.0
    with pytest.raises(ValueError, match="alpha"):
        M.gospa(x, y, alpha=1.0)


def test_nees_interval_is_the_chi_square_interval():
    lo, hi = M.nees_interval(50)
    assert lo == pytest.approx(5.0782, abs=1e-3) and hi == pytest.approx(6.9975, abs=1e-3)
    assert M.nees_interval(1) == pytest.approx((1.2373, 14.4494), abs=1e-3)


def _history(track_id, t, status, meas):
    n = len(track_id)
    return TrackHistory(WGS84, np.array(track_id), np.array(t, float), np.zeros((n, 6)),
                        np.tile(np.eye(6), (n, 1, 1)), np.array(status, np.int8), np.array(meas),
                        np.zeros(n, np.int64), np.full(n, np.nan))


def _meas(truth_of_row):
    m = len(truth_of_row)
    z = np.zeros(m)
    return Measurements(np.arange(m, dtype=float), np.zeros(m, np.int64), z, z, z, z + 1, z + 1, z + 1,
                        np.array(truth_of_row), np.arange(m), np.zeros((1, 3)), np.zeros(1), np.zeros(1))


class _Truth:
    def __init__(self, n):
        self.launch_t_s = np.zeros(n)

    def __len__(self):
        return self.launch_t_s.size


def test_labels_purity_swaps_breaks_and_timeliness():
    # Measurements 0..9 come from targets: 0 0 0 1 1 0 0 -1 1 1.
    meas = _meas([0, 0, 0, 1, 1, 0, 0, -1, 1, 1])
    # Track 7: measurements 0, 1, 2 (target 0) then 3, 4 (target 1) then 5, 6 (target 0): two swaps' worth
    # of runs, counted as one swapped track; label 0 (5 of 7); purity 5/7.
    # Track 8: measurements 8, 9 (target 1), firm at t = 9. Track 9: false alarm 7, never firm.
    h = _history([7, 7, 7, 7, 7, 7, 7, 9, 8, 8, 7],
                 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                 [TENTATIVE, TENTATIVE, FIRM, FIRM, FIRM, FIRM, FIRM, TENTATIVE, TENTATIVE, FIRM, DELETED],
                 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1])
    row, ids, lab = M.track_labels(h, meas)
    assert ids.tolist() == [7, 8, 9] and lab.tolist() == [0, 1, -1]
    assert row.tolist() == [0, 0, 0, 1, 1, 0, 0, -1, 1, 1, -1]
    q = M.track_quality(h, _Truth(2), meas)
    assert q.track_ids.tolist() == [7, 8]
    np.testing.assert_allclose(q.track_purity, [5 / 7, 1.0])
    assert q.swaps == 1
    assert q.n_firm_tracks.tolist() == [1, 1] and q.breaks.tolist() == [0, 0] and q.false_tracks == 0
    np.testing.assert_allclose(q.first_detection_s, [0.0, 3.0])
    np.testing.assert_allclose(q.firm_track_s, [2.0, 9.0])
