"""Weapon-target assignment, firing doctrine and kill assessment, on synthetic windows.

The windows are built from per-sample latest launch times (no flights), so that every case is small,
exact and fast; tests/test_defense_flyout.py covers windows computed from flown reach tables.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import binomtest

from jointshield.defense import (
    Sites,
    candidate_shots,
    draw_outcomes,
    interceptor_type,
    plan_engagements,
    windows_from_launch_by,
)

T7 = interceptor_type("notional-interceptor-7kms")


def windows(t, flight_s, first, last, t_l0):
    """Windows where site s reaches threat m's samples first..last with a constant flight time."""
    n_m = np.shape(flight_s)[1]
    t = np.broadcast_to(np.asarray(t, float), (n_m, len(t))).copy()
    k = np.arange(t.shape[1])
    lb = t[None] - np.asarray(flight_s, float)[..., None]
    inside = (k >= np.asarray(first)[..., None]) & (k <= np.asarray(last)[..., None])
    lb = np.where(inside, lb, np.nan)
    return windows_from_launch_by(t, lb, np.asarray(t_l0, float), np.full(t.shape, 200e3), np.full(lb.shape, 8e3))


def sites(n, **kw):
    return Sites.build([f"s{i}" for i in range(n)], np.zeros(n), np.zeros(n), T7, **kw)


# ---------------------------------------------------------------------------------------------- windows


def test_intercept_for_launch_on_a_constant_flight_time() -> None:
    w = windows(np.arange(0.0, 300.0, 10.0), [[100.0]], [[5]], [[25]], [[0.0]])
    # Samples 5..25 (t = 50..250) reachable with a 100 s flight: launch by t − 100.
    assert w.feasible[0, 0]
    assert w.latest_launch_s[0, 0] == 150.0
    assert w.latest_intercept_s[0, 0] == 250.0
    # Launched at 0, the interceptor could arrive at 100 s, before the threat enters reach at 50 s..:
    # the first reachable sample whose launch_by is >= 0 is t = 100 (launch_by 0).
    t_i, launch, _, _ = w.intercept_for_launch(0, 0, [0.0, 37.0, 150.0, 151.0])
    np.testing.assert_allclose(t_i[:3], [100.0, 137.0, 250.0])
    np.testing.assert_allclose(launch[:3], [0.0, 37.0, 150.0])
    assert np.isnan(t_i[3]) and np.isnan(launch[3])  # too late: the window has closed


def test_launch_waits_when_the_threat_enters_reach_late() -> None:
    w = windows(np.arange(0.0, 300.0, 10.0), [[30.0]], [[20]], [[25]], [[0.0]])
    # Reach starts at sample 20 (t = 200), flight 30 s: a launch ready at 0 waits until 170.
    t_i, launch, _, _ = w.intercept_for_launch(0, 0, 0.0)
    assert (t_i[0], launch[0]) == (200.0, 170.0)
    assert w.earliest_intercept_s[0, 0] == 200.0


def test_no_window_before_the_decision() -> None:
    w = windows(np.arange(0.0, 300.0, 10.0), [[100.0]], [[5]], [[25]], [[160.0]])
    assert not w.feasible[0, 0]
    assert np.isnan(w.earliest_intercept_s[0, 0]) and np.isnan(w.latest_launch_s[0, 0])


# --------------------------------------------------------------------------------- brute-force optimum


def brute_force(cand, st: Sites, value):
    """Best Σ value·(1 − Π(1 − pk)) over every choice of at most two candidate shots per threat that
    respects inventories, launch intervals and the single-shot doctrine (depth-first enumeration)."""
    n_m = len(value)
    by_threat = [np.nonzero(cand.threat == m)[0] for m in range(n_m)]
    best = [0.0, None]

    def ok(chosen):
        used = np.bincount(cand.site[chosen], minlength=len(st)) if chosen else np.zeros(len(st), int)
        if np.any(used > st.inventory):
            return False
        for a, b in itertools.combinations(chosen, 2):
            if cand.site[a] == cand.site[b]:
                dt = st.launch_interval_s[cand.site[a]]
                if abs(cand.launch_s[a] - cand.launch_s[b]) < dt - 1e-9:
                    return False
        return True

    def rec(m, chosen, total):
        if m == n_m:
            if total > best[0] + 1e-12:
                best[0], best[1] = total, list(chosen)
            return
        opts = [()] + [(c,) for c in by_threat[m]] + list(itertools.permutations(by_threat[m], 2))
        for o in opts:
            if len(o) == 2 and cand.site[o[0]] == cand.site[o[1]] and st.doctrine[cand.site[o[0]]] == "single":
                continue
            new = chosen + list(o)
            if not ok(new):
                continue
            p = 1.0 - np.prod([1.0 - st.pk[cand.site[c]] for c in o]) if o else 0.0
            rec(m + 1, new, total + value[m] * p)

    rec(0, [], 0.0)
    return best[0]


def check_plan(plan, st: Sites, w) -> None:
    """The plan's own shots obey inventory, launch interval, windows and look timing."""
    used = np.bincount(plan.site, minlength=len(st))
    assert np.all(used <= st.inventory)
    for s in range(len(st)):
        t = np.sort(plan.launch_s[plan.site == s])
        if st.launch_interval_s[s] > 0:
            assert np.all(np.diff(t) >= st.launch_interval_s[s] - 1e-9)
    assert np.all(plan.launch_s >= w.earliest_launch_s[plan.site, plan.threat] - 1e-9)
    assert np.all(plan.launch_s <= w.latest_launch_s[plan.site, plan.threat] + 1e-9)
    for i in np.nonzero(plan.look)[0]:
        first = np.nonzero((plan.threat == plan.threat[i]) & (plan.order == 1))[0][0]
        assert plan.launch_s[i] >= plan.intercept_s[first] + st.kill_assessment_s[plan.site[i]] - 1e-9
    assert np.all(np.bincount(plan.threat, minlength=w.feasible.shape[1]) <= 2)


@pytest.mark.parametrize("seed", range(12))
def test_assignment_is_optimal_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_s, n_m = int(rng.integers(2, 4)), 3
    t = np.arange(0.0, 400.0, 10.0)
    flight = rng.uniform(50.0, 150.0, (n_s, n_m))
    first = rng.integers(5, 20, (n_s, n_m))
    last = first + rng.integers(0, 20, (n_s, n_m))
    t_l0 = rng.uniform(0.0, 120.0, (n_s, n_m))
    w = windows(t, flight, first, last, t_l0)
    st = sites(n_s, inventory=rng.integers(0, 4, n_s), launch_interval_s=rng.choice([0.0, 15.0, 60.0], n_s),
               pk=rng.uniform(0.4, 0.95, n_s), doctrine=list(rng.choice(["shoot-look-shoot", "shoot-shoot",
                                                                          "single"], n_s)),
               kill_assessment_s=rng.uniform(0.0, 40.0, n_s))
    value = rng.uniform(0.5, 2.0, n_m)
    cand = candidate_shots(w, st, max_candidates=3)
    plan = plan_engagements(w, st, threat_value=value, candidates=cand)
    assert plan.status == "optimal"
    check_plan(plan, st, w)
    assert plan.expected_kills == pytest.approx(brute_force(cand, st, value), abs=1e-9)
    # The reported kill probabilities are those of the shots in the plan.
    for m in range(n_m):
        pks = plan.pk[plan.threat == m]
        assert plan.kill_probability[m] == pytest.approx(1.0 - np.prod(1.0 - pks))


def test_inventory_limits_the_shots_and_goes_to_the_most_valuable_threats() -> None:
    t = np.arange(0.0, 600.0, 10.0)
    w = windows(t, np.full((1, 4), 100.0), np.full((1, 4), 10), np.full((1, 4), 50), np.zeros((1, 4)))
    st = sites(1, inventory=3, launch_interval_s=5.0, pk=0.8, doctrine="shoot-shoot")
    plan = plan_engagements(w, st, threat_value=[1.0, 3.0, 2.0, 0.5])
    assert len(plan) == 3
    # Two shots on the most valuable threat (0.96·3 = 2.88), one on the next (0.8·2): 4.48; three single
    # shots would give 0.8·(3 + 2 + 1) = 4.8: better, and chosen.
    assert sorted(plan.threat.tolist()) == [0, 1, 2]
    assert plan.expected_kills == pytest.approx(0.8 * 6.0)


def test_launch_interval_pushes_shots_apart() -> None:
    t = np.arange(0.0, 400.0, 10.0)
    # Two threats, windows allowing launches only within [0, 40] and [0, 50]: with a 30 s interval the
    # site fits two launches (0 and 30), not four.
    w = windows(t, np.full((1, 2), 100.0), np.full((1, 2), 10), [[14, 15]], np.zeros((1, 2)))
    st = sites(1, inventory=10, launch_interval_s=30.0, pk=0.7, doctrine="shoot-shoot")
    plan = plan_engagements(w, st)
    assert len(plan) == 2 and sorted(plan.threat.tolist()) == [0, 1]
    assert np.diff(np.sort(plan.launch_s))[0] >= 30.0


# --------------------------------------------------------------------------------------------- doctrine


def one_threat(doctrine: str, last_sample: int, inventory: int = 2, kill_assessment_s: float = 30.0):
    t = np.arange(0.0, 1000.0, 5.0)
    w = windows(t, [[200.0]], [[40]], [[last_sample]], [[0.0]])  # reach from t = 200 s, 200 s flights
    st = sites(1, inventory=inventory, launch_interval_s=10.0, pk=0.7, doctrine=doctrine,
               kill_assessment_s=kill_assessment_s)
    return plan_engagements(w, st), w


def wilson_ok(k: int, n: int, p: float) -> bool:
    lo, hi = binomtest(k, n).proportion_ci(confidence_level=0.999, method="wilson")
    return lo <= p <= hi


def test_shoot_look_shoot_with_time_for_two_shots_kills_with_0_91() -> None:
    plan, _ = one_threat("shoot-look-shoot", last_sample=190)
    assert len(plan) == 2 and plan.look.tolist() == [False, True]
    first, second = plan.intercept_s[0], plan.launch_s[1]
    assert second >= first + 30.0  # the second launch waits for the kill assessment
    assert plan.kill_probability[0] == pytest.approx(0.91)
    assert plan.expected_interceptors == pytest.approx(1.3)
    runs = 40_000
    out = draw_outcomes(plan, np.random.default_rng(2008), runs=runs)
    assert wilson_ok(int(out.killed[:, 0].sum()), runs, 0.91)
    # The second interceptor is fired exactly when the first missed (about 30% of runs).
    assert np.array_equal(out.fired[:, 1], ~out.hit[:, 0])
    assert wilson_ok(int(out.fired[:, 1].sum()), runs, 0.3)


def test_shoot_shoot_fires_a_salvo_and_kills_with_1_minus_0_3_squared() -> None:
    plan, _ = one_threat("shoot-shoot", last_sample=190)
    assert len(plan) == 2 and not plan.look.any()
    assert plan.launch_s[1] - plan.launch_s[0] == pytest.approx(10.0)  # one launch interval apart
    runs = 40_000
    out = draw_outcomes(plan, np.random.default_rng(7), runs=runs)
    assert out.fired.all()
    assert wilson_ok(int(out.killed[:, 0].sum()), runs, 1.0 - 0.3**2)


def test_shoot_look_shoot_without_time_to_look_falls_back_to_a_salvo() -> None:
    # Reach only from t = 200 to 240: a second launch after the first intercept (>= 200 s) + 30 s could
    # only intercept after 430 s.
    plan, _ = one_threat("shoot-look-shoot", last_sample=48)
    assert len(plan) == 2 and not plan.look.any()
    assert plan.kill_probability[0] == pytest.approx(0.91)


def test_single_doctrine_and_one_interceptor_fire_once() -> None:
    for doctrine, inventory in (("single", 5), ("shoot-look-shoot", 1)):
        plan, _ = one_threat(doctrine, last_sample=190, inventory=inventory)
        assert len(plan) == 1 and plan.kill_probability[0] == pytest.approx(0.7)


def test_outcomes_are_reproducible_for_a_seed() -> None:
    plan, _ = one_threat("shoot-look-shoot", last_sample=190)
    a = draw_outcomes(plan, np.random.default_rng(5), runs=100)
    b = draw_outcomes(plan, np.random.default_rng(5), runs=100)
    assert np.array_equal(a.killed, b.killed) and np.array_equal(a.fired, b.fired)


def test_no_feasible_window_gives_an_empty_plan() -> None:
    w = windows(np.arange(0.0, 300.0, 10.0), [[100.0]], [[5]], [[25]], [[500.0]])
    plan = plan_engagements(w, sites(1, inventory=5))
    assert len(plan) == 0 and plan.expected_kills == 0.0 and plan.kill_probability.tolist() == [0.0]
