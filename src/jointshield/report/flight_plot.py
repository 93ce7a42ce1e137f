"""One picture of one or more ballistic flights: ground track on a map, and altitude over ground range.

A view only: it takes plain arrays (so it works for a truth trajectory, a track or a prediction alike)
and draws them; it computes nothing about the flight beyond picking the apogee when it is not given.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from jointshield.errors import InputError
from jointshield.report._files import atomic_write
from jointshield.report.maps import auto_extent, draw_basemap, split_at_dateline, wrap_lon

DPI = 150
FIGSIZE_IN = (12.0, 5.6)
"""Figure size in inches; at :data:`DPI` the PNG is 1800 × 840 pixels."""

IMPACT_ALT_KM = 1.0
"""A track whose last point is below this altitude is taken to end at its impact point."""

# Marker per flight event, shared by both panels and the legend. Launch is a triangle, target an x.
_POINT = {"linestyle": "", "markeredgecolor": "black", "markeredgewidth": 0.5}
LAUNCH_STYLE = {
    "linestyle": "",
    "marker": "^",
    "markersize": 9,
    "markerfacecolor": "white",
    "markeredgewidth": 1.5,
}
TARGET_STYLE = {"linestyle": "", "marker": "x", "markersize": 9, "markeredgewidth": 2.0, "color": "black"}
EVENT_STYLES = {
    "burnout": {**_POINT, "marker": "s", "markersize": 6},
    "apogee": {**_POINT, "marker": "D", "markersize": 6},
    "reentry": {**_POINT, "marker": "v", "markersize": 7},
    "impact": {**_POINT, "marker": "*", "markersize": 12},
}
OTHER_EVENT_MARKERS = ("P", "X", "h", "p", "8")
BORDER_KEY_STYLE = {"color": "0.55", "linewidth": 0.6, "linestyle": (0, (4, 2))}  # as maps.BORDER_STYLE


@dataclasses.dataclass(frozen=True)
class TrackForPlot:
    """What :func:`plot_flight` needs of one flight; all arrays ``(N,)`` with N >= 2, in time order.

    ``lat_deg``, ``lon_deg``: geodetic position of each point, degrees north / east (WGS-84).
    ``alt_km``: height above the ellipsoid, km. ``range_km``: ground range from the launch point, km.
    ``launch``, ``target``: ``(lat_deg, lon_deg)``; ``target`` may be None (no aim point).
    ``events``: event name -> index into the arrays; ``"burnout"``, ``"apogee"``, ``"reentry"`` and
    ``"impact"`` get their own markers, any other name a marker of its own in the legend. Without an
    ``"apogee"`` the highest point is used; without an ``"impact"`` the last point is the impact point
    when it is below :data:`IMPACT_ALT_KM`.
    """

    label: str
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_km: np.ndarray
    range_km: np.ndarray
    launch: tuple[float, float]
    target: tuple[float, float] | None = None
    events: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        name = f"track {self.label!r}"
        arrays = {}
        for field in ("lat_deg", "lon_deg", "alt_km", "range_km"):
            a = np.asarray(getattr(self, field), dtype=float)
            if a.ndim != 1:
                raise InputError(f"{name}.{field}", f"must be 1-D (N,), got shape {a.shape}")
            if not np.isfinite(a).all():
                raise InputError(f"{name}.{field}", "contains NaN or infinite values; drop those points")
            arrays[field] = a
        lengths = {field: a.size for field, a in arrays.items()}
        if len(set(lengths.values())) != 1:
            raise InputError(name, f"arrays differ in length {lengths}; give one value per point in each")
        n = lengths["lat_deg"]
        if n < 2:
            raise InputError(name, f"needs at least 2 points, got {n}")
        if np.abs(arrays["lat_deg"]).max() > 90.0:
            raise InputError(f"{name}.lat_deg", "must be within [-90, 90] degrees")
        for field, a in arrays.items():
            a.flags.writeable = False
            object.__setattr__(self, field, a)
        for field in ("launch", "target"):
            point = getattr(self, field)
            if point is None and field == "target":
                continue
            lat_lon = tuple(float(v) for v in np.asarray(point, dtype=float).ravel())
            if len(lat_lon) != 2 or abs(lat_lon[0]) > 90.0:
                raise InputError(
                    f"{name}.{field}", f"must be (lat_deg, lon_deg) with |lat| <= 90, got {point}"
                )
            object.__setattr__(self, field, lat_lon)
        events = dict(self.events)
        for event, index in events.items():
            if not (isinstance(index, (int, np.integer)) and 0 <= index < n):
                raise InputError(
                    f"{name}.events[{event!r}]", f"must be an index in 0..{n - 1}, got {index!r}"
                )
        object.__setattr__(self, "events", events)

    def marked_events(self) -> dict[str, int]:
        """The events to mark: the given ones, plus apogee and impact where they can be told from the data."""
        events = dict(self.events)
        events.setdefault("apogee", int(np.argmax(self.alt_km)))
        if "impact" not in events and self.alt_km[-1] < IMPACT_ALT_KM:
            events["impact"] = self.alt_km.size - 1
        return events


def _as_track(t: TrackForPlot | Mapping, i: int) -> TrackForPlot:
    if isinstance(t, TrackForPlot):
        return t
    if isinstance(t, Mapping):
        try:
            return TrackForPlot(**t)
        except TypeError as exc:  # missing or unknown keys
            fields = [f.name for f in dataclasses.fields(TrackForPlot)]
            raise InputError(f"tracks[{i}]", f"{exc}; the keys are {fields}") from None
    raise InputError(
        f"tracks[{i}]", f"must be a TrackForPlot or a dict of its fields, got {type(t).__name__}"
    )


def plot_flight(
    path: str | os.PathLike,
    tracks: Sequence[TrackForPlot | Mapping],
    title: str = "Ballistic flight",
    *,
    resolution: str | None = None,
) -> Path:
    """Draw ground tracks and altitude profiles of ``tracks`` into a PNG at ``path`` (150 dpi, 1800 × 840 px).

    Left: a lon/lat map with coastlines and borders, each ground track, its launch point (triangle),
    target (x) and impact point (star); the window follows the tracks, across the dateline if need be.
    Right: altitude (km) over ground range (km) with burnout, apogee and reentry marked. The legend names
    each track with its ground range and apogee, and explains the markers.

    ``tracks``: :class:`TrackForPlot` objects or dicts of its fields. ``resolution``: coastline detail,
    see :func:`jointshield.report.maps.draw_basemap`. The file is replaced atomically: if anything fails
    (bad input raises :class:`~jointshield.errors.InputError`, a ``ValueError``) an existing file at
    ``path`` is left unchanged. Returns ``path``.
    """
    if isinstance(tracks, (TrackForPlot, Mapping)) or not len(tracks):
        raise InputError("tracks", "give a non-empty list of TrackForPlot (or dicts of its fields)")
    tracks = [_as_track(t, i) for i, t in enumerate(tracks)]

    fig = Figure(figsize=FIGSIZE_IN, dpi=DPI, layout="constrained")
    ax_map, ax_alt = fig.subplots(1, 2, width_ratios=(1.15, 1.0))

    # Map window: every track point, launch and target.
    lats = [t.lat_deg for t in tracks] + [np.array([p[0]]) for t in tracks for p in (t.launch, t.target) if p]
    lons = [t.lon_deg for t in tracks] + [np.array([p[1]]) for t in tracks for p in (t.launch, t.target) if p]
    extent = draw_basemap(ax_map, auto_extent(np.concatenate(lons), np.concatenate(lats)), resolution)
    lon0 = extent[0]  # everything on the map is shifted into [lon0, lon0 + 360)

    other_markers = iter(OTHER_EVENT_MARKERS)
    event_styles = dict(EVENT_STYLES)
    track_handles = []
    for k, t in enumerate(tracks):
        color = f"C{k % 10}"
        events = t.marked_events()
        for lon, lat in split_at_dateline(t.lon_deg, t.lat_deg, lon0):
            ax_map.plot(lon, lat, color=color, linewidth=1.6, zorder=3)
        ax_map.plot(wrap_lon(t.launch[1], lon0), t.launch[0], color=color, zorder=4, **LAUNCH_STYLE)
        if t.target:
            # Black and on top: the impact star usually lies on the target and would hide a coloured x.
            ax_map.plot(wrap_lon(t.target[1], lon0), t.target[0], zorder=5, **TARGET_STYLE)
        if "impact" in events:
            i = events["impact"]
            ax_map.plot(
                wrap_lon(t.lon_deg[i], lon0), t.lat_deg[i], color=color, zorder=4, **EVENT_STYLES["impact"]
            )

        ax_alt.plot(t.range_km, t.alt_km, color=color, linewidth=1.6, zorder=3)
        for event, i in events.items():
            if event not in event_styles:
                event_styles[event] = {**_POINT, "marker": next(other_markers, "o"), "markersize": 7}
            # not clipped: the impact marker sits on the altitude-0 axis line
            ax_alt.plot(
                t.range_km[i], t.alt_km[i], color=color, zorder=4, clip_on=False, **event_styles[event]
            )

        label = (
            f"{t.label}: ground range {t.range_km.max():,.0f} km, apogee {t.alt_km[events['apogee']]:,.0f} km"
        )
        track_handles.append(Line2D([], [], color=color, linewidth=1.6, label=label))

    # The marker key is grey/black so that it reads for every track; only markers actually drawn appear.
    drawn = {e for t in tracks for e in t.marked_events()}
    key = [Line2D([], [], color="black", label="launch point", **LAUNCH_STYLE)]
    if any(t.target for t in tracks):
        key.append(Line2D([], [], label="target (aim point)", **TARGET_STYLE))
    key += [Line2D([], [], color="0.5", label=e, **style) for e, style in event_styles.items() if e in drawn]
    key.append(Line2D([], [], label="country border", **BORDER_KEY_STYLE))

    ax_map.set_xlabel("longitude (degrees)")
    ax_map.set_ylabel("latitude (degrees, geodetic)")
    ax_map.set_title("Ground track", fontsize="medium")
    ax_alt.set_xlabel("ground range from launch (km)")
    ax_alt.set_ylabel("altitude above WGS-84 ellipsoid (km)")
    ax_alt.set_title("Altitude profile", fontsize="medium")
    ax_alt.set_xlim(left=0.0)
    ax_alt.set_ylim(bottom=0.0)
    ax_alt.grid(True, color="0.9", linewidth=0.5)
    fig.suptitle(title)
    # One legend: the tracks in the first column, the marker key in the columns after it (filled by column).
    nrows = max(len(track_handles), 2)
    blank = Line2D([], [], linestyle="", label=" ")
    handles = track_handles + [blank] * (nrows - len(track_handles)) + key
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=1 + -(-len(key) // nrows),
        fontsize="small",
        frameon=False,
    )

    path = Path(path)
    with atomic_write(path) as fh:
        fig.savefig(fh, format="png", dpi=DPI)
    return path
