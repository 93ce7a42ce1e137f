"""Engagement windows and fly-out checks on flown threats: what the windows call feasible is achieved by
a directly flown interceptor within its kill vehicle's divert budget; what they call infeasible is not.

Threats: a notional ICBM from near Semnan towards Washington and a notional IRBM from near Semnan towards
Berlin (REFERENCES.md places), flown by the flight model. Sites: a 7 km/s-class and a 3 km/s-class
interceptor at Redzikowo (54.48°N 17.10°E).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from jointshield.defense import Sites, ThreatPaths, engagement_windows, interceptor_type, plan_engagements
from jointshield.defense.flyout import flyout_check
from jointshield.earth.models import WGS84
from jointshield.flight.catalogue import get_vehicle
from jointshield.flight.truth import fly_truth

MODEL = WGS84
LAT, LON = np.deg2rad(54.48), np.deg2rad(17.10)


@pytest.fixture(scope="module")
def case():
    truth = fly_truth(["icbm", "irbm"], [get_vehicle("notional-icbm"), get_vehicle("notional-irbm")],
                      [35.23, 35.23], [53.92, 53.92], [38.90, 52.52], [-77.04, 13.40], [0.0, 60.0], MODEL,
                      dt_s=5.0)
    paths = ThreatPaths.from_samples(truth.t_s, truth.r_ecef_m, truth.v_ecef_m_s)
    types = [interceptor_type("notional-interceptor-7kms"), interceptor_type("notional-interceptor-3kms")]
    sites = Sites.build(["gbi-class", "upper-tier"], [LAT, LAT], [LON, LON], types, inventory=10,
                        readiness_s=60.0, launch_interval_s=10.0, pk=0.7, kill_assessment_s=30.0)
    decision = truth.launch_t_s + 200.0  # detection, firm track, classification and commit: 200 s
    return truth, paths, sites, engagement_windows(sites, paths, decision, MODEL)


def check(sites, s, paths, launch, intercept, threat):
    it = sites.types[s]
    return flyout_check(it, sites.lat_rad[s], sites.lon_rad[s], launch, intercept, paths, threat, MODEL)


def test_windows_make_sense(case) -> None:
    _, _, sites, w = case
    # The 7 km/s class reaches both threats; the 3 km/s class only the IRBM flying towards it.
    assert w.feasible.tolist() == [[True, True], [False, True]]
    assert np.all(w.earliest_launch_s[:, 0] == 260.0) and np.all(w.earliest_launch_s[:, 1] == 320.0)
    f = w.feasible
    assert np.all(w.earliest_intercept_s[f] > w.earliest_launch_s[f])
    assert np.all(w.earliest_intercept_s[f] <= w.latest_intercept_s[f])
    assert np.all(w.latest_launch_s[f] >= w.earliest_launch_s[f])
    for s in range(2):  # intercept altitudes inside each type's band
        it = sites.types[s]
        for a in (w.earliest_alt_m[s][f[s]], w.latest_alt_m[s][f[s]]):
            assert np.all((a >= it.min_intercept_alt_m - 1.0) & (a <= it.max_intercept_alt_m + 1.0))
    # Head-on against the IRBM coming towards Poland: closing speed above the sum of typical speeds' gap.
    assert 8e3 < w.earliest_closing_m_s[0, 1] < 14e3


def test_feasible_intercepts_are_achieved_within_the_divert_budget(case) -> None:
    _, paths, sites, w = case
    for s, m in zip(*np.nonzero(w.feasible), strict=True):
        lo, hi = w.earliest_launch_s[s, m], w.latest_launch_s[s, m]
        taus = np.array([lo, lo + 0.5 * (hi - lo), hi - 1.0])
        t_i, launch, _, _ = w.intercept_for_launch(s, m, taus)
        assert np.all(np.isfinite(t_i))
        fc = check(sites, s, paths, launch, t_i, m)
        assert fc.achievable.all(), (s, m, fc.reason)
        # The flown interceptor passes the predicted intercept point within a fraction of a second of
        # the planned time (the reach table's accuracy), and needs little of its divert budget.
        assert np.all(fc.aim_miss_m < 10.0)
        assert np.all(np.abs(fc.arrival_s - t_i) < 0.3), fc.arrival_s - t_i
        assert np.all(fc.divert_needed_m_s < 0.2 * fc.divert_budget_m_s), fc.divert_needed_m_s


def test_planned_shots_fly(case) -> None:
    _, paths, sites, w = case
    plan = plan_engagements(w, sites)
    assert plan.status == "optimal" and len(plan) == 4  # two shots at each threat
    for s in range(2):
        sel = plan.site == s
        if sel.any():
            fc = check(sites, s, paths, plan.launch_s[sel], plan.intercept_s[sel], plan.threat[sel])
            assert fc.achievable.all(), fc.reason


def test_a_launch_too_late_for_its_intercept_point_misses(case) -> None:
    _, paths, sites, w = case
    s, m = 0, 1
    t_i, launch, _, _ = w.intercept_for_launch(s, m, w.earliest_launch_s[s, m] + 100.0)
    # The same intercept point with a launch 20 s after the latest the table allows: predicted infeasible.
    fc = check(sites, s, paths, launch + 20.0, t_i, m)
    assert not fc.achievable[0]
    assert fc.miss_m[0] > 5e3 and "divert" in fc.reason[0]


def test_a_receding_icbm_beyond_reach_is_not_caught(case) -> None:
    _, paths, sites, w = case
    s, m = 1, 0  # the 3 km/s class against the ICBM flying away north-west: predicted infeasible
    assert not w.feasible[s, m]
    it = sites.types[s]
    t, alt = paths.t_s[m], w.alt_m[m]
    # Its path inside the 3 km/s band, at the sample nearest the site: the best chance there is.
    band = (alt > it.min_intercept_alt_m) & (alt < it.max_intercept_alt_m) & (t > 600.0)
    k = np.nonzero(band)[0][0]
    fc = check(sites, s, paths, w.earliest_launch_s[s, m], t[k], m)
    assert not fc.achievable[0]
    assert fc.miss_m[0] > 50e3


def test_an_intercept_point_below_the_minimum_altitude_is_refused(case) -> None:
    _, paths, sites, w = case
    s, m = 0, 1
    # A sample late in the 7 km/s class's window against the IRBM, and the same type with its floor
    # raised 50 km above that sample: the window loses it, and the fly-out refuses it for its altitude
    # although the kill vehicle gets there in time.
    k = int(np.nonzero(np.isfinite(w.launch_by_s[s, m]) & (w.launch_by_s[s, m] >= w.earliest_launch_s[s, m]))[0][-3])
    t_k, alt_k, launch = paths.t_s[m, k], w.alt_m[m, k], w.launch_by_s[s, m, k]
    floor = replace(sites.types[s], min_intercept_alt_m=alt_k + 50e3)
    raised = Sites.build(["raised"], [LAT], [LON], [floor], readiness_s=60.0)
    # The flown table of the type covers the raised band; the windows apply the band's limits.
    w2 = engagement_windows(raised, paths, paths.t_s[:, 0] + 200.0, MODEL, tables=sites.reach_tables(MODEL)[:1])
    assert np.isnan(w2.launch_by_s[0, m, k])
    fc = flyout_check(floor, LAT, LON, launch, t_k, paths, m, MODEL, table=sites.reach_tables(MODEL)[0])
    assert not fc.achievable[0]
    assert fc.divert_needed_m_s[0] < 0.2 * fc.divert_budget_m_s[0]  # kinematically fine...
    assert "below the minimum" in fc.reason[0]  # ...but under the kill vehicle's floor
