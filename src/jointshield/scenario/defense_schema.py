"""The ``interceptor_sites:`` part of the scenario schema, and the :class:`~jointshield.defense.Sites`
it describes.

.. code-block:: yaml

    interceptor_sites:                # optional
      - id: redzikowo
        place: redzikowo              # a place name, or {lat_deg: .., lon_deg: ..}
        type: notional-interceptor-7kms   # a catalogue interceptor
        inventory: 10                 # interceptors ready to fire, >= 0
        readiness_s: 60               # decision to first launch (s), default 0
        launch_interval_s: 10         # least time between two launches (s), default 0
        pk: 0.7                       # probability of kill per shot, required (0 < pk <= 1)
        doctrine: shoot-look-shoot    # or shoot-shoot, single; default shoot-look-shoot
        kill_assessment_s: 30         # intercept to knowing its outcome (s), default 0
        burnout_speed_km_s: 6.3       # optional override of the type's burnout speed
        burn_time_s: 180              # optional override of the type's total burn time

Checks across the document (unknown place or interceptor type, duplicate ids, a burn time the booster
cannot lift off with) report one line each, e.g. ``interceptor_sites[0].type: unknown interceptor
'x'; known: ...``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from ..defense.interceptor import interceptor_type
from ..defense.sites import Sites
from ..errors import InputError
from ..flight.catalogue import load_catalogue
from .errors import format_loc, located_error
from .schema import PlaceRef

__all__ = ["InterceptorSite", "InterceptorSites", "sites_from_scenario"]

DoctrineName = Literal["shoot-look-shoot", "shoot-shoot", "single"]
_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _check_id(v: str) -> str:
    if not v or len(v) > 64 or v != v.strip():
        raise ValueError(f"name {v!r} must be 1-64 characters without leading or trailing spaces")
    return v


class InterceptorSite(BaseModel):
    """One interceptor site: where, which interceptor type, how many, and how it fires."""

    model_config = _CONFIG

    id: Annotated[str, AfterValidator(_check_id)] = Field(
        description="Identifier of the site, unique in the scenario (e.g. redzikowo).")
    place: PlaceRef = Field(description="Site: a name under `places`, or {lat_deg: .., lon_deg: .., alt_m: ..}.")
    type: str = Field(description="A catalogue interceptor (jointshield catalogue --kind interceptor).")
    inventory: int = Field(ge=0, description="Interceptors ready to fire (integer >= 0).")
    readiness_s: float = Field(0.0, ge=0, description="Time from the decision to engage to the first launch (s).")
    launch_interval_s: float = Field(0.0, ge=0, description="Least time between two launches from the site (s).")
    pk: float = Field(gt=0, le=1, description="Probability that one shot kills its target (0 < pk <= 1).")
    doctrine: DoctrineName = Field(
        "shoot-look-shoot", description="shoot-look-shoot (default), shoot-shoot (salvo of two) or single.")
    kill_assessment_s: float = Field(
        0.0, ge=0, description="Time from an intercept to knowing whether it killed (s), for shoot-look-shoot.")
    burnout_speed_km_s: float | None = Field(
        None, ge=0.5, le=15, description="Override of the type's burnout speed (km/s), by scaling its Isp.")
    burn_time_s: float | None = Field(
        None, gt=0, description="Override of the type's total burn time (s), by scaling its stages' burn times.")


def _check_sites(sites: list[InterceptorSite], info: ValidationInfo) -> list[InterceptorSite]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    places = info.data.get("places") or {}
    catalogue = load_catalogue()
    known = [n for n, v in catalogue.items() if v.kind == "interceptor"]
    ids: dict[str, int] = {}
    for i, site in enumerate(sites):
        if site.id in ids:
            first = format_loc(("interceptor_sites", ids[site.id]))
            problems.append(((i, "id"), f"duplicate id {site.id!r} (first used by {first})"))
        else:
            ids[site.id] = i
        if isinstance(site.place, str) and site.place not in places:
            have = ", ".join(places) if places else "none (the scenario has no places)"
            msg = f"unknown place {site.place!r}; known: {have}; or give {{lat_deg: .., lon_deg: ..}}"
            problems.append(((i, "place"), msg))
        if site.type not in known:
            what = (f"{site.type!r} is a {catalogue[site.type].kind}, not an interceptor" if site.type in catalogue
                    else f"unknown interceptor {site.type!r}")
            problems.append(((i, "type"), f"{what}; known: {', '.join(known)}"))
        elif site.burn_time_s is not None:
            try:
                interceptor_type(site.type, burn_time_s=site.burn_time_s)
            except InputError as exc:
                problems.append(((i, "burn_time_s"), exc.message))
    if problems:
        raise located_error(problems)
    return sites


InterceptorSites = Annotated[list[InterceptorSite], AfterValidator(_check_sites)]
"""The ``interceptor_sites`` field of a scenario: sites checked against its places and the catalogue."""


def sites_from_scenario(scenario) -> Sites:
    """The scenario's interceptor sites as :class:`~jointshield.defense.Sites` (types with overrides)."""
    entries = scenario.interceptor_sites
    points = [scenario.point(s.place) for s in entries]
    model = scenario.earth_model
    types = [interceptor_type(s.type, burnout_speed_km_s=s.burnout_speed_km_s, burn_time_s=s.burn_time_s,
                              model=model) for s in entries]
    return Sites.build(
        [s.id for s in entries],
        np.deg2rad([p.lat_deg for p in points]),
        np.deg2rad([p.lon_deg for p in points]),
        types,
        alt_m=[p.alt_m for p in points],
        inventory=[s.inventory for s in entries],
        readiness_s=[s.readiness_s for s in entries],
        launch_interval_s=[s.launch_interval_s for s in entries],
        pk=[s.pk for s in entries],
        doctrine=[s.doctrine for s in entries],
        kill_assessment_s=[s.kill_assessment_s for s in entries],
    )
