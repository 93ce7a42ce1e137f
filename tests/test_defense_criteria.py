"""Threat criteria: every condition TRUE / FALSE / UNDETERMINED just inside, just outside and across its
threshold; rule precedence; explanations; partners' disagreements."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from jointshield.defense.criteria import (
    FALSE,
    NOT_THREAT,
    THREAT,
    TRUE,
    UNDETERMINED,
    Rule,
    RuleSet,
    TrackEvidence,
    assess,
    compare,
    range_from_endpoints,
)
from jointshield.earth.geodesy import surface_distance_m
from jointshield.earth.regions import CircleRegion, PolygonRegion
from jointshield.errors import InputError

R = np.radians
Z95 = 1.959963985  # Φ⁻¹(0.975)
KM_PER_DEG = 6378.137 * math.pi / 180  # along the WGS-84 equator

# Two squares sharing the meridian 1E (west: 5W..1E, east: 1E..5E, 5S..5N) and a far circle.
REGIONS = {
    "west": PolygonRegion.from_deg("west", [(-5, -5), (-5, 1), (5, 1), (5, -5)]),
    "east": PolygonRegion.from_deg("east", [(-5, 1), (-5, 5), (5, 5), (5, 1)]),
    "far": CircleRegion.from_deg("far", 50.0, 100.0, 300.0),
}


def rule_set(*rules: dict[str, Any], **kw: Any) -> RuleSet:
    return RuleSet.model_validate({"name": "t", "version": 1, "owner": "us", "rules": list(rules), **kw})


def one(key: str, req: Any, evidence: TrackEvidence, **kw: Any) -> int:
    """The state of a single condition on a single track."""
    a = assess(rule_set({"verdict": "threat", key: req}, **kw), evidence, REGIONS)
    return int(a.condition_state[0][0, 0])


def ev(**kw: Any) -> TrackEvidence:
    return TrackEvidence(**{k: np.atleast_1d(v) for k, v in kw.items()})


# ---- scalar conditions: the central 95 % interval x ± 1.96σ against the bounds --------------------------

QUANTITY_CASES = [
    # condition, bounds, value (condition unit), σ, expected
    ("range_km", {"at_least": 500}, 520.0, 10.0, TRUE),  # 500.40..539.6
    ("range_km", {"at_least": 500}, 519.0, 10.0, UNDETERMINED),  # 499.40..
    ("range_km", {"at_least": 500}, 500.0, 10.0, UNDETERMINED),
    ("range_km", {"at_least": 500}, 481.0, 10.0, UNDETERMINED),  # ..500.60
    ("range_km", {"at_least": 500}, 480.0, 10.0, FALSE),  # ..499.60
    ("range_km", {"at_least": 500}, 500.0, 0.0, TRUE),  # bounds are inclusive
    ("range_km", {"at_least": 500}, 499.999, 0.0, FALSE),
    ("range_km", {"at_most": 5500}, 5480.0, 10.0, TRUE),
    ("range_km", {"at_most": 5500}, 5481.0, 10.0, UNDETERMINED),
    ("range_km", {"at_most": 5500}, 5519.0, 10.0, UNDETERMINED),
    ("range_km", {"at_most": 5500}, 5520.0, 10.0, FALSE),
    ("range_km", {"at_least": 500, "at_most": 5500}, 3000.0, 10.0, TRUE),
    ("range_km", {"at_least": 500, "at_most": 5500}, 510.0, 10.0, UNDETERMINED),
    ("range_km", {"at_least": 500, "at_most": 5500}, 5510.0, 10.0, UNDETERMINED),
    ("range_km", {"at_least": 500, "at_most": 5500}, 6000.0, 10.0, FALSE),
    ("range_km", {"at_least": 500, "at_most": 5500}, 3000.0, 2000.0, UNDETERMINED),  # wider than the band
    ("apogee_km", {"at_least": 500}, 520.0, 10.0, TRUE),
    ("apogee_km", {"at_least": 500}, 519.0, 10.0, UNDETERMINED),
    ("apogee_km", {"at_least": 500}, 480.0, 10.0, FALSE),
    ("speed_km_s", {"at_most": 5}, 4.9, 0.05, TRUE),  # ..4.998
    ("speed_km_s", {"at_most": 5}, 4.91, 0.05, UNDETERMINED),  # ..5.008
    ("speed_km_s", {"at_most": 5}, 5.1, 0.05, FALSE),  # 5.002..
    ("speed_km_s", {"at_most": 5}, 5.09, 0.05, UNDETERMINED),  # 4.992..
    ("time_to_impact_s", {"at_most": 600}, 580.0, 10.0, TRUE),  # ..599.6
    ("time_to_impact_s", {"at_most": 600}, 581.0, 10.0, UNDETERMINED),
    ("time_to_impact_s", {"at_most": 600}, 619.0, 10.0, UNDETERMINED),
    ("time_to_impact_s", {"at_most": 600}, 620.0, 10.0, FALSE),
    ("range_km", {"at_least": 500}, math.nan, 10.0, UNDETERMINED),  # missing evidence
    ("range_km", {"at_least": 500}, 900.0, math.nan, UNDETERMINED),
]


def quantity_evidence(key: str, value: float, sigma: float) -> TrackEvidence:
    if key == "range_km":
        return ev(range_m=value * 1e3, range_sigma_m=sigma * 1e3)
    if key == "apogee_km":
        return ev(apogee_m=value * 1e3, apogee_sigma_m=sigma * 1e3)
    if key == "speed_km_s":
        return ev(speed_m_s=value * 1e3, speed_sigma_m_s=sigma * 1e3)
    return ev(t_s=100.0, impact_t_s=100.0 + value, impact_t_sigma_s=sigma)


@pytest.mark.parametrize(("key", "bounds", "value", "sigma", "expected"), QUANTITY_CASES)
def test_quantity_conditions(key: str, bounds: dict, value: float, sigma: float, expected: int) -> None:
    assert one(key, bounds, quantity_evidence(key, value, sigma)) == expected


def test_confidence_level_moves_the_threshold() -> None:
    # 515 ± 10 km against at_least 500: 1.5σ above. Decided at 80 % (z = 1.28), not at 95 % (z = 1.96).
    e = quantity_evidence("range_km", 515.0, 10.0)
    assert one("range_km", {"at_least": 500}, e, confidence=0.80) == TRUE
    assert one("range_km", {"at_least": 500}, e, confidence=0.95) == UNDETERMINED


# ---- range classes ------------------------------------------------------------------------------------

RANGE_CLASS_CASES = [
    # classes, range km, σ km, limits (None: default 1000/3000/5500), expected
    (["IRBM", "ICBM"], 3020.0, 10.0, None, TRUE),  # 3000.4..3039.6: IRBM
    (["IRBM", "ICBM"], 3019.0, 10.0, None, UNDETERMINED),  # MRBM..IRBM
    (["IRBM", "ICBM"], 2981.0, 10.0, None, UNDETERMINED),
    (["IRBM", "ICBM"], 2980.0, 10.0, None, FALSE),  # ..2999.6: MRBM
    (["IRBM"], 5480.0, 10.0, None, TRUE),
    (["IRBM"], 5481.0, 10.0, None, UNDETERMINED),  # IRBM..ICBM
    (["IRBM"], 5520.0, 10.0, None, FALSE),  # ICBM
    (["SRBM"], 980.0, 10.0, None, TRUE),
    (["SRBM"], 981.0, 10.0, None, UNDETERMINED),
    (["SRBM", "ICBM"], 3000.0, 10.0, None, FALSE),  # MRBM..IRBM: neither listed
    (["SRBM", "ICBM"], 3000.0, 2000.0, None, UNDETERMINED),  # SRBM..ICBM: some listed, some not
    (["MRBM", "IRBM"], 3000.0, 500.0, None, TRUE),  # 2020..3980: MRBM..IRBM, both listed
    (["SRBM", "MRBM", "IRBM", "ICBM"], 1000.0, 800.0, None, TRUE),
    (["MRBM"], 1000.0, 0.0, None, TRUE),  # a limit belongs to the longer class
    (["SRBM"], 1000.0, 0.0, None, FALSE),
    (["MRBM"], 520.0, 10.0, (500.0, 3000.0, 5500.0), TRUE),  # limits are the rule set's
    (["MRBM"], 520.0, 10.0, None, FALSE),
    (["ICBM"], math.nan, 10.0, None, UNDETERMINED),
]


@pytest.mark.parametrize(("classes", "range_km", "sigma_km", "limits", "expected"), RANGE_CLASS_CASES)
def test_range_class_condition(classes: list[str], range_km: float, sigma_km: float, limits: Any,
                               expected: int) -> None:
    kw = {"range_class_limits_km": limits} if limits else {}
    e = ev(range_m=range_km * 1e3, range_sigma_m=sigma_km * 1e3)
    assert one("range_class", classes, e, **kw) == expected


# ---- regions: the 95 % error ellipse (2.448σ) against the boundary -------------------------------------


def point_evidence(which: str, lat: float, lon: float, sigma_km: float) -> TrackEvidence:
    return ev(**{f"{which}_lat_rad": R(lat), f"{which}_lon_rad": R(lon), f"{which}_semi_major_m": sigma_km * 1e3,
                 f"{which}_semi_minor_m": sigma_km * 1e3})


def east_of_edge(km: float) -> float:
    """Longitude (deg) ``km`` east of the meridian 1E at the equator (negative: west of it)."""
    return 1.0 + km / KM_PER_DEG


REGION_CASES = [
    # condition, regions, lon (deg, at the equator), σ km, expected. 2.448 × 10 km = 24.5 km.
    ("in", ["west"], 0.0, 10.0, TRUE),
    ("in", ["west"], east_of_edge(-30), 10.0, TRUE),  # 30 km inside
    ("in", ["west"], east_of_edge(-20), 10.0, UNDETERMINED),  # 20 km inside: the ellipse crosses
    ("in", ["west"], east_of_edge(20), 10.0, UNDETERMINED),
    ("in", ["west"], east_of_edge(30), 10.0, FALSE),  # 30 km outside
    ("in", ["west"], east_of_edge(-30), 0.0, TRUE),
    ("in", ["west"], math.nan, 10.0, UNDETERMINED),
    ("outside", ["west"], east_of_edge(-30), 10.0, FALSE),
    ("outside", ["west"], east_of_edge(-20), 10.0, UNDETERMINED),
    ("outside", ["west"], east_of_edge(30), 10.0, TRUE),
    ("in", ["west", "east"], 0.0, 10.0, TRUE),  # any of
    ("in", ["west", "east"], 3.0, 10.0, TRUE),
    ("in", ["west", "east"], 1.0, 10.0, UNDETERMINED),  # across the shared border: conservative
    ("in", ["west", "far"], 3.0, 10.0, FALSE),
    ("outside", ["west", "far"], 3.0, 10.0, TRUE),
    ("outside", ["west", "east"], 0.0, 10.0, FALSE),
]


@pytest.mark.parametrize("which", ["launch", "impact"])
@pytest.mark.parametrize(("how", "names", "lon", "sigma_km", "expected"), REGION_CASES)
def test_region_conditions(which: str, how: str, names: list[str], lon: float, sigma_km: float,
                           expected: int) -> None:
    assert one(f"{which}_{how}", names, point_evidence(which, 0.0, lon, sigma_km)) == expected


def test_region_condition_uses_the_right_point() -> None:
    e = ev(launch_lat_rad=R(0.0), launch_lon_rad=R(0.0), launch_semi_major_m=1e3, launch_semi_minor_m=1e3,
           impact_lat_rad=R(0.0), impact_lon_rad=R(3.0), impact_semi_major_m=1e3, impact_semi_minor_m=1e3)
    assert one("launch_in", ["west"], e) == TRUE
    assert one("impact_in", ["west"], e) == FALSE


def test_elongated_impact_ellipse_along_or_across_the_border() -> None:
    # 30 km inside, σ 20 × 5 km: along the border (north) it is decided, across it (east) it is not
    base = {"impact_lat_rad": R(0.0), "impact_lon_rad": R(east_of_edge(-30)), "impact_semi_major_m": 20e3,
            "impact_semi_minor_m": 5e3}
    assert one("impact_in", ["west"], ev(**base, impact_major_azimuth_rad=R(0.0))) == TRUE
    assert one("impact_in", ["west"], ev(**base, impact_major_azimuth_rad=R(90.0))) == UNDETERMINED


@pytest.mark.parametrize(("want", "lon", "expected"), [
    (True, 0.0, TRUE), (True, east_of_edge(-20), UNDETERMINED), (True, 3.0, FALSE),
    (False, 0.0, FALSE), (False, east_of_edge(-20), UNDETERMINED), (False, 3.0, TRUE),
])
def test_impact_in_defended_area(want: bool, lon: float, expected: int) -> None:
    e = point_evidence("impact", 0.0, lon, 10.0)
    assert one("impact_in_defended_area", want, e, defended_areas=["west"]) == expected


def test_no_defended_areas_means_in_none() -> None:
    e = point_evidence("impact", 0.0, 0.0, 10.0)
    assert one("impact_in_defended_area", True, e) == FALSE


@pytest.mark.parametrize(("want", "notified", "expected"), [
    (True, 1, TRUE), (True, 0, FALSE), (True, -1, UNDETERMINED),
    (False, 1, FALSE), (False, 0, TRUE), (False, -1, UNDETERMINED),
])
def test_notified(want: bool, notified: int, expected: int) -> None:
    assert one("notified", want, ev(notified=notified)) == expected


def test_notified_defaults_to_unknown() -> None:
    e = ev(range_m=1e6, range_sigma_m=0.0)
    assert e.notified.tolist() == [-1]
    assert one("notified", True, e) == UNDETERMINED


# ---- rules: all-of, first match, undetermined precedence ----------------------------------------------

PRECEDENCE = rule_set(
    {"name": "notified launch", "verdict": "not-threat", "notified": True},
    {"name": "beyond 500 km", "verdict": "threat", "range_km": {"at_least": 500}},
)

PRECEDENCE_CASES = [
    # notified, range km, σ km, verdict, first TRUE rule
    (1, 1000.0, 0.0, NOT_THREAT, 0),  # both hold: the first decides
    (0, 1000.0, 0.0, THREAT, 1),
    (0, 100.0, 0.0, NOT_THREAT, -1),  # none holds: default not-threat
    (-1, 1000.0, 0.0, UNDETERMINED, 1),  # rule 0 may hold (not-threat), rule 1 holds (threat)
    (-1, 100.0, 0.0, NOT_THREAT, -1),  # rule 0 may hold, else default: not-threat either way
    (0, 500.0, 10.0, UNDETERMINED, -1),  # rule 1 may hold (threat), else default (not-threat)
    (1, 500.0, 10.0, NOT_THREAT, 0),  # rule 0 holds before the undetermined one
]


def precedence_evidence() -> TrackEvidence:
    cols = list(zip(*PRECEDENCE_CASES, strict=True))
    return TrackEvidence(notified=np.array(cols[0]), range_m=np.array(cols[1]) * 1e3,
                         range_sigma_m=np.array(cols[2]) * 1e3)


def test_first_match_precedence_vectorised() -> None:
    a = assess(PRECEDENCE, precedence_evidence())
    assert a.verdict.tolist() == [c[3] for c in PRECEDENCE_CASES]
    assert a.first_true_rule.tolist() == [c[4] for c in PRECEDENCE_CASES]
    assert a.verdict_names()[:4] == ["not-threat", "threat", "not-threat", "undetermined"]
    # one track at a time gives the same
    e = precedence_evidence()
    for i, case in enumerate(PRECEDENCE_CASES):
        single = TrackEvidence(notified=e.notified[i:i + 1], range_m=e.range_m[i:i + 1],
                               range_sigma_m=e.range_sigma_m[i:i + 1])
        assert assess(PRECEDENCE, single).verdict.tolist() == [case[3]]


@pytest.mark.parametrize(("default", "expected"), [
    ("not-threat", [NOT_THREAT, UNDETERMINED]), ("threat", [THREAT, THREAT]),
    ("undetermined", [UNDETERMINED, UNDETERMINED]),
])
def test_default_verdict(default: str, expected: list[int]) -> None:
    rs = rule_set({"verdict": "threat", "range_km": {"at_least": 500}}, default=default)
    e = TrackEvidence(range_m=np.array([100e3, 500e3]), range_sigma_m=np.array([0.0, 10e3]))
    assert assess(rs, e).verdict.tolist() == expected


def test_all_conditions_of_a_rule_must_hold() -> None:
    rs = rule_set({"verdict": "threat", "range_class": ["IRBM", "ICBM"], "launch_in": "west", "notified": False})
    lon = [0.0, 0.0, 0.0, 3.0, 0.0]
    e = TrackEvidence(
        range_m=np.array([4000e3, 4000e3, 2000e3, 4000e3, 4000e3]), range_sigma_m=np.full(5, 10e3),
        launch_lat_rad=np.zeros(5), launch_lon_rad=R(lon), launch_semi_major_m=np.full(5, 1e3),
        launch_semi_minor_m=np.full(5, 1e3), notified=np.array([0, -1, 0, 0, 1]),
    )
    a = assess(rs, e, REGIONS)
    assert a.condition_state[0].tolist() == [[1, 1, 1], [1, 1, -1], [0, 1, 1], [1, 0, 1], [1, 1, 0]]
    assert a.rule_state[:, 0].tolist() == [TRUE, UNDETERMINED, FALSE, FALSE, FALSE]
    assert a.verdict.tolist() == [THREAT, UNDETERMINED, NOT_THREAT, NOT_THREAT, NOT_THREAT]


def test_rule_without_conditions_always_holds() -> None:
    rs = rule_set({"verdict": "not-threat", "notified": True}, {"name": "everything else", "verdict": "threat"})
    assert assess(rs, ev(notified=[1, 0, -1])).verdict.tolist() == [NOT_THREAT, THREAT, UNDETERMINED]


def test_conditions_keep_a_fixed_order() -> None:
    r = Rule.model_validate({"verdict": "threat", "notified": True, "impact_in": "a", "range_km": {"at_most": 9}})
    assert [k for k, _ in r.conditions()] == ["range_km", "impact_in", "notified"]
    assert r.impact_in == ["a"]  # a single name is a list of one


def test_unknown_region_is_refused() -> None:
    rs = rule_set({"verdict": "threat", "impact_in": ["west", "baltc"]})
    with pytest.raises(InputError, match=r"criteria 't'.rules\[0\].impact_in\[1\]: unknown region 'baltc'; "
                                         r"known: west, east, far"):
        assess(rs, ev(notified=1), REGIONS)


# ---- explanations -------------------------------------------------------------------------------------


def test_explanation_names_rules_states_and_evidence() -> None:
    a = assess(PRECEDENCE, precedence_evidence())
    x = a.explain(3)
    json.dumps(x, allow_nan=False)
    assert x["verdict"] == "undetermined"
    assert x["fired"] == [1]
    assert x["reason"] == ("undetermined: rules[0] 'notified launch' (not-threat) is undetermined; otherwise "
                           "rules[1] 'beyond 500 km' holds (threat)")
    assert x["rule_set"]["name"] == "t" and x["rule_set"]["version"] == "1" and x["rule_set"]["owner"] == "us"
    r0, r1 = x["rules"]
    assert (r0["state"], r0["conditions"][0]["evidence"]) == ("undetermined", {"notification": "unknown"})
    c = r1["conditions"][0]
    assert c["requires"] == {"at_least": 500.0}
    assert c["evidence"]["value"] == 1000.0 and c["evidence"]["sigma"] == 0.0
    e5 = a.explain(5)["rules"][1]["conditions"][0]
    assert e5["evidence"]["interval"] == pytest.approx([500 - Z95 * 10, 500 + Z95 * 10], abs=1e-3)
    assert e5["why"] == "ground range 500 ± 10 km: 95% interval 480.4..519.6 km straddles >= 500 km"
    assert a.explain(4)["reason"] == ("no rule holds (default not-threat); undetermined rules[0] 'notified launch' "
                                      "would give the same verdict")


def test_region_explanation_gives_distance_and_probability() -> None:
    rs = rule_set({"verdict": "threat", "impact_in": "west"})
    a = assess(rs, point_evidence("impact", 0.0, east_of_edge(-20), 10.0), REGIONS)
    c = a.explain(0)["rules"][0]["conditions"][0]
    reg = c["evidence"]["regions"][0]
    assert reg["state"] == "straddles"
    # 20 km inside on WGS-84 is 19.96 km on the mean-radius sphere of the polygon distances
    assert reg["signed_distance_km"] == pytest.approx(20.0 * 6371.0 / 6378.137, abs=0.01)
    assert reg["probability_inside"] == pytest.approx(0.977, abs=0.01)  # Φ(2.0)
    assert c["evidence"]["ellipse_scale"] == pytest.approx(2.448, abs=1e-3)
    assert c["why"].startswith("impact point straddles west (+19.98 km from its boundary, P(inside) 0.9")
    assert len(a.explain_all()) == 1


def test_range_class_explanation_lists_the_classes_in_the_interval() -> None:
    rs = rule_set({"verdict": "threat", "range_class": ["IRBM", "ICBM"]})
    x = assess(rs, ev(range_m=3000e3, range_sigma_m=10e3)).explain(0)
    c = x["rules"][0]["conditions"][0]
    assert c["evidence"]["classes_in_interval"] == ["MRBM", "IRBM"]
    assert c["state"] == "undetermined"


# ---- partners -----------------------------------------------------------------------------------------


def test_partners_disagreement_report() -> None:
    us = RuleSet.model_validate({
        "name": "us-2008", "version": "2008-03", "owner": "us",
        "rules": [{"verdict": "threat", "range_class": ["IRBM", "ICBM"], "launch_in": "west"}],
    })
    ru = RuleSet.model_validate({
        "name": "ru-2008", "version": "2008-04", "owner": "ru", "defended_areas": ["east"],
        "rules": [{"verdict": "not-threat", "notified": True},
                  {"verdict": "threat", "impact_in_defended_area": True}],
    })
    n = 3
    e = TrackEvidence(
        track_id=np.array(["T1", "T2", "T3"]),
        range_m=np.array([4000e3, 4000e3, 800e3]), range_sigma_m=np.full(n, 10e3),
        launch_lat_rad=np.zeros(n), launch_lon_rad=R([0.0, 0.0, 0.0]), launch_semi_major_m=np.full(n, 1e3),
        launch_semi_minor_m=np.full(n, 1e3),
        impact_lat_rad=np.zeros(n), impact_lon_rad=R([3.0, 3.0, 3.0]), impact_semi_major_m=np.full(n, 1e3),
        impact_semi_minor_m=np.full(n, 1e3), notified=np.array([0, 1, -1]),
    )
    c = compare([us, ru], e, REGIONS)
    assert c.labels == ("us", "ru")
    assert c.verdicts.tolist() == [[THREAT, THREAT, NOT_THREAT], [THREAT, NOT_THREAT, UNDETERMINED]]
    assert c.disagree.tolist() == [False, True, True]
    rep = c.report()
    assert [r["track"] for r in rep] == ["T2", "T3"]
    assert rep[0]["verdicts"] == {"us": "threat", "ru": "not-threat"}
    assert rep[1]["by_verdict"] == {"not-threat": ["us"], "undetermined": ["ru"]}
    assert rep[0]["reasons"]["ru"] == "rules[0] holds (not-threat)"
    d = c.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["tracks"] == 3 and [s["label"] for s in d["rule_sets"]] == ["us", "ru"]


def test_partner_labels_when_an_owner_holds_two_sets() -> None:
    a = rule_set(name="a")
    b = rule_set(name="b", default="threat")
    c = compare([a, b], ev(notified=[1]))
    assert c.labels == ("us/a", "us/b")
    assert c.report()[0]["verdicts"] == {"us/a": "not-threat", "us/b": "threat"}


def test_fingerprint_changes_with_the_rules_and_the_regions() -> None:
    rs = rule_set({"verdict": "threat", "impact_in": "west"})
    same = rule_set({"verdict": "threat", "impact_in": ["west"]})
    other = rule_set({"verdict": "threat", "impact_in": "east"})
    moved = dict(REGIONS, west=PolygonRegion.from_deg("west", [(-5, -5), (-5, 1.1), (5, 1.1), (5, -5)]))
    assert rs.fingerprint() == same.fingerprint() != other.fingerprint()
    assert rs.fingerprint(REGIONS) != rs.fingerprint(moved)
    assert rs.fingerprint(REGIONS) == rs.fingerprint(dict(REGIONS, east=moved["west"]))  # unused region
    assert len(rs.fingerprint()) == 64


# ---- evidence -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kw", "message"), [
    ({"range_m": [1.0]}, "range_m needs range_sigma_m"),
    ({"impact_lat_rad": [0.0]}, "impact_lat_rad and impact_lon_rad together"),
    ({"range_m": [1.0, 2.0], "range_sigma_m": [1.0, 2.0, 3.0]}, "different lengths"),
    ({"notified": [2]}, "notified takes 1"),
    ({"speed_m_s": [1.0], "speed_sigma_m_s": [-1.0]}, "speed_sigma_m_s must be >= 0"),
    ({}, "at least one field"),
])
def test_bad_evidence_is_refused(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrackEvidence(**{k: np.array(v) for k, v in kw.items()})


def test_range_from_endpoints_adds_the_along_track_sigmas() -> None:
    # launch (0, 0), impact (0, 10E): the line runs east. Launch ellipse: major (3 km) east; impact
    # ellipse: major (4 km) north, minor (2 km) east. σ along = √(3² + 2²) km.
    rng, sig = range_from_endpoints(R(0.0), R(0.0), 3e3, 1e3, R(90.0), R(0.0), R(10.0), 4e3, 2e3, R(0.0))
    assert rng == pytest.approx(surface_distance_m(0.0, 0.0, 0.0, R(10.0)))
    assert sig == pytest.approx(math.sqrt(13) * 1e3)


def test_from_estimates_takes_the_trackers_ground_estimates() -> None:
    class G:  # the fields of jointshield.tracking.GroundEstimate that are used
        def __init__(self, lon: float, t: float):
            self.lat_rad, self.lon_rad = np.array([0.0]), R(np.array([lon]))
            self.semi_major_m, self.semi_minor_m, self.major_azimuth_rad = np.array([2e3]), np.array([1e3]), np.zeros(1)
            self.t_s, self.t_sigma_s = np.array([t]), np.array([4.0])

    e = TrackEvidence.from_estimates(np.array([100.0]), G(0.0, 0.0), G(30.0, 1300.0), np.array([5000.0]),
                                     np.array([20.0]), track_id=np.array([7]))
    assert e.time_to_impact_s.tolist() == [1200.0]
    assert e.range_m[0] == pytest.approx(30 * KM_PER_DEG * 1e3, rel=1e-9)
    assert e.range_sigma_m[0] == pytest.approx(math.sqrt(2) * 1e3)  # minor axes (1 km) lie along the line
    assert math.isnan(e.apogee_m[0])  # not given: conditions on it are undetermined
    assert e.track_id.tolist() == [7] and e.notified.tolist() == [-1]


def test_many_tracks_one_pass() -> None:
    rng = np.random.default_rng(4)
    n = 300
    rs = rule_set({"verdict": "not-threat", "notified": True},
                  {"verdict": "threat", "range_class": ["MRBM", "IRBM"], "impact_in": ["west", "east"]},
                  {"verdict": "threat", "speed_km_s": {"at_least": 5}, "launch_outside": "far"})
    e = TrackEvidence(
        range_m=rng.uniform(0, 8e6, n), range_sigma_m=rng.uniform(0, 1e5, n),
        speed_m_s=rng.uniform(1e3, 7e3, n), speed_sigma_m_s=rng.uniform(0, 300, n),
        impact_lat_rad=R(rng.uniform(-6, 6, n)), impact_lon_rad=R(rng.uniform(-6, 6, n)),
        impact_semi_major_m=rng.uniform(0, 3e4, n), impact_semi_minor_m=rng.uniform(0, 1e4, n),
        impact_major_azimuth_rad=rng.uniform(0, np.pi, n),
        launch_lat_rad=R(rng.uniform(40, 60, n)), launch_lon_rad=R(rng.uniform(90, 110, n)),
        launch_semi_major_m=np.full(n, 1e4), launch_semi_minor_m=np.full(n, 1e4),
        notified=rng.integers(-1, 2, n),
    )
    a = assess(rs, e, REGIONS)
    assert a.verdict.shape == (n,) and a.rule_state.shape == (n, 3)
    assert [s.shape for s in a.condition_state] == [(n, 1), (n, 2), (n, 2)]
    assert set(np.unique(a.verdict)) == {THREAT, NOT_THREAT, UNDETERMINED}
    for i in range(0, n, 37):
        single = TrackEvidence(**{f: getattr(e, f)[i:i + 1] for f in (
            "range_m", "range_sigma_m", "speed_m_s", "speed_sigma_m_s", "impact_lat_rad", "impact_lon_rad",
            "impact_semi_major_m", "impact_semi_minor_m", "impact_major_azimuth_rad", "launch_lat_rad",
            "launch_lon_rad", "launch_semi_major_m", "launch_semi_minor_m", "notified")})
        b = assess(rs, single, REGIONS)
        assert b.verdict[0] == a.verdict[i] and (b.rule_state[0] == a.rule_state[i]).all()
