"""Overtake analysis of one corridor: can an interceptor from a site catch a missile flying from A to B?

The missile is aimed along its minimum-energy path and flown (:func:`~.threats.aim_pairs`); along that
path the site's reach table gives, for every sample (every ``dt_s``), the latest launch that still
meets the missile there (``launch_by = t − T``, T the kill vehicle's earliest arrival; only inside the
type's altitude band). With the **earliest launch** τ₀ (``commit_s``: given, or the decision time from
the architecture's detection and delays plus the site's readiness, :mod:`.architecture`):

- **feasible** when some sample has ``launch_by ≥ τ₀``;
- **earliest intercept**: where ``launch_by`` first reaches τ₀ (interpolated between samples), with its
  altitude and closing speed; **latest intercept**: the last such sample (to the sampling interval);
- **margin** = max ``launch_by`` − τ₀: how much later than τ₀ the interceptor could launch and still
  intercept (negative: too late by that much; None: the path never comes within the interceptor's reach
  at any launch time, e.g. a tail chase the kill vehicle cannot win inside its band and 30-minute horizon).

Because the latest launch does not depend on τ₀, the margin falls one second per second of commit delay,
and the **break-even commit** (the latest earliest-launch that still intercepts) is the latest launch.
Burnout speed changes the reach table (Isp scaled, :func:`~jointshield.defense.interceptor_type`), so
:func:`overtake_sweep` builds one table per speed; the **break-even speed** (the slowest interceptor that
still intercepts) is found by bisection between the sweep's last infeasible and first feasible speed.
Times are seconds after the threat's launch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..defense.interceptor import InterceptorType, interceptor_type
from ..defense.sites import Sites
from ..defense.windows import ThreatPaths, engagement_windows
from ..earth.models import WGS84, EarthModel
from ..errors import InputError
from ..flight.propagate import Booster
from ..flight.vehicles import DEFAULT_RV_RCS_M2, Vehicle
from .architecture import Architecture, decision_s, detection
from .threats import aim_pairs, fly_paths

__all__ = ["Corridor", "Overtake", "OvertakeSweep", "overtake", "overtake_sweep"]


@dataclass(frozen=True)
class Corridor:
    """A missile type flown from a launch point to a target (degrees)."""

    missile: Vehicle
    launch_deg: tuple[float, float]
    target_deg: tuple[float, float]
    rcs_m2: float | None = None
    """Radar cross-section (m²) for detection; default the missile's, else 0.01 m²."""


@dataclass(frozen=True)
class Overtake:
    """The verdict on one corridor for one interceptor site (times in s after the threat's launch)."""

    feasible: bool
    earliest_launch_s: float
    """τ₀: the earliest launch (commit time)."""
    latest_launch_s: float | None
    """Latest launch that still intercepts (None: never within reach)."""
    earliest_intercept_s: float | None
    latest_intercept_s: float | None
    intercept_altitude_km: float | None
    """Altitude of the earliest intercept."""
    latest_intercept_altitude_km: float | None
    margin_s: float | None
    closing_speed_km_s: float | None
    """At the earliest intercept."""
    detection_s: float | None
    """First detection (None when τ₀ was given, or never detected)."""
    threat_flight_time_s: float
    threat_burnout_s: float
    threat_apogee_km: float
    interceptor: dict
    """The interceptor type's figures (name, reference burnout speed, burn time, band, ...)."""
    t_s: np.ndarray = field(repr=False)
    """(K,) threat samples' times."""
    launch_by_s: np.ndarray = field(repr=False)
    """(K,) latest launch to intercept at each sample (NaN: out of reach or band)."""
    alt_km: np.ndarray = field(repr=False)
    """(K,) threat altitude (km)."""

    def as_dict(self) -> dict:
        """The scalar fields (JSON-ready; None for undefined)."""
        out = {k: getattr(self, k) for k in (
            "feasible", "earliest_intercept_s", "latest_intercept_s", "intercept_altitude_km", "margin_s",
            "closing_speed_km_s", "earliest_launch_s", "latest_launch_s", "latest_intercept_altitude_km",
            "detection_s", "threat_flight_time_s", "threat_burnout_s", "threat_apogee_km")}
        out["interceptor"] = self.interceptor
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _itype_summary(it: InterceptorType, model: EarthModel) -> dict:
    from ..defense.interceptor import reference_burnout_speed_m_s

    d = it.summary()
    d["burnout_speed_km_s"] = round(reference_burnout_speed_m_s(it.vehicle, model) / 1e3, 3)
    return d


class _Threat:
    """The corridor's flown path, shared by every interceptor variant of a sweep."""

    def __init__(self, corridor: Corridor, model: EarthModel, dt_s: float):
        m = corridor.missile
        booster = Booster.from_vehicle(m)
        (la, lo), (ta, to) = corridor.launch_deg, corridor.target_deg
        steer = aim_pairs(booster, np.deg2rad([la]), np.deg2rad([lo]), np.deg2rad([ta]), np.deg2rad([to]), model,
                          anchors=2)
        if not steer.reachable[0]:
            raise InputError("--to", f"{m.name} cannot be aimed from {la:g},{lo:g} to {ta:g},{to:g} (beyond its "
                             "range, or its aiming did not converge)")
        self.samples = fly_paths(booster, np.deg2rad([la]), np.deg2rad([lo]), steer, model, dt_s=dt_s)
        self.rcs = float(corridor.rcs_m2 if corridor.rcs_m2 is not None else (
            m.rcs_m2 if m.rcs_m2 is not None else DEFAULT_RV_RCS_M2))
        s = self.samples
        self.paths = ThreatPaths.from_samples(s.t_s, s.r_ecef_m, s.v_ecef_m_s)


def _verdict(threat: _Threat, arch: Architecture, commit_s: float | None) -> Overtake:
    s = threat.samples
    sites = arch.sites
    det = None
    if commit_s is None:
        t_det, radar = detection(arch.radars, s.t_s, s.r_ecef_m, threat.rcs)
        if not np.isfinite(t_det[0]):
            raise InputError("--commit-s", "no radar detects the threat; give --commit-s (earliest launch, s after "
                             "the threat's launch) or a radar that sees it")
        det = float(t_det[0])
        dec = decision_s(arch, t_det, radar, s.burnout_t_s)
    else:
        dec = np.array([float(commit_s) - sites.readiness_s[0]])
    win = engagement_windows(sites, threat.paths, dec, arch.model, tables=arch.tables())
    lb = win.launch_by_s[0, 0]
    t0 = float(win.earliest_launch_s[0, 0])
    best = np.nanmax(lb) if np.isfinite(lb).any() else np.nan
    feas = bool(win.feasible[0, 0])
    return Overtake(
        feasible=feas,
        earliest_launch_s=t0,
        latest_launch_s=_num(best),
        earliest_intercept_s=_num(win.earliest_intercept_s[0, 0]),
        latest_intercept_s=_num(win.latest_intercept_s[0, 0]),
        intercept_altitude_km=_num(win.earliest_alt_m[0, 0] / 1e3),
        latest_intercept_altitude_km=_num(win.latest_alt_m[0, 0] / 1e3),
        margin_s=_num(best - t0),
        closing_speed_km_s=_num(win.earliest_closing_m_s[0, 0] / 1e3),
        detection_s=det,
        threat_flight_time_s=float(s.impact_t_s[0]),
        threat_burnout_s=float(s.burnout_t_s[0]),
        threat_apogee_km=float(s.apogee_m[0] / 1e3),
        interceptor=_itype_summary(sites.types[0], arch.model),
        t_s=threat.paths.t_s[0],
        launch_by_s=lb,
        alt_km=win.alt_m[0] / 1e3,
    )


def overtake(arch: Architecture, corridor: Corridor, *, commit_s: float | None = None,
             dt_s: float = 2.0) -> Overtake:
    """The overtake verdict of the architecture's first site on ``corridor`` (see the module docstring).

    ``commit_s``: earliest interceptor launch (s after the threat's launch); default from the
    architecture's radars and delays plus the site's readiness.
    """
    if len(arch.sites) != 1:
        arch = Architecture(one_site(arch.sites, 0), arch.radars, arch.model, arch.delays)
    return _verdict(_Threat(corridor, arch.model, dt_s), arch, commit_s)


def one_site(sites: Sites, i: int, itype: InterceptorType | None = None) -> Sites:
    return Sites.build([sites.ids[i]], sites.lat_rad[i:i + 1], sites.lon_rad[i:i + 1], [itype or sites.types[i]],
                       alt_m=sites.alt_m[i:i + 1], inventory=sites.inventory[i:i + 1],
                       readiness_s=sites.readiness_s[i:i + 1], launch_interval_s=sites.launch_interval_s[i:i + 1],
                       pk=sites.pk[i:i + 1], doctrine=[sites.doctrine[i]],
                       kill_assessment_s=sites.kill_assessment_s[i:i + 1])


@dataclass(frozen=True)
class OvertakeSweep:
    """Sensitivity of the overtake verdict to burnout speed and to the commit time."""

    base: Overtake
    """The verdict at the architecture's own interceptor and commit time."""
    speeds_km_s: np.ndarray
    """(V,) interceptor reference burnout speeds swept (those the type cannot be scaled to are left out,
    with a note)."""
    by_speed: tuple[Overtake, ...]
    """(V,) verdicts at those speeds (same commit time as ``base``)."""
    commits_s: np.ndarray
    """(C,) earliest-launch times swept."""
    margin_by_commit_s: np.ndarray
    """(C,) margin at each (NaN: never within reach)."""
    feasible_by_commit: np.ndarray
    break_even_speed_km_s: float | None
    """Slowest burnout speed that still intercepts (None: none in the sweep does, or all do → see notes)."""
    break_even_commit_s: float | None
    """Latest earliest-launch (s after the threat's launch) that still intercepts; None: never in reach."""
    notes: tuple[str, ...] = ()

    def table(self) -> list[dict]:
        """One row per swept speed: speed, feasible, margin, earliest intercept, its altitude."""
        return [{"burnout_speed_km_s": float(v), "feasible": o.feasible, "margin_s": o.margin_s,
                 "earliest_intercept_s": o.earliest_intercept_s, "intercept_altitude_km": o.intercept_altitude_km}
                for v, o in zip(self.speeds_km_s, self.by_speed, strict=True)]

    def commit_table(self) -> list[dict]:
        return [{"commit_s": float(c), "feasible": bool(f), "margin_s": _num(m)}
                for c, f, m in zip(self.commits_s, self.feasible_by_commit, self.margin_by_commit_s, strict=True)]

    def as_dict(self) -> dict:
        return {"base": self.base.as_dict(), "by_speed": self.table(), "by_commit": self.commit_table(),
                "break_even_speed_km_s": self.break_even_speed_km_s,
                "break_even_commit_s": self.break_even_commit_s, "notes": list(self.notes)}


def overtake_sweep(arch: Architecture, corridor: Corridor, *, commit_s: float | None = None,
                   speeds_km_s=(3, 4, 5, 6, 7, 8, 9), commits_s=None, interceptor: str | None = None,
                   burn_time_s: float | None = None, refine_tol_km_s: float = 0.1, dt_s: float = 2.0,
                   progress=None) -> OvertakeSweep:
    """Overtake verdicts over interceptor burnout speeds and commit times (see the module docstring).

    ``interceptor`` (catalogue name) and ``burn_time_s`` define the type whose Isp is scaled to each
    speed (default: the site's type name and its burn time). ``commits_s`` default: τ₀ − 120 s to τ₀ + 300 s
    every 30 s. ``progress(done, total)`` per reach table built.
    """
    if len(arch.sites) != 1:
        arch = Architecture(one_site(arch.sites, 0), arch.radars, arch.model, arch.delays)
    threat = _Threat(corridor, arch.model, dt_s)
    base = _verdict(threat, arch, commit_s)
    t0 = base.earliest_launch_s
    commit = t0 if commit_s is None else float(commit_s)
    it0 = arch.sites.types[0]
    name = interceptor or it0.name
    burn = burn_time_s if burn_time_s is not None else (it0.burn_time_s if it0.burn_time_scale != 1.0 else None)
    speeds = np.asarray(speeds_km_s, float)
    total = len(speeds) + int(np.ceil(np.log2(max(np.ptp(speeds), 1.0) / refine_tol_km_s))) + 1
    done = [0]

    notes = []

    def at_speed(v: float) -> Overtake | None:
        try:
            it = interceptor_type(name, burnout_speed_km_s=float(v), burn_time_s=burn, model=arch.model)
        except InputError as exc:  # e.g. a fast booster cannot be slowed that far by Isp scaling alone
            notes.append(f"{v:g} km/s: {exc.message}")
            return None
        a = Architecture(one_site(arch.sites, 0, it), arch.radars, arch.model, arch.delays)
        o = _verdict(threat, a, commit)
        done[0] += 1
        if progress:
            progress(done[0], total)
        return o

    by_speed = tuple(at_speed(v) for v in speeds)
    keep = [i for i, o in enumerate(by_speed) if o is not None]
    speeds = speeds[keep]
    by_speed = tuple(by_speed[i] for i in keep)
    feas = np.array([o.feasible for o in by_speed], dtype=bool)
    be_speed = None
    if feas.size == 0:
        notes.append("no swept speed could be modelled")
    elif feas.all():
        notes.append(f"every swept speed intercepts: the break-even speed is below {speeds.min():g} km/s")
    elif not feas.any():
        notes.append(f"no swept speed intercepts: the break-even speed is above {speeds.max():g} km/s (if any)")
    else:
        i = int(np.argmax(feas))  # first feasible speed
        if i == 0 or not feas[i:].all():
            notes.append("the verdict is not monotonic in burnout speed over the sweep")
        lo_v, hi_v = float(speeds[max(i - 1, 0)]), float(speeds[i])
        while hi_v - lo_v > refine_tol_km_s and i > 0:
            mid = 0.5 * (lo_v + hi_v)
            o = at_speed(mid)
            if o is not None and o.feasible:
                hi_v = mid
            else:
                lo_v = mid
        be_speed = round(hi_v, 3)
    if commits_s is None:
        commits_s = commit + np.arange(-120.0, 301.0, 30.0)
    commits = np.asarray(commits_s, float)
    latest = base.latest_launch_s
    margins = np.full(commits.shape, np.nan) if latest is None else latest - commits
    return OvertakeSweep(base, speeds, by_speed, commits, margins, np.nan_to_num(margins, nan=-1.0) >= 0,
                         be_speed, latest, tuple(notes))


def corridor_architecture(site_deg: tuple[float, float], interceptor: str, corridor: Corridor, *,
                          burnout_speed_km_s: float | None = None, burn_time_s: float | None = None,
                          readiness_s: float = 0.0, radar_deg: tuple[float, float] | None = None,
                          radar_type: str | None = None, model: EarthModel = WGS84) -> Architecture:
    """A one-site architecture for an overtake without a scenario: the interceptor at ``site_deg`` and one
    radar (default :data:`~.architecture.DEFAULT_RADAR_TYPE` at the site) facing the threat's launch point."""
    from .architecture import DEFAULT_RADAR_TYPE, default_radar

    rlat, rlon = radar_deg if radar_deg is not None else site_deg
    radars = default_radar(rlat, rlon, corridor.launch_deg[0], corridor.launch_deg[1], model,
                           radar_type or DEFAULT_RADAR_TYPE)
    return Architecture.single_site(site_deg[0], site_deg[1], interceptor, burnout_speed_km_s=burnout_speed_km_s,
                                    burn_time_s=burn_time_s, readiness_s=readiness_s, radars=radars, model=model)
