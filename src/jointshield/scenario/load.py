"""Reading scenario files: YAML (``yaml.safe_load`` only) → validated :class:`~.schema.Scenario`.

Scenario files come from partners and are untrusted: they are parsed with ``yaml.safe_load`` (no Python
object tags), limited in size, and every problem is reported as one line that names the field path and
what is allowed, through :class:`~.errors.ScenarioError` (an :class:`~jointshield.errors.InputError`).
Field problems are all reported together; checks across the document (unknown missile or place names,
duplicate ids) run once the fields are valid.

Entry points: :func:`load_scenario` (a path, or YAML text), :func:`parse_scenario` (YAML text),
:func:`bundled_scenario` / :func:`bundled_names` (the scenarios shipped with the package) and
:func:`open_scenario` (a path or a bundled name, as the command line takes it).
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import InputError
from .errors import ScenarioError, problems_from_validation_error, show_value
from .schema import Scenario

__all__ = [
    "MAX_FILE_BYTES",
    "bundled_names",
    "bundled_scenario",
    "load_scenario",
    "open_scenario",
    "parse_scenario",
]

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest scenario file read (bytes); scenario files are hand-written and small."""

_TAG_RE = re.compile(r"tag '([^']*)'")


def _problem(field: str, message: str) -> ScenarioError:
    return ScenarioError([InputError(field, message)])


def _yaml_error(exc: yaml.YAMLError, source: str) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None)
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if isinstance(exc, yaml.constructor.ConstructorError):
        m = _TAG_RE.search(problem)
        if m:
            tag = m.group(1).replace("tag:yaml.org,2002:", "!!")
            return _problem(
                where,
                f"YAML tag {tag} is not allowed: scenario files hold plain data (mappings, lists, "
                "strings, numbers, dates)",
            )
    return _problem(where, f"YAML syntax error: {' '.join(problem.split())}")


def parse_scenario(text: str, source: str = "<text>") -> Scenario:
    """Validate the YAML ``text`` of a scenario; ``source`` names it in error messages."""
    if len(text) > MAX_FILE_BYTES:
        raise _problem(source, f"is {len(text)} characters; a scenario may have at most {MAX_FILE_BYTES}")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    if not isinstance(doc, dict):
        got = "an empty document" if doc is None else show_value(doc)
        raise _problem(
            source, f"a scenario is a YAML mapping (version: 1, name: ..., ...) at the top level; got {got}"
        )
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(problems_from_validation_error(exc, Scenario)) from None


def load_scenario(path_or_text: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a file path, or from YAML text.

    A ``str`` that contains a line break is taken as YAML text; any other ``str`` or path-like is a
    file path. Raises :class:`~.errors.ScenarioError` (one line per problem) for a missing or unreadable
    file, a YAML error or an invalid scenario.
    """
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        return parse_scenario(path_or_text)
    path = Path(path_or_text)
    shown = str(path_or_text)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _problem("scenario", f"no such file: {shown!r}") from None
    except IsADirectoryError:
        raise _problem("scenario", f"{shown!r} is a directory, not a scenario file") from None
    except (OSError, ValueError) as exc:  # ValueError: e.g. a NUL byte in the path
        raise _problem(
            "scenario", f"cannot read {shown!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise _problem(shown, f"is larger than {MAX_FILE_BYTES} bytes; a scenario file is small")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(shown, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return parse_scenario(text, source=shown)


def _bundled_dir():  # importlib.resources Traversable
    return resources.files("jointshield.scenario").joinpath("bundled")


def bundled_names() -> list[str]:
    """Names of the scenarios bundled with the package (file names without ``.yaml``), sorted."""
    return sorted(p.name.removesuffix(".yaml") for p in _bundled_dir().iterdir() if p.name.endswith(".yaml"))


def bundled_scenario(name: str) -> Scenario:
    """The bundled scenario ``name`` (with or without ``.yaml``), validated."""
    stem = name.removesuffix(".yaml")
    names = bundled_names()
    if stem not in names:
        raise _problem("scenario", f"no bundled scenario {name!r}; bundled: {', '.join(names)}")
    text = _bundled_dir().joinpath(f"{stem}.yaml").read_text(encoding="utf-8")
    return parse_scenario(text, source=f"{stem}.yaml")


def open_scenario(ref: str | os.PathLike[str]) -> Scenario:
    """A scenario from a file path or, where no such file exists, from the bundled scenario so named."""
    path = Path(ref)
    try:
        exists = path.exists()
    except (OSError, ValueError):
        exists = False
    if exists:
        return load_scenario(path)
    stem = str(ref).removesuffix(".yaml")
    if stem in bundled_names():
        return bundled_scenario(stem)
    raise _problem(
        "scenario",
        f"no file {str(ref)!r} and no bundled scenario of that name; bundled: {', '.join(bundled_names())}",
    )
