"""Tracking: ballistic EKF, gating and global-nearest-neighbour association, track life cycle, impact and
launch-point estimates, metrics. See docs/tracking.md."""

from .motion import gravity_jacobian, predict, process_noise
from .tracker import DELETED, FIRM, TENTATIVE, Tracker, TrackerConfig, TrackHistory, TrackSet, track

__all__ = ["DELETED", "FIRM", "TENTATIVE", "TrackHistory", "TrackSet", "Tracker", "TrackerConfig",
           "gravity_jacobian", "predict", "process_noise", "track"]
