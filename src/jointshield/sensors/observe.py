"""``observe``: what a set of radars reports about a batch of true trajectories.

For each radar (a Python loop over radars; everything inside is vectorised over targets × scans):

1. **Scan times.** The radar scans every ``revisit_s`` seconds: scan k is at
   ``t_start + phase + k · revisit`` for every such time in [t_start, t_end]. The phase is drawn
   uniformly in [0, revisit) from ``rng`` (one draw per radar, before anything else), unless
   ``scan_phase_s`` gives it. A scan is one instant (the dwell's duration is not modelled).
2. **Truth at the scan times** by cubic Hermite interpolation of the truth grid's positions and
   velocities (:meth:`Truth.state_at <jointshield.flight.truth.Truth.state_at>`); an object is absent
   where either bracketing grid sample is NaN.
3. **Visibility** (:func:`~.radar.visible`): line of sight past the ellipsoid, field of regard, minimum
   elevation, instrumented range.
4. **Detection**: one uniform draw per target × scan against Pd(SNR) (:func:`~.radar.detection_probability`).
5. **Noise**: independent Gaussian errors in range (σ_R), azimuth and elevation (σ from the SNR,
   :func:`~.radar.angle_sigma_rad`); azimuth wrapped to [0, 2π); elevation not clipped.
6. **False alarms**: N ~ Poisson(``false_alarms_per_scan``) per scan, each uniform in azimuth over the
   field of regard, uniform in elevation between its limits, uniform in range over
   [0, instrumented range]; reported with the radar's reference σ and ``truth = -1``.

The output is sorted by time, then radar; within one scan of one radar the order is random (a tracker
must not learn identities from the order). Randomness: every draw comes from ``rng`` in a fixed order,
so the same seed gives the same measurements.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..earth.models import WGS84, EarthModel
from ..flight.truth import Truth, hermite_sample
from .measurements import Measurements
from .radar import (
    Radar,
    RadarArrays,
    aer,
    angle_sigma_rad,
    detection_probability,
    snr,
    visible_aer,
)

__all__ = ["MAX_CELLS_PER_BLOCK", "observe", "scan_times"]

_TWO_PI = 2.0 * np.pi

MAX_CELLS_PER_BLOCK = 2_000_000
"""Targets × scans handled at once per radar (bounds memory; the draws do not depend on it only if it is
unchanged, so it is a constant)."""


def scan_times(t_start_s: float, t_end_s: float, phase_s: float, revisit_s: float) -> np.ndarray:
    """Scan times t_start + phase + k·revisit (k = 0, 1, ...) that lie in [t_start, t_end]."""
    span = t_end_s - t_start_s - phase_s
    if span < 0:
        return np.empty(0)
    n = int(np.floor(span / revisit_s + 1e-9)) + 1
    return t_start_s + phase_s + revisit_s * np.arange(n)


def _empty_block() -> dict[str, np.ndarray]:
    return {
        "t_s": np.empty(0),
        "sensor": np.empty(0, np.int64),
        "range_m": np.empty(0),
        "az_rad": np.empty(0),
        "el_rad": np.empty(0),
        "sigma_range_m": np.empty(0),
        "sigma_az_rad": np.empty(0),
        "sigma_el_rad": np.empty(0),
        "truth": np.empty(0, np.int64),
        "scan": np.empty(0, np.int64),
    }


def _airborne_cells(truth: Truth, t_scan: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (object, scan) cells where an object can be present, object by object, and its ECEF position
    there: (C,) object indices, (C,) scan indices, (C, 3) m.

    An object is present only between its first and last finite grid samples (:meth:`Truth.state_at` is
    NaN elsewhere: a bracketing sample is NaN), which in a raid is about half of the objects × scans;
    the interpolation is elementwise, so each cell's position is the one the whole grid would give.
    """
    finite = np.isfinite(truth.r_ecef_m[..., 0])  # (T, K)
    has = finite.any(axis=1)
    first = np.argmax(finite, axis=1)
    last = finite.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
    lo = np.searchsorted(t_scan, truth.t_s[first], side="left")
    hi = np.searchsorted(t_scan, truth.t_s[last], side="right")
    objs, ks, rs = [], [], []
    for o in np.flatnonzero(has & (hi > lo)):  # objects: one interpolation each over its own scans
        r, _ = hermite_sample(truth.t_s, truth.r_ecef_m[o:o + 1], truth.v_ecef_m_s[o:o + 1], t_scan[lo[o]:hi[o]])
        objs.append(np.full(hi[o] - lo[o], o))
        ks.append(np.arange(lo[o], hi[o]))
        rs.append(r[0])
    if not objs:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, 3))
    return np.concatenate(objs), np.concatenate(ks), np.concatenate(rs)


def _detections(one: RadarArrays, s: int, truth: Truth, rcs: np.ndarray, t_scan: np.ndarray,
                k0: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Detections of radar ``one`` (S = 1, index ``s``) over the scans ``t_scan`` (numbered from k0).

    The geometry and Pd are computed on the cells where an object can be present (:func:`_airborne_cells`);
    elsewhere Pd is 0, as a NaN position gives. The draw is over every object × scan, as always."""
    obj, ks, r = _airborne_cells(truth, t_scan)
    az, el, rng_m = aer(one, r)  # (1, C)
    vis = visible_aer(one, r, az, el, rng_m)
    x = snr(one, rng_m, rcs[obj])
    pd = np.zeros((len(truth), t_scan.shape[0]))
    pd[obj, ks] = np.where(vis, detection_probability(one, x), 0.0)[0]
    cell = np.zeros(pd.shape, np.int64)
    cell[obj, ks] = np.arange(obj.shape[0])
    draw = rng.random(pd.shape)
    det = draw < pd
    ti, ki = np.nonzero(det)
    c = cell[ti, ki]
    m = ti.shape[0]
    s_az, s_el = angle_sigma_rad(one, x)
    sig_r = np.full(m, one.sigma_range_m[0])
    sig_az = s_az[0, c]
    sig_el = s_el[0, c]
    noise = rng.standard_normal((m, 3))
    return {
        "t_s": t_scan[ki],
        "sensor": np.full(m, s, np.int64),
        "range_m": rng_m[0, c] + sig_r * noise[:, 0],
        "az_rad": np.mod(az[0, c] + sig_az * noise[:, 1], _TWO_PI),
        "el_rad": el[0, c] + sig_el * noise[:, 2],
        "sigma_range_m": sig_r,
        "sigma_az_rad": sig_az,
        "sigma_el_rad": sig_el,
        "truth": ti.astype(np.int64),
        "scan": (k0 + ki).astype(np.int64),
    }


def _false_alarms(one: RadarArrays, s: int, t_scan: np.ndarray, k0: int,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """False reports of radar ``one`` over the scans ``t_scan``: Poisson per scan, uniform in the field."""
    lam = float(one.false_alarms_per_scan[0])
    if lam <= 0.0 or t_scan.shape[0] == 0:
        return _empty_block()
    counts = rng.poisson(lam, t_scan.shape[0])
    ks = np.repeat(np.arange(t_scan.shape[0]), counts)
    m = ks.shape[0]
    u = rng.random((m, 3))
    half = float(one.az_half_width_rad[0])
    lo, hi = one.el_limits_rad()
    az = np.mod(one.boresight_az_rad[0] + (2.0 * u[:, 0] - 1.0) * half, _TWO_PI)
    el = lo[0] + (hi[0] - lo[0]) * u[:, 1]
    rng_m = one.max_range_m[0] * u[:, 2]
    return {
        "t_s": t_scan[ks],
        "sensor": np.full(m, s, np.int64),
        "range_m": rng_m,
        "az_rad": az,
        "el_rad": el,
        "sigma_range_m": np.full(m, one.sigma_range_m[0]),
        "sigma_az_rad": np.full(m, max(one.sigma_az_rad[0], one.sigma_angle_floor_rad[0])),
        "sigma_el_rad": np.full(m, max(one.sigma_el_rad[0], one.sigma_angle_floor_rad[0])),
        "truth": np.full(m, -1, np.int64),
        "scan": (k0 + ks).astype(np.int64),
    }


def observe(
    truth: Truth,
    radars: Sequence[Radar] | RadarArrays,
    rcs_m2,
    rng: np.random.Generator,
    t_start_s: float | None = None,
    t_end_s: float | None = None,
    *,
    model: EarthModel = WGS84,
    scan_phase_s=None,
) -> Measurements:
    """Time-ordered measurements of the objects in ``truth`` by ``radars`` between ``t_start_s`` and
    ``t_end_s`` (default: the truth grid's first and last times).

    ``radars``: :class:`~.radar.Radar` objects (placed on the Earth ``model``) or a
    :class:`~.radar.RadarArrays` (which carries its own model). ``rcs_m2``: radar cross-section of each
    object, (T,) or a scalar (m²; constant over the flight, the same at every radar's frequency).
    ``scan_phase_s``: time of each radar's first scan after ``t_start_s`` (scalar or (S,), each in
    [0, revisit)); default drawn uniformly from ``rng``. See the module docstring for the model.
    """
    ra = radars if isinstance(radars, RadarArrays) else RadarArrays.from_radars(radars, model)
    n_radars = len(ra)
    n_obj = len(truth)
    rcs = np.broadcast_to(np.asarray(rcs_m2, dtype=float), (n_obj,))
    if not np.all(np.isfinite(rcs) & (rcs > 0.0)):
        raise ValueError("rcs_m2: every radar cross-section must be a finite number > 0 (m²)")
    t0 = float(truth.t_s[0]) if t_start_s is None else float(t_start_s)
    t1 = float(truth.t_s[-1]) if t_end_s is None else float(t_end_s)
    if scan_phase_s is None:
        phase = rng.random(n_radars) * ra.revisit_s
    else:
        phase = np.broadcast_to(np.asarray(scan_phase_s, dtype=float), (n_radars,))
        if np.any((phase < 0.0) | (phase >= ra.revisit_s)):
            raise ValueError("scan_phase_s: each phase must lie in [0, revisit_s) of its radar")
    blocks: list[dict[str, np.ndarray]] = []
    block = max(1, MAX_CELLS_PER_BLOCK // max(n_obj, 1))
    for s in range(n_radars):  # a loop over radars; targets × scans are vectorised
        one = ra.take(s)
        times = scan_times(t0, t1, float(phase[s]), float(ra.revisit_s[s]))
        for k0 in range(0, times.shape[0], block):  # blocks of scans bound the memory
            t_scan = times[k0 : k0 + block]
            if n_obj:
                blocks.append(_detections(one, s, truth, rcs, t_scan, k0, rng))
            blocks.append(_false_alarms(one, s, t_scan, k0, rng))
    cat = {key: np.concatenate([b[key] for b in blocks]) if blocks else v
           for key, v in _empty_block().items()}
    shuffle = rng.random(cat["t_s"].shape[0])
    order = np.lexsort((shuffle, cat["sensor"], cat["t_s"]))
    return Measurements(
        **{key: val[order] for key, val in cat.items()},
        site_ecef_m=ra.site_ecef_m.copy(),
        site_lat_rad=ra.site_lat_rad.copy(),
        site_lon_rad=ra.site_lon_rad.copy(),
    )
