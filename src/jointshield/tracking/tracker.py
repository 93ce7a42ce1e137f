"""The multi-target, multi-sensor tracker: scan by scan, batched over tracks.

A *scan* is the set of measurements of one radar with one ``scan`` index (:class:`Measurements`). Scans
are processed one after another in the order of their first measurement time (ties: sensor index); a
scan of another radar is simply the next scan, which is how several radars fuse (sequential updates,
each with its own measurement model and noise). For each scan:

1. **predict** every live track to the scan's first measurement time (:func:`.motion.predict`);
2. **gate** (coarse Euclidean pre-test, then χ² on the Mahalanobis distance, see :mod:`.association`);
3. **associate** by global nearest neighbour (``linear_sum_assignment`` on the gated cost matrix), firm
   tracks first, then tentative tracks on the measurements left over;
4. **update** each assigned track (predicted on to its measurement's own time) with the EKF
   (:mod:`.ekf`); a track's second measurement is linearised at the measured position (its prediction is
   uncertain by tens of km, where the Jacobian at the prediction is poor);
5. **count misses** of tracks this radar has seen before (opportunities) and left unassigned;
6. **initiate** a tentative track from each measurement that no firm track gated: position from the
   measurement (covariance linearised at it), velocity = the Earth's rotation velocity there (at rest
   on the Earth) with a large covariance σv² I (``init_velocity_sigma_m_s``, default 3 km/s per axis).
   The second measurement then fixes the velocity: the EKF update with that covariance is two-point
   differencing weighted by the measurement covariances;
7. **life cycle**: a tentative track becomes firm when it has M hits (``confirm_m``) within its first N
   opportunities (``confirm_n``) and is deleted as soon as it cannot. An opportunity is a scan of a radar
   that sees the track: one that has detected it and has not missed it ``delete_misses`` times in a row
   since (per radar, so that a radar losing the target behind its horizon does not end a track another
   radar still holds). A firm track is deleted when no radar sees it any more, after ``max_coast_s``
   without an update, when its position
   uncertainty √tr(Prr) exceeds ``max_position_sigma_m``, or when it is below ``min_altitude_m``
   (it has hit the ground).

A gap in a radar's scan indices (scan k+2 after scan k) is taken as a scan with no detection at all:
every track that radar has seen counts a miss for it.

Every update, birth and deletion is appended to the :class:`TrackHistory` (arrays, one row each).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.frames import eci_to_ecef
from ..earth.models import WGS84, EarthModel
from . import _kernels as kern
from .association import gate_threshold, gnn_assign
from .measurement import Sites
from .motion import DEFAULT_MAX_STEP_S, earth_vector

TENTATIVE = 0
FIRM = 1
DELETED = 2
STATUS_NAMES = ("tentative", "firm", "deleted")
MAX_SENSORS = 63
"""Radars a tracker can fuse (one bit each in a track's set of radars that see it)."""


@dataclass(frozen=True)
class TrackerConfig:
    """The tracker's parameters (SI units)."""

    model: EarthModel = WGS84
    """Earth model: gravity (μ, J2) of the motion model, rotation of the frames."""
    q_m2_s3: float = 1.0
    """White-acceleration spectral density per inertial axis (m²/s³): √(q·60 s) ≈ 8 m/s of velocity
    wander a minute. Covers the small unmodelled forces of exo-atmospheric flight; not thrust, not drag."""
    gate_probability: float = 0.9999
    """Probability that a target's own measurement passes the χ² (3 dof) gate: γ = 21.1."""
    confirm_m: int = 3
    confirm_n: int = 4
    """M-of-N confirmation: M hits within the first N opportunities make a tentative track firm."""
    delete_misses: int = 4
    """Consecutive misses by one radar after which that radar no longer counts as seeing the track (its
    scans stop being opportunities for it); a firm track that no radar sees any more is deleted."""
    max_coast_s: float = 60.0
    """A firm track not updated for longer than this (s) is deleted."""
    max_position_sigma_m: float = 30e3
    """A firm track whose √tr(Prr) grows beyond this (m) is deleted."""
    min_altitude_m: float = -5e3
    """A track whose predicted geodetic altitude falls below this (m) is deleted (impact)."""
    init_velocity_sigma_m_s: float = 3000.0
    """Standard deviation per inertial axis (m/s) of a new track's velocity (mean: at rest on the Earth)."""
    max_step_s: float = DEFAULT_MAX_STEP_S
    """Longest RK4 step of a prediction (s)."""

    def __post_init__(self):
        if not (1 <= self.confirm_m <= self.confirm_n):
            raise ValueError(f"M-of-N confirmation needs 1 <= M <= N, got M={self.confirm_m}, N={self.confirm_n}")
        if not (0.0 < self.gate_probability < 1.0):
            raise ValueError(f"gate_probability must be in (0, 1), got {self.gate_probability}")
        if self.q_m2_s3 < 0 or self.init_velocity_sigma_m_s <= 0 or self.max_step_s <= 0:
            raise ValueError("q_m2_s3 must be >= 0, init_velocity_sigma_m_s and max_step_s > 0")


@dataclass(frozen=True)
class TrackHistory:
    """Every update, birth and deletion of every track, one row each, in processing order.

    States are in the tracker's inertial frame (ECEF frozen at the epoch, :mod:`.motion`); use
    :meth:`ecef` for Earth-fixed positions and velocities.
    """

    model: EarthModel
    track_id: np.ndarray
    """(R,) int64."""
    t_s: np.ndarray
    """(R,) s after the epoch."""
    x_eci: np.ndarray
    """(R, 6) inertial position m and velocity m/s."""
    P_eci: np.ndarray
    """(R, 6, 6) covariance."""
    status: np.ndarray
    """(R,) int8: TENTATIVE, FIRM or DELETED (the deletion row repeats the last state)."""
    meas: np.ndarray
    """(R,) int64 index of the measurement used (-1 on a deletion row)."""
    sensor: np.ndarray
    """(R,) int64 radar of that measurement (-1 on a deletion row)."""
    nis: np.ndarray
    """(R,) normalised innovation squared of the update (NaN at a birth or deletion)."""

    def __len__(self) -> int:
        return int(self.track_id.shape[0])

    def ecef(self) -> tuple[np.ndarray, np.ndarray]:
        """ECEF position (R, 3) m and Earth-relative velocity (R, 3) m/s of every row."""
        return eci_to_ecef(self.x_eci[:, :3], self.x_eci[:, 3:], self.t_s, 0.0, self.model.omega_rad_s)

    def select(self, mask: np.ndarray) -> TrackHistory:
        """The rows where ``mask`` is true."""
        return TrackHistory(self.model, *(getattr(self, f)[mask] for f in _HISTORY_FIELDS))

    def latest(self) -> TrackHistory:
        """The last row of each track (its final state, or its deletion row)."""
        order = np.lexsort((np.arange(len(self)), self.track_id))
        last = np.r_[self.track_id[order][1:] != self.track_id[order][:-1], True]
        return self.select(order[last])


_HISTORY_FIELDS = ("track_id", "t_s", "x_eci", "P_eci", "status", "meas", "sensor", "nis")


@dataclass(frozen=True)
class TrackSet:
    """The live tracks now: structure of arrays with a leading axis N."""

    track_id: np.ndarray
    t_s: np.ndarray
    x_eci: np.ndarray
    P_eci: np.ndarray
    status: np.ndarray
    n_updates: np.ndarray

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


_INT_COLS = ("track_id", "status", "hits", "opps", "seen", "n_upd")
_FLOAT_COLS = ("t", "t_last")


class _Live:
    """The tracker's working arrays, with room for more tracks than are live (``n`` rows used): integer
    columns ``ints`` (cap, 6) — track id, status, hits, opportunities, radars that see it (bit set),
    updates — float columns ``times`` (cap, 2) — time of the state, time of the last update — the state
    ``x`` (cap, 6), covariance ``P`` (cap, 6, 6) and the run of consecutive misses per radar ``miss_run``
    (cap, MAX_SENSORS). The compiled scan loop adds and removes tracks in place."""

    def __init__(self, cap: int = 0):
        self.ints = np.zeros((cap, len(_INT_COLS)), np.int64)
        self.times = np.zeros((cap, len(_FLOAT_COLS)))
        self.x = np.zeros((cap, 6))
        self.P = np.zeros((cap, 6, 6))
        self.miss_run = np.zeros((cap, MAX_SENSORS), np.int32)

    def grow(self, cap: int, n: int) -> None:
        """Room for ``cap`` tracks, keeping the first ``n`` rows."""
        for f in ("ints", "times", "x", "P", "miss_run"):
            old = getattr(self, f)
            new = np.zeros((cap,) + old.shape[1:], old.dtype)
            new[:n] = old[:n]
            setattr(self, f, new)


class _Rows:
    """The history as it grows, one array per :class:`TrackHistory` field (in the order of
    ``_HISTORY_FIELDS``) with room for more rows than are recorded. Rows are only ever appended, so a
    slice of recorded rows never changes: :meth:`Tracker.history` hands out read-only views of them."""

    def __init__(self, cap: int = 0):
        self.arrays = (np.empty(cap, np.int64), np.empty(cap), np.empty((cap, 6)), np.empty((cap, 6, 6)),
                       np.empty(cap, np.int8), np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap))

    @property
    def capacity(self) -> int:
        return self.arrays[0].shape[0]

    def grow(self, cap: int, n: int) -> None:
        """Room for ``cap`` rows, keeping the first ``n`` (views handed out keep the old arrays)."""
        new = []
        for old in self.arrays:
            a = np.empty((cap,) + old.shape[1:], old.dtype)
            a[:n] = old[:n]
            new.append(a)
        self.arrays = tuple(new)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


class Tracker:
    """Multi-target, multi-sensor tracker (ballistic EKF, χ² gating, GNN, M-of-N, sequential fusion).

    Use: ``tracker = Tracker(config); tracker.process(measurements); tracker.history()``. ``process``
    may be called again with later measurements (same radars); the tracker keeps its tracks.

    The scans run in one compiled loop (:func:`._kernels.process_scans`); it hands a scan back only when
    its association needs the optimal assignment (a track or measurement shared between gated pairs,
    ~6% of a raid's scans), which :func:`.association.gnn_assign` solves with scipy, or when the buffers
    need to grow.
    """

    def __init__(self, config: TrackerConfig | None = None):
        cfg = self.config = config or TrackerConfig()
        self._gamma = gate_threshold(cfg.gate_probability, 3)
        self._sqrt_gamma = float(np.sqrt(self._gamma))
        self._sites: Sites | None = None
        self._sites_key = None
        self._earth = earth_vector(cfg.model)
        # The kernels' parameters, in the order of kern.CF_* and kern.CI_*.
        self._cf = np.array([cfg.q_m2_s3, cfg.max_step_s, self._gamma, self._sqrt_gamma, cfg.max_coast_s,
                             cfg.max_position_sigma_m, cfg.min_altitude_m, cfg.model.a_m, cfg.model.f,
                             cfg.init_velocity_sigma_m_s**2, cfg.model.omega_rad_s], dtype=float)
        self._ci = np.array([cfg.confirm_m, cfg.confirm_n, cfg.delete_misses], dtype=np.int64)
        self._live = _Live(64)
        self._rows = _Rows(1024)
        self._state = np.zeros(3, np.int64)  # live tracks, next track id, history rows (kern.ST_*)
        self._last_scan = np.zeros(MAX_SENSORS, np.int64)  # each radar's last scan index ...
        self._has_scan = np.zeros(MAX_SENSORS, np.bool_)  # ... where it has had one
        self._pairs = (np.empty(256, np.int64), np.empty(256, np.int64), np.empty(256))  # gated pairs of a scan
        self.n_measurements = 0
        """Measurements processed so far."""

    # ----------------------------------------------------------------------------------------------
    def tracks(self) -> TrackSet:
        """The live (tentative and firm) tracks now, each at the time of its last prediction or update."""
        lv = self._live
        n = int(self._state[kern.ST_N])
        return TrackSet(lv.ints[:n, 0].copy(), lv.times[:n, 0].copy(), lv.x[:n].copy(), lv.P[:n].copy(),
                        lv.ints[:n, 1].astype(np.int8), lv.ints[:n, 5].copy())

    @property
    def n_rows(self) -> int:
        """History rows recorded so far (pass to :meth:`history` to get only later rows)."""
        return int(self._state[kern.ST_ROWS])

    def history(self, since_row: int = 0) -> TrackHistory:
        """The rows recorded so far (see :class:`TrackHistory`); with ``since_row``, only those recorded
        after :attr:`n_rows` had that value (an engine reads the history as it grows without copying it
        all each time). The arrays are read-only views of the tracker's own rows, which never change once
        recorded (copy them to modify)."""
        sl = slice(since_row, self.n_rows)
        return TrackHistory(self.config.model, *(_read_only(a[sl]) for a in self._rows.arrays))

    # ----------------------------------------------------------------------------------------------
    def process(self, meas) -> Tracker:
        """Process every scan of ``meas`` (a :class:`jointshield.sensors.Measurements`) in time order."""
        m = len(meas)
        if m == 0:
            return self
        sites = self._sites_of(meas)
        z = np.ascontiguousarray(np.stack([meas.range_m, meas.az_rad, meas.el_rad], axis=1), dtype=float)
        var = np.ascontiguousarray(np.stack([meas.sigma_range_m, meas.sigma_az_rad, meas.sigma_el_rad],
                                            axis=1) ** 2, dtype=float)
        t = np.ascontiguousarray(meas.t_s, dtype=float)
        sensor = np.ascontiguousarray(meas.sensor, dtype=np.int64)
        if sensor.max() >= MAX_SENSORS or sensor.min() < 0:
            raise ValueError(f"radar indices must be in [0, {MAX_SENSORS}), got {sensor.min()}..{sensor.max()}")
        scan = np.asarray(meas.scan, dtype=np.int64)
        # Inertial position of every measurement and the radius of its position uncertainty, once.
        r_meas = np.empty((m, 3))
        c_meas = np.empty((m, 3, 3))
        kern.aer_to_inertial_rows(z, var, t, sensor, sites.r_ecef_m, sites.enu_rot, float(self.config.model.omega_rad_s),
                                  r_meas, c_meas)
        rad_meas = np.sqrt(c_meas[:, 0, 0] + c_meas[:, 1, 1] + c_meas[:, 2, 2])
        order = np.lexsort((t, scan, sensor))
        key_s, key_k = sensor[order], scan[order]
        starts = np.flatnonzero(np.r_[True, (key_s[1:] != key_s[:-1]) | (key_k[1:] != key_k[:-1])])
        ends = np.r_[starts[1:], m]
        first_t = t[order[starts]]
        group_order = np.lexsort((key_s[starts], first_t))
        meas_arrays = (z, var, t, sensor, r_meas, c_meas)
        g = 0
        while True:
            lv, h = self._live, self._rows
            g, code, count = kern.process_scans(
                g, order, starts, ends, group_order, key_s, key_k, z, var, t, sensor, r_meas, c_meas, rad_meas,
                sites.r_ecef_m, sites.enu_rot, lv.ints, lv.times, lv.x, lv.P, lv.miss_run, self._last_scan,
                self._has_scan, self._earth, self._cf, self._ci, h.arrays, self._state, *self._pairs)
            if code == kern.SCANS_DONE:
                break
            gi = group_order[g]
            rows = order[starts[gi]:ends[gi]]
            if code == kern.SCANS_NEED_ROOM:
                self._make_room(rows.size)
                continue
            self._finish_shared_scan(rows, int(key_s[starts[gi]]), count, sites, meas_arrays)
            g += 1
        self.n_measurements += m
        return self

    # ----------------------------------------------------------------------------------------------
    def _make_room(self, m: int) -> None:
        """Grow the buffers (at least doubling) to hold the worst case of a scan of ``m`` measurements:
        every measurement a birth, every track gated by every measurement and deleted."""
        n, rows = int(self._state[kern.ST_N]), int(self._state[kern.ST_ROWS])
        lv, h = self._live, self._rows
        if lv.ints.shape[0] < n + m:
            lv.grow(max(n + m, 2 * lv.ints.shape[0]), n)
        if h.capacity < rows + n + 2 * m:
            h.grow(max(rows + n + 2 * m, 2 * h.capacity), rows)
        if self._pairs[0].shape[0] < n * m:
            cap = max(n * m, 2 * self._pairs[0].shape[0])
            self._pairs = (np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap))

    def _finish_shared_scan(self, rows: np.ndarray, s: int, count: int, sites: Sites, meas_arrays) -> None:
        """Associate a scan that :func:`._kernels.process_scans` handed back (gated, ``count`` pairs) and
        finish it with :func:`._kernels.scan_apply`: global nearest neighbour, firm tracks first, then
        tentative ones on what is left, so that a new track (whose large covariance makes every distance
        small) never takes a measurement from an established one."""
        z, var, t, sensor, r_meas, c_meas = meas_arrays
        lv, h = self._live, self._rows
        n = int(self._state[kern.ST_N])
        m = rows.shape[0]
        gamma = self._gamma
        pi, pj, d2 = (b[:count] for b in self._pairs)
        firm_pair = lv.ints[pi, 1] == FIRM
        gated_by_firm = np.zeros(m, bool)
        gated_by_firm[pj[firm_pair]] = True
        assigned_t, assigned_m = gnn_assign(pi[firm_pair], pj[firm_pair], d2[firm_pair], gamma)
        taken = np.zeros(m, bool)
        taken[assigned_m] = True
        rest = ~firm_pair & ~taken[pj]
        if rest.any():
            at, am = gnn_assign(pi[rest], pj[rest], d2[rest], gamma)
            assigned_t = np.concatenate([assigned_t, at])
            assigned_m = np.concatenate([assigned_m, am])
        kern.scan_apply(rows, s, float(t[rows].min()), n, np.ascontiguousarray(assigned_t, np.int64),
                        np.ascontiguousarray(assigned_m, np.int64), gated_by_firm, z, var, t, sensor, r_meas, c_meas,
                        sites.r_ecef_m, sites.enu_rot, lv.ints, lv.times, lv.x, lv.P, lv.miss_run, self._earth,
                        self._cf, self._ci, h.arrays, self._state)

    def _sites_of(self, meas) -> Sites:
        """The kernels' radar sites of ``meas``, rebuilt only when its radars differ from the last call's
        (an engine feeds the same radars cycle after cycle)."""
        key = (meas.site_ecef_m.tobytes(), np.asarray(meas.site_lat_rad).tobytes(),
               np.asarray(meas.site_lon_rad).tobytes())
        if self._sites_key != key:
            self._sites = Sites.of(meas)
            self._sites_key = key
        return self._sites




def track(meas, config: TrackerConfig | None = None) -> TrackHistory:
    """Run a :class:`Tracker` over ``meas`` and return its :class:`TrackHistory`."""
    return Tracker(config).process(meas).history()
