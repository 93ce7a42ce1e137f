"""The scenario file schema, version 1 (pydantic models; read files with :mod:`.load`).

A scenario is one YAML mapping. Version 1 knows these top-level keys (later versions add interceptor
sites, threat criteria and partners as new top-level keys; unknown keys are refused so that a typo is
never silently ignored):

.. code-block:: yaml

    version: 1                        # required; the schema version
    name: flight demo                 # required
    description: two launches ...     # optional
    epoch: 2008-03-01T12:00:00Z       # required; UTC, ISO 8601 (a time zone is required)
    seed: 1                           # optional, default 0; seeds the run's random generator
    earth: wgs84                      # optional: textbook | sphere | wgs84 (default)
    places:                           # optional: name -> point
      semnan: {lat_deg: 35.23, lon_deg: 53.92}          # alt_m optional, default 0
    missiles: []                      # optional: inline missile types, added to the catalogue
    launches:
      - id: L1
        missile: notional-irbm        # a catalogue or inline missile name
        from: semnan                  # a place name, or {lat_deg: .., lon_deg: ..}
        to: {lat_deg: 52.23, lon_deg: 21.01}
        time_s: 0                     # seconds after the epoch, >= 0
        trajectory: {shape: minimum-energy}   # or lofted / depressed with apogee_km or burnout_angle_deg
        rcs_m2: 0.05                  # optional: radar cross-section (m²); default the missile's
    sensors:                          # optional: radars
      - id: xband-brdy
        type: notional-xband-tracking # a catalogue radar type, or an inline {az_half_width_deg: .., ...}
        site: brdy                    # a place name, or {lat_deg: .., lon_deg: .., alt_m: ..}
        boresight_az_deg: 120         # required where the type's field is limited in azimuth
        boresight_el_deg: 20          # optional; default the type's
    regions: {}                       # optional: threat criteria (see .criteria_schema): named circles and
    criteria: []                      #   polygons, the partners' rule sets, and the name of the agreed set
    agreed_criteria: us-2008          #   that the system acts on

Conventions: latitude in degrees north (-90..90, south negative); longitude in degrees east in
-180..180 (west negative; 0..360 is refused, so that each place has one spelling); altitudes in metres
above the Earth model's surface.
"""

from __future__ import annotations

import datetime as _dt
import typing
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from ..earth.models import EarthModel, earth_model
from ..errors import InputError
from ..flight.catalogue import get_vehicle, load_catalogue
from ..flight.vehicles import DEFAULT_RV_RCS_M2, Vehicle
from ..sensors.catalogue import load_radar_catalogue
from ..sensors.radar import RadarType
from .errors import format_loc, located_error

__all__ = [
    "EARTH_NAMES",
    "SCHEMA_VERSION",
    "TRAJECTORY_SHAPES",
    "GeoPoint",
    "Launch",
    "PlaceRef",
    "RadarTypeRef",
    "Scenario",
    "Sensor",
    "Trajectory",
]

SCHEMA_VERSION = 1
EarthName = Literal["textbook", "sphere", "wgs84"]
EARTH_NAMES: tuple[str, ...] = typing.get_args(EarthName)
TrajectoryShape = Literal["minimum-energy", "lofted", "depressed"]
TRAJECTORY_SHAPES: tuple[str, ...] = typing.get_args(TrajectoryShape)

_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _check_lat(v: float) -> float:
    if not -90.0 <= v <= 90.0:
        raise ValueError(f"latitude {v:g} is outside -90..90 (degrees, north positive)")
    return v


def _check_lon(v: float) -> float:
    if not -180.0 <= v <= 180.0:
        hint = f"; for {v:g}°E write {v - 360.0:g}" if 180.0 < v <= 360.0 else ""
        raise ValueError(
            f"longitude {v:g} is outside -180..180 (degrees, east positive, west negative){hint}"
        )
    return v


def _check_name(v: str) -> str:
    if not v or len(v) > 64 or v != v.strip():
        raise ValueError(f"name {v!r} must be 1-64 characters without leading or trailing spaces")
    return v


Latitude = Annotated[float, AfterValidator(_check_lat)]
Longitude = Annotated[float, AfterValidator(_check_lon)]
Name = Annotated[str, AfterValidator(_check_name)]


class GeoPoint(BaseModel):
    """A point on the Earth model: geodetic latitude, longitude (degrees) and height (m)."""

    model_config = _CONFIG

    lat_deg: Latitude = Field(description="Geodetic latitude (degrees), -90..90, north positive.")
    lon_deg: Longitude = Field(description="Longitude (degrees), -180..180, east positive, west negative.")
    alt_m: float = Field(
        0.0, ge=-500.0, le=9000.0, description="Height above the Earth model's surface (m), -500..9000."
    )


def _place_ref_tag(v: object) -> str | None:
    if isinstance(v, str):
        return "@name"
    if isinstance(v, (dict, GeoPoint)):
        return "@point"
    return None


PlaceRef = Annotated[
    Union[Annotated[str, Tag("@name")], Annotated[GeoPoint, Tag("@point")]],  # noqa: UP007
    Discriminator(
        _place_ref_tag,
        custom_error_type="place_ref",
        custom_error_message="must be a place name or a point {lat_deg: .., lon_deg: ..}",
    ),
]
"""A place: the name of an entry of ``places``, or an inline :class:`GeoPoint`."""


class Trajectory(BaseModel):
    """How a missile flies to its target: the minimum-energy path, or a lofted or depressed one."""

    model_config = _CONFIG

    shape: TrajectoryShape = Field(
        "minimum-energy",
        description="minimum-energy (default), lofted (higher, shorter-ranged for the same speed) or "
        "depressed (lower, faster).",
    )
    apogee_km: float | None = Field(
        None, gt=0, description="Apogee height above the surface (km), for lofted or depressed."
    )
    burnout_angle_deg: float | None = Field(
        None,
        gt=0,
        lt=90,
        description="Flight-path angle above the local horizontal at burnout (degrees, 0..90), for lofted "
        "or depressed.",
    )

    @model_validator(mode="after")
    def _one_shaping_figure(self) -> Trajectory:
        given = [f for f in ("apogee_km", "burnout_angle_deg") if getattr(self, f) is not None]
        if self.shape == "minimum-energy" and given:
            raise located_error(
                [
                    (
                        (f,),
                        (
                            f"shape minimum-energy fixes the trajectory; remove {f} or choose shape "
                            "lofted or depressed"
                        ),
                    )
                    for f in given
                ]
            )
        if self.shape != "minimum-energy" and len(given) != 1:
            what = "both were given" if given else "neither was given"
            raise located_error(
                [
                    (
                        (),
                        f"shape {self.shape} needs exactly one of apogee_km or burnout_angle_deg ({what}), "
                        "e.g. {shape: " + self.shape + ", apogee_km: 1500}",
                    )
                ]
            )
        return self


class Launch(BaseModel):
    """One missile launch: which missile, from where, to where, when and along which trajectory."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, populate_by_name=True)

    id: Name = Field(description="Identifier of the launch, unique in the scenario (e.g. L1).")
    missile: str = Field(description="Name of a catalogue missile or of one under `missiles`.")
    from_: PlaceRef = Field(
        alias="from", description="Launch point: a name under `places`, or {lat_deg: .., lon_deg: ..}."
    )
    to: PlaceRef = Field(description="Aim point: a name under `places`, or {lat_deg: .., lon_deg: ..}.")
    time_s: float = Field(0.0, ge=0, description="Launch time (s after the scenario epoch), >= 0.")
    trajectory: Trajectory = Field(
        default_factory=Trajectory, description="Trajectory shape; default minimum-energy."
    )
    rcs_m2: float | None = Field(
        None,
        gt=0,
        description="Radar cross-section the radars see (m², > 0); default the missile's rcs_m2.",
    )


def _radar_type_tag(v: object) -> str | None:
    if isinstance(v, str):
        return "@name"
    if isinstance(v, (dict, RadarType)):
        return "@point"
    return None


RadarTypeRef = Annotated[
    Union[Annotated[str, Tag("@name")], Annotated[RadarType, Tag("@point")]],  # noqa: UP007
    Discriminator(
        _radar_type_tag,
        custom_error_type="radar_type_ref",
        custom_error_message="must be a catalogue radar type name or an inline radar type {az_half_width_deg: "
        "..., ...}",
    ),
]
"""A radar type: the name of a catalogue radar, or an inline :class:`~jointshield.sensors.radar.RadarType`."""


class Sensor(BaseModel):
    """One radar: its type, its site and where its field of regard points."""

    model_config = _CONFIG

    id: Name = Field(description="Identifier of the radar, unique in the scenario (e.g. xband-brdy).")
    type: RadarTypeRef = Field(
        description="A catalogue radar type (jointshield catalogue --kind radar) or an inline radar type."
    )
    site: PlaceRef = Field(description="Site: a name under `places`, or {lat_deg: .., lon_deg: .., alt_m: ..}.")
    boresight_az_deg: float | None = Field(
        None,
        ge=-360,
        le=360,
        description="Azimuth the field of regard is centred on (degrees from north, clockwise); required "
        "where the type's field is limited in azimuth.",
    )
    boresight_el_deg: float | None = Field(
        None, ge=0, le=90, description="Boresight elevation (degrees, 0..90); default the type's."
    )


from .analysis_schema import AnalysisSpec, analysis_problems
from .criteria_schema import RegionSpec, RuleSet, criteria_problems
from .defense_schema import InterceptorSites
from .notifications_schema import LaunchNotification, notification_problems


class Scenario(BaseModel):
    """A validated scenario (schema version 1). Build it with :func:`jointshield.scenario.load_scenario`."""

    model_config = _CONFIG

    version: Literal[1] = Field(description="Schema version of the file; this jointshield reads 1.")
    name: str = Field(min_length=1, max_length=200, description="Short title of the scenario.")
    description: str = Field("", description="What the scenario shows.")
    epoch: AwareDatetime = Field(
        description="Scenario time zero, UTC, ISO 8601 with a time zone (e.g. 2008-03-01T12:00:00Z); "
        "fixes the Earth rotation angle."
    )
    seed: int = Field(0, ge=0, description="Seed of the run's random generator (integer >= 0).")
    earth: EarthName = Field("wgs84", description="Earth model: textbook, sphere or wgs84 (default).")
    places: dict[Name, GeoPoint] = Field(
        default_factory=dict, description="Named points: name -> {lat_deg, lon_deg, alt_m}."
    )
    missiles: list[Vehicle] = Field(
        default_factory=list,
        description="Inline missile types (Vehicle fields; kind defaults to missile), added to the "
        "catalogue; names must not clash with it.",
    )
    launches: list[Launch] = Field(default_factory=list, description="The launches of the scenario.")
    sensors: list[Sensor] = Field(default_factory=list, description="The radars of the scenario.")
    regions: dict[Name, RegionSpec] = Field(default_factory=dict, description="Named circles and polygons.")
    criteria: list[RuleSet] = Field(default_factory=list, description="The partners' threat-criteria rule sets.")
    agreed_criteria: str | None = Field(None, description="Name of the rule set under criteria the system acts on.")
    interceptor_sites: InterceptorSites = Field(default_factory=list, description="Interceptor sites (jointshield.scenario.defense_schema).")
    notifications: list[LaunchNotification] = Field(
        default_factory=list, description="Launches notified in advance (jointshield.scenario.notifications_schema)."
    )
    analysis: AnalysisSpec | None = Field(None, description="What the capability statement tabulates "
                                          "(jointshield.scenario.analysis_schema).")

    @field_validator("version", mode="before")
    @classmethod
    def _supported_version(cls, v: object) -> object:
        if v != SCHEMA_VERSION or isinstance(v, bool):
            raise ValueError(
                f"schema version {v!r} is not supported; this jointshield reads version {SCHEMA_VERSION}"
            )
        return v

    @field_validator("epoch")
    @classmethod
    def _to_utc(cls, v: _dt.datetime) -> _dt.datetime:
        return v.astimezone(_dt.UTC)

    @field_validator("missiles", mode="before")
    @classmethod
    def _missile_kind_default(cls, v: object) -> object:
        if isinstance(v, list):
            return [{"kind": "missile", **m} if isinstance(m, dict) and "kind" not in m else m for m in v]
        return v

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        catalogue = load_catalogue()
        inline: dict[str, int] = {}
        for i, m in enumerate(self.missiles):
            if m.kind != "missile":
                problems.append((("missiles", i, "kind"), f"{m.kind!r}: only missiles may be defined here"))
            if m.name in catalogue:
                problems.append(
                    (
                        ("missiles", i, "name"),
                        (
                            f"{m.name!r} is already a catalogue {catalogue[m.name].kind}; give the "
                            "inline missile another name"
                        ),
                    )
                )
            elif m.name in inline:
                first = format_loc(("missiles", inline[m.name]))
                problems.append((("missiles", i, "name"), f"{m.name!r} is defined twice (also {first})"))
            else:
                inline[m.name] = i
        missiles = [n for n, v in catalogue.items() if v.kind == "missile"] + list(inline)
        ids: dict[str, int] = {}
        for i, launch in enumerate(self.launches):
            if launch.id in ids:
                first = format_loc(("launches", ids[launch.id]))
                problems.append(
                    (("launches", i, "id"), f"duplicate id {launch.id!r} (first used by {first})")
                )
            else:
                ids[launch.id] = i
            if launch.missile not in missiles:
                if launch.missile in catalogue:
                    what = f"{launch.missile!r} is an {catalogue[launch.missile].kind}, not a missile"
                else:
                    what = f"unknown missile {launch.missile!r}"
                problems.append((("launches", i, "missile"), f"{what}; known: {', '.join(missiles)}"))
            resolvable = True
            for key, ref in (("from", launch.from_), ("to", launch.to)):
                if isinstance(ref, str) and ref not in self.places:
                    resolvable = False
                    known = ", ".join(self.places) if self.places else "none (the scenario has no places)"
                    problems.append(
                        (
                            ("launches", i, key),
                            f"unknown place {ref!r}; known: {known}; or give {{lat_deg: .., lon_deg: ..}}",
                        )
                    )
            if resolvable:
                a, b = self.point(launch.from_), self.point(launch.to)
                if (a.lat_deg, a.lon_deg) == (b.lat_deg, b.lon_deg):
                    problems.append((("launches", i, "to"), "is the same point as from; aim somewhere else"))
        problems.extend(self._sensor_problems())
        problems.extend(criteria_problems(self))
        problems.extend(notification_problems(self))
        problems.extend(analysis_problems(self))
        if problems:
            raise located_error(problems)
        return self

    def _sensor_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        radars = load_radar_catalogue()
        ids: dict[str, int] = {}
        for i, sensor in enumerate(self.sensors):
            if sensor.id in ids:
                first = format_loc(("sensors", ids[sensor.id]))
                problems.append((("sensors", i, "id"), f"duplicate id {sensor.id!r} (first used by {first})"))
            else:
                ids[sensor.id] = i
            rtype = sensor.type
            if isinstance(rtype, str):
                if rtype not in radars:
                    problems.append(
                        (("sensors", i, "type"), (f"unknown radar type {rtype!r}; known: {', '.join(radars)}; or "
                         "give an inline radar type {az_half_width_deg: .., ...}"))
                    )
                    rtype = None
                else:
                    rtype = radars[rtype]
            if isinstance(sensor.site, str) and sensor.site not in self.places:
                known = ", ".join(self.places) if self.places else "none (the scenario has no places)"
                problems.append(
                    (
                        ("sensors", i, "site"),
                        f"unknown place {sensor.site!r}; known: {known}; or give {{lat_deg: .., lon_deg: ..}}",
                    )
                )
            if rtype is not None and not rtype.all_round and sensor.boresight_az_deg is None:
                problems.append(
                    (
                        ("sensors", i, "boresight_az_deg"),
                        (f"required: radar type {rtype.name} sees only ±{rtype.az_half_width_deg:g}° in azimuth "
                        "about its boresight; give the azimuth it faces (degrees from north, clockwise)"),
                    )
                )
        return problems

    # ---- lookups ---------------------------------------------------------------------------------

    @property
    def earth_model(self) -> EarthModel:
        """The :class:`~jointshield.earth.models.EarthModel` named by ``earth``."""
        return earth_model(self.earth)

    def point(self, ref: str | GeoPoint) -> GeoPoint:
        """The point a place reference stands for (a name under ``places`` or an inline point)."""
        if isinstance(ref, GeoPoint):
            return ref
        if ref not in self.places:
            raise InputError("place", f"unknown place {ref!r}; known: {', '.join(self.places) or 'none'}")
        return self.places[ref]

    def radar_type(self, ref: str | RadarType) -> RadarType:
        """The radar type a sensor's ``type`` stands for (a catalogue name or an inline type)."""
        if isinstance(ref, RadarType):
            return ref
        radars = load_radar_catalogue()
        if ref not in radars:
            raise InputError("radar", f"unknown radar type {ref!r}; known: {', '.join(radars)}")
        return radars[ref]

    def launch_rcs_m2(self, launch: Launch) -> float:
        """Radar cross-section (m²) of a launch's object: its own ``rcs_m2``, else its missile's."""
        if launch.rcs_m2 is not None:
            return launch.rcs_m2
        v = self.vehicle(launch.missile)
        return float(v.rcs_m2) if v.rcs_m2 is not None else DEFAULT_RV_RCS_M2

    def vehicle(self, name: str) -> Vehicle:
        """The missile called ``name``: an inline one from ``missiles``, else the catalogue's."""
        for m in self.missiles:
            if m.name == name:
                return m
        return get_vehicle(name, "missile")
