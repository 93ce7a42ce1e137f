"""The tracker's per-scan Python loop as it was before the loop was compiled (jointshield main at 694c2e8,
``tracking/tracker.py``), kept as the reference that tests/test_tracking_scan_kernel.py compares the
compiled loop (:func:`jointshield.tracking._kernels.process_scans`) with, history row for history row.

Frozen: do not change it to follow the tracker; a difference is what the test is there to catch.
"""

from __future__ import annotations

import numpy as np

from jointshield.tracking import _kernels as kern
from jointshield.tracking.association import gate_threshold, gnn_assign
from jointshield.tracking.measurement import Sites
from jointshield.tracking.motion import earth_vector
from jointshield.tracking.tracker import (
    DELETED,
    FIRM,
    MAX_SENSORS,
    TENTATIVE,
    TrackerConfig,
    TrackHistory,
    TrackSet,
)

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


class ReferenceTracker:
    """The tracker as it was before its scan loop was compiled (jointshield 694c2e8): one Python step per scan.

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
    def process(self, meas) -> ReferenceTracker:
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
