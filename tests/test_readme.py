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


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One folder for all the commands, in README order, as a reader would type them (`verify` reads what
    `capability --out` wrote)."""
    return tmp_path_factory.mktemp("readme")


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, folder, monkeypatch, capsys):
    monkeypatch.chdir(folder)  # commands that write (demo, capability) write here
    assert main(shlex.split(command)[1:]) == 0, capsys.readouterr().err
