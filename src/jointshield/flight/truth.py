"""Ground truth for sensors and tracking: launches flown and sampled on one common time grid.

:func:`fly_truth` aims and flies each launch (powered flight, then free flight to impact, as
:func:`jointshield.flight.flyout.fly_missile` does) and samples every flight on one grid of scenario
times into a :class:`Truth`: ECEF positions and Earth-relative velocities, NaN where an object is not in
flight (before its launch, after its impact). Between the integrator's accepted steps the state is the
cubic Hermite interpolant of position and velocity (see :meth:`FlightBatch.sample_ecef
<jointshield.flight.propagate.FlightBatch.sample_ecef>`); :meth:`Truth.state_at` interpolates the grid
the same way at any other times (radar scan times).

:class:`Truth` is defined here, below the sensors, and is the same class as
``jointshield.sensors.Truth`` (the contract between radars and the tracker).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..earth.models import EarthModel
from ..errors import InputError
from . import kernel as k
from .flyout import aimed_flight

__all__ = ["Truth", "fly_truth", "hermite_sample"]


@dataclass(frozen=True)
class Truth:
    """True states of ``T`` objects on a common time grid of ``K`` instants (NaN where an object is absent).

    An object is absent before its launch and after its impact; ``launch_t_s`` and ``impact_t_s`` say when.
    """

    ids: tuple[str, ...]
    """(T,) object names (the scenario's launch ids)."""
    t_s: np.ndarray
    """(K,) increasing sample times, s after the epoch."""
    r_ecef_m: np.ndarray
    """(T, K, 3) position, m."""
    v_ecef_m_s: np.ndarray
    """(T, K, 3) Earth-relative velocity, m/s."""
    launch_t_s: np.ndarray
    """(T,) launch time, s after the epoch."""
    impact_t_s: np.ndarray
    """(T,) impact time, s after the epoch."""
    impact_lat_deg: np.ndarray
    impact_lon_deg: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def state_at(self, t_s) -> tuple[np.ndarray, np.ndarray]:
        """Position (T, n, 3) m and Earth-relative velocity (T, n, 3) m/s at times ``t_s`` (n,) s.

        Cubic Hermite interpolation of the grid's positions and velocities (:func:`hermite_sample`): NaN
        outside the grid and wherever a bracketing sample is NaN (so up to one grid step after launch and
        before impact may be NaN), exact at the grid's own times.
        """
        return hermite_sample(self.t_s, self.r_ecef_m, self.v_ecef_m_s, t_s)


def hermite_sample(t_grid_s, r_m, v_m_s, t_s) -> tuple[np.ndarray, np.ndarray]:
    """Cubic Hermite interpolation of positions and velocities given on a time grid, batched.

    ``t_grid_s``: (K,) increasing; ``r_m``, ``v_m_s``: (T, K, 3); ``t_s``: (n,) query times. Returns
    position and velocity (T, n, 3). On each interval [t_i, t_i+1] of length h, with u = (t − t_i)/h,
    r = h00 r_i + h10 h v_i + h01 r_i+1 + h11 h v_i+1 with the Hermite basis h00 = 2u³ − 3u² + 1,
    h10 = u³ − 2u² + u, h01 = −2u³ + 3u², h11 = u³ − u², and v is its time derivative. Query times
    equal to a grid time return that sample exactly; NaN outside [t_0, t_K−1].
    """
    tg = np.asarray(t_grid_s, dtype=float)
    r = np.asarray(r_m, dtype=float)
    v = np.asarray(v_m_s, dtype=float)
    tq = np.atleast_1d(np.asarray(t_s, dtype=float))
    n_obj = r.shape[0]
    out_r = np.full((n_obj, tq.shape[0], 3), np.nan)
    out_v = np.full((n_obj, tq.shape[0], 3), np.nan)
    if tg.shape[0] == 0 or tq.shape[0] == 0:
        return out_r, out_v
    if tg.shape[0] == 1:
        hit = tq == tg[0]
        out_r[:, hit] = r[:, :1]
        out_v[:, hit] = v[:, :1]
        return out_r, out_v
    inside = (tq >= tg[0]) & (tq <= tg[-1])
    t = tq[inside]
    i = np.clip(np.searchsorted(tg, t, side="right") - 1, 0, tg.shape[0] - 2)
    h = tg[i + 1] - tg[i]
    u = (t - tg[i]) / h
    u2, u3 = u * u, u * u * u
    h00, h10, h01, h11 = 2 * u3 - 3 * u2 + 1, u3 - 2 * u2 + u, -2 * u3 + 3 * u2, u3 - u2
    d00, d10, d01, d11 = 6 * u2 - 6 * u, 3 * u2 - 4 * u + 1, -6 * u2 + 6 * u, 3 * u2 - 2 * u
    p0, p1, v0, v1 = r[:, i], r[:, i + 1], v[:, i], v[:, i + 1]
    hc = h[None, :, None]
    ri = h00[None, :, None] * p0 + h10[None, :, None] * hc * v0 + h01[None, :, None] * p1 \
        + h11[None, :, None] * hc * v1
    vi = (d00[None, :, None] * p0 + d01[None, :, None] * p1) / hc + d10[None, :, None] * v0 \
        + d11[None, :, None] * v1
    # At a grid time return the sample itself (its neighbour may be NaN: just before launch, after impact).
    at0 = (u == 0.0)[None, :, None]
    at1 = (u == 1.0)[None, :, None]
    ri = np.where(at0, p0, np.where(at1, p1, ri))
    vi = np.where(at0, v0, np.where(at1, v1, vi))
    out_r[:, inside] = ri
    out_v[:, inside] = vi
    return out_r, out_v


def fly_truth(
    ids: Sequence[str],
    vehicles: Sequence,
    launch_lat_deg,
    launch_lon_deg,
    target_lat_deg,
    target_lon_deg,
    launch_t_s,
    model: EarthModel,
    *,
    dt_s: float = 1.0,
    shapes: Sequence[str | None] | None = None,
    apogee_m: Sequence[float | None] | None = None,
    burnout_angle_deg: Sequence[float | None] | None = None,
    t_start_s: float | None = None,
    t_end_s: float | None = None,
) -> Truth:
    """Fly T launches (aimed at their targets, powered and free flight) and sample them into a :class:`Truth`.

    ``vehicles``: catalogue :class:`~jointshield.flight.vehicles.Vehicle` objects, one per launch; places in
    degrees (launches from the surface, altitude 0); ``launch_t_s``: s after the epoch. ``shapes``,
    ``apogee_m``, ``burnout_angle_deg`` (one entry per launch, None for the default) shape each
    trajectory as in :func:`~jointshield.flight.flyout.fly_missile` (default minimum-energy).

    The grid runs every ``dt_s`` seconds from ``t_start_s`` (default: the earliest launch) to the first
    grid time at or after ``t_end_s`` (default: the last impact). A launch that cannot reach its target
    raises :class:`~jointshield.errors.InputError` whose field is ``launch <id>``.
    """
    n = len(ids)
    if not (dt_s > 0 and np.isfinite(dt_s)):
        raise InputError("dt_s", f"{dt_s!r} must be a finite number > 0 (s)")
    lat0, lon0, lat1, lon1, t_launch = (
        np.broadcast_to(np.asarray(a, dtype=float), (n,)).copy()
        for a in (launch_lat_deg, launch_lon_deg, target_lat_deg, target_lon_deg, launch_t_s)
    )
    shapes = list(shapes) if shapes is not None else [None] * n
    apogee = list(apogee_m) if apogee_m is not None else [None] * n
    angle = list(burnout_angle_deg) if burnout_angle_deg is not None else [None] * n
    flights = []
    for i in range(n):  # one aiming problem per launch (setup, not a hot path)
        try:
            af = aimed_flight(vehicles[i], (lat0[i], lon0[i]), (lat1[i], lon1[i]), model,
                              apogee_m=apogee[i], burnout_angle_deg=angle[i], shape=shapes[i])
        except InputError as exc:
            raise InputError(f"launch {ids[i]}", exc.message) from None
        if af.flight.status[0] != k.ST_IMPACT:
            raise InputError(f"launch {ids[i]}", f"did not come down ({k.STATUS_NAMES[int(af.flight.status[0])]})")
        flights.append(af.flight)
    t_impact = np.array([t_launch[i] + fb.event_t_s[0, k.EV_IMPACT] for i, fb in enumerate(flights)])
    t0 = float(np.min(t_launch)) if t_start_s is None else float(t_start_s)
    t1 = float(np.max(t_impact)) if t_end_s is None else float(t_end_s)
    count = max(int(np.ceil((t1 - t0) / dt_s - 1e-9)), 0) + 1 if n else 0
    t_grid = t0 + dt_s * np.arange(count)
    r = np.full((n, count, 3), np.nan)
    v = np.full((n, count, 3), np.nan)
    impact_lat = np.empty(n)
    impact_lon = np.empty(n)
    for i, fb in enumerate(flights):
        tau = t_grid - t_launch[i]
        live = (tau >= 0.0) & (tau <= fb.event_t_s[0, k.EV_IMPACT])
        r[i, live], v[i, live] = fb.sample_ecef(0, tau[live])
        ilat, ilon, _ = fb.event_geodetic("impact")
        impact_lat[i], impact_lon[i] = np.rad2deg(ilat[0]), np.rad2deg(ilon[0])
    return Truth(
        ids=tuple(ids),
        t_s=t_grid,
        r_ecef_m=r,
        v_ecef_m_s=v,
        launch_t_s=t_launch,
        impact_t_s=t_impact,
        impact_lat_deg=impact_lat,
        impact_lon_deg=impact_lon,
        launch_lat_deg=lat0,
        launch_lon_deg=lon0,
    )
