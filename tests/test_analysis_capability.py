"""The capability statement: reproducible, and `verify` detects a changed scenario, code version or seed."""

import json

import pytest
import yaml

from jointshield.analysis.capability import capability_statement, statement_digest, verify_statement
from jointshield.cli.main import main
from jointshield.scenario import ScenarioError, parse_scenario
from jointshield.scenario.load import _bundled_dir


def small_doc(**analysis):
    doc = yaml.safe_load(_bundled_dir().joinpath("engagement-demo.yaml").read_text())
    doc["analysis"] = {"threats": ["notional-irbm"], "launch_regions": ["iran"], "target_regions": ["warsaw"],
                       "points_per_region": 2, **analysis}
    return doc


@pytest.fixture(scope="module")
def statement():
    sc = parse_scenario(yaml.safe_dump(small_doc()))
    return sc, capability_statement(sc, code_version="test-1")


def test_statement_rows_and_records(statement):
    sc, doc = statement
    assert doc["scenario_sha256"] and doc["code_version"] == "test-1" and doc["seed"] == sc.seed
    assert doc["digest"] == statement_digest(doc)
    (row,) = doc["rows"]
    assert (row["threat"], row["launch_region"], row["target_region"], row["pairs"]) == ("notional-irbm", "iran",
                                                                                          "warsaw", 4)
    assert row["engageable_fraction"] == 1.0 and row["shots_available"] == 10 and row["median_margin_s"] > 0


def test_verify_matches_its_own_statement(statement):
    sc, doc = statement
    v = verify_statement(doc, sc, code_version="test-1")
    assert v.matches, v.checks


def test_verify_detects_a_changed_scenario(statement):
    _, doc = statement
    changed = small_doc()
    changed["interceptor_sites"][0]["inventory"] = 4
    v = verify_statement(doc, parse_scenario(yaml.safe_dump(changed)), code_version="test-1")
    checks = {c[0]: c[1] for c in v.checks}
    assert not v.matches and not checks["scenario"] and not checks["rows"]  # 4 shots available, not 10


def test_verify_detects_a_changed_code_version(statement):
    sc, doc = statement
    v = verify_statement(doc, sc, code_version="test-2")
    checks = {c[0]: c[1] for c in v.checks}
    assert not v.matches and not checks["code_version"] and checks["scenario"] and checks["rows"]


def test_verify_detects_a_changed_seed(statement):
    sc, doc = statement
    edited = {**doc, "seed": doc["seed"] + 1}
    v = verify_statement(edited, sc, code_version="test-1")
    assert not v.matches and not {c[0]: c[1] for c in v.checks}["digest"]
    # Even with the digest made good again, other points are drawn: the rows differ.
    edited["digest"] = statement_digest(edited)
    v = verify_statement(edited, sc, code_version="test-1")
    checks = {c[0]: c[1] for c in v.checks}
    assert checks["digest"] and not checks["rows"] and not v.matches


@pytest.mark.parametrize("analysis, where", [
    ({"launch_regions": ["atlantis"]}, "analysis.launch_regions[0]: unknown region 'atlantis'"),
    ({"threats": ["notional-nope"]}, "analysis.threats[0]: unknown missile 'notional-nope'"),
    ({"points_per_region": 0}, "analysis.points_per_region"),
    ({"grid": 1}, "analysis.grid"),
])
def test_analysis_section_errors_name_the_field(analysis, where):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(yaml.safe_dump(small_doc(**analysis)))
    assert where in str(exc.value) and len(str(exc.value).splitlines()) == 1


def test_cli_capability_and_verify(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(small_doc()))
    assert main(["capability", str(path), "--out", str(tmp_path / "cap"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    stmt = tmp_path / "cap" / "engagement-demo" / "capability.json"
    assert json.loads(stmt.read_text())["digest"] == doc["digest"]
    assert (stmt.parent / "capability.png").exists() and (stmt.parent / "capability.csv").exists()
    assert main(["verify", str(stmt), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["matches"] is True
    changed = small_doc()
    changed["interceptor_sites"][0]["pk"] = 0.8
    path.write_text(yaml.safe_dump(changed))
    assert main(["verify", str(stmt), "--json"]) == 1
    checks = {c["check"]: c["ok"] for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["scenario"] is False


def test_cli_verify_bad_file(tmp_path, capsys):
    (tmp_path / "x.json").write_text("{not json")
    assert main(["verify", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert "STATEMENT" in err and len(err.strip().splitlines()) == 1
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
