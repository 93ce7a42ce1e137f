"""The kill-chain engine on the bundled engagement-demo: real outcomes, a consistent log, determinism, and
the shoot-look-shoot kill probability (Pk 0.7, two shots: 1 − 0.3² = 0.91) reproduced by Monte Carlo."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import jointshield.scenario
from jointshield.cli.main import main
from jointshield.earth.frames import ecef_to_geodetic
from jointshield.scenario import open_scenario, parse_scenario
from jointshield.sim import EVENT_KINDS, monte_carlo, prepare, run
from jointshield.sim.montecarlo import wilson_interval

BUNDLED = Path(jointshield.scenario.__file__).parent / "bundled" / "engagement-demo.yaml"


@pytest.fixture(scope="module")
def demo():
    return prepare(open_scenario("engagement-demo"))


@pytest.fixture(scope="module")
def result(demo):
    return run(demo)


def test_threats_are_the_missiles_aimed_at_defended_capitals(result):
    final = {}
    for verdict, _t, launch, _why in result.classified.values():
        if launch is not None and verdict == "threat":
            final[launch] = verdict
    assert set(final) == {"T1", "T2"}  # Warsaw and Berlin; T3 flies to Ankara, outside the defended areas
    s = result.summary
    assert s["threats"] == 2 and s["engaged"] == 2


def test_the_log_and_the_summary_agree(demo, result):
    ev = result.events
    assert [e.t_s for e in ev] == sorted(e.t_s for e in ev)
    assert {e.kind for e in ev} <= set(EVENT_KINDS)
    kinds = [e.kind for e in ev]
    s = result.summary
    assert kinds.count("intercept") == s["intercepted"]
    assert kinds.count("interceptor_launched") == s["interceptors_fired"]
    assert s["leakers"] == s["threats"] - s["intercepted"]
    assert kinds.count("launch") == 3
    # Every missile either is intercepted or impacts, never both.
    impacts = {e.object for e in ev if e.kind == "impact"}
    killed = {result.truth.ids[o] for o in np.flatnonzero(np.isfinite(result.killed_t_s))}
    assert impacts.isdisjoint(killed) and impacts | killed == {"T1", "T2", "T3"}
    # An intercept happens before the missile's impact, inside the interceptor's altitude band, and within
    # the kill vehicle's divert budget.
    for shot in result.shots:
        if shot["state"] == "hit":
            o = result.truth.ids.index(next(c[2] for tid, c in result.classified.items() if tid == shot["track"]))
            assert shot["intercept_s"] < result.truth.impact_t_s[o]
            r_true, _ = result.truth.state_at(np.array([shot["intercept_s"]]))
            _, _, alt = ecef_to_geodetic(r_true[o], demo.scenario.earth_model)
            assert 80e3 - 10e3 <= alt[0] <= 700e3 + 10e3  # the type's band, within the prediction's error
            assert shot["divert_needed_m_s"] <= 400.0


def test_the_run_is_deterministic_for_a_seed(demo, result):
    again = run(demo, result.seed)
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in result.events]


def test_shoot_look_shoot_kill_probability_by_monte_carlo():
    # The demo with only its first launch (Semnan to Warsaw): one threat, one site of Pk 0.7 with time to
    # look and shoot again.
    text = BUNDLED.read_text()
    text = text[: text.index("  - id: T2")].replace("name: engagement demo", "name: one threat")
    sc = parse_scenario(text, "one-threat")
    runs = 60
    mc = monte_carlo(sc, runs, seed=11, workers=2)
    row = mc.per_launch[0]
    assert row["p_classified_threat"] == 1.0
    k = round(row["p_intercepted"] * runs)
    lo, hi = wilson_interval(k, runs, z=2.576)  # 99%
    assert lo <= 0.91 <= hi, (k, runs)
    assert 1.0 <= mc.mean_interceptors_fired <= 2.0  # a second shot only after a miss


def test_run_cli_json(capsys, tmp_path):
    code = main(["run", "engagement-demo", "--json", "--out", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    d = json.loads(out.out)
    assert set(d["summary"]) >= {"threats", "engaged", "intercepted", "leakers", "interceptors_fired"}
    assert {"t_s", "kind", "object"} <= set(d["events"][0])
    saved = json.loads((tmp_path / "engagement-demo" / "result.json").read_text())
    assert saved["summary"] == d["summary"]


def test_run_cli_needs_interceptors(capsys):
    code = main(["run", "tracking-demo"])
    err = capsys.readouterr().err
    assert code == 2 and "interceptor_sites" in err and err.strip().count("\n") == 0


def test_wilson_interval_against_a_hand_computed_case():
    # 7 of 10 at 95%: centre (0.7 + 1.92/10) / (1 + 3.84/10), the textbook Wilson interval 0.3968-0.8922.
    lo, hi = wilson_interval(7, 10)
    assert lo == pytest.approx(0.39678, abs=1e-4) and hi == pytest.approx(0.89221, abs=1e-4)
    assert wilson_interval(0, 6)[0] == 0.0 and wilson_interval(6, 6)[1] == 1.0
