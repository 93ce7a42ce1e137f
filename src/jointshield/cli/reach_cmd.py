"""``jointshield reach`` and ``jointshield footprint``: grids of (launch, target) pairs against a scenario's
architecture (interceptor sites and radars)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console

from ..errors import InputError
from ..report.analysis_plot import footprint_rows, reach_map_rows
from .fly_cmd import parse_lat_lon
from .main import app

_REACH_HELP = """Reach map: from which launch points on a grid can the scenario's architecture engage a missile
aimed at the target(s)? Every grid point is aimed (minimum energy), flown, detected by the scenario's
radars and checked against every interceptor site's engagement window (docs/analysis.md).

  jointshield reach engagement-demo --missile notional-irbm --target 52.23,21.01 --box 30,40,44,62 --step-deg 2

--box LAT_MIN,LAT_MAX,LON_MIN,LON_MAX or --region NAME (a region of the scenario) sets the launch grid
(default: 10° around the scenario's launch points); --target (repeatable) the aim points (default the
scenario's targets).
"""

_FOOTPRINT_HELP = """Defended footprint: which target points on a grid does the scenario's architecture defend
against a missile launched from the given point(s)? Each target's value is the share of the launch points
(that can reach it) whose missile can be engaged.

  jointshield footprint engagement-demo --missile notional-irbm --launch 35.23,53.92 --box 45,56,5,30 --step-deg 2

--box or --region sets the target grid (default: 10° around the scenario's targets); --launch
(repeatable) or --launch-region NAME (sampled every --launch-step-deg) the launch points (default the
scenario's launch points).
"""


def parse_box(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        vals = tuple(float(p) for p in parts)
    except ValueError:
        vals = ()
    if len(vals) != 4:
        raise InputError("--box", f"{text!r} is not LAT_MIN,LAT_MAX,LON_MIN,LON_MAX in degrees (e.g. 30,40,44,62)")
    la0, la1, lo0, lo1 = vals
    if not (-90 <= la0 < la1 <= 90):
        raise InputError("--box", f"latitudes {la0:g}..{la1:g} must increase within -90..90")
    if not (-180 <= lo0 < lo1 <= 360 and lo1 - lo0 <= 360):
        raise InputError("--box", f"longitudes {lo0:g}..{lo1:g} must increase within -180..360")
    return vals


def _region(sc, name: str, option: str):
    from ..scenario.criteria_schema import regions_from_scenario

    regions = regions_from_scenario(sc)
    if name not in regions:
        raise InputError(option, f"unknown region {name!r}; the scenario's regions: {', '.join(regions) or 'none'}")
    return regions[name]


def _grid(sc, box, region, step, around, option):
    from ..analysis import Grid

    if not (0.05 <= step <= 30):
        raise InputError("--step-deg", f"{step:g} must be within 0.05..30 degrees")
    if box is not None and region is not None:
        raise InputError("--box", "give --box or --region, not both")
    if region is not None:
        g = Grid.over_region(_region(sc, region, "--region"), step, sc.earth_model)
    elif box is not None:
        g = Grid.box(*parse_box(box), step)
    else:
        pts = np.asarray(around, float)
        g = Grid.box(max(pts[:, 0].min() - 10, -90), min(pts[:, 0].max() + 10, 90), pts[:, 1].min() - 10,
                     pts[:, 1].max() + 10, step)
    if not g.mask.any():
        raise InputError(option, "the grid has no point inside the region; use a smaller --step-deg")
    return g


def _setup(scenario: str, missile: str | None):
    from ..analysis import Architecture
    from ..scenario import open_scenario

    sc = open_scenario(scenario)
    arch = Architecture.from_scenario(sc)
    if missile is None:
        if not sc.launches:
            raise InputError("--missile", "the scenario has no launches to take a missile from; give --missile")
        missile = sc.launches[0].missile
    try:
        vehicle = sc.vehicle(missile)
    except InputError as exc:
        raise InputError("--missile", exc.message) from None
    return sc, arch, vehicle


def _points(sc, which: str):
    pts = [sc.point(launch.from_ if which == "from" else launch.to) for launch in sc.launches]
    out = sorted({(p.lat_deg, p.lon_deg) for p in pts})
    return out


def _run_with_progress(label: str, fn):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("reach tables", total=None)
        return fn(lambda done, total: progress.update(task, description=label, completed=done, total=total),
                  lambda: progress.update(task, description=label))


def _nan_list(a) -> list:
    a = np.asarray(a, float)
    return [None if not np.isfinite(x) else round(float(x), 3) for x in a.ravel()]


def _finish(doc: dict, rows: list[dict], stem: str, out: Path | None, plot: Path | None, draw, as_json: bool,
            lines: list[str]) -> None:
    if out is not None:
        from ..report._files import atomic_write
        from ..report.analysis_plot import write_csv

        out.mkdir(parents=True, exist_ok=True)
        with atomic_write(out / f"{stem}.json") as fh:
            fh.write(json.dumps(doc).encode())
        write_csv(out / f"{stem}.csv", rows)
        if plot is None:
            plot = out / f"{stem}.png"
    if plot is not None:
        draw(plot)
        doc["summary"]["plot"] = str(plot)
    if as_json:
        typer.echo(json.dumps(doc))
        return
    console = Console()
    for line in lines:
        console.print(line)
    if out is not None:
        console.print(f"files: {out}/{stem}.json, {stem}.csv, {stem}.png")
    elif plot is not None:
        console.print(f"plot: {plot}")


@app.command(help=_REACH_HELP)
def reach(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled one (its sites and radars)."),
    missile: str = typer.Option(None, help="Missile type (default: the scenario's first launch's)."),
    target: list[str] = typer.Option(None, help="Aim point LAT,LON (deg); repeatable (default the scenario's)."),
    box: str = typer.Option(None, help="Launch grid box LAT_MIN,LAT_MAX,LON_MIN,LON_MAX (deg)."),
    region: str = typer.Option(None, help="Launch grid over a region of the scenario (by name)."),
    step_deg: float = typer.Option(1.0, help="Grid step (deg)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (summary and the maps)."),
    plot: Path = typer.Option(None, help="Write a PNG map (first target)."),
    out: Path = typer.Option(None, help="Folder for reach.json, reach.csv and reach.png."),
) -> None:
    from ..analysis import reach_map

    sc, arch, vehicle = _setup(scenario, missile)
    targets = [parse_lat_lon(t, "--target") for t in target] if target else _points(sc, "to")
    if not targets:
        raise InputError("--target", "the scenario has no launches to take targets from; give --target LAT,LON")
    grid = _grid(sc, box, region, step_deg, _points(sc, "from") or targets, "--region")

    def work(progress, _label):
        arch.tables()
        return reach_map(arch, vehicle, grid, targets, progress=progress)

    rm = _run_with_progress(f"reach map, {int(grid.mask.sum()) * len(targets):,} pairs", work)
    s = rm.summary()
    doc = {"scenario": sc.name, "summary": s, "lat_deg": grid.lat_deg.tolist(), "lon_deg": grid.lon_deg.tolist(),
           "engageable": [np.where(grid.mask, rm.engageable[i], False).astype(int).tolist() for i in range(len(targets))],
           "margin_s": [[_nan_list(row) for row in rm.margin_s[i]] for i in range(len(targets))]}
    rows = reach_map_rows(rm)

    def draw(path):
        from ..report.analysis_plot import plot_reach_map

        plot_reach_map(path, rm, arch, title=f"{sc.name}: launch points from which {vehicle.name} toward "
                       f"{targets[0][0]:g},{targets[0][1]:g} can be engaged")

    _finish(doc, rows, "reach", out, plot, draw, as_json,
            [(f"[bold]{sc.name}[/]: {vehicle.name}, {s['points']} launch points × {len(targets)} target(s): "
             f"{s['engageable_pairs']} of {s['reachable_pairs']} flyable pairs engageable "
             f"({100 * s['engageable_fraction']:.0f}%) in {s['seconds']:.1f} s ({s['points_per_s']:.0f} pairs/s)")])


@app.command(help=_FOOTPRINT_HELP)
def footprint(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled one (its sites and radars)."),
    missile: str = typer.Option(None, help="Missile type (default: the scenario's first launch's)."),
    launch: list[str] = typer.Option(None, help="Launch point LAT,LON (deg); repeatable (default the scenario's)."),
    launch_region: str = typer.Option(None, help="Launch points over a region of the scenario (by name)."),
    launch_step_deg: float = typer.Option(2.0, help="Step of the launch points over --launch-region (deg)."),
    box: str = typer.Option(None, help="Target grid box LAT_MIN,LAT_MAX,LON_MIN,LON_MAX (deg)."),
    region: str = typer.Option(None, help="Target grid over a region of the scenario (by name)."),
    step_deg: float = typer.Option(1.0, help="Target grid step (deg)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (summary and the map)."),
    plot: Path = typer.Option(None, help="Write a PNG map."),
    out: Path = typer.Option(None, help="Folder for footprint.json, footprint.csv and footprint.png."),
) -> None:
    from ..analysis import Grid
    from ..analysis import footprint as run_footprint

    sc, arch, vehicle = _setup(scenario, missile)
    if launch and launch_region:
        raise InputError("--launch", "give --launch or --launch-region, not both")
    if launch_region:
        if not (0.1 <= launch_step_deg <= 30):
            raise InputError("--launch-step-deg", f"{launch_step_deg:g} must be within 0.1..30 degrees")
        lg = Grid.over_region(_region(sc, launch_region, "--launch-region"), launch_step_deg, sc.earth_model)
        la, lo = lg.points()
        if la.size == 0:  # a region smaller than the step: its centre
            from ..analysis.maps import region_centre_deg

            la, lo = (np.atleast_1d(x) for x in region_centre_deg(_region(sc, launch_region, "--launch-region")))
        launches = list(zip(la.tolist(), lo.tolist(), strict=True))
    elif launch:
        launches = [parse_lat_lon(p, "--launch") for p in launch]
    else:
        launches = _points(sc, "from")
    if not launches:
        raise InputError("--launch", "the scenario has no launches to take launch points from; give --launch")
    grid = _grid(sc, box, region, step_deg, _points(sc, "to") or launches, "--region")

    def work(progress, _label):
        arch.tables()
        return run_footprint(arch, vehicle, launches, grid, progress=progress)

    fp = _run_with_progress(f"footprint, {int(grid.mask.sum()) * len(launches):,} pairs", work)
    s = fp.summary()
    doc = {"scenario": sc.name, "summary": s, "lat_deg": grid.lat_deg.tolist(), "lon_deg": grid.lon_deg.tolist(),
           "defended": [_nan_list(row) for row in fp.defended]}
    rows = footprint_rows(fp)

    def draw(path):
        from ..report.analysis_plot import plot_footprint

        plot_footprint(path, fp, arch, title=f"{sc.name}: footprint defended against {vehicle.name} from "
                       f"{len(launches)} launch point(s)")

    _finish(doc, rows, "footprint", out, plot, draw, as_json,
            [(f"[bold]{sc.name}[/]: {vehicle.name} from {len(launches)} launch point(s), {s['points']} targets: "
             f"{s['targets_defended']} defended, {s['targets_partly_defended']} partly, of {s['targets_reached']} "
             f"within the missile's range, in {s['seconds']:.1f} s ({s['points_per_s']:.0f} pairs/s)")])
