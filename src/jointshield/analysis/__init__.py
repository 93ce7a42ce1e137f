"""Analysis: questions about an architecture, answered by batches of flights and engagement windows.

- :func:`overtake` / :func:`overtake_sweep`: one corridor, one site — can it catch the missile, with what
  margin, and at what burnout speed or commit time does the verdict flip?
- :func:`reach_map` / :func:`footprint`: launch points on a grid that it can engage (toward given targets),
  and target points on a grid that it defends (against given launch points).
- :func:`capability_statement` / :func:`verify_statement`: the reproducible table of threat class × launch
  region × target region that partners exchange.

Pure functions on arrays and passive results; no I/O (docs/analysis.md names every modelling choice).
"""

from .architecture import DEFAULT_RADAR_TYPE, Architecture, Delays, default_radar, detection
from .capability import Verification, capability_statement, scenario_hash, verify_statement
from .engage import PairResult, engage_pairs
from .maps import Footprint, Grid, ReachMap, footprint, reach_map, region_centre_deg, region_outline_deg
from .overtake import Corridor, Overtake, OvertakeSweep, corridor_architecture, overtake, overtake_sweep
from .threats import Steering, ThreatSamples, aim_pairs, fly_paths

__all__ = [
    "DEFAULT_RADAR_TYPE",
    "Architecture",
    "Corridor",
    "Delays",
    "Footprint",
    "Grid",
    "Overtake",
    "OvertakeSweep",
    "PairResult",
    "ReachMap",
    "Steering",
    "ThreatSamples",
    "Verification",
    "aim_pairs",
    "capability_statement",
    "corridor_architecture",
    "default_radar",
    "detection",
    "engage_pairs",
    "fly_paths",
    "footprint",
    "overtake",
    "overtake_sweep",
    "reach_map",
    "region_centre_deg",
    "region_outline_deg",
    "scenario_hash",
    "verify_statement",
]
