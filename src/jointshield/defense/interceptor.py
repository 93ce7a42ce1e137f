"""Interceptor types: a catalogue interceptor, its kill vehicle's limits, and sweeps of its performance.

An :class:`InterceptorType` is what the engagement code needs to know of an interceptor: the booster it
flies (a :class:`~jointshield.flight.vehicles.Vehicle`), the kill vehicle's divert budget (m/s) and the
altitude band in which it can intercept. Catalogue figures are cited in ``data/catalogue.yaml``.

Performance overrides (for sweeps such as the 6.3 km/s vs "closer to 9 km/s" dispute of 2007):

- **Burn time** ``burn_time_s``: every stage's burn time is scaled by the same factor, keeping its
  propellant and Isp; mass flow and thrust scale by the inverse factor. The ideal Δv is unchanged; the
  gravity and drag losses change (a longer burn loses more to gravity), and so does the burnout speed.
  A stretch that leaves the first stage unable to lift off (thrust/weight <= 1.05) is refused.
- **Burnout speed** ``burnout_speed_km_s``: every stage's specific impulse is scaled by one common
  factor (thrust scales with it, masses and burn times are kept), found by iteration so that the
  type's *reference burnout speed* equals the request. The ideal Δv is linear in Isp, so this is the
  one-knob way to make a notional booster faster or slower; it is a performance proxy, not a claim
  about propellants (an Isp of 360 s for 9 km/s is beyond solid motors: a real design would change
  stage sizes and count). Burn time is applied first.
- The **reference burnout speed** of a type is the highest Earth-relative burnout speed over a fan of
  pitch-over kicks (0–45° from the vertical every 2.5°, full burn) launched from the equator towards
  the north on the given Earth model: gravity and drag losses included, as in the reach tables.
  (Steeper kicks are left out: they can fall back before burn-out, which makes the speed jump as the
  performance changes.) It differs from the
  catalogue's cited ``nominal_burnout_speed_km_s`` by the model's losses (a few per cent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.optimize import brentq

from ..earth.constants import G0_M_S2
from ..earth.models import WGS84, EarthModel
from ..errors import InputError
from ..flight.catalogue import get_vehicle
from ..flight.propagate import Booster, powered_flight
from ..flight.vehicles import Vehicle

__all__ = [
    "REFERENCE_KICKS_RAD",
    "InterceptorType",
    "interceptor_type",
    "reference_burnout_speed_m_s",
    "scale_vehicle",
]

REFERENCE_KICKS_RAD = np.deg2rad(np.linspace(0.0, 45.0, 19))
"""Kicks flown to find a type's reference burnout speed (rad from the vertical)."""
MIN_LIFTOFF_THRUST_TO_WEIGHT = 1.05
SPEED_TOLERANCE_M_S = 0.5
"""A burnout-speed override is met to this (m/s)."""


@dataclass(frozen=True, eq=False)
class InterceptorType:
    """An interceptor as the engagement code uses it (SI units)."""

    name: str
    vehicle: Vehicle
    """The booster as flown: the catalogue vehicle with any burn-time or Isp scaling applied."""
    divert_delta_v_m_s: float
    min_intercept_alt_m: float
    max_intercept_alt_m: float
    isp_scale: float = 1.0
    """Factor applied to every stage's Isp to meet a burnout-speed override (1: none)."""
    burn_time_scale: float = 1.0
    """Factor applied to every stage's burn time (1: none)."""

    @cached_property
    def booster(self) -> Booster:
        return Booster.from_vehicle(self.vehicle)

    @property
    def burn_time_s(self) -> float:
        """Time from launch to the kill vehicle's separation at burn-out of the last stage (s)."""
        return self.vehicle.total_burn_time_s

    @cached_property
    def key(self) -> tuple:
        """Hashable figures that fix the type's flight: the cache key of its reach tables."""
        st = self.vehicle.stage_arrays()
        return (
            self.name,
            tuple(np.round(np.concatenate([st.thrust_n, st.burn_time_s, st.mass_flow_kg_s,
                                           st.initial_mass_kg]), 6)),
            round(self.vehicle.payload_kg, 6),
            round(float(self.vehicle.reference_area_m2), 9),
            tuple(self.vehicle.drag.mach),
            tuple(self.vehicle.drag.cd),
            float(self.vehicle.vertical_rise_s),
            self.min_intercept_alt_m,
            self.max_intercept_alt_m,
        )

    def summary(self) -> dict:
        return {
            "name": self.name,
            "divert_delta_v_m_s": self.divert_delta_v_m_s,
            "min_intercept_alt_km": self.min_intercept_alt_m / 1e3,
            "max_intercept_alt_km": self.max_intercept_alt_m / 1e3,
            "burn_time_s": self.burn_time_s,
            "isp_scale": self.isp_scale,
            "burn_time_scale": self.burn_time_scale,
        }


def scale_vehicle(vehicle: Vehicle, isp_scale: float = 1.0, burn_time_scale: float = 1.0) -> Vehicle:
    """The vehicle with every stage's Isp and burn time multiplied by the given factors (masses kept)."""
    stages = [s.model_copy(update={"isp_s": s.isp_s * isp_scale, "burn_time_s": s.burn_time_s * burn_time_scale})
              for s in vehicle.stages]
    return vehicle.model_copy(update={"stages": stages})


def reference_burnout_speed_m_s(vehicle: Vehicle, model: EarthModel = WGS84) -> float:
    """Highest Earth-relative burnout speed (m/s) over :data:`REFERENCE_KICKS_RAD` (see module doc)."""
    booster = Booster.from_vehicle(vehicle)
    fb = powered_flight(booster, 0.0, 0.0, 0.0, 0.0, REFERENCE_KICKS_RAD, booster.burn_time_s, model,
                        t_max_s=booster.burn_time_s + 1.0)
    speed = fb.event_speed_m_s("burnout")
    if not np.any(np.isfinite(speed)):
        raise InputError("interceptor", f"{vehicle.name} does not reach burn-out on any reference kick")
    return float(np.nanmax(speed))


def _require(vehicle: Vehicle, field: str) -> float:
    v = getattr(vehicle, field)
    if v is None:
        raise InputError(
            "interceptor",
            f"{vehicle.name} has no {field}; an interceptor used for engagements needs divert_delta_v_m_s, "
            "min_intercept_alt_km and max_intercept_alt_km",
        )
    return float(v)


def interceptor_type(
    interceptor: str | Vehicle,
    *,
    burnout_speed_km_s: float | None = None,
    burn_time_s: float | None = None,
    model: EarthModel = WGS84,
) -> InterceptorType:
    """The interceptor type of a catalogue name (or an interceptor :class:`Vehicle`), with overrides.

    ``burn_time_s``: total burn time (s) to stretch or shrink the stages to; ``burnout_speed_km_s``:
    reference burnout speed (km/s) to scale Isp to (see the module docstring; 0.5-15 km/s).
    Raises :class:`~jointshield.errors.InputError` naming the field for impossible requests.
    """
    vehicle = get_vehicle(interceptor, "interceptor") if isinstance(interceptor, str) else interceptor
    if vehicle.kind != "interceptor":
        raise InputError("interceptor", f"{vehicle.name!r} is a {vehicle.kind}, not an interceptor")
    divert = _require(vehicle, "divert_delta_v_m_s")
    h_min = _require(vehicle, "min_intercept_alt_km") * 1e3
    h_max = _require(vehicle, "max_intercept_alt_km") * 1e3
    t_scale = 1.0
    if burn_time_s is not None:
        if not (math.isfinite(burn_time_s) and burn_time_s > 0):
            raise InputError("burn_time_s", f"{burn_time_s:g} must be a positive number of seconds")
        t_scale = burn_time_s / vehicle.total_burn_time_s
        first = vehicle.stages[0]
        tw = first.thrust_n / t_scale / (vehicle.launch_mass_kg * G0_M_S2)
        if tw <= MIN_LIFTOFF_THRUST_TO_WEIGHT:
            longest = vehicle.total_burn_time_s * first.thrust_n / (
                vehicle.launch_mass_kg * G0_M_S2 * MIN_LIFTOFF_THRUST_TO_WEIGHT)
            raise InputError(
                "burn_time_s",
                f"{burn_time_s:g} s leaves {vehicle.name}'s first stage with a thrust/weight of {tw:.2f}: it "
                f"would not lift off; at most {longest:.0f} s for this booster",
            )
    scaled = scale_vehicle(vehicle, 1.0, t_scale)
    isp_scale = 1.0
    if burnout_speed_km_s is not None:
        if not (math.isfinite(burnout_speed_km_s) and 0.5 <= burnout_speed_km_s <= 15.0):
            raise InputError("burnout_speed_km_s", f"{burnout_speed_km_s:g} km/s is outside 0.5..15 km/s")
        goal = burnout_speed_km_s * 1e3

        def miss(k: float) -> float:
            return reference_burnout_speed_m_s(scale_vehicle(scaled, k, 1.0), model) - goal

        # Burnout speed = ideal Δv (∝ Isp) less losses that change little: a first guess, then a bracket
        # and Brent's method (the fan's best kick can switch, so the speed is monotone but not smooth).
        v1 = miss(1.0) + goal
        guess = (goal + (vehicle.ideal_delta_v_m_s - v1)) / vehicle.ideal_delta_v_m_s
        lo, hi = guess * 0.97, guess * 1.03
        for _ in range(20):
            f_lo, f_hi = miss(lo), miss(hi)
            if f_lo <= 0.0 <= f_hi:
                break
            lo, hi = (lo * 0.9, hi) if f_lo > 0.0 else (lo, hi * 1.1)
        else:
            raise InputError("burnout_speed_km_s", f"{burnout_speed_km_s:g} km/s cannot be reached by Isp scaling "
                             f"of {vehicle.name}")
        isp_scale = brentq(miss, lo, hi, xtol=1e-9, rtol=1e-12)
        if abs(miss(isp_scale)) > SPEED_TOLERANCE_M_S:
            raise InputError("burnout_speed_km_s", f"{burnout_speed_km_s:g} km/s could not be met by Isp "
                             f"scaling of {vehicle.name} (reached {(miss(isp_scale) + goal) / 1e3:.3f} km/s)")
        scaled = scale_vehicle(scaled, isp_scale, 1.0)
    return InterceptorType(vehicle.name, scaled, divert, h_min, h_max, isp_scale, t_scale)
