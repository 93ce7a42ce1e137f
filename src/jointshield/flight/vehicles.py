"""Vehicles: rocket stages, drag curves, ballistic missiles and interceptors (passive data, SI units).

A :class:`Vehicle` is a point mass with 1–4 stages burning one after another, a payload (for a missile
the post-boost bus plus the reentry vehicle, for an interceptor the kill vehicle), a booster drag curve
and, for a missile, the ballistic coefficient of what reenters. The models are frozen pydantic models:
one field declaration gives constructor, validation, repr and the YAML/JSON form used by the catalogue
and by scenario files. Kernels do not take these objects: :meth:`Vehicle.stage_arrays` turns the stages
into plain float arrays.

Simplifications, said out loud:

- Specific impulse is one effective value per stage; it does not vary with back-pressure (altitude).
  Thrust is therefore constant over a stage's burn: ``thrust_n = isp_s · g0 · mass_flow_kg_s``.
- Propellant burns at a constant rate over ``burn_time_s`` and all of it burns (no residuals).
- At staging the spent stage's dry (structure) mass drops instantly; there is no coast between stages.

Formulas: Tsiolkovsky's rocket equation Δv = g0 · Isp · ln(m0 / mf), applied stage by stage with the
upper stages and the payload as the stage's load (e.g. Sutton & Biblarz, *Rocket Propulsion Elements*,
ch. 4). Range classes follow the usual open-literature bands (see :func:`range_class`).
"""

from __future__ import annotations

import math
import re
from typing import Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..earth.constants import G0_M_S2

__all__ = [
    "DEFAULT_DRAG",
    "DEFAULT_RV_RCS_M2",
    "DEFAULT_SOURCES",
    "FIGURE_FIELDS",
    "RANGE_CLASSES",
    "DragCurve",
    "Stage",
    "StageArrays",
    "Vehicle",
    "VehicleKind",
    "range_class",
]

VehicleKind = Literal["missile", "interceptor"]

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def generic_name(v: str, example: str) -> str:
    """``v`` if it is a generic catalogue name (1-64 lower-case letters, digits and hyphens, starting with
    a letter or digit; never a weapon designation's capitals), else ValueError citing ``example``."""
    if not _NAME_RE.match(v):
        raise ValueError(
            f"{v!r} is not a valid name: use 1-64 lower-case letters, digits and hyphens, "
            f"starting with a letter or digit, e.g. {example}"
        )
    return v

FORDEN_2007 = (
    "G. Forden, 'GUI_Missile_Flyout: A General Program for Simulating Ballistic Missiles', "
    "Science & Global Security 15 (2007) 133-146; curve as quoted in jointshield REFERENCES.md"
)

# Range classes (km): SRBM < 1,000 <= MRBM < 3,000 <= IRBM <= 5,500 < ICBM. The bands are those of the
# usual open-literature convention (jointshield REFERENCES.md, "Missile range classes"); the text gives
# "1,000-3,000" and "3,000-5,500", so a boundary value goes to the longer class except 5,500 km, which
# "ICBM > 5,500" leaves in the IRBM class.
RANGE_CLASSES: tuple[tuple[str, float, float], ...] = (
    ("SRBM", 0.0, 1000.0),
    ("MRBM", 1000.0, 3000.0),
    ("IRBM", 3000.0, 5500.0),
    ("ICBM", 5500.0, math.inf),
)


def range_class(range_km: float) -> str:
    """The range class (``SRBM``, ``MRBM``, ``IRBM`` or ``ICBM``) of a ballistic missile range (km).

    SRBM < 1,000 km; MRBM 1,000 to < 3,000 km; IRBM 3,000 to 5,500 km; ICBM > 5,500 km.
    """
    if not range_km > 0.0:
        raise ValueError(f"range_km: {range_km!r} must be > 0")
    if range_km < 1000.0:
        return "SRBM"
    if range_km < 3000.0:
        return "MRBM"
    if range_km <= 5500.0:
        return "IRBM"
    return "ICBM"


class Stage(BaseModel):
    """One rocket stage: its masses, effective specific impulse, burn time and diameter (SI units)."""

    model_config = _MODEL_CONFIG

    gross_mass_kg: float = Field(gt=0, description="Mass of the stage at ignition, propellant included (kg).")
    propellant_mass_kg: float = Field(
        gt=0, description="Propellant burnt by the stage (kg); less than gross_mass_kg."
    )
    isp_s: float = Field(
        gt=0,
        description=(
            "Effective specific impulse (s), one value for the whole burn: the model does not vary Isp "
            "with back-pressure (altitude). Exhaust speed is isp_s · 9.80665 m/s²."
        ),
    )
    burn_time_s: float = Field(gt=0, description="Burn time at constant mass flow (s).")
    diameter_m: float = Field(gt=0, description="Outer diameter of the stage (m).")

    @field_validator("propellant_mass_kg")
    @classmethod
    def _propellant_below_gross(cls, v: float, info: ValidationInfo) -> float:
        gross = info.data.get("gross_mass_kg")
        if gross is not None and v >= gross:
            raise ValueError(
                f"{v:g} must be < gross_mass_kg ({gross:g}): the difference is the stage's dry "
                "(structure and engine) mass"
            )
        return v

    @property
    def mass_flow_kg_s(self) -> float:
        """Propellant mass flow (kg/s), constant over the burn."""
        return self.propellant_mass_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        """Thrust (N): isp_s · g0 · mass flow, constant over the burn."""
        return self.isp_s * G0_M_S2 * self.mass_flow_kg_s

    @property
    def dry_mass_kg(self) -> float:
        """Structure and engine mass left when the propellant is spent (kg); dropped at staging."""
        return self.gross_mass_kg - self.propellant_mass_kg

    @property
    def exhaust_speed_m_s(self) -> float:
        """Effective exhaust speed isp_s · g0 (m/s)."""
        return self.isp_s * G0_M_S2


class DragCurve(BaseModel):
    """Drag coefficient against Mach number: linear between points, constant beyond the ends."""

    model_config = _MODEL_CONFIG

    mach: list[float] = Field(
        min_length=2, description="Mach numbers (dimensionless), strictly increasing, >= 0."
    )
    cd: list[float] = Field(
        min_length=2, description="Drag coefficients at those Mach numbers (dimensionless), >= 0."
    )

    @field_validator("mach")
    @classmethod
    def _mach_increasing(cls, v: list[float]) -> list[float]:
        if v[0] < 0:
            raise ValueError(f"first Mach number {v[0]:g} must be >= 0")
        for i in range(1, len(v)):
            if not v[i] > v[i - 1]:
                raise ValueError(
                    f"Mach numbers must be strictly increasing; {v[i]:g} (item {i}) follows {v[i - 1]:g}"
                )
        return v

    @field_validator("cd")
    @classmethod
    def _cd_matches(cls, v: list[float], info: ValidationInfo) -> list[float]:
        for i, c in enumerate(v):
            if c < 0:
                raise ValueError(f"drag coefficient {c:g} (item {i}) must be >= 0")
        mach = info.data.get("mach")
        if mach is not None and len(mach) != len(v):
            raise ValueError(f"has {len(v)} values but mach has {len(mach)}; give one cd per Mach number")
        return v

    def cd_at(self, mach: float | np.ndarray) -> float | np.ndarray:
        """Drag coefficient at ``mach`` (scalar or array), linear interpolation, constant off the ends."""
        out = np.interp(mach, self.mach, self.cd)
        return float(out) if np.ndim(out) == 0 else out

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(mach, cd)`` as float64 arrays for compiled kernels."""
        return np.asarray(self.mach, dtype=np.float64), np.asarray(self.cd, dtype=np.float64)


DEFAULT_DRAG = DragCurve(mach=[0.0, 0.85, 1.0, 1.2, 2.0, 4.5], cd=[0.20, 0.20, 0.27, 0.27, 0.20, 0.20])
"""The booster drag curve used in open flyout work (Forden 2007), the default of every vehicle."""

DEFAULT_VERTICAL_RISE_S: dict[str, float] = {"missile": 10.0, "interceptor": 3.0}

DEFAULT_RV_RCS_M2 = 0.01
"""Radar cross-section (m²) a missile takes when it gives none: a warhead-sized reentry vehicle (see
``DEFAULT_SOURCES['rcs_m2']``)."""

FIGURE_FIELDS: tuple[str, ...] = (
    "stages",
    "payload_kg",
    "reference_area_m2",
    "drag",
    "reentry_beta_kg_m2",
    "vertical_rise_s",
    "nominal_range_km",
    "nominal_burnout_speed_km_s",
    "rcs_m2",
    "divert_delta_v_m_s",
    "min_intercept_alt_km",
    "max_intercept_alt_km",
)
"""The fields of a :class:`Vehicle` that carry figures, and so need a source when given."""

DEFAULT_SOURCES: dict[str, str] = {
    "drag": "default curve: " + FORDEN_2007,
    "vertical_rise_s": (
        "default, estimate: a short vertical rise to clear the launcher before the pitch-over, "
        "10 s for missiles and 3 s for interceptors (a steering choice, not a measured figure)"
    ),
    "reference_area_m2": "derived: pi·(d/2)² of the first stage's diameter (see stages)",
    "rcs_m2": (
        "default, estimate: 0.01 m², the order of a warhead-sized reentry vehicle seen nose-on at X band, "
        "the kind of target of open radar-range estimates (jointshield REFERENCES.md, 'Radar geometry': a "
        "0.01 m² target is seen at 0.316 of the range of a 1 m² one; G. Lewis and T. Postol, 'Radar Range "
        "Calculations for the AN/TPY-2 X-Band and NAS Proposed GBX Radars', 2012); one value for the "
        "whole flight and every radar band"
    ),
}
"""Citations of the figures a vehicle takes by default when it does not give them."""


class StageArrays(NamedTuple):
    """A vehicle's stages as float64 arrays of shape (n_stages,), for compiled kernels (SI units).

    Stage ``i`` ignites with the whole stack at ``initial_mass_kg[i]``, burns at ``mass_flow_kg_s[i]``
    for ``burn_time_s[i]`` with ``thrust_n[i]``, reaching ``initial_mass_kg[i] - mass_flow_kg_s[i] *
    burn_time_s[i]``; staging then drops ``dry_mass_kg[i]``, leaving ``initial_mass_kg[i + 1]`` (or the
    payload after the last stage).
    """

    mass_flow_kg_s: np.ndarray
    thrust_n: np.ndarray
    burn_time_s: np.ndarray
    dry_mass_kg: np.ndarray
    initial_mass_kg: np.ndarray


class Vehicle(BaseModel):
    """A ballistic missile or an interceptor: stages, payload, drag, and the open sources of its figures."""

    model_config = _MODEL_CONFIG

    kind: VehicleKind = Field(description="'missile' (ballistic missile) or 'interceptor'.")
    name: str = Field(
        description="Generic name: lower-case letters, digits and hyphens, e.g. notional-irbm (never a "
        "weapon designation)."
    )
    description: str = Field("", description="What the type stands for, in a sentence or two.")
    stages: list[Stage] = Field(
        min_length=1, max_length=4, description="1 to 4 stages, in firing order (first stage first)."
    )
    payload_kg: float = Field(
        gt=0,
        description="Mass above the last stage (kg): for a missile the post-boost bus plus the reentry "
        "vehicle, for an interceptor the kill vehicle.",
    )
    reference_area_m2: float = Field(
        default=None,
        validate_default=True,
        gt=0,
        description="Booster drag reference area (m²); default pi·(d/2)² of the first stage's diameter.",
    )
    drag: DragCurve = Field(
        default=DEFAULT_DRAG, description="Booster drag coefficient against Mach; default Forden (2007)."
    )
    reentry_beta_kg_m2: float | None = Field(
        default=None,
        validate_default=True,
        gt=0,
        description="Ballistic coefficient m/(Cd·A) of what reenters (kg/m²); required for a missile, "
        "not used for an interceptor.",
    )
    vertical_rise_s: float = Field(
        default=None,
        validate_default=True,
        ge=0,
        description="Time flown vertically before the pitch-over (s); default 10 s for a missile, "
        "3 s for an interceptor.",
    )
    nominal_range_km: float | None = Field(
        default=None,
        validate_default=True,
        gt=0,
        description="Nominal (cited) maximum range of a missile (km); sets range_class. Missiles only.",
    )
    nominal_burnout_speed_km_s: float | None = Field(
        default=None,
        validate_default=True,
        gt=0,
        description="Nominal (cited) burnout speed of an interceptor (km/s). Interceptors only.",
    )
    rcs_m2: float | None = Field(
        default=None,
        validate_default=True,
        gt=0,
        description="Radar cross-section the radars see (m²), one value for the whole flight and every "
        "band; default 0.01 m² (a warhead-sized reentry vehicle) for a missile. A scenario launch may "
        "override it.",
    )
    divert_delta_v_m_s: float | None = Field(
        default=None,
        gt=0,
        description="Velocity change the kill vehicle can make after separation to remove the last miss "
        "(m/s). Interceptors only.",
    )
    min_intercept_alt_km: float | None = Field(
        default=None,
        ge=0,
        description="Lowest altitude at which the kill vehicle can intercept (km), e.g. the bottom of "
        "the exo-atmospheric window. Interceptors only.",
    )
    max_intercept_alt_km: float | None = Field(
        default=None,
        gt=0,
        description="Highest altitude at which the kill vehicle can intercept (km); above "
        "min_intercept_alt_km. Interceptors only.",
    )
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Citation of each figure, keyed by field name (stages, payload_kg, ...): title, "
        "author or organisation, year; or 'estimate: derived from ...'.",
    )

    @field_validator("name")
    @classmethod
    def _generic_name(cls, v: str) -> str:
        return generic_name(v, "notional-irbm")

    @field_validator("reference_area_m2", mode="before")
    @classmethod
    def _default_area(cls, v: object, info: ValidationInfo) -> object:
        if v is None:
            stages = info.data.get("stages")
            if not stages:
                # The stages failed validation (and are reported): the model cannot be built, so any
                # placeholder will do here; it never reaches a constructed Vehicle.
                return 1.0
            return math.pi * (stages[0].diameter_m / 2.0) ** 2
        return v

    @field_validator("vertical_rise_s", mode="before")
    @classmethod
    def _default_rise(cls, v: object, info: ValidationInfo) -> object:
        if v is None:
            return DEFAULT_VERTICAL_RISE_S.get(info.data.get("kind", "missile"), 10.0)
        return v

    @field_validator("rcs_m2", mode="before")
    @classmethod
    def _default_rcs(cls, v: object, info: ValidationInfo) -> object:
        if v is None and info.data.get("kind") == "missile":
            return DEFAULT_RV_RCS_M2
        return v

    @field_validator("reentry_beta_kg_m2")
    @classmethod
    def _beta_for_missiles(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is None and info.data.get("kind") == "missile":
            raise ValueError(
                "a missile needs reentry_beta_kg_m2, the ballistic coefficient m/(Cd·A) of what reenters "
                "(kg/m²; of order 1e3 to 3e4)"
            )
        return v

    @field_validator("nominal_range_km")
    @classmethod
    def _range_for_missiles(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and info.data.get("kind") == "interceptor":
            raise ValueError(
                f"{v:g}: an interceptor has no nominal range; give nominal_burnout_speed_km_s instead"
            )
        return v

    @field_validator("nominal_burnout_speed_km_s")
    @classmethod
    def _speed_for_interceptors(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and info.data.get("kind") == "missile":
            raise ValueError(
                f"{v:g}: nominal_burnout_speed_km_s is for interceptors; for a missile give nominal_range_km"
            )
        return v

    @field_validator("divert_delta_v_m_s", "min_intercept_alt_km", "max_intercept_alt_km")
    @classmethod
    def _kill_vehicle_for_interceptors(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and info.data.get("kind") == "missile":
            raise ValueError(f"{v:g}: {info.field_name} describes an interceptor's kill vehicle, not a missile")
        if v is not None and info.field_name == "max_intercept_alt_km":
            low = info.data.get("min_intercept_alt_km")
            if low is not None and not v > low:
                raise ValueError(f"{v:g} must be above min_intercept_alt_km ({low:g})")
        return v

    @field_validator("sources")
    @classmethod
    def _known_source_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for key, text in v.items():
            if key not in FIGURE_FIELDS:
                raise ValueError(f"key {key!r} is not a figure field; allowed: {', '.join(FIGURE_FIELDS)}")
            if not text.strip():
                raise ValueError(
                    f"the citation of {key!r} is empty; give title, author or organisation, year"
                )
        return v

    # ---- derived figures -------------------------------------------------------------------------

    @property
    def launch_mass_kg(self) -> float:
        """Mass at lift-off (kg): all stages plus the payload."""
        return sum(s.gross_mass_kg for s in self.stages) + self.payload_kg

    @property
    def ideal_delta_v_m_s(self) -> float:
        """Ideal (no gravity or drag loss) velocity gain of the whole vehicle (m/s), Tsiolkovsky per stage."""
        dv = 0.0
        m0 = self.launch_mass_kg
        for s in self.stages:
            dv += s.exhaust_speed_m_s * math.log(m0 / (m0 - s.propellant_mass_kg))
            m0 -= s.gross_mass_kg
        return dv

    @property
    def total_burn_time_s(self) -> float:
        """Sum of the stages' burn times (s), no coast between stages."""
        return sum(s.burn_time_s for s in self.stages)

    @property
    def range_class(self) -> str | None:
        """SRBM, MRBM, IRBM or ICBM from ``nominal_range_km``; None where no range is given."""
        return None if self.nominal_range_km is None else range_class(self.nominal_range_km)

    def stage_arrays(self) -> StageArrays:
        """The stages as float64 arrays of shape (n_stages,) for the integrator (see :class:`StageArrays`)."""
        gross = np.array([s.gross_mass_kg for s in self.stages], dtype=np.float64)
        above = np.concatenate([np.cumsum(gross[::-1])[::-1][1:], [0.0]]) + self.payload_kg
        return StageArrays(
            mass_flow_kg_s=np.array([s.mass_flow_kg_s for s in self.stages], dtype=np.float64),
            thrust_n=np.array([s.thrust_n for s in self.stages], dtype=np.float64),
            burn_time_s=np.array([s.burn_time_s for s in self.stages], dtype=np.float64),
            dry_mass_kg=np.array([s.dry_mass_kg for s in self.stages], dtype=np.float64),
            initial_mass_kg=gross + above,
        )

    # ---- sources ---------------------------------------------------------------------------------

    def uncited_figures(self) -> list[str]:
        """Figure fields this vehicle gives explicitly (not by default) that have no entry in ``sources``."""
        return [
            f
            for f in FIGURE_FIELDS
            if f in self.model_fields_set and getattr(self, f) is not None and f not in self.sources
        ]

    def citations(self) -> dict[str, str]:
        """Citation of every figure the vehicle has: its own ``sources`` plus those of the defaults taken."""
        out = dict(self.sources)
        for f in FIGURE_FIELDS:
            defaulted = f not in self.model_fields_set and getattr(self, f) is not None
            if defaulted and f not in out and f in DEFAULT_SOURCES:
                out[f] = DEFAULT_SOURCES[f]
        return out

    def summary(self) -> dict[str, object]:
        """Main figures as a JSON-ready dict: the fields plus launch mass, ideal Δv and range class."""
        d = self.model_dump(mode="json")
        d["sources"] = self.citations()
        d["launch_mass_kg"] = self.launch_mass_kg
        d["ideal_delta_v_m_s"] = self.ideal_delta_v_m_s
        d["total_burn_time_s"] = self.total_burn_time_s
        d["range_class"] = self.range_class
        return d
