"""Coverage maps against the closed-form geometry of an all-round radar on the textbook sphere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jointshield.earth.models import TEXTBOOK
from jointshield.sensors.coverage import coverage
from jointshield.sensors.radar import Radar, RadarArrays, RadarType

R = TEXTBOOK.a_m


def _radar(detection_km: float, min_el_deg: float = 0.0) -> RadarArrays:
    t = RadarType(az_half_width_deg=180, boresight_el_deg=45, el_half_width_deg=45,
                  min_elevation_deg=min_el_deg, instrumented_range_km=20000, detection_range_km=detection_km,
                  reference_rcs_m2=1.0, reference_pd=0.9, revisit_s=1, sigma_range_m=10, sigma_az_mrad=1,
                  sigma_el_mrad=1)
    return RadarArrays.from_radars([Radar(id="r", type=t, lat_deg=0.0, lon_deg=0.0, alt_m=0.0,
                                          boresight_az_deg=0.0)], TEXTBOOK)


def _edge_angle(h_m: float, slant_m: float) -> float:
    """Central angle (rad) out to which a target at altitude h is both above the horizon of a ground
    radar and within slant range ``slant_m`` of it (law of cosines on the sphere)."""
    horizon = math.acos(R / (R + h_m))
    cos_rng = (R**2 + (R + h_m) ** 2 - slant_m**2) / (2 * R * (R + h_m))
    return min(horizon, math.acos(max(-1.0, min(1.0, cos_rng))))


@pytest.mark.parametrize(("detection_km", "rcs_m2", "alt_km"),
                         [(3000.0, 1.0, 300.0),    # horizon-limited: 300 km up is seen out to ~1,930 km
                          (3000.0, 0.01, 300.0),   # range-limited: 0.01 m² is seen out to 949 km slant
                          (800.0, 1.0, 100.0)])
def test_coverage_edge_matches_geometry(detection_km: float, rcs_m2: float, alt_km: float) -> None:
    lat = np.linspace(-30, 30, 241)
    lon = np.linspace(-30, 30, 241)
    c = coverage(_radar(detection_km), lat, lon, alt_km * 1e3, rcs_m2)[0]
    slant = detection_km * 1e3 * rcs_m2**0.25  # radar equation at constant Pd
    edge = _edge_angle(alt_km * 1e3, slant)
    la, lo = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    angle = np.arccos(np.cos(la) * np.cos(lo))  # central angle from (0, 0)
    margin = 2e-4  # rad, ~1.3 km on the ground
    assert c[angle < edge - margin].all()
    assert not c[angle > edge + margin].any()
    assert c.any() and not c.all()


def test_minimum_elevation_shrinks_coverage() -> None:
    lat = np.linspace(-25, 25, 101)
    lon = np.linspace(-25, 25, 101)
    wide = coverage(_radar(5000.0, 0.0), lat, lon, 300e3, 1.0)[0]
    narrow = coverage(_radar(5000.0, 10.0), lat, lon, 300e3, 1.0)[0]
    assert narrow.sum() < 0.6 * wide.sum() and (narrow <= wide).all()
