"""Launch notifications in the kill chain: a launch that matches a timely notification is notified and the
agreed criteria's `notified launch` rule spares it; a late notification does not; matching is by window,
launch area and impact area; bad notifications are refused with one line naming the field."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from jointshield.defense.notifications import LAUNCH_POINT_ALLOWANCE_KM, match_track_estimates, notice_word
from jointshield.report.run_files import scenario_yaml
from jointshield.scenario import ScenarioError, bundled_scenario, parse_scenario
from jointshield.sim import run

SEMNAN, WARSAW = (35.23, 53.92), (52.23, 21.01)


def _est(t_s, lat_deg, lon_deg, semi_major_m=1e3):
    n = len(t_s)
    return SimpleNamespace(t_s=np.asarray(t_s, float), lat_rad=np.deg2rad(lat_deg), lon_rad=np.deg2rad(lon_deg),
                           semi_major_m=np.full(n, semi_major_m))


def _arrays(filed_s: float, impact=WARSAW, radius_km=100.0):
    return {"window_start_s": np.array([0.0]), "window_end_s": np.array([3600.0]), "filed_s": np.array([filed_s]),
            "launch_area": np.array([[*SEMNAN, 50.0]]), "impact_area": np.array([[*impact, radius_km]])}


def test_matching_by_window_and_areas() -> None:
    # three detections: inside everything; launched after the window (beyond the boost allowance);
    # launched 120 km from the launch area's centre (inside 50 km + the allowance + 2.45 x 1 km)
    launch = _est([600.0, 4300.0, 600.0], [SEMNAN[0]] * 2 + [SEMNAN[0] + 120 / 111.2], [SEMNAN[1]] * 3)
    impact = _est([1500.0] * 3, [WARSAW[0]] * 3, [WARSAW[1]] * 3)
    m = match_track_estimates(_arrays(-172_800.0), launch, impact)
    assert 120 < 50 + LAUNCH_POINT_ALLOWANCE_KM + 2.45
    assert m.notified.tolist() == [1, 0, 1]
    assert [notice_word(m, i) for i in range(3)] == ["notified", "unnotified", "notified"]
    # filed 12 h before the window: a late notice matches but does not count
    late = match_track_estimates(_arrays(-43_200.0), launch, impact)
    assert late.notified.tolist() == [0, 0, 0] and late.late.tolist() == [True, False, True]
    # the wrong impact area: no match, and notice was compulsory (3,200 km)
    wrong = match_track_estimates(_arrays(-172_800.0, impact=(48.86, 2.35)), launch, impact)
    assert wrong.notified.tolist() == [0, 0, 0] and wrong.unmatched.all()
    # none filed at all
    none = match_track_estimates(None, launch, impact)
    assert none.notified.tolist() == [0, 0, 0] and [notice_word(none, 0)] == ["unnotified"]


def _demo_with_notice(filed_s: float):
    text = scenario_yaml(bundled_scenario("engagement-demo"))
    text += ("notifications:\n- partner: ir\n  window_start_s: 0\n  window_end_s: 3600\n"
             "  launch_area: {centre: semnan, radius_km: 50}\n  impact_area: {centre: warsaw, radius_km: 150}\n"
             f"  filed_s: {filed_s}\n")
    return parse_scenario(text)


@pytest.mark.parametrize(("filed_s", "word", "t1_threat"), [(-172_800, "notified", False), (-3_600, "late", True)])
def test_a_notified_launch_is_spared_and_a_late_one_is_not(filed_s: float, word: str, t1_threat: bool) -> None:
    res = run(_demo_with_notice(filed_s))
    t1 = [e for e in res.events if e.kind == "classified" and e.object.endswith("(T1)")]
    assert t1 and all(e.detail["notification"] == word for e in t1)
    assert any(c[0] == "threat" and c[2] == "T1" for c in res.classified.values()) == t1_threat
    assert np.isfinite(res.killed_t_s[0]) == t1_threat  # spared launches are not engaged
    # T2 (Tabriz to Berlin) was notified by no one: still a threat, logged as unnotified
    t2 = [e for e in res.events if e.kind == "classified" and e.object.endswith("(T2)")]
    assert any(e.detail["verdict"] == "threat" and e.detail["notification"] == "unnotified" for e in t2)


def test_bundled_joint_2007_logs_its_notified_test_flight() -> None:
    res = run(bundled_scenario("joint-2007"))
    ru = [e for e in res.events if e.kind == "classified" and e.object.endswith("(RU1)")]
    assert ru and ru[-1].detail == {"verdict": "not-threat", "notification": "notified"}


@pytest.mark.parametrize(("patch", "field", "text"), [
    ("launch_area: {centre: nowhere, radius_km: 50}", "notifications[0].launch_area.centre", "unknown place 'nowhere'"),
    ("window_end_s: -10", "notifications[0]", "window_end_s must be 0 to"),
    ("launch_area: {centre: semnan, radius_km: -5}", "notifications[0].launch_area.radius_km", "-5 must be > 0"),
])
def test_bad_notifications_are_one_line(patch: str, field: str, text: str) -> None:
    good = ("notifications:\n- partner: ir\n  window_start_s: 0\n  window_end_s: 3600\n"
            "  launch_area: {centre: semnan, radius_km: 50}\n  impact_area: {centre: warsaw, radius_km: 150}\n")
    key = patch.split(":")[0]
    lines = [f"  {patch}" if line.strip().startswith(key + ":") else line for line in good.splitlines()]
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(scenario_yaml(bundled_scenario("engagement-demo")) + "\n".join(lines) + "\n")
    msg = str(exc.value)
    assert field in msg and text in msg and "\n" not in msg.strip()
