"""Radar geometry and detection against hand-computed values: horizon, ellipsoid, field of regard, SNR, Pd.

Formulas checked (REFERENCES.md, "Radar geometry"): a target at altitude h is visible over a spherical
Earth of radius R from a radar at altitude h_r out to ground distance D where
R / cos(D/R − acos(R/(R + h_r))) − R ≤ h; detection range ∝ RCS^¼ at constant Pd; Swerling I
Pd = Pfa^(1/(1 + SNR)).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pydantic import ValidationError

from jointshield.earth.frames import aer_to_ecef, geodetic_to_ecef
from jointshield.earth.models import TEXTBOOK, WGS84
from jointshield.errors import InputError
from jointshield.sensors.catalogue import get_radar_type, load_radar_catalogue, radar_type_names
from jointshield.sensors.radar import (
    RADAR_FIGURE_FIELDS,
    Radar,
    RadarArrays,
    RadarType,
    aer,
    angle_sigma_rad,
    detection_probability,
    detection_range_m,
    line_of_sight,
    snr,
    visible,
)

R_SPHERE = TEXTBOOK.a_m  # 6371 km


def radar_type(**kw: object) -> RadarType:
    d: dict[str, object] = {
        "az_half_width_deg": 180,
        "boresight_el_deg": 42.5,
        "el_half_width_deg": 47.5,
        "min_elevation_deg": -5,
        "instrumented_range_km": 10000,
        "detection_range_km": 1000,
        "reference_rcs_m2": 1.0,
        "reference_pd": 0.9,
        "revisit_s": 1,
        "sigma_range_m": 10,
        "sigma_az_mrad": 1,
        "sigma_el_mrad": 1,
    }
    d.update(kw)
    return RadarType(**d)


def arrays(model=WGS84, lat=0.0, lon=0.0, alt=0.0, az=0.0, el=None, **kw: object) -> RadarArrays:
    r = Radar(id="r", type=radar_type(**kw), lat_deg=lat, lon_deg=lon, alt_m=alt, boresight_az_deg=az,
              boresight_el_deg=el)
    return RadarArrays.from_radars([r], model)


def horizon_altitude_m(d_m: float, h_r_m: float, r_m: float = R_SPHERE) -> float:
    """REFERENCES.md: lowest visible altitude at ground distance D from a radar at altitude h_r."""
    return r_m / math.cos(d_m / r_m - math.acos(r_m / (r_m + h_r_m))) - r_m


# ---- line of sight and horizon -------------------------------------------------------------------


@pytest.mark.parametrize("h_r_m", [0.0, 100.0, 1000.0])
@pytest.mark.parametrize("d_km", [500.0, 1500.0, 3000.0])
def test_horizon_on_the_sphere_matches_the_formula(d_km: float, h_r_m: float) -> None:
    h_star = horizon_altitude_m(d_km * 1e3, h_r_m)
    # Hand value: for h_r = 0, h* = R/cos(D/R) − R = 6371/cos(0.47088) − 6371 = 778.0 km at 3,000 km.
    if h_r_m == 0.0 and d_km == 3000.0:
        assert h_star / 1e3 == pytest.approx(778.05, abs=0.01)
    ra = arrays(TEXTBOOK, lat=0.0, lon=0.0, alt=h_r_m)
    lat_t = d_km * 1e3 / R_SPHERE  # due north along the meridian
    above = geodetic_to_ecef(lat_t, 0.0, h_star + 50.0, TEXTBOOK)
    below = geodetic_to_ecef(lat_t, 0.0, h_star - 50.0, TEXTBOOK)
    site = geodetic_to_ecef(0.0, 0.0, h_r_m, TEXTBOOK)
    assert line_of_sight(site, above, TEXTBOOK)
    assert not line_of_sight(site, below, TEXTBOOK)
    assert visible(ra, np.stack([above, below])).tolist() == [[True, False]]


def test_the_ellipsoid_not_a_sphere_blocks_the_segment() -> None:
    a, b = WGS84.a_m, WGS84.b_m
    h = 100e3
    # Chord between two points at 100 km over the equator: nearest approach (a + h) cos θ, in the equatorial
    # plane where the ellipsoid is a circle of radius a. 5 km inside a → blocked; a sphere of the mean
    # radius 6371 km (3.1 km lower than a − 5 km) would let it through.
    for miss_m, seen in ((-5e3, False), (5e3, True)):
        theta = math.acos((a + miss_m) / (a + h))
        p1 = geodetic_to_ecef(0.0, -theta, h, WGS84)
        p2 = geodetic_to_ecef(0.0, theta, h, WGS84)
        assert bool(line_of_sight(p1, p2, WGS84)) is seen
        assert bool(line_of_sight(p1, p2, TEXTBOOK)) is True  # the mean sphere does not block either
    # Chord z = const over the north pole: the ellipsoid's top is at z = b (6,356.8 km), 21 km below a.
    for dz, seen in ((-1e3, False), (1e3, True)):
        p1 = np.array([-3000e3, 0.0, b + dz])
        p2 = np.array([3000e3, 0.0, b + dz])
        assert bool(line_of_sight(p1, p2, WGS84)) is seen
    # The mean sphere (6,371 km) would block the chord 1 km above the pole that the ellipsoid lets through.
    assert not line_of_sight(np.array([-3000e3, 0, b + 1e3]), np.array([3000e3, 0, b + 1e3]), TEXTBOOK)


def test_line_of_sight_broadcasts_and_nan_is_not_seen() -> None:
    site = geodetic_to_ecef(0.0, 0.0, 0.0, WGS84)
    r = aer_to_ecef(0.3, np.deg2rad([[5.0, -5.0, 30.0]]), 1000e3, 0.0, 0.0, 0.0, WGS84)
    los = line_of_sight(site, r, WGS84)
    assert los.shape == (1, 3) and los.tolist() == [[True, False, True]]
    assert not line_of_sight(site, np.array([np.nan, 0.0, 0.0]), WGS84)


# ---- field of regard, minimum elevation, instrumented range ---------------------------------------


def xband_like(az: float = 120.0) -> RadarArrays:
    return arrays(WGS84, lat=49.65, lon=13.83, alt=0.0, az=az, az_half_width_deg=25, boresight_el_deg=20,
                  el_half_width_deg=20, min_elevation_deg=1, instrumented_range_km=4000)


def target(ra: RadarArrays, az_deg, el_deg, range_km) -> np.ndarray:
    return aer_to_ecef(np.deg2rad(az_deg), np.deg2rad(el_deg), np.asarray(range_km) * 1e3,
                       ra.site_lat_rad[0], ra.site_lon_rad[0], ra.site_alt_m[0], WGS84)


@pytest.mark.parametrize(
    "az, el, rng_km, seen",
    [
        (120.0, 10.0, 1000.0, True),
        (95.1, 10.0, 1000.0, True),  # 24.9° left of boresight
        (94.9, 10.0, 1000.0, False),  # 25.1°
        (144.9, 10.0, 1000.0, True),
        (145.1, 10.0, 1000.0, False),
        (120.0, 39.9, 1000.0, True),  # top of the field: 20 + 20
        (120.0, 40.1, 1000.0, False),
        (120.0, 1.1, 1000.0, True),  # minimum elevation 1° (the box goes down to 0°)
        (120.0, 0.9, 1000.0, False),
        (120.0, 10.0, 3999.0, True),  # instrumented range 4,000 km
        (120.0, 10.0, 4001.0, False),
    ],
)
def test_field_of_regard_edges(az: float, el: float, rng_km: float, seen: bool) -> None:
    ra = xband_like()
    assert visible(ra, target(ra, az, el, rng_km))[0] == seen


def test_field_of_regard_across_north() -> None:
    ra = xband_like(az=350.0)
    seen = visible(ra, target(ra, np.array([10.0, 14.9, 15.1, 324.9, 325.1]), 10.0, 1000.0))
    assert seen[0].tolist() == [True, True, False, False, True]  # field 325°..15°


def test_aer_matches_the_frames_module_and_shapes_broadcast() -> None:
    two = RadarArrays.from_radars(
        [
            Radar(id="a", type=radar_type(), lat_deg=10, lon_deg=20, alt_m=300),
            Radar(id="b", type=radar_type(), lat_deg=-30, lon_deg=-60),
        ]
    )
    r = geodetic_to_ecef(np.deg2rad(np.linspace(-40, 40, 20)).reshape(4, 5), 0.3, 500e3)
    az, el, rng = aer(two, r)
    assert az.shape == el.shape == rng.shape == (2, 4, 5)
    assert visible(two, r).shape == (2, 4, 5)
    from jointshield.earth.frames import ecef_to_aer

    az1, el1, r1 = ecef_to_aer(r, np.deg2rad(-30), np.deg2rad(-60), 0.0, WGS84)
    np.testing.assert_allclose(az[1], az1, atol=1e-12)
    np.testing.assert_allclose(el[1], el1, atol=1e-12)
    np.testing.assert_allclose(rng[1], r1, rtol=1e-14)


# ---- signal-to-noise, Pd, detection range ---------------------------------------------------------


def test_swerling_calibration_and_reference_snr() -> None:
    t = radar_type(reference_pd=0.9, false_alarm_probability=1e-6)
    # 1 + SNR_ref = ln Pfa / ln Pd_ref = 13.8155 / 0.10536 = 131.13 → SNR_ref = 130.13 (21.14 dB)
    assert t.snr_ref == pytest.approx(math.log(1e-6) / math.log(0.9) - 1.0, rel=1e-12)
    assert t.snr_ref == pytest.approx(130.126, abs=1e-3)
    ra = arrays(detection_range_km=1000, reference_rcs_m2=1.0)
    x = snr(ra, np.array([[1000e3, 500e3, 2000e3]]), 1.0)
    np.testing.assert_allclose(x[0], t.snr_ref * np.array([1.0, 16.0, 1.0 / 16.0]), rtol=1e-12)
    pd = detection_probability(ra, x)
    assert pd[0, 0] == pytest.approx(0.9, abs=1e-12)
    assert pd[0, 1] == pytest.approx(1e-6 ** (1.0 / (1.0 + 16 * t.snr_ref)), rel=1e-12)  # 0.99339
    assert pd[0, 2] == pytest.approx(1e-6 ** (1.0 / (1.0 + t.snr_ref / 16.0)), rel=1e-12)
    # exp(−13.8155 / (1 + 130.126/16)) = exp(−1.5127) = 0.2203
    assert pd[0, 2] == pytest.approx(0.2203, abs=1e-4)


@pytest.mark.parametrize("rcs", [0.01, 0.1, 1.0, 10.0])
def test_detection_range_scales_as_rcs_to_the_quarter(rcs: float) -> None:
    ra = arrays(detection_range_km=4500, reference_rcs_m2=1.0)
    r_det = detection_range_m(ra, rcs)[0]
    assert r_det == pytest.approx(4500e3 * rcs**0.25, rel=1e-12)
    if rcs == 0.01:
        assert r_det / 4500e3 == pytest.approx(0.316, abs=1e-3)  # REFERENCES.md: 0.316 of the range
    # Pd at that range equals the reference Pd, whatever the cross-section.
    pd = detection_probability(ra, snr(ra, np.array([[r_det, 0.99 * r_det, 1.01 * r_det]]), rcs))[0]
    assert pd[0] == pytest.approx(0.9, abs=1e-12)
    assert pd[1] > 0.9 > pd[2]


def test_fixed_detection_model() -> None:
    ra = arrays(detection_model="fixed", reference_pd=0.75, reference_rcs_m2=0.1, detection_range_km=1000)
    r_det = 1000e3 * (0.01 / 0.1) ** 0.25
    pd = detection_probability(ra, snr(ra, np.array([[0.5 * r_det, 0.999 * r_det, 1.001 * r_det]]), 0.01))
    assert pd[0].tolist() == [0.75, 0.75, 0.0]
    assert detection_probability(ra, np.array([[np.nan]]))[0, 0] == 0.0


def test_angle_noise_scales_with_snr_down_to_its_floor() -> None:
    ra = arrays(sigma_az_mrad=1.0, sigma_el_mrad=2.0, sigma_angle_floor_mrad=0.3)
    ref = ra.snr_ref[0]
    s_az, s_el = angle_sigma_rad(ra, np.array([[ref, 4 * ref, 100 * ref, ref / 4]]))
    np.testing.assert_allclose(s_az[0], [1e-3, 0.5e-3, 0.3e-3, 2e-3], rtol=1e-12)
    np.testing.assert_allclose(s_el[0], [2e-3, 1e-3, 0.3e-3, 4e-3], rtol=1e-12)
    flat = arrays(sigma_az_mrad=1.0, sigma_el_mrad=2.0, angle_noise_scales_with_snr=False)
    s_az, s_el = angle_sigma_rad(flat, np.array([[ref, 100 * ref]]))
    np.testing.assert_allclose(s_az[0], [1e-3, 1e-3])


# ---- the catalogue and the models' validation -----------------------------------------------------


def test_catalogue_radars_are_cited_and_shaped_as_planned() -> None:
    cat = load_radar_catalogue()
    assert radar_type_names() == ["notional-xband-tracking", "notional-uhf-early-warning"]
    for t in cat.values():
        assert set(t.sources) == set(RADAR_FIGURE_FIELDS)  # every figure cited
        assert t.uncited_figures() == []
        for field, text in t.sources.items():
            # As for vehicles: an open source has a year; an estimate says what it is derived from.
            assert re.search(r"\b(19|20)\d\d\b", text), (field, text)
            if "estimate" in text.split(":")[0]:
                assert text.startswith("estimate: derived"), (field, text)
        assert t.kind == "radar" and t.name.startswith("notional-")
    x, u = cat["notional-xband-tracking"], cat["notional-uhf-early-warning"]
    # X band: narrow field, fine accuracy; UHF: wide field, coarse accuracy.
    assert x.az_half_width_deg < 30 < u.az_half_width_deg
    assert x.sigma_az_mrad < u.sigma_az_mrad / 5 and x.sigma_range_m < u.sigma_range_m
    assert x.detection_range_km == 2000 and x.reference_rcs_m2 == 0.01
    assert u.el_limits_deg == (3.0, 85.0)
    # Against a 0.01 m² reentry vehicle the UHF radar reaches 4,500 · 0.01^¼ = 1,423 km.
    assert u.detection_range_for_km(0.01) == pytest.approx(1423.0, abs=0.1)


def test_get_radar_type_lists_known_names() -> None:
    with pytest.raises(InputError, match="unknown radar type 'zz'; known: notional-xband-tracking"):
        get_radar_type("zz")


@pytest.mark.parametrize(
    "kw, text",
    [
        ({"revisit_s": -1}, "revisit_s"),
        ({"sigma_range_m": 0}, "sigma_range_m"),
        ({"sigma_az_mrad": -0.1}, "sigma_az_mrad"),
        ({"az_half_width_deg": 190}, "az_half_width_deg"),
        ({"reference_pd": 1.0}, "must be < 1 with detection_model swerling1"),
        ({"false_alarm_probability": 0.95}, "must be < reference_pd"),
        ({"name": "AN-TPY-2"}, "not a valid name"),
        ({"sources": {"power_w": "x"}}, "not a figure field"),
        ({"false_alarms_per_scan": -1}, "false_alarms_per_scan"),
    ],
)
def test_radar_type_rejects(kw: dict[str, object], text: str) -> None:
    with pytest.raises(ValidationError, match=text):
        radar_type(**kw)
