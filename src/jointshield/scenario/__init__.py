"""Scenarios: the YAML schema, loading with one-line errors, and the scenarios bundled with the package.

>>> from jointshield.scenario import bundled_scenario
>>> [launch.id for launch in bundled_scenario("flight-demo").launches]
['L1', 'L2']
"""

from .errors import ScenarioError
from .load import bundled_names, bundled_scenario, load_scenario, open_scenario, parse_scenario
from .schema import GeoPoint, Launch, PlaceRef, RadarTypeRef, Scenario, Sensor, Trajectory
from .truth import radar_arrays_from_scenario, radars_from_scenario, rcs_from_scenario, truth_from_scenario

__all__ = [
    "GeoPoint",
    "Launch",
    "PlaceRef",
    "RadarTypeRef",
    "Scenario",
    "ScenarioError",
    "Sensor",
    "Trajectory",
    "bundled_names",
    "bundled_scenario",
    "load_scenario",
    "open_scenario",
    "parse_scenario",
    "radar_arrays_from_scenario",
    "radars_from_scenario",
    "rcs_from_scenario",
    "truth_from_scenario",
]
