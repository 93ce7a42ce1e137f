"""Reach maps and footprints: agreement with end-to-end runs of the kill chain, shapes, the CLI."""

import json

import numpy as np
import pytest
import yaml

from jointshield.analysis import Architecture, Grid, footprint, reach_map
from jointshield.cli.main import main
from jointshield.scenario import bundled_scenario, parse_scenario
from jointshield.scenario.load import _bundled_dir
from jointshield.sim import run

WARSAW = (52.23, 21.01)
ANKARA = (39.93, 32.86)


@pytest.fixture(scope="module")
def demo():
    sc = bundled_scenario("engagement-demo")
    arch = Architecture.from_scenario(sc)
    arch.tables()
    return sc, arch


@pytest.fixture(scope="module")
def maps(demo):
    sc, arch = demo
    irbm = reach_map(arch, sc.vehicle("notional-irbm"), Grid.box(30, 38, 46, 58, 4.0), [WARSAW])
    mrbm = reach_map(arch, sc.vehicle("notional-mrbm"), Grid.box(34, 38, 40, 48, 4.0), [ANKARA])
    return irbm, mrbm


def test_reach_map_shapes_and_summary(maps):
    irbm, _ = maps
    assert irbm.engageable.shape == (1, 3, 4) == irbm.margin_s.shape == irbm.shots.shape
    s = irbm.summary()
    assert s["pairs"] == 12 and s["reachable_pairs"] == 12 and 0 <= s["engageable_fraction"] <= 1
    assert 0 < s["propagation_s"] <= s["seconds"]


def test_reach_map_agrees_with_the_kill_chain(demo, maps):
    """Points marked engageable get an engagement planned by `run`; points marked not engageable do not.
    Sampled points with a clear margin either way (the run's radars draw detections at random)."""
    _sc, _ = demo
    irbm, mrbm = maps
    picks = []
    for rm, missile, target, want in ((irbm, "notional-irbm", WARSAW, True), (mrbm, "notional-mrbm", ANKARA, False)):
        la, lo = np.meshgrid(rm.grid.lat_deg, rm.grid.lon_deg, indexing="ij")
        margin = rm.margin_s[0]
        ok = rm.engageable[0] & (margin > 60) if want else rm.reachable[0] & ~rm.engageable[0] & (
            np.nan_to_num(margin, nan=-1e9) < -15)
        idx = np.argwhere(ok)[:3]
        assert len(idx) >= 2, (missile, margin)
        picks += [(missile, (float(la[i, j]), float(lo[i, j])), target, want) for i, j in idx]
    doc = yaml.safe_load(_bundled_dir().joinpath("engagement-demo.yaml").read_text())
    for k in ("criteria", "agreed_criteria"):
        doc.pop(k)  # without criteria every firm track is a threat: the reach map does not apply them
    doc["interceptor_sites"][0]["launch_interval_s"] = 0
    doc["interceptor_sites"][0]["inventory"] = 20
    doc["launches"] = [{"id": f"P{i}", "missile": m, "from": {"lat_deg": a[0], "lon_deg": a[1]},
                        "to": {"lat_deg": b[0], "lon_deg": b[1]}, "time_s": 60 * i} for i, (m, a, b, _) in enumerate(picks)]
    result = run(parse_scenario(yaml.safe_dump(doc)))
    planned = {e.object.rsplit("(", 1)[-1].rstrip(")") for e in result.events if e.kind == "engagement_planned"}
    classified = {c[2] for c in result.classified.values() if c[0] == "threat"}
    for i, (_, _, _, want) in enumerate(picks):
        assert f"P{i}" in classified  # the run saw and classed every one of them a threat
        assert (f"P{i}" in planned) == want, (picks[i], result.summary)


def test_footprint_defended_share(demo):
    sc, arch = demo
    fp = footprint(arch, sc.vehicle("notional-irbm"), [(35.23, 53.92), (38.08, 46.29)], Grid.box(50, 54, 14, 22, 4.0))
    assert fp.defended.shape == (2, 3) and fp.engageable.shape == (2, 2, 3)
    assert np.all((fp.defended >= 0) & (fp.defended <= 1))
    s = fp.summary()
    assert s["pairs"] == 12 and s["targets_reached"] == 6


def test_grid_over_a_region_is_masked(demo):
    from jointshield.scenario.criteria_schema import regions_from_scenario

    sc, _ = demo
    g = Grid.over_region(regions_from_scenario(sc)["iran"], 2.0)
    la, lo = g.points()
    assert 0 < la.size < g.mask.size and np.all((la > 24) & (la < 40)) and np.all((lo > 43) & (lo < 62))
    with pytest.raises(ValueError, match="step_deg"):
        Grid.box(0, 10, 0, 10, 0.0)


def cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_reach_and_footprint_json(capsys, tmp_path):
    code, out, err = cli(["reach", "engagement-demo", "--missile", "notional-irbm", "--target", "52.23,21.01",
                          "--box", "30,34,50,54", "--step-deg", "4", "--json", "--out", str(tmp_path / "r")], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["summary"]["points"] == 4 and len(d["engageable"][0]) == 2
    assert (tmp_path / "r" / "reach.png").stat().st_size > 10_000 and (tmp_path / "r" / "reach.csv").exists()
    code, out, err = cli(["footprint", "engagement-demo", "--missile", "notional-irbm", "--launch", "35.23,53.92",
                          "--box", "50,54,14,18", "--step-deg", "4", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["summary"]["points"] == 4 and len(d["defended"]) == 2


@pytest.mark.parametrize("args, field", [
    (["reach", "engagement-demo", "--box", "40,30,0,10"], "--box"),
    (["reach", "engagement-demo", "--box", "1,2,3"], "--box"),
    (["reach", "engagement-demo", "--region", "atlantis"], "--region"),
    (["reach", "engagement-demo", "--missile", "notional-nope"], "--missile"),
    (["reach", "engagement-demo", "--step-deg", "0"], "--step-deg"),
    (["footprint", "engagement-demo", "--launch", "91,0"], "--launch"),
    (["footprint", "engagement-demo", "--launch-region", "nowhere"], "--launch-region"),
    (["reach", "no-such-scenario"], "scenario"),
])
def test_cli_bad_input_is_one_line(args, field, capsys):
    code, out, err = cli(args, capsys)
    assert code == 2, (out, err)
    assert field in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
