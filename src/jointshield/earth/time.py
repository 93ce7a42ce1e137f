"""Time and the rotation of the Earth.

The scenario epoch (UTC) fixes the Earth rotation angle ``theta0`` that links the project's inertial frame
(ECI, rotation only; see :mod:`jointshield.earth.frames`) to the Earth-fixed frame (ECEF).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

_TWO_PI = 2.0 * math.pi
_J2000_UTC = datetime(2000, 1, 1, 12, 0, 0, tzinfo=UTC)
"""J2000.0 (JD 2451545.0), here read on the UT1 (= UTC) scale."""

_ERA_AT_J2000_TURNS = 0.7790572732640
_ERA_RATE_TURNS_PER_DAY_MINUS_ONE = 0.00273781191135448
"""Fractional part of 1.00273781191135448 turns per UT1 day (IERS Conventions 2010, eq. 5.15)."""


def _days_since_j2000(epoch_utc: datetime) -> tuple[int, float]:
    """Whole days and the day fraction in [0, 1) from J2000.0 to ``epoch_utc``, read as UT1 = UTC."""
    if epoch_utc.tzinfo is None:
        epoch_utc = epoch_utc.replace(tzinfo=UTC)
    delta = epoch_utc - _J2000_UTC
    # timedelta keeps days, seconds and microseconds as integers: splitting here keeps the day
    # fraction exact instead of losing ~1e-11 day to a float of ~1e4 days.
    fraction = (delta.seconds + delta.microseconds * 1e-6) / 86400.0
    return delta.days, fraction


def earth_rotation_angle(epoch_utc: datetime) -> float:
    """Earth rotation angle (rad, in [0, 2π)) at ``epoch_utc``.

    ERA = 2π (0.7790572732640 + 1.00273781191135448 · (JD_UT1 − 2451545.0)), IERS Conventions (2010),
    IERS Technical Note 36, eq. (5.15). It is evaluated in the form of the SOFA routine ``iauEra00``:
    2π · frac(day fraction + 0.7790572732640 + 0.00273781191135448 · D), so that the whole days D,
    which add whole turns, never enter a large float.

    UT1 is taken equal to UTC (|UT1 − UTC| < 0.9 s, i.e. < 6.6e-5 rad or about 420 m of Earth rotation
    at the equator); a naive ``datetime`` is read as UTC, an aware one is converted to UTC. The angle is
    the sidereal rotation of the Earth only: precession, nutation and polar motion are not modelled.
    """
    days, fraction = _days_since_j2000(epoch_utc)
    turns = fraction + _ERA_AT_J2000_TURNS + _ERA_RATE_TURNS_PER_DAY_MINUS_ONE * (days + fraction)
    angle = _TWO_PI * (turns % 1.0)
    # turns % 1.0 can round to 1.0 for a tiny negative turns; keep the documented range.
    return angle if angle < _TWO_PI else 0.0
