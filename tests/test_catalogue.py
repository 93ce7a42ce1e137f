"""The vehicle model and the catalogue of notional types: figures, sources, sizing, validation."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pydantic import ValidationError

from jointshield.errors import InputError
from jointshield.flight.catalogue import get_vehicle, load_catalogue, vehicle_names
from jointshield.flight.vehicles import (
    DEFAULT_DRAG,
    FIGURE_FIELDS,
    DragCurve,
    Stage,
    Vehicle,
    range_class,
)

G0 = 9.80665
MU = 3.986004418e14  # m³/s², WGS-84 GM
R = 6371e3  # m, spherical Earth of REFERENCES.md's minimum-energy relation

EXPECTED = {
    # name: (kind, number of stages, range class)
    "notional-srbm": ("missile", 1, "SRBM"),
    "notional-mrbm": ("missile", 1, "MRBM"),
    "notional-irbm": ("missile", 2, "IRBM"),
    "notional-icbm": ("missile", 3, "ICBM"),
    "notional-interceptor-3kms": ("interceptor", 2, None),
    "notional-interceptor-4p5kms": ("interceptor", 2, None),
    "notional-interceptor-7kms": ("interceptor", 3, None),
    "notional-interceptor-two-stage": ("interceptor", 2, None),
}


def min_energy_speed_m_s(range_km: float) -> float:
    """Minimum-energy burnout speed, spherical non-rotating Earth (REFERENCES.md, Ballistics)."""
    s = math.sin(range_km * 1e3 / R / 2.0)
    return math.sqrt(MU / R * 2.0 * s / (1.0 + s))


def stage(**kw: float) -> dict[str, float]:
    d = {
        "gross_mass_kg": 1000.0,
        "propellant_mass_kg": 800.0,
        "isp_s": 250.0,
        "burn_time_s": 50.0,
        "diameter_m": 1.0,
    }
    d.update(kw)
    return d


def missile(**kw: object) -> dict[str, object]:
    d: dict[str, object] = {
        "kind": "missile",
        "name": "test-missile",
        "stages": [stage()],
        "payload_kg": 100.0,
        "reentry_beta_kg_m2": 5000.0,
    }
    d.update(kw)
    return d


# ---- the catalogue -------------------------------------------------------------------------------


def test_catalogue_has_the_expected_types() -> None:
    cat = load_catalogue()
    assert set(cat) == set(EXPECTED)
    for name, (kind, n_stages, cls) in EXPECTED.items():
        v = cat[name]
        assert (v.kind, len(v.stages), v.range_class) == (kind, n_stages, cls), name
    assert vehicle_names("interceptor") == [n for n, e in EXPECTED.items() if e[0] == "interceptor"]


def test_load_catalogue_returns_a_copy() -> None:
    cat = load_catalogue()
    cat.pop("notional-icbm")
    assert "notional-icbm" in load_catalogue()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_figure_given_has_a_source(name: str) -> None:
    v = load_catalogue()[name]
    assert v.uncited_figures() == []
    given = {f for f in FIGURE_FIELDS if f in v.model_fields_set and getattr(v, f) is not None}
    assert given <= set(v.sources)
    # Every figure the vehicle has (given or defaulted) has a citation.
    assert {f for f in FIGURE_FIELDS if getattr(v, f) is not None} <= set(v.citations())
    for field, text in v.sources.items():
        # An open source has a year; an engineering estimate says what it is derived from.
        assert re.search(r"\b(19|20)\d\d\b", text), (field, text)
        if "estimate" in text.split(":")[0]:
            assert text.startswith("estimate: derived"), (field, text)
    assert v.description


def test_names_are_generic() -> None:
    for name in load_catalogue():
        assert name.startswith("notional-")


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[0] == "missile"])
def test_missile_delta_v_exceeds_the_needed_burnout_speed_by_plausible_losses(name: str) -> None:
    # Gravity and drag losses of ballistic missiles: ≈0.5 km/s (60 s single stage) to ≈1.5 km/s (ICBM).
    v = load_catalogue()[name]
    losses = v.ideal_delta_v_m_s - min_energy_speed_m_s(v.nominal_range_km)
    assert 400.0 <= losses <= 1800.0, (name, losses)


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[0] == "interceptor"])
def test_interceptor_delta_v_exceeds_burnout_speed_by_plausible_losses(name: str) -> None:
    v = load_catalogue()[name]
    losses = v.ideal_delta_v_m_s - v.nominal_burnout_speed_km_s * 1e3
    assert 500.0 <= losses <= 1500.0, (name, losses)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_lifts_off(name: str) -> None:
    v = load_catalogue()[name]
    assert v.stages[0].thrust_n / (v.launch_mass_kg * G0) > 1.2


def test_min_energy_reference_value() -> None:
    # REFERENCES.md: "A 10,000 km minimum-energy shot needs about 7.2 km/s".
    assert min_energy_speed_m_s(10_000) == pytest.approx(7200, abs=30)


def test_icbm_figures_match_references() -> None:
    v = get_vehicle("notional-icbm", "missile")
    assert [(s.gross_mass_kg, s.propellant_mass_kg, s.isp_s, s.burn_time_s) for s in v.stages] == [
        (23230, 20780, 267, 61),
        (7270, 6240, 287, 66),
        (3710, 3306, 285, 61),
    ]
    assert v.reference_area_m2 == 2.27
    assert v.payload_kg == 550
    assert v.launch_mass_kg == 23230 + 7270 + 3710 + 550
    # REFERENCES.md: "Ideal Δv with a 550 kg payload ≈ 8.8 km/s". Hand computation, stage by stage:
    m = [34760.0, 11530.0, 4260.0]
    hand = sum(
        isp * G0 * math.log(m0 / (m0 - p)) for m0, p, isp in zip(m, (20780, 6240, 3306), (267, 287, 285))
    )
    assert v.ideal_delta_v_m_s == pytest.approx(hand, rel=1e-12)
    assert v.ideal_delta_v_m_s == pytest.approx(8760, abs=10)


def test_srbm_single_stage_tsiolkovsky() -> None:
    v = get_vehicle("notional-srbm")
    assert v.ideal_delta_v_m_s == pytest.approx(226 * G0 * math.log(5860 / (5860 - 3645.6)), rel=1e-12)
    assert v.reference_area_m2 == pytest.approx(math.pi * 0.44**2)  # default: from the 0.88 m diameter
    assert v.vertical_rise_s == 3
    assert get_vehicle("notional-mrbm").vertical_rise_s == 10  # default for missiles
    assert get_vehicle("notional-interceptor-3kms").vertical_rise_s == 3  # default for interceptors


def test_stage_arrays_for_kernels() -> None:
    v = get_vehicle("notional-icbm")
    a = v.stage_arrays()
    for arr in a:
        assert arr.dtype == np.float64 and arr.shape == (3,)
    np.testing.assert_allclose(a.initial_mass_kg, [34760, 11530, 4260])
    np.testing.assert_allclose(a.dry_mass_kg, [2450, 1030, 404])
    np.testing.assert_allclose(a.mass_flow_kg_s, [20780 / 61, 6240 / 66, 3306 / 61])
    np.testing.assert_allclose(a.thrust_n, np.array([267, 287, 285]) * G0 * a.mass_flow_kg_s)
    # Burnout of stage i minus its dry mass is the ignition mass of stage i+1, then the payload.
    after = a.initial_mass_kg - a.mass_flow_kg_s * a.burn_time_s - a.dry_mass_kg
    np.testing.assert_allclose(after, [11530, 4260, 550])


def test_get_vehicle_errors_name_the_field_and_the_known_names() -> None:
    with pytest.raises(InputError) as e:
        get_vehicle("notional-zzz", "missile")
    assert str(e.value) == (
        "missile: unknown missile 'notional-zzz'; known: notional-srbm, notional-mrbm, notional-irbm, "
        "notional-icbm"
    )
    with pytest.raises(InputError) as e:
        get_vehicle("notional-icbm", "interceptor")
    assert e.value.field == "interceptor"
    assert "'notional-icbm' is a missile, not an interceptor" in e.value.message


# ---- range classes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "range_km, cls",
    [
        (300, "SRBM"),
        (999.9, "SRBM"),
        (1000, "MRBM"),
        (2999, "MRBM"),
        (3000, "IRBM"),
        (5500, "IRBM"),
        (5500.1, "ICBM"),
        (10000, "ICBM"),
    ],
)
def test_range_class_bands(range_km: float, cls: str) -> None:
    assert range_class(range_km) == cls


def test_range_class_rejects_non_positive() -> None:
    with pytest.raises(ValueError, match="must be > 0"):
        range_class(0)


# ---- the models' validation ----------------------------------------------------------------------


def test_stage_derived_figures() -> None:
    s = Stage(**stage(gross_mass_kg=1000, propellant_mass_kg=800, isp_s=250, burn_time_s=40))
    assert s.mass_flow_kg_s == 20
    assert s.thrust_n == pytest.approx(250 * G0 * 20)
    assert s.dry_mass_kg == 200


@pytest.mark.parametrize(
    "kw, field, text",
    [
        ({"propellant_mass_kg": 1000}, "propellant_mass_kg", "1000 must be < gross_mass_kg (1000)"),
        ({"propellant_mass_kg": 1500}, "propellant_mass_kg", "1500 must be < gross_mass_kg"),
        ({"gross_mass_kg": -5}, "gross_mass_kg", "greater than 0"),
        ({"isp_s": 0}, "isp_s", "greater than 0"),
        ({"burn_time_s": float("inf")}, "burn_time_s", "finite"),
        ({"diameter_m": 1, "thrust_n": 5}, "thrust_n", "Extra inputs"),
    ],
)
def test_stage_rejects(kw: dict[str, float], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as e:
        Stage(**stage(**kw))
    errs = e.value.errors()
    assert any(err["loc"] == (field,) and text in err["msg"] for err in errs), errs


def test_drag_curve_interpolates_and_holds_the_ends() -> None:
    d = DEFAULT_DRAG  # Forden 2007: 0, 0.85, 1.0, 1.2, 2.0, 4.5 -> 0.20, 0.20, 0.27, 0.27, 0.20, 0.20
    assert d.cd_at(0.5) == pytest.approx(0.20)
    assert d.cd_at(0.925) == pytest.approx(0.235)
    assert d.cd_at(1.6) == pytest.approx(0.235)
    assert d.cd_at(20.0) == pytest.approx(0.20)
    np.testing.assert_allclose(d.cd_at(np.array([1.0, 1.1, 3.25])), [0.27, 0.27, 0.20])
    mach, cd = d.arrays()
    assert mach.dtype == np.float64 and cd.shape == (6,)


@pytest.mark.parametrize(
    "mach, cd, text",
    [
        ([0, 1, 1], [0.2, 0.3, 0.3], "strictly increasing; 1 (item 2) follows 1"),
        ([-0.5, 1], [0.2, 0.3], "-0.5 must be >= 0"),
        ([0, 1, 2], [0.2, 0.3], "has 2 values but mach has 3"),
        ([0, 1], [0.2, -0.1], "-0.1 (item 1) must be >= 0"),
        ([0], [0.2], "at least 2"),
    ],
)
def test_drag_curve_rejects(mach: list[float], cd: list[float], text: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(text)):
        DragCurve(mach=mach, cd=cd)


@pytest.mark.parametrize(
    "kw, field, text",
    [
        ({"reentry_beta_kg_m2": None}, "reentry_beta_kg_m2", "a missile needs reentry_beta_kg_m2"),
        ({"nominal_burnout_speed_km_s": 5.0}, "nominal_burnout_speed_km_s", "for interceptors"),
        ({"stages": [stage()] * 5}, "stages", "at most 4"),
        ({"stages": []}, "stages", "at least 1"),
        ({"name": "Notional IRBM"}, "name", "lower-case letters, digits and hyphens"),
        ({"sources": {"isp": "x 2001"}}, "sources", "key 'isp' is not a figure field"),
        ({"kind": "bomber"}, "kind", "'missile' or 'interceptor'"),
        ({"payload_kg": 0}, "payload_kg", "greater than 0"),
    ],
)
def test_vehicle_rejects(kw: dict[str, object], field: str, text: str) -> None:
    with pytest.raises(ValidationError) as e:
        Vehicle.model_validate(missile(**kw))
    errs = e.value.errors()
    assert any(err["loc"][0] == field and text in err["msg"] for err in errs), errs


def test_interceptor_needs_no_beta_and_refuses_a_range() -> None:
    v = Vehicle.model_validate(missile(kind="interceptor", reentry_beta_kg_m2=None))
    assert v.reentry_beta_kg_m2 is None and v.vertical_rise_s == 3
    with pytest.raises(ValidationError, match="an interceptor has no nominal range"):
        Vehicle.model_validate(missile(kind="interceptor", nominal_range_km=100))


def test_vehicle_round_trips_through_its_dump() -> None:
    for v in load_catalogue().values():
        assert Vehicle.model_validate(v.model_dump()) == v


def test_vehicle_is_frozen() -> None:
    v = get_vehicle("notional-srbm")
    with pytest.raises(ValidationError):
        v.payload_kg = 1.0  # type: ignore[misc]


def test_catalogue_entries_are_checked_on_loading(monkeypatch):
    """A duplicate name or a figure without a source in the bundled data is a packaging bug, refused."""
    import jointshield.flight.catalogue as cat
    from jointshield.sensors.radar import RadarType

    radar = {k: v for k, v in cat.catalogue_document()["radars"][0].items()}
    monkeypatch.setattr(cat, "catalogue_document", lambda: {"radars": [radar, radar]})
    with pytest.raises(cat.CatalogueDataError, match=r"radars\[1\]: duplicate name"):
        cat.validated_entries("radars", RadarType)
    uncited = {**radar, "sources": {k: v for k, v in radar["sources"].items() if k != "revisit_s"}}
    monkeypatch.setattr(cat, "catalogue_document", lambda: {"radars": [uncited]})
    with pytest.raises(cat.CatalogueDataError, match="figures without a source: revisit_s"):
        cat.validated_entries("radars", RadarType)
