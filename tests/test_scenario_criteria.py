"""Scenario keys regions / criteria / agreed_criteria: the docs example runs, and bad input gets one line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from jointshield.defense.criteria import NOT_THREAT, THREAT, TrackEvidence, assess, compare
from jointshield.earth.geodesy import surface_distance_m
from jointshield.earth.regions import CircleRegion, PolygonRegion
from jointshield.scenario import ScenarioError, bundled_scenario, parse_scenario
from jointshield.scenario.criteria_schema import (
    agreed_rule_set,
    regions_from_scenario,
    rule_sets_from_scenario,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "criteria.md"
R = np.radians

HEAD = """\
version: 1
name: test
epoch: 2008-03-01T12:00:00Z
places:
  warsaw: {lat_deg: 52.23, lon_deg: 21.01}
"""


def doc_example() -> str:
    return re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL).group(1)


def test_docs_example_runs_as_described() -> None:
    scn = parse_scenario(doc_example())
    regions = regions_from_scenario(scn)
    assert isinstance(regions["iran"], PolygonRegion) and isinstance(regions["warsaw"], CircleRegion)
    assert regions["warsaw"].radius_m == 150e3
    agreed = agreed_rule_set(scn)
    assert agreed is not None and (agreed.name, agreed.version, agreed.owner) == ("us-2008", "2008-03", "us")
    assert list(rule_sets_from_scenario(scn)) == ["us-2008", "ru-2008"]

    semnan, warsaw, istanbul = (35.23, 53.92), (52.23, 21.01), (41.0, 29.0)
    targets = [warsaw, warsaw, istanbul]
    rng = np.array([surface_distance_m(R(semnan[0]), R(semnan[1]), R(t[0]), R(t[1])) for t in targets])
    assert rng / 1e3 == pytest.approx([3211.0, 3211.0, 2268.4], abs=0.5)
    n = len(targets)
    evidence = TrackEvidence(
        track_id=np.array(["to-warsaw", "notified", "to-istanbul"]),
        launch_lat_rad=np.full(n, R(semnan[0])), launch_lon_rad=np.full(n, R(semnan[1])),
        launch_semi_major_m=np.full(n, 20e3), launch_semi_minor_m=np.full(n, 10e3),
        impact_lat_rad=R([t[0] for t in targets]), impact_lon_rad=R([t[1] for t in targets]),
        impact_semi_major_m=np.full(n, 5e3), impact_semi_minor_m=np.full(n, 2e3),
        range_m=rng, range_sigma_m=np.full(n, 25e3), notified=np.array([0, 1, 0]),
    )
    a = assess(agreed, evidence, regions, scn.earth_model)
    assert a.verdict.tolist() == [THREAT, NOT_THREAT, THREAT]
    assert a.explain(2)["reason"] == "rules[1] 'medium range or longer from Iran' holds (threat)"
    c = compare(scn.criteria, evidence, regions, scn.earth_model)
    assert c.verdicts.tolist() == [[THREAT, NOT_THREAT, THREAT], [THREAT, NOT_THREAT, NOT_THREAT]]
    (only,) = c.report()
    assert only["track"] == "to-istanbul"
    assert only["verdicts"] == {"us": "threat", "ru": "not-threat"}
    assert only["reasons"]["ru"] == "no rule holds (default not-threat)"


def test_docs_bad_input_lines_are_real() -> None:
    text = doc_example().replace("impact_in_defended_area: true\n        range_km", "impact_in: baltc\n        range_km")
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text)
    assert e.value.lines() == ["criteria[1].rules[1].impact_in: unknown region 'baltc'; known: iran, warsaw, prague"]
    with pytest.raises(ScenarioError, match=r"^agreed_criteria: unknown rule set 'us-2009'; known: us-2008, ru-2008$"):
        parse_scenario(doc_example().replace("agreed_criteria: us-2008", "agreed_criteria: us-2009"))


def test_scenarios_without_criteria_are_unchanged() -> None:
    scn = bundled_scenario("flight-demo")
    assert (scn.regions, scn.criteria, scn.agreed_criteria) == ({}, [], None)
    assert agreed_rule_set(scn) is None and regions_from_scenario(scn) == {}


def test_region_forms() -> None:
    scn = parse_scenario(HEAD + """\
regions:
  a: {centre: {lat_deg: 10, lon_deg: 20}, radius_km: 50, description: inline centre}
  b: {vertices: [{lat_deg: 0, lon_deg: 179}, [0, -179], [1, 180]]}
  c: {vertices: [[0, 0], [0, 1], [1, 1], [0, 0]]}
""")
    regions = regions_from_scenario(scn)
    assert np.degrees(regions["a"].lat_rad) == pytest.approx(10.0)
    assert regions["b"].contains(R([0.5]), R([180.0])).tolist() == [True]  # across the dateline
    assert len(regions["c"].lat_rad) == 3  # the closing vertex is dropped


RULESET = "{name: a, version: 1, owner: us, rules: [%s]}"

BAD = [
    # regions
    ("regions: {x: {vertices: [[1, 2], [3, 4]]}}", "regions.x.vertices", "has 2 items; needs at least 3"),
    ("regions: {x: {vertices: [[95, 2], [3, 4], [5, 6]]}}", "regions.x.vertices[0].lat_deg",
     "latitude 95 is outside -90..90 (degrees, north positive)"),
    ("regions: {x: {vertices: [[1, 2], [3, 4], [5, 6, 7]]}}", "regions.x.vertices[2]",
     "a vertex is [lat_deg, lon_deg]; got a list of 3 items"),
    ("regions: {x: {vertices: [[1, 200], [3, 4], [5, 6]]}}", "regions.x.vertices[0].lon_deg",
     "longitude 200 is outside -180..180 (degrees, east positive, west negative); for 200°E write -160"),
    ("regions: {x: {vertices: [[0, 0], [1, 1], [0, 1], [1, 0]]}}", "regions.x.vertices",
     "edge 1-2 crosses edge 3-4; list the vertices in order around the region"),
    ("regions: {x: {vertices: [[0, -70], [10, 0], [0, 70], [-10, 0]]}}", "regions.x.vertices",
     ("vertex 1 is 70° from the polygon's centre; a polygon must lie within 60° (about 6,700 km) of its centre: "
     "split it")),
    ("regions: {x: {centre: warsw, radius_km: 100}}", "regions.x.centre",
     "unknown place 'warsw'; known: warsaw; or give {lat_deg: .., lon_deg: ..}"),
    ("regions: {x: {centre: warsaw}}", "regions.x.radius_km", "required for a circle (centre and radius_km)"),
    ("regions: {x: {centre: warsaw, radius_km: 0}}", "regions.x.radius_km", "0 must be > 0"),
    ("regions: {x: {centre: warsaw, radius_km: 10, vertices: [[0, 0], [0, 1], [1, 1]]}}", "regions.x",
     "a region is a circle (centre, radius_km) or a polygon (vertices), not both"),
    ("regions: {x: {}}", "regions.x",
     "a region needs centre and radius_km (a circle) or vertices: [[lat_deg, lon_deg], ...] (a polygon)"),
    ("regions: {x: {centre: warsaw, radius_km: 10, colour: red}}", "regions.x.colour",
     "unknown field 'colour'; allowed: description, centre, radius_km, vertices"),
    # criteria
    ("regions: {baltic: {centre: warsaw, radius_km: 300}, bug: {centre: warsaw, radius_km: 30}}\ncriteria: ["
     + RULESET % "{verdict: threat}, {verdict: threat, impact_in: baltc}" + "]\nagreed_criteria: a",
     "criteria[0].rules[1].impact_in", "unknown region 'baltc'; known: baltic, bug"),
    ("regions: {a: {centre: warsaw, radius_km: 30}}\ncriteria: [" + RULESET % "{verdict: threat, launch_outside: [a, x]}"
     + "]\nagreed_criteria: a", "criteria[0].rules[0].launch_outside[1]", "unknown region 'x'; known: a"),
    ("criteria: [{name: a, version: 1, owner: us, defended_areas: [nowhere]}]\nagreed_criteria: a",
     "criteria[0].defended_areas[0]", "unknown region 'nowhere'; known: none (the scenario has no regions)"),
    ("criteria: [" + RULESET % "{verdict: threat, impact_in_defended_area: true}" + "]\nagreed_criteria: a",
     "criteria[0].rules[0].impact_in_defended_area",
     "the rule set lists no defended_areas; add defended_areas: [region, ...]"),
    ("criteria: [" + RULESET % "{verdict: maybe}" + "]\nagreed_criteria: a", "criteria[0].rules[0].verdict",
     "'maybe' is not allowed; choose one of 'threat' or 'not-threat'"),
    ("criteria: [" + RULESET % "{verdict: threat, range_class: XRBM}" + "]\nagreed_criteria: a",
     "criteria[0].rules[0].range_class[0]", "'XRBM' is not allowed; choose one of 'SRBM', 'MRBM', 'IRBM' or 'ICBM'"),
    ("criteria: [" + RULESET % "{verdict: threat, impct_in: x}" + "]\nagreed_criteria: a",
     "criteria[0].rules[0].impct_in",
     ("unknown field 'impct_in'; allowed: name, verdict, range_class, range_km, apogee_km, speed_km_s, "
     "time_to_impact_s, launch_in, launch_outside, impact_in, impact_outside, impact_in_defended_area, notified")),
    ("criteria: [" + RULESET % "{verdict: threat, range_km: {}}" + "]\nagreed_criteria: a",
     "criteria[0].rules[0].range_km", "give at_least, at_most or both, e.g. {at_least: 500}"),
    ("criteria: [" + RULESET % "{verdict: threat, speed_km_s: {at_least: 5, at_most: 3}}" + "]\nagreed_criteria: a",
     "criteria[0].rules[0].speed_km_s", "at_least 5 must be below at_most 3"),
    ("criteria: [{name: a, version: 1, owner: us, confidence: 1.2}]\nagreed_criteria: a", "criteria[0].confidence",
     "1.2 must be < 1"),
    ("criteria: [{name: a, version: 1, owner: us, range_class_limits_km: [1000, 900, 5500]}]\nagreed_criteria: a",
     "criteria[0].range_class_limits_km", "limits 1000, 900, 5500 must be positive and increasing (km)"),
    ("criteria: [{name: a, version: 1}]\nagreed_criteria: a", "criteria[0].owner",
     "required field is missing: The partner that holds the rule set."),
    ("criteria: [{name: a, version: 1, owner: us}, {name: a, version: 2, owner: ru}]\nagreed_criteria: a",
     "criteria[1].name", "duplicate rule set 'a' (first defined at criteria[0])"),
    # agreed_criteria
    ("criteria: [{name: a, version: 1, owner: us}]\nagreed_criteria: b", "agreed_criteria",
     "unknown rule set 'b'; known: a"),
    ("agreed_criteria: a", "agreed_criteria", "unknown rule set 'a'; known: none (the scenario has no criteria)"),
    ("criteria: [{name: a, version: 1, owner: us}, {name: b, version: 1, owner: ru}]", "agreed_criteria",
     "required when criteria are given: name the rule set the system acts on (a, b)"),
]


@pytest.mark.parametrize(("body", "field", "message"), BAD)
def test_bad_criteria_input_gives_one_line_naming_the_field(body: str, field: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(HEAD + body + "\n")
    assert e.value.lines() == [f"{field}: {message}"]
