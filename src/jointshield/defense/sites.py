"""Interceptor sites as arrays: where, which type, how many, how fast they can fire, and how they fire.

A site is a place with an interceptor type (see :mod:`.interceptor`), an inventory of ready
interceptors, a *readiness* (time from the decision to engage to the first launch, s), a *launch
interval* (least time between two launches from the site, s), a probability of kill per shot, a firing
doctrine and the time its kill assessment of a shot takes. :class:`Sites` holds S of them as arrays
(leading axis S); the scenario layer builds it from ``interceptor_sites:``.

Doctrines (the most shots a site's plan puts on one threat, see :mod:`.assign`):

- ``shoot-look-shoot``: up to two shots; the second waits for the kill assessment of the first and is
  fired only if the first missed, when the window leaves time for that; otherwise both go as a salvo.
- ``shoot-shoot``: up to two shots fired as a salvo (the second one launch interval after the first).
- ``single``: one shot from this site at a threat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..earth.frames import geodetic_to_ecef
from ..earth.models import EarthModel
from .interceptor import InterceptorType
from .reach import ReachTable, reach_table

__all__ = ["DOCTRINES", "Doctrine", "Sites"]

Doctrine = Literal["shoot-look-shoot", "shoot-shoot", "single"]
DOCTRINES: tuple[str, ...] = ("shoot-look-shoot", "shoot-shoot", "single")


@dataclass(frozen=True, eq=False)
class Sites:
    """S interceptor sites (arrays of shape (S,) unless said otherwise; SI units)."""

    ids: tuple[str, ...]
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    alt_m: np.ndarray
    types: tuple[InterceptorType, ...]
    inventory: np.ndarray
    """Interceptors ready to fire (int >= 0)."""
    readiness_s: np.ndarray
    """Time from the decision to engage to the first possible launch (s)."""
    launch_interval_s: np.ndarray
    """Least time between two launches from the site (s)."""
    pk: np.ndarray
    """Probability that one shot kills its target, given a feasible intercept (0..1)."""
    doctrine: tuple[str, ...]
    kill_assessment_s: np.ndarray
    """Time from an intercept to knowing whether it killed (s); used by shoot-look-shoot."""

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("lat_rad", "lon_rad", "alt_m", "inventory", "readiness_s", "launch_interval_s", "pk",
                     "kill_assessment_s"):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"Sites.{name} has shape {np.shape(getattr(self, name))}; expected ({n},)")
        if len(self.types) != n or len(self.doctrine) != n:
            raise ValueError("Sites: types and doctrine need one entry per site")
        bad = [d for d in self.doctrine if d not in DOCTRINES]
        if bad:
            raise ValueError(f"doctrine {bad[0]!r} is not one of {', '.join(DOCTRINES)}")
        if np.any(self.inventory < 0) or np.any(self.launch_interval_s < 0) or np.any(self.readiness_s < 0):
            raise ValueError("Sites: inventory, readiness_s and launch_interval_s must be >= 0")
        if np.any((self.pk < 0) | (self.pk > 1)):
            raise ValueError("Sites: pk must be within 0..1")

    @classmethod
    def build(cls, ids, lat_rad, lon_rad, types, *, alt_m=0.0, inventory=10, readiness_s=0.0,
              launch_interval_s=0.0, pk=0.7, doctrine="shoot-look-shoot", kill_assessment_s=0.0) -> Sites:
        """Sites from per-site sequences or scalars shared by all (convenient in code and tests)."""
        ids = tuple(ids)
        n = len(ids)

        def arr(x, dtype=float):
            return np.broadcast_to(np.asarray(x, dtype=dtype), (n,)).copy()

        types = tuple(types) if isinstance(types, (list, tuple)) else (types,) * n
        doctrine = (doctrine,) * n if isinstance(doctrine, str) else tuple(doctrine)
        return cls(ids, arr(lat_rad), arr(lon_rad), arr(alt_m), types, arr(inventory, np.int64),
                   arr(readiness_s), arr(launch_interval_s), arr(pk), doctrine, arr(kill_assessment_s))

    def __len__(self) -> int:
        return len(self.ids)

    def r_ecef_m(self, model: EarthModel) -> np.ndarray:
        """(S, 3) ECEF positions of the sites (m)."""
        return geodetic_to_ecef(self.lat_rad, self.lon_rad, self.alt_m, model)

    def reach_tables(self, model: EarthModel) -> list[ReachTable]:
        """Each site's reach table (cached: sites of one type at one latitude share it)."""
        return [reach_table(t, model, lat) for t, lat in zip(self.types, self.lat_rad, strict=True)]
