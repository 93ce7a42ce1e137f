"""Batched propagation: free flight from burnout states, and powered flight of a multi-stage rocket.

The friendly face of :mod:`jointshield.flight.kernel`. Inputs are geodetic places and Earth-relative
speeds and angles; outputs are a :class:`FlightBatch` of arrays with a leading axis N, with events
(burnout, apogee, reentry, impact) located to the integrator's accuracy.

Frames: each trajectory is integrated in the Earth-rotation-only inertial frame (ECI) that coincides
with ECEF at the trajectory's own time 0 (its launch or burnout time); states are converted back to
ECEF at their times with θ = ω·t. Speeds and angles given here are relative to the rotating Earth.

Powered flight (the pitch program): the vehicle rises vertically (along the local geodetic normal)
for ``vertical_rise_s``, tilts linearly towards the launch azimuth by the *kick* angle over
:data:`PITCH_OVER_S`, then flies a gravity turn with thrust along its air-relative velocity. Thrust
stops at the cut-off time (thrust termination shortens the range without changing the pitch program);
what flies on is the payload, with the vehicle's reentry ballistic coefficient.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicHermiteSpline

from ..earth.frames import ecef_to_eci, ecef_to_geodetic, eci_to_ecef, enu_rotation, geodetic_to_ecef
from ..earth.models import EarthModel
from . import kernel as k
from . import kernel_lockstep as kl

PITCH_OVER_S = 10.0
"""Duration of the linear pitch-over from the vertical to the kick angle (s)."""
DEFAULT_REENTRY_ALT_M = 100e3
"""Altitude that counts as reentry into the sensible atmosphere (m)."""
DEFAULT_RTOL = 1e-10
"""Relative tolerance of the DOP853 error control: end states within ~0.1 m of DOP853 at rtol 1e-12."""
DEFAULT_ATOL = 1e-4
"""Absolute tolerance (m and m/s)."""
DEFAULT_T_MAX_S = 4 * 3600.0
DEFAULT_MAX_STEPS = 20000


@dataclass(frozen=True)
class Booster:
    """A vehicle as the kernel sees it: a stage table, a drag table and the payload's β (SI units)."""

    stages: np.ndarray
    """(S, kernel.N_STAGE_COLS): ignition and burn-out time, mass flow, mass at ignition, thrust."""
    area_m2: float
    mach: np.ndarray
    cd: np.ndarray
    reentry_beta_kg_m2: float
    vertical_rise_s: float

    @property
    def burn_time_s(self) -> float:
        """Time from lift-off to burn-out of the last stage (s)."""
        return float(self.stages[-1, k.S_T_END])

    @classmethod
    def from_vehicle(cls, vehicle) -> Booster:
        """Build from a catalogue :class:`~jointshield.flight.vehicles.Vehicle` (stages fire back to back)."""
        st = vehicle.stage_arrays()
        t_end = np.cumsum(st.burn_time_s)
        table = np.stack([t_end - st.burn_time_s, t_end, st.mass_flow_kg_s, st.initial_mass_kg, st.thrust_n],
                         axis=1)
        beta = vehicle.reentry_beta_kg_m2
        mach, cd = vehicle.drag.arrays()
        return cls(table, float(vehicle.reference_area_m2), mach, cd, np.inf if beta is None else float(beta),
                   float(vehicle.vertical_rise_s))


_NO_BOOSTER = Booster(np.array([[0.0, 0.0, 0.0, 1.0, 0.0]]), 0.0, np.array([0.0, 1.0]), np.zeros(2),
                      np.inf, 0.0)


@dataclass(frozen=True)
class Path:
    """One trajectory sampled at the integrator's accepted steps and its events (ECEF, geodetic)."""

    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_m_s: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    alt_m: np.ndarray


@dataclass(frozen=True)
class FlightBatch:
    """Results of N trajectories (leading axis N). Times in s from each trajectory's own time 0."""

    model: EarthModel
    status: np.ndarray
    """(N,) end state, see ``kernel.STATUS_NAMES``."""
    t_end_s: np.ndarray
    y_end_eci: np.ndarray
    event_t_s: np.ndarray
    """(N, 4) time of burnout, apogee, reentry, impact (NaN where the event did not happen)."""
    event_y_eci: np.ndarray
    n_steps: np.ndarray
    record: np.ndarray
    record_n: np.ndarray
    kernel_work: dict[str, int] | None = None
    """What the lockstep kernel did besides its steps (``kernel_lockstep.WORK_NAMES``), summed over the
    batch; ``None`` from the per-trajectory kernel. The benchmark's flop count uses it."""
    kernel_s: float | None = None
    """Wall time of the lockstep kernel call alone (s; without the frame conversions and allocations
    around it); ``None`` from the per-trajectory kernel. The benchmark's flop rate divides by it."""

    def __len__(self) -> int:
        return self.status.shape[0]

    @property
    def impacted(self) -> np.ndarray:
        return self.status == k.ST_IMPACT

    def event_index(self, name: str) -> int:
        return k.EVENT_NAMES.index(name)

    def event_state_ecef(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position (N, 3) m and Earth-relative velocity (N, 3) m/s at an event (NaN if absent)."""
        e = self.event_index(name)
        y = self.event_y_eci[:, e, :]
        t = self.event_t_s[:, e]
        r, v = eci_to_ecef(y[:, :3], y[:, 3:], np.nan_to_num(t), 0.0, self.model.omega_rad_s)
        bad = np.isnan(t)[:, None]
        return np.where(bad, np.nan, r), np.where(bad, np.nan, v)

    def event_geodetic(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Geodetic latitude (rad), longitude (rad) and altitude (m) at an event, (N,) each."""
        r, _ = self.event_state_ecef(name)
        return ecef_to_geodetic(np.nan_to_num(r, nan=self.model.a_m), self.model)

    def event_speed_m_s(self, name: str) -> np.ndarray:
        """Earth-relative speed (m/s) at an event, (N,)."""
        _, v = self.event_state_ecef(name)
        return np.linalg.norm(v, axis=-1)

    def event_flight_path_angle_rad(self, name: str) -> np.ndarray:
        """Earth-relative flight-path angle above the local geodetic horizontal (rad) at an event."""
        r, v = self.event_state_ecef(name)
        lat, lon, _ = ecef_to_geodetic(np.nan_to_num(r, nan=self.model.a_m), self.model)
        up = enu_rotation(lat, lon)[..., 2, :]
        return np.arcsin(np.clip(np.sum(up * v, -1) / np.linalg.norm(v, axis=-1), -1.0, 1.0))

    def apogee_alt_m(self) -> np.ndarray:
        """Highest geodetic altitude (m): at the apogee event, else at the start or impact."""
        _, _, h_apo = self.event_geodetic("apogee")
        r0 = self.record[:, 0, 1:4] if self.record.shape[1] else None
        if r0 is None:
            return h_apo
        _, _, h0 = ecef_to_geodetic(r0, self.model)
        return np.where(np.isnan(self.event_t_s[:, k.EV_APOGEE]), h0, h_apo)

    def _hermite_knots(self, n: int) -> np.ndarray:
        """Recorded steps of trajectory ``n`` (rows t, r_eci, v_eci), sorted, without repeated times."""
        m = int(self.record_n[n])
        rec = self.record[n, :m]
        rec = rec[np.argsort(rec[:, 0], kind="stable")]
        keep = np.concatenate([[True], np.diff(rec[:, 0]) > 0])
        return rec[keep]

    def sample_ecef(self, n: int, t_s) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position (k, 3) m and Earth-relative velocity (k, 3) m/s of trajectory ``n`` at times
        ``t_s`` (k,) s from its own time 0; NaN outside the recorded span [first step, end of flight].

        Needs ``record_steps > 0``. Between the integrator's accepted steps the state is the cubic Hermite
        interpolant of position and velocity in ECI, as in :meth:`path` (errors of millimetres at
        DOP853's free-flight steps).
        """
        rec = self._hermite_knots(n)
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        r_out = np.full(t.shape + (3,), np.nan)
        v_out = np.full(t.shape + (3,), np.nan)
        if rec.shape[0] < 2:
            return r_out, v_out
        inside = (t >= rec[0, 0]) & (t <= rec[-1, 0])
        spline = CubicHermiteSpline(rec[:, 0], rec[:, 1:4], rec[:, 4:7], axis=0)
        ti = t[inside]
        r, v = eci_to_ecef(spline(ti), spline(ti, 1), ti, 0.0, self.model.omega_rad_s)
        r_out[inside], v_out[inside] = r, v
        return r_out, v_out

    def path(self, n: int, max_dt_s: float = 5.0) -> Path:
        """Trajectory ``n`` sampled at least every ``max_dt_s`` seconds and at its events.

        Between the integrator's accepted steps (recorded when ``record_steps > 0``) the state is a cubic
        Hermite interpolant of position and velocity (scipy's ``CubicHermiteSpline``, in ECI), good to
        well under a metre at DOP853's step sizes: for plots and tables, not for accuracy claims.
        """
        rec = self._hermite_knots(n)
        t_knots = rec[:, 0]
        if len(t_knots) >= 2:
            spline = CubicHermiteSpline(t_knots, rec[:, 1:4], rec[:, 4:7], axis=0)
            count = int(np.ceil((t_knots[-1] - t_knots[0]) / max_dt_s)) + 1
            t = np.union1d(np.linspace(t_knots[0], t_knots[-1], count), t_knots)
            r_eci, v_eci = spline(t), spline(t, 1)
        else:
            t, r_eci, v_eci = t_knots, rec[:, 1:4], rec[:, 4:7]
        r, v = eci_to_ecef(r_eci, v_eci, t, 0.0, self.model.omega_rad_s)
        lat, lon, alt = ecef_to_geodetic(r, self.model)
        return Path(t, r, v, lat, lon, alt)


def _outputs(n: int) -> tuple[np.ndarray, ...]:
    """The kernels' output arrays for N trajectories: status, t_end, y_end, event times, event states, steps."""
    return (np.empty(n, np.int64), np.empty(n), np.empty((n, 6)), np.empty((n, k.N_EVENTS)),
            np.full((n, k.N_EVENTS, 6), np.nan), np.zeros(n, np.int64))


def _run(y0_eci, ctrl, breaks, model: EarthModel, booster: Booster, t_max_s, rtol, atol, max_steps,
         record_steps) -> FlightBatch:
    n = y0_eci.shape[0]
    status, t_end, y_end, ev_t, ev_y, n_steps = _outputs(n)
    rec = np.empty((n, record_steps, 7))
    rec_n = np.zeros(n, np.int64)
    k.fly_batch(np.ascontiguousarray(y0_eci, dtype=float), np.ascontiguousarray(ctrl, dtype=float),
                np.ascontiguousarray(breaks, dtype=float), k.earth_vector(model),
                np.ascontiguousarray(booster.stages), booster.area_m2, booster.mach, booster.cd,
                float(t_max_s), float(rtol), float(atol), int(max_steps), status, t_end, y_end, ev_t, ev_y,
                n_steps, rec, rec_n)
    return FlightBatch(model, status, t_end, y_end, ev_t, ev_y, n_steps, rec, rec_n)


def _run_lockstep(y0_eci, ctrl, model: EarthModel, t_max_s, rtol, atol, max_steps) -> FlightBatch:
    """Free flight through the lockstep kernel: the same integration, vectorised across trajectories."""
    n = y0_eci.shape[0]
    status, t_end, y_end, ev_t, ev_y, n_steps = _outputs(n)
    work = np.zeros((kl.work_units(n), len(kl.WORK_NAMES)), np.int64)
    args = (np.ascontiguousarray(y0_eci, dtype=float), np.ascontiguousarray(ctrl, dtype=float),
            k.earth_vector(model), float(t_max_s), float(rtol), float(atol), int(max_steps),
            status, t_end, y_end, ev_t, ev_y, n_steps, work)
    t0 = time.perf_counter()
    kl.fly_free_lockstep(*args)
    kernel_s = time.perf_counter() - t0
    return FlightBatch(model, status, t_end, y_end, ev_t, ev_y, n_steps, np.empty((n, 0, 7)),
                       np.zeros(n, np.int64), dict(zip(kl.WORK_NAMES, work.sum(axis=0).tolist(), strict=True)),
                       kernel_s)


def burnout_state_ecef(lat_rad, lon_rad, alt_m, speed_m_s, gamma_rad, azimuth_rad, model: EarthModel):
    """ECEF position (N, 3) and Earth-relative velocity (N, 3) of burnout states given geodetically.

    ``gamma_rad``: flight-path angle above the local geodetic horizontal; ``azimuth_rad``: heading from
    north, clockwise.
    """
    lat, lon, alt, v, g, az = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, float)) for a in
                                                    (lat_rad, lon_rad, alt_m, speed_m_s, gamma_rad,
                                                     azimuth_rad)))
    r = geodetic_to_ecef(lat, lon, alt, model)
    v_enu = np.stack([v * np.cos(g) * np.sin(az), v * np.cos(g) * np.cos(az), v * np.sin(g)], -1)
    v_ecef = np.einsum("...i,...ij->...j", v_enu, enu_rotation(lat, lon))
    return r, v_ecef


def free_flight(lat_rad, lon_rad, alt_m, speed_m_s, gamma_rad, azimuth_rad, model: EarthModel, *,
                beta_kg_m2=np.inf, impact_alt_m=0.0, reentry_alt_m=DEFAULT_REENTRY_ALT_M,
                t_max_s=DEFAULT_T_MAX_S, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL,
                max_steps=DEFAULT_MAX_STEPS, record_steps=0) -> FlightBatch:
    """Fly N burnout states to impact (all inputs broadcast to (N,)).

    ``beta_kg_m2``: ballistic coefficient m/(Cd·A) for drag when the model has an atmosphere (inf: none).
    """
    r, v = burnout_state_ecef(lat_rad, lon_rad, alt_m, speed_m_s, gamma_rad, azimuth_rad, model)
    return free_flight_ecef(r, v, model, beta_kg_m2=beta_kg_m2, impact_alt_m=impact_alt_m,
                            reentry_alt_m=reentry_alt_m, t_max_s=t_max_s, rtol=rtol, atol=atol,
                            max_steps=max_steps, record_steps=record_steps)


def free_flight_ecef(r_ecef_m, v_ecef_m_s, model: EarthModel, *, beta_kg_m2=np.inf, impact_alt_m=0.0,
                     reentry_alt_m=DEFAULT_REENTRY_ALT_M, t_max_s=DEFAULT_T_MAX_S, rtol=DEFAULT_RTOL,
                     atol=DEFAULT_ATOL, max_steps=DEFAULT_MAX_STEPS, record_steps=0) -> FlightBatch:
    """Fly N states given in ECEF (position (N, 3) m, Earth-relative velocity (N, 3) m/s) to impact."""
    r = np.atleast_2d(np.asarray(r_ecef_m, float))
    v = np.atleast_2d(np.asarray(v_ecef_m_s, float))
    # Every trajectory starts at its own time 0, where the ECI frame coincides with ECEF: one pass writes
    # the kernel's (N, 6) start states (for 100,000 states 2.6 ms less than ecef_to_eci and a stack).
    r, v = (np.ascontiguousarray(a) for a in np.broadcast_arrays(r, v))
    n = r.shape[0]
    y0 = np.empty((n, 6))
    kl.start_states_eci(r, v, model.omega_rad_s, y0)
    ctrl = np.zeros((n, k.N_CTRL))
    ctrl[:, k.C_BETA] = beta_kg_m2
    ctrl[:, k.C_H_IMPACT] = impact_alt_m
    ctrl[:, k.C_H_REENTRY] = reentry_alt_m
    if record_steps == 0:
        return _run_lockstep(y0, ctrl, model, t_max_s, rtol, atol, max_steps)
    breaks = np.full((n, 1), np.inf)
    return _run(y0, ctrl, breaks, model, _NO_BOOSTER, t_max_s, rtol, atol, max_steps, record_steps)


def powered_flight(booster: Booster, lat_rad, lon_rad, alt_m, azimuth_rad, kick_rad, cutoff_s,
                   model: EarthModel, *, impact_alt_m=0.0, reentry_alt_m=DEFAULT_REENTRY_ALT_M,
                   t_max_s=DEFAULT_T_MAX_S, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL,
                   max_steps=DEFAULT_MAX_STEPS, record_steps=0) -> FlightBatch:
    """Launch N rockets from rest on the ground and fly them to impact (inputs broadcast to (N,)).

    ``kick_rad``: pitch-over angle from the vertical; ``cutoff_s``: thrust cut-off time, at most the
    booster's total burn time (larger values are clipped to it).
    """
    lat, lon, alt, az, kick, cut = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, float)) for a in
                                                         (lat_rad, lon_rad, alt_m, azimuth_rad, kick_rad,
                                                          cutoff_s)))
    n = lat.shape[0]
    r = geodetic_to_ecef(lat, lon, alt, model)
    ri, vi = ecef_to_eci(r, np.zeros_like(r), np.zeros(n), 0.0, model.omega_rad_s)
    cut = np.minimum(cut, booster.burn_time_s)
    ctrl = np.zeros((n, k.N_CTRL))
    ctrl[:, k.C_AZIMUTH] = az
    ctrl[:, k.C_KICK] = kick
    ctrl[:, k.C_T_VERTICAL] = booster.vertical_rise_s
    ctrl[:, k.C_T_PITCH] = PITCH_OVER_S
    ctrl[:, k.C_T_CUTOFF] = cut
    ctrl[:, k.C_BETA] = booster.reentry_beta_kg_m2
    ctrl[:, k.C_H_IMPACT] = impact_alt_m
    ctrl[:, k.C_H_REENTRY] = reentry_alt_m
    # Breakpoints: end of vertical rise, end of pitch-over, staging before cut-off, cut-off.
    t_v = booster.vertical_rise_s
    fixed = np.concatenate([[t_v, t_v + PITCH_OVER_S], booster.stages[:-1, k.S_T_END]])
    breaks = np.where(fixed[None, :] < cut[:, None], fixed[None, :], np.inf)
    breaks = np.sort(np.hstack([breaks, cut[:, None]]), axis=1)
    breaks[breaks <= 0.0] = np.inf
    breaks = np.sort(breaks, axis=1)
    return _run(np.hstack([ri, vi]), ctrl, breaks, model, booster, t_max_s, rtol, atol, max_steps,
                record_steps)
