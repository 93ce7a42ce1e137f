"""Matching detected launches against launch notifications: the ``notified`` evidence of the threat
criteria (the notifications themselves, as partners file them, are :mod:`jointshield.joint.notifications`).

A partner notifies a planned launch as in the 1988 US-Soviet Ballistic Missile Launch Notification
Agreement (planned date, launch area, impact area; no less than 24 hours ahead) and the 2000 US-Russian
memorandum on pre-launch notification (launch window; notice compulsory for ballistic missiles whose range
or apogee exceeds 500 km).

:func:`match_launches` matches N detected launches (launch time, launch point, impact point, from the
tracker's back-flown launch and predicted impact estimates) against M notifications, all at once with
(N, M) arrays:

- a detection *matches* a notification when its launch time lies in the window (± ``time_tol_s``),
  its launch point in the launch area and its impact point in the impact area (each circle's radius
  widened by the estimate's own error, ``launch_err_km`` / ``impact_err_km``);
- it is *notified* (1) when a matching notification was filed at least ``lead_s`` before the window
  opened; *late* when only notifications filed after that matched (notified stays 0: a late notice is a
  violation, the criteria must not take it for one given in time);
- it is *unmatched* when notice was compulsory (range or apogee over 500 km) and no timely notification
  matched it;
- a notification is *unused* when no detection matched it.

Distances are great-circle on a sphere of the mean Earth radius (6371.0088 km): the areas are tens to
hundreds of km across, where the sphere's error (< 0.5 %) is far below their size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COMPULSORY_KM = 500.0
"""Range or apogee above which notice is compulsory (2000 memorandum), km."""
LEAD_S = 86_400.0
"""Least time between filing and the opening of the launch window (1988 agreement: 24 h), s."""
MEAN_RADIUS_KM = 6371.0088


def notice_compulsory(range_km, apogee_km=np.nan) -> np.ndarray:
    """Whether notice is compulsory: range or apogee above 500 km (an unknown apogee, NaN, decides nothing)."""
    r = np.asarray(range_km, float)
    a = np.asarray(apogee_km, float)
    return (r > COMPULSORY_KM) | (np.nan_to_num(a, nan=-np.inf) > COMPULSORY_KM)


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> np.ndarray:
    """Haversine distance on the mean-radius sphere, km; broadcasts."""
    p1, p2 = np.deg2rad(lat1_deg), np.deg2rad(lat2_deg)
    dl = np.deg2rad(np.asarray(lon2_deg, float) - lon1_deg)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class Detections:
    """N detected launches: launch time (s after an epoch), launch and impact points (deg), optional
    range and apogee (km; NaN when unknown: the range is then the launch-to-impact distance) and the
    estimates' 1-sigma-ish position errors (km, widen the areas)."""

    t_launch_s: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    impact_lat_deg: np.ndarray
    impact_lon_deg: np.ndarray
    apogee_km: np.ndarray | None = None
    launch_err_km: np.ndarray | float = 0.0
    impact_err_km: np.ndarray | float = 0.0


@dataclass(frozen=True)
class LaunchMatch:
    notified: np.ndarray
    """(N,) int8: 1 a timely matching notification, 0 none (the criteria's ``notified`` evidence)."""
    matched: np.ndarray
    """(N,) index of the matching notification (the timely one first, then the earliest filed), -1 none."""
    late: np.ndarray
    """(N,) bool: matched only by late notifications."""
    unmatched: np.ndarray
    """(N,) bool: notice was compulsory and no timely notification matched."""
    compulsory: np.ndarray
    """(N,) bool: range or apogee over 500 km."""
    unused: np.ndarray
    """(M,) bool: the notification matched no detection."""


def match_launches(det: Detections, window_start_s, window_end_s, launch_area, impact_area, filed_s, *,
                   lead_s: float = LEAD_S, time_tol_s: float = 0.0) -> LaunchMatch:
    """Match detections against notifications (module docstring). Notification arrays are (M,):
    window and filing times in s after the detections' epoch; ``launch_area``/``impact_area`` (M, 3) of
    (lat_deg, lon_deg, radius_km)."""
    t = np.asarray(det.t_launch_s, float).reshape(-1)
    n = t.size
    ws = np.asarray(window_start_s, float).reshape(-1)
    we = np.asarray(window_end_s, float).reshape(-1)
    la = np.asarray(launch_area, float).reshape(-1, 3)
    ia = np.asarray(impact_area, float).reshape(-1, 3)
    filed = np.asarray(filed_s, float).reshape(-1)
    m = ws.size
    if not (we.size == m and la.shape[0] == m and ia.shape[0] == m and filed.size == m):
        raise ValueError("match_launches: notification arrays must all have the same length M")
    rng_km = great_circle_km(det.launch_lat_deg, det.launch_lon_deg, det.impact_lat_deg, det.impact_lon_deg)
    apo = np.full(n, np.nan) if det.apogee_km is None else np.asarray(det.apogee_km, float)
    compulsory = np.broadcast_to(notice_compulsory(rng_km, apo), (n,)).copy()
    if m == 0:
        z = np.zeros(n, bool)
        return LaunchMatch(np.zeros(n, np.int8), np.full(n, -1), z, compulsory.copy(), compulsory,
                           np.zeros(0, bool))
    le = np.broadcast_to(np.asarray(det.launch_err_km, float), (n,))[:, None]
    ie = np.broadcast_to(np.asarray(det.impact_err_km, float), (n,))[:, None]
    in_time = (t[:, None] >= ws[None] - time_tol_s) & (t[:, None] <= we[None] + time_tol_s)
    d_l = great_circle_km(np.asarray(det.launch_lat_deg)[:, None], np.asarray(det.launch_lon_deg)[:, None],
                          la[None, :, 0], la[None, :, 1])
    d_i = great_circle_km(np.asarray(det.impact_lat_deg)[:, None], np.asarray(det.impact_lon_deg)[:, None],
                          ia[None, :, 0], ia[None, :, 1])
    match = in_time & (d_l <= la[None, :, 2] + le) & (d_i <= ia[None, :, 2] + ie)  # (N, M)
    timely = (ws - filed) >= lead_s  # (M,)
    ok = match & timely[None]
    notified = ok.any(axis=1)
    late = match.any(axis=1) & ~notified
    # Prefer a timely match, then the earliest filed.
    score = np.where(ok, 0, 1)[..., None]  # (N, M, 1) — lexicographic by (not timely, filed time)
    key = np.where(match, score[..., 0] * 1e18 + filed[None], np.inf)
    matched = np.where(match.any(axis=1), np.argmin(key, axis=1), -1)
    return LaunchMatch(notified.astype(np.int8), matched, late, compulsory & ~notified, compulsory,
                       ~match.any(axis=0))


LAUNCH_POINT_ALLOWANCE_KM = 100.0
"""Added to a launch area's radius when matching a track's back-flown launch point (km). The tracker flies
the ballistic arc back to the ground without the boost, which puts the point up to some tens of km from the
true launch point (docs/tracking.md); the allowance keeps a notified launch from going unmatched."""
LAUNCH_TIME_ALLOWANCE_S = 300.0
"""Time tolerance on the launch window for the back-flown launch time (s): the boost the arc leaves out."""
ELLIPSE_SCALE = 2.4477
"""1σ semi-major axis to the 95% ellipse of a 2-D Gaussian (sqrt of chi-square 0.95 with 2 degrees)."""


def match_track_estimates(notifications: dict | None, launch, impact) -> LaunchMatch:
    """Match N tracks' launch and impact estimates (objects with ``t_s``, ``lat_rad``, ``lon_rad`` and
    ``semi_major_m`` (N,), e.g. :class:`jointshield.tracking.GroundEstimate`) against ``notifications``
    (the arrays of :func:`jointshield.scenario.notification_arrays`; None or empty: none filed). The
    areas are widened by each estimate's 95% semi-major axis, the launch area also by
    :data:`LAUNCH_POINT_ALLOWANCE_KM`, and the window by :data:`LAUNCH_TIME_ALLOWANCE_S`."""
    n = np.asarray(launch.t_s).size
    if notifications is None:
        notifications = {"window_start_s": np.zeros(0), "window_end_s": np.zeros(0), "filed_s": np.zeros(0),
                         "launch_area": np.zeros((0, 3)), "impact_area": np.zeros((0, 3))}
    det = Detections(
        np.asarray(launch.t_s, float), np.rad2deg(launch.lat_rad), np.rad2deg(launch.lon_rad),
        np.rad2deg(impact.lat_rad), np.rad2deg(impact.lon_rad),
        launch_err_km=np.nan_to_num(ELLIPSE_SCALE * np.asarray(launch.semi_major_m, float) / 1e3) + LAUNCH_POINT_ALLOWANCE_KM,
        impact_err_km=np.nan_to_num(ELLIPSE_SCALE * np.asarray(impact.semi_major_m, float) / 1e3),
    )
    if n == 0:
        return LaunchMatch(np.zeros(0, np.int8), np.zeros(0, np.int64), *(np.zeros(0, bool),) * 3,
                           np.zeros(len(notifications["window_start_s"]), bool))
    return match_launches(det, notifications["window_start_s"], notifications["window_end_s"],
                          notifications["launch_area"], notifications["impact_area"], notifications["filed_s"],
                          time_tol_s=LAUNCH_TIME_ALLOWANCE_S)


def notice_word(match: LaunchMatch, i: int) -> str:
    """One word for the event log: ``notified``, ``late`` (only late notices matched), ``unnotified`` (notice
    was compulsory, none matched) or ``none`` (no notice was due and none matched)."""
    if match.notified[i]:
        return "notified"
    if match.late[i]:
        return "late"
    return "unnotified" if match.unmatched[i] else "none"
