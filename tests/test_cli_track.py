"""`jointshield track` and the run behind it: truth → radars → tracker on the bundled tracking-demo.

Real values: the tracks' impact predictions land near the true impact points, the range classes the tracks
see are those of the launches, detection precedes the firm track, and the JSON has the scripted keys.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from jointshield.cli.main import main
from jointshield.scenario import open_scenario
from jointshield.sim import run_tracking


@pytest.fixture(scope="module")
def demo_run():
    return run_tracking(open_scenario("tracking-demo"))


def test_every_launch_is_detected_tracked_and_its_impact_predicted(demo_run):
    classes = {"T1": "IRBM", "T2": "IRBM", "T3": "MRBM"}  # 3,240, 2,990 and 1,170 km flights
    assert [lt.id for lt in demo_run.launches] == ["T1", "T2", "T3"]
    for lt in demo_run.launches:
        assert 0 < lt.first_detection_s <= lt.firm_track_s < 300, lt
        # The last firm update predicts the impact within 5 km, and within 4σ of its own ellipse.
        assert lt.impact_error_km[-1] < 5.0, lt
        assert lt.impact_error_km[-1] < 4 * lt.impact_ellipse_km[0] + 0.5, lt
        # The track matures: the last prediction beats the first by a wide margin.
        assert lt.impact_error_km[-1] < 0.2 * lt.impact_error_km[0], lt
        assert lt.range_class_seen == classes[lt.id]
        assert lt.n_firm_tracks >= 1
    m = demo_run.metrics()
    assert m["false_tracks"] == 0 and m["track_swaps"] == 0
    assert 10.0 < m["position_rmse_m"] < 1000.0
    assert 1.0 < m["nees_mean"] < 20.0
    assert m["false_alarms"] > 0  # the radars' false alarms were there and were not tracked


def test_the_run_is_deterministic_for_a_seed(demo_run):
    again = run_tracking(open_scenario("tracking-demo"))
    assert [lt.as_dict() for lt in again.launches] == [lt.as_dict() for lt in demo_run.launches]
    other = run_tracking(open_scenario("tracking-demo"), seed=demo_run.seed + 1)
    assert len(other.measurements) != len(demo_run.measurements) or not np.array_equal(
        other.measurements.range_m, demo_run.measurements.range_m)


def test_track_json_and_files(tmp_path, capsys):
    code = main(["track", "tracking-demo", "--json", "--out", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    d = json.loads(out.out)
    assert {"id", "first_detection_s", "firm_track_s", "impact_error_km_at_firm_track"} <= set(d["launches"][0])
    assert {"position_rmse_m", "velocity_rmse_m_s", "nees_mean", "gospa"} <= set(d["metrics"])
    folder = tmp_path / "tracking-demo"
    for name in ("measurements.csv", "tracks.csv", "summary.json", "coverage.png", "tracks.png",
                 "impact_error.png"):
        assert (folder / name).stat().st_size > 0, name
    with open(folder / "measurements.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == d["metrics"]["measurements"]
    assert sum(r["truth"] == "-1" for r in rows) == d["metrics"]["false_alarms"]
    assert {r["sensor"] for r in rows} == {"ewr-gabala", "xband-brdy"}
    assert json.loads((folder / "summary.json").read_text())["launches"] == d["launches"]


def test_a_scenario_without_radars_is_a_one_line_error(capsys):
    code = main(["track", "flight-demo"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and "sensors" in err and "no radars" in err
