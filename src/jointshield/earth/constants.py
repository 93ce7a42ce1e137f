"""Physical constants of the Earth models (SI units).

Sources:
- WGS-84: NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed. (2000), tables 3.1–3.3.
  J2 is the unnormalised second zonal harmonic, -sqrt(5) * C̄20 with C̄20 = -0.484166774985e-3 (EGM96).
- Mean Earth radius 6371 km and GM as named in the `textbook` model of the project (IUGG mean radius R1
  rounded to the kilometre).
- Standard gravity g0 = 9.80665 m/s² (CGPM 1901), used to turn specific impulse into exhaust speed.
"""

WGS84_A_M = 6378137.0
"""WGS-84 semi-major axis (m)."""
WGS84_INV_F = 298.257223563
"""WGS-84 inverse flattening (dimensionless)."""
WGS84_F = 1.0 / WGS84_INV_F
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
"""WGS-84 semi-minor axis (m)."""
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""WGS-84 first eccentricity squared."""
WGS84_GM_M3_S2 = 3.986004418e14
"""Earth's gravitational parameter including the atmosphere (m³/s²)."""
WGS84_OMEGA_RAD_S = 7.292115e-5
"""WGS-84 nominal mean angular velocity of the Earth (rad/s)."""
WGS84_J2 = 1.08262982131e-3
"""Unnormalised J2 of EGM96 as quoted with WGS-84 (dimensionless)."""

MEAN_RADIUS_M = 6371000.0
"""Radius of the spherical `textbook` and `sphere` models (m)."""
SPHERE_OMEGA_RAD_S = 7.2921159e-5
"""Rotation rate of the `sphere` model (rad/s), the IERS sidereal rate to eight digits."""

G0_M_S2 = 9.80665
"""Standard gravity (m/s²): specific impulse in seconds times g0 is effective exhaust speed."""
