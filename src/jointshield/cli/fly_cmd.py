"""``jointshield fly``: one ballistic flight, from a burnout state or a catalogue missile to a target."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..earth.models import MODELS, earth_model
from ..errors import InputError
from .main import app

_FLY_HELP = """Fly one ballistic trajectory to impact and report range, flight time, apogee and impact point.

From a burnout state (speed and angles relative to the rotating Earth; default place 0°N 0°E, heading
due east):

  jointshield fly --speed-km-s 7.2 --angle-deg 22.5 --earth textbook --json

A catalogue missile aimed at a target (minimum-energy unless --apogee-km or --burnout-angle-deg):

  jointshield fly --missile notional-icbm --from 35.23,53.92 --to 38.90,-77.04 --plot out/icbm.png
"""


def parse_lat_lon(text: str, option: str) -> tuple[float, float]:
    """``"LAT,LON"`` in degrees → (lat, lon), with the range of each checked."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise InputError(option, f"{text!r} is not LAT,LON in degrees (e.g. 54.48,17.10)")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(option, f"{text!r} is not LAT,LON in degrees (e.g. 54.48,17.10)") from None
    if not -90.0 <= lat <= 90.0:
        raise InputError(option, f"latitude {lat:g} is outside -90..90")
    if not -180.0 <= lon <= 360.0:
        raise InputError(option, f"longitude {lon:g} is outside -180..360")
    return lat, lon


@app.command(help=_FLY_HELP)
def fly(
    speed_km_s: float = typer.Option(None, help="Burnout speed relative to the Earth (km/s)."),
    angle_deg: float = typer.Option(None, help="Burnout flight-path angle above the local horizontal (deg)."),
    altitude_km: float = typer.Option(0.0, help="Burnout altitude above the ellipsoid (km)."),
    from_: str = typer.Option(None, "--from", help="Launch or burnout point LAT,LON (deg); default 0,0."),
    azimuth_deg: float = typer.Option(90.0, help="Burnout heading from north, clockwise (deg)."),
    missile: str = typer.Option(None, help="Catalogue missile to launch (see `jointshield catalogue`)."),
    to: str = typer.Option(None, help="Target LAT,LON (deg), with --missile."),
    apogee_km: float = typer.Option(None, help="Fly lofted or depressed to this apogee (km), with --missile."),
    burnout_angle_deg: float = typer.Option(None, help="Fly lofted or depressed to this burnout angle (deg)."),
    beta_kg_m2: float = typer.Option(None, help="Ballistic coefficient for reentry drag (kg/m²) of a "
                                                "burnout-state flight; default: no drag."),
    earth: str = typer.Option("wgs84", help=f"Earth model: {' | '.join(MODELS)}."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    csv_path: Path = typer.Option(None, "--csv", help="Write the sampled path as CSV."),
    plot_path: Path = typer.Option(None, "--plot", help="Write a PNG: ground track on a map and altitude."),
) -> None:
    from ..flight import flyout

    if earth not in MODELS:
        raise InputError("--earth", f"{earth!r} is not one of {', '.join(MODELS)}")
    model = earth_model(earth)
    if missile is not None:
        if speed_km_s is not None or angle_deg is not None:
            raise InputError("--missile", "give either --missile with --to, or --speed-km-s with --angle-deg")
        if to is None or from_ is None:
            raise InputError("--to", "a missile flight needs --from LAT,LON and --to LAT,LON")
        from ..flight.catalogue import get_vehicle

        vehicle = get_vehicle(missile, kind="missile")
        result = flyout.fly_missile(vehicle, parse_lat_lon(from_, "--from"), parse_lat_lon(to, "--to"), model,
                                    apogee_m=None if apogee_km is None else apogee_km * 1e3,
                                    burnout_angle_deg=burnout_angle_deg)
    else:
        if speed_km_s is None or angle_deg is None:
            raise InputError("--speed-km-s", "give --speed-km-s and --angle-deg (or --missile with --to)")
        lat, lon = parse_lat_lon(from_, "--from") if from_ else (0.0, 0.0)
        result = flyout.fly_burnout(lat, lon, altitude_km * 1e3, speed_km_s * 1e3, angle_deg, azimuth_deg,
                                    model, beta_kg_m2=np.inf if beta_kg_m2 is None else beta_kg_m2)

    if csv_path is not None:
        from ..report.flight_files import write_path_csv

        write_path_csv(csv_path, result)
        result.summary["csv"] = str(csv_path)
    if plot_path is not None:
        write_plot(plot_path, result)
        result.summary["plot"] = str(plot_path)
    if as_json:
        typer.echo(json.dumps(result.summary))
    else:
        _print_table(result.summary)


def write_plot(path: Path, result) -> None:
    from ..report.flight_files import track_for_plot
    from ..report.flight_plot import plot_flight

    path.parent.mkdir(parents=True, exist_ok=True)
    s = result.summary
    label = s.get("missile", f"{s['burnout_speed_m_s'] / 1e3:g} km/s at {s['burnout_angle_deg']:g}°")
    plot_flight(path, [track_for_plot(result, label)],
                title=f"{label}: {s['range_km']:,.0f} km in {s['flight_time_s'] / 60:.1f} min ({s['earth']} Earth)")


def _print_table(summary: dict) -> None:
    table = Table(title="Flight", show_header=False)
    for key, value in summary.items():
        table.add_row(key, f"{value:,.3f}" if isinstance(value, float) else str(value))
    Console().print(table)
