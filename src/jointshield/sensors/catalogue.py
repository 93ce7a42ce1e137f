"""The catalogue's radar types, read from the package's bundled ``data/catalogue.yaml`` (key ``radars``).

Every figure of a catalogue radar cites an open source in its ``sources`` (checked on loading); figures
that are our own engineering estimates say so. Read once through :mod:`importlib.resources` and cached;
the types are frozen, so callers may share them.

>>> get_radar_type("notional-uhf-early-warning").band
'UHF (about 435 MHz)'
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError

from ..errors import InputError
from ..flight.catalogue import CatalogueDataError
from .radar import RadarType

__all__ = ["get_radar_type", "load_radar_catalogue", "radar_type_names"]


@cache
def _radars() -> dict[str, RadarType]:
    text = resources.files("jointshield").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    out: dict[str, RadarType] = {}
    for i, raw in enumerate(doc.get("radars") or []):
        try:
            r = RadarType.model_validate(raw)
        except ValidationError as exc:
            raise CatalogueDataError(f"data/catalogue.yaml: radars[{i}] is invalid: {exc}") from exc
        if r.name in out:
            raise CatalogueDataError(f"data/catalogue.yaml: radars[{i}]: duplicate name {r.name!r}")
        missing = r.uncited_figures()
        if missing:
            raise CatalogueDataError(
                f"data/catalogue.yaml: {r.name}: figures without a source: {', '.join(missing)}"
            )
        out[r.name] = r
    return out


def load_radar_catalogue() -> dict[str, RadarType]:
    """Every catalogue radar type by name (a fresh dict over shared, frozen :class:`RadarType` objects)."""
    return dict(_radars())


def radar_type_names() -> list[str]:
    """Names of the catalogue radar types, in catalogue order."""
    return list(_radars())


def get_radar_type(name: str) -> RadarType:
    """The catalogue radar type called ``name``; :class:`~jointshield.errors.InputError` (field
    ``radar``) listing the known names otherwise."""
    r = _radars().get(name)
    if r is None:
        raise InputError("radar", f"unknown radar type {name!r}; known: {', '.join(radar_type_names())}")
    return r
