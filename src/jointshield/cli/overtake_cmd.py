"""``jointshield overtake``: can an interceptor from a site catch a missile on one corridor?"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..earth.models import MODELS, earth_model
from ..errors import InputError
from .fly_cmd import parse_lat_lon
from .main import app

_HELP = """Overtake analysis of one corridor: fly the missile from --from to --to (minimum energy) and say
whether an interceptor launched from --site, no earlier than the commit time, can meet it inside its
altitude band: earliest and latest intercept (s after the threat's launch), the intercept altitude, the
closing speed and the margin (how much later it could launch and still intercept; negative: too late).

The commit time (--commit-s, the earliest interceptor launch after the threat's launch) defaults to the
first detection by a radar (default: a notional UHF early-warning radar at the site, facing the launch
point; --radar and --radar-type to change it; or the radars of --scenario) plus the kill chain's delays
(docs/analysis.md). --sweep adds the margin against burnout speed (3-9 km/s) and commit time, and the
break-even values (one reach table per speed: about 10 s each).

The 2007 dispute, one line each:

  jointshield overtake --site 54.48,17.10 --interceptor notional-interceptor-7kms --interceptor-speed-km-s 6.3 --missile notional-icbm --from 54.0,35.8 --to 38.9,-77.04 --json
  jointshield overtake --site 54.48,17.10 --interceptor notional-interceptor-7kms --interceptor-speed-km-s 9 --missile notional-icbm --from 54.0,35.8 --to 38.9,-77.04 --json
"""


@contextmanager
def spinner(text: str):
    """A transient Rich status line on stderr while something slow runs."""
    with Console(stderr=True).status(text):
        yield


def _floats(text: str, option: str) -> list[float]:
    try:
        vals = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(option, f"{text!r} is not a comma-separated list of numbers") from None
    if not vals:
        raise InputError(option, "give at least one number")
    return vals


@app.command(help=_HELP)
def overtake(
    site: str = typer.Option(None, help="Interceptor site LAT,LON (deg); default the first site of --scenario."),
    interceptor: str = typer.Option(None, help="Catalogue interceptor (jointshield catalogue --kind interceptor)."),
    interceptor_speed_km_s: float = typer.Option(None, help="Override of its burnout speed (km/s), by Isp scaling."),
    burn_time_s: float = typer.Option(None, help="Override of its total burn time (s)."),
    missile: str = typer.Option(..., help="Catalogue missile of the threat."),
    from_: str = typer.Option(..., "--from", help="Threat launch point LAT,LON (deg)."),
    to: str = typer.Option(..., help="Threat target LAT,LON (deg)."),
    commit_s: float = typer.Option(None, help="Earliest interceptor launch, s after the threat's launch "
                                              "(default: detection + delays + readiness)."),
    readiness_s: float = typer.Option(0.0, min=0, help="Site readiness (decision to launch, s) without --scenario."),
    radar: str = typer.Option(None, help="Radar site LAT,LON (deg) for the default commit time; default the site."),
    radar_type: str = typer.Option(None, help="Catalogue radar type of --radar (default notional-uhf-early-warning)."),
    scenario: str = typer.Option(None, help="Take the radars, Earth model and (without --site) the first "
                                            "interceptor site from this scenario."),
    earth: str = typer.Option(None, help=f"Earth model: {' | '.join(MODELS)} (default wgs84, or the scenario's)."),
    sweep: bool = typer.Option(False, help="Also sweep burnout speed and commit time; find the break-even values."),
    speeds: str = typer.Option("3,4,5,6,7,8,9", help="Burnout speeds (km/s) of --sweep, comma-separated."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path = typer.Option(None, help="Write a PNG of the verdict (and of the sweep)."),
    out: Path = typer.Option(None, help="Folder for overtake.json, overtake.png and the sweep's CSV tables."),
) -> None:
    from ..analysis import Architecture, Corridor, corridor_architecture, overtake_sweep
    from ..analysis import overtake as run_overtake
    from ..flight.catalogue import get_vehicle

    vehicle = get_vehicle(missile, kind="missile")
    a, b = parse_lat_lon(from_, "--from"), parse_lat_lon(to, "--to")
    if a == b:
        raise InputError("--to", "is the same point as --from; aim somewhere else")
    corridor = Corridor(vehicle, a, b)
    if earth is not None and earth not in MODELS:
        raise InputError("--earth", f"{earth!r} is not one of {', '.join(MODELS)}")
    if commit_s is not None and not (0 <= commit_s < 1e5):
        raise InputError("--commit-s", f"{commit_s:g} must be within 0..100000 s after the threat's launch")
    speed_list = _floats(speeds, "--speeds") if sweep else []
    if scenario is not None:
        from ..scenario import open_scenario
        from ..scenario.defense_schema import sites_from_scenario
        from ..scenario.truth import radar_arrays_from_scenario

        sc = open_scenario(scenario)
        model = earth_model(earth) if earth else sc.earth_model
        radars = radar_arrays_from_scenario(sc) if sc.sensors else None
        if site is None:
            if not sc.interceptor_sites:
                raise InputError("--site", "the scenario has no interceptor sites; give --site and --interceptor")
            from ..analysis.overtake import one_site

            sites = one_site(sites_from_scenario(sc), 0)
            if interceptor or interceptor_speed_km_s is not None or burn_time_s is not None:
                from ..defense import interceptor_type

                it = interceptor_type(interceptor or sites.types[0].name, burnout_speed_km_s=interceptor_speed_km_s,
                                      burn_time_s=burn_time_s, model=model)
                sites = one_site(sites, 0, it)
            arch = Architecture(sites, radars, model)
        else:
            if interceptor is None:
                raise InputError("--interceptor", "required with --site")
            lat, lon = parse_lat_lon(site, "--site")
            arch = Architecture.single_site(lat, lon, interceptor, burnout_speed_km_s=interceptor_speed_km_s,
                                            burn_time_s=burn_time_s, readiness_s=readiness_s, radars=radars,
                                            model=model)
    else:
        if site is None or interceptor is None:
            raise InputError("--site", "give --site LAT,LON and --interceptor NAME (or --scenario)")
        model = earth_model(earth or "wgs84")
        arch = corridor_architecture(parse_lat_lon(site, "--site"), interceptor, corridor,
                                     burnout_speed_km_s=interceptor_speed_km_s, burn_time_s=burn_time_s,
                                     readiness_s=readiness_s,
                                     radar_deg=parse_lat_lon(radar, "--radar") if radar else None,
                                     radar_type=radar_type, model=model)
    sw = None
    if sweep:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task("reach tables, one per burnout speed", total=None)
            sw = overtake_sweep(arch, corridor, commit_s=commit_s, speeds_km_s=speed_list,
                                burn_time_s=burn_time_s, refine_tol_km_s=0.25,
                                progress=lambda d, t: progress.update(task, completed=d, total=t))
        ov = sw.base
    else:
        with spinner("building the reach table (about 10 s the first time), aiming and flying the threat"):
            ov = run_overtake(arch, corridor, commit_s=commit_s)
    doc = ov.as_dict()
    doc["site_deg"] = [round(float(x), 4) for x in (arch.sites.lat_rad[0] * 57.29577951308232,
                                                     arch.sites.lon_rad[0] * 57.29577951308232)]
    doc["missile"] = vehicle.name
    doc["from_deg"], doc["to_deg"] = list(a), list(b)
    if sw is not None:
        doc["sweep"] = {k: v for k, v in sw.as_dict().items() if k != "base"}
    title = (f"{vehicle.name} {a[0]:g},{a[1]:g} → {b[0]:g},{b[1]:g}; {ov.interceptor['name']} at "
             f"{ov.interceptor['burnout_speed_km_s']:.2f} km/s from {doc['site_deg'][0]:g},{doc['site_deg'][1]:g}")
    if out is not None:
        from ..report._files import atomic_write
        from ..report.analysis_plot import write_csv

        out.mkdir(parents=True, exist_ok=True)
        with atomic_write(out / "overtake.json") as fh:
            fh.write(json.dumps(doc, indent=1).encode())
        if sw is not None:
            write_csv(out / "overtake_by_speed.csv", sw.table())
            write_csv(out / "overtake_by_commit.csv", sw.commit_table())
        if plot is None:
            plot = out / "overtake.png"
    if plot is not None:
        from ..report.analysis_plot import plot_overtake

        plot_overtake(plot, ov, sw, title)
        doc["plot"] = str(plot)
    if as_json:
        typer.echo(json.dumps(doc))
        return
    _print(doc, sw, title)


def _print(doc: dict, sw, title: str) -> None:
    console = Console()
    verdict = "[green]FEASIBLE[/]" if doc["feasible"] else "[red]NOT FEASIBLE[/]"
    m = doc["margin_s"]
    console.print(f"{title}\n{verdict}: margin " + ("never within reach" if m is None else f"{m:+.1f} s"))
    t = Table(show_header=False)
    for k in ("earliest_launch_s", "latest_launch_s", "earliest_intercept_s", "latest_intercept_s",
              "intercept_altitude_km", "closing_speed_km_s", "detection_s", "threat_burnout_s", "threat_apogee_km",
              "threat_flight_time_s"):
        v = doc.get(k)
        t.add_row(k, "—" if v is None else f"{v:,.1f}")
    console.print(t)
    if sw is not None:
        st = Table(title="margin by burnout speed")
        for col in ("km/s", "feasible", "margin (s)", "earliest intercept (s)", "altitude (km)"):
            st.add_column(col, justify="right")
        for r in sw.table():
            st.add_row(f"{r['burnout_speed_km_s']:g}", "yes" if r["feasible"] else "no",
                       "—" if r["margin_s"] is None else f"{r['margin_s']:+.0f}",
                       "—" if r["earliest_intercept_s"] is None else f"{r['earliest_intercept_s']:.0f}",
                       "—" if r["intercept_altitude_km"] is None else f"{r['intercept_altitude_km']:.0f}")
        console.print(st)
        be = sw.break_even_speed_km_s
        console.print("break-even burnout speed: " + ("—" if be is None else f"{be:.2f} km/s") +
                      "; break-even commit: " + ("—" if sw.break_even_commit_s is None else
                                                 f"{sw.break_even_commit_s:.0f} s after launch"))
        for n in sw.notes:
            console.print(f"note: {n}")
    if doc.get("plot"):
        console.print(f"plot: {doc['plot']}")
