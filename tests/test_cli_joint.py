"""`jointshield partner ...` and `jointshield ledger verify/export`: round trip, offline verification of an
exported file, tampering found (exit 1), bad input in one line (exit 2)."""

import json

from jointshield.cli.main import main


def test_partner_and_ledger_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOINTSHIELD_DATABASE_URL", raising=False)
    assert main(["partner", "add", "pl", "--name", "Poland", "--country", "PL", "--role", "host", "--json"]) == 0
    token = json.loads(capsys.readouterr().out)["token"]
    assert token.startswith("js_") and (tmp_path / "jointshield.db").exists()
    assert main(["partner", "add", "ru", "--name", "Russia", "--country", "RU", "--role", "operator"]) == 0
    assert main(["partner", "revoke", "ru"]) == 0
    capsys.readouterr()
    assert main(["partner", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["pl", "ru"] and rows[1]["revoked_at"]
    assert main(["ledger", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 3
    assert main(["ledger", "export", "ledger.json"]) == 0
    assert main(["ledger", "verify", "ledger.json"]) == 0
    doc = json.loads((tmp_path / "ledger.json").read_text())
    doc["entries"][1]["payload"]["partner"]["role"] = "host"
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    capsys.readouterr()
    assert main(["ledger", "verify", "bad.json"]) == 1
    assert "first bad entry: 1" in capsys.readouterr().err
    doc = json.loads((tmp_path / "ledger.json").read_text())
    doc["entries"].pop()  # cut from the end: the head hash tells
    (tmp_path / "short.json").write_text(json.dumps(doc))
    assert main(["ledger", "verify", "short.json"]) == 1


def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOINTSHIELD_DATABASE_URL", raising=False)
    cases = [(["partner", "add", "pl", "--name", "Poland", "--country", "Poland", "--role", "host"], "country"),
             (["partner", "add", "pl", "--name", "Poland", "--country", "PL", "--role", "king"], "role"),
             (["partner", "revoke", "nobody"], "no partner"),
             (["ledger", "verify", "missing.json"], "missing.json"),
             (["ledger", "verify", "--db", "mysql://x/y"], "--db")]
    for argv, word in cases:
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith("error:") and word in err and "\n" not in err and "Traceback" not in err
