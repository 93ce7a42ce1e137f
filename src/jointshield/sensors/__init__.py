"""Radars: visibility, detection, and measurement generation with noise and false alarms.

:class:`RadarType` (a catalogue or inline type) and :class:`Radar` (a type at a site, pointed) are the
user-facing models; :class:`RadarArrays` holds S radars as arrays for the hot paths; :func:`observe`
turns a :class:`Truth` into time-ordered :class:`Measurements`. The model is described in
``docs/sensors.md`` and in :mod:`jointshield.sensors.radar`.
"""

from .catalogue import get_radar_type, load_radar_catalogue, radar_type_names
from .measurements import Measurements, Truth
from .observe import observe, scan_times
from .radar import (
    Radar,
    RadarArrays,
    RadarType,
    aer,
    angle_sigma_rad,
    detection_probability,
    detection_range_m,
    in_field_of_regard,
    line_of_sight,
    snr,
    visible,
)

__all__ = [
    "Measurements",
    "Radar",
    "RadarArrays",
    "RadarType",
    "Truth",
    "aer",
    "angle_sigma_rad",
    "detection_probability",
    "detection_range_m",
    "get_radar_type",
    "in_field_of_regard",
    "line_of_sight",
    "load_radar_catalogue",
    "observe",
    "radar_type_names",
    "scan_times",
    "snr",
    "visible",
]
