"""The self-contained HTML report of a run folder: ``render_report(folder)`` -> ``folder/report.html``.

It reads only files (those of :mod:`.run_files`, ``result.json``, ``monte_carlo.json`` when present, and
``analysis/manifest.json`` when the analyses were run), so that ``jointshield report RESULT_DIR`` rebuilds
the report of an earlier run without running anything. Every figure is written as a PNG under
``folder/figures/`` with the numbers behind it as a CSV beside it, and embedded in the HTML (base64) with
its caption; the HTML needs no network and no other file to be read.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np

from .. import __version__
from ..errors import InputError
from ._files import atomic_write, write_csv
from .maps import auto_extent
from .run_plots import plot_architecture, plot_engagements, plot_monte_carlo, plot_timeline

COVERAGE_ALT_KM = 300.0
"""Altitude of the radar-coverage picture (km): a missile in midcourse."""
COVERAGE_RCS_M2 = 0.01
"""Cross-section of the radar-coverage picture (m²): warhead-sized."""


FIRED = ("hit", "miss", "launched")
"""Shot states of an interceptor that left its silo (the others were planned and not needed or not possible)."""


@dataclass(frozen=True)
class FigureEntry:
    """One figure of the report: a PNG, its caption and the CSV of the numbers behind it."""

    title: str
    caption: str
    png: Path
    csv: Path | None = None


@dataclass(frozen=True)
class TableEntry:
    """A table shown in the HTML (the same numbers are in a CSV of the section)."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    text: str = ""
    figures: list[FigureEntry] = field(default_factory=list)
    tables: list[TableEntry] = field(default_factory=list)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


_LABEL = re.compile(r"\(([^()]+)\)$")


def launch_of(obj: str, ids: list[str]) -> str | None:
    """The launch an event's object names: ``IR1`` or ``track 17 (IR1)``; None for a site or a false track."""
    if obj in ids:
        return obj
    m = _LABEL.search(obj)
    return m.group(1) if m and m.group(1) in ids else None


def outcomes(ids: list[str], events: list[dict], shots: list[dict]) -> list[dict]:
    """Per launch: first detection, firm track, verdict, shots, intercept and impact times, and the outcome
    (intercepted; leaked: a threat that reached its impact; impact: not classed a threat)."""
    rows = {i: {"launch": i, "first_detection_s": None, "firm_track_s": None, "verdict": None, "classified_s": None,
                "shots": 0, "intercept_s": None, "impact_s": None} for i in ids}
    for e in events:
        lid = launch_of(e["object"], ids)
        if lid is None:
            continue
        r, t = rows[lid], float(e["t_s"])
        kind = e["kind"]
        if kind == "first_detection" and r["first_detection_s"] is None:
            r["first_detection_s"] = t
        elif kind == "firm_track" and r["firm_track_s"] is None:
            r["firm_track_s"] = t
        elif kind == "classified" and r["verdict"] != "threat":
            r["verdict"], r["classified_s"] = e.get("verdict"), t
        elif kind == "intercept" and r["intercept_s"] is None:
            r["intercept_s"] = t
        elif kind == "impact":
            r["impact_s"] = t
    for s in shots:
        if s.get("launch") in rows and s.get("state", "hit") in FIRED:
            rows[s["launch"]]["shots"] += 1
    for r in rows.values():
        r["outcome"] = ("intercepted" if r["intercept_s"] is not None
                        else "leaked" if r["verdict"] == "threat" else "impact, not a threat")
    return list(rows.values())


def _fmt(x, spec: str = ",.0f") -> str:
    return "—" if x is None or x == "" else format(float(x), spec)


def _paths(rows: list[dict], key: str) -> dict[str, dict[str, np.ndarray]]:
    out: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        d = out.setdefault(r[key], {"t_s": [], "lat_deg": [], "lon_deg": [], "alt_km": []})
        for k in d:
            d[k].append(float(r[k]))
    return {k: {c: np.asarray(v) for c, v in d.items()} for k, d in out.items()}


def _architecture_section(folder: Path, fig_dir: Path, arch: dict, scenario, paths) -> Section:
    from ..earth.geodesy import destination
    from ..earth.regions import CircleRegion
    from ..scenario.criteria_schema import regions_from_scenario
    from ..scenario.truth import radar_arrays_from_scenario
    from ..sensors.coverage import coverage

    model = scenario.earth_model
    az = np.linspace(0.0, 2 * np.pi, 181)
    rings, ring_rows = [], []
    for s in arch["interceptor_sites"]:
        for ring in s["reach_rings"]:
            ring_az = np.deg2rad(np.append(ring["azimuth_deg"], ring["azimuth_deg"][0]))
            ring_km = np.append(ring["ground_range_km"], ring["ground_range_km"][0])
            lat, lon = destination(np.deg2rad(s["lat_deg"]), np.deg2rad(s["lon_deg"]), ring_az, ring_km * 1e3, model)
            rings.append((f"{s['id']} {ring['flyout_s']:g} s", np.rad2deg(lat), np.rad2deg(lon)))
            ring_rows += [[s["id"], f"{ring['flyout_s']:g}", f"{ring['alt_km']:g}", f"{a:g}", f"{r:g}"]
                          for a, r in zip(ring["azimuth_deg"], ring["ground_range_km"], strict=True)]
    areas = []
    for name, region in regions_from_scenario(scenario).items():
        if isinstance(region, CircleRegion):
            lat, lon = destination(region.lat_rad, region.lon_rad, az, region.radius_m, model)
        else:
            lat, lon = np.append(region.lat_rad, region.lat_rad[0]), np.append(region.lon_rad, region.lon_rad[0])
        areas.append((name, np.rad2deg(lat), np.rad2deg(lon)))
    traj = [(k, p["lat_deg"], p["lon_deg"]) for k, p in paths.items()]
    points = [(r["lat_deg"], r["lon_deg"]) for r in arch["radars"] + arch["interceptor_sites"]]
    lats = np.concatenate([np.array([p[0] for p in points])] + [t[1] for t in traj])
    lons = np.concatenate([np.array([p[1] for p in points])] + [t[2] for t in traj])
    extent = auto_extent(lons, lats)
    grid_lat = np.linspace(max(-89.5, extent[2]), min(89.5, extent[3]), 151)
    grid_lon = np.linspace(extent[0], extent[1], 241)
    masks = (coverage(radar_arrays_from_scenario(scenario), grid_lat, grid_lon, COVERAGE_ALT_KM * 1e3,
                      COVERAGE_RCS_M2) if arch["radars"] else np.zeros((0, grid_lat.size, grid_lon.size), bool))
    png = plot_architecture(fig_dir / "architecture.png", radars=arch["radars"], sites=arch["interceptor_sites"],
                            reach_rings=rings, coverage_lat_deg=grid_lat, coverage_lon_deg=grid_lon,
                            coverage_masks=masks, areas=areas, trajectories=traj, coverage_alt_km=COVERAGE_ALT_KM,
                            coverage_rcs_m2=COVERAGE_RCS_M2, title=scenario.name, extent=extent)
    write_csv(fig_dir / "reach_rings.csv", ["site", "flyout_s", "alt_km", "azimuth_deg", "ground_range_km"],
               ring_rows)
    header = ["element", "id", "type", "lat_deg", "lon_deg", "detail"]
    rows = [["radar", r["id"], r["type"], f"{r['lat_deg']:.3f}", f"{r['lon_deg']:.3f}",
             "" if r["boresight_az_deg"] is None else f"boresight {r['boresight_az_deg']:g}°"] for r in arch["radars"]]
    rows += [["interceptor site", s["id"], s["type"], f"{s['lat_deg']:.3f}", f"{s['lon_deg']:.3f}",
              f"inventory {s['inventory']}, burnout {s['burnout_speed_km_s']:.2f} km/s, reach at "
              + ", ".join(f"{r['flyout_s']:g} s: {max(r['ground_range_km']):,.0f} km" for r in s["reach_rings"])]
             for s in arch["interceptor_sites"]]
    csv_path = write_csv(fig_dir / "architecture.csv", header, rows)
    caption = (f"The architecture of {scenario.name}: radar coverage at {COVERAGE_ALT_KM:g} km altitude against a "
               f"{COVERAGE_RCS_M2:g} m² (warhead-sized) target, where the target is above the radar's horizon, "
               "inside its field of regard and detected with the reference probability; interceptor sites with the "
               "ground range their kill vehicle reaches at 300 km altitude (or the nearest altitude of its "
               "intercept band) within 300, 600 and 900 s of launch (dashed; the numbers are in "
               "figures/reach_rings.csv); the regions named by the threat criteria; the threats' ground tracks.")
    return Section("Architecture", figures=[FigureEntry("Architecture", caption, png, csv_path)],
                   tables=[TableEntry("Radars and interceptor sites", header, rows)])


def render_report(folder: str | Path, *, title: str | None = None) -> Path:
    """Write ``folder/report.html`` (and ``folder/figures/``) from the files of a run folder; return its path.

    Raises :class:`~jointshield.errors.InputError` when the folder lacks ``result.json`` or the run files.
    """
    from ..scenario import parse_scenario

    folder = Path(folder)
    need = ["result.json", "scenario.yaml", "architecture.json", "trajectories.csv", "events.csv", "shots.csv",
            "tracks.csv"]
    missing = [n for n in need if not (folder / n).is_file()]
    if missing:
        raise InputError("RESULT_DIR", f"{str(folder)!r} has no {', '.join(missing)}; write a run folder with "
                         "`jointshield run SCENARIO --out DIR` first")
    result = json.loads((folder / "result.json").read_text("utf-8"))
    scenario_text = (folder / "scenario.yaml").read_text("utf-8")
    scenario = parse_scenario(scenario_text, str(folder / "scenario.yaml"))
    arch = json.loads((folder / "architecture.json").read_text("utf-8"))
    fig_dir = folder / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    ids = [launch.id for launch in scenario.launches]
    paths = _paths(_read_csv(folder / "trajectories.csv"), "launch")
    events = [{"t_s": r["t_s"], "kind": r["kind"], "object": r["object"], **json.loads(r["detail"] or "{}")}
              for r in _read_csv(folder / "events.csv")]
    shots = _read_csv(folder / "shots.csv")
    track_rows = [r for r in _read_csv(folder / "tracks.csv") if r["status"] == "firm"]

    sections = [_architecture_section(folder, fig_dir, arch, scenario, paths)]

    # ---- engagements: trajectories, tracks, intercepts, impacts, outcomes
    outs = outcomes(ids, events, shots)
    intercepts, impacts = [], []
    for o in outs:
        p = paths.get(o["launch"])
        if p is None:
            continue
        if o["intercept_s"] is not None:
            t = o["intercept_s"]
            intercepts.append((o["launch"], t, float(np.interp(t, p["t_s"], p["lat_deg"])),
                               float(np.interp(t, p["t_s"], p["lon_deg"])), float(np.interp(t, p["t_s"], p["alt_km"]))))
        else:
            impacts.append((o["launch"], float(p["lat_deg"][-1]), float(p["lon_deg"][-1]), o["verdict"] == "threat"))
    track_pts = [("tracks", np.array([float(r["lat_deg"]) for r in track_rows]),
                  np.array([float(r["lon_deg"]) for r in track_rows]))]
    png = plot_engagements(fig_dir / "engagements.png",
                           trajectories=[(k, p["t_s"], p["lat_deg"], p["lon_deg"], p["alt_km"]) for k, p in paths.items()],
                           tracks=track_pts, intercepts=intercepts, impacts=impacts,
                           title=f"{scenario.name}, seed {result['seed']}")
    header = ["launch", "missile", "from", "to", "first_detection_s", "firm_track_s", "verdict", "classified_s",
              "shots", "intercept_s", "impact_s", "outcome"]
    launch_by_id = {launch.id: launch for launch in scenario.launches}

    def place(ref) -> str:
        return ref if isinstance(ref, str) else f"{ref.lat_deg:.2f},{ref.lon_deg:.2f}"

    rows = [[o["launch"], launch_by_id[o["launch"]].missile, place(launch_by_id[o["launch"]].from_),
             place(launch_by_id[o["launch"]].to), _fmt(o["first_detection_s"]), _fmt(o["firm_track_s"]),
             o["verdict"] or "—", _fmt(o["classified_s"]), str(o["shots"]), _fmt(o["intercept_s"]),
             _fmt(o["impact_s"]), o["outcome"]] for o in outs]
    csv_path = write_csv(fig_dir / "outcomes.csv", header, rows)
    s = result["summary"]
    sections.append(Section(
        "Trajectories, tracks and engagements",
        text=(f"{s['launches']} launches, {s['threats']} classed threats by the agreed criteria, {s['engaged']} "
              f"engaged, {s['intercepted']} intercepted, {s['leakers']} leakers, {s['interceptors_fired']} "
              "interceptors fired (one run, seed " f"{result['seed']})."),
        figures=[FigureEntry("Engagements", "True ground tracks of the launches with the tracker's firm-track "
                             "estimates (dots), the intercept points (stars) and the impacts (red: a threat that "
                             "leaked; grey: not classed a threat); right, altitude over time.", png, csv_path)],
        tables=[TableEntry("Outcome per launch (times in s after the epoch)", header, rows)]))

    # ---- timeline
    tl = [(float(e["t_s"]), e["kind"], ids.index(lid)) for e in events
          if (lid := launch_of(e["object"], ids)) is not None]
    tl += [(float(sh["launch_s"]), "interceptor_launched", ids.index(sh["launch"])) for sh in shots
           if sh.get("launch") in ids and sh.get("state") in FIRED]
    png = plot_timeline(fig_dir / "timeline.png", launch_ids=ids, events=tl,
                        title=f"{scenario.name}: the event timeline, one row per launch")
    csv_path = write_csv(fig_dir / "timeline.csv", ["t_s", "kind", "object", "detail"],
                          [[e["t_s"], e["kind"], e["object"],
                            json.dumps({k: v for k, v in e.items() if k not in ("t_s", "kind", "object")})]
                           for e in events])
    sections.append(Section("Event timeline", figures=[FigureEntry(
        "Timeline", "Each launch's events: launch, first detection, firm track, threat classification, interceptor "
        "launches at it, intercepts, misses and impact (time after the epoch). The full log is the CSV.",
        png, csv_path)]))

    # ---- Monte Carlo
    mc_path = folder / "monte_carlo.json"
    if mc_path.is_file():
        mc = json.loads(mc_path.read_text("utf-8"))
        figs, tables = [], []
        pt = mc["per_threat"]
        if pt:
            png = plot_monte_carlo(fig_dir / "mc_per_threat.png", labels=[r["id"] for r in pt],
                                   p=[r["p_intercepted"] for r in pt], ci95=[tuple(r["ci95"]) for r in pt],
                                   xlabel="probability of interception", title=f"{mc['runs']} runs, seed {mc['seed']}")
            header = ["launch", "p_classified_threat", "p_intercepted", "ci95_low", "ci95_high"]
            rows = [[r["id"], f"{r['p_classified_threat']:.3f}", f"{r['p_intercepted']:.3f}", f"{r['ci95'][0]:.3f}",
                     f"{r['ci95'][1]:.3f}"] for r in pt]
            figs.append(FigureEntry("Probability of interception per launch",
                                    "Fraction of Monte Carlo runs in which each launch was intercepted, with its 95% "
                                    "Wilson interval.", png, write_csv(fig_dir / "mc_per_threat.csv", header, rows)))
            tables.append(TableEntry("Per launch", header, rows))
        pa = mc["per_defended_area"]
        if pa:
            png = plot_monte_carlo(fig_dir / "mc_per_area.png", labels=[r["area"] for r in pa],
                                   p=[r["p_no_leaker"] for r in pa], ci95=[tuple(r["ci95"]) for r in pa],
                                   xlabel="probability of no leaker", title=f"{mc['runs']} runs, seed {mc['seed']}")
            header = ["area", "missiles_aimed", "p_no_leaker", "ci95_low", "ci95_high"]
            rows = [[r["area"], str(r["missiles_aimed"]), f"{r['p_no_leaker']:.3f}", f"{r['ci95'][0]:.3f}",
                     f"{r['ci95'][1]:.3f}"] for r in pa]
            figs.append(FigureEntry("Probability of no leaker per defended area",
                                    "Fraction of runs in which no missile aimed at the area leaked, with its 95% "
                                    "Wilson interval.", png, write_csv(fig_dir / "mc_per_area.csv", header, rows)))
            tables.append(TableEntry("Per defended area", header, rows))
        sections.append(Section("Monte Carlo", text=f"{mc['runs']} runs from seed {mc['seed']}; mean interceptors "
                                f"fired per run {mc['mean_interceptors_fired']:.2f}.", figures=figs, tables=tables))

    # ---- analyses written beside the run (jointshield demo), each with its own PNG, caption and CSV
    manifest = folder / "analysis" / "manifest.json"
    if manifest.is_file():
        for sec in json.loads(manifest.read_text("utf-8")):
            sections.append(Section(
                sec["title"], text=sec.get("text", ""),
                figures=[FigureEntry(f["title"], f["caption"], folder / "analysis" / f["png"],
                                     folder / "analysis" / f["csv"] if f.get("csv") else None)
                         for f in sec.get("figures", [])],
                tables=[TableEntry(t["caption"], t["header"], t["rows"]) for t in sec.get("tables", [])]))

    meta = {
        "scenario": scenario.name,
        "description": scenario.description,
        "epoch": scenario.epoch.isoformat(),
        "earth": scenario.earth,
        "seed": result["seed"],
        "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
        "code_version": __version__,
        "criteria": scenario.agreed_criteria or "—",
    }
    page = _template().render(title=title or f"jointshield report: {scenario.name}", meta=meta, sections=sections,
                              img=lambda p: _data_uri(p), rel=lambda p: Path(p).relative_to(folder).as_posix())
    out = folder / "report.html"
    with atomic_write(out) as fh:
        fh.write(page.encode("utf-8"))
    return out


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _template() -> jinja2.Template:
    text = resources.files("jointshield.report").joinpath("templates", "report.html.j2").read_text("utf-8")
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined)
    env.filters["e"] = html.escape
    return env.from_string(text)
