"""The files of a kill-chain run that the report (and other tools) read back: an adapter at the edge.

``write_run_files(folder, result, prepared)`` writes, beside ``result.json``:

- ``scenario.yaml``: the validated scenario as YAML (defaults omitted); it reloads to the same scenario;
- ``trajectories.csv``: the true path of every launch every :data:`TRAJECTORY_STEP_S` s, and its impact;
- ``tracks.csv``: one row per track update, birth and deletion (columns of
  :func:`~jointshield.report.tracking_files.write_tracks_csv`), labelled with the launch whose
  measurements the track used most;
- ``events.csv``: the event log (time, kind, object, details as JSON);
- ``shots.csv``: one row per interceptor shot;
- ``architecture.json``: the radars and interceptor sites with the ground reach of each site.

Every file is written atomically: a failed run leaves the files of an earlier run intact.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from ..defense.interceptor import reference_burnout_speed_m_s
from ..earth.frames import ecef_to_geodetic
from ._files import write_csv, write_text
from .tracking_files import write_tracks_csv

TRAJECTORY_STEP_S = 10.0
"""Sampling of the true paths in trajectories.csv (s); the impact point is always added."""

SHOT_COLUMNS = ("site", "track", "launch", "order", "look", "launch_s", "intercept_s", "alt_km", "closing_km_s",
                "state", "divert_needed_m_s", "miss_before_divert_m")


def scenario_yaml(scenario) -> str:
    """The validated scenario as YAML text that :func:`jointshield.scenario.parse_scenario` reads back."""
    doc = scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    doc.setdefault("version", 1)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def track_launch_labels(result) -> np.ndarray:
    """(R,) for each row of the track history, the index of the launch whose measurements that track used
    most, as the engine labels it (−1: a track of false alarms only)."""
    h = result.history
    if not len(h):
        return np.zeros(0, dtype=np.int64)
    tids, inverse = np.unique(h.track_id, return_inverse=True)
    per_track = np.array([-1 if result.track_launch.get(int(t)) is None else result.track_launch[int(t)]
                          for t in tids], dtype=np.int64)
    return per_track[inverse]


def write_run_files(folder: str | Path, result, prepared) -> dict[str, str]:
    """Write the files listed in the module docstring under ``folder``; return name -> path."""
    folder = Path(folder)
    sc, truth = result.scenario, result.truth
    model = sc.earth_model
    files: dict[str, str] = {}
    files["scenario"] = str(write_text(folder / "scenario.yaml", scenario_yaml(sc)))

    rows = []
    for o, lid in enumerate(truth.ids):
        ok = np.flatnonzero(~np.isnan(truth.r_ecef_m[o, :, 0]))
        keep = ok[np.isclose(np.mod(truth.t_s[ok] - truth.t_s[ok[0]], TRAJECTORY_STEP_S), 0.0, atol=1e-6)
                  | (ok == ok[-1])]
        lat, lon, alt = ecef_to_geodetic(truth.r_ecef_m[o, keep], model)
        rows += [[lid, f"{t:.1f}", f"{np.rad2deg(a):.5f}", f"{np.rad2deg(b):.5f}", f"{h / 1e3:.3f}"]
                 for t, a, b, h in zip(truth.t_s[keep], lat, lon, alt, strict=True)]
        rows.append([lid, f"{truth.impact_t_s[o]:.1f}", f"{truth.impact_lat_deg[o]:.5f}",
                     f"{truth.impact_lon_deg[o]:.5f}", "0.000"])
    files["trajectories"] = str(write_csv(folder / "trajectories.csv",
                                           ("launch", "t_s", "lat_deg", "lon_deg", "alt_km"), rows))

    radar_ids = prepared.radars.ids
    files["tracks"] = str(write_tracks_csv(folder / "tracks.csv", result.history, track_launch_labels(result),
                                           truth.ids, radar_ids))
    files["events"] = str(write_csv(
        folder / "events.csv", ("t_s", "kind", "object", "detail"),
        ([f"{e.t_s:.3f}", e.kind, e.object, json.dumps(e.detail, default=_plain)] for e in result.events)))
    files["shots"] = str(write_csv(
        folder / "shots.csv", SHOT_COLUMNS,
        ([s.get("site"), s.get("track"), _launch_name(result, s.get("track")), s.get("order"), s.get("look"),
          *(_num(s.get(k)) for k in ("launch_s", "intercept_s", "alt_km", "closing_km_s")), s.get("state"),
          _num(s.get("divert_needed_m_s")), _num(s.get("miss_before_divert_m"))] for s in result.shots)))

    sites = prepared.sites
    tables = sites.reach_tables(model)
    arch = {
        "scenario": sc.name,
        "earth": model.name,
        "radars": [{"id": s.id, "type": s.type if isinstance(s.type, str) else s.type.name,
                    "lat_deg": sc.point(s.site).lat_deg, "lon_deg": sc.point(s.site).lon_deg,
                    "boresight_az_deg": s.boresight_az_deg} for s in sc.sensors],
        "interceptor_sites": [{"id": sites.ids[i], "type": sites.types[i].name,
                               "lat_deg": float(np.rad2deg(sites.lat_rad[i])),
                               "lon_deg": float(np.rad2deg(sites.lon_rad[i])),
                               "inventory": int(sites.inventory[i]),
                               "burnout_speed_km_s": reference_burnout_speed_m_s(sites.types[i].vehicle, model) / 1e3,
                               "reach_rings": flyout_rings(tables[i])}
                              for i in range(len(sites))],
    }
    files["architecture"] = str(write_text(folder / "architecture.json", json.dumps(arch, indent=1)))
    return files


RING_FLYOUT_S = (300.0, 600.0, 900.0)
"""Fly-out times of the reach rings in architecture.json (s after the interceptor's launch)."""
RING_ALT_M = 300e3
"""Altitude of the reach rings (m), clipped into the interceptor's intercept band."""


def flyout_rings(table, flyout_s=RING_FLYOUT_S, alt_m: float = RING_ALT_M, n_azimuths: int = 72) -> list[dict]:
    """For each fly-out time T, the farthest ground range (km) per azimuth at which the kill vehicle can be
    at ``alt_m`` (clipped into the band) within T s of launch: the site's reach contours for a map."""
    alt = float(np.clip(alt_m, table.alt_m[0], table.alt_m[-1]))
    az = np.linspace(0.0, 2 * np.pi, n_azimuths, endpoint=False)
    rng = np.linspace(0.0, table.max_range_m, 400)
    t = table.lookup(az[:, None], rng[None, :], alt).time_s
    rings = []
    for limit in flyout_s:
        ok = np.isfinite(t) & (t <= limit)
        far = np.where(ok.any(axis=1), rng[np.argmax(np.where(ok, rng[None, :], -1.0), axis=1)], 0.0)
        rings.append({"flyout_s": limit, "alt_km": alt / 1e3, "azimuth_deg": np.rad2deg(az).round(2).tolist(),
                      "ground_range_km": (far / 1e3).round(1).tolist()})
    return rings


def _launch_name(result, track_id) -> str:
    o = result.track_launch.get(track_id)
    return "" if o is None else result.truth.ids[o]


def _num(x) -> str:
    return "" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{float(x):.6g}"


def _plain(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")
