"""Scenario ``sensors:`` and per-launch ``rcs_m2``: from the file to radars, cross-sections and truth."""

from __future__ import annotations

import numpy as np
import pytest

from jointshield.earth.models import TEXTBOOK
from jointshield.errors import InputError
from jointshield.flight.catalogue import get_vehicle
from jointshield.flight.vehicles import DEFAULT_RV_RCS_M2, DEFAULT_SOURCES, Vehicle
from jointshield.scenario import (
    parse_scenario,
    radar_arrays_from_scenario,
    radars_from_scenario,
    rcs_from_scenario,
    truth_from_scenario,
)
from jointshield.sensors import RadarArrays, RadarType, get_radar_type, observe

TEXT = """\
version: 1
name: sensors
epoch: 2008-03-01T12:00:00Z
seed: 3
earth: textbook
places:
  semnan: {lat_deg: 35.23, lon_deg: 53.92}
  tabriz: {lat_deg: 38.08, lon_deg: 46.29}
  gabala: {lat_deg: 40.87, lon_deg: 47.80, alt_m: 500}
launches:
  - {id: L1, missile: notional-srbm, from: semnan, to: {lat_deg: 36.0, lon_deg: 52.0}}
  - {id: L2, missile: notional-mrbm, from: tabriz, to: {lat_deg: 32.0, lon_deg: 50.0}, time_s: 20, rcs_m2: 0.3}
sensors:
  - {id: ew-gabala, type: notional-uhf-early-warning, site: gabala, boresight_az_deg: 150}
  - id: xb
    type: notional-xband-tracking
    site: {lat_deg: 38.5, lon_deg: 49.0}
    boresight_az_deg: 200
    boresight_el_deg: 10
  - id: all-round
    type: {az_half_width_deg: 180, boresight_el_deg: 45, el_half_width_deg: 45, instrumented_range_km: 3000,
           detection_range_km: 1500, reference_rcs_m2: 1, reference_pd: 0.8, revisit_s: 4, sigma_range_m: 100,
           sigma_az_mrad: 3, sigma_el_mrad: 3, detection_model: fixed}
    site: semnan
"""


def test_sensors_resolve_to_radars() -> None:
    s = parse_scenario(TEXT)
    ew, xb, inline = radars_from_scenario(s)
    assert (ew.id, ew.type.name, ew.lat_deg, ew.alt_m, ew.boresight_az_deg) == (
        "ew-gabala", "notional-uhf-early-warning", 40.87, 500.0, 150.0
    )
    assert ew.type is get_radar_type("notional-uhf-early-warning")
    assert ew.pointing_el_deg == 44.0 and xb.pointing_el_deg == 10.0
    assert (xb.lat_deg, xb.lon_deg) == (38.5, 49.0)
    assert isinstance(inline.type, RadarType) and inline.type.detection_model == "fixed"
    assert inline.boresight_az_deg == 0.0  # all round: no boresight needed
    ra = RadarArrays.from_radars(radars_from_scenario(s), s.earth_model)
    assert ra.ids == ("ew-gabala", "xb", "all-round") and ra.revisit_s.tolist() == [5.0, 1.0, 4.0]


def test_rcs_defaults_to_the_missile_and_is_overridden_per_launch() -> None:
    s = parse_scenario(TEXT)
    # notional-srbm: 1 m² (the body reenters with its warhead); L2 overrides the notional-mrbm's default.
    assert rcs_from_scenario(s).tolist() == [1.0, 0.3]
    assert get_vehicle("notional-mrbm").rcs_m2 == DEFAULT_RV_RCS_M2 == 0.01
    assert "rcs_m2" in get_vehicle("notional-mrbm").citations()
    assert get_vehicle("notional-mrbm").citations()["rcs_m2"] == DEFAULT_SOURCES["rcs_m2"]
    assert get_vehicle("notional-interceptor-3kms").rcs_m2 is None


def test_vehicle_rcs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rcs_m2"):
        Vehicle.model_validate({**get_vehicle("notional-srbm").model_dump(), "rcs_m2": -1})


def test_scenario_to_measurements_end_to_end() -> None:
    s = parse_scenario(TEXT)
    truth = truth_from_scenario(s, dt_s=1.0)
    assert truth.ids == ("L1", "L2") and truth.launch_t_s.tolist() == [0.0, 20.0]
    m = observe(truth, radars_from_scenario(s), rcs_from_scenario(s), np.random.default_rng(s.seed),
                model=s.earth_model)
    # The all-round radar at Semnan sees L1 from early in its flight (it stands at the launch point).
    seen = (m.sensor == 2) & (m.truth == 0)
    assert seen.sum() > 20 and m.t_s[seen].min() < 60.0
    assert np.all(np.diff(m.t_s) >= 0)


def test_unreachable_launch_is_reported_at_its_field() -> None:
    text = TEXT.replace("to: {lat_deg: 36.0, lon_deg: 52.0}", "to: {lat_deg: 52.2, lon_deg: 21.0}")
    s = parse_scenario(text)
    with pytest.raises(InputError) as e:
        truth_from_scenario(s)
    assert e.value.field == "launches[0].to"
    assert "beyond the reach of notional-srbm" in e.value.message


def test_textbook_earth_is_used_for_the_sites() -> None:
    s = parse_scenario(TEXT)
    assert s.earth_model is TEXTBOOK
    ra = radar_arrays_from_scenario(s)
    assert ra.model is TEXTBOOK
    assert np.allclose(np.linalg.norm(ra.site_ecef_m[0]), TEXTBOOK.a_m + 500.0)
