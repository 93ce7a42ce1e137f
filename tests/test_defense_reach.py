"""Interceptor types and reach tables: tables against direct fly-outs, the earliest-arrival property
against a dense fan of flights, Earth rotation, performance overrides, caching and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from jointshield.defense import interceptor_type, reach_table, reference_burnout_speed_m_s
from jointshield.defense.flyout import aim_interceptor
from jointshield.defense.reach import geodetic_points, point_geometry, point_geometry_geodetic
from jointshield.earth.frames import geodetic_to_ecef
from jointshield.earth.geodesy import destination, surface_distance_m
from jointshield.earth.models import TEXTBOOK, WGS84
from jointshield.errors import InputError
from jointshield.flight.catalogue import get_vehicle
from jointshield.flight.propagate import powered_flight
from jointshield.flight.vehicles import Vehicle

LAT, LON = np.deg2rad(54.48), np.deg2rad(17.10)  # Redzikowo (REFERENCES.md)


def interior_points(tab, n, seed):
    """Random points inside the table's reach: cells whose corners (and the next azimuth's) are all
    reachable, at random positions within them."""
    rng = np.random.default_rng(seed)
    ok = np.isfinite(tab.time_s)
    inner = ok[:, :-1, :-1] & ok[:, 1:, :-1] & ok[:, :-1, 1:] & ok[:, 1:, 1:]
    inner &= np.roll(inner, -1, axis=0)
    a, h, g = np.nonzero(inner)
    pick = rng.choice(len(a), n, replace=False)
    az = tab.azimuth_rad[a[pick]] + rng.uniform(0.0, 2 * np.pi / len(tab.azimuth_rad), n)
    alt = tab.alt_m[h[pick]] + rng.uniform(0.0, 1.0, n) * (tab.alt_m[1] - tab.alt_m[0])
    rr = tab.range_m[g[pick]] + rng.uniform(0.0, 1.0, n) * (tab.range_m[1] - tab.range_m[0])
    return az, rr, alt


@pytest.mark.parametrize(("name", "tol_s"), [("notional-interceptor-3kms", 0.25),
                                             ("notional-interceptor-7kms", 1.0)])
def test_reach_table_matches_direct_flyouts(name: str, tol_s: float) -> None:
    it = interceptor_type(name)
    tab = reach_table(it, WGS84, LAT)
    az, rr, alt = interior_points(tab, 16, seed=4)
    lat, lon = destination(LAT, LON, az, rr, WGS84)
    points = geodetic_to_ecef(lat, lon, alt, WGS84)
    look = tab.lookup(az, rr, alt)
    assert np.all(np.isfinite(look.time_s))
    # Direct: the interceptor aimed (azimuth and kick) through each point, flown by the flight kernel.
    direct = aim_interceptor(it, LAT, LON, points, WGS84, table=tab)
    assert np.all(direct.miss_m < 50.0), direct.miss_m
    err = look.time_s - direct.time_s
    assert np.all(np.abs(err) <= tol_s), err
    assert np.all(np.abs(err) <= 1e-3 * direct.time_s)  # and within 0.1 %
    # The tabulated launch azimuth and kick are those of the direct flights.
    assert np.all(np.abs(np.angle(np.exp(1j * (look.launch_azimuth_rad - direct.azimuth_rad)))) < np.deg2rad(0.2))
    assert np.all(np.abs(look.kick_rad - direct.kick_rad) < np.deg2rad(0.5))


def test_reach_table_is_the_earliest_arrival_of_a_dense_fan() -> None:
    # Oracle: 851 flights (kicks every 0.1°, five times the table's fan) east from the site, sampled every
    # 0.25 s by the flight module's own path sampler. At each of 12 grid nodes (ground range R0, altitude
    # H0): every flight's crossings of H0 after burn-out (rising and falling) give its range and time
    # there, and its crossing of R0 its altitude and time; wherever the range (altitude) passes R0 (H0)
    # between neighbouring kicks the time is interpolated; the earliest such time is the oracle, against
    # the table's value at that node.
    it = interceptor_type("notional-interceptor-3kms")
    tab = reach_table(it, WGS84, LAT)
    a = int(np.argmin(np.abs(tab.azimuth_rad - np.pi / 2)))
    rng = np.random.default_rng(1)
    j, g = np.nonzero(np.isfinite(tab.time_s[a]))
    pick = rng.choice(len(j), 12, replace=False)
    r0, h0 = tab.range_m[g[pick]], tab.alt_m[j[pick]]
    kicks = np.deg2rad(np.arange(0.0, 85.0 + 1e-9, 0.1))
    fb = powered_flight(it.booster, LAT, 0.0, 0.0, tab.azimuth_rad[a], kicks, it.burn_time_s, WGS84,
                        t_max_s=tab.horizon_s, record_steps=600)
    # cross[0], cross[1]: rising and falling crossings of H0, (R − R0, t); cross[2]: crossing of R0, (H − H0, t)
    cross = np.full((3, len(kicks), len(pick), 2), np.nan)
    for n in range(len(kicks)):
        p = fb.path(n, max_dt_s=0.25)
        keep = p.t_s >= it.burn_time_s
        t, h, la, lo = p.t_s[keep], p.alt_m[keep], p.lat_rad[keep], p.lon_rad[keep]
        if len(t) < 2:
            continue
        r_path = surface_distance_m(LAT, 0.0, la, lo, WGS84)
        for q in range(len(pick)):
            s = np.sign(h - h0[q])
            idx = np.nonzero(s[:-1] != s[1:])[0]
            for b, i in ((0, idx[0] if len(idx) and s[idx[0]] < 0 else None), (1, idx[-1] if len(idx) and s[idx[-1]] > 0 else None)):
                if i is None:
                    continue
                w = (h0[q] - h[i]) / (h[i + 1] - h[i])
                rr = r_path[i:i + 2]
                cross[b, n, q] = rr[0] + w * (rr[1] - rr[0]) - r0[q], t[i] + w * (t[i + 1] - t[i])
            i = int(np.searchsorted(r_path, r0[q]))  # range grows along a flight
            if 0 < i < len(r_path) and r_path[0] < r0[q]:
                w = (r0[q] - r_path[i - 1]) / (r_path[i] - r_path[i - 1])
                cross[2, n, q] = h[i - 1] + w * (h[i] - h[i - 1]) - h0[q], t[i - 1] + w * (t[i] - t[i - 1])
    errors = []
    for q in range(len(pick)):
        found = []
        for b in range(3):
            d = cross[b, :, q, 0]
            tt = cross[b, :, q, 1]
            hit = np.nonzero(np.isfinite(d[:-1]) & np.isfinite(d[1:]) & (np.sign(d[:-1]) != np.sign(d[1:])))[0]
            for i in hit:
                w = d[i] / (d[i] - d[i + 1])
                found.append(tt[i] + w * (tt[i + 1] - tt[i]))
        if found:
            errors.append(tab.time_s[a, j[pick[q]], g[pick[q]]] - min(found))
    assert len(errors) == len(pick)
    assert np.max(np.abs(errors)) < 0.2, errors


def test_earth_rotation_helps_eastward_shots() -> None:
    it = interceptor_type("notional-interceptor-7kms")
    rotating = reach_table(it, WGS84, LAT)
    east, west = rotating.lookup(np.deg2rad([90.0, 270.0]), 4000e3, 500e3).time_s
    assert east < west - 1.0  # seconds: the Earth's rotation carries an eastward interceptor along
    still = reach_table(it, TEXTBOOK)  # non-rotating sphere: one azimuth serves every direction
    assert len(still.azimuth_rad) == 1
    te, tw = still.lookup(np.deg2rad([90.0, 270.0]), 4000e3, 500e3).time_s
    assert te == pytest.approx(tw, rel=1e-12) and np.isfinite(te)


def test_tables_are_cached_and_lookups_broadcast() -> None:
    it = interceptor_type("notional-interceptor-7kms")
    assert reach_table(it, WGS84, LAT) is reach_table(interceptor_type("notional-interceptor-7kms"), WGS84, LAT)
    assert reach_table(it, TEXTBOOK, 0.3) is reach_table(it, TEXTBOOK, 1.0)  # no latitude on the textbook
    tab = reach_table(it, WGS84, LAT)
    out = tab.lookup(np.zeros((2, 3)), np.full((1, 3), 2000e3), 400e3)
    assert out.time_s.shape == (2, 3) and np.all(np.isfinite(out.time_s))
    # Outside the band or beyond reach: NaN, never a guess.
    assert np.isnan(tab.lookup(0.0, 2000e3, 50e3).time_s) and np.isnan(tab.lookup(0.0, 30000e3, 400e3).time_s)


@pytest.mark.parametrize("model", [WGS84, TEXTBOOK])
def test_compiled_lookup_equals_scipy_regular_grid_interpolator(model) -> None:
    # Oracle: scipy's RegularGridInterpolator (linear, NaN outside) on the same grid, which the lookup
    # used before the compiled loop: random points over the whole grid and a margin beyond it, grid
    # nodes, the last node of each axis, NaN coordinates. Same arithmetic in the same order: equal bit for bit.
    from scipy.interpolate import RegularGridInterpolator

    tab = reach_table(interceptor_type("notional-interceptor-7kms"), model, LAT)
    (g_az, g_alt, g_rng), vals = tab.interpolation_grid()
    oracle = RegularGridInterpolator((g_az, g_alt, g_rng), vals, bounds_error=False, fill_value=np.nan)
    rng = np.random.default_rng(7)
    n = 20000
    pts = np.column_stack([rng.uniform(-0.1, 2 * np.pi + 0.1, n),
                           rng.uniform(g_alt[0] - 20e3, g_alt[-1] + 20e3, n),
                           rng.uniform(g_rng[0] - 50e3, g_rng[-1] + 50e3, n)])
    nodes = np.column_stack([rng.choice(g_az, 500), rng.choice(g_alt, 500), rng.choice(g_rng, 500)])
    edges = np.array([[g_az[-1], g_alt[-1], g_rng[-1]], [g_az[0], g_alt[0], g_rng[0]],
                      [g_az[-1], g_alt[0], g_rng[-1]], [np.nan, g_alt[1], g_rng[1]], [0.1, np.nan, 1e6]])
    pts = np.concatenate([pts, nodes, edges])
    got = tab._interpolate(pts)
    want = oracle(pts)
    assert np.isfinite(want[:, 0]).sum() > n // 4  # the comparison covers reachable cells
    np.testing.assert_array_equal(got, want)


def test_point_geometry_against_pyproj() -> None:
    # Oracle: pyproj's geodesic inverse (Karney) from the site to each point and from each point back to
    # the site; the heading away from the site at the point is the reverse of the latter.
    import pyproj

    rng = np.random.default_rng(3)
    n = 500
    lat = rng.uniform(np.deg2rad(30.0), np.deg2rad(65.0), n)
    lon = rng.uniform(np.deg2rad(-10.0), np.deg2rad(60.0), n)
    alt = rng.uniform(0.0, 1500e3, n)
    r = geodetic_to_ecef(lat, lon, alt, WGS84)
    r[5] = np.nan
    az, rng_m, h, heading = point_geometry_geodetic(LAT, LON, *geodetic_points(r, WGS84), WGS84)
    geod = pyproj.Geod(a=WGS84.a_m, f=WGS84.f)
    az_w, _, d_w = geod.inv(np.full(n, LON), np.full(n, LAT), lon, lat, radians=True)
    back_w, _, _ = geod.inv(lon, lat, np.full(n, LON), np.full(n, LAT), radians=True)
    ok = np.arange(n) != 5
    dang = np.angle(np.exp(1j * (az[ok] - az_w[ok])))
    assert np.all(np.abs(dang) < 1e-9)
    np.testing.assert_allclose(rng_m[ok], d_w[ok], rtol=0, atol=1e-6)
    np.testing.assert_allclose(h[ok], alt[ok], atol=1e-6)
    dhead = np.angle(np.exp(1j * (heading[ok] - (back_w[ok] + np.pi))))
    assert np.all(np.abs(dhead) < 1e-9)
    assert np.all(np.isnan([az[5], rng_m[5], h[5], heading[5]]))
    # point_geometry is the same figures from ECEF.
    az2, rng2, h2 = point_geometry(LAT, LON, r, WGS84)
    np.testing.assert_array_equal(np.c_[az2, rng2, h2], np.c_[az, rng_m, h])


def test_burnout_speed_and_burn_time_overrides() -> None:
    nominal = interceptor_type("notional-interceptor-7kms", model=TEXTBOOK)
    mda = interceptor_type("notional-interceptor-7kms", burnout_speed_km_s=6.3, model=TEXTBOOK)
    postol = interceptor_type("notional-interceptor-7kms", burnout_speed_km_s=9.0, model=TEXTBOOK)
    for it, v in ((mda, 6300.0), (postol, 9000.0)):
        assert reference_burnout_speed_m_s(it.vehicle, TEXTBOOK) == pytest.approx(v, abs=0.5)
    assert mda.isp_scale < 1.0 < postol.isp_scale
    base = get_vehicle("notional-interceptor-7kms")
    assert [s.isp_s for s in mda.vehicle.stages] == pytest.approx([s.isp_s * mda.isp_scale for s in base.stages])
    # The faster, the sooner at a point 3,000 km out at 500 km (textbook Earth: one azimuth, fast tables).
    times = [reach_table(it, TEXTBOOK).lookup(0.0, 3000e3, 500e3).time_s for it in (mda, nominal, postol)]
    assert times[0] > times[1] > times[2]
    stretched = interceptor_type("notional-interceptor-7kms", burn_time_s=180.0, burnout_speed_km_s=6.3)
    assert stretched.burn_time_s == pytest.approx(180.0)
    assert [s.burn_time_s for s in stretched.vehicle.stages] == pytest.approx([60 * 1.125, 55 * 1.125, 45 * 1.125])
    assert [s.propellant_mass_kg for s in stretched.vehicle.stages] == [8100, 2250, 600]
    assert reference_burnout_speed_m_s(stretched.vehicle, WGS84) == pytest.approx(6300.0, abs=0.5)


def test_kill_vehicle_figures_are_in_the_catalogue() -> None:
    for name, divert, lo, hi in (("notional-interceptor-3kms", 250, 70, 300),
                                 ("notional-interceptor-4p5kms", 400, 80, 700),
                                 ("notional-interceptor-7kms", 600, 100, 2000)):
        it = interceptor_type(name)
        assert (it.divert_delta_v_m_s, it.min_intercept_alt_m, it.max_intercept_alt_m) == (divert, lo * 1e3, hi * 1e3)
        v = get_vehicle(name)
        assert {"divert_delta_v_m_s", "min_intercept_alt_km", "max_intercept_alt_km"} <= set(v.sources)


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda: interceptor_type("notional-icbm"), "interceptor", "not an interceptor"),
        (lambda: interceptor_type("notional-interceptor-7kms", burn_time_s=2000), "burn_time_s", "not lift off"),
        (lambda: interceptor_type("notional-interceptor-7kms", burn_time_s=-5), "burn_time_s", "positive"),
        (lambda: interceptor_type("notional-interceptor-7kms", burnout_speed_km_s=20), "burnout_speed_km_s",
         "outside 0.5..15"),
    ],
)
def test_bad_interceptor_requests_say_what_is_wrong(call, field: str, words: str) -> None:
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field and words in e.value.message


def test_vehicle_validates_kill_vehicle_figures() -> None:
    raw = get_vehicle("notional-interceptor-3kms").model_dump()
    with pytest.raises(ValidationError, match="must be above min_intercept_alt_km"):
        Vehicle.model_validate({**raw, "max_intercept_alt_km": 50})
    missile = get_vehicle("notional-srbm").model_dump()
    with pytest.raises(ValidationError, match="not a missile"):
        Vehicle.model_validate({**missile, "divert_delta_v_m_s": 100})
    bare = {**raw, "divert_delta_v_m_s": None, "sources": {}}
    with pytest.raises(InputError, match="has no divert_delta_v_m_s"):
        interceptor_type(Vehicle.model_validate(bare))
