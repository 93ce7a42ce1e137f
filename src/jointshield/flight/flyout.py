"""One flight from start to impact, summarised: the domain behind ``jointshield fly``.

Two ways in: a burnout state (place, altitude, speed, flight-path angle, azimuth, all relative to the
rotating Earth) flown in free flight, or a catalogue missile launched from a place and aimed at a
target (minimum-energy, or lofted/depressed to a given apogee or burnout angle). Both return a
:class:`Flyout` with the figures a user asks for and the sampled path. Bad or impossible input raises
:class:`~jointshield.errors.InputError` naming the option, the value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import geodetic_to_ecef
from ..earth.geodesy import surface_distance_m
from ..earth.models import EarthModel
from ..errors import InputError
from . import kernel as k
from .aim import MAX_AIM_RANGE_M, AimResult, aim
from .propagate import Booster, FlightBatch, free_flight, powered_flight

RECORD_STEPS = 4000
MAX_BURNOUT_ALT_M = 5_000e3


@dataclass(frozen=True)
class Flyout:
    """A single flight: summary figures (SI units unless the name says otherwise) and its path."""

    summary: dict
    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    range_m: np.ndarray
    speed_m_s: np.ndarray
    r_ecef_m: np.ndarray
    events: dict
    """Event name -> index into the path arrays."""
    launch_deg: tuple[float, float]
    target_deg: tuple[float, float] | None


def _summarise(fb: FlightBatch, lat0, lon0, model: EarthModel) -> dict:
    ilat, ilon, _ = fb.event_geodetic("impact")
    rng = surface_distance_m(lat0, lon0, ilat, ilon, model)
    t = fb.event_t_s[0]
    s = {
        "earth": model.name,
        "status": k.STATUS_NAMES[int(fb.status[0])],
        "range_km": float(rng[0]) / 1e3,
        "flight_time_s": float(t[k.EV_IMPACT]),
        "apogee_km": float(fb.apogee_alt_m()[0]) / 1e3,
        "apogee_time_s": _num(t[k.EV_APOGEE]),
        "impact_lat_deg": float(np.rad2deg(ilat[0])),
        "impact_lon_deg": float(np.rad2deg(ilon[0])),
        "impact_speed_m_s": float(fb.event_speed_m_s("impact")[0]),
        "reentry_time_s": _num(t[k.EV_REENTRY]),
        "reentry_speed_m_s": _num(fb.event_speed_m_s("reentry")[0]),
    }
    return s


def _num(x) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _path(fb: FlightBatch, lat0, lon0, model):
    p = fb.path(0)
    rng = surface_distance_m(np.full_like(p.lat_rad, lat0), np.full_like(p.lon_rad, lon0), p.lat_rad,
                             p.lon_rad, model)
    events = {}
    for e, name in enumerate(k.EVENT_NAMES):
        te = fb.event_t_s[0, e]
        if np.isfinite(te):
            events[name] = int(np.argmin(np.abs(p.t_s - te)))
    return p, rng, events


def _flyout(fb, lat0, lon0, model, summary, target_deg=None) -> Flyout:
    if fb.status[0] != k.ST_IMPACT:
        raise InputError("flight", f"did not come down ({k.STATUS_NAMES[int(fb.status[0])]}); "
                                   "give a lower speed or a steeper angle")
    summary = {**_summarise(fb, lat0, lon0, model), **summary}
    p, rng, events = _path(fb, lat0, lon0, model)
    return Flyout(summary, p.t_s, np.rad2deg(p.lat_rad), np.rad2deg(p.lon_rad), p.alt_m, rng,
                  np.linalg.norm(p.v_ecef_m_s, axis=-1), p.r_ecef_m, events,
                  (float(np.rad2deg(lat0)), float(np.rad2deg(lon0))), target_deg)


def escape_speed_m_s(r_m: float, model: EarthModel) -> float:
    """Inertial escape speed sqrt(2μ/r) at distance r from the Earth's centre (m/s)."""
    return float(np.sqrt(2.0 * model.mu_m3_s2 / r_m))


def fly_burnout(lat_deg: float, lon_deg: float, alt_m: float, speed_m_s: float, angle_deg: float,
                azimuth_deg: float, model: EarthModel, beta_kg_m2: float = np.inf) -> Flyout:
    """Free flight from a burnout state relative to the rotating Earth, to impact."""
    if not 0.0 <= alt_m <= MAX_BURNOUT_ALT_M:
        raise InputError("--altitude-km", f"{alt_m / 1e3:g} is outside 0..{MAX_BURNOUT_ALT_M / 1e3:g} km")
    if not -90.0 <= angle_deg <= 90.0:
        raise InputError("--angle-deg", f"{angle_deg:g} is outside -90..90")
    if not beta_kg_m2 > 0:
        raise InputError("--beta-kg-m2", f"{beta_kg_m2:g} must be > 0 (or omitted for no drag)")
    lat, lon = np.deg2rad(lat_deg), np.deg2rad(lon_deg)
    r = geodetic_to_ecef(lat, lon, alt_m, model)
    # The inertial speed is the Earth-relative one plus the ground's rotation speed at most.
    v_esc = escape_speed_m_s(float(np.linalg.norm(r)), model)
    v_ground = model.omega_rad_s * float(np.hypot(r[0], r[1]))
    if not 0.0 < speed_m_s < v_esc - v_ground:
        raise InputError("--speed-km-s", f"{speed_m_s / 1e3:g} is outside 0..{(v_esc - v_ground) / 1e3:.2f} "
                                         "(escape speed at that place and altitude, less the Earth's rotation)")
    fb = free_flight(lat, lon, alt_m, speed_m_s, np.deg2rad(angle_deg), np.deg2rad(azimuth_deg), model,
                     beta_kg_m2=beta_kg_m2, record_steps=RECORD_STEPS)
    extra = {"burnout_speed_m_s": float(speed_m_s), "burnout_angle_deg": float(angle_deg),
             "burnout_alt_km": alt_m / 1e3, "azimuth_deg": float(azimuth_deg),
             "beta_kg_m2": None if not np.isfinite(beta_kg_m2) else float(beta_kg_m2)}
    return _flyout(fb, lat, lon, model, extra)


@dataclass(frozen=True)
class AimedFlight:
    """A missile aimed at a target and flown with its path recorded (one trajectory)."""

    flight: FlightBatch
    """The flight (batch of one) with ``record_steps`` recorded."""
    steer: AimResult
    """The steering flown."""
    minimum_energy: AimResult
    """The minimum-energy steering to the same target (its reach, for messages and summaries)."""
    shape: str
    """minimum-energy, lofted or depressed."""


def aimed_flight(vehicle, launch_deg: tuple[float, float], target_deg: tuple[float, float],
                 model: EarthModel, apogee_m: float | None = None,
                 burnout_angle_deg: float | None = None, shape: str | None = None,
                 record_steps: int = RECORD_STEPS) -> AimedFlight:
    """Aim a vehicle from ``launch_deg`` (lat, lon) at ``target_deg`` and fly it, recording its path.

    The steering of :func:`fly_missile` (which see), without the summary. Raises
    :class:`~jointshield.errors.InputError` (fields ``--to``, ``--apogee-km``, ``--burnout-angle-deg``)
    where the target cannot be reached.
    """
    booster = Booster.from_vehicle(vehicle)
    lat, lon = np.deg2rad(launch_deg)
    tlat, tlon = np.deg2rad(target_deg)
    me = aim(booster, lat, lon, tlat, tlon, model)
    if not me.reachable[0]:
        d = float(np.ravel(surface_distance_m(lat, lon, tlat, tlon, model))[0])
        if d > MAX_AIM_RANGE_M:
            raise InputError("--to", f"target {d / 1e3:,.0f} km away is beyond the "
                                     f"{MAX_AIM_RANGE_M / 1e3:,.0f} km that aiming supports (near-antipodal)")
        if d < me.max_range_m[0]:
            raise InputError("--to", f"target {d / 1e3:,.0f} km away is at the edge of the reach of {vehicle.name} "
                                     f"(about {me.max_range_m[0] / 1e3:,.0f} km along that azimuth) and the "
                                     f"aiming did not converge (best miss {me.miss_m[0] / 1e3:,.1f} km)")
        raise InputError("--to", f"target {d / 1e3:,.0f} km away is beyond the reach of {vehicle.name} "
                                 f"(maximum range {me.max_range_m[0] / 1e3:,.0f} km along that azimuth)")
    steer = me
    if apogee_m is None and burnout_angle_deg is None:
        shape = "minimum-energy"
    else:
        if apogee_m is not None and burnout_angle_deg is not None:
            raise InputError("--apogee-km", "give either --apogee-km or --burnout-angle-deg, not both")
        ref = powered_flight(booster, lat, lon, 0.0, me.azimuth_rad, me.kick_rad, me.cutoff_s, model)
        if apogee_m is not None:
            if not apogee_m > 0:
                raise InputError("--apogee-km", f"{apogee_m / 1e3:g} must be > 0")
            lofted = apogee_m > ref.apogee_alt_m()[0]
        else:
            if not -10.0 < burnout_angle_deg < 90.0:
                raise InputError("--burnout-angle-deg", f"{burnout_angle_deg:g} is outside -10..90")
            lofted = np.deg2rad(burnout_angle_deg) > ref.event_flight_path_angle_rad("burnout")[0]
        shape = shape if shape in ("lofted", "depressed") else ("lofted" if lofted else "depressed")
        steer = aim(booster, lat, lon, tlat, tlon, model, shape=shape, apogee_m=apogee_m,
                    burnout_angle_rad=None if burnout_angle_deg is None else np.deg2rad(burnout_angle_deg))
        if not steer.reachable[0]:
            what = (f"apogee {apogee_m / 1e3:g} km" if apogee_m is not None
                    else f"burnout angle {burnout_angle_deg:g}°")
            raise InputError("--apogee-km" if apogee_m is not None else "--burnout-angle-deg",
                             f"{vehicle.name} cannot reach the target on a {shape} flight with {what}; "
                             f"the minimum-energy flight has apogee {ref.apogee_alt_m()[0] / 1e3:,.0f} km")
    fb = powered_flight(booster, lat, lon, 0.0, steer.azimuth_rad, steer.kick_rad, steer.cutoff_s, model,
                        record_steps=record_steps)
    return AimedFlight(fb, steer, me, shape)


def fly_missile(vehicle, launch_deg: tuple[float, float], target_deg: tuple[float, float],
                model: EarthModel, apogee_m: float | None = None,
                burnout_angle_deg: float | None = None, shape: str | None = None) -> Flyout:
    """Launch a catalogue vehicle from ``launch_deg`` (lat, lon) and aim it at ``target_deg``.

    Without ``apogee_m`` or ``burnout_angle_deg`` the flight is minimum-energy; with one of them it is
    lofted or depressed, whichever side of the minimum-energy flight the request lies on (or as
    ``shape`` says, when given).
    """
    af = aimed_flight(vehicle, launch_deg, target_deg, model, apogee_m, burnout_angle_deg, shape)
    fb, steer, me, shape = af.flight, af.steer, af.minimum_energy, af.shape
    lat, lon = np.deg2rad(launch_deg)
    tlat, tlon = np.deg2rad(target_deg)
    r_imp, _ = fb.event_state_ecef("impact")
    r_tgt = geodetic_to_ecef(tlat, tlon, 0.0, model)
    tb = fb.event_t_s[0, k.EV_BURNOUT]
    extra = {
        "missile": vehicle.name,
        "shape": shape,
        "target_lat_deg": float(target_deg[0]),
        "target_lon_deg": float(target_deg[1]),
        "miss_km": float(np.linalg.norm(r_imp[0] - r_tgt)) / 1e3,
        "burnout_time_s": float(tb),
        "burnout_speed_m_s": float(fb.event_speed_m_s("burnout")[0]),
        "burnout_angle_deg": float(np.rad2deg(fb.event_flight_path_angle_rad("burnout")[0])),
        "burnout_alt_km": float(fb.event_geodetic("burnout")[2][0]) / 1e3,
        "azimuth_deg": float(np.rad2deg(steer.azimuth_rad[0])),
        "kick_deg": float(np.rad2deg(steer.kick_rad[0])),
        "cutoff_s": float(steer.cutoff_s[0]),
        "max_range_km": float(me.max_range_m[0]) / 1e3,
    }
    return _flyout(fb, lat, lon, model, extra, target_deg=(float(target_deg[0]), float(target_deg[1])))
