"""Radars: visibility, detection, and measurement generation with noise and false alarms."""

from .measurements import Measurements, Truth

__all__ = ["Measurements", "Truth"]
