"""Launch notifications and their matching against detected launches.

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

import datetime as _dt
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

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


def _area(d, field: str) -> tuple[float, float, float]:
    if not isinstance(d, dict) or set(d) != {"lat_deg", "lon_deg", "radius_km"}:
        raise InputError(field, "must be {lat_deg, lon_deg, radius_km}")
    out = []
    for k, lo, hi in (("lat_deg", -90, 90), ("lon_deg", -180, 180), ("radius_km", 0.1, 2000)):
        v = d[k]
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            raise InputError(f"{field}.{k}", f"{v!r} is not a number in {lo:g}..{hi:g}")
        out.append(float(v))
    return out[0], out[1], out[2]


@dataclass(frozen=True)
class Notification:
    """One notified launch (or salvo). Times are aware UTC datetimes; areas are circles."""

    partner: str
    window_start: _dt.datetime
    window_end: _dt.datetime
    launch_area: tuple[float, float, float]
    """(lat_deg, lon_deg, radius_km)"""
    impact_area: tuple[float, float, float]
    filed_at: _dt.datetime
    range_km: float | None = None
    apogee_km: float | None = None
    launches: int = 1

    @property
    def compulsory(self) -> bool:
        return bool(notice_compulsory(self.range_km or 0.0, np.nan if self.apogee_km is None else self.apogee_km))

    @property
    def late(self) -> bool:
        return (self.window_start - self.filed_at).total_seconds() < LEAD_S

    @classmethod
    def from_dict(cls, d: dict, partner: str, filed_at: _dt.datetime) -> Notification:
        def when(k: str) -> _dt.datetime:
            v = d.get(k)
            if isinstance(v, _dt.datetime):
                t = v
            else:
                try:
                    t = _dt.datetime.fromisoformat(str(v))
                except ValueError:
                    raise InputError(k, f"{v!r} is not an ISO 8601 time (e.g. 2008-03-02T06:00:00Z)") from None
            if t.tzinfo is None:
                raise InputError(k, f"{v!r} has no time zone; add Z for UTC")
            return t.astimezone(_dt.UTC)

        ws, we = when("window_start"), when("window_end")
        if not _dt.timedelta(0) <= we - ws <= _dt.timedelta(days=30):
            raise InputError("window_end", "must be 0 to 30 days after window_start")
        vals = {}
        for k in ("range_km", "apogee_km"):
            v = d.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 50_000):
                raise InputError(k, f"{v!r} is not a number in 0..50000")
            vals[k] = None if v is None else float(v)
        n = d.get("launches", 1)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100:
            raise InputError("launches", f"{n!r} is not an integer in 1..100")
        return cls(partner, ws, we, _area(d.get("launch_area"), "launch_area"),
                   _area(d.get("impact_area"), "impact_area"), filed_at, vals["range_km"], vals["apogee_km"], n)

    def as_dict(self) -> dict:
        def iso(t):
            return t.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        la, ia = self.launch_area, self.impact_area
        return {"partner": self.partner, "window_start": iso(self.window_start), "window_end": iso(self.window_end),
                "launch_area": {"lat_deg": la[0], "lon_deg": la[1], "radius_km": la[2]},
                "impact_area": {"lat_deg": ia[0], "lon_deg": ia[1], "radius_km": ia[2]},
                "filed_at": iso(self.filed_at), "range_km": self.range_km, "apogee_km": self.apogee_km,
                "launches": self.launches, "compulsory": self.compulsory, "late": self.late}


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
