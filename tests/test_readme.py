"""Every `jointshield ...` command shown in the README runs and succeeds (docs that run)."""

import shlex
from pathlib import Path

import pytest

from jointshield.cli.main import main

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = [line.strip() for line in README.read_text().splitlines() if line.strip().startswith("jointshield ")]


def test_readme_shows_commands():
    assert len(COMMANDS) >= 5
    assert "make demo" in README.read_text() and "make test" in README.read_text()


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # commands that write (demo) write here
    assert main(shlex.split(command)[1:]) == 0, capsys.readouterr().err
