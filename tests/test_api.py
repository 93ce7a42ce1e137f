"""The HTTP API: the authorisation matrix (every role x every endpoint), JSON errors, runs as background
jobs, statements, the ledger over HTTP, and refused requests that leave no partial write."""

import time

import pytest
from fastapi.testclient import TestClient

from joint_fixtures import NOTE, Service

# Who acts: an operator (US), the host of the site (PL), the host of another country (CZ), an observer
# (EU), a revoked partner and nobody.
ROLES = ["operator", "host", "other_host", "observer", "revoked", "anonymous"]
WHO = {"operator": "us", "host": "pl", "other_host": "cz", "observer": "eu", "revoked": "xx", "anonymous": None}
PROPOSAL = {"change": {"op": "set_inventory", "site_id": "redzikowo", "inventory": 7}}
STATEMENT = {"title": "defended footprint", "document": {"covers": ["PL", "CZ"], "version": 1}}

# (method, path (with {pending}, {draft}, ...), body, expected status per role in ROLES order)
A, N, F, U = 200, 404, 403, 401
MATRIX = [
    ("GET", "/partners", None, [A, A, A, A, U, U]),
    ("GET", "/partners/me", None, [A, A, A, A, U, U]),
    ("GET", "/picture", None, [A, A, A, A, U, U]),
    ("GET", "/architecture", None, [A, A, A, A, U, U]),
    ("GET", "/proposals", None, [A, A, A, A, U, U]),
    ("POST", "/proposals", PROPOSAL, [201, 201, 201, F, U, U]),
    ("GET", "/proposals/{pending}", None, [A, A, A, A, U, U]),
    ("GET", "/proposals/{draft}", None, [N, A, N, N, U, U]),  # PL's draft: PL only
    ("POST", "/proposals/{draft}/submit", None, [N, A, N, N, U, U]),
    ("POST", "/proposals/{pending}/approve", {"comment": "ok"}, [F, A, F, F, U, U]),  # only PL approves for PL
    ("POST", "/proposals/{pending}/reject", {"comment": "no"}, [F, A, F, F, U, U]),
    ("POST", "/proposals/{pending}/withdraw", None, [A, F, F, F, U, U]),  # the author (US) only
    ("GET", "/notifications", None, [A, A, A, A, U, U]),
    ("POST", "/notifications", NOTE, [201, 201, 201, 201, U, U]),
    ("GET", "/runs", None, [A, A, A, A, U, U]),
    ("POST", "/runs", {"scenario": "engagement-demo"}, [202, 202, 202, 202, U, U]),
    ("GET", "/runs/{run}", None, [A, A, A, A, U, U]),
    ("GET", "/statements", None, [A, A, A, A, U, U]),
    ("POST", "/statements", STATEMENT, [201, 201, 201, F, U, U]),
    ("GET", "/statements/{statement}", None, [A, A, A, A, U, U]),
    ("GET", "/ledger", None, [A, A, A, A, U, U]),
    ("GET", "/ledger/verify", None, [A, A, A, A, U, U]),
    ("GET", "/ledger/export", None, [A, A, A, A, U, U]),
]
CASES = [(m, p, b, role, codes[i]) for m, p, b, codes in MATRIX for i, role in enumerate(ROLES)]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    s = Service(f"sqlite:///{tmp_path_factory.mktemp('api')}/api.db")
    with TestClient(s.app) as client:
        s.client = client
        yield s
    s.store.close()


def test_matrix_covers_every_endpoint(service):
    routes = {(m, r.path.replace("{pid}", "{pending}").replace("{rid}", "{run}").replace("{sid}", "{statement}"))
              for r in service.app.routes if hasattr(r, "methods") and not r.path.startswith(("/docs", "/redoc",
                                                                                              "/openapi"))
              for m in r.methods if m != "HEAD"}
    covered = {(m, p.replace("{draft}", "{pending}")) for m, p, _, _ in MATRIX}
    assert routes == covered


@pytest.mark.parametrize("method, path, body, role, expected", CASES,
                         ids=[f"{m} {p} as {r}" for m, p, _, r, _ in CASES])
def test_authorisation_matrix(service, method, path, body, role, expected):
    s = service
    ids = {"pending": s.pending() if "{pending}" in path else 0, "draft": s.draft() if "{draft}" in path else 0,
           "run": s.run() if "{run}" in path else 0, "statement": s.statement() if "{statement}" in path else 0}
    s.app.state.jobs.drain()  # earlier cases' runs have finished
    before = s.store.count("ledger_entries")
    r = s.client.request(method, path.format(**ids), json=body, headers=s.headers(WHO[role]))
    assert r.status_code == expected, r.text
    assert r.headers["content-type"].startswith("application/json")
    if expected >= 400:
        err = r.json()["error"]
        assert err["status"] == expected and err["message"]
        s.app.state.jobs.drain()
        assert s.store.count("ledger_entries") == before  # a refusal writes nothing
    if expected == 401:
        assert r.headers.get("www-authenticate") == "Bearer"


def test_json_errors_name_the_field(service):
    s = service
    h = s.headers("us")
    r = s.client.post("/proposals", json={"change": {"op": "set_inventory", "site_id": "redzikowo", "inventory": -3}},
                      headers=h)
    assert r.status_code == 422 and r.json()["error"]["field"] == "change.inventory"
    r = s.client.post("/notifications", json={**NOTE, "launch_area": {"lat_deg": 95, "lon_deg": 0, "radius_km": 5}},
                      headers=h)
    assert r.status_code == 422 and "launch_area.lat_deg" in r.json()["error"]["field"]
    r = s.client.post("/notifications", json={**NOTE, "window_start": "tomorrow"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["field"] == "window_start"
    assert s.client.get("/proposals/99999", headers=h).status_code == 404
    assert s.client.get("/nowhere", headers=h).json()["error"]["status"] == 404
    r = s.client.post("/runs", json={"scenario": "nope"}, headers=h)
    assert r.status_code == 422 and "engagement-demo" in r.json()["error"]["message"]
    r = s.client.post("/runs", json={}, headers=h)
    assert r.status_code == 422
    pid = s.pending()
    s.client.post(f"/proposals/{pid}/approve", headers=s.headers("pl"))
    r = s.client.post(f"/proposals/{pid}/approve", headers=s.headers("pl"))
    assert r.status_code == 409 and "approved" in r.json()["error"]["message"]
    r = s.client.get("/partners", headers={"Authorization": "Bearer js_0000000000000000_nope"})
    assert r.status_code == 401


def test_a_rejected_request_leaves_no_partial_write(service):
    s = service
    tables = ("proposals", "decisions", "notifications", "statements", "ledger_entries", "runs")
    s.app.state.jobs.drain()
    before = {t: s.store.count(t) for t in tables}
    bad = [("POST", "/proposals", {"change": {"op": "add_site", "site": {"id": "x"}}}, "us"),
           ("POST", "/proposals", {"change": {"op": "add_site", "site": {**_site("y"), "host_country": "RO"}}}, "us"),
           ("POST", "/notifications", {**NOTE, "window_end": "2020-01-01T00:00:00Z"}, "ru"),
           ("POST", "/statements", {"title": "", "document": {}}, "us"),
           ("POST", "/runs", {"scenario": "engagement-demo", "scenario_yaml": "x"}, "us")]
    for method, path, body, who in bad:
        r = s.client.request(method, path, json=body, headers=s.headers(who))
        assert 400 <= r.status_code < 500, (path, r.text)
    assert {t: s.store.count(t) for t in tables} == before
    assert s.store.verify().ok


def _site(sid):
    return {"id": sid, "kind": "radar", "host_country": "CZ", "lat_deg": 49.65, "lon_deg": 13.83,
            "type": "notional-xband-tracking"}


def test_runs_are_background_jobs_with_progress_and_a_ledger_entry(service):
    s = service
    h = s.headers("ru")
    r = s.client.post("/runs", json={"scenario": "engagement-demo", "seed": 3}, headers=h)
    assert r.status_code == 202 and r.json()["status"] == "queued"
    rid = r.json()["id"]
    for _ in range(200):
        run = s.client.get(f"/runs/{rid}", headers=h).json()
        if run["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert run["status"] == "done" and run["progress"] == 1.0, run
    assert run["result"]["summary"]["threats"] == 1
    entry = s.client.get("/ledger", params={"after": run["ledger_seq"] - 1, "limit": 1}, headers=h).json()[0]
    assert entry["kind"] == "run" and entry["partner"] == "ru" and entry["payload"]["run"] == rid
    from jointshield.joint import digest

    assert entry["payload"]["result_digest"] == digest(run["result"])
    # The published run is the evidence an activation needs under the 2007 rule.
    p = s.client.post("/proposals", json={"change": {"op": "activate_site", "site_id": "redzikowo",
                                                     "evidence_seq": run["ledger_seq"]}}, headers=s.headers("pl"))
    assert p.status_code == 201 and p.json()["required"] == ["pl", "ru", "us"]


def test_statements_are_stored_served_and_in_the_ledger(service):
    s = service
    doc = {"architecture_version": 1, "defended": [{"area": "warsaw", "p_no_leaker": 0.9}]}
    r = s.client.post("/statements", json={"title": "capability 2008", "document": doc}, headers=s.headers("pl"))
    assert r.status_code == 201
    got = s.client.get(f"/statements/{r.json()['id']}", headers=s.headers("ru")).json()
    assert got["document"] == doc and got["ledger_entry"]["kind"] == "statement"
    assert got["ledger_entry"]["payload"]["digest"] == got["digest"]
    v = s.client.get("/ledger/verify", headers=s.headers("eu")).json()
    assert v["ok"] and v["first_bad"] is None


def test_export_verifies_offline(service):
    from jointshield.joint import verify_entries

    doc = service.client.get("/ledger/export", headers=service.headers("eu")).json()
    assert doc["format"] == "jointshield-ledger" and verify_entries(doc["entries"], ledger_id=doc["ledger"]).ok
    assert doc["head"] == doc["entries"][-1]["hash"]


def test_picture_is_the_same_for_every_partner(service):
    s = service
    pics = [s.client.get("/picture", headers=s.headers(p)).json() for p in ("us", "ru", "eu", "pl", "cz")]
    assert all(p == pics[0] for p in pics)
