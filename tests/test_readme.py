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
def workdir(tmp_path_factory):
    """One folder for all the README's commands, in their order: a command may read what an earlier one
    wrote (`report out/...` after `run ... --out out`), as a reader following the README would."""
    return tmp_path_factory.mktemp("readme")


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)  # commands that write (demo, run --out) write here
    assert main(shlex.split(command)[1:]) == 0, capsys.readouterr().err
