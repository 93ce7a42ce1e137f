"""Scenario schema and loader: the bundled scenario, and one clear line per bad input."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jointshield.earth.models import MODELS
from jointshield.errors import InputError
from jointshield.scenario import (
    GeoPoint,
    Scenario,
    ScenarioError,
    bundled_names,
    bundled_scenario,
    load_scenario,
    open_scenario,
    parse_scenario,
)
from jointshield.scenario import load as load_mod
from jointshield.scenario.schema import EARTH_NAMES, EarthName

HEAD = """\
version: 1
name: test
epoch: 2008-03-01T12:00:00Z
places:
  a: {lat_deg: 10, lon_deg: 20}
  b: {lat_deg: 11, lon_deg: 21}
"""

STAGE = "{gross_mass_kg: 100, propellant_mass_kg: 50, isp_s: 200, burn_time_s: 10, diameter_m: 1}"


def launch(**kw: str) -> str:
    fields = {"id": "L1", "missile": "notional-srbm", "from": "a", "to": "b"}
    fields.update(kw)
    return HEAD + "launches:\n  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n"


def inline_missile(stages: str, **kw: str) -> str:
    fields = {"name": "m", "stages": stages, "payload_kg": "10", "reentry_beta_kg_m2": "1000"}
    fields.update(kw)
    return HEAD + "missiles:\n  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n"


RADAR = {
    "az_half_width_deg": "180",
    "boresight_el_deg": "45",
    "el_half_width_deg": "45",
    "instrumented_range_km": "3000",
    "detection_range_km": "1000",
    "reference_rcs_m2": "1",
    "reference_pd": "0.8",
    "revisit_s": "10",
    "sigma_range_m": "100",
    "sigma_az_mrad": "3",
    "sigma_el_mrad": "3",
}


def inline_radar(**kw: str) -> str:
    fields = dict(RADAR)
    fields.update(kw)
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"


def sensor(**kw: str | None) -> str:
    fields: dict[str, str | None] = {
        "id": "R1",
        "type": "notional-xband-tracking",
        "site": "a",
        "boresight_az_deg": "120",
    }
    fields.update(kw)
    body = ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None)
    return HEAD + "sensors:\n  - {" + body + "}\n"


# (case id, YAML text, expected field path, text that must appear in the message)
BAD: list[tuple[str, str, str, str]] = [
    (
        "lat 95",
        launch(**{"from": "{lat_deg: 95, lon_deg: 3}"}),
        "launches[0].from.lat_deg",
        "latitude 95 is outside -90..90",
    ),
    (
        "lon 200",
        launch(to="{lat_deg: 5, lon_deg: 200}"),
        "launches[0].to.lon_deg",
        "longitude 200 is outside -180..180",
    ),
    (
        "place lat -91",
        HEAD + "  c: {lat_deg: -91, lon_deg: 0}\n",
        "places.c.lat_deg",
        "latitude -91 is outside -90..90",
    ),
    (
        "negative mass",
        inline_missile(f"[{STAGE}, {STAGE.replace('50,', '-3,')}]"),
        "missiles[0].stages[1].propellant_mass_kg",
        "-3 must be > 0",
    ),
    (
        "propellant >= gross",
        inline_missile(f"[{STAGE.replace('50,', '150,')}]"),
        "missiles[0].stages[0].propellant_mass_kg",
        "150 must be < gross_mass_kg (100)",
    ),
    (
        "propellant == gross",
        inline_missile(f"[{STAGE.replace('50,', '100,')}]"),
        "missiles[0].stages[0].propellant_mass_kg",
        "100 must be < gross_mass_kg (100)",
    ),
    (
        "unknown missile",
        launch(missile="notional-zzz"),
        "launches[0].missile",
        "unknown missile 'notional-zzz'; known: notional-srbm, notional-mrbm",
    ),
    (
        "interceptor as missile",
        launch(missile="notional-interceptor-7kms"),
        "launches[0].missile",
        "'notional-interceptor-7kms' is an interceptor, not a missile",
    ),
    ("unknown place", launch(to="paris"), "launches[0].to", "unknown place 'paris'; known: a, b"),
    (
        "duplicate launch id",
        launch() + "  - {id: L1, missile: notional-srbm, from: b, to: a}\n",
        "launches[1].id",
        "duplicate id 'L1' (first used by launches[0])",
    ),
    (
        "lofted without apogee",
        launch(trajectory="{shape: lofted}"),
        "launches[0].trajectory",
        "shape lofted needs exactly one of apogee_km or burnout_angle_deg (neither was given)",
    ),
    (
        "depressed with both",
        launch(trajectory="{shape: depressed, apogee_km: 100, burnout_angle_deg: 20}"),
        "launches[0].trajectory",
        "needs exactly one of apogee_km or burnout_angle_deg (both were given)",
    ),
    (
        "minimum-energy with apogee",
        launch(trajectory="{apogee_km: 300}"),
        "launches[0].trajectory.apogee_km",
        "shape minimum-energy fixes the trajectory",
    ),
    (
        "bad shape",
        launch(trajectory="{shape: loft}"),
        "launches[0].trajectory.shape",
        "'loft' is not allowed; choose one of 'minimum-energy', 'lofted' or 'depressed'",
    ),
    (
        "burnout angle 95",
        launch(trajectory="{shape: lofted, burnout_angle_deg: 95}"),
        "launches[0].trajectory.burnout_angle_deg",
        "95 must be < 90",
    ),
    ("negative time", launch(time_s="-5"), "launches[0].time_s", "-5 must be >= 0"),
    ("NaN time", launch(time_s=".nan"), "launches[0].time_s", "nan must be a finite number"),
    (
        "from is a number",
        launch(**{"from": "3"}),
        "launches[0].from",
        "must be a place name or a point {lat_deg: .., lon_deg: ..} (got 3)",
    ),
    ("same point", launch(to="{lat_deg: 10, lon_deg: 20}"), "launches[0].to", "is the same point as from"),
    (
        "missing to",
        HEAD + "launches:\n  - {id: L1, missile: notional-srbm, from: a}\n",
        "launches[0].to",
        "required field is missing: Aim point",
    ),
    (
        "unknown launch field",
        launch(tme_s="3"),
        "launches[0].tme_s",
        "unknown field 'tme_s'; allowed: id, missile, from, to, time_s, trajectory, rcs_m2",
    ),
    (
        "unknown top-level key",
        HEAD + "radars: []\n",
        "radars",
        ("unknown field 'radars'; allowed: version, name, description, epoch, seed, earth, places, missiles, "
        "launches, sensors"),
    ),
    (
        "sensor site lat 95",
        sensor(site="{lat_deg: 95, lon_deg: 3}"),
        "sensors[0].site.lat_deg",
        "latitude 95 is outside -90..90",
    ),
    (
        "unknown radar type",
        sensor(type="notional-zz"),
        "sensors[0].type",
        "unknown radar type 'notional-zz'; known: notional-xband-tracking, notional-uhf-early-warning",
    ),
    ("unknown sensor site", sensor(site="prague"), "sensors[0].site", "unknown place 'prague'; known: a, b"),
    (
        "boresight missing",
        sensor(boresight_az_deg=None),
        "sensors[0].boresight_az_deg",
        "required: radar type notional-xband-tracking sees only ±25° in azimuth about its boresight",
    ),
    ("boresight el 95", sensor(boresight_el_deg="95"), "sensors[0].boresight_el_deg", "95 must be <= 90"),
    (
        "duplicate sensor id",
        sensor() + "  - {id: R1, type: notional-uhf-early-warning, site: b, boresight_az_deg: 0}\n",
        "sensors[1].id",
        "duplicate id 'R1' (first used by sensors[0])",
    ),
    (
        "negative revisit",
        sensor(type=inline_radar(revisit_s="-1")),
        "sensors[0].type.revisit_s",
        "-1 must be > 0",
    ),
    (
        "negative range noise",
        sensor(type=inline_radar(sigma_range_m="-5")),
        "sensors[0].type.sigma_range_m",
        "-5 must be > 0",
    ),
    (
        "negative angle noise",
        sensor(type=inline_radar(sigma_el_mrad="-0.1")),
        "sensors[0].type.sigma_el_mrad",
        "-0.1 must be > 0",
    ),
    (
        "negative false alarm rate",
        sensor(type=inline_radar(false_alarms_per_scan="-2")),
        "sensors[0].type.false_alarms_per_scan",
        "-2 must be >= 0",
    ),
    (
        "swerling with pd 1",
        sensor(type=inline_radar(reference_pd="1")),
        "sensors[0].type",
        "reference_pd 1 must be < 1 with detection_model swerling1",
    ),
    (
        "unknown inline radar field",
        sensor(type=inline_radar(power_w="1e6")),
        "sensors[0].type.power_w",
        "unknown field 'power_w'; allowed: kind, name, description, band, az_half_width_deg",
    ),
    (
        "radar type is a number",
        sensor(type="3"),
        "sensors[0].type",
        "must be a catalogue radar type name or an inline radar type",
    ),
    (
        "unknown sensor field",
        sensor(pointing="90"),
        "sensors[0].pointing",
        "unknown field 'pointing'; allowed: id, type, site, boresight_az_deg, boresight_el_deg",
    ),
    ("negative rcs", launch(rcs_m2="-0.1"), "launches[0].rcs_m2", "-0.1 must be > 0"),
    ("missing epoch", "version: 1\nname: t\n", "epoch", "required field is missing"),
    (
        "naive epoch",
        "version: 1\nname: t\nepoch: 2008-03-01 12:00:00\n",
        "epoch",
        "2008-03-01T12:00:00 has no time zone",
    ),
    (
        "version 2",
        HEAD.replace("version: 1", "version: 2"),
        "version",
        "schema version 2 is not supported; this jointshield reads version 1",
    ),
    ("earth flat", HEAD + "earth: flat\n", "earth", "'flat' is not allowed; choose one of 'textbook'"),
    ("negative seed", HEAD + "seed: -1\n", "seed", "-1 must be >= 0"),
    (
        "altitude",
        HEAD + "  c: {lat_deg: 1, lon_deg: 2, alt_m: 20000}\n",
        "places.c.alt_m",
        "20000 must be <= 9000",
    ),
    (
        "inline name clashes",
        inline_missile(f"[{STAGE}]", name="notional-icbm"),
        "missiles[0].name",
        "'notional-icbm' is already a catalogue missile",
    ),
    (
        "inline interceptor",
        inline_missile(f"[{STAGE}]", kind="interceptor"),
        "missiles[0].kind",
        "'interceptor': only missiles may be defined here",
    ),
    (
        "inline without beta",
        inline_missile(f"[{STAGE}]", reentry_beta_kg_m2="null"),
        "missiles[0].reentry_beta_kg_m2",
        "a missile needs reentry_beta_kg_m2",
    ),
    (
        "five stages",
        inline_missile("[" + ", ".join([STAGE] * 5) + "]"),
        "missiles[0].stages",
        "has 5 items; needs at most 4",
    ),
    ("YAML syntax error", HEAD + "launches: [\n", "t.yaml:8:1", "YAML syntax error"),
    ("YAML bad indentation", "version: 1\n name: x\n", "t.yaml:2:6", "YAML syntax error: mapping values"),
    (
        "python object tag",
        HEAD + "x: !!python/object/apply:os.system ['echo hi']\n",
        "t.yaml:7:4",
        "YAML tag !!python/object/apply:os.system is not allowed",
    ),
    (
        "python name tag",
        HEAD + "x: !!python/name:os.system\n",
        "t.yaml:7:4",
        "YAML tag !!python/name:os.system is not allowed",
    ),
    ("not a mapping", "- a\n- b\n", "t.yaml", "a scenario is a YAML mapping"),
    ("empty", "", "t.yaml", "got an empty document"),
]


@pytest.mark.parametrize("text, field, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_gives_one_line_naming_the_field(text: str, field: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, source="t.yaml")
    first = e.value.problems[0]
    assert first.field == field
    assert message in first.message
    assert str(e.value).startswith(f"{field}: ")
    for line in e.value.lines():
        assert "\n" not in line


def test_several_field_problems_are_all_reported() -> None:
    text = HEAD + "  c: {lat_deg: 95, lon_deg: 200}\nseed: -1\n"
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text)
    assert e.value.lines() == [
        "seed: -1 must be >= 0",
        "places.c.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)",
        (
            "places.c.lon_deg: longitude 200 is outside -180..180 (degrees, east positive, west negative); "
            "for 200°E write -160"
        ),
    ]
    assert str(e.value).endswith("(and 2 more problems)")
    assert isinstance(e.value, InputError)


def test_python_tag_is_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = HEAD + f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ScenarioError):
        parse_scenario(text)
    assert not marker.exists()


def test_huge_values_are_not_echoed() -> None:
    text = HEAD + "name: [" + ", ".join(["x"] * 10_000) + "]\n"
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text.replace("name: test\n", ""))
    assert str(e.value) == "name: a list of 10000 items should be a valid string"


# ---- the bundled scenario ------------------------------------------------------------------------


def test_bundled_flight_demo() -> None:
    assert "flight-demo" in bundled_names()
    s = bundled_scenario("flight-demo")
    assert s.version == 1 and s.earth == "wgs84" and s.seed == 1
    assert s.epoch == dt.datetime(2008, 3, 1, 12, tzinfo=dt.UTC)
    # REFERENCES.md coordinates.
    assert s.places["semnan"] == GeoPoint(lat_deg=35.23, lon_deg=53.92)
    assert s.places["washington"] == GeoPoint(lat_deg=38.90, lon_deg=-77.04)
    (l1, l2) = s.launches
    assert (l1.id, l1.missile, l1.from_, l1.to) == ("L1", "notional-irbm", "semnan", "warsaw")
    assert (l2.id, l2.from_, l2.to) == ("L2", "semnan", "washington")
    assert s.vehicle(l1.missile).range_class == "IRBM"
    assert s.vehicle(l2.missile).range_class == "ICBM"
    assert s.vehicle(l2.missile) is s.missiles[0]
    assert bundled_scenario("flight-demo.yaml") == s


def test_unknown_bundled_name() -> None:
    with pytest.raises(ScenarioError, match="no bundled scenario 'nope'; bundled: engagement-demo, europe-2008, europe-2008-russia, flight-demo"):
        bundled_scenario("nope")


# ---- loading from files and text -----------------------------------------------------------------


def test_load_from_path_text_and_open(tmp_path: Path) -> None:
    text = launch()
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    a, b, c = load_scenario(p), load_scenario(str(p)), load_scenario(text)
    assert a == b == c == open_scenario(str(p))
    assert open_scenario("flight-demo") == bundled_scenario("flight-demo")


def test_file_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path / "missing.yaml")
    assert str(e.value) == f"scenario: no such file: '{tmp_path / 'missing.yaml'}'"
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: \xe9\n")
    with pytest.raises(ScenarioError, match="is not UTF-8 text"):
        load_scenario(bad)
    big = tmp_path / "big.yaml"
    big.write_text(launch(), encoding="utf-8")
    monkeypatch.setattr(load_mod, "MAX_FILE_BYTES", 100)
    with pytest.raises(ScenarioError, match="is larger than 100 bytes"):
        load_scenario(big)
    with pytest.raises(ScenarioError, match="no file 'nope.yaml' and no bundled scenario of that name"):
        open_scenario("nope.yaml")


def test_yaml_error_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("version: 1\nname: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    assert e.value.field == f"{p}:3:1"


# ---- semantics -----------------------------------------------------------------------------------


def test_epoch_is_converted_to_utc() -> None:
    s = parse_scenario(HEAD.replace("2008-03-01T12:00:00Z", "2008-03-01T14:00:00+02:00"))
    assert s.epoch == dt.datetime(2008, 3, 1, 12, tzinfo=dt.UTC)
    assert s.epoch.utcoffset() == dt.timedelta(0)


def test_earth_names_match_the_earth_models() -> None:
    assert set(EARTH_NAMES) == set(typing.get_args(EarthName)) == set(MODELS)
    assert parse_scenario(HEAD + "earth: textbook\n").earth_model is MODELS["textbook"]


def test_inline_points_lofted_and_defaults() -> None:
    s = parse_scenario(
        launch(
            to="{lat_deg: -33.9, lon_deg: 151.2, alt_m: 50}",
            trajectory="{shape: lofted, apogee_km: 1500}",
            time_s="30",
        )
    )
    (lnch,) = s.launches
    assert s.point(lnch.to) == GeoPoint(lat_deg=-33.9, lon_deg=151.2, alt_m=50)
    assert s.point(lnch.from_) is s.places["a"]
    assert (lnch.trajectory.shape, lnch.trajectory.apogee_km, lnch.time_s) == ("lofted", 1500, 30)
    assert s.seed == 0 and s.earth == "wgs84" and s.missiles == [] and s.sensors == []
    assert parse_scenario(launch()).launches[0].trajectory.shape == "minimum-energy"


def test_inline_missile_is_added() -> None:
    s = parse_scenario(inline_missile(f"[{STAGE}]") + "launches:\n  - {id: L1, missile: m, from: a, to: b}\n")
    assert s.vehicle("m").kind == "missile"
    assert s.vehicle("notional-icbm").name == "notional-icbm"


def test_scenario_can_be_built_in_python() -> None:
    s = Scenario(
        version=1,
        name="x",
        epoch="2008-01-01T00:00:00Z",
        launches=[
            {
                "id": "L",
                "missile": "notional-srbm",
                "from": {"lat_deg": 1, "lon_deg": 2},
                "to": {"lat_deg": 2, "lon_deg": 3},
            }
        ],
    )
    assert s.launches[0].from_ == GeoPoint(lat_deg=1, lon_deg=2)
    assert Scenario.model_validate(s.model_dump(by_alias=True)) == s


@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_any_valid_point_is_accepted(lat: float, lon: float) -> None:
    p = GeoPoint(lat_deg=lat, lon_deg=lon)
    assert (p.lat_deg, p.lon_deg) == (lat, lon)


@given(lat=st.one_of(st.floats(90.0001, 1e6), st.floats(-1e6, -90.0001)))
def test_any_latitude_outside_is_refused_with_its_value(lat: float) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(HEAD + f"  c: {{lat_deg: {lat!r}, lon_deg: 0}}\n")
    assert e.value.field == "places.c.lat_deg"
    assert f"latitude {lat:g} is outside -90..90" in e.value.message


def test_lookups_of_unknown_names_raise_input_errors() -> None:
    s = parse_scenario(launch())
    with pytest.raises(InputError, match="place: unknown place 'zz'; known: a, b"):
        s.point("zz")
    with pytest.raises(InputError, match="missile: unknown missile 'zz'"):
        s.vehicle("zz")


def test_path_with_nul_byte_is_one_line() -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario("bad\0name.yaml")
    with pytest.raises(ScenarioError, match="no bundled scenario of that name"):
        open_scenario("bad\0name.yaml")
