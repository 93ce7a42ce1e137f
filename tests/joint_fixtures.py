"""A joint service with five partners (and a revoked one), a site, and a fake kill chain, for the API tests."""

from __future__ import annotations

import time

from jointshield.api import create_app
from jointshield.store import Store

SITE = {"id": "redzikowo", "kind": "interceptor", "host_country": "PL", "lat_deg": 54.48, "lon_deg": 17.10,
        "type": "notional-interceptor-7kms", "inventory": 10}
NOTE = {"window_start": "2030-01-10T06:00:00Z", "window_end": "2030-01-10T08:00:00Z",
        "launch_area": {"lat_deg": 35.2, "lon_deg": 53.9, "radius_km": 50},
        "impact_area": {"lat_deg": 52.2, "lon_deg": 21.0, "radius_km": 100}, "range_km": 2800}
PARTNERS = [("us", "United States", "US", "operator"), ("ru", "Russia", "RU", "operator"),
            ("eu", "European Union", "EU", "observer"), ("pl", "Poland", "PL", "host"),
            ("cz", "Czech Republic", "CZ", "host"), ("xx", "Revoked", "XX", "operator")]


def fake_simulator(request, progress, workers=1):
    """Stands in for the kill chain (minutes on a busy machine): one threat, intercepted."""
    progress(0.5)
    time.sleep(0.05)
    return {"scenario": request.get("scenario", "inline"), "seed": request.get("seed", 7),
            "summary": {"launches": 1, "threats": 1, "engaged": 1, "intercepted": 1, "leakers": 0,
                        "interceptors_fired": 1}, "events": []}


class Service:
    def __init__(self, url: str):
        self.store = Store.open(url)
        self.tokens, self.partners = {}, {}
        for pid, name, country, role in PARTNERS:
            _, token = self.store.add_partner(pid, name, country, role)
            self.tokens[pid] = token
            self.partners[pid] = self.store.authenticate(token)
        self.store.revoke_partner("xx")
        p = self.store.create_proposal(self.partners["us"], {"op": "add_site", "site": SITE})
        self.store.decide_proposal(self.partners["pl"], p["id"], True)
        self.app = create_app(self.store, simulator=fake_simulator)

    def headers(self, pid: str | None) -> dict:
        return {} if pid is None else {"Authorization": f"Bearer {self.tokens[pid]}"}

    # Fresh objects for one request each.
    def pending(self, author="us") -> int:
        return self.store.create_proposal(self.partners[author], {"op": "set_inventory", "site_id": "redzikowo",
                                                                  "inventory": 9})["id"]

    def draft(self, author="pl") -> int:
        return self.store.create_proposal(self.partners[author], {"op": "set_inventory", "site_id": "redzikowo",
                                                                  "inventory": 8}, submit=False)["id"]

    def statement(self) -> int:
        return self.store.publish_statement(self.partners["us"], "reach", {"covers": ["PL"]})["id"]

    def run(self) -> int:
        return self.store.create_run(self.partners["us"], {"scenario": "engagement-demo"})["id"]
