"""Launch notifications as partners file them; their matching against detected launches lives in
:mod:`jointshield.defense.notifications` (the kill chain uses it; re-exported here).

A partner notifies a planned launch as in the 1988 US-Soviet Ballistic Missile Launch Notification
Agreement (planned date, launch area, impact area; no less than 24 hours ahead) and the 2000 US-Russian
memorandum on pre-launch notification (launch window; notice compulsory for ballistic missiles whose range
or apogee exceeds 500 km).

A :class:`Notification` is what the service stores and the ledger records; how detected launches are
matched against notifications (window, launch area, impact area, filing lead) is
:func:`~jointshield.defense.notifications.match_launches`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np

from ..defense.notifications import (  # noqa: F401  (re-exported: part of this module's API)
    COMPULSORY_KM,
    LEAD_S,
    MEAN_RADIUS_KM,
    Detections,
    LaunchMatch,
    great_circle_km,
    match_launches,
    notice_compulsory,
)
from ..errors import InputError


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


