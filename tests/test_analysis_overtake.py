"""Overtake analysis: margins monotonic in burnout speed and commit time, break-even values, the CLI."""

import json

import numpy as np
import pytest

from jointshield.analysis import Architecture, Corridor, corridor_architecture, overtake, overtake_sweep
from jointshield.cli.main import main
from jointshield.earth.models import TEXTBOOK
from jointshield.flight.catalogue import get_vehicle

REDZIKOWO = (54.48, 17.10)
ICBM = Corridor(get_vehicle("notional-icbm", "missile"), (54.0, 35.8), (38.9, -77.04))  # Kozelsk -> Washington
IRBM = Corridor(get_vehicle("notional-irbm", "missile"), (35.23, 53.92), (52.23, 21.01))  # Semnan -> Warsaw


@pytest.fixture(scope="module")
def icbm_sweep():
    # The textbook Earth (no rotation) needs one azimuth per reach table: a sweep in seconds.
    arch = corridor_architecture(REDZIKOWO, "notional-interceptor-7kms", ICBM, model=TEXTBOOK)
    return overtake_sweep(arch, ICBM, commit_s=200.0, speeds_km_s=(3, 4, 5, 6, 7, 8, 9), refine_tol_km_s=0.25)


def test_speeds_the_type_cannot_reach_are_noted(icbm_sweep):
    # The 7 km/s booster cannot be slowed to 3 km/s by Isp scaling alone: left out, with a note.
    assert 3.0 not in icbm_sweep.speeds_km_s and any(n.startswith("3 km/s") for n in icbm_sweep.notes)


def test_margin_grows_with_burnout_speed_and_break_even(icbm_sweep):
    margins = [o.margin_s for o in icbm_sweep.by_speed]
    finite = np.array([-np.inf if m is None else m for m in margins])
    assert np.all(np.diff(finite) >= -1.0), margins  # monotonic, to the sampling of the path (2 s)
    feas = [o.feasible for o in icbm_sweep.by_speed]
    assert feas == sorted(feas)  # infeasible ... feasible
    assert not feas[0] and feas[-1]
    be = icbm_sweep.break_even_speed_km_s
    assert be is not None and 3 < be <= 9
    i = int(np.argmax(feas))
    assert icbm_sweep.speeds_km_s[i - 1] < be <= icbm_sweep.speeds_km_s[i]


def test_margin_falls_second_for_second_with_commit(icbm_sweep):
    base = icbm_sweep.base
    c = icbm_sweep.commits_s
    m = icbm_sweep.margin_by_commit_s
    assert np.all(np.diff(m) < 0)
    np.testing.assert_allclose(m, base.latest_launch_s - c)
    assert icbm_sweep.break_even_commit_s == pytest.approx(base.latest_launch_s)


def test_commit_flips_the_verdict_at_the_latest_launch():
    arch = Architecture.single_site(*REDZIKOWO, "notional-interceptor-7kms", model=TEXTBOOK)
    early = overtake(arch, IRBM, commit_s=100.0)
    assert early.feasible and early.margin_s > 0
    assert early.earliest_launch_s == 100.0
    assert early.earliest_intercept_s < early.latest_intercept_s
    assert 100 <= early.intercept_altitude_km <= 2000 and early.closing_speed_km_s > 0
    late = overtake(arch, IRBM, commit_s=early.latest_launch_s + 5.0)
    assert not late.feasible and late.margin_s == pytest.approx(-5.0, abs=1e-6)
    later = [overtake(arch, IRBM, commit_s=c).earliest_intercept_s for c in (100.0, 200.0, 300.0)]
    assert later == sorted(later)


def run_cli(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_overtake_json_and_plot(capsys, tmp_path):
    png = tmp_path / "o.png"
    code, out, err = run_cli(["overtake", "--site", "54.48,17.10", "--interceptor", "notional-interceptor-7kms",
                              "--missile", "notional-irbm", "--from", "35.23,53.92", "--to", "52.23,21.01",
                              "--earth", "textbook", "--json", "--plot", str(png)], capsys)
    assert code == 0, err
    d = json.loads(out)
    for key in ("feasible", "earliest_intercept_s", "latest_intercept_s", "intercept_altitude_km", "margin_s",
                "closing_speed_km_s"):
        assert key in d
    assert d["feasible"] is True and d["margin_s"] > 0 and d["detection_s"] > 0
    assert png.stat().st_size > 10_000


def test_cli_overtake_commit_makes_it_infeasible(capsys):
    code, out, err = run_cli(["overtake", "--site", "54.48,17.10", "--interceptor", "notional-interceptor-7kms",
                              "--missile", "notional-irbm", "--from", "35.23,53.92", "--to", "52.23,21.01",
                              "--earth", "textbook", "--commit-s", "1500", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["feasible"] is False and d["margin_s"] < 0 and d["earliest_intercept_s"] is None


@pytest.mark.parametrize("args, field", [
    (["--from", "95,10"], "--from"),
    (["--missile", "no-such-missile"], "missile"),
    (["--interceptor", "notional-irbm"], "interceptor"),
    (["--interceptor-speed-km-s", "40"], "burnout_speed_km_s"),
    (["--to", "-40,170"], "--to"),
    (["--commit-s", "-3"], "--commit-s"),
    (["--speeds", "3,x", "--sweep"], "--speeds"),
])
def test_cli_overtake_bad_input_is_one_line(args, field, capsys):
    base = {"--site": "54.48,17.10", "--interceptor": "notional-interceptor-7kms", "--missile": "notional-irbm",
            "--from": "35.23,53.92", "--to": "52.23,21.01", "--earth": "textbook"}
    flags = [a for a in args if a.startswith("--")]
    argv = ["overtake"]
    for k, v in base.items():
        if k not in flags:
            argv += [k, v]
    argv += args
    code, out, err = run_cli(argv, capsys)
    assert code == 2, (out, err)
    assert field in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
