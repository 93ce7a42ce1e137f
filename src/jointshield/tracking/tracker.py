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
    """The tracker's working arrays (leading axis: live tracks), kept in a few blocks so that adding and
    dropping tracks touches five arrays, not eleven: integer columns ``ints`` (N, 6) — track id, status,
    hits, opportunities, radars that see it (bit set), updates — float columns ``times`` (N, 2) — time of
    the state, time of the last update — the state ``x`` (N, 6), covariance ``P`` (N, 6, 6) and the run of
    consecutive misses per radar ``miss_run`` (N, MAX_SENSORS). The columns are views into the blocks."""

    def __init__(self, n: int = 0):
        self.ints = np.zeros((n, len(_INT_COLS)), np.int64)
        self.times = np.zeros((n, len(_FLOAT_COLS)))
        self.x = np.zeros((n, 6))
        self.P = np.zeros((n, 6, 6))
        self.miss_run = np.zeros((n, MAX_SENSORS), np.int32)

    def _blocks(self):
        return ("ints", "times", "x", "P", "miss_run")

    def keep(self, mask: np.ndarray) -> None:
        for f in self._blocks():
            setattr(self, f, getattr(self, f)[mask])

    def append(self, other: _Live) -> None:
        for f in self._blocks():
            setattr(self, f, np.concatenate([getattr(self, f), getattr(other, f)]))


for _k, _name in enumerate(_INT_COLS):
    setattr(_Live, _name, property(lambda self, k=_k: self.ints[:, k]))
for _k, _name in enumerate(_FLOAT_COLS):
    setattr(_Live, _name, property(lambda self, k=_k: self.times[:, k]))


class Tracker:
    """Multi-target, multi-sensor tracker (ballistic EKF, χ² gating, GNN, M-of-N, sequential fusion).

    Use: ``tracker = Tracker(config); tracker.process(measurements); tracker.history()``. ``process``
    may be called again with later measurements (same radars); the tracker keeps its tracks.
    """

    def __init__(self, config: TrackerConfig | None = None):
        self.config = config or TrackerConfig()
        self._gamma = gate_threshold(self.config.gate_probability, 3)
        self._sqrt_gamma = float(np.sqrt(self._gamma))
        self._pair_cap = 256  # gated pairs a scan's buffers hold; grows when a scan has more
        self._sites: Sites | None = None
        self._sites_key = None
        self._earth = earth_vector(self.config.model)
        self._live = _Live()
        self._next_id = 0
        self._last_scan: dict[int, int] = {}
        self._hist: list[tuple] = []
        self.n_measurements = 0
        """Measurements processed so far."""

    # ----------------------------------------------------------------------------------------------
    def tracks(self) -> TrackSet:
        """The live (tentative and firm) tracks now, each at the time of its last prediction or update."""
        lv = self._live
        return TrackSet(lv.track_id.copy(), lv.t.copy(), lv.x.copy(), lv.P.copy(), lv.status.astype(np.int8),
                        lv.n_upd.copy())

    @property
    def n_chunks(self) -> int:
        """Chunks of history rows recorded so far (pass to :meth:`history` to get only later rows)."""
        return len(self._hist)

    def history(self, since_chunk: int = 0) -> TrackHistory:
        """The rows recorded so far (see :class:`TrackHistory`); with ``since_chunk``, only those recorded
        after :attr:`n_chunks` had that value (an engine reads the history as it grows without copying it
        all each time)."""
        if not self._hist[since_chunk:]:
            return TrackHistory(self.config.model, np.empty(0, np.int64), np.empty(0), np.empty((0, 6)),
                                np.empty((0, 6, 6)), np.empty(0, np.int8), np.empty(0, np.int64),
                                np.empty(0, np.int64), np.empty(0))
        cols = list(zip(*self._hist[since_chunk:], strict=True))
        return TrackHistory(self.config.model, *(np.concatenate(c) for c in cols))

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
        ctx = (sites, z, var, t, sensor, r_meas, c_meas, rad_meas)
        for g in group_order:
            rows = order[starts[g]:ends[g]]
            self._scan(rows, int(key_s[starts[g]]), int(key_k[starts[g]]), ctx)
        self.n_measurements += m
        return self

    # ----------------------------------------------------------------------------------------------
    def _sites_of(self, meas) -> Sites:
        """The kernels' radar sites of ``meas``, rebuilt only when its radars differ from the last call's
        (an engine feeds the same radars cycle after cycle)."""
        key = (meas.site_ecef_m.tobytes(), np.asarray(meas.site_lat_rad).tobytes(),
               np.asarray(meas.site_lon_rad).tobytes())
        if self._sites_key != key:
            self._sites = Sites.of(meas)
            self._sites_key = key
        return self._sites

    def _record(self, idx: np.ndarray, meas_rows: np.ndarray, sensor: np.ndarray, nis: np.ndarray,
                status: np.ndarray | None = None) -> None:
        if idx.size == 0:
            return
        lv = self._live
        st = lv.ints[idx, 1] if status is None else status
        self._hist.append((lv.ints[idx, 0], lv.times[idx, 0], lv.x[idx], lv.P[idx], st.astype(np.int8), meas_rows,
                           sensor, nis))

    def _scan(self, rows: np.ndarray, s: int, k: int, ctx) -> None:
        cfg = self.config
        sites, z, var, t, sensor, r_meas, c_meas, _ = ctx
        lv = self._live
        bit = np.int64(1) << np.int64(s)
        t_m = t[rows]
        t_ref = float(t_m.min())
        gamma = self._gamma
        n = lv.ints.shape[0]
        m = rows.shape[0]
        omega = float(cfg.model.omega_rad_s)

        # A gap in this radar's scan indices: scans with no detection at all.
        gap = k - self._last_scan.get(s, k - 1) - 1
        self._last_scan[s] = k
        if gap > 0 and n:
            saw = (lv.seen & bit) != 0
            lv.opps[saw] += gap
            lv.miss_run[saw, s] += gap
            self._drop(self._life_cycle(n, s, t_ref))
            n = lv.ints.shape[0]

        # 1. predict every live track to the scan time (in place; tracks already there are left alone).
        if n:
            kern.predict_to(lv.x, lv.P, lv.times[:, 0], t_ref, float(cfg.q_m2_s3), self._earth,
                            float(cfg.max_step_s))

        # 2. gating.
        assigned_t = _EMPTY
        assigned_m = _EMPTY
        gated_by_firm = np.zeros(m, bool)
        if n:
            pi, pj, d2 = self._gate(rows, t_ref, float(t_m.max() - t_ref), ctx)
            if pi.size:
                firm_pair = lv.ints[pi, 1] == FIRM
                gated_by_firm[pj[firm_pair]] = True
                # 3. global nearest neighbour: firm tracks first, then tentative ones on what is left, so
                # that a new track (whose large covariance makes every distance small) never takes a
                # measurement from an established one.
                if firm_pair.all():
                    assigned_t, assigned_m = gnn_assign(pi, pj, d2, gamma)
                else:
                    assigned_t, assigned_m = gnn_assign(pi[firm_pair], pj[firm_pair], d2[firm_pair], gamma)
                    taken = np.zeros(m, bool)
                    taken[assigned_m] = True
                    rest = ~firm_pair & ~taken[pj]
                    if rest.any():
                        at, am = gnn_assign(pi[rest], pj[rest], d2[rest], gamma)
                        assigned_t = np.concatenate([assigned_t, at])
                        assigned_m = np.concatenate([assigned_m, am])

        # 4. update the assigned tracks at their measurements' own times (compiled, in place).
        if assigned_t.size:
            ti, mr = assigned_t, rows[assigned_m]
            nis = np.empty(ti.size)
            kern.update_assigned(ti, assigned_m, rows, lv.x, lv.P, lv.times[:, 0], lv.n_upd, z, var, t, sensor,
                                 sites.r_ecef_m, sites.enu_rot, omega, r_meas, float(cfg.q_m2_s3), self._earth,
                                 float(cfg.max_step_s), nis)
        # 4b. hits, confirmation, and 5. misses of the tracks this radar has seen (compiled).
        if n:
            kern.count_scan(lv.ints, lv.times, lv.miss_run, n, s, assigned_t, t[rows[assigned_m]], cfg.confirm_m)
        if assigned_t.size:
            self._record(ti, mr, sensor[mr], nis)
        if n:
            # 7. (decided now, applied after the births below, as the history has always recorded them)
            drop = self._life_cycle(n, s, t_ref)

        # 6. initiation from measurements that were neither assigned nor gated by a firm track.
        free = ~gated_by_firm
        free[assigned_m] = False
        if free.any():
            fr = rows[free]
            nb = fr.size
            born = _Live(nb)
            born.x[:, :3] = r_meas[fr]
            w = cfg.model.omega_rad_s
            born.x[:, 3] = -w * r_meas[fr, 1]
            born.x[:, 4] = w * r_meas[fr, 0]
            born.P[:, :3, :3] = c_meas[fr]
            born.P[:, 3:, 3:] = np.eye(3) * cfg.init_velocity_sigma_m_s**2
            born.ints[:, 0] = np.arange(self._next_id, self._next_id + nb)
            born.ints[:, 1] = FIRM if cfg.confirm_m == 1 else TENTATIVE
            born.ints[:, 2:4] = 1  # hits, opportunities
            born.ints[:, 4] = bit
            born.ints[:, 5] = 1
            born.times[:, 0] = t[fr]
            born.times[:, 1] = t[fr]
            self._next_id += nb
            n0 = lv.ints.shape[0]
            lv.append(born)
            self._record(np.arange(n0, n0 + nb), fr, sensor[fr], np.full(nb, np.nan))

        # 7. life cycle.
        if n:
            self._drop(drop)

    def _gate(self, rows: np.ndarray, t_ref: float, spread_s: float, ctx):
        """The gated pairs of a scan: track indices, indices into ``rows`` and their d² (coarse and χ²
        gates in one compiled pass, :func:`._kernels.gate_scan`)."""
        sites, z, var, t, sensor, r_meas, _, rad_meas = ctx
        lv = self._live
        cap = self._pair_cap
        while True:
            pi = np.empty(cap, np.int64)
            pj = np.empty(cap, np.int64)
            d2 = np.empty(cap)
            count = kern.gate_scan(lv.x, lv.P, rows, r_meas, rad_meas, z, var, t, sensor, sites.r_ecef_m,
                                   sites.enu_rot, float(self.config.model.omega_rad_s), t_ref, spread_s,
                                   self._sqrt_gamma, self._gamma, pi, pj, d2)
            if count <= cap:
                return pi[:count], pj[:count], d2[:count]
            cap = self._pair_cap = 2 * count

    def _life_cycle(self, n: int, s: int, t_now: float) -> np.ndarray | None:
        """Radar ``s`` loses tracks it has missed ``delete_misses`` times in a row; returns the indices of
        the tracks among the first ``n`` live ones that fail the deletion rules (None if none do)."""
        cfg = self.config
        lv = self._live
        drop = np.empty(n, np.bool_)
        count = kern.life_cycle_drop(n, s, t_now, lv.status, lv.hits, lv.opps, lv.miss_run, lv.t_last, lv.seen,
                                     lv.P, lv.x, cfg.delete_misses, cfg.confirm_m, cfg.confirm_n, cfg.max_coast_s,
                                     cfg.max_position_sigma_m, cfg.min_altitude_m, cfg.model.a_m, cfg.model.f,
                                     drop)
        return np.flatnonzero(drop) if count else None

    def _drop(self, gone: np.ndarray | None) -> None:
        """Record the tracks ``gone`` as deleted and drop them."""
        if gone is None:
            return
        lv = self._live
        k_ = gone.size
        self._record(gone, np.full(k_, -1, np.int64), np.full(k_, -1, np.int64), np.full(k_, np.nan),
                     np.full(k_, DELETED, np.int8))
        keep = np.ones(lv.ints.shape[0], bool)
        keep[gone] = False
        lv.keep(keep)


_EMPTY = np.empty(0, np.int64)


def track(meas, config: TrackerConfig | None = None) -> TrackHistory:
    """Run a :class:`Tracker` over ``meas`` and return its :class:`TrackHistory`."""
    return Tracker(config).process(meas).history()
