"""Threat criteria: declarative, versioned rule sets that say which tracks are missile threats, and why.

In 2007 the US and Russia agreed to "draw up criteria to determine what should be classed as a missile
threat". A :class:`RuleSet` is such a set of criteria, held by one partner (``owner``), named and
versioned; the scenario names the agreed one that the system acts on. See docs/criteria.md.

**The rule language.** A rule set is an ordered list of :class:`Rule` s. A rule has a verdict
(``threat`` or ``not-threat``) and conditions, all of which must hold (all-of):

=========================== ==================================================================
condition                   holds when the track's ...
=========================== ==================================================================
``range_class: [IRBM, ...]``  estimated ground range falls in one of the listed classes
``range_km: {at_least, at_most}``   estimated launch-to-impact ground range (km) is within the bounds
``apogee_km: {...}``          estimated apogee height (km) is within the bounds
``speed_km_s: {...}``         current speed (km/s) is within the bounds
``time_to_impact_s: {...}``   predicted time to impact (s) is within the bounds
``launch_in: [region, ...]``  estimated launch point lies in one of the regions
``launch_outside: [...]``     estimated launch point lies in none of the regions
``impact_in: [...]``          predicted impact point lies in one of the regions
``impact_outside: [...]``     predicted impact point lies in none of the regions
``impact_in_defended_area``   (true/false) predicted impact point lies in one of the set's
                              ``defended_areas``
``notified: true/false``      a matching launch notification was (not) filed
=========================== ==================================================================

Bounds are inclusive (``at_least: 500`` holds for 500). Range classes: SRBM < 1,000 km ≤ MRBM <
3,000 km ≤ IRBM < 5,500 km ≤ ICBM by default (``range_class_limits_km``; each limit belongs to the
longer class).

**Three-valued conditions.** Evidence comes with uncertainty, and the rule set's ``confidence`` c
(default 0.95) fixes how sure a condition must be. Each piece of evidence has a confidence region at
level c: for a scalar x with standard deviation σ the central interval x ± zσ with z = Φ⁻¹((1 + c)/2)
(1.960 for 0.95); for a point with a 1σ error ellipse, that ellipse scaled by k = √(−2 ln(1 − c))
(2.448 for 0.95; see :func:`jointshield.earth.regions.ellipse_state`). A condition is

* TRUE (1) when it holds throughout the confidence region,
* FALSE (0) when it holds nowhere in it,
* UNDETERMINED (−1) when the region straddles a threshold or a boundary, or the evidence is missing.

A list of regions is an any-of (Kleene OR over the regions: an ellipse that straddles the shared border
of two listed regions is UNDETERMINED; draw one polygon around both to avoid that). A rule's state is the
Kleene AND of its conditions (FALSE if any is FALSE, else UNDETERMINED if any is, else TRUE; a rule
without conditions always holds).

**Precedence: first match.** The first rule that holds gives the verdict; if none holds, the set's
``default`` (``not-threat`` unless said otherwise). With undetermined rules the verdict is the one that
every way of resolving them would give: going down the rules, an UNDETERMINED rule adds its verdict to the
possible verdicts and the walk goes on, a TRUE rule adds its verdict and stops, and the default is added
if no rule holds. One possible verdict → that verdict; more than one → ``undetermined``. (This treats the
undetermined rules as independent, so it may say undetermined where correlated conditions would in fact
decide: conservative.)

Everything is vectorised over the N tracks of a :class:`TrackEvidence`; the explanation of one track (the
rules, their states and the evidence behind each condition) is built on request by
:meth:`Assessment.explain`. :func:`compare` runs several partners' sets on the same evidence and reports
the tracks on which they disagree.

Encoding: condition and rule states ``TRUE = 1``, ``FALSE = 0``, ``UNDETERMINED = -1``; verdicts
``THREAT = 1``, ``NOT_THREAT = 0``, ``UNDETERMINED = -1``; ``notified`` evidence 1 (a matching
notification was filed), 0 (none was), −1 (unknown, e.g. no notification layer).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..earth.geodesy import initial_azimuth_rad, surface_distance_m
from ..earth.models import WGS84, EarthModel
from ..earth.regions import Region, confidence_scale_2d, ellipse_state, probability_inside
from ..errors import InputError

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_RANGE_CLASS_LIMITS_KM",
    "FALSE",
    "NOT_THREAT",
    "RANGE_CLASSES",
    "STATE_NAMES",
    "THREAT",
    "TRUE",
    "UNDETERMINED",
    "VERDICT_NAMES",
    "Assessment",
    "Bounds",
    "Comparison",
    "Rule",
    "RuleSet",
    "TrackEvidence",
    "assess",
    "compare",
    "range_from_endpoints",
    "verdict_code",
]

TRUE, FALSE, UNDETERMINED = 1, 0, -1
THREAT, NOT_THREAT = 1, 0
STATE_NAMES = {TRUE: "true", FALSE: "false", UNDETERMINED: "undetermined"}
VERDICT_NAMES = {THREAT: "threat", NOT_THREAT: "not-threat", UNDETERMINED: "undetermined"}
_VERDICT_CODES = {v: k for k, v in VERDICT_NAMES.items()}

RANGE_CLASSES = ("SRBM", "MRBM", "IRBM", "ICBM")
DEFAULT_RANGE_CLASS_LIMITS_KM = (1000.0, 3000.0, 5500.0)
"""Lower limits (km) of MRBM, IRBM and ICBM (jointshield REFERENCES.md, "Missile range classes")."""
DEFAULT_CONFIDENCE = 0.95

RangeClassName = Literal["SRBM", "MRBM", "IRBM", "ICBM"]
VerdictName = Literal["threat", "not-threat"]
DefaultName = Literal["threat", "not-threat", "undetermined"]

_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# ---- the rule language (declarative; the YAML form of scenario files) -------------------------------


class Bounds(BaseModel):
    """Inclusive bounds on a quantity: ``{at_least: 500}``, ``{at_most: 900}`` or both."""

    model_config = _CONFIG

    at_least: float | None = Field(None, description="Lower bound (inclusive), in the condition's unit.")
    at_most: float | None = Field(None, description="Upper bound (inclusive), in the condition's unit.")

    @model_validator(mode="after")
    def _some_bound(self) -> Bounds:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both, e.g. {at_least: 500}")
        if self.at_least is not None and self.at_most is not None and self.at_least >= self.at_most:
            raise ValueError(f"at_least {self.at_least:g} must be below at_most {self.at_most:g}")
        return self

    def text(self, unit: str) -> str:
        if self.at_most is None:
            return f">= {self.at_least:g} {unit}"
        if self.at_least is None:
            return f"<= {self.at_most:g} {unit}"
        return f"{self.at_least:g}..{self.at_most:g} {unit}"


def _as_list(v: object) -> object:
    return [v] if isinstance(v, str) else v


_REGION_CONDITIONS = ("launch_in", "launch_outside", "impact_in", "impact_outside")
_QUANTITY_CONDITIONS = ("range_km", "apogee_km", "speed_km_s", "time_to_impact_s")


class Rule(BaseModel):
    """One rule: a verdict and the conditions (all of them) under which it applies."""

    model_config = _CONFIG

    name: str = Field("", max_length=200, description="A short label shown in explanations.")
    verdict: VerdictName = Field(description="threat or not-threat: what the rule says when it holds.")
    range_class: list[RangeClassName] | None = Field(
        None, min_length=1, description="Range classes (SRBM, MRBM, IRBM, ICBM), any of."
    )
    range_km: Bounds | None = Field(None, description="Estimated ground range from launch to impact (km).")
    apogee_km: Bounds | None = Field(None, description="Estimated apogee height (km).")
    speed_km_s: Bounds | None = Field(None, description="Current speed (km/s).")
    time_to_impact_s: Bounds | None = Field(None, description="Predicted time to impact (s).")
    launch_in: list[str] | None = Field(None, min_length=1, description="Regions, any of (launch point).")
    launch_outside: list[str] | None = Field(
        None, min_length=1, description="Regions, none of (launch point)."
    )
    impact_in: list[str] | None = Field(None, min_length=1, description="Regions, any of (impact point).")
    impact_outside: list[str] | None = Field(
        None, min_length=1, description="Regions, none of (impact point)."
    )
    impact_in_defended_area: bool | None = Field(
        None, description="true: the impact lies in one of the set's defended_areas; false: in none."
    )
    notified: bool | None = Field(
        None, description="true: a matching launch notification was filed; false: none was."
    )

    @field_validator("range_class", *_REGION_CONDITIONS, mode="before")
    @classmethod
    def _one_or_a_list(cls, v: object) -> object:
        return _as_list(v)

    def conditions(self) -> list[tuple[str, Any]]:
        """The rule's conditions in a fixed order, as (key, requirement) pairs."""
        return [
            (k, getattr(self, k))
            for k in type(self).model_fields
            if k not in ("name", "verdict") and getattr(self, k) is not None
        ]

    def region_references(self) -> list[tuple[str, int, str]]:
        """(field, index, region name) of every region the rule names."""
        return [(k, i, n) for k in _REGION_CONDITIONS for i, n in enumerate(getattr(self, k) or ())]


class RuleSet(BaseModel):
    """A partner's threat criteria: named, versioned, ordered rules (first match) and a default."""

    model_config = _CONFIG

    name: str = Field(min_length=1, max_length=64, description="Name of the rule set (unique in a scenario).")
    version: str = Field(min_length=1, max_length=64, description="Version of the rule set (e.g. 2008-03).")
    owner: str = Field(min_length=1, max_length=64, description="The partner that holds the rule set.")
    description: str = Field("", description="What the rule set is for.")
    confidence: float = Field(
        DEFAULT_CONFIDENCE,
        ge=0.5,
        lt=1.0,
        description="Confidence level of every condition (0.5..1, default 0.95): a condition is decided only "
        "when the evidence's central interval (or error ellipse) at this level lies on one side.",
    )
    range_class_limits_km: tuple[float, float, float] = Field(
        DEFAULT_RANGE_CLASS_LIMITS_KM,
        description="Lower limits of MRBM, IRBM and ICBM (km), increasing; default 1000, 3000, 5500.",
    )
    defended_areas: list[str] = Field(
        default_factory=list, description="Regions that impact_in_defended_area refers to."
    )
    default: DefaultName = Field(
        "not-threat", description="Verdict when no rule holds: not-threat (default), threat or undetermined."
    )
    rules: list[Rule] = Field(default_factory=list, description="The rules, in order: the first that holds decides.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: object) -> object:
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("range_class_limits_km")
    @classmethod
    def _increasing(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if not (0.0 < v[0] < v[1] < v[2]):
            raise ValueError(f"limits {', '.join(f'{x:g}' for x in v)} must be positive and increasing (km)")
        return v

    def region_references(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(location in the rule set, region name) of every region the set names."""
        out: list[tuple[tuple[str | int, ...], str]] = [
            (("defended_areas", i), n) for i, n in enumerate(self.defended_areas)
        ]
        for j, rule in enumerate(self.rules):
            out.extend((("rules", j, k, i), n) for k, i, n in rule.region_references())
        return out

    def fingerprint(self, regions: Mapping[str, Region] | None = None) -> str:
        """SHA-256 (hex) of the rule set's canonical JSON, and of the geometry of the regions it names when
        ``regions`` is given: two partners holding the same fingerprint hold the same criteria."""
        doc: dict[str, Any] = {"rule_set": self.model_dump(mode="json")}
        if regions is not None:
            names = sorted({n for _, n in self.region_references()})
            doc["regions"] = [regions[n].describe() for n in names if n in regions]
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.name}@{self.version}"


# ---- evidence -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrackEvidence:
    """What N tracks show, with uncertainty: the input of :func:`assess` (arrays, leading axis N).

    Every field is optional; a missing quantity is NaN, and every condition on it is UNDETERMINED. A
    value given without its standard deviation is refused (give 0 if it is exact). Points are geodetic
    latitude and longitude (rad) with a 1σ error ellipse: semi-major and semi-minor axes (m) and the
    azimuth of the major axis (rad from north, clockwise; default 0) — what
    :class:`jointshield.tracking.GroundEstimate` gives. Build it from the tracker's estimates with
    :meth:`from_estimates`.
    """

    t_s: np.ndarray | None = None
    """(N,) time of the evidence, s after the scenario epoch."""
    launch_lat_rad: np.ndarray | None = None
    launch_lon_rad: np.ndarray | None = None
    launch_semi_major_m: np.ndarray | None = None
    launch_semi_minor_m: np.ndarray | None = None
    launch_major_azimuth_rad: np.ndarray | None = None
    impact_lat_rad: np.ndarray | None = None
    impact_lon_rad: np.ndarray | None = None
    impact_semi_major_m: np.ndarray | None = None
    impact_semi_minor_m: np.ndarray | None = None
    impact_major_azimuth_rad: np.ndarray | None = None
    impact_t_s: np.ndarray | None = None
    """(N,) predicted impact time, s after the epoch (time to impact = impact_t_s − t_s)."""
    impact_t_sigma_s: np.ndarray | None = None
    speed_m_s: np.ndarray | None = None
    """(N,) current speed relative to the Earth, m/s."""
    speed_sigma_m_s: np.ndarray | None = None
    range_m: np.ndarray | None = None
    """(N,) estimated ground range from launch to impact (m); see :func:`range_from_endpoints`."""
    range_sigma_m: np.ndarray | None = None
    apogee_m: np.ndarray | None = None
    """(N,) estimated apogee height above the surface, m."""
    apogee_sigma_m: np.ndarray | None = None
    notified: np.ndarray | None = None
    """(N,) int: 1 a matching launch notification was filed, 0 none was, −1 unknown (default)."""
    track_id: np.ndarray | None = None
    """(N,) identifiers shown in explanations (default 0..N−1)."""

    _PAIRS = (
        ("launch_lat_rad", "launch_lon_rad"),
        ("impact_lat_rad", "impact_lon_rad"),
    )
    _SIGMAS = (
        ("launch_lat_rad", "launch_semi_major_m"),
        ("launch_lat_rad", "launch_semi_minor_m"),
        ("impact_lat_rad", "impact_semi_major_m"),
        ("impact_lat_rad", "impact_semi_minor_m"),
        ("impact_t_s", "impact_t_sigma_s"),
        ("speed_m_s", "speed_sigma_m_s"),
        ("range_m", "range_sigma_m"),
        ("apogee_m", "apogee_sigma_m"),
    )

    def __post_init__(self) -> None:
        given = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        if not given:
            raise ValueError("TrackEvidence needs at least one field")
        for a, b in self._PAIRS:
            if (a in given) != (b in given):
                raise ValueError(f"TrackEvidence: give {a} and {b} together")
        for v, s in self._SIGMAS:
            if v in given and s not in given:
                raise ValueError(f"TrackEvidence: {v} needs {s} (its standard deviation; 0 if exact)")
        sizes = {np.size(x) for x in given.values() if np.ndim(x) > 0}
        if len(sizes) > 1:
            raise ValueError(f"TrackEvidence: fields have different lengths {sorted(sizes)}")
        n = sizes.pop() if sizes else 1
        for f in fields(self):
            v = given.get(f.name)
            if f.name == "notified":
                arr = np.full(n, -1, np.int8) if v is None else np.broadcast_to(np.asarray(v), (n,)).astype(np.int8)
                if not np.isin(arr, (-1, 0, 1)).all():
                    raise ValueError("TrackEvidence: notified takes 1 (filed), 0 (none) or -1 (unknown)")
            elif f.name == "track_id":
                arr = np.arange(n) if v is None else np.broadcast_to(np.asarray(v), (n,)).copy()
            elif f.name.endswith("major_azimuth_rad") and v is None:
                arr = np.zeros(n)
            else:
                arr = np.full(n, np.nan) if v is None else np.broadcast_to(np.asarray(v, float), (n,)).copy()
                if ("sigma" in f.name or "semi_" in f.name) and np.any(arr < 0):
                    raise ValueError(f"TrackEvidence: {f.name} must be >= 0")
            arr.setflags(write=False)
            object.__setattr__(self, f.name, arr)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])

    @property
    def time_to_impact_s(self) -> np.ndarray:
        """(N,) predicted time to impact (s)."""
        return self.impact_t_s - self.t_s

    @classmethod
    def from_estimates(
        cls,
        t_s: np.ndarray,
        launch: Any,
        impact: Any,
        speed_m_s: np.ndarray,
        speed_sigma_m_s: np.ndarray,
        *,
        apogee_m: np.ndarray | None = None,
        apogee_sigma_m: np.ndarray | None = None,
        range_m: np.ndarray | None = None,
        range_sigma_m: np.ndarray | None = None,
        notified: np.ndarray | None = None,
        track_id: np.ndarray | None = None,
        model: EarthModel = WGS84,
    ) -> TrackEvidence:
        """Evidence from the tracker's launch and impact estimates (objects with ``lat_rad``, ``lon_rad``,
        ``semi_major_m``, ``semi_minor_m``, ``major_azimuth_rad`` and, for the impact, ``t_s`` and
        ``t_sigma_s``, each (N,): e.g. :class:`jointshield.tracking.GroundEstimate`). Without
        ``range_m`` the range and its σ come from :func:`range_from_endpoints`."""
        if range_m is None:
            range_m, range_sigma_m = range_from_endpoints(
                launch.lat_rad, launch.lon_rad, launch.semi_major_m, launch.semi_minor_m,
                launch.major_azimuth_rad, impact.lat_rad, impact.lon_rad, impact.semi_major_m,
                impact.semi_minor_m, impact.major_azimuth_rad, model,
            )
        return cls(
            t_s=t_s,
            launch_lat_rad=launch.lat_rad, launch_lon_rad=launch.lon_rad,
            launch_semi_major_m=launch.semi_major_m, launch_semi_minor_m=launch.semi_minor_m,
            launch_major_azimuth_rad=launch.major_azimuth_rad,
            impact_lat_rad=impact.lat_rad, impact_lon_rad=impact.lon_rad,
            impact_semi_major_m=impact.semi_major_m, impact_semi_minor_m=impact.semi_minor_m,
            impact_major_azimuth_rad=impact.major_azimuth_rad,
            impact_t_s=impact.t_s, impact_t_sigma_s=impact.t_sigma_s,
            speed_m_s=speed_m_s, speed_sigma_m_s=speed_sigma_m_s,
            range_m=range_m, range_sigma_m=range_sigma_m,
            apogee_m=apogee_m, apogee_sigma_m=apogee_sigma_m if apogee_m is not None else None,
            notified=notified, track_id=track_id,
        )


def _sigma_along(a, b, major_az, direction_az):
    """σ (m) of an ellipse (1σ axes a, b; major-axis azimuth) along a direction (azimuth)."""
    d = np.asarray(direction_az, float) - np.asarray(major_az, float)
    return np.sqrt((np.asarray(a, float) * np.cos(d)) ** 2 + (np.asarray(b, float) * np.sin(d)) ** 2)


def range_from_endpoints(launch_lat_rad, launch_lon_rad, launch_semi_major_m, launch_semi_minor_m,
                         launch_major_azimuth_rad, impact_lat_rad, impact_lon_rad, impact_semi_major_m,
                         impact_semi_minor_m, impact_major_azimuth_rad,
                         model: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """``(range_m, range_sigma_m)`` (N,): surface distance from launch to impact point and its σ to first
    order: σ² = σ_launch² + σ_impact², each ellipse's σ along the line joining the points (the launch's
    along the initial azimuth towards the impact, the impact's along the azimuth back towards the launch).
    The two errors are taken as independent; where the tracker estimates both from one state they are
    correlated and a σ computed from its sigma points is better (pass it as ``range_sigma_m``)."""
    rng = surface_distance_m(launch_lat_rad, launch_lon_rad, impact_lat_rad, impact_lon_rad, model)
    az_l = initial_azimuth_rad(launch_lat_rad, launch_lon_rad, impact_lat_rad, impact_lon_rad, model)
    az_i = initial_azimuth_rad(impact_lat_rad, impact_lon_rad, launch_lat_rad, launch_lon_rad, model)
    s_l = _sigma_along(launch_semi_major_m, launch_semi_minor_m, launch_major_azimuth_rad, az_l)
    s_i = _sigma_along(impact_semi_major_m, impact_semi_minor_m, impact_major_azimuth_rad, az_i)
    return rng, np.hypot(s_l, s_i)


# ---- evaluation ---------------------------------------------------------------------------------------


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 * (1.0 + confidence))


def _tri_and(states: Sequence[np.ndarray], n: int) -> np.ndarray:
    if not states:
        return np.full(n, TRUE, np.int8)
    st = np.stack(states, axis=1)
    return np.where((st == FALSE).any(axis=1), FALSE, np.where((st == UNDETERMINED).any(axis=1), UNDETERMINED,
                                                                 TRUE)).astype(np.int8)


def _tri_or(states: Sequence[np.ndarray], n: int) -> np.ndarray:
    if not states:  # any of nothing: false
        return np.full(n, FALSE, np.int8)
    st = np.stack(states, axis=1)
    return np.where((st == TRUE).any(axis=1), TRUE, np.where((st == UNDETERMINED).any(axis=1), UNDETERMINED,
                                                               FALSE)).astype(np.int8)


def _tri_not(s: np.ndarray) -> np.ndarray:
    return np.where(s == UNDETERMINED, UNDETERMINED, 1 - s).astype(np.int8)


def _interval_state(lo: np.ndarray, hi: np.ndarray, at_least: float | None, at_most: float | None) -> np.ndarray:
    lb = -np.inf if at_least is None else at_least
    ub = np.inf if at_most is None else at_most
    with np.errstate(invalid="ignore"):
        true = (lo >= lb) & (hi <= ub)
        false = (hi < lb) | (lo > ub)
    return np.where(true, TRUE, np.where(false, FALSE, UNDETERMINED)).astype(np.int8)


# quantity key -> (label, unit, function evidence -> (value, sigma) in the unit)
_QUANTITIES: dict[str, tuple[str, str, Callable[[TrackEvidence], tuple[np.ndarray, np.ndarray]]]] = {
    "range_km": ("ground range", "km", lambda ev: (ev.range_m / 1e3, ev.range_sigma_m / 1e3)),
    "apogee_km": ("apogee", "km", lambda ev: (ev.apogee_m / 1e3, ev.apogee_sigma_m / 1e3)),
    "speed_km_s": ("speed", "km/s", lambda ev: (ev.speed_m_s / 1e3, ev.speed_sigma_m_s / 1e3)),
    "time_to_impact_s": ("time to impact", "s", lambda ev: (ev.time_to_impact_s, ev.impact_t_sigma_s)),
}


def _point(ev: TrackEvidence, which: str) -> tuple[np.ndarray, ...]:
    return tuple(
        getattr(ev, f"{which}_{k}")
        for k in ("lat_rad", "lon_rad", "semi_major_m", "semi_minor_m", "major_azimuth_rad")
    )


class _Evaluator:
    """Evaluates conditions of one rule set on one evidence batch, caching region states."""

    def __init__(self, rule_set: RuleSet, evidence: TrackEvidence, regions: Mapping[str, Region],
                 model: EarthModel):
        self.rs, self.ev, self.regions, self.model = rule_set, evidence, regions, model
        self.n = len(evidence)
        self.z = _z(rule_set.confidence)
        self.k = confidence_scale_2d(rule_set.confidence)
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def region(self, which: str, name: str) -> np.ndarray:
        key = (which, name)
        if key not in self._cache:
            self._cache[key] = ellipse_state(self.regions[name], *_point(self.ev, which), self.rs.confidence,
                                             self.model)
        return self._cache[key]

    def range_interval_km(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        x, s = _QUANTITIES["range_km"][2](self.ev)
        return x, s, x - self.z * s, x + self.z * s

    def condition(self, key: str, req: Any) -> np.ndarray:
        if key in _QUANTITIES:
            x, s = _QUANTITIES[key][2](self.ev)
            return _interval_state(x - self.z * s, x + self.z * s, req.at_least, req.at_most)
        if key == "range_class":
            _, _, lo, hi = self.range_interval_km()
            limits = np.asarray(self.rs.range_class_limits_km)
            sel = np.array([c in req for c in RANGE_CLASSES])
            bad = ~(np.isfinite(lo) & np.isfinite(hi))
            c_lo = np.searchsorted(limits, np.where(bad, 0.0, lo), side="right")
            c_hi = np.searchsorted(limits, np.where(bad, 0.0, hi), side="right")
            cs = np.concatenate([[0], np.cumsum(sel)])
            count = cs[c_hi + 1] - cs[c_lo]
            out = np.where(count == c_hi - c_lo + 1, TRUE, np.where(count == 0, FALSE, UNDETERMINED))
            return np.where(bad, UNDETERMINED, out).astype(np.int8)
        if key in _REGION_CONDITIONS:
            which = key.split("_")[0]
            any_in = _tri_or([self.region(which, name) for name in req], self.n)
            return any_in if key.endswith("_in") else _tri_not(any_in)
        if key == "impact_in_defended_area":
            any_in = _tri_or([self.region("impact", name) for name in self.rs.defended_areas], self.n)
            return any_in if req else _tri_not(any_in)
        if key == "notified":
            nt = self.ev.notified
            want = 1 if req else 0
            return np.where(nt < 0, UNDETERMINED, np.where(nt == want, TRUE, FALSE)).astype(np.int8)
        raise AssertionError(f"unknown condition {key}")  # pragma: no cover


def _check_regions(rule_set: RuleSet, regions: Mapping[str, Region]) -> None:
    for loc, name in rule_set.region_references():
        if name not in regions:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            known = ", ".join(regions) or "none"
            raise InputError(f"criteria {rule_set.name!r}.{where}", f"unknown region {name!r}; known: {known}")


def assess(rule_set: RuleSet, evidence: TrackEvidence, regions: Mapping[str, Region] | None = None,
           model: EarthModel = WGS84) -> Assessment:
    """Assess N tracks against a rule set: verdicts, rule and condition states (vectorised over tracks).

    ``regions`` maps the region names the rule set uses to :mod:`jointshield.earth.regions` regions;
    ``model`` is the Earth model of the distances (the scenario's). Raises
    :class:`~jointshield.errors.InputError` if the rule set names a region not in ``regions``."""
    regions = dict(regions or {})
    _check_regions(rule_set, regions)
    ev = _Evaluator(rule_set, evidence, regions, model)
    n = len(evidence)
    cond_states: list[np.ndarray] = []
    rule_states = np.empty((n, len(rule_set.rules)), np.int8)
    for r, rule in enumerate(rule_set.rules):
        states = [ev.condition(k, req) for k, req in rule.conditions()]
        cond_states.append(np.stack(states, axis=1) if states else np.empty((n, 0), np.int8))
        rule_states[:, r] = _tri_and(states, n)
    verdict, first_true = _first_match(rule_states, [r.verdict for r in rule_set.rules], rule_set.default)
    return Assessment(rule_set, evidence, verdict, rule_states, tuple(cond_states), first_true, regions, model, ev)


def _first_match(rule_states: np.ndarray, verdicts: Sequence[str], default: str) -> tuple[np.ndarray, np.ndarray]:
    """Verdict codes (N,) and the index of the first TRUE rule (−1: none) under first-match precedence
    with undetermined rules (see the module docstring)."""
    n = rule_states.shape[0]
    possible = np.zeros((n, 3), bool)  # columns: not-threat, threat, undetermined
    col = {"not-threat": 0, "threat": 1, "undetermined": 2}
    decided = np.zeros(n, bool)
    first_true = np.full(n, -1, np.int64)
    for r, v in enumerate(verdicts):
        s = rule_states[:, r]
        live = ~decided
        possible[live & (s != FALSE), col[v]] = True
        hit = live & (s == TRUE)
        first_true[hit] = r
        decided |= hit
    possible[~decided, col[default]] = True
    one = possible.sum(axis=1) == 1
    code = np.where(possible[:, 1], THREAT, np.where(possible[:, 0], NOT_THREAT, UNDETERMINED))
    return np.where(one, code, UNDETERMINED).astype(np.int8), first_true


# ---- results and explanations ------------------------------------------------------------------------


def _num(x: Any, digits: int = 6) -> float | None:
    x = float(x)
    return None if not math.isfinite(x) else float(f"{x:.{digits}g}")


@dataclass(frozen=True, eq=False)
class Assessment:
    """The verdicts of one rule set on N tracks, with the state of every rule and condition.

    ``verdict`` (N,) int8: THREAT 1, NOT_THREAT 0, UNDETERMINED −1. ``rule_state`` (N, R) int8 and
    ``condition_state[r]`` (N, C_r) int8: TRUE 1, FALSE 0, UNDETERMINED −1, the conditions of rule r in
    the order of :meth:`Rule.conditions`. ``first_true_rule`` (N,): index of the first rule that holds
    (−1: none, the default applies). :meth:`explain` builds the explanation of one track."""

    rule_set: RuleSet
    evidence: TrackEvidence
    verdict: np.ndarray
    rule_state: np.ndarray
    condition_state: tuple[np.ndarray, ...]
    first_true_rule: np.ndarray
    regions: Mapping[str, Region] = field(repr=False)
    model: EarthModel = field(default=WGS84, repr=False)
    _evaluator: Any = field(default=None, repr=False)  # the region states computed by assess, reused

    def __len__(self) -> int:
        return int(self.verdict.shape[0])

    def verdict_names(self) -> list[str]:
        """The verdicts as words: threat, not-threat, undetermined."""
        return [VERDICT_NAMES[int(v)] for v in self.verdict]

    @property
    def threat(self) -> np.ndarray:
        """(N,) bool: the verdict is threat."""
        return self.verdict == THREAT

    def _rule_label(self, r: int) -> str:
        name = self.rule_set.rules[r].name
        return f"rules[{r}]" + (f" {name!r}" if name else "")

    def explain(self, i: int) -> dict[str, Any]:
        """Why track ``i`` got its verdict, as plain data (JSON-ready): the rule set, the verdict, the rule
        that decided it, and for every rule its state and for every condition its state and evidence."""
        rs = self.rule_set
        ev = self._evaluator or _Evaluator(rs, self.evidence, self.regions, self.model)
        rules = []
        for r, rule in enumerate(rs.rules):
            conds = []
            for c, (key, req) in enumerate(rule.conditions()):
                state = int(self.condition_state[r][i, c])
                item = {"condition": key, "requires": _requirement(key, req, rs), "state": STATE_NAMES[state]}
                item.update(self._evidence(ev, key, req, i, state))
                conds.append(item)
            rules.append({
                "rule": r, "name": rule.name, "verdict": rule.verdict,
                "state": STATE_NAMES[int(self.rule_state[i, r])], "conditions": conds,
            })
        return {
            "track": self.evidence.track_id[i].item(),
            "rule_set": {"name": rs.name, "version": rs.version, "owner": rs.owner,
                         "fingerprint": rs.fingerprint(self.regions)},
            "confidence": rs.confidence,
            "verdict": VERDICT_NAMES[int(self.verdict[i])],
            "reason": self._reason(i),
            "fired": [r for r in range(len(rs.rules)) if self.rule_state[i, r] == TRUE],
            "rules": rules,
        }

    def explain_all(self) -> list[dict[str, Any]]:
        """:meth:`explain` for every track."""
        return [self.explain(i) for i in range(len(self))]

    def _reason(self, i: int) -> str:
        rs = self.rule_set
        ft = int(self.first_true_rule[i])
        stop = ft if ft >= 0 else len(rs.rules)
        und = [r for r in range(stop) if self.rule_state[i, r] == UNDETERMINED]
        deciding = (f"{self._rule_label(ft)} holds ({rs.rules[ft].verdict})" if ft >= 0
                    else f"no rule holds (default {rs.default})")
        if self.verdict[i] != UNDETERMINED or not und:
            if und:
                what = ", ".join(self._rule_label(r) for r in und)
                return f"{deciding}; undetermined {what} would give the same verdict"
            return deciding
        what = "; ".join(f"{self._rule_label(r)} ({rs.rules[r].verdict}) is undetermined" for r in und)
        return f"undetermined: {what}; otherwise {deciding}"

    def _evidence(self, ev: _Evaluator, key: str, req: Any, i: int, state: int) -> dict[str, Any]:
        e = self.evidence
        if key in _QUANTITIES or key == "range_class":
            qkey = "range_km" if key == "range_class" else key
            label, unit, get = _QUANTITIES[qkey]
            x, s = (float(a[i]) for a in get(e))
            lo, hi = x - ev.z * s, x + ev.z * s
            out: dict[str, Any] = {"evidence": {
                "quantity": label, "unit": unit, "value": _num(x), "sigma": _num(s),
                "interval": [_num(lo), _num(hi)], "interval_confidence": self.rule_set.confidence,
            }}
            if key == "range_class":
                limits = self.rule_set.range_class_limits_km
                if math.isfinite(lo) and math.isfinite(hi):
                    c0, c1 = (int(np.searchsorted(limits, v, side="right")) for v in (lo, hi))
                    out["evidence"]["classes_in_interval"] = list(RANGE_CLASSES[c0:c1 + 1])
                out["why"] = _why_interval(label, unit, x, s, lo, hi, self.rule_set.confidence, state,
                                           f"class {'/'.join(req)}")
            else:
                out["why"] = _why_interval(label, unit, x, s, lo, hi, self.rule_set.confidence, state,
                                           req.text(unit))
            return out
        if key == "notified":
            word = {1: "filed", 0: "none filed", -1: "unknown"}[int(e.notified[i])]
            return {"evidence": {"notification": word}, "why": f"matching launch notification: {word}"}
        which = "impact" if key.startswith("impact") else "launch"
        names = self.rule_set.defended_areas if key == "impact_in_defended_area" else req
        lat, lon, a, b, az = (float(v[i]) for v in _point(e, which))
        per_region = []
        for name in names:
            reg = self.regions[name]
            args = [np.array([v]) for v in (lat, lon, a, b, az)]
            per_region.append({
                "region": name,
                "state": {1: "inside", 0: "outside", -1: "straddles"}[int(ev.region(which, name)[i])],
                "signed_distance_km": _num(reg.signed_distance_m(args[0], args[1], self.model)[0] / 1e3),
                "probability_inside": _num(probability_inside(reg, *args, model=self.model)[0], 3),
            })
        ok = math.isfinite(lat) and math.isfinite(lon)
        return {
            "evidence": {
                "point": {"lat_deg": _num(math.degrees(lat)) if ok else None,
                          "lon_deg": _num(math.degrees(lon)) if ok else None},
                "ellipse_1sigma_km": {"semi_major": _num(a / 1e3), "semi_minor": _num(b / 1e3),
                                      "major_azimuth_deg": _num(math.degrees(az))},
                "ellipse_scale": _num(ev.k, 4),
                "regions": per_region,
            },
            "why": f"{which} point " + ("unknown" if not ok else ", ".join(
                f"{p['state']} {p['region']} ({p['signed_distance_km']:+.4g} km from its boundary, "
                f"P(inside) {p['probability_inside']:.3g})" for p in per_region)),
        }


def _requirement(key: str, req: Any, rs: RuleSet) -> Any:
    if isinstance(req, Bounds):
        return req.model_dump(exclude_none=True)
    if key == "impact_in_defended_area":
        return {"in_defended_area": req, "defended_areas": list(rs.defended_areas)}
    return req


def _why_interval(label: str, unit: str, x: float, s: float, lo: float, hi: float, conf: float, state: int,
                  requirement: str) -> str:
    if not (math.isfinite(x) and math.isfinite(s)):
        return f"{label} unknown"
    verb = {TRUE: "meets", FALSE: "misses", UNDETERMINED: "straddles"}[state]
    return (f"{label} {x:.5g} ± {s:.3g} {unit}: {conf:.0%} interval {lo:.5g}..{hi:.5g} {unit} {verb} "
            f"{requirement}")


# ---- several partners --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several partners' rule sets on the same evidence. ``verdicts`` (P, N) int8; ``labels`` (P,) name
    each set by its owner (``owner/name`` where an owner holds several); ``disagree`` (N,) bool."""

    assessments: tuple[Assessment, ...]
    labels: tuple[str, ...]
    verdicts: np.ndarray
    disagree: np.ndarray

    def report(self) -> list[dict[str, Any]]:
        """One entry per track on which the sets disagree: which partners say what, and why (the deciding
        rule of each). Plain data, JSON-ready."""
        out = []
        for i in np.flatnonzero(self.disagree):
            verdicts = {lab: VERDICT_NAMES[int(self.verdicts[p, i])] for p, lab in enumerate(self.labels)}
            by_verdict: dict[str, list[str]] = {}
            for lab, v in verdicts.items():
                by_verdict.setdefault(v, []).append(lab)
            out.append({
                "track": self.assessments[0].evidence.track_id[i].item(),
                "verdicts": verdicts,
                "by_verdict": by_verdict,
                "reasons": {lab: a._reason(int(i)) for lab, a in zip(self.labels, self.assessments, strict=True)},
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_sets": [
                {"label": lab, "name": a.rule_set.name, "version": a.rule_set.version, "owner": a.rule_set.owner}
                for lab, a in zip(self.labels, self.assessments, strict=True)
            ],
            "tracks": int(self.verdicts.shape[1]),
            "disagreements": self.report(),
        }


def compare(rule_sets: Sequence[RuleSet], evidence: TrackEvidence, regions: Mapping[str, Region] | None = None,
            model: EarthModel = WGS84) -> Comparison:
    """Assess the same evidence with several partners' rule sets and find where their verdicts differ."""
    if not rule_sets:
        raise ValueError("compare needs at least one rule set")
    owners = [rs.owner for rs in rule_sets]
    labels = tuple(rs.owner if owners.count(rs.owner) == 1 else f"{rs.owner}/{rs.name}" for rs in rule_sets)
    if len(set(labels)) != len(labels):
        labels = tuple(rs.label for rs in rule_sets)
    assessments = tuple(assess(rs, evidence, regions, model) for rs in rule_sets)
    verdicts = np.stack([a.verdict for a in assessments])
    disagree = (verdicts != verdicts[0]).any(axis=0)
    return Comparison(assessments, labels, verdicts, disagree)


def verdict_code(name: str) -> int:
    """The code of a verdict word (threat 1, not-threat 0, undetermined −1)."""
    return _VERDICT_CODES[name]
