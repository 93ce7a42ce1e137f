"""``jointshield validate FILE``: check a scenario file and print a short summary, or its problems."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InputError
from ..scenario import ScenarioError, bundled_names, open_scenario
from ..scenario.schema import GeoPoint, Scenario
from .main import app

HELP = (
    "Check a scenario file: print a short summary and exit 0, or print its problems and exit 2.\n\n"
    "FILE is a path to a YAML scenario file, or the name of a scenario bundled with jointshield (listed "
    "below). Each problem is one line on stderr, 'error: FIELD PATH: what is wrong and what is allowed', "
    "for example:\n\n"
    "error: launches[2].from.lat_deg: latitude 95 is outside -90..90 (degrees, north positive)\n\n"
    "Every problem in the fields is listed; checks across the file (unknown missile, radar or place "
    "names, duplicate ids, a limited radar without its boresight) run once the fields are valid. YAML "
    "syntax errors give FILE:LINE:COLUMN.\n\n"
    "Examples:\n\n"
    "jointshield validate flight-demo\n\n"
    "jointshield validate my-scenario.yaml"
)


def _where(scenario: Scenario, ref: str | GeoPoint) -> str:
    if isinstance(ref, str):
        return ref
    return f"({ref.lat_deg:g}, {ref.lon_deg:g})"


def summary_lines(scenario: Scenario, source: str) -> list[str]:
    """The short OK summary printed by ``validate``."""
    epoch = scenario.epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"ok: {source}: {scenario.name!r}",
        f"  epoch {epoch}, earth {scenario.earth}, seed {scenario.seed}",
        f"  places ({len(scenario.places)}): {', '.join(scenario.places) or '-'}",
    ]
    if scenario.missiles:
        lines.append(
            f"  inline missiles ({len(scenario.missiles)}): {', '.join(m.name for m in scenario.missiles)}"
        )
    lines.append(f"  launches ({len(scenario.launches)}):")
    for launch in scenario.launches:
        traj = launch.trajectory
        shaping = ""
        if traj.apogee_km is not None:
            shaping = f", apogee {traj.apogee_km:g} km"
        elif traj.burnout_angle_deg is not None:
            shaping = f", burnout angle {traj.burnout_angle_deg:g}°"
        rcs = f", rcs {launch.rcs_m2:g} m²" if launch.rcs_m2 is not None else ""
        lines.append(
            f"    {launch.id}: {launch.missile} from {_where(scenario, launch.from_)} to "
            f"{_where(scenario, launch.to)} at t={launch.time_s:g} s, {traj.shape}{shaping}{rcs}"
        )
    if scenario.sensors:
        lines.append(f"  sensors ({len(scenario.sensors)}):")
        for sensor in scenario.sensors:
            rtype = scenario.radar_type(sensor.type)
            name = sensor.type if isinstance(sensor.type, str) else "inline radar"
            facing = "all round" if rtype.all_round else f"facing {sensor.boresight_az_deg:g}°"
            lines.append(f"    {sensor.id}: {name} at {_where(scenario, sensor.site)}, {facing}")
    return lines


@app.command("validate", help=HELP, epilog=f"Bundled scenarios: {', '.join(bundled_names())}.")
def validate(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="Path to a scenario YAML file, or a bundled scenario name.")
    ],
) -> None:
    try:
        scenario = open_scenario(file)
    except ScenarioError as exc:
        for line in exc.lines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(2) from None
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for line in summary_lines(scenario, file):
        typer.echo(line)
