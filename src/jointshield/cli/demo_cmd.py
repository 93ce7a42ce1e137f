"""``jointshield demo``: the main job on a bundled scenario (``make demo`` runs it on the default)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .main import app

DEFAULT_SCENARIO = "europe-2008"
DEMO_RUNS = 8
"""Monte Carlo runs of the demo: enough for a first look at the probabilities (their intervals say how wide)."""


@app.command(help="""Run the main job on a scenario (default: the bundled europe-2008) and write its report.

For a scenario with radars and interceptor sites: the kill chain once and as a small Monte Carlo (--runs),
the run's files and the HTML report under OUT/<scenario name>/ (report.html; every figure also as PNG + CSV
under figures/). It opens nothing; it prints where the report is. For a scenario of launches only (e.g.
flight-demo): each launch is aimed and flown, with summary.json, one CSV per launch and flights.png.

  jointshield demo
  jointshield demo flight-demo --out results
""")
def demo(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Scenario file, or the name of a bundled one."),
    out: Path = typer.Option(Path("out"), help="Folder for the results."),
    runs: int = typer.Option(DEMO_RUNS, min=1, max=10_000, help="Monte Carlo runs of the kill chain."),
    workers: int | None = typer.Option(None, min=1, help="Worker processes for the Monte Carlo (default: every core)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    from ..scenario import open_scenario

    sc = open_scenario(scenario)
    if sc.sensors and sc.interceptor_sites:
        _kill_chain_demo(sc, out / _slug(sc.name), runs, workers, as_json)
    else:
        _flight_demo(sc, out / _slug(sc.name), as_json)


def _kill_chain_demo(sc, folder: Path, runs: int, workers: int | None, as_json: bool) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..report.html import render_report
    from .capability_cmd import code_version
    from .demo_analyses import run_demo_analyses
    from .run_cmd import execute, write_run_folder

    prepared, result, doc = execute(sc, runs, None, workers)
    write_run_folder(folder, prepared, result, doc, with_report=False)
    with Progress(SpinnerColumn(), TextColumn("analyses: {task.description}"), TimeElapsedColumn(), transient=True,
                  console=Console(stderr=True)) as progress:
        task = progress.add_task("", total=None)
        manifest = run_demo_analyses(sc, folder, code_version(),
                                     progress=lambda d: progress.update(task, description=d))
    report = render_report(folder)
    s = result.summary
    if as_json:
        typer.echo(json.dumps({"scenario": sc.name, "summary": s, "monte_carlo": doc.get("monte_carlo"),
                               "analyses": [m["title"] for m in manifest], "report": str(report)}))
        return
    console = Console()
    console.width = max(console.width, 110)
    console.print(f"[bold]{sc.name}[/bold], seed {result.seed}: {s['launches']} launches, {s['threats']} threats, "
                  f"{s['engaged']} engaged, {s['intercepted']} intercepted, {s['leakers']} leakers, "
                  f"{s['interceptors_fired']} interceptors fired")
    if "monte_carlo" in doc:
        mc = doc["monte_carlo"]
        table = Table(title=f"Monte Carlo: {mc['runs']} runs")
        for col in ("launch", "P(intercepted)", "95% interval"):
            table.add_column(col, justify="left" if col == "launch" else "right")
        for row in mc["per_threat"]:
            table.add_row(row["id"], f"{row['p_intercepted']:.2f}", f"{row['ci95'][0]:.2f}–{row['ci95'][1]:.2f}")
        console.print(table)
    console.print(f"report: {report}")


def _flight_demo(sc, folder: Path, as_json: bool) -> None:
    from ..flight.flyout import fly_missile
    from ..report._files import atomic_write
    from ..report.flight_files import track_for_plot, write_path_csv
    from ..report.flight_plot import plot_flight

    model = sc.earth_model
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
