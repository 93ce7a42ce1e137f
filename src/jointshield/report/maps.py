"""Plain longitude/latitude maps: coastlines, borders, a graticule, and tracks that cross the dateline.

The map is equirectangular: x is longitude in degrees east, y latitude in degrees north (geodetic,
WGS-84), with the aspect ratio set to ``1/cos(mid-latitude)`` so that shapes near the middle of the
window keep their proportions. An extent is ``(lon_min, lon_max, lat_min, lat_max)`` in degrees; to show
a region across the 180° meridian the longitudes run on past 180 (e.g. ``(150, 230, ...)`` for 150°E to
130°W), and everything drawn on the map, tracks included, is shifted into that continuous range with
:func:`wrap_lon`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.ticker import FuncFormatter, MaxNLocator

from jointshield.report.geodata import borders, coastlines

Extent = tuple[float, float, float, float]
"""``(lon_min, lon_max, lat_min, lat_max)`` in degrees; lon_min < lon_max, which may exceed 180."""

WORLD: Extent = (-180.0, 180.0, -90.0, 90.0)

COAST_STYLE = {"colors": "0.35", "linewidths": 0.6}
BORDER_STYLE = {"colors": "0.55", "linewidths": 0.4, "linestyles": (0, (4, 2))}


def wrap_lon(lon_deg, lon_min_deg: float = -180.0) -> np.ndarray:
    """Longitudes shifted by whole turns into ``[lon_min_deg, lon_min_deg + 360)`` degrees."""
    return lon_min_deg + np.mod(np.asarray(lon_deg, dtype=float) - lon_min_deg, 360.0)


def split_at_dateline(lon_deg, lat_deg, lon_min_deg: float = -180.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut a track where it leaves the map's longitude range, so no line is drawn across the whole map.

    ``lon_deg``, ``lat_deg``: ``(N,)`` degrees, consecutive points of one track. The longitudes are first
    wrapped into ``[lon_min_deg, lon_min_deg + 360)``; by default that is [-180, 180) and the seam is the
    180° meridian. Wherever a step jumps by more than 180° the track crossed the seam: it is cut there and
    a point is interpolated on the seam at each side, so both pieces reach the edge of the map.

    Returns a list of ``(lon_deg, lat_deg)`` pairs of ``(M,)`` arrays, in track order.
    """
    lon = wrap_lon(lon_deg, lon_min_deg)
    lat = np.asarray(lat_deg, dtype=float)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise ValueError(f"lon_deg and lat_deg must be 1-D of one length, got {lon.shape} and {lat.shape}")
    step = np.diff(lon)
    cuts = np.flatnonzero(np.abs(step) > 180.0)
    if cuts.size == 0:
        return [(lon, lat)]
    seam_hi = lon_min_deg + 360.0
    lat = lat.copy()  # the last point before each cut becomes the seam point that starts the next piece
    pieces = []
    start = 0
    for i in cuts:
        # Going east across the seam the longitude drops by ~360: leave at seam_hi, come back at lon_min.
        east = step[i] < 0
        lon_out, lon_in = (seam_hi, lon_min_deg) if east else (lon_min_deg, seam_hi)
        dlon = step[i] + (360.0 if east else -360.0)  # the true, short step
        frac = (lon_out - lon[i]) / dlon if dlon else 0.0
        lat_seam = lat[i] + frac * (lat[i + 1] - lat[i])  # linear in lon/lat: good enough for a plot
        pieces.append((np.append(lon[start : i + 1], lon_out), np.append(lat[start : i + 1], lat_seam)))
        lon[i], lat[i] = lon_in, lat_seam  # the next piece starts on the seam
        start = i
    pieces.append((lon[start:], lat[start:]))
    return pieces


def auto_extent(lon_deg, lat_deg, margin_deg: float | None = None, min_span_deg: float = 6.0) -> Extent:
    """A map window that holds all the given points with a margin, across the dateline if that is shorter.

    ``lon_deg``, ``lat_deg``: points in degrees (any shape, flattened; NaNs ignored). The longitude window
    is the shortest arc that covers every point: the complement of the widest gap between the points'
    longitudes around the circle, so points at 170°E and 170°W give 170..190, not -170..170. Its centre
    is kept within [-180, 180], so ``lon_min`` may be below -180 or ``lon_max`` above 180.
    ``margin_deg`` is added on every side; by default 10 % of the larger span, at least 2°. Each span is
    at least ``min_span_deg``, latitude stays within ±90 and longitude within one turn.
    """
    lon = np.asarray(lon_deg, dtype=float).ravel()
    lat = np.asarray(lat_deg, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if lon.size == 0:
        return WORLD
    lon_sorted = np.sort(np.mod(lon, 360.0))
    gaps = np.diff(np.append(lon_sorted, lon_sorted[0] + 360.0))  # gap after each point, wrapping round
    widest = int(np.argmax(gaps))
    lon_lo = lon_sorted[(widest + 1) % lon_sorted.size]
    lon_span = 360.0 - gaps[widest]
    lat_lo, lat_hi = float(lat.min()), float(lat.max())
    if margin_deg is None:
        margin_deg = max(2.0, 0.1 * max(lon_span, lat_hi - lat_lo))

    def padded(lo, hi):
        mid, half = 0.5 * (lo + hi), 0.5 * max(hi - lo + 2.0 * margin_deg, min_span_deg)
        return mid - half, mid + half

    lon_min, lon_max = padded(lon_lo, lon_lo + lon_span)
    if lon_max - lon_min >= 360.0:
        lon_min, lon_max = -180.0, 180.0
    else:
        shift = 360.0 * np.round(0.5 * (lon_min + lon_max) / 360.0)  # centre into [-180, 180]
        lon_min, lon_max = lon_min - shift, lon_max - shift
    lat_min, lat_max = padded(lat_lo, lat_hi)
    lat_min, lat_max = max(lat_min, -90.0), min(lat_max, 90.0)
    return float(lon_min), float(lon_max), float(lat_min), float(lat_max)


def _lines_in(lines: list[np.ndarray], extent: Extent) -> list[np.ndarray]:
    """The polylines that may show in ``extent``, each copied once per whole-turn shift that overlaps it."""
    lon_min, lon_max, lat_min, lat_max = extent
    out = []
    for shift in (-360.0, 0.0, 360.0):
        lo, hi = lon_min - shift, lon_max - shift  # the window in the data's own -180..180 range
        if hi < -180.0 or lo > 180.0:
            continue
        for xy in lines:
            x, y = xy[:, 0], xy[:, 1]
            # Bounding-box test only; matplotlib clips the rest to the axes.
            if x.max() < lo or x.min() > hi or y.max() < lat_min or y.min() > lat_max:
                continue
            out.append(xy + (shift, 0.0) if shift else xy)
    return out


def _lon_label(lon: float, _pos=None) -> str:
    lon = float(wrap_lon(lon))
    if np.isclose(lon, 0.0) or np.isclose(abs(lon), 180.0):
        return f"{abs(lon):g}°"
    return f"{abs(lon):g}°{'E' if lon > 0 else 'W'}"


def _lat_label(lat: float, _pos=None) -> str:
    return "0°" if np.isclose(lat, 0.0) else f"{abs(lat):g}°{'N' if lat > 0 else 'S'}"


def draw_basemap(ax: Axes, extent_deg: Extent | None = None, resolution: str | None = None) -> Extent:
    """Draw coastlines, country borders and a labelled graticule on a plain lon/lat axis.

    ``extent_deg``: ``(lon_min, lon_max, lat_min, lat_max)`` degrees, longitudes may run past ±180 to
    show a region across the dateline; the whole world if None. ``resolution``: ``"c"``, ``"l"`` or
    ``"i"`` (see :mod:`jointshield.report.geodata`); by default low for windows under 60° wide and crude
    above, which keeps both detail and file size sensible. Sets the axis limits, an aspect ratio of
    ``1/cos(mid-latitude)`` and the tick labels (°E/°W, °N/°S). Returns the extent used.
    """
    lon_min, lon_max, lat_min, lat_max = extent = tuple(map(float, extent_deg or WORLD))
    if not (lon_min < lon_max and -90.0 <= lat_min < lat_max <= 90.0 and lon_max - lon_min <= 360.0):
        raise ValueError(
            f"extent_deg: {extent_deg} is not (lon_min < lon_max, lat_min < lat_max) within one turn and ±90°"
        )
    if resolution is None:
        resolution = "l" if max(lon_max - lon_min, lat_max - lat_min) < 60.0 else "c"
    ax.add_collection(LineCollection(_lines_in(borders(resolution), extent), zorder=1.0, **BORDER_STYLE))
    ax.add_collection(LineCollection(_lines_in(coastlines(resolution), extent), zorder=1.1, **COAST_STYLE))
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    mid_lat = np.radians(0.5 * (lat_min + lat_max))
    ax.set_aspect(1.0 / max(np.cos(mid_lat), 0.2), adjustable="box")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(_lon_label))
    ax.yaxis.set_major_formatter(FuncFormatter(_lat_label))
    ax.grid(True, color="0.85", linewidth=0.5, zorder=0.5)
    ax.set_axisbelow(True)
    return extent
