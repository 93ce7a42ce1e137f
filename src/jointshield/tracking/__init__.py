"""Tracking: ballistic EKF, gating and global-nearest-neighbour association, track life cycle, impact and
launch-point estimates, metrics. See docs/tracking.md."""

from .impact import (
           RANGE_CLASSES,
           GroundEstimate,
           estimate_launch,
           impact_predictable,
           predict_impact,
           range_class,
)
from .metrics import gospa, gospa_over_time, nees_interval, state_errors, track_quality
from .motion import gravity_jacobian, predict, process_noise
from .tracker import DELETED, FIRM, TENTATIVE, Tracker, TrackerConfig, TrackHistory, TrackSet, track

__all__ = ["DELETED", "FIRM", "RANGE_CLASSES", "TENTATIVE", "GroundEstimate", "TrackHistory", "TrackSet",
           "Tracker", "TrackerConfig", "estimate_launch", "gospa", "gospa_over_time", "gravity_jacobian",
           "impact_predictable", "nees_interval", "predict", "predict_impact", "process_noise", "range_class", "state_errors",
           "track", "track_quality"]
