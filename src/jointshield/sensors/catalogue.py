"""The catalogue's radar types, read from the package's bundled ``data/catalogue.yaml`` (key ``radars``).

Every figure of a catalogue radar cites an open source in its ``sources`` (checked on loading); figures
that are our own engineering estimates say so. Read once through :mod:`importlib.resources` and cached;
the types are frozen, so callers may share them.

>>> get_radar_type("notional-uhf-early-warning").band
'UHF (about 435 MHz)'
"""

from __future__ import annotations

from functools import cache

from ..errors import InputError
from ..flight.catalogue import validated_entries
from .radar import RadarType

__all__ = ["get_radar_type", "load_radar_catalogue", "radar_type_names"]


@cache
def _radars() -> dict[str, RadarType]:
    return validated_entries("radars", RadarType)


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
