"""Earth rotation angle against IERS/SOFA values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from jointshield.earth.time import earth_rotation_angle

TWO_PI = 2.0 * math.pi


def test_era_at_j2000_is_the_iers_constant():
    # IERS Conventions (2010) eq. 5.15 at JD_UT1 = 2451545.0 (2000-01-01T12:00 UT1).
    assert earth_rotation_angle(datetime(2000, 1, 1, 12)) == pytest.approx(
        TWO_PI * 0.7790572732640, abs=1e-15
    )


def test_era_matches_sofa_test_value():
    # SOFA test suite (t_sofa_c.c, iauEra00(2400000.5, 54388.0)): 0.4022837240028158102 rad at 1e-12.
    # MJD 54388.0 is 2007-10-15T00:00 UT1.
    assert earth_rotation_angle(datetime(2007, 10, 15)) == pytest.approx(0.4022837240028158102, abs=1e-12)


def test_era_against_gmst06_less_the_accumulated_precession():
    # SOFA test value iauGmst06(2400000.5, 53736.0, 2400000.5, 53736.0) = 1.754174971870091203 rad
    # (2006-01-01T00:00, UT1 = TT in that test). GMST of the IAU 2006 precession (Capitaine, Wallace &
    # Chapront 2003; USNO Circular 179, Kaplan 2005, eq. 2.12):
    # GMST = ERA + 0.014506" + 4612.156534" t + 1.3915817" t² − 0.00000044" t³ − 0.000029956" t⁴
    # − 0.0000000368" t⁵, t in Julian centuries of TT since J2000. The two formulas are independent;
    # they agree to the rounding of SOFA's test (1e-12 rad).
    gmst06 = 1.754174971870091203
    t = (53736.0 - 51544.5) / 36525.0
    poly_arcsec = (
        0.014506
        + 4612.156534 * t
        + 1.3915817 * t**2
        - 0.00000044 * t**3
        - 0.000029956 * t**4
        - 0.0000000368 * t**5
    )
    expected = gmst06 - math.radians(poly_arcsec / 3600.0)
    assert earth_rotation_angle(datetime(2006, 1, 1)) == pytest.approx(expected, abs=1e-11)


def test_aware_datetimes_are_converted_to_utc_and_naive_ones_are_utc():
    naive = datetime(2024, 3, 20, 3, 6, 0)
    aware = datetime(2024, 3, 20, 5, 6, 0, tzinfo=timezone(timedelta(hours=2)))
    assert earth_rotation_angle(aware) == earth_rotation_angle(naive)
    assert earth_rotation_angle(naive.replace(tzinfo=UTC)) == earth_rotation_angle(naive)


def test_era_advances_at_the_sidereal_rate_and_stays_in_range():
    # One UT1 day turns the Earth 1.00273781191135448 times (eq. 5.15): the angle gains 2π · 0.0027378...
    t0 = datetime(1987, 4, 10, 19, 21)
    gain = (earth_rotation_angle(t0 + timedelta(days=1)) - earth_rotation_angle(t0)) % TWO_PI
    assert gain == pytest.approx(TWO_PI * 0.00273781191135448, abs=1e-12)
    for day in range(0, 40000, 997):
        angle = earth_rotation_angle(datetime(1950, 1, 1) + timedelta(days=day, seconds=day * 7.3))
        assert 0.0 <= angle < TWO_PI
