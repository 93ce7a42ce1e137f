"""``jointshield demo``: the main job on a bundled scenario (``make demo`` runs it on the default)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .main import app

DEFAULT_SCENARIO = "flight-demo"


@app.command(help="""Run the main job on a scenario (default: the bundled flight-demo) and write its results.

Each launch is aimed at its target and flown on the scenario's Earth model; results go under
OUT/<scenario name>/: summary.json (one object per launch, the `fly --json` figures), <launch>.csv (the
sampled path) and flights.png (ground tracks on a map, altitude profiles).

  jointshield demo
  jointshield demo my-scenario.yaml --out results
""")
def demo(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Scenario file, or the name of a bundled one."),
    out: Path = typer.Option(Path("out"), help="Folder for the results."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    from ..flight.flyout import fly_missile
    from ..report._files import atomic_write
    from ..report.flight_files import track_for_plot, write_path_csv
    from ..report.flight_plot import plot_flight
    from ..scenario import open_scenario

    sc = open_scenario(scenario)
    model = sc.earth_model
    folder = out / _slug(sc.name)
    results = []
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("aiming and flying", total=len(sc.launches))
        for launch in sc.launches:
            start, target = sc.point(launch.from_), sc.point(launch.to)
            tr = launch.trajectory
            flight = fly_missile(sc.vehicle(launch.missile), (start.lat_deg, start.lon_deg),
                                 (target.lat_deg, target.lon_deg), model,
                                 apogee_m=None if tr.apogee_km is None else tr.apogee_km * 1e3,
                                 burnout_angle_deg=tr.burnout_angle_deg, shape=tr.shape)
            results.append((launch, flight))
            progress.advance(task)

    summary = []
    for launch, flight in results:
        csv_path = write_path_csv(folder / f"{launch.id}.csv", flight)
        summary.append({"id": launch.id, "launch_time_s": launch.time_s, **flight.summary, "csv": str(csv_path)})
    plot = plot_flight(folder / "flights.png",
                       [track_for_plot(f, f"{launch.id} {launch.missile}") for launch, f in results],
                       title=f"{sc.name}: {len(results)} flights ({model.name} Earth)")
    doc = {"scenario": sc.name, "earth": model.name, "launches": summary, "plot": str(plot)}
    with atomic_write(folder / "summary.json") as fh:
        fh.write(json.dumps(doc, indent=2).encode())

    if as_json:
        typer.echo(json.dumps(doc))
        return
    table = Table(title=f"{sc.name} — {model.name} Earth")
    for col in ("launch", "missile", "range km", "flight min", "apogee km", "burnout km/s", "reentry km/s",
                "miss m"):
        table.add_column(col, justify="left" if col in ("launch", "missile") else "right", no_wrap=True)
    for row in summary:
        table.add_row(row["id"], row["missile"], f"{row['range_km']:,.0f}", f"{row['flight_time_s'] / 60:.1f}",
                      f"{row['apogee_km']:,.0f}", f"{row['burnout_speed_m_s'] / 1e3:.2f}",
                      "—" if row["reentry_speed_m_s"] is None else f"{row['reentry_speed_m_s'] / 1e3:.2f}",
                      f"{row['miss_km'] * 1e3:.1f}")
    console = Console()
    console.width = max(console.width, 120)  # a pipe reports 80 columns; the table needs ~110
    console.print(table)
    console.print(f"results: {folder}/summary.json, one CSV per launch, and the map {plot}")


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "scenario"
