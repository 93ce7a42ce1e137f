"""``jointshield catalogue``: the table and the JSON list."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jointshield.cli import catalogue_cmd, validate_cmd
from jointshield.cli.main import app
from jointshield.flight.catalogue import load_catalogue
from jointshield.sensors.catalogue import load_radar_catalogue

REGISTERED = (catalogue_cmd, validate_cmd)  # imported to add their commands to `app`
runner = CliRunner()


def test_catalogue_json_lists_every_type_with_sources() -> None:
    result = runner.invoke(app, ["catalogue", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    cat = load_catalogue()
    radars = load_radar_catalogue()
    assert [d["name"] for d in data] == list(cat) + list(radars)
    for d in data:
        if d["kind"] == "radar":
            continue
        v = cat[d["name"]]
        assert d["kind"] == v.kind
        assert set(d["sources"]) >= {"stages", "payload_kg", "drag", "reference_area_m2"}
        assert all(isinstance(t, str) and t for t in d["sources"].values())
        assert d["ideal_delta_v_m_s"] == pytest.approx(v.ideal_delta_v_m_s)
        assert d["launch_mass_kg"] == pytest.approx(v.launch_mass_kg)
        assert d["range_class"] == v.range_class
    icbm = next(d for d in data if d["name"] == "notional-icbm")
    assert icbm["range_class"] == "ICBM" and icbm["nominal_range_km"] == 10000
    assert [s["gross_mass_kg"] for s in icbm["stages"]] == [23230, 7270, 3710]
    assert icbm["rcs_m2"] == 0.01 and "rcs_m2" in icbm["sources"]


def test_catalogue_json_lists_radars_with_their_figures_and_sources() -> None:
    result = runner.invoke(app, ["catalogue", "--kind", "radar", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["name"] for d in data] == ["notional-xband-tracking", "notional-uhf-early-warning"]
    xb, ew = data
    assert all(d["kind"] == "radar" for d in data)
    assert (xb["az_half_width_deg"], xb["detection_range_km"], xb["reference_rcs_m2"]) == (25, 2000, 0.01)
    assert (xb["sigma_range_m"], xb["sigma_az_mrad"], xb["revisit_s"]) == (10, 0.12, 1)
    assert (ew["az_half_width_deg"], ew["el_limits_deg"], ew["sigma_az_mrad"]) == (120, [3, 85], 1.2)
    assert xb["snr_ref_db"] == pytest.approx(21.14, abs=0.01)
    for d in data:
        assert set(d["sources"]) >= {"detection_range_km", "sigma_range_m", "az_half_width_deg", "revisit_s"}
        assert all(isinstance(t, str) and t for t in d["sources"].values())


@pytest.mark.parametrize("kind", ["missile", "interceptor", "radar"])
def test_catalogue_kind_filter(kind: str) -> None:
    result = runner.invoke(app, ["catalogue", "--kind", kind, "--json"])
    assert result.exit_code == 0
    names = [d["name"] for d in json.loads(result.stdout)]
    expected = list(load_radar_catalogue()) if kind == "radar" else [
        n for n, v in load_catalogue().items() if v.kind == kind
    ]
    assert names == expected
    assert names


def test_catalogue_table_shows_all_types_and_numbered_sources() -> None:
    result = runner.invoke(app, ["catalogue"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for name in load_catalogue():
        assert name in result.stdout
    for name in load_radar_catalogue():
        assert name in result.stdout
    assert "missiles" in result.stdout and "interceptors" in result.stdout and "radars" in result.stdout
    assert "2,000" in result.stdout and "0.12/0.12" in result.stdout  # X band: detection km, σ angles
    assert "8.76" in result.stdout  # notional-icbm ideal Δv, km/s
    assert "10,000" in result.stdout and "ICBM" in result.stdout
    assert "  1. L. M. Arthur and A. M. Decker, pytrajlib" in result.stdout
    assert "Forden" in result.stdout


def test_catalogue_bad_kind_is_a_usage_error() -> None:
    result = runner.invoke(app, ["catalogue", "--kind", "bomber"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_catalogue_help_has_examples() -> None:
    result = runner.invoke(app, ["catalogue", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "jointshield catalogue --kind interceptor" in result.stdout
    assert "jointshield catalogue --kind radar" in result.stdout
    assert "jointshield catalogue --json" in result.stdout
