"""The analyses `jointshield demo` adds to a run folder: ``FOLDER/analysis/`` and its ``manifest.json``.

For the scenario's architecture: the overtake verdict of every launch's corridor; the disputed corridor of
2007 (an ICBM from the Kozelsk field to Washington) against the scenario's first interceptor site at the
site's own burnout speed and at the 9 km/s claimed in 2007; a defended footprint against the scenario's
launch points; a reach map toward the first launch's target; and the capability statement (verifiable
with ``jointshield verify FOLDER/analysis/capability.json``). Each result is a PNG, a CSV and a JSON file;
the manifest lists them with captions for the report (:func:`jointshield.report.html.render_report`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..report._files import atomic_write

DISPUTE_LAUNCH_DEG = (53.97, 35.78)
"""The Kozelsk ICBM field (REFERENCES.md)."""
DISPUTE_TARGET_DEG = (38.90, -77.04)
"""Washington (REFERENCES.md)."""
CLAIMED_KM_S = 9.0
"""T. Postol's 2007 figure for the interceptor planned for Poland ("closer to 9 km/s")."""
GRID_STEP_DEG = 1.0
"""Grid step of the demo's footprint and reach map (the benchmark runs 0.5°)."""
GRID_MARGIN_DEG = 6.0


def _write_json(path: Path, doc) -> None:
    with atomic_write(path) as fh:
        fh.write(json.dumps(doc, indent=1).encode())


def _box(points: list[tuple[float, float]], margin: float) -> tuple[float, float, float, float]:
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    return (max(-85.0, min(lat) - margin), min(85.0, max(lat) + margin), max(-180.0, min(lon) - margin),
            min(180.0, max(lon) + margin))


def run_demo_analyses(sc, folder: Path, code_version: str, progress=None, *,
                      step_deg: float = GRID_STEP_DEG) -> list[dict]:
    """Run the analyses on scenario ``sc`` and write them under ``folder/analysis``; return the manifest.

    ``progress(description)`` is called before each step (for a progress line)."""
    from ..analysis import (
        DEFAULT_RADAR_TYPE,
        Architecture,
        Corridor,
        Grid,
        default_radar,
        footprint,
        overtake,
        reach_map,
    )
    from ..analysis.capability import capability_statement
    from ..analysis.overtake import one_site
    from ..report.analysis_plot import (
        footprint_rows,
        plot_capability,
        plot_footprint,
        plot_overtake,
        plot_reach_map,
        reach_map_rows,
        write_csv,
    )

    say = progress or (lambda _d: None)
    out = folder / "analysis"
    out.mkdir(parents=True, exist_ok=True)
    arch = Architecture.from_scenario(sc)
    say("reach tables")
    arch.tables()
    manifest = []

    # ---- overtake of each launch's corridor
    say("overtake of each corridor")
    rows = []
    for launch in sc.launches:
        a, b = sc.point(launch.from_), sc.point(launch.to)
        ov = overtake(arch, Corridor(sc.vehicle(launch.missile), (a.lat_deg, a.lon_deg), (b.lat_deg, b.lon_deg),
                                     launch.rcs_m2))
        d = ov.as_dict()
        rows.append({"launch": launch.id, "missile": launch.missile, **{k: d[k] for k in (
            "feasible", "margin_s", "earliest_intercept_s", "latest_intercept_s", "intercept_altitude_km",
            "closing_speed_km_s", "detection_s", "earliest_launch_s")}})
    write_csv(out / "corridors.csv", rows)
    _write_json(out / "corridors.json", rows)
    header = ["launch", "missile", "feasible", "margin_s", "earliest_intercept_s", "intercept_altitude_km",
              "closing_speed_km_s"]
    manifest.append({
        "title": "Can the architecture catch each threat? (overtake per corridor)",
        "text": ("For each launch of the scenario, flown alone: the earliest and latest intercept by the best site, "
                 "and the margin, how much later than the earliest possible launch (detection plus the kill "
                 "chain's delays) the interceptor could still launch and intercept (negative: infeasible). Times "
                 "in s after the threat's launch. This is the kinematic verdict without radar misses, tracking "
                 "or the agreed criteria; see docs/analysis.md."),
        "tables": [{"caption": "Overtake per corridor (analysis/corridors.csv)", "header": header,
                    "rows": [[_cell(r[h]) for h in header] for r in rows]}],
    })

    # ---- the disputed corridor at the site's speed and at the claimed 9 km/s
    say("the 2007 corridor")
    site0 = Architecture(one_site(arch.sites, 0), arch.radars, arch.model, arch.delays)
    lat0, lon0 = float(np.rad2deg(arch.sites.lat_rad[0])), float(np.rad2deg(arch.sites.lon_rad[0]))
    itype = arch.sites.types[0]
    claimed = Architecture.single_site(lat0, lon0, itype.name, burnout_speed_km_s=CLAIMED_KM_S,
                                       radars=arch.radars, model=arch.model, site_id=arch.sites.ids[0])
    corridor = Corridor(sc.vehicle("notional-icbm"), DISPUTE_LAUNCH_DEG, DISPUTE_TARGET_DEG)
    figs, dispute_rows = [], []
    radar_note = "the scenario's radars"
    try:
        overtake(site0, corridor)
    except InputError as exc:
        if exc.field != "--commit-s":
            raise
        # None of the scenario's radars sees this corridor (they face elsewhere): cue from the default
        # radar of `jointshield overtake`, an early-warning radar at the site facing the launch point.
        radars = default_radar(lat0, lon0, *DISPUTE_LAUNCH_DEG, arch.model)
        site0 = Architecture(site0.sites, radars, arch.model, arch.delays)
        claimed = Architecture(claimed.sites, radars, arch.model, arch.delays)
        radar_note = (f"a {DEFAULT_RADAR_TYPE} radar at the site facing the launch point (the scenario's radars "
                      "do not see this corridor)")
    for label, a_ in (("nominal", site0), (f"{CLAIMED_KM_S:g} km/s", claimed)):
        ov = overtake(a_, corridor)
        d = ov.as_dict()
        speed = d["interceptor"].get("burnout_speed_km_s")
        dispute_rows.append({"case": label, "burnout_speed_km_s": speed, **{k: d[k] for k in (
            "feasible", "margin_s", "earliest_intercept_s", "intercept_altitude_km", "closing_speed_km_s")}})
        stem = "dispute_" + ("nominal" if label == "nominal" else "claimed")
        plot_overtake(out / f"{stem}.png", ov, title=f"ICBM Kozelsk → Washington vs {arch.sites.ids[0]} at {label}"
                      + (f" ({speed:.2f} km/s)" if speed else ""))
        write_csv(out / f"{stem}.csv", [{"t_s": float(t), "alt_km": float(h),
                                        "latest_launch_s": None if not np.isfinite(lb) else float(lb)}
                                       for t, h, lb in zip(ov.t_s, ov.alt_km, ov.launch_by_s, strict=True)])
        figs.append({"title": f"The 2007 corridor at {label}", "png": f"{stem}.png", "csv": f"{stem}.csv",
                     "caption": ("Along the ICBM's path (altitude over time since its launch), the latest time the "
                                 f"interceptor at {arch.sites.ids[0]} could launch and still meet it there; it can "
                                 "intercept where that is later than its earliest launch. " + (
                                     "Feasible" if ov.feasible else "Infeasible")
                                 + (f", margin {ov.margin_s:+.0f} s." if ov.margin_s is not None else "."))})
    write_csv(out / "dispute.csv", dispute_rows)
    header = ["case", "burnout_speed_km_s", "feasible", "margin_s", "earliest_intercept_s", "intercept_altitude_km",
              "closing_speed_km_s"]
    manifest.append({
        "title": "The 2007 dispute: Russian ICBMs in a tail chase",
        "text": ("An ICBM from the Kozelsk field toward Washington against the first interceptor site, at its "
                 f"nominal burnout speed and at the {CLAIMED_KM_S:g} km/s claimed in 2007 against the US Missile "
                 f"Defense Agency's 6.3 km/s; detection by {radar_note}. `jointshield overtake --sweep` finds the "
                 "break-even speed."),
        "figures": figs,
        "tables": [{"caption": "The disputed corridor (analysis/dispute.csv)", "header": header,
                    "rows": [[_cell(r[h]) for h in header] for r in dispute_rows]}],
    })

    # ---- defended footprint against the scenario's launch points, per missile type of those launches
    launches = sorted({(sc.point(l_.from_).lat_deg, sc.point(l_.from_).lon_deg) for l_ in sc.launches})
    targets = [(sc.point(l_.to).lat_deg, sc.point(l_.to).lon_deg) for l_ in sc.launches]
    missile = sc.launches[0].missile
    say(f"defended footprint against {missile}")
    near = [t for t in targets if _distance_deg(t, targets[0]) < 40] or targets[:1]
    grid = Grid.box(*_box(near + [(lat0, lon0)], GRID_MARGIN_DEG), step_deg)
    fp = footprint(arch, sc.vehicle(missile), launches, grid)
    plot_footprint(out / "footprint.png", fp, arch, title=f"{sc.name}: targets defended against {missile}")
    write_csv(out / "footprint.csv", footprint_rows(fp))
    s = fp.summary()
    _write_json(out / "footprint.json", s)
    manifest.append({
        "title": "Defended footprint",
        "text": (f"Target points on a {step_deg:g}° grid coloured by the share of the scenario's launch points "
                 f"({', '.join(f'{a:.2f},{b:.2f}' for a, b in launches)}) whose {missile} aimed there the "
                 f"architecture can engage: {s['targets_defended']} of {s['targets_reached']} reachable targets "
                 f"defended against every launch point, {s['targets_partly_defended']} against some "
                 f"({s['seconds']:.0f} s, {s['points_per_s']:.0f} points/s)."),
        "figures": [{"title": "Defended footprint", "png": "footprint.png", "csv": "footprint.csv",
                     "caption": "Share of launch points engageable per target point; blank: beyond the missile's "
                                "range. Sites as triangles, launch points as red markers."}],
    })

    # ---- reach map toward the first launch's target
    say("reach map")
    tgt = targets[0]
    lgrid = Grid.box(*_box(launches, GRID_MARGIN_DEG + 4), step_deg)
    rm = reach_map(arch, sc.vehicle(missile), lgrid, [tgt])
    plot_reach_map(out / "reach.png", rm, arch, title=f"{sc.name}: launch points from which {missile} toward "
                   f"{tgt[0]:.2f},{tgt[1]:.2f} can be engaged")
    write_csv(out / "reach.csv", reach_map_rows(rm))
    rs = rm.summary()
    _write_json(out / "reach.json", rs)
    manifest.append({
        "title": "Reach map",
        "text": (f"Launch points on a {step_deg:g}° grid around the scenario's launch area: "
                 f"{rs['engageable_pairs']} of {rs['reachable_pairs']} points from which {missile} can fly to "
                 f"{tgt[0]:.2f},{tgt[1]:.2f} can be engaged ({rs['seconds']:.0f} s)."),
        "figures": [{"title": "Reach map", "png": "reach.png", "csv": "reach.csv",
                     "caption": "Launch points coloured by the best site's margin (s) where the missile can be "
                                "engaged; grey where it can fly to the target but cannot be engaged; blank where it "
                                "cannot reach the target."}],
    })

    # ---- capability statement
    say("capability statement")
    doc = capability_statement(sc, code_version=code_version, scenario_ref=str(folder / "scenario.yaml"))
    _write_json(out / "capability.json", doc)
    write_csv(out / "capability.csv", doc["rows"])
    plot_capability(out / "capability.png", doc)
    header = ["threat", "launch_region", "target_region", "pairs", "reachable", "engageable_fraction",
              "shots_available", "median_margin_s"]
    manifest.append({
        "title": "Capability statement",
        "text": (f"Threat class × launch region × target region: the share of (launch, target) pairs the "
                 f"architecture can engage and the interceptors available per threat. Scenario SHA-256 "
                 f"{doc['scenario_sha256']}, code {doc['code_version']}, seed {doc['seed']}, digest {doc['digest']}. "
                 "Check it with `jointshield verify analysis/capability.json` in this folder."),
        "figures": [{"title": "Capability statement", "png": "capability.png", "csv": "capability.csv",
                     "caption": "Share of pairs engageable per row, with the shots available."}],
        "tables": [{"caption": "Capability statement (analysis/capability.csv)", "header": header,
                    "rows": [[_cell(r.get(h)) for h in header] for r in doc["rows"]]}],
    })
    _write_json(out / "manifest.json", manifest)
    return manifest


def _distance_deg(a, b) -> float:
    return float(np.hypot(a[0] - b[0], (a[1] - b[1]) * np.cos(np.deg2rad((a[0] + b[0]) / 2))))


def _cell(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:,.3g}" if abs(x) < 10 else f"{x:,.0f}"
    return str(x)
