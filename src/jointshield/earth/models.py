"""The selectable Earth models: `textbook`, `sphere` and `wgs84`.

An :class:`EarthModel` is a small frozen record of floats, so that compiled kernels can take its
fields as plain arguments. The three models exist so that a reader can see what each effect does and
so that results can be checked against closed-form Keplerian ballistics:

- ``textbook``: sphere of radius 6371 km, not rotating, point-mass gravity, no atmosphere.
- ``sphere``: the same sphere rotating at 7.2921159e-5 rad/s (velocities given relative to the Earth),
  point-mass gravity, no atmosphere.
- ``wgs84`` (default): WGS-84 ellipsoid, rotation, point mass + J2 gravity, US Standard Atmosphere 1976.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import constants as c


@dataclass(frozen=True, slots=True)
class EarthModel:
    """An Earth model: shape, gravity, rotation and atmosphere switch (SI units)."""

    name: str
    a_m: float
    """Equatorial radius (m); equal to the polar radius for a sphere."""
    f: float
    """Flattening (0 for a sphere)."""
    mu_m3_s2: float
    """Gravitational parameter GM (m³/s²)."""
    j2: float
    """Second zonal harmonic (0 to switch it off)."""
    omega_rad_s: float
    """Rotation rate about the z axis (rad/s; 0 for a non-rotating Earth)."""
    atmosphere: bool
    """Whether drag from the US Standard Atmosphere 1976 acts."""

    @property
    def e2(self) -> float:
        """First eccentricity squared of the model's ellipsoid."""
        return self.f * (2.0 - self.f)

    @property
    def b_m(self) -> float:
        """Polar radius (m)."""
        return self.a_m * (1.0 - self.f)

    @property
    def is_sphere(self) -> bool:
        return self.f == 0.0


TEXTBOOK = EarthModel("textbook", c.MEAN_RADIUS_M, 0.0, c.WGS84_GM_M3_S2, 0.0, 0.0, False)
SPHERE = EarthModel("sphere", c.MEAN_RADIUS_M, 0.0, c.WGS84_GM_M3_S2, 0.0, c.SPHERE_OMEGA_RAD_S, False)
WGS84 = EarthModel("wgs84", c.WGS84_A_M, c.WGS84_F, c.WGS84_GM_M3_S2, c.WGS84_J2, c.WGS84_OMEGA_RAD_S, True)

MODELS: dict[str, EarthModel] = {m.name: m for m in (TEXTBOOK, SPHERE, WGS84)}
DEFAULT_MODEL = WGS84


def earth_model(name: str | EarthModel) -> EarthModel:
    """The Earth model called ``name`` (``textbook``, ``sphere`` or ``wgs84``)."""
    if isinstance(name, EarthModel):
        return name
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"earth model {name!r} is not one of {', '.join(MODELS)}") from None
