"""The `fly` and `demo` commands: the scripted interface (JSON keys and values) and one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest

from jointshield.cli.main import main
from jointshield.earth.models import TEXTBOOK
from jointshield.flight import ballistics as b


def run_cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_fly_burnout_state_json_matches_closed_form(capsys):
    code, out, err = run_cli(["fly", "--speed-km-s", "7.2", "--angle-deg", "22.5", "--earth", "textbook", "--json"],
                             capsys)
    assert code == 0, err
    d = json.loads(out)
    arc = b.kepler_arc(TEXTBOOK.a_m, 7200.0, np.deg2rad(22.5), TEXTBOOK.a_m, TEXTBOOK.mu_m3_s2)
    assert d["range_km"] == pytest.approx(arc.range_angle_rad * TEXTBOOK.a_m / 1e3, abs=1e-3)
    assert d["flight_time_s"] == pytest.approx(arc.time_of_flight_s, abs=1e-3)
    assert d["apogee_km"] == pytest.approx((arc.apogee_radius_m - TEXTBOOK.a_m) / 1e3, abs=1e-3)
    assert d["impact_lat_deg"] == pytest.approx(0.0, abs=1e-9)
    assert d["impact_lon_deg"] == pytest.approx(np.rad2deg(arc.range_angle_rad), abs=1e-6)
    # Energy conservation without drag: reentry speed from the vis-viva equation at 100 km.
    v_re = np.sqrt(7200.0**2 + 2 * TEXTBOOK.mu_m3_s2 * (1 / (TEXTBOOK.a_m + 100e3) - 1 / TEXTBOOK.a_m))
    assert d["reentry_speed_m_s"] == pytest.approx(v_re, abs=1e-3)


def test_fly_missile_json_csv_and_plot(capsys, tmp_path):
    csv_path, png = tmp_path / "f.csv", tmp_path / "f.png"
    code, out, err = run_cli(["fly", "--missile", "notional-irbm", "--from", "35.23,53.92", "--to", "52.23,21.01",
                              "--json", "--csv", str(csv_path), "--plot", str(png)], capsys)
    assert code == 0, err
    d = json.loads(out)
    for key in ("range_km", "flight_time_s", "apogee_km", "impact_lat_deg", "impact_lon_deg", "reentry_speed_m_s",
                "burnout_speed_m_s", "burnout_time_s", "miss_km"):
        assert d[key] is not None, key
    assert d["miss_km"] < 1.0
    assert d["impact_lat_deg"] == pytest.approx(52.23, abs=0.01)
    assert 2_900 < d["range_km"] < 3_500
    assert d["burnout_time_s"] == pytest.approx(d["cutoff_s"], abs=1e-9)
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("t_s,lat_deg,lon_deg,alt_km")
    last = rows[-1].split(",")
    assert float(last[0]) == pytest.approx(d["flight_time_s"], abs=1e-6)
    assert float(last[3]) == pytest.approx(0.0, abs=1e-3)
    assert png.stat().st_size > 50_000


def test_lofted_flight_reaches_the_requested_apogee(capsys):
    code, out, err = run_cli(["fly", "--missile", "notional-irbm", "--from", "35.23,53.92", "--to", "52.23,21.01",
                              "--apogee-km", "1200", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["shape"] == "lofted" and d["apogee_km"] == pytest.approx(1200, abs=5) and d["miss_km"] < 1


@pytest.mark.parametrize("args,field,words", [
    (["--speed-km-s", "7", "--angle-deg", "20", "--from", "95,10"], "--from", "latitude 95 is outside -90..90"),
    (["--speed-km-s", "12", "--angle-deg", "20"], "--speed-km-s", "escape speed"),
    (["--speed-km-s", "-1", "--angle-deg", "20"], "--speed-km-s", "-1 is outside"),
    (["--speed-km-s", "7", "--angle-deg", "120"], "--angle-deg", "120 is outside -90..90"),
    (["--speed-km-s", "7", "--angle-deg", "20", "--earth", "flat"], "--earth", "'flat' is not one of"),
    (["--missile", "notional-bomber", "--from", "35,53", "--to", "52,21"], "missile", "unknown missile"),
    (["--missile", "notional-srbm", "--from", "35.23,53.92", "--to", "38.90,-77.04"], "--to", "beyond the reach"),
    (["--missile", "notional-irbm", "--from", "35,53"], "--to", "needs --from"),
])
def test_bad_input_is_one_line_exit_2(args, field, words, capsys):
    code, out, err = run_cli(["fly", *args], capsys)
    assert code == 2
    assert field in err and words in err, err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_usage_error_and_help_through_the_installed_script():
    # The console script, as a user runs it: a usage error is click's message and exit 2, no traceback.
    p = subprocess.run([sys.executable, "-m", "jointshield", "fly", "--no-such-option"],
                       capture_output=True, text=True, check=False)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "No such option" in p.stderr
    h = subprocess.run([sys.executable, "-m", "jointshield", "fly", "--help"], capture_output=True,
                       text=True, check=False)
    assert h.returncode == 0 and "--speed-km-s" in h.stdout and "jointshield fly --missile" in h.stdout


def test_demo_writes_results_and_keeps_earlier_ones_on_failure(capsys, tmp_path):
    code, out, err = run_cli(["demo", "flight-demo", "--out", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert [r["id"] for r in doc["launches"]] == ["L1", "L2"]
    assert all(r["miss_km"] < 1.0 for r in doc["launches"])
    summary = tmp_path / "flight-demo" / "summary.json"
    before = summary.read_bytes()
    bad = tmp_path / "bad.yaml"
    bad.write_text(summary.read_text().replace("{", "{{"))  # not a scenario
    code, out, err = run_cli(["demo", str(bad), "--out", str(tmp_path)], capsys)
    assert code == 2 and "Traceback" not in err
    assert summary.read_bytes() == before
