"""``jointshield validate``: a short summary and exit 0, or one line per problem and exit 2, never a traceback."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import jointshield
from jointshield.cli import catalogue_cmd, validate_cmd
from jointshield.cli import main as cli_main
from jointshield.cli.main import app
from jointshield.scenario import bundled_names

REGISTERED = (catalogue_cmd, validate_cmd)  # imported to add their commands to `app`
runner = CliRunner()

HEAD = """\
version: 1
name: test
epoch: 2008-03-01T12:00:00Z
places:
  a: {lat_deg: 10, lon_deg: 20}
  b: {lat_deg: 11, lon_deg: 21}
"""
STAGE = "{gross_mass_kg: 100, propellant_mass_kg: %s, isp_s: 200, burn_time_s: 10, diameter_m: 1}"
GOOD_LAUNCH = "  - {id: L1, missile: notional-srbm, from: a, to: b}\n"


def missile_with(*propellants: str) -> str:
    stages = ", ".join(STAGE % p for p in propellants)
    return (
        HEAD + f"missiles:\n  - {{name: m, stages: [{stages}], payload_kg: 10, reentry_beta_kg_m2: 1000}}\n"
    )


# (case id, file text, expected line on stderr (prefix), value text that must appear)
BAD = [
    (
        "lat 95",
        HEAD + "launches:\n  - {id: L1, missile: notional-srbm, from: {lat_deg: 95, lon_deg: 3}, to: b}\n",
        "error: launches[0].from.lat_deg: latitude 95 is outside -90..90",
        "95",
    ),
    (
        "lon 200",
        HEAD + "  c: {lat_deg: 1, lon_deg: 200}\n",
        "error: places.c.lon_deg: longitude 200 is outside -180..180",
        "200",
    ),
    (
        "negative mass",
        missile_with("50", "-3"),
        "error: missiles[0].stages[1].propellant_mass_kg: -3 must be > 0",
        "-3",
    ),
    (
        "propellant >= gross",
        missile_with("120"),
        "error: missiles[0].stages[0].propellant_mass_kg: 120 must be < gross_mass_kg (100)",
        "120",
    ),
    (
        "unknown missile",
        HEAD + "launches:\n  - {id: L1, missile: notional-xyz, from: a, to: b}\n",
        "error: launches[0].missile: unknown missile 'notional-xyz'; known: notional-srbm",
        "notional-xyz",
    ),
    (
        "unknown place",
        HEAD + "launches:\n  - {id: L1, missile: notional-srbm, from: tehran, to: b}\n",
        "error: launches[0].from: unknown place 'tehran'; known: a, b",
        "tehran",
    ),
    (
        "duplicate launch id",
        HEAD + "launches:\n" + GOOD_LAUNCH + GOOD_LAUNCH,
        "error: launches[1].id: duplicate id 'L1' (first used by launches[0])",
        "L1",
    ),
    (
        "lofted without apogee",
        HEAD
        + "launches:\n  - {id: L1, missile: notional-srbm, from: a, to: b, trajectory: {shape: lofted}}\n",
        "error: launches[0].trajectory: shape lofted needs exactly one of apogee_km or burnout_angle_deg",
        "lofted",
    ),
    (
        "sensor site lat 95",
        HEAD + "sensors:\n  - {id: R, type: notional-uhf-early-warning, site: {lat_deg: 95, lon_deg: 3},"
        " boresight_az_deg: 0}\n",
        "error: sensors[0].site.lat_deg: latitude 95 is outside -90..90",
        "95",
    ),
    (
        "unknown radar type",
        HEAD + "sensors:\n  - {id: R, type: notional-gbr, site: a}\n",
        ("error: sensors[0].type: unknown radar type 'notional-gbr'; known: notional-xband-tracking, "
        "notional-uhf-early-warning"),
        "notional-gbr",
    ),
    (
        "negative revisit",
        HEAD + "sensors:\n  - {id: R, site: a, type: {az_half_width_deg: 180, boresight_el_deg: 45, "
        "el_half_width_deg: 45, instrumented_range_km: 3000, detection_range_km: 1000, reference_rcs_m2: 1, "
        "reference_pd: 0.8, revisit_s: -2, sigma_range_m: 100, sigma_az_mrad: 3, sigma_el_mrad: 3}}\n",
        "error: sensors[0].type.revisit_s: -2 must be > 0",
        "-2",
    ),
    (
        "radar without boresight",
        HEAD + "sensors:\n  - {id: R, type: notional-xband-tracking, site: a}\n",
        "error: sensors[0].boresight_az_deg: required: radar type notional-xband-tracking sees only ±25°",
        "±25°",
    ),
    ("YAML syntax error", HEAD + "launches: [\n", "error: {file}:8:1: YAML syntax error", ":8:1"),
    (
        "python object tag",
        HEAD + "x: !!python/object:os.system {}\n",
        "error: {file}:7:4: YAML tag !!python/object:os.system is not allowed",
        "python/object",
    ),
]


@pytest.mark.parametrize("text, line, value", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_validate_bad_file(tmp_path: Path, text: str, line: str, value: str) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(line.format(file=path)), lines
    assert value in lines[0]
    assert all(ln.startswith("error: ") for ln in lines)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_prints_every_field_problem(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(HEAD + "  c: {lat_deg: 95, lon_deg: 0}\nseed: -1\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: seed: -1 must be >= 0",
        "error: places.c.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)",
    ]


def test_validate_bundled_scenario() -> None:
    result = runner.invoke(app, ["validate", "flight-demo"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "ok: flight-demo: 'flight demo'"
    assert "  epoch 2008-03-01T12:00:00Z, earth wgs84, seed 1" in out
    assert "  places (5): semnan, warsaw, washington, redzikowo, brdy" in out
    assert "    L1: notional-irbm from semnan to warsaw at t=0 s, minimum-energy" in out
    assert "  launches (2):" in out


def test_validate_file_summary_shows_inline_points(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        HEAD + "launches:\n  - {id: X, missile: notional-srbm, from: a, to: {lat_deg: 12.5, lon_deg: -3},"
        " trajectory: {shape: depressed, burnout_angle_deg: 15}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "    X: notional-srbm from a to (12.5, -3) at t=0 s, depressed, burnout angle 15°" in result.stdout


def test_validate_summary_lists_sensors_and_rcs(tmp_path: Path) -> None:
    path = tmp_path / "radars.yaml"
    path.write_text(
        HEAD
        + "launches:\n  - {id: L1, missile: notional-srbm, from: a, to: b, rcs_m2: 0.2}\n"
        + "sensors:\n  - {id: xb, type: notional-xband-tracking, site: a, boresight_az_deg: 45}\n"
        + "  - {id: ew, type: notional-uhf-early-warning, site: {lat_deg: 54.36, lon_deg: -0.67},"
        " boresight_az_deg: 110}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert "    L1: notional-srbm from a to b at t=0 s, minimum-energy, rcs 0.2 m²" in out
    assert "  sensors (2):" in out
    assert "    xb: notional-xband-tracking at a, facing 45°" in out
    assert "    ew: notional-uhf-early-warning at (54.36, -0.67), facing 110°" in out


def test_validate_missing_file_is_one_line() -> None:
    result = runner.invoke(app, ["validate", "no/such/file.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: scenario: no file 'no/such/file.yaml' and no bundled scenario of that name; "
        f"bundled: {', '.join(bundled_names())}\n"
    )


def test_validate_help_teaches() -> None:
    result = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "jointshield validate flight-demo" in result.stdout
    assert "launches[2].from.lat_deg: latitude 95 is outside -90..90" in result.stdout
    assert "Bundled scenarios: engagement-demo" in result.stdout


def _register_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use main()'s own registration; until fly_cmd exists on this branch, register ours only."""
    if importlib.util.find_spec("jointshield.cli.fly_cmd") is None:
        monkeypatch.setattr(cli_main, "_register", lambda: None)
    else:
        cli_main._register()


def test_main_entry_point_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _register_commands(monkeypatch)
    assert cli_main.main(["validate", "flight-demo"]) == 0
    assert capsys.readouterr().out.startswith("ok: flight-demo")
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "seed: -1\n", encoding="utf-8")
    assert cli_main.main(["validate", str(bad)]) == 2
    assert capsys.readouterr().err == "error: seed: -1 must be >= 0\n"


def test_validate_in_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        HEAD + "launches:\n  - {id: L1, missile: notional-srbm, from: a, to: {lat_deg: 95, lon_deg: 0}}\n",
        encoding="utf-8",
    )
    src = str(Path(jointshield.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = (
        "import jointshield.cli.catalogue_cmd, jointshield.cli.validate_cmd\n"
        "from jointshield.cli.main import app\n"
        "app(prog_name='jointshield')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "validate", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert (
        proc.stderr
        == "error: launches[0].to.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)\n"
    )
