"""A raid scenario for the kill-chain benchmarks: 100 missiles, 3 radars, 2 interceptor sites, ~30 minutes.

Launch points spread over two notional launch areas in Iran, aimed at eight European capitals, launched
over 10 minutes; radars at Gabala (UHF early warning), Armavir (UHF early warning) and Brdy (X-band);
interceptor sites at Redzikowo and a notional southern site. Coordinates from REFERENCES.md or public
city centres (approximate). Deterministic: the layout depends only on the seed below.
"""

from __future__ import annotations

import numpy as np
import yaml

from jointshield.scenario import parse_scenario

TARGETS = {"warsaw": (52.23, 21.01), "berlin": (52.52, 13.40), "prague": (50.08, 14.44),
           "vienna": (48.21, 16.37), "budapest": (47.50, 19.04), "bucharest": (44.43, 26.10),
           "sofia": (42.70, 23.32), "athens": (37.98, 23.73)}
LAUNCH_AREAS = {"semnan": (35.23, 53.92), "tabriz": (38.08, 46.29)}


def raid_scenario(n: int = 100, seed: int = 2008):
    rng = np.random.default_rng(seed)
    names = list(TARGETS)
    launches = []
    for i in range(n):
        area = list(LAUNCH_AREAS)[i % 2]
        lat, lon = LAUNCH_AREAS[area]
        launches.append({
            "id": f"R{i:03d}", "missile": "notional-irbm",
            "from": {"lat_deg": round(lat + rng.uniform(-0.8, 0.8), 3), "lon_deg": round(lon + rng.uniform(-0.8, 0.8), 3)},
            "to": names[i % len(names)], "time_s": round(float(rng.uniform(0, 600)), 1),
            "trajectory": {"shape": "minimum-energy"}})
    doc = {
        "version": 1, "name": f"raid {n}", "epoch": "2008-03-01T12:00:00Z", "seed": 1, "earth": "wgs84",
        "places": {**{k: {"lat_deg": v[0], "lon_deg": v[1]} for k, v in TARGETS.items()},
                   "gabala": {"lat_deg": 40.87, "lon_deg": 47.80}, "armavir": {"lat_deg": 44.92, "lon_deg": 40.98},
                   "brdy": {"lat_deg": 49.65, "lon_deg": 13.83}, "redzikowo": {"lat_deg": 54.48, "lon_deg": 17.10},
                   "south": {"lat_deg": 44.08, "lon_deg": 24.40}},
        "sensors": [
            {"id": "ewr-gabala", "type": "notional-uhf-early-warning", "site": "gabala", "boresight_az_deg": 180},
            {"id": "ewr-armavir", "type": "notional-uhf-early-warning", "site": "armavir", "boresight_az_deg": 150},
            {"id": "xband-brdy", "type": "notional-xband-tracking", "site": "brdy", "boresight_az_deg": 115}],
        "interceptor_sites": [
            {"id": "redzikowo", "place": "redzikowo", "type": "notional-interceptor-7kms", "inventory": 10,
             "readiness_s": 30, "launch_interval_s": 10, "pk": 0.7},
            {"id": "south", "place": "south", "type": "notional-interceptor-4p5kms", "inventory": 24,
             "readiness_s": 30, "launch_interval_s": 5, "pk": 0.7}],
        "launches": launches,
    }
    return parse_scenario(yaml.safe_dump(doc, sort_keys=False), f"raid-{n}")
