"""Scenario keys for the threat criteria: ``regions``, ``criteria`` and ``agreed_criteria``.

.. code-block:: yaml

    regions:                          # optional: name -> circle or polygon
      warsaw: {centre: warsaw, radius_km: 150}          # centre: a place name or {lat_deg, lon_deg}
      iran:                                             # great-circle edges; [lat_deg, lon_deg] pairs
        vertices: [[39.8, 44.0], [37.0, 61.0], [25.0, 61.7], [25.3, 57.0], [30.0, 48.5]]
    criteria:                         # optional: the partners' rule sets
      - name: us-2008
        version: 2008-03
        owner: us
        confidence: 0.95              # optional, default 0.95
        defended_areas: [warsaw]      # optional: what impact_in_defended_area refers to
        default: not-threat           # optional: verdict when no rule holds
        rules:                        # first match
          - {name: notified test, verdict: not-threat, notified: true}
          - {name: long range from Iran, verdict: threat, range_class: [IRBM, ICBM], launch_in: iran}
    agreed_criteria: us-2008          # required when criteria are given: the set the system acts on

The rule language is that of :mod:`jointshield.defense.criteria` (see docs/criteria.md); the region
geometry that of :mod:`jointshield.earth.regions`. Cross-references (region and place names, the agreed
set) are checked by :func:`criteria_problems`, which :class:`~.schema.Scenario` calls with its other
cross-reference checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, model_validator

from ..defense.criteria import RuleSet
from ..earth.regions import CircleRegion, PolygonRegion, Region
from .errors import format_loc, located_error
from .schema import _CONFIG, Latitude, Longitude, PlaceRef

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = [
    "LatLon",
    "RegionSpec",
    "agreed_rule_set",
    "criteria_problems",
    "regions_from_scenario",
    "rule_sets_from_scenario",
]

Loc = tuple[str | int, ...]


class LatLon(BaseModel):
    """A polygon vertex: latitude and longitude (degrees); written ``[lat_deg, lon_deg]`` or as a mapping."""

    model_config = _CONFIG

    lat_deg: Latitude = Field(description="Geodetic latitude (degrees), -90..90, north positive.")
    lon_deg: Longitude = Field(description="Longitude (degrees), -180..180, east positive, west negative.")

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, v: object) -> object:
        if isinstance(v, (list, tuple)):
            if len(v) != 2:
                raise ValueError(f"a vertex is [lat_deg, lon_deg]; got a list of {len(v)} items")
            return {"lat_deg": v[0], "lon_deg": v[1]}
        return v


class RegionSpec(BaseModel):
    """A named region: a circle (``centre`` and ``radius_km``) or a polygon (``vertices``)."""

    model_config = _CONFIG

    description: str = Field("", description="What the region is.")
    centre: PlaceRef | None = Field(
        None, description="Circle: its centre, a name under `places` or {lat_deg: .., lon_deg: ..}."
    )
    radius_km: float | None = Field(
        None, gt=0, le=10000, description="Circle: radius along the surface (km), 0..10000."
    )
    vertices: list[LatLon] | None = Field(
        None,
        min_length=3,
        description="Polygon: at least 3 vertices [lat_deg, lon_deg] in order around it (great-circle edges).",
    )

    @model_validator(mode="after")
    def _one_shape(self) -> RegionSpec:
        circle = self.centre is not None or self.radius_km is not None
        if circle and self.vertices is not None:
            raise ValueError("a region is a circle (centre, radius_km) or a polygon (vertices), not both")
        if not circle and self.vertices is None:
            raise ValueError(
                "a region needs centre and radius_km (a circle) or vertices: [[lat_deg, lon_deg], ...] "
                "(a polygon)"
            )
        if circle:
            missing = [f for f in ("centre", "radius_km") if getattr(self, f) is None]
            if missing:
                raise located_error([((f,), "required for a circle (centre and radius_km)") for f in missing])
        else:
            try:
                self.polygon("")
            except ValueError as exc:
                raise located_error([(("vertices",), str(exc).removeprefix("polygon '': "))]) from None
        return self

    @property
    def is_circle(self) -> bool:
        return self.vertices is None

    def polygon(self, name: str) -> PolygonRegion:
        """The polygon region (for a polygon spec)."""
        assert self.vertices is not None
        return PolygonRegion.from_deg(name, [(v.lat_deg, v.lon_deg) for v in self.vertices])


def regions_from_scenario(scenario: Scenario) -> dict[str, Region]:
    """The scenario's regions as :mod:`jointshield.earth.regions` objects (circle centres resolved)."""
    out: dict[str, Region] = {}
    for name, spec in scenario.regions.items():
        if spec.is_circle:
            p = scenario.point(spec.centre)  # type: ignore[arg-type]
            out[name] = CircleRegion.from_deg(name, p.lat_deg, p.lon_deg, spec.radius_km)  # type: ignore[arg-type]
        else:
            out[name] = spec.polygon(name)
    return out


def rule_sets_from_scenario(scenario: Scenario) -> dict[str, RuleSet]:
    """The scenario's rule sets by name, in file order."""
    return {rs.name: rs for rs in scenario.criteria}


def agreed_rule_set(scenario: Scenario) -> RuleSet | None:
    """The rule set the system acts on (named by ``agreed_criteria``), or None without criteria."""
    if scenario.agreed_criteria is None:
        return None
    return rule_sets_from_scenario(scenario)[scenario.agreed_criteria]


def _known(names: Any, what: str) -> str:
    names = list(names)
    return ", ".join(names) if names else f"none (the scenario has no {what})"


def criteria_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Cross-reference problems of ``regions``, ``criteria`` and ``agreed_criteria`` (location, message)."""
    problems: list[tuple[Loc, str]] = []
    for name, spec in scenario.regions.items():
        if isinstance(spec.centre, str) and spec.centre not in scenario.places:
            problems.append(
                (("regions", name, "centre"),
                 (f"unknown place {spec.centre!r}; known: {_known(scenario.places, 'places')}; "
                  "or give {lat_deg: .., lon_deg: ..}"))
            )
    seen: dict[str, int] = {}
    for i, rs in enumerate(scenario.criteria):
        if rs.name in seen:
            first = format_loc(("criteria", seen[rs.name]))
            problems.append((("criteria", i, "name"), f"duplicate rule set {rs.name!r} (first defined at {first})"))
        else:
            seen[rs.name] = i
        for loc, region in rs.region_references():
            if region not in scenario.regions:
                # A single name written without a list is reported without the list index.
                if loc[0] == "rules" and len(getattr(rs.rules[loc[1]], loc[2])) == 1:  # type: ignore[index]
                    loc = loc[:3]
                problems.append(
                    (("criteria", i, *loc), f"unknown region {region!r}; known: {_known(scenario.regions, 'regions')}")
                )
        for j, rule in enumerate(rs.rules):
            if rule.impact_in_defended_area is not None and not rs.defended_areas:
                problems.append(
                    (("criteria", i, "rules", j, "impact_in_defended_area"),
                     "the rule set lists no defended_areas; add defended_areas: [region, ...]")
                )
    names = list(seen)
    if scenario.agreed_criteria is not None and scenario.agreed_criteria not in seen:
        problems.append(
            (("agreed_criteria",),
             f"unknown rule set {scenario.agreed_criteria!r}; known: {_known(names, 'criteria')}")
        )
    if scenario.agreed_criteria is None and scenario.criteria:
        problems.append(
            (("agreed_criteria",),
             f"required when criteria are given: name the rule set the system acts on ({', '.join(names)})")
        )
    return problems

