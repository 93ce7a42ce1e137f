"""The architecture an analysis asks about: interceptor sites, radars, the Earth model and the delays of
the kill chain between a threat's first detection and the earliest interceptor launch.

Delays, said out loud (defaults are the kill-chain engine's, docs/sim.md):

- **Detection**: the first sample of the threat's path (every ``dt_s``, default 5 s, from launch) at which
  some radar sees it (line of sight past the ellipsoid, field of regard, instrumented range) within that
  radar's detection range for the threat's cross-section (radar equation at its reference Pd,
  :func:`~jointshield.sensors.radar.detection_range_m`). Deterministic: no Pd draw.
- **Firm track**: ``confirm_hits − 1`` further revisits of that radar (the tracker's M of M-of-N: 3).
- **Classification**: not before the threat's thrust ends (a boosting missile's impact point cannot be
  predicted; in the engine its track is classified after burn-out), on the next decision cycle (5 s after
  the threat's launch, and every 5 s).
- **Commit**: 30 s from the verdict to the decision to engage. The threat criteria themselves are not
  applied: an analysis asks what the system *could* engage if the threat were declared one.
- **Readiness**: each site's own (decision to first launch).

Earliest launch = decision + readiness, where decision = cycle-ceil(max(firm track, burn-out)) + commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..defense.interceptor import InterceptorType, interceptor_type
from ..defense.reach import ReachTable
from ..defense.sites import Sites
from ..earth.models import WGS84, EarthModel
from ..errors import InputError
from ..sensors.catalogue import get_radar_type
from ..sensors.radar import Radar, RadarArrays, aer, detection_range_m, visible_aer

__all__ = ["DEFAULT_RADAR_TYPE", "Architecture", "Delays", "detection", "earliest_launch_s"]

DEFAULT_RADAR_TYPE = "notional-uhf-early-warning"
"""Radar assumed when none is given (overtake without a scenario): at the interceptor site, facing the
threat's launch point."""


@dataclass(frozen=True)
class Delays:
    """Kill-chain delays of the analyses (s); see the module docstring."""

    confirm_hits: int = 3
    """Detections that make a firm track (the tracker's M of M-of-N, TrackerConfig.confirm_m)."""
    cycle_s: float = 5.0
    """Decision cycle (RunConfig.cycle_s): classification happens on multiples of it after launch."""
    commit_delay_s: float = 30.0
    """From the threat verdict to the decision to engage (RunConfig.commit_delay_s)."""
    classify_after_burnout: bool = True
    """No verdict before the threat's thrust ends (its impact point is unpredictable while boosting)."""

    def as_dict(self) -> dict:
        return {"confirm_hits": self.confirm_hits, "cycle_s": self.cycle_s, "commit_delay_s": self.commit_delay_s,
                "classify_after_burnout": self.classify_after_burnout}


@dataclass(frozen=True, eq=False)
class Architecture:
    """Interceptor sites and radars on one Earth model, with the kill chain's delays."""

    sites: Sites
    radars: RadarArrays | None
    model: EarthModel = WGS84
    delays: Delays = field(default_factory=Delays)

    def tables(self) -> list[ReachTable]:
        """Each site's (cached) reach table."""
        return self.sites.reach_tables(self.model)

    @classmethod
    def from_scenario(cls, scenario, delays: Delays | None = None) -> Architecture:
        """The scenario's interceptor sites and radars on its Earth model."""
        from ..scenario.defense_schema import sites_from_scenario
        from ..scenario.truth import radar_arrays_from_scenario

        if not scenario.interceptor_sites:
            raise InputError("interceptor_sites", "the scenario has no interceptor sites; add `interceptor_sites:`")
        radars = radar_arrays_from_scenario(scenario) if scenario.sensors else None
        return cls(sites_from_scenario(scenario), radars, scenario.earth_model, delays or Delays())

    @classmethod
    def single_site(cls, lat_deg: float, lon_deg: float, interceptor: str | InterceptorType, *,
                    burnout_speed_km_s: float | None = None, burn_time_s: float | None = None,
                    inventory: int = 10, readiness_s: float = 0.0, launch_interval_s: float = 0.0,
                    pk: float = 0.7, radars: RadarArrays | None = None, model: EarthModel = WGS84,
                    delays: Delays | None = None, site_id: str = "site") -> Architecture:
        """One interceptor site (a catalogue name with optional overrides, or a type) and optional radars."""
        itype = interceptor if isinstance(interceptor, InterceptorType) else interceptor_type(
            interceptor, burnout_speed_km_s=burnout_speed_km_s, burn_time_s=burn_time_s, model=model)
        sites = Sites.build([site_id], np.deg2rad([lat_deg]), np.deg2rad([lon_deg]), [itype], inventory=inventory,
                            readiness_s=readiness_s, launch_interval_s=launch_interval_s, pk=pk)
        return cls(sites, radars, model, delays or Delays())


def default_radar(lat_deg: float, lon_deg: float, facing_lat_deg: float, facing_lon_deg: float,
                  model: EarthModel = WGS84, type_name: str = DEFAULT_RADAR_TYPE) -> RadarArrays:
    """One catalogue radar (default :data:`DEFAULT_RADAR_TYPE`) at a place, its boresight on the geodesic
    azimuth toward another place (where the threat comes from)."""
    from ..earth.geodesy import initial_azimuth_rad

    az = float(np.rad2deg(initial_azimuth_rad(np.deg2rad(lat_deg), np.deg2rad(lon_deg), np.deg2rad(facing_lat_deg),
                                              np.deg2rad(facing_lon_deg), model)))
    try:
        rtype = get_radar_type(type_name)
    except (KeyError, ValueError, InputError) as exc:
        raise InputError("--radar-type", str(exc)) from None
    radar = Radar(id="radar", type=rtype, lat_deg=lat_deg, lon_deg=lon_deg, boresight_az_deg=az)
    return RadarArrays.from_radars([radar], model)


def detection(radars: RadarArrays | None, t_s: np.ndarray, r_ecef_m: np.ndarray, rcs_m2) -> tuple[np.ndarray,
                                                                                                 np.ndarray]:
    """First detection of each threat: time (M,) (NaN: never) and the radar's index (M,) (-1: none).

    ``t_s`` (M, K) sample times, ``r_ecef_m`` (M, K, 3) (NaN where not in flight), ``rcs_m2`` scalar or (M,).
    Detected: visible to the radar and within its detection range for the cross-section (module docstring).
    """
    m_count = t_s.shape[0]
    if radars is None or len(radars) == 0 or m_count == 0:
        return np.full(m_count, np.nan), np.full(m_count, -1, np.int64)
    r = np.nan_to_num(r_ecef_m, nan=0.0)
    az, el, rng = aer(radars, r)  # (R, M, K)
    seen = visible_aer(radars, r, az, el, rng)
    reach = detection_range_m(radars, np.broadcast_to(np.asarray(rcs_m2, float), (m_count,)))  # (R, M)
    det = seen & (rng <= reach[..., None]) & np.isfinite(t_s)[None]
    t_det = np.where(det, t_s[None], np.inf)  # (R, M, K)
    first = np.min(t_det, axis=2)  # (R, M)
    radar = np.argmin(first, axis=0)
    t_first = first[radar, np.arange(m_count)]
    found = np.isfinite(t_first)
    return np.where(found, t_first, np.nan), np.where(found, radar, -1)


def decision_s(arch: Architecture, t_detect_s, radar_index, burnout_t_s) -> np.ndarray:
    """Decision time (M,) after each threat's launch from its first detection (see the module docstring)."""
    d = arch.delays
    t_det = np.asarray(t_detect_s, float)
    idx = np.asarray(radar_index)
    revisit = arch.radars.revisit_s[np.maximum(idx, 0)] if arch.radars is not None else np.zeros(t_det.shape)
    t_firm = t_det + (d.confirm_hits - 1) * revisit
    t_class = np.maximum(t_firm, np.asarray(burnout_t_s, float)) if d.classify_after_burnout else t_firm
    if d.cycle_s > 0:
        t_class = np.ceil(t_class / d.cycle_s - 1e-9) * d.cycle_s
    return np.where(idx >= 0, t_class + d.commit_delay_s, np.nan)


def earliest_launch_s(arch: Architecture, decision) -> np.ndarray:
    """(S, M) earliest launch of each site at each threat: decision + the site's readiness."""
    return np.asarray(decision, float)[None, :] + arch.sites.readiness_s[:, None]
