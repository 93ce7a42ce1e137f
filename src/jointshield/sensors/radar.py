"""Radars: the type (performance), the placed radar (site and pointing), and the arrays used on hot paths.

Two layers, as elsewhere in jointshield:

* :class:`RadarType` and :class:`Radar` are frozen pydantic models in the user's words (degrees, km,
  mrad), with validation and one-line errors; the catalogue and scenario files are made of them.
* :class:`RadarArrays` holds S radars as a structure of SI arrays (leading axis S). The functions below
  (:func:`aer`, :func:`line_of_sight`, :func:`visible`, :func:`snr`, :func:`detection_probability`,
  :func:`angle_sigma_rad`) take it and broadcast over any number of targets and times.

The model, said out loud (docs/sensors.md has the whole list):

* **Field of regard**: a box in the site's local azimuth/elevation (ENU) frame, azimuth within
  ``az_half_width`` of the boresight azimuth, elevation within ``el_half_width`` of the boresight
  elevation, and at least the minimum elevation; not the sine-space (u, v) field of a real array face.
* **Line of sight**: the straight segment from site to target must not pass inside the Earth model's
  ellipsoid (tested exactly, in coordinates scaled so that the ellipsoid is the unit sphere). No
  atmospheric refraction (the radio horizon of a 4/3-Earth model is not used).
* **Range**: at most the instrumented range.
* **Signal-to-noise**: the radar equation at fixed radar parameters, SNR = SNR_ref · (σ/σ_ref) ·
  (R_ref/R)⁴, where R_ref is the detection range against the reference cross-section σ_ref at the
  reference probability of detection Pd_ref. The detection range against σ is therefore
  R_ref · (σ/σ_ref)^¼ (REFERENCES.md, "Radar geometry").
* **Probability of detection**: ``swerling1`` — a Swerling I (slowly fluctuating, Rayleigh) target in
  a square-law detector with false-alarm probability Pfa per cell: Pd = Pfa^(1/(1 + SNR)) (Skolnik,
  *Introduction to Radar Systems*, 3rd ed., 2001, §2.8; Swerling 1960), calibrated so that
  Pd(R_ref, σ_ref) = Pd_ref, i.e. 1 + SNR_ref = ln Pfa / ln Pd_ref. ``fixed`` — Pd = Pd_ref wherever
  SNR ≥ SNR_ref (within the detection range for the target's cross-section), 0 beyond.
* **Noise**: zero-mean Gaussian in range, azimuth and elevation, independent. Range noise σ_R is
  constant. Angle noise scales with signal-to-noise like a monopulse angle estimate,
  σ = max(σ_floor, σ_ref · sqrt(SNR_ref / SNR)) (Barton, *Radar System Analysis and Modeling*, 2005,
  ch. 8: σ_θ ≈ θ_3dB / (k_m sqrt(2 SNR))), where σ_ref is the angle noise at the reference SNR; or is
  constant when ``angle_noise_scales_with_snr`` is false.
* **False alarms**: a Poisson number per scan with mean ``false_alarms_per_scan`` (of reports that
  reach the tracker), each uniformly distributed in azimuth, elevation and range over the field of
  regard and 0..instrumented range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..earth.frames import enu_rotation, geodetic_to_ecef
from ..earth.models import WGS84, EarthModel
from ..flight.vehicles import generic_name

__all__ = [
    "RADAR_FIGURE_FIELDS",
    "DetectionModel",
    "Radar",
    "RadarArrays",
    "RadarType",
    "aer",
    "angle_sigma_rad",
    "detection_probability",
    "detection_range_m",
    "in_field_of_regard",
    "line_of_sight",
    "snr",
    "visible",
    "visible_aer",
]

_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
_TWO_PI = 2.0 * np.pi

DetectionModel = Literal["swerling1", "fixed"]

RADAR_FIGURE_FIELDS: tuple[str, ...] = (
    "band",
    "az_half_width_deg",
    "boresight_el_deg",
    "el_half_width_deg",
    "min_elevation_deg",
    "instrumented_range_km",
    "detection_range_km",
    "reference_rcs_m2",
    "reference_pd",
    "detection_model",
    "false_alarm_probability",
    "revisit_s",
    "sigma_range_m",
    "sigma_az_mrad",
    "sigma_el_mrad",
    "sigma_angle_floor_mrad",
    "false_alarms_per_scan",
)
"""The fields of a :class:`RadarType` that carry figures, and so need a source in the catalogue."""

LOS_TOLERANCE = 1e-12
"""Slack of the line-of-sight test in scaled (unit-sphere) squared radius (a depth of about 3 µm below the
surface), so that rounding (about 1e-16) never hides a target just above the horizon of a site that
stands on the ellipsoid; a grazing segment from such a site is let through only within about 1e-6 rad
(0.2") below the site's horizontal."""


class RadarType(BaseModel):
    """A radar's performance and geometry limits, independent of where it stands (user units).

    Angles in degrees except the noise (mrad); ranges in km; cross-sections in m².
    """

    model_config = _CONFIG

    kind: Literal["radar"] = Field("radar", description="Always 'radar' (the catalogue's kind).")
    name: str = Field(
        "inline-radar",
        description="Generic name: lower-case letters, digits and hyphens (never a designation).",
    )
    description: str = Field("", description="What the type stands for, in a sentence or two.")
    band: str = Field("", description="Frequency band, for information (e.g. 'X (about 10 GHz)').")
    az_half_width_deg: float = Field(
        gt=0,
        le=180,
        description="Half-width of the field of regard in azimuth about the boresight (degrees, 0..180; "
        "180 sees all round).",
    )
    boresight_el_deg: float = Field(
        ge=0, le=90, description="Default boresight elevation of the field of regard (degrees, 0..90)."
    )
    el_half_width_deg: float = Field(
        gt=0, le=90, description="Half-width of the field of regard in elevation about the boresight (degrees)."
    )
    min_elevation_deg: float = Field(
        0.0,
        ge=-5,
        lt=90,
        description="Lowest elevation above the local horizontal at which the radar sees (degrees).",
    )
    instrumented_range_km: float = Field(gt=0, description="Longest slant range reported (km).")
    detection_range_km: float = Field(
        gt=0,
        description="Slant range at which a target of reference_rcs_m2 is detected with probability "
        "reference_pd (km).",
    )
    reference_rcs_m2: float = Field(gt=0, description="Radar cross-section of the reference target (m²).")
    reference_pd: float = Field(
        gt=0, le=1, description="Probability of detection per scan at the detection range (0..1)."
    )
    detection_model: DetectionModel = Field(
        "swerling1",
        description="swerling1: Pd = Pfa^(1/(1+SNR)) from the radar equation; fixed: Pd = reference_pd "
        "within the detection range for the target's cross-section, 0 beyond.",
    )
    false_alarm_probability: float = Field(
        1e-6,
        gt=0,
        lt=1,
        description="Detection threshold's false-alarm probability per cell (sets the Swerling I curve).",
    )
    revisit_s: float = Field(gt=0, description="Time between scans (dwells) of the field of regard (s).")
    sigma_range_m: float = Field(gt=0, description="Standard deviation of the range noise (m).")
    sigma_az_mrad: float = Field(
        gt=0, description="Standard deviation of the azimuth noise at the reference SNR (mrad)."
    )
    sigma_el_mrad: float = Field(
        gt=0, description="Standard deviation of the elevation noise at the reference SNR (mrad)."
    )
    angle_noise_scales_with_snr: bool = Field(
        True,
        description="Angle noise σ = max(floor, σ_ref·sqrt(SNR_ref/SNR)) (true) or constant σ_ref (false).",
    )
    sigma_angle_floor_mrad: float = Field(
        0.0, ge=0, description="Least angle noise at high SNR (mrad): bias and calibration limits."
    )
    false_alarms_per_scan: float = Field(
        0.0, ge=0, description="Mean number of false reports per scan (Poisson), uniform in the field."
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="Citation of each figure, keyed by field name."
    )

    @field_validator("name")
    @classmethod
    def _generic_name(cls, v: str) -> str:
        return generic_name(v, "notional-xband-tracking")

    @field_validator("sources")
    @classmethod
    def _known_source_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for key, text in v.items():
            if key not in RADAR_FIGURE_FIELDS:
                raise ValueError(
                    f"key {key!r} is not a figure field; allowed: {', '.join(RADAR_FIGURE_FIELDS)}"
                )
            if not text.strip():
                raise ValueError(f"the citation of {key!r} is empty; give title, author or organisation, year")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> RadarType:
        if self.detection_model == "swerling1":
            if self.reference_pd >= 1.0:
                raise ValueError(
                    f"reference_pd {self.reference_pd:g} must be < 1 with detection_model swerling1 "
                    "(Pd = 1 needs infinite SNR); use detection_model fixed for a certain detection"
                )
            if self.false_alarm_probability >= self.reference_pd:
                raise ValueError(
                    f"false_alarm_probability {self.false_alarm_probability:g} must be < reference_pd "
                    f"{self.reference_pd:g}"
                )
        if self.detection_range_km > 100 * self.instrumented_range_km:
            raise ValueError(
                f"detection_range_km {self.detection_range_km:g} is more than 100 times the "
                f"instrumented_range_km {self.instrumented_range_km:g}; check the units (km)"
            )
        return self

    # ---- derived figures -------------------------------------------------------------------------

    @property
    def snr_ref(self) -> float:
        """Signal-to-noise ratio (linear) of the reference target at the detection range.

        Swerling I: 1 + SNR_ref = ln Pfa / ln Pd_ref. For ``fixed`` the same formula with Pfa is used
        only to scale the angle noise (ratios of SNR do not depend on it).
        """
        pd = min(self.reference_pd, 1.0 - 1e-12)
        return float(np.log(self.false_alarm_probability) / np.log(pd) - 1.0)

    def detection_range_for_km(self, rcs_m2: float) -> float:
        """Range (km) at which a target of ``rcs_m2`` is detected with ``reference_pd``: R_ref·(σ/σ_ref)^¼."""
        return self.detection_range_km * (rcs_m2 / self.reference_rcs_m2) ** 0.25

    @property
    def el_limits_deg(self) -> tuple[float, float]:
        """Lowest and highest elevation of the field of regard at the default boresight (degrees)."""
        lo = max(self.boresight_el_deg - self.el_half_width_deg, self.min_elevation_deg)
        return lo, min(self.boresight_el_deg + self.el_half_width_deg, 90.0)

    @property
    def all_round(self) -> bool:
        """True when the field of regard covers every azimuth (no boresight azimuth needed)."""
        return self.az_half_width_deg >= 180.0

    def uncited_figures(self) -> list[str]:
        """Figure fields given explicitly that have no entry in ``sources``."""
        return [f for f in RADAR_FIGURE_FIELDS if f in self.model_fields_set and f not in self.sources]

    def summary(self) -> dict[str, object]:
        """Main figures as a JSON-ready dict: the fields plus derived figures."""
        d = self.model_dump(mode="json")
        d["snr_ref_db"] = 10.0 * float(np.log10(self.snr_ref))
        d["el_limits_deg"] = list(self.el_limits_deg)
        return d


class Radar(BaseModel):
    """A radar of some :class:`RadarType` at a site, pointed at a boresight (degrees, metres)."""

    model_config = _CONFIG

    id: str = Field(min_length=1, max_length=64, description="Name of this radar, e.g. xband-brdy.")
    type: RadarType
    lat_deg: float = Field(ge=-90, le=90, description="Geodetic latitude of the site (degrees).")
    lon_deg: float = Field(ge=-180, le=180, description="Longitude of the site (degrees, east positive).")
    alt_m: float = Field(0.0, ge=-500, le=9000, description="Height of the site above the ellipsoid (m).")
    boresight_az_deg: float = Field(
        0.0, ge=-360, le=360, description="Azimuth the field of regard is centred on (degrees from north, "
        "clockwise); ignored when the type sees all round."
    )
    boresight_el_deg: float | None = Field(
        None, ge=0, le=90, description="Boresight elevation (degrees); default the type's."
    )

    @property
    def pointing_el_deg(self) -> float:
        """Boresight elevation in use (degrees): this radar's, else its type's."""
        return self.type.boresight_el_deg if self.boresight_el_deg is None else self.boresight_el_deg


@dataclass(frozen=True)
class RadarArrays:
    """S radars as SI arrays with a leading axis S: what :func:`observe` and the geometry functions take."""

    ids: tuple[str, ...]
    model: EarthModel
    site_lat_rad: np.ndarray
    site_lon_rad: np.ndarray
    site_alt_m: np.ndarray
    site_ecef_m: np.ndarray
    """(S, 3) site positions."""
    los_site_ecef_m: np.ndarray
    """(S, 3) site positions used for the line of sight: raised to the ellipsoid where alt_m < 0."""
    enu_rot: np.ndarray
    """(S, 3, 3) rotations ECEF → the site's ENU axes."""
    boresight_az_rad: np.ndarray
    boresight_el_rad: np.ndarray
    az_half_width_rad: np.ndarray
    el_half_width_rad: np.ndarray
    min_el_rad: np.ndarray
    max_range_m: np.ndarray
    ref_range_m: np.ndarray
    ref_rcs_m2: np.ndarray
    ref_pd: np.ndarray
    pfa: np.ndarray
    swerling: np.ndarray
    """(S,) bool: Swerling I detection (else fixed Pd within the detection range)."""
    snr_ref: np.ndarray
    revisit_s: np.ndarray
    sigma_range_m: np.ndarray
    sigma_az_rad: np.ndarray
    sigma_el_rad: np.ndarray
    angle_scaling: np.ndarray
    sigma_angle_floor_rad: np.ndarray
    false_alarms_per_scan: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_radars(cls, radars: Sequence[Radar], model: EarthModel = WGS84) -> RadarArrays:
        """Arrays of ``radars`` on the Earth ``model``."""
        rs = list(radars)

        def col(f) -> np.ndarray:
            return np.array([f(r) for r in rs], dtype=float).reshape(len(rs))

        lat = np.deg2rad(col(lambda r: r.lat_deg))
        lon = np.deg2rad(col(lambda r: r.lon_deg))
        alt = col(lambda r: r.alt_m)
        mrad = 1e-3
        return cls(
            ids=tuple(r.id for r in rs),
            model=model,
            site_lat_rad=lat,
            site_lon_rad=lon,
            site_alt_m=alt,
            site_ecef_m=geodetic_to_ecef(lat, lon, alt, model).reshape(len(rs), 3),
            los_site_ecef_m=geodetic_to_ecef(lat, lon, np.maximum(alt, 0.0), model).reshape(len(rs), 3),
            enu_rot=enu_rotation(lat, lon).reshape(len(rs), 3, 3),
            boresight_az_rad=np.mod(np.deg2rad(col(lambda r: r.boresight_az_deg)), _TWO_PI),
            boresight_el_rad=np.deg2rad(col(lambda r: r.pointing_el_deg)),
            az_half_width_rad=np.deg2rad(col(lambda r: r.type.az_half_width_deg)),
            el_half_width_rad=np.deg2rad(col(lambda r: r.type.el_half_width_deg)),
            min_el_rad=np.deg2rad(col(lambda r: r.type.min_elevation_deg)),
            max_range_m=col(lambda r: r.type.instrumented_range_km) * 1e3,
            ref_range_m=col(lambda r: r.type.detection_range_km) * 1e3,
            ref_rcs_m2=col(lambda r: r.type.reference_rcs_m2),
            ref_pd=col(lambda r: r.type.reference_pd),
            pfa=col(lambda r: r.type.false_alarm_probability),
            swerling=np.array([r.type.detection_model == "swerling1" for r in rs], dtype=bool),
            snr_ref=col(lambda r: r.type.snr_ref),
            revisit_s=col(lambda r: r.type.revisit_s),
            sigma_range_m=col(lambda r: r.type.sigma_range_m),
            sigma_az_rad=col(lambda r: r.type.sigma_az_mrad) * mrad,
            sigma_el_rad=col(lambda r: r.type.sigma_el_mrad) * mrad,
            angle_scaling=np.array([r.type.angle_noise_scales_with_snr for r in rs], dtype=bool),
            sigma_angle_floor_rad=col(lambda r: r.type.sigma_angle_floor_mrad) * mrad,
            false_alarms_per_scan=col(lambda r: r.type.false_alarms_per_scan),
        )

    def take(self, index) -> RadarArrays:
        """The radars at ``index`` (an int, a slice or an index array), still with a leading axis."""
        idx = np.atleast_1d(np.arange(len(self))[index])
        out = {}
        for f in fields(self):
            val = getattr(self, f.name)
            if f.name == "ids":
                out[f.name] = tuple(self.ids[i] for i in idx)
            elif isinstance(val, np.ndarray):
                out[f.name] = val[idx]
            else:
                out[f.name] = val
        return RadarArrays(**out)

    def el_limits_rad(self) -> tuple[np.ndarray, np.ndarray]:
        """(S,) lowest and highest elevation of each field of regard, minimum elevation included."""
        lo = np.maximum(self.boresight_el_rad - self.el_half_width_rad, self.min_el_rad)
        hi = np.minimum(self.boresight_el_rad + self.el_half_width_rad, np.pi / 2)
        return lo, hi


# ---------------------------------------------------------------------------------------------------------
# Geometry, batched: radar arrays (S,) against positions (..., 3) give (S, ...).
# ---------------------------------------------------------------------------------------------------------


def _per_radar(x: np.ndarray, ndim: int) -> np.ndarray:
    """(S,) → (S, 1, ..., 1) to broadcast against arrays of shape (S, ...) with ``ndim`` trailing axes."""
    return x.reshape(x.shape + (1,) * ndim)


def aer(radars: RadarArrays, r_ecef_m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Azimuth (rad, [0, 2π)), elevation (rad) and slant range (m), each (S, ...), of ECEF positions
    ``r_ecef_m`` (..., 3) seen from each radar's site, in the site's geodetic ENU frame."""
    r = np.asarray(r_ecef_m, dtype=float)
    nd = r.ndim - 1
    d = r[None] - radars.site_ecef_m.reshape((-1,) + (1,) * nd + (3,))
    enu = np.einsum("sij,s...j->s...i", radars.enu_rot, d)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    horizontal = np.hypot(e, n)
    az = np.mod(np.arctan2(e, n), _TWO_PI)
    az = np.where(az >= _TWO_PI, 0.0, az)
    return az, np.arctan2(u, horizontal), np.sqrt(horizontal * horizontal + u * u)


def line_of_sight(a_ecef_m, b_ecef_m, model: EarthModel = WGS84) -> np.ndarray:
    """True where the straight segment from ``a`` to ``b`` (ECEF, (..., 3) m, broadcast) stays outside
    the model's ellipsoid.

    Exact for the ellipsoid: in coordinates x/a, y/a, z/b the ellipsoid is the unit sphere and the segment
    stays a segment, so the test is whether the point of the segment nearest the origin, A + s*·(B − A)
    with s* = clip(−A·(B − A)/|B − A|², 0, 1), has |·|² ≥ 1 (less :data:`LOS_TOLERANCE`). No refraction.
    NaN positions give False.
    """
    scale = np.array([model.a_m, model.a_m, model.b_m])
    a = np.asarray(a_ecef_m, dtype=float) / scale
    b = np.asarray(b_ecef_m, dtype=float) / scale
    d = b - a
    dd = np.sum(d * d, axis=-1)
    s = np.clip(-np.sum(a * d, axis=-1) / np.where(dd > 0.0, dd, 1.0), 0.0, 1.0)
    p = a + s[..., None] * d
    with np.errstate(invalid="ignore"):
        return np.sum(p * p, axis=-1) >= 1.0 - LOS_TOLERANCE


def in_field_of_regard(radars: RadarArrays, az_rad, el_rad) -> np.ndarray:
    """True where (az, el) (S, ...) lies in each radar's field of regard and above its minimum elevation."""
    az = np.asarray(az_rad, dtype=float)
    el = np.asarray(el_rad, dtype=float)
    nd = az.ndim - 1
    daz = np.mod(az - _per_radar(radars.boresight_az_rad, nd) + np.pi, _TWO_PI) - np.pi
    lo, hi = radars.el_limits_rad()
    with np.errstate(invalid="ignore"):
        return (
            (np.abs(daz) <= _per_radar(radars.az_half_width_rad, nd))
            & (el >= _per_radar(lo, nd))
            & (el <= _per_radar(hi, nd))
        )


def visible(radars: RadarArrays, r_ecef_m) -> np.ndarray:
    """(S, ...) True where each radar sees the position ``r_ecef_m`` (..., 3): line of sight past the
    ellipsoid, in the field of regard, above the minimum elevation, within the instrumented range."""
    r = np.asarray(r_ecef_m, dtype=float)
    return visible_aer(radars, r, *aer(radars, r))


def visible_aer(radars: RadarArrays, r_ecef_m, az_rad, el_rad, range_m) -> np.ndarray:
    """:func:`visible` where the caller already has the (S, ...) azimuth, elevation and range of
    ``r_ecef_m`` (..., 3) from :func:`aer` (saves computing them twice)."""
    r = np.asarray(r_ecef_m, dtype=float)
    nd = r.ndim - 1
    los = line_of_sight(radars.los_site_ecef_m.reshape((-1,) + (1,) * nd + (3,)), r[None], radars.model)
    with np.errstate(invalid="ignore"):
        return los & in_field_of_regard(radars, az_rad, el_rad) & (range_m <= _per_radar(radars.max_range_m, nd))


# ---------------------------------------------------------------------------------------------------------
# Signal-to-noise, detection and noise
# ---------------------------------------------------------------------------------------------------------


def snr(radars: RadarArrays, range_m, rcs_m2) -> np.ndarray:
    """Signal-to-noise ratio (linear), (S, ...), of targets of ``rcs_m2`` at slant ranges ``range_m``.

    ``range_m``: (S, ...) as :func:`aer` gives it; ``rcs_m2`` broadcasts against it (a scalar, (...) or
    (S, ...)). SNR = SNR_ref · (σ/σ_ref) · (R_ref/R)⁴ (the radar equation at fixed radar parameters).
    """
    rng = np.asarray(range_m, dtype=float)
    nd = rng.ndim - 1
    rcs = np.asarray(rcs_m2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (_per_radar(radars.ref_range_m, nd) / rng) ** 4
    return _per_radar(radars.snr_ref, nd) * (rcs / _per_radar(radars.ref_rcs_m2, nd)) * ratio


def detection_probability(radars: RadarArrays, snr_linear) -> np.ndarray:
    """Probability of detection per scan, (S, ...), at the given SNR (S, ...).

    Swerling I: Pd = Pfa^(1/(1 + SNR)); ``fixed``: Pd_ref where SNR ≥ SNR_ref, else 0.
    """
    x = np.asarray(snr_linear, dtype=float)
    nd = x.ndim - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        sw = _per_radar(radars.pfa, nd) ** (1.0 / (1.0 + x))
        fixed = np.where(x >= _per_radar(radars.snr_ref, nd) * (1.0 - 1e-12), _per_radar(radars.ref_pd, nd), 0.0)
    pd = np.where(_per_radar(radars.swerling, nd), sw, fixed)
    return np.where(np.isfinite(x), pd, 0.0)


def detection_range_m(radars: RadarArrays, rcs_m2) -> np.ndarray:
    """(S, ...) range (m) at which each radar detects a target of ``rcs_m2`` (...) with its reference Pd:
    R_ref · (σ/σ_ref)^¼ (the radar equation at constant Pd)."""
    rcs = np.asarray(rcs_m2, dtype=float)
    nd = rcs.ndim
    return _per_radar(radars.ref_range_m, nd) * (rcs / _per_radar(radars.ref_rcs_m2, nd)) ** 0.25


def angle_sigma_rad(radars: RadarArrays, snr_linear) -> tuple[np.ndarray, np.ndarray]:
    """Azimuth and elevation noise σ (rad), (S, ...), at the given SNR (S, ...).

    σ = max(σ_floor, σ_ref · sqrt(SNR_ref / SNR)) where the type scales angle noise with SNR, else σ_ref.
    """
    x = np.asarray(snr_linear, dtype=float)
    nd = x.ndim - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.sqrt(_per_radar(radars.snr_ref, nd) / x)
    factor = np.where(_per_radar(radars.angle_scaling, nd), factor, 1.0)
    floor = _per_radar(radars.sigma_angle_floor_rad, nd)
    s_az = np.maximum(floor, _per_radar(radars.sigma_az_rad, nd) * factor)
    s_el = np.maximum(floor, _per_radar(radars.sigma_el_rad, nd) * factor)
    return s_az, s_el
