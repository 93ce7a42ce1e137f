"""The sensing half of the kill chain for one scenario: truth → radars → tracker, and how well it did.

:func:`run_tracking` flies every launch (:func:`~jointshield.scenario.truth.truth_from_scenario`),
observes the flights with the scenario's radars (:func:`~jointshield.sensors.observe`), tracks the
measurements (:class:`~jointshield.tracking.Tracker`) and scores the tracks against the truth. Per launch it
reports the times from launch to the first detection and to the first firm track, the impact-prediction
error at that firm track and as the track matures, and the range class the tracks see; overall, the
position and velocity RMSE and mean NEES of firm tracks, and the mean GOSPA over the run.

Choices (docs/tracking.md):

* A track belongs to the launch that produced most of its measurements (its label); the impact
  prediction of a launch is made from its labelled firm tracks, drag-free (the tracker's own model).
* "Impact error" is the surface distance between the predicted mean impact point and the true one.
* The error over time is sampled at up to :data:`MAX_PREDICTIONS_PER_LAUNCH` firm updates per launch,
  evenly spread in time (each prediction flies 13 sigma points to the ground).
* The range class "as the track sees it" uses the launch point flown back from the latest firm update and
  the impact point predicted from it (:func:`~jointshield.tracking.range_class`); the boost phase biases
  the launch point up-range (docs/tracking.md), so the class is read near its thresholds with care.
* GOSPA (c = 10 km, p = 2, α = 2) every :data:`GOSPA_STEP_S` seconds from the first launch to the last impact.

No I/O: the CLI (``jointshield track``) writes files and draws plots from the :class:`TrackingRun`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.geodesy import surface_distance_m
from ..flight.truth import Truth
from ..scenario.schema import Scenario
from ..scenario.truth import radar_arrays_from_scenario, rcs_from_scenario, truth_from_scenario
from ..sensors import Measurements
from ..sensors.observe import observe
from ..sensors.radar import RadarArrays
from ..tracking import (
    FIRM,
    RANGE_CLASSES,
    TrackerConfig,
    TrackHistory,
    estimate_launch,
    gospa_over_time,
    predict_impact,
    range_class,
    state_errors,
    track,
    track_quality,
)
from ..tracking.metrics import track_labels

__all__ = ["GOSPA_STEP_S", "MAX_PREDICTIONS_PER_LAUNCH", "LaunchTracking", "TrackingRun", "run_tracking"]

MAX_PREDICTIONS_PER_LAUNCH = 60
GOSPA_STEP_S = 10.0
TRUTH_STEP_S = 1.0


@dataclass(frozen=True)
class LaunchTracking:
    """How the tracker did on one launch (times in s after that launch; NaN or None where it never did)."""

    id: str
    first_detection_s: float
    firm_track_s: float
    impact_error_km_at_firm_track: float
    impact_error_t_s: np.ndarray
    """(K,) times after launch of the predictions below."""
    impact_error_km: np.ndarray
    """(K,) predicted-impact error, km."""
    impact_ellipse_km: tuple[float, float] | None
    """1σ semi-axes (major, minor) of the last prediction's impact ellipse, km."""
    n_firm_tracks: int
    range_class_seen: str | None
    range_km_seen: float

    def as_dict(self) -> dict:
        def num(x):
            return None if x is None or not np.isfinite(x) else float(x)

        return {"id": self.id, "first_detection_s": num(self.first_detection_s),
                "firm_track_s": num(self.firm_track_s),
                "impact_error_km_at_firm_track": num(self.impact_error_km_at_firm_track),
                "impact_error_km_last": num(self.impact_error_km[-1]) if self.impact_error_km.size else None,
                "impact_ellipse_1sigma_km": None if self.impact_ellipse_km is None else list(self.impact_ellipse_km),
                "firm_tracks": self.n_firm_tracks, "range_class_seen": self.range_class_seen,
                "range_km_seen": num(self.range_km_seen)}


@dataclass(frozen=True)
class TrackingRun:
    """Everything one tracking run produced, and its scores."""

    scenario: Scenario
    seed: int
    truth: Truth
    radars: RadarArrays
    measurements: Measurements
    history: TrackHistory
    track_label: np.ndarray
    """(R,) launch index behind each history row's track (−1: a false track)."""
    launches: tuple[LaunchTracking, ...]
    position_rmse_m: float
    velocity_rmse_m_s: float
    nees_mean: float
    gospa_mean_m: float
    false_tracks: int
    track_swaps: int

    def metrics(self) -> dict:
        def num(x):
            return None if not np.isfinite(x) else float(x)

        return {"position_rmse_m": num(self.position_rmse_m), "velocity_rmse_m_s": num(self.velocity_rmse_m_s),
                "nees_mean": num(self.nees_mean), "gospa": num(self.gospa_mean_m),
                "false_tracks": self.false_tracks, "track_swaps": self.track_swaps,
                "measurements": len(self.measurements),
                "false_alarms": int(np.sum(self.measurements.truth < 0))}


def _impact_errors_km(history: TrackHistory, rows: np.ndarray, truth: Truth, obj: np.ndarray):
    """Predicted impact from history ``rows`` and its surface distance (km) to each row's true impact."""
    if rows.size == 0:
        return np.empty(0), None
    g = predict_impact(history.x_eci[rows], history.P_eci[rows], history.t_s[rows], history.model)
    d = surface_distance_m(g.lat_rad, g.lon_rad, np.deg2rad(truth.impact_lat_deg[obj]),
                           np.deg2rad(truth.impact_lon_deg[obj]), history.model)
    d = np.where(g.valid, d, np.nan)
    return np.asarray(d, float) / 1e3, g


def run_tracking(scenario: Scenario, seed: int | None = None, config: TrackerConfig | None = None) -> TrackingRun:
    """Truth → radars → tracker for ``scenario`` with the random stream of ``seed`` (default: the
    scenario's), and the tracker's scores against the truth."""
    seed = scenario.seed if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    truth = truth_from_scenario(scenario, dt_s=TRUTH_STEP_S)
    radars = radar_arrays_from_scenario(scenario)
    meas = observe(truth, radars, rcs_from_scenario(scenario), rng)
    config = config or TrackerConfig(model=scenario.earth_model)
    history = track(meas, config)

    _, ids, labels = track_labels(history, meas)
    row_label = labels[np.searchsorted(ids, history.track_id)] if len(history) else np.empty(0, np.int64)
    quality = track_quality(history, truth, meas)
    errors = state_errors(history, truth, meas)
    t0, t1 = float(np.min(truth.launch_t_s)), float(np.max(truth.impact_t_s))
    t_eval = np.arange(t0, t1 + GOSPA_STEP_S, GOSPA_STEP_S)
    gospa = gospa_over_time(history, truth, t_eval) if len(history) else np.full(t_eval.size, np.nan)

    firm_updates = (history.status == FIRM) & (history.meas >= 0)
    chosen, chosen_obj, first_rows, last_rows = [], [], {}, {}
    for o in range(len(truth)):  # launches: a handful per scenario; the predictions below are batched
        rows = np.flatnonzero(firm_updates & (row_label == o))
        if rows.size == 0:
            continue
        rows = rows[np.argsort(history.t_s[rows], kind="stable")]
        first_rows[o], last_rows[o] = rows[0], rows[-1]
        pick = np.unique(np.linspace(0, rows.size - 1, min(rows.size, MAX_PREDICTIONS_PER_LAUNCH)).round().astype(int))
        chosen.append(rows[pick])
        chosen_obj.append(np.full(pick.size, o))
    rows = np.concatenate(chosen) if chosen else np.empty(0, np.int64)
    obj = np.concatenate(chosen_obj) if chosen_obj else np.empty(0, np.int64)
    err_km, _ = _impact_errors_km(history, rows, truth, obj)
    # The latest firm update of each tracked launch, in launch order: one batch of predictions.
    end_obj = np.array(sorted(last_rows), dtype=np.int64)
    ends = np.array([last_rows[o] for o in end_obj], dtype=np.int64)
    if ends.size:
        g_imp = predict_impact(history.x_eci[ends], history.P_eci[ends], history.t_s[ends], history.model)
        g_lau = estimate_launch(history.x_eci[ends], history.P_eci[ends], history.t_s[ends], history.model)
        rng_m, cls = range_class(g_lau.lat_rad, g_lau.lon_rad, g_imp.lat_rad, g_imp.lon_rad, history.model)
        firsts = np.array([first_rows[o] for o in end_obj], dtype=np.int64)
        at_firm_km, _ = _impact_errors_km(history, firsts, truth, end_obj)

    out = []
    for o, lid in enumerate(truth.ids):
        sel = obj == o
        t_since = history.t_s[rows[sel]] - truth.launch_t_s[o]
        at_firm = np.nan
        ellipse, cls_name, rng_km = None, None, np.nan
        if o in last_rows:
            j = int(np.flatnonzero(end_obj == o)[0])
            at_firm = float(at_firm_km[j])
            if g_imp.valid[j]:
                ellipse = (float(g_imp.semi_major_m[j]) / 1e3, float(g_imp.semi_minor_m[j]) / 1e3)
            if cls[j] >= 0:
                cls_name, rng_km = RANGE_CLASSES[int(cls[j])], float(rng_m[j]) / 1e3
        out.append(LaunchTracking(lid, float(quality.first_detection_s[o]), float(quality.firm_track_s[o]), at_firm,
                                  t_since, err_km[sel], ellipse, int(quality.n_firm_tracks[o]), cls_name, rng_km))
    return TrackingRun(scenario, seed, truth, radars, meas, history, row_label, tuple(out),
                       errors.position_rmse_m, errors.velocity_rmse_m_s, errors.nees_mean,
                       float(np.nanmean(gospa)) if np.isfinite(gospa).any() else float("nan"),
                       quality.false_tracks, quality.swaps)
