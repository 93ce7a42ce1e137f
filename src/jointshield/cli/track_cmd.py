"""``jointshield track``: truth → radars → tracker on a scenario, with per-launch timeliness and accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .demo_cmd import _slug
from .main import app


@app.command(help="""Fly a scenario's launches, observe them with its radars and track them.

Reports per launch the time from launch to the first detection and to a firm track, the error of the
impact point predicted at that firm track and at the last update, and the range class the tracks see;
overall the position and velocity RMSE and mean NEES of firm tracks, and the mean GOSPA. SCENARIO is a
file or the name of a bundled scenario (try tracking-demo). With --out, writes measurements.csv,
tracks.csv, summary.json and three plots (coverage.png, tracks.png, impact_error.png) under OUT/<scenario>.

  jointshield track tracking-demo
  jointshield track tracking-demo --json --seed 3
  jointshield track my-scenario.yaml --out results
""")
def track(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled one."),
    out: Path | None = typer.Option(None, help="Folder for result files and plots (none written without it)."),
    seed: int | None = typer.Option(None, help="Random seed of the radars' draws (default: the scenario's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as one JSON object."),
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..scenario import open_scenario
    from ..sim.tracking import run_tracking

    sc = open_scenario(scenario)
    if not sc.sensors:
        from ..errors import InputError

        raise InputError("sensors", "the scenario has no radars; add a `sensors:` list to track anything")
    err = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True,
                  console=err) as progress:
        progress.add_task("flying, observing and tracking (first run compiles for a minute)", total=None)
        run = run_tracking(sc, seed)
    doc = {"scenario": sc.name, "seed": run.seed, "launches": [lt.as_dict() for lt in run.launches],
           "metrics": run.metrics()}
    if out is not None:
        doc["files"] = _write_outputs(run, out / _slug(sc.name), doc)
    if as_json:
        typer.echo(json.dumps(doc))
        return
    table = Table(title=f"{sc.name}: {len(run.launches)} launches, {len(run.radars)} radars, seed {run.seed}")
    for col in ("launch", "first detection s", "firm track s", "impact error at firm km", "impact error last km",
                "firm tracks", "class seen"):
        table.add_column(col, justify="left" if col == "launch" else "right", no_wrap=True)

    def f(x, fmt):
        return "—" if x is None else format(x, fmt)

    for row in doc["launches"]:
        table.add_row(row["id"], f(row["first_detection_s"], ".0f"), f(row["firm_track_s"], ".0f"),
                      f(row["impact_error_km_at_firm_track"], ",.1f"), f(row["impact_error_km_last"], ",.2f"),
                      str(row["firm_tracks"]), row["range_class_seen"] or "—")
    console = Console()
    console.width = max(console.width, 120)
    console.print(table)
    m = doc["metrics"]
    console.print(f"firm tracks: position RMSE {f(m['position_rmse_m'], ',.0f')} m, velocity RMSE "
                  f"{f(m['velocity_rmse_m_s'], ',.1f')} m/s, mean NEES {f(m['nees_mean'], '.2f')} (6 if consistent); "
                  f"mean GOSPA {f(m['gospa'], ',.0f')} m; {m['measurements']:,} measurements "
                  f"({m['false_alarms']:,} false alarms), {m['false_tracks']} false tracks, {m['track_swaps']} swaps")
    if out is not None:
        console.print(f"results: {doc['files']['summary']} and the plots beside it")


def _write_outputs(run, folder: Path, doc: dict) -> dict:
    import numpy as np

    from ..earth.frames import ecef_to_geodetic
    from ..report._files import atomic_write
    from ..report.tracking_files import write_measurements_csv, write_tracks_csv
    from ..report.tracking_plot import plot_coverage, plot_impact_error, plot_tracks
    from ..sensors.coverage import coverage
    from ..tracking.metrics import truth_at

    truth, h, ra = run.truth, run.history, run.radars
    files = {"measurements": str(write_measurements_csv(folder / "measurements.csv", run.measurements, ra.ids)),
             "tracks": str(write_tracks_csv(folder / "tracks.csv", h, run.track_label, truth.ids, ra.ids))}
    truth_lines, alt_lines = [], []
    for o, lid in enumerate(truth.ids):
        ok = ~np.isnan(truth.r_ecef_m[o, :, 0])
        lat, lon, alt = ecef_to_geodetic(truth.r_ecef_m[o, ok], ra.model)
        truth_lines.append((lid, np.rad2deg(lat), np.rad2deg(lon)))
        alt_lines.append((lid, truth.t_s[ok], alt / 1e3))
    r, _ = h.ecef()
    lat, lon, alt = ecef_to_geodetic(r, ra.model) if len(h) else (np.empty(0),) * 3
    upd = h.meas >= 0
    track_lines, track_alt, errors = [], [], []
    for tid in np.unique(h.track_id[upd & (h.status == 1)]):
        sel = upd & (h.track_id == tid)
        label = int(run.track_label[np.flatnonzero(sel)[0]])
        name = f"track {tid}" + (f" ({truth.ids[label]})" if label >= 0 else " (false)")
        track_lines.append((name, np.rad2deg(lat[sel]), np.rad2deg(lon[sel])))
        track_alt.append((name, h.t_s[sel], alt[sel] / 1e3))
        if label >= 0:
            r_true, _ = truth_at(truth, np.full(int(sel.sum()), label), h.t_s[sel])
            errors.append((name, h.t_s[sel], np.linalg.norm(r[sel] - r_true, axis=1), label))
    lats = np.concatenate([t[1] for t in truth_lines] + [np.rad2deg(ra.site_lat_rad)])
    lons = np.concatenate([t[2] for t in truth_lines] + [np.rad2deg(ra.site_lon_rad)])
    grid_lat = np.linspace(max(-89.0, lats.min() - 15), min(89.0, lats.max() + 15), 181)
    grid_lon = np.linspace(lons.min() - 20, lons.max() + 20, 241)
    cov = coverage(ra, grid_lat, grid_lon, 300e3, 0.01)
    title = f"{run.scenario.name} (seed {run.seed})"
    files["coverage_plot"] = str(plot_coverage(
        folder / "coverage.png", radar_ids=ra.ids, radar_lat_deg=np.rad2deg(ra.site_lat_rad),
        radar_lon_deg=np.rad2deg(ra.site_lon_rad), grid_lat_deg=grid_lat, grid_lon_deg=grid_lon, masks=cov,
        truth=truth_lines, tracks=track_lines, alt_km=300.0, rcs_m2=0.01, title=title))
    files["tracks_plot"] = str(plot_tracks(folder / "tracks.png", truth=alt_lines, tracks=track_alt, errors=errors,
                                           title=title))
    files["impact_error_plot"] = str(plot_impact_error(
        folder / "impact_error.png",
        series=[(lt.id, lt.impact_error_t_s, lt.impact_error_km) for lt in run.launches],
        firm_s=[None if not np.isfinite(lt.firm_track_s) else lt.firm_track_s for lt in run.launches], title=title))
    files["summary"] = str(folder / "summary.json")
    with atomic_write(folder / "summary.json") as fh:
        fh.write(json.dumps({**doc, "files": files}, indent=2).encode())
    return files

