"""The catalogue of notional vehicle types, read from the package's bundled ``data/catalogue.yaml``.

The catalogue is data with a cited open source for every figure (see the comments in the YAML file).
It is read once through :mod:`importlib.resources` (no other I/O) and cached; vehicles are frozen, so
callers may share them.

>>> get_vehicle("notional-icbm").range_class
'ICBM'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import ValidationError

from ..errors import InputError
from .vehicles import Vehicle, VehicleKind

__all__ = ["get_vehicle", "load_catalogue", "vehicle_names"]

M = TypeVar("M")

_TOP_LEVEL = {"version", "citations", "vehicles", "radars"}
"""Top-level keys of data/catalogue.yaml; `radars` is read by :mod:`jointshield.sensors.catalogue`."""


class CatalogueDataError(RuntimeError):
    """The bundled catalogue is malformed: a packaging bug, not a user's mistake."""


@cache
def catalogue_document() -> dict:
    """The parsed ``data/catalogue.yaml`` (checked for its version and top-level keys), read once."""
    text = resources.files("jointshield").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or doc.get("version") != 1 or set(doc) - _TOP_LEVEL:
        raise CatalogueDataError(
            f"data/catalogue.yaml: expected a mapping with version: 1 and keys {sorted(_TOP_LEVEL)}"
        )
    return doc


def validated_entries(key: str, model: type[M]) -> dict[str, M]:
    """The entries under ``key`` of the catalogue validated as ``model`` (a pydantic model with ``name``
    and ``uncited_figures()``), by name: a malformed, duplicate or uncited entry is a packaging bug."""
    out: dict[str, M] = {}
    for i, raw in enumerate(catalogue_document().get(key) or []):
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            raise CatalogueDataError(f"data/catalogue.yaml: {key}[{i}] is invalid: {exc}") from exc
        if entry.name in out:
            raise CatalogueDataError(f"data/catalogue.yaml: {key}[{i}]: duplicate name {entry.name!r}")
        missing = entry.uncited_figures()
        if missing:
            raise CatalogueDataError(
                f"data/catalogue.yaml: {entry.name}: figures without a source: {', '.join(missing)}"
            )
        out[entry.name] = entry
    return out


@cache
def _catalogue() -> dict[str, Vehicle]:
    return validated_entries("vehicles", Vehicle)


def load_catalogue() -> dict[str, Vehicle]:
    """Every catalogue vehicle by name (a fresh dict over shared, frozen :class:`Vehicle` objects)."""
    return dict(_catalogue())


def vehicle_names(kind: VehicleKind | None = None) -> list[str]:
    """Names of the catalogue vehicles, of one ``kind`` if given, in catalogue order."""
    return [n for n, v in _catalogue().items() if kind is None or v.kind == kind]


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def get_vehicle(name: str, kind: VehicleKind | None = None) -> Vehicle:
    """The catalogue vehicle called ``name``; with ``kind``, it must be of that kind.

    Raises :class:`~jointshield.errors.InputError` naming the field (``missile``, ``interceptor`` or
    ``vehicle``) and listing the known names.
    """
    field = kind or "vehicle"
    cat = _catalogue()
    v = cat.get(name)
    known = ", ".join(vehicle_names(kind))
    if v is None:
        raise InputError(field, f"unknown {field} {name!r}; known: {known}")
    if kind is not None and v.kind != kind:
        raise InputError(field, f"{name!r} is {_a(v.kind)}, not {_a(kind)}; known {kind}s: {known}")
    return v
