"""Engagement windows: the span of a threat's predicted path that a site can reach, given its decision.

Inputs are arrays. A threat's *predicted path* is sampled (times, ECEF positions and Earth-relative
velocities, :class:`ThreatPaths`), e.g. predicted from a track state by free flight
(:meth:`ThreatPaths.from_states`). For every (site, threat, sample) the site's reach table
(:mod:`.reach`) gives the earliest flight time T to the sample's point; the interceptor must then be
launched by ``launch_by = t − T``. With the site's *earliest launch* ``t_L0 = decision time + readiness``
(the decision time is when detection, firm track, classification and the commit delay are done; the
engine supplies it), a sample can be intercepted when

- its altitude is inside the type's intercept band and the table reaches it (after the kill vehicle
  separates), and
- ``launch_by >= t_L0``.

The window of a pair is the set of such samples: its earliest intercept (interpolated between the
samples where ``launch_by`` crosses ``t_L0``), its latest intercept (the last such sample: the window's
far edge is resolved to the sampling interval), the intercept altitude and the closing speed at each,
and the latest launch time (the largest ``launch_by``). The window need not be one piece (a threat may
leave and re-enter reach); :meth:`EngagementWindows.intercept_for_launch` answers "launched at τ, when is
the intercept?" exactly on the samples.

Closing speed is |v_threat − v_interceptor| at the point, the interceptor's velocity from the table's
speed and flight-path angle along the outbound geodesic from the site (the interceptor's small
cross-range velocity from Coriolis drift is neglected).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import enu_rotation
from ..earth.models import EarthModel
from ..flight.propagate import free_flight_ecef
from ._paths import sample_batch_ecef
from .reach import ReachTable, geodetic_points, point_geometry_geodetic
from .sites import Sites

__all__ = ["EngagementWindows", "ThreatPaths", "engagement_windows", "windows_from_launch_by"]


@dataclass(frozen=True)
class ThreatPaths:
    """M predicted threat paths sampled at K times (NaN-padded rows): leading axis M."""

    t_s: np.ndarray
    """(M, K) times (s since the scenario epoch), increasing along each row; NaN after the row's end."""
    r_ecef_m: np.ndarray
    """(M, K, 3) ECEF positions (m)."""
    v_ecef_m_s: np.ndarray
    """(M, K, 3) Earth-relative velocities (m/s)."""

    def __len__(self) -> int:
        return self.t_s.shape[0]

    @classmethod
    def from_samples(cls, t_s, r_ecef_m, v_ecef_m_s) -> ThreatPaths:
        """Paths from samples (times (K,) shared or (M, K); r, v (M, K, 3)) with NaN where a threat is not
        in flight, e.g. a :class:`~jointshield.flight.truth.Truth` grid or a tracker's prediction."""
        r = np.asarray(r_ecef_m, dtype=float)
        v = np.asarray(v_ecef_m_s, dtype=float)
        t = np.broadcast_to(np.asarray(t_s, dtype=float), r.shape[:2]).copy()
        t[~np.all(np.isfinite(r), axis=-1) | ~np.all(np.isfinite(v), axis=-1)] = np.nan
        order = np.argsort(np.where(np.isnan(t), np.inf, t), axis=1, kind="stable")
        t = np.take_along_axis(t, order, 1)
        r = np.take_along_axis(r, order[..., None], 1).copy()
        v = np.take_along_axis(v, order[..., None], 1).copy()
        r[np.isnan(t)] = np.nan
        v[np.isnan(t)] = np.nan
        return cls(t, r, v)

    @classmethod
    def from_states(cls, t0_s, r_ecef_m, v_ecef_m_s, model: EarthModel, *, dt_s: float = 5.0,
                    beta_kg_m2=np.inf, t_max_s: float = 3600.0) -> ThreatPaths:
        """Predict M ballistic paths by free flight from states (t0 (M,), r (M, 3), v (M, 3), ECEF) to
        impact, sampled every ``dt_s`` from each t0 and at impact (one batch through the flight kernel)."""
        r = np.atleast_2d(np.asarray(r_ecef_m, dtype=float))
        v = np.atleast_2d(np.asarray(v_ecef_m_s, dtype=float))
        t0 = np.broadcast_to(np.asarray(t0_s, dtype=float), (r.shape[0],))
        fb = free_flight_ecef(r, v, model, beta_kg_m2=beta_kg_m2, t_max_s=t_max_s, record_steps=400)
        t_end = fb.t_end_s
        k = int(np.ceil(np.max(t_end) / dt_s)) + 2
        rel = np.arange(k) * dt_s
        rel = np.minimum(rel[None, :], t_end[:, None])
        rel[:, -1] = t_end
        r_s, v_s = sample_batch_ecef(fb, rel)
        dup = np.concatenate([np.zeros((len(t0), 1), bool), np.diff(rel, axis=1) <= 0], axis=1)
        r_s[dup] = np.nan
        return cls.from_samples(rel + t0[:, None], r_s, v_s)

    def state_at(self, m: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position and velocity (P, 3) of threats ``m`` (P,) at times ``t_s`` (P,): cubic Hermite
        between the samples (NaN outside a path)."""
        from ._paths import hermite_ecef

        m = np.atleast_1d(m)
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        r, v = hermite_ecef(self.t_s[m], self.r_ecef_m[m], self.v_ecef_m_s[m], t[:, None])
        return r[:, 0], v[:, 0]


@dataclass(frozen=True)
class EngagementWindows:
    """Windows of S sites × M threats (arrays (S, M) unless said otherwise; NaN where infeasible)."""

    feasible: np.ndarray
    earliest_launch_s: np.ndarray
    """Decision time + the site's readiness: the first moment the site can launch at the threat."""
    latest_launch_s: np.ndarray
    """The last launch that still intercepts (max of ``launch_by_s`` over the window)."""
    earliest_intercept_s: np.ndarray
    latest_intercept_s: np.ndarray
    earliest_alt_m: np.ndarray
    latest_alt_m: np.ndarray
    earliest_closing_m_s: np.ndarray
    latest_closing_m_s: np.ndarray
    t_s: np.ndarray
    """(M, K) the threat samples' times."""
    launch_by_s: np.ndarray
    """(S, M, K) latest launch to intercept at each sample (t − T); NaN where it cannot be intercepted."""
    alt_m: np.ndarray
    """(M, K) geodetic altitude of the samples."""
    closing_m_s: np.ndarray
    """(S, M, K) closing speed at each sample."""

    def intercept_for_launch(self, site, threat, launch_s):
        """The intercept of a shot launched no earlier than ``launch_s`` (arrays broadcast to (P,)).

        Returns ``(intercept_s, launch_s, alt_m, closing_m_s)``: the earliest sample time at which the
        interceptor can meet the threat (interpolated where ``launch_by`` crosses the launch time), and
        the launch time that gets it there exactly — later than asked where the threat first enters
        reach after the interceptor could arrive (it then waits on its launcher). NaN where no intercept.
        """
        s, m, tau = np.broadcast_arrays(np.asarray(site), np.asarray(threat), np.asarray(launch_s, float))
        s, m, tau = s.ravel(), m.ravel(), tau.ravel()
        lb = self.launch_by_s[s, m]  # (P, K)
        t = self.t_s[m]
        ok = np.isfinite(lb) & (lb >= tau[:, None] - 1e-9)
        has = ok.any(axis=1)
        k = np.argmax(ok, axis=1)
        rows = np.arange(len(s))
        kp = np.maximum(k - 1, 0)
        lb_k, lb_p = lb[rows, k], lb[rows, kp]
        t_k, t_p = t[rows, k], t[rows, kp]
        interp = has & (k > 0) & np.isfinite(lb_p) & (lb_k > lb_p)
        w = np.where(interp, (tau - lb_p) / np.where(lb_k > lb_p, lb_k - lb_p, 1.0), 1.0)
        w = np.clip(w, 0.0, 1.0)
        t_i = np.where(interp, t_p + w * (t_k - t_p), t_k)
        launch = np.where(interp, tau, lb_k)
        alt = self.alt_m[m]
        clo = self.closing_m_s[s, m]
        a_i = np.where(interp, alt[rows, kp] + w * (alt[rows, k] - alt[rows, kp]), alt[rows, k])
        c_i = np.where(interp, clo[rows, kp] + w * (clo[rows, k] - clo[rows, kp]), clo[rows, k])
        nan = ~has
        return tuple(np.where(nan, np.nan, x) for x in (t_i, launch, a_i, c_i))


def _closing_speed(rot, heading, v_threat, speed, gamma):
    """|v_threat − v_interceptor| (P,) with the interceptor flying outbound from the site: ``rot`` (P, 3, 3)
    the points' ENU rotations (rows east, north, up in ECEF), ``heading`` (P,) the direction of travel
    at the point away from the site (rad from north), ``v_threat`` (P, 3) ECEF, the interceptor's
    ``speed`` (P,) and flight-path angle ``gamma`` (P,)."""
    c = np.cos(gamma)
    v_enu = np.stack([speed * c * np.sin(heading), speed * c * np.cos(heading), speed * np.sin(gamma)], -1)
    v_int = np.einsum("...i,...ij->...j", v_enu, rot)
    return np.linalg.norm(v_threat - v_int, axis=-1)


def engagement_windows(sites: Sites, threats: ThreatPaths, decision_time_s, model: EarthModel, *,
                       tables: list[ReachTable] | None = None, site_free_s=None) -> EngagementWindows:
    """Windows of every (site, threat) pair (see the module docstring).

    ``decision_time_s``: (M,) or (S, M) time at which the decision to engage each threat is taken (NaN:
    not yet); ``site_free_s``: optional (S,) earliest time each site can launch again (after its earlier
    launches); ``tables``: the sites' reach tables (default :meth:`Sites.reach_tables`).
    """
    n_s, n_m = len(sites), len(threats)
    tables = sites.reach_tables(model) if tables is None else tables
    dec = np.broadcast_to(np.asarray(decision_time_s, dtype=float), (n_s, n_m))
    t_l0 = dec + sites.readiness_s[:, None]
    if site_free_s is not None:
        t_l0 = np.maximum(t_l0, np.asarray(site_free_s, dtype=float)[:, None])
    r = threats.r_ecef_m  # (M, K, 3)
    k = r.shape[1]
    # The points' geodetic coordinates and ENU axes do not depend on the site: once for all sites.
    lat, lon, alt_all, bad = geodetic_points(r, model)
    alt = np.where(np.isfinite(threats.t_s), alt_all, np.nan)  # (a NaN time has a NaN position, and back)
    rot = None
    launch_by = np.full((n_s, n_m, k), np.nan)
    closing = np.full((n_s, n_m, k), np.nan)
    for s in range(n_s):  # sites: a few, each one vectorised over threats × samples
        az, rng, h, heading = point_geometry_geodetic(sites.lat_rad[s], sites.lon_rad[s], lat, lon, alt_all, bad,
                                                      model)
        look = tables[s].lookup(az, rng, h)
        it = sites.types[s]
        inside = (h >= it.min_intercept_alt_m) & (h <= it.max_intercept_alt_m) & np.isfinite(look.time_s)
        launch_by[s] = np.where(inside, threats.t_s - look.time_s, np.nan)
        if inside.any():  # closing speeds only where the site can intercept
            rot = enu_rotation(lat, lon) if rot is None else rot  # (M, K, 3, 3)
            closing[s][inside] = _closing_speed(rot[inside], heading[inside], threats.v_ecef_m_s[inside],
                                                look.speed_m_s[inside], look.gamma_rad[inside])
    return windows_from_launch_by(threats.t_s, launch_by, t_l0, alt, closing)


def windows_from_launch_by(t_s, launch_by_s, earliest_launch_s, alt_m, closing_m_s) -> EngagementWindows:
    """Windows from per-sample latest launch times: ``t_s`` (M, K), ``launch_by_s`` (S, M, K) (NaN where a
    sample cannot be intercepted), ``earliest_launch_s`` (S, M), ``alt_m`` (M, K), ``closing_m_s``
    (S, M, K). What :func:`engagement_windows` does after the reach-table lookups."""
    launch_by = np.asarray(launch_by_s, dtype=float)
    n_s, n_m, k = launch_by.shape
    t_l0 = np.asarray(earliest_launch_s, dtype=float)
    alt = np.asarray(alt_m, dtype=float)
    closing = np.asarray(closing_m_s, dtype=float)
    ok = np.isfinite(launch_by) & (launch_by >= t_l0[..., None])
    feasible = ok.any(axis=-1)
    t = np.broadcast_to(t_s, (n_s, n_m, k))
    latest_k = k - 1 - np.argmax(ok[..., ::-1], axis=-1)
    take = np.take_along_axis
    latest_t = np.where(feasible, take(t, latest_k[..., None], -1)[..., 0], np.nan)
    latest_alt = np.where(feasible, take(np.broadcast_to(alt, t.shape), latest_k[..., None], -1)[..., 0], np.nan)
    latest_clo = np.where(feasible, take(closing, latest_k[..., None], -1)[..., 0], np.nan)
    latest_launch = np.where(feasible, np.max(np.where(ok, launch_by, -np.inf), axis=-1), np.nan)
    wins = EngagementWindows(feasible, np.where(np.isfinite(t_l0), t_l0, np.nan), latest_launch,
                             np.full((n_s, n_m), np.nan), latest_t, np.full((n_s, n_m), np.nan), latest_alt,
                             np.full((n_s, n_m), np.nan), latest_clo, np.asarray(t_s, dtype=float), launch_by,
                             alt, closing)
    ss, mm = np.meshgrid(np.arange(n_s), np.arange(n_m), indexing="ij")
    t_i, _, a_i, c_i = wins.intercept_for_launch(ss.ravel(), mm.ravel(), t_l0.ravel())
    wins.earliest_intercept_s[...] = np.where(feasible.ravel(), t_i, np.nan).reshape(n_s, n_m)
    wins.earliest_alt_m[...] = np.where(feasible.ravel(), a_i, np.nan).reshape(n_s, n_m)
    wins.earliest_closing_m_s[...] = np.where(feasible.ravel(), c_i, np.nan).reshape(n_s, n_m)
    return wins
