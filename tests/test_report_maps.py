"""Coastline/border reader, dateline handling and the flight plot.

Reference places (degrees, from any atlas): Gibraltar 36.14N 5.35W; Cape Town 33.92S 18.42E; the
Oder-Neisse Poland-Germany border near Frankfurt (Oder) / Slubice 52.3N 14.6E. Distances are haversine
on a 6371 km sphere, plenty for thresholds of tens of km.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from jointshield.report.flight_plot import DPI, FIGSIZE_IN, TrackForPlot, plot_flight
from jointshield.report.geodata import borders, coastlines
from jointshield.report.maps import auto_extent, draw_basemap, split_at_dateline


def nearest_km(lines, lat_deg, lon_deg):
    xy = np.concatenate(lines)
    lat1, lon1, lat2, lon2 = map(np.radians, (lat_deg, lon_deg, xy[:, 1], xy[:, 0]))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float((2 * 6371.0 * np.arcsin(np.sqrt(h))).min())


# --- geodata -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resolution, n_lines, n_points",
    # GSHHG crude has 1767 polygons and 12601 points, low 10621 and 89877; cutting out the 180° and
    # South Pole closures adds a few polylines and removes a few points.
    [("c", (1700, 1850), (12_000, 13_000)), ("l", (10_500, 10_800), (89_000, 90_500))],
)
def test_coastlines_plausible(resolution, n_lines, n_points):
    lines = coastlines(resolution)
    xy = np.concatenate(lines)
    assert n_lines[0] <= len(lines) <= n_lines[1]
    assert n_points[0] <= len(xy) <= n_points[1]
    assert all(a.ndim == 2 and a.shape[1] == 2 and len(a) >= 2 and a.dtype == np.float64 for a in lines)
    assert np.all(np.abs(xy[:, 0]) <= 180.0) and np.all(np.abs(xy[:, 1]) <= 90.0)
    # Antarctica's closure through the pole is removed: its northernmost coast is 60-84 degrees south.
    assert xy[:, 1].min() > -80.0
    # Land reaches 83.6 degrees north (Kaffeklubben Island); nothing beyond.
    assert 83.0 < xy[:, 1].max() < 84.0


@pytest.mark.parametrize("resolution, tol_km", [("c", 50.0), ("l", 15.0)])
@pytest.mark.parametrize("place, lat, lon", [("Gibraltar", 36.14, -5.35), ("Cape Town", -33.92, 18.42)])
def test_coastline_near_known_ports(resolution, tol_km, place, lat, lon):
    assert nearest_km(coastlines(resolution), lat, lon) < tol_km, place


def test_no_coast_in_mid_ocean():
    # 30N 40W, middle of the North Atlantic: the nearest land (Azores, Canaries) is > 1000 km away.
    assert nearest_km(coastlines("c"), 30.0, -40.0) > 1000.0


def test_no_line_along_the_dateline():
    # Eurasia, Antarctica and Fiji are stored cut at 180°; the cut edges must not come back as coast.
    for xy in coastlines("c"):
        on_cut = np.abs(xy[:, 0]) >= 180.0
        assert not np.any(on_cut[:-1] & on_cut[1:])


def test_borders():
    lines = borders("c")
    xy = np.concatenate(lines)
    assert 400 <= len(lines) <= 500 and 20_000 <= len(xy) <= 22_000
    assert np.all(np.abs(xy[:, 0]) <= 180.0) and np.all(np.abs(xy[:, 1]) <= 90.0)
    assert nearest_km(lines, 52.3, 14.6) < 25.0  # Poland-Germany on the Oder
    assert nearest_km(lines, 30.0, -40.0) > 2000.0  # no border in the Atlantic


def test_cached_and_read_only():
    a, b = coastlines("c"), coastlines("c")
    assert a[0] is b[0]
    with pytest.raises(ValueError):
        a[0][0, 0] = 0.0
    a.clear()  # the caller's list is its own
    assert len(coastlines("c")) > 1000


def test_unknown_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution"):
        coastlines("f")


# --- maps --------------------------------------------------------------------------------------------


def test_split_at_dateline_east():
    lon = np.linspace(170.0, 190.0, 21)  # 170E to 170W, crossing 180 at the middle
    lat = np.linspace(10.0, 20.0, 21)
    pieces = split_at_dateline(lon, lat)
    assert len(pieces) == 2
    (lon_a, lat_a), (lon_b, lat_b) = pieces
    assert lon_a[0] == 170.0 and lon_a[-1] == 180.0 and lat_a[-1] == pytest.approx(15.0)
    assert lon_b[0] == -180.0 and lon_b[-1] == pytest.approx(-170.0) and lat_b[0] == pytest.approx(15.0)
    for lon_p, _ in pieces:
        assert np.all(np.abs(np.diff(lon_p)) <= 1.0 + 1e-9)  # no jump across the map
    # every original point is in exactly one piece; the two seam points are added
    assert len(lon_a) + len(lon_b) == len(lon) + 2


def test_split_at_dateline_west_and_none():
    pieces = split_at_dateline([-175.0, 175.0], [0.0, 2.0])
    assert [p[0].tolist() for p in pieces] == [[-175.0, -180.0], [180.0, 175.0]]
    assert pieces[0][1][-1] == pytest.approx(1.0)
    (one,) = split_at_dateline([10.0, 20.0, 30.0], [0.0, 1.0, 2.0])
    assert one[0].tolist() == [10.0, 20.0, 30.0]


def test_split_in_shifted_window_has_no_cut():
    # In a window that starts at 100E the track 170E..170W is continuous.
    (one,) = split_at_dateline([170.0, 180.0, -170.0], [0.0, 0.0, 0.0], lon_min_deg=100.0)
    assert one[0].tolist() == [170.0, 180.0, 190.0]


def test_auto_extent_across_dateline():
    lon_min, lon_max, lat_min, lat_max = auto_extent([170.0, -170.0], [10.0, 20.0], margin_deg=2.0)
    assert (lon_min, lon_max) == pytest.approx((168.0, 192.0))
    assert (lat_min, lat_max) == pytest.approx((8.0, 22.0))


def test_auto_extent_regional_and_limits():
    assert auto_extent([35.0, 45.0], [32.0, 35.0], margin_deg=1.0) == pytest.approx((34.0, 46.0, 30.5, 36.5))
    # a single point gets the minimum span; latitude is clipped at the pole
    lon_min, lon_max, _, lat_max = auto_extent([0.0], [89.0], margin_deg=1.0, min_span_deg=6.0)
    assert (lon_min, lon_max, lat_max) == pytest.approx((-3.0, 3.0, 90.0))
    # points all round the globe: the whole world
    assert auto_extent(np.arange(-180, 180, 20.0), np.zeros(18), margin_deg=15.0) == (
        -180.0,
        180.0,
        -15.0,
        15.0,
    )


def test_draw_basemap_shifted_extent():
    fig = Figure()
    ax = fig.add_subplot()
    draw_basemap(ax, (150.0, 230.0, 10.0, 60.0))
    assert ax.get_xlim() == (150.0, 230.0)
    # coastlines east of the dateline (Alaska, Hawaii) are drawn shifted by +360
    xy = np.concatenate([np.concatenate(c.get_segments()) for c in ax.collections])
    assert xy[:, 0].max() > 200.0
    with pytest.raises(ValueError, match="extent_deg"):
        draw_basemap(ax, (10.0, 0.0, 0.0, 10.0))


# --- flight plot -------------------------------------------------------------------------------------


def synthetic_track(label, lat0, lon0, lat1, lon1, apogee_km=300.0, n=120):
    """A straight line in lon/lat with a parabolic altitude profile: enough for a picture."""
    dlon = (lon1 - lon0 + 180.0) % 360.0 - 180.0  # the short way round
    s = np.linspace(0.0, 1.0, n)
    lat = lat0 + s * (lat1 - lat0)
    lon = (lon0 + s * dlon + 180.0) % 360.0 - 180.0
    range_km = s * 111.2 * np.hypot(lat1 - lat0, dlon * np.cos(np.radians(0.5 * (lat0 + lat1))))
    alt_km = 4.0 * apogee_km * s * (1.0 - s)
    return TrackForPlot(
        label,
        lat,
        lon,
        alt_km,
        range_km,
        launch=(lat0, lon0),
        target=(lat1, lon1),
        events={"burnout": n // 8, "reentry": n - n // 10},
    )


def png_size(path):
    with Image.open(path) as im:
        return im.size


EXPECTED_PX = (round(FIGSIZE_IN[0] * DPI), round(FIGSIZE_IN[1] * DPI))


def test_plot_flight_writes_png(tmp_path):
    out = plot_flight(
        tmp_path / "flight.png",
        [synthetic_track("a", 35.0, 45.0, 32.0, 35.0), synthetic_track("b", 34.0, 41.0, 31.5, 35.5, 120.0)],
        title="Two notional flights",
    )
    assert out.stat().st_size > 20_000
    assert png_size(out) == EXPECTED_PX
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_plot_flight_across_dateline_from_dicts(tmp_path):
    t = synthetic_track("c", 40.0, 160.0, 25.0, -160.0, 900.0)
    as_dict = {f: getattr(t, f) for f in ("label", "lat_deg", "lon_deg", "alt_km", "range_km", "launch")}
    out = plot_flight(tmp_path / "dateline.png", [as_dict], title="Across the dateline")
    assert png_size(out) == EXPECTED_PX


def test_plot_flight_same_input_same_bytes(tmp_path):
    tracks = [synthetic_track("a", 35.0, 45.0, 32.0, 35.0)]
    a = plot_flight(tmp_path / "a.png", tracks).read_bytes()
    b = plot_flight(tmp_path / "b.png", tracks).read_bytes()
    assert a == b


def test_plot_flight_failure_leaves_old_file(tmp_path):
    path = tmp_path / "flight.png"
    plot_flight(path, [synthetic_track("a", 35.0, 45.0, 32.0, 35.0)])
    before = path.read_bytes()
    good = synthetic_track("a", 35.0, 45.0, 32.0, 35.0)
    with pytest.raises(ValueError, match=r"arrays differ in length .*'alt_km': 119"):
        plot_flight(path, [{**good.__dict__, "alt_km": good.alt_km[:-1]}])
    with pytest.raises(ValueError, match=r"events\['apogee'\].*0\.\.119"):
        plot_flight(path, [{**good.__dict__, "events": {"apogee": 500}}])
    with pytest.raises(ValueError, match="non-empty list"):
        plot_flight(path, [])
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_plot_flight_failure_while_writing_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "flight.png"
    path.write_bytes(b"earlier")

    def broken_savefig(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(RuntimeError, match="disk full"):
        plot_flight(path, [synthetic_track("a", 35.0, 45.0, 32.0, 35.0)])
    assert path.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [path]
