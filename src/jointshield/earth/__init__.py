"""The Earth: models and constants, time and rotation, frames, gravity, atmosphere, surface geodesy.

All names here are SI (m, s, kg, rad) unless the name says otherwise; see each module for the frames,
shapes and sources. The ``*_xyz`` functions and :func:`us76_density_sound_speed` are compiled scalar
kernels for the flight integrator; everything else is batched numpy.
"""

from .atmosphere import Atmosphere, atmosphere, us76_density_sound_speed
from .frames import (
    aer_to_ecef,
    aer_to_enu,
    ecef_to_aer,
    ecef_to_eci,
    ecef_to_enu,
    ecef_to_geodetic,
    ecef_vector_to_enu,
    eci_to_ecef,
    eci_to_ecef_rotation,
    enu_rotation,
    enu_to_aer,
    enu_to_ecef,
    enu_vector_to_ecef,
    geodetic_altitude_xyz,
    geodetic_latitude_altitude_xyz,
    geodetic_to_ecef,
    rotation_angle,
)
from .geodesy import destination, initial_azimuth_rad, surface_distance_m
from .gravity import gravity, gravity_xyz
from .models import DEFAULT_MODEL, MODELS, SPHERE, TEXTBOOK, WGS84, EarthModel, earth_model
from .time import earth_rotation_angle

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "SPHERE",
    "TEXTBOOK",
    "WGS84",
    "Atmosphere",
    "EarthModel",
    "aer_to_ecef",
    "aer_to_enu",
    "atmosphere",
    "destination",
    "earth_model",
    "earth_rotation_angle",
    "ecef_to_aer",
    "ecef_to_eci",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "ecef_vector_to_enu",
    "eci_to_ecef",
    "eci_to_ecef_rotation",
    "enu_rotation",
    "enu_to_aer",
    "enu_to_ecef",
    "enu_vector_to_ecef",
    "geodetic_altitude_xyz",
    "geodetic_latitude_altitude_xyz",
    "geodetic_to_ecef",
    "gravity",
    "gravity_xyz",
    "initial_azimuth_rad",
    "rotation_angle",
    "surface_distance_m",
    "us76_density_sound_speed",
]
