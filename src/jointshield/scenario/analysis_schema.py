"""The ``analysis:`` part of the scenario schema: what the capability statement tabulates.

.. code-block:: yaml

    analysis:                         # optional; every key has a default
      threats: [notional-irbm]        # missile types (catalogue or `missiles:`); default the launches' missiles
      launch_regions: [iran]          # names under `regions:`; default the regions holding a launch point
      target_regions: [warsaw]        # names under `regions:`; default the agreed criteria's defended areas,
                                      #   else the regions holding a target
      points_per_region: 6            # points drawn in each region (seeded), 1..200

Launch points and targets that no region holds get a circle of :data:`DEFAULT_RADIUS_KM` about them
(named ``launch-<id>`` / ``target-<id>``). Unknown names are one-line errors naming the field, e.g.
``analysis.launch_regions[0]: unknown region 'x'; known: iran, warsaw``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .schema import _CONFIG

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = ["DEFAULT_RADIUS_KM", "AnalysisSpec", "analysis_problems", "resolved_analysis"]

DEFAULT_RADIUS_KM = 300.0
"""Radius of the circle drawn about a launch point or target that no named region holds (km)."""


class AnalysisSpec(BaseModel):
    """What the capability statement tabulates: threat classes × launch regions × target regions."""

    model_config = _CONFIG

    threats: list[str] | None = Field(None, description="Missile types; default the launches' missiles.")
    launch_regions: list[str] | None = Field(None, description="Region names; default those holding a launch point.")
    target_regions: list[str] | None = Field(
        None, description="Region names; default the agreed criteria's defended areas, else those holding a target.")
    points_per_region: int = Field(6, ge=1, le=200, description="Points drawn in each region (seeded), 1..200.")


def analysis_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-reference problems of ``analysis:`` (unknown missiles or regions), one per bad entry."""
    spec = scenario.analysis
    if spec is None:
        return []
    problems: list[tuple[tuple[str | int, ...], str]] = []
    from ..flight.catalogue import load_catalogue

    missiles = [n for n, v in load_catalogue().items() if v.kind == "missile"] + [m.name for m in scenario.missiles]
    for i, name in enumerate(spec.threats or []):
        if name not in missiles:
            problems.append((("analysis", "threats", i), f"unknown missile {name!r}; known: {', '.join(missiles)}"))
    known = ", ".join(scenario.regions) or "none (the scenario has no regions)"
    for key in ("launch_regions", "target_regions"):
        for i, name in enumerate(getattr(spec, key) or []):
            if name not in scenario.regions:
                problems.append((("analysis", key, i), f"unknown region {name!r}; known: {known}"))
    return problems


def resolved_analysis(scenario: Scenario) -> dict:
    """The analysis of a scenario with its defaults filled in: ``{"threats": [...], "launch_regions": {name:
    Region}, "target_regions": {name: Region}, "points_per_region": n}`` (regions in order)."""
    import numpy as np

    from ..earth.regions import CircleRegion
    from .criteria_schema import agreed_rule_set, regions_from_scenario

    spec = scenario.analysis or AnalysisSpec()
    regions = regions_from_scenario(scenario)
    model = scenario.earth_model

    def holding(points, prefix):
        names: list[str] = []
        extra = {}
        for lid, p in points:
            inside = [n for n, r in regions.items() if bool(np.asarray(r.contains(
                np.deg2rad([p.lat_deg]), np.deg2rad([p.lon_deg]), model))[0])]
            if inside:
                names += [n for n in inside if n not in names]
            else:
                extra[f"{prefix}-{lid}"] = CircleRegion.from_deg(f"{prefix}-{lid}", p.lat_deg, p.lon_deg,
                                                                 DEFAULT_RADIUS_KM)
        return {**{n: regions[n] for n in names}, **extra}

    launches = [(la.id, scenario.point(la.from_)) for la in scenario.launches]
    targets = [(la.id, scenario.point(la.to)) for la in scenario.launches]
    if spec.launch_regions is not None:
        lr = {n: regions[n] for n in spec.launch_regions}
    else:
        lr = holding(launches, "launch")
    if spec.target_regions is not None:
        tr = {n: regions[n] for n in spec.target_regions}
    else:
        rs = agreed_rule_set(scenario)
        areas = list(getattr(rs, "defended_areas", None) or []) if rs is not None else []
        tr = {n: regions[n] for n in areas if n in regions} or holding(targets, "target")
    threats = spec.threats if spec.threats is not None else list(dict.fromkeys(la.missile for la in scenario.launches))
    return {"threats": list(threats), "launch_regions": lr, "target_regions": tr,
            "points_per_region": spec.points_per_region}
