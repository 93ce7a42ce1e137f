"""The kill-chain engine: runs a scenario in time (:mod:`.engine`), Monte Carlo over seeds
(:mod:`.montecarlo`), and the sensing half alone (:mod:`.tracking`)."""

from .engine import EVENT_KINDS, Event, Result, RunConfig, prepare, run
from .montecarlo import MonteCarlo, RunFailed, monte_carlo
from .tracking import LaunchTracking, TrackingRun, run_tracking

__all__ = ["EVENT_KINDS", "Event", "LaunchTracking", "MonteCarlo", "Result", "RunConfig", "RunFailed", "TrackingRun",
           "monte_carlo", "prepare", "run", "run_tracking"]
