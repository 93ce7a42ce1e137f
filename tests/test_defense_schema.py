"""Scenario `interceptor_sites:`: valid sites become defense.Sites; bad ones give one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from jointshield.scenario import ScenarioError, parse_scenario
from jointshield.scenario.defense_schema import sites_from_scenario

HEAD = """
version: 1
name: sites
epoch: 2008-03-01T12:00:00Z
places:
  redzikowo: {lat_deg: 54.48, lon_deg: 17.10}
"""
SITE = "{id: r, place: redzikowo, type: notional-interceptor-7kms, inventory: 10, pk: 0.7%s}"


def scenario(*sites: str):
    return parse_scenario(HEAD + "interceptor_sites:\n" + "".join(f"  - {s}\n" for s in sites))


def test_sites_from_a_scenario() -> None:
    sc = scenario(SITE % ", readiness_s: 60, launch_interval_s: 10, kill_assessment_s: 30, doctrine: shoot-shoot",
                  "{id: g, place: {lat_deg: 40.0, lon_deg: 20.0, alt_m: 300}, type: notional-interceptor-3kms, "
                  "inventory: 0, pk: 0.8}")
    s = sites_from_scenario(sc)
    assert s.ids == ("r", "g")
    np.testing.assert_allclose(np.rad2deg(s.lat_rad), [54.48, 40.0])
    assert s.alt_m.tolist() == [0.0, 300.0]
    assert s.inventory.tolist() == [10, 0] and s.pk.tolist() == [0.7, 0.8]
    assert s.readiness_s.tolist() == [60.0, 0.0] and s.launch_interval_s.tolist() == [10.0, 0.0]
    assert s.doctrine == ("shoot-shoot", "shoot-look-shoot")  # the default doctrine
    assert s.kill_assessment_s.tolist() == [30.0, 0.0]
    assert [t.name for t in s.types] == ["notional-interceptor-7kms", "notional-interceptor-3kms"]


def test_a_scenario_without_sites_is_still_valid() -> None:
    sc = parse_scenario(HEAD)
    assert sc.interceptor_sites == [] and len(sites_from_scenario(sc)) == 0


def test_overrides_reach_the_interceptor_type() -> None:
    s = sites_from_scenario(scenario(SITE % ", burnout_speed_km_s: 6.3, burn_time_s: 180"))
    it = s.types[0]
    assert it.burn_time_s == pytest.approx(180.0) and it.isp_scale < 1.0


@pytest.mark.parametrize(
    ("site", "line"),
    [
        (SITE.replace("inventory: 10", "inventory: -3") % "", "interceptor_sites[0].inventory: -3 must be >= 0"),
        (SITE.replace("notional-interceptor-7kms", "notional-x") % "",
         ("interceptor_sites[0].type: unknown interceptor 'notional-x'; known: notional-interceptor-3kms, "
         "notional-interceptor-4p5kms, notional-interceptor-7kms, notional-interceptor-two-stage")),
        (SITE.replace("notional-interceptor-7kms", "notional-icbm") % "",
         ("interceptor_sites[0].type: 'notional-icbm' is a missile, not an interceptor; known: "
         "notional-interceptor-3kms, notional-interceptor-4p5kms, notional-interceptor-7kms, "
         "notional-interceptor-two-stage")),
        (SITE.replace("place: redzikowo", "place: slupsk") % "",
         "interceptor_sites[0].place: unknown place 'slupsk'; known: redzikowo; or give {lat_deg: .., lon_deg: ..}"),
        (SITE.replace("place: redzikowo", "place: {lat_deg: 95, lon_deg: 17}") % "",
         "interceptor_sites[0].place.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)"),
        (SITE.replace("pk: 0.7", "pk: 1.5") % "", "interceptor_sites[0].pk: 1.5 must be <= 1"),
        (SITE.replace(", pk: 0.7", "") % "",
         ("interceptor_sites[0].pk: required field is missing: Probability that one shot kills its target "
         "(0 < pk <= 1).")),
        (SITE % ", doctrine: fire-all",
         ("interceptor_sites[0].doctrine: 'fire-all' is not allowed; choose one of 'shoot-look-shoot', "
         "'shoot-shoot' or 'single'")),
        (SITE % ", readiness_s: -1", "interceptor_sites[0].readiness_s: -1 must be >= 0"),
        (SITE % ", burn_time_s: 2000",
         ("interceptor_sites[0].burn_time_s: 2000 s leaves notional-interceptor-7kms's first stage with a "
         "thrust/weight of 0.22: it would not lift off; at most 416 s for this booster")),
        (SITE % ", burnout_speed_km_s: 30", "interceptor_sites[0].burnout_speed_km_s: 30 must be <= 15"),
        (SITE % ", colour: red", ("interceptor_sites[0].colour: unknown field 'colour'; allowed: id, place, type, "
         "inventory, readiness_s, launch_interval_s, pk, doctrine, kill_assessment_s, burnout_speed_km_s, "
         "burn_time_s")),
    ],
)
def test_bad_sites_get_one_line_errors(site: str, line: str) -> None:
    with pytest.raises(ScenarioError) as e:
        scenario(site)
    assert e.value.lines() == [line]
    assert "\n" not in str(e.value)


def test_duplicate_site_ids() -> None:
    with pytest.raises(ScenarioError) as e:
        scenario(SITE % "", SITE % "")
    assert e.value.lines() == ["interceptor_sites[1].id: duplicate id 'r' (first used by interceptor_sites[0])"]


def test_the_example_in_the_docs_is_valid() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "defense.md").read_text()
    block = re.search(r"```yaml\n(interceptor_sites:.*?)```", doc, re.DOTALL).group(1)
    sc = parse_scenario(HEAD + block)
    assert sites_from_scenario(sc).ids == ("redzikowo",)
