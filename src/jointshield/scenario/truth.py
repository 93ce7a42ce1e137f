"""From a validated scenario to the inputs of the sensors: truth trajectories, radars, cross-sections.

Thin adapters over :func:`jointshield.flight.truth.fly_truth` and :class:`jointshield.sensors.Radar`:
they resolve place names, missile and radar types, and per-launch overrides. No I/O.

>>> from jointshield.scenario import bundled_scenario
>>> [r.type.name for r in radars_from_scenario(bundled_scenario("flight-demo"))]
[]
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..flight.truth import Truth, fly_truth
from ..sensors.radar import Radar, RadarArrays
from .errors import format_loc
from .schema import Scenario

__all__ = ["radar_arrays_from_scenario", "radars_from_scenario", "rcs_from_scenario", "truth_from_scenario"]


def truth_from_scenario(scenario: Scenario, dt_s: float = 1.0) -> Truth:
    """Fly every launch of ``scenario`` and sample the flights every ``dt_s`` seconds into a :class:`Truth`.

    The grid starts at the earliest launch and ends at the first grid time at or after the last impact.
    A launch that cannot reach its target raises :class:`~jointshield.errors.InputError` naming it
    (``launches[2].to: ...``).
    """
    model = scenario.earth_model
    launches = scenario.launches
    a = [scenario.point(launch.from_) for launch in launches]
    b = [scenario.point(launch.to) for launch in launches]
    traj = [launch.trajectory for launch in launches]
    try:
        return fly_truth(
            [launch.id for launch in launches],
            [scenario.vehicle(launch.missile) for launch in launches],
            [p.lat_deg for p in a],
            [p.lon_deg for p in a],
            [p.lat_deg for p in b],
            [p.lon_deg for p in b],
            [launch.time_s for launch in launches],
            model,
            dt_s=dt_s,
            shapes=[t.shape for t in traj],
            apogee_m=[None if t.apogee_km is None else t.apogee_km * 1e3 for t in traj],
            burnout_angle_deg=[t.burnout_angle_deg for t in traj],
        )
    except InputError as exc:
        ids = [launch.id for launch in launches]
        lid = exc.field.removeprefix("launch ")
        if exc.field.startswith("launch ") and lid in ids:
            i = ids.index(lid)
            where = "trajectory" if ("apogee" in exc.message or "burnout angle" in exc.message) else "to"
            raise InputError(format_loc(("launches", i, where)), exc.message) from None
        raise


def radars_from_scenario(scenario: Scenario) -> list[Radar]:
    """The scenario's ``sensors`` as :class:`~jointshield.sensors.Radar` objects, in file order."""
    out = []
    for sensor in scenario.sensors:
        site = scenario.point(sensor.site)
        out.append(
            Radar(
                id=sensor.id,
                type=scenario.radar_type(sensor.type),
                lat_deg=site.lat_deg,
                lon_deg=site.lon_deg,
                alt_m=site.alt_m,
                boresight_az_deg=0.0 if sensor.boresight_az_deg is None else sensor.boresight_az_deg,
                boresight_el_deg=sensor.boresight_el_deg,
            )
        )
    return out


def radar_arrays_from_scenario(scenario: Scenario) -> RadarArrays:
    """The scenario's radars as :class:`~jointshield.sensors.RadarArrays` on the scenario's Earth model
    (what :func:`~jointshield.sensors.observe` takes; the model travels with the arrays)."""
    return RadarArrays.from_radars(radars_from_scenario(scenario), scenario.earth_model)


def rcs_from_scenario(scenario: Scenario) -> np.ndarray:
    """(T,) radar cross-section (m²) of each launch, in launch order: the launch's ``rcs_m2``, else its
    missile's (catalogue default 0.01 m² for a reentry vehicle)."""
    return np.array([scenario.launch_rcs_m2(launch) for launch in scenario.launches], dtype=float)
