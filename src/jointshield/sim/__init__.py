"""The kill-chain engine: runs a scenario in time. So far: truth → radars → tracker (:mod:`.tracking`)."""

from .tracking import LaunchTracking, TrackingRun, run_tracking

__all__ = ["LaunchTracking", "TrackingRun", "run_tracking"]
