"""Defense: the agreed threat criteria (:mod:`.criteria`), interceptor types and sites, reach tables,
engagement windows, weapon-target assignment, firing doctrine, kill assessment and fly-out checks (see
docs/criteria.md and docs/defense.md).

Pure functions and passive types on arrays; no I/O. The scenario layer builds :class:`Sites` from a
scenario's ``interceptor_sites:``; the run engine calls :func:`engagement_windows`,
:func:`plan_engagements`, :func:`draw_outcomes` and :func:`flyout_check`.
"""

from .assign import Candidates, EngagementPlan, candidate_shots, plan_engagements
from .flyout import ENDGAME_S, AimedShots, FlyoutCheck, aim_interceptor, flyout_check
from .interceptor import InterceptorType, interceptor_type, reference_burnout_speed_m_s, scale_vehicle
from .kill import ShotOutcomes, draw_outcomes
from .reach import ReachPoint, ReachTable, clear_reach_cache, point_geometry, reach_table
from .sites import DOCTRINES, Sites
from .windows import EngagementWindows, ThreatPaths, engagement_windows, windows_from_launch_by

__all__ = [
    "DOCTRINES",
    "ENDGAME_S",
    "AimedShots",
    "Candidates",
    "EngagementPlan",
    "EngagementWindows",
    "FlyoutCheck",
    "InterceptorType",
    "ReachPoint",
    "ReachTable",
    "ShotOutcomes",
    "Sites",
    "ThreatPaths",
    "aim_interceptor",
    "candidate_shots",
    "clear_reach_cache",
    "draw_outcomes",
    "engagement_windows",
    "flyout_check",
    "interceptor_type",
    "plan_engagements",
    "point_geometry",
    "reach_table",
    "reference_burnout_speed_m_s",
    "scale_vehicle",
    "windows_from_launch_by",
]
