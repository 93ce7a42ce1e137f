"""The store on SQLite and on a real PostgreSQL server: migrations equal the tables, the joint rules
through the store, every write one transaction (a refusal or a crash leaves nothing), concurrent writers
leave a gap-free ledger."""

import threading

import pytest

from jointshield.joint import Conflict, Forbidden, NotFound
from jointshield.store import Store, database_url
from jointshield.store import schema as t
from pg_server import postgres_url

SITE = {"id": "redzikowo", "kind": "interceptor", "host_country": "PL", "lat_deg": 54.48, "lon_deg": 17.10,
        "type": "notional-interceptor-7kms", "inventory": 10}
NOTE = {"window_start": "2030-01-10T06:00:00Z", "window_end": "2030-01-10T08:00:00Z",
        "launch_area": {"lat_deg": 35.2, "lon_deg": 53.9, "radius_km": 50},
        "impact_area": {"lat_deg": 52.2, "lon_deg": 21.0, "radius_km": 100}, "range_km": 2800}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path}/js.db" if request.param == "sqlite" else postgres_url()
    s = Store.open(url)
    yield s
    s.close()


def _partners(store):
    out = {}
    for pid, name, country, role in [("us", "United States", "US", "operator"), ("ru", "Russia", "RU", "operator"),
                                     ("eu", "European Union", "EU", "observer"), ("pl", "Poland", "PL", "host"),
                                     ("cz", "Czech Republic", "CZ", "host")]:
        _, token = store.add_partner(pid, name, country, role)
        out[pid] = store.authenticate(token)
    return out


def test_migrations_match_the_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert diff == []
    Store.open(store.url).close()  # opening again is a no-op upgrade


def test_default_url_and_bad_urls(monkeypatch):
    from jointshield.errors import InputError

    monkeypatch.delenv("JOINTSHIELD_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///jointshield.db"
    monkeypatch.setenv("JOINTSHIELD_DATABASE_URL", "postgresql://u@localhost/js")
    assert database_url() == "postgresql+psycopg://u@localhost/js"
    with pytest.raises(InputError, match="not supported"):
        database_url("mysql://x/y")
    with pytest.raises(InputError, match="not a database URL"):
        database_url("::nonsense::")


def test_sqlite_file_is_in_wal_mode(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path}/w.db")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()


def test_tokens_are_stored_hashed_and_revocation_ends_them(store):
    _, token = store.add_partner("pl", "Poland", "PL", "host")
    with store.engine.connect() as conn:
        row = conn.execute(t.partners.select()).first()
    assert token not in str(tuple(row)) and token.split("_", 2)[2] not in str(tuple(row))
    assert store.authenticate(token).id == "pl"
    assert store.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.authenticate("nonsense") is None
    store.revoke_partner("pl")
    assert store.authenticate(token) is None
    with pytest.raises(Conflict):
        store.revoke_partner("pl")
    with pytest.raises(Conflict):
        store.add_partner("pl", "Poland", "PL", "host")
    assert store.verify().ok


def test_proposal_flow_and_ledger(store):
    P = _partners(store)
    with pytest.raises(Forbidden):
        store.create_proposal(P["eu"], {"op": "add_site", "site": SITE})
    prop = store.create_proposal(P["us"], {"op": "add_site", "site": SITE})
    assert prop["required"] == ["pl"]
    with pytest.raises(Forbidden):
        store.decide_proposal(P["cz"], prop["id"], True)  # CZ cannot approve for Poland
    assert store.decide_proposal(P["pl"], prop["id"], True)["status"] == "approved"
    assert store.architecture()["sites"][0]["id"] == "redzikowo"
    draft = store.create_proposal(P["pl"], {"op": "set_inventory", "site_id": "redzikowo", "inventory": 4},
                                  submit=False)
    assert [p["id"] for p in store.proposals(P["us"])] == [prop["id"]]  # drafts are private
    with pytest.raises(NotFound):
        store.proposal(P["us"], draft["id"])
    store.submit_proposal(P["pl"], draft["id"])
    assert store.decide_proposal(P["pl"], draft["id"], False, "not now")["status"] == "rejected"
    assert store.architecture()["sites"][0]["inventory"] == 10
    # Activation under the 2007 rule needs a run that demonstrated a threat.
    with pytest.raises(Conflict, match="demonstrated"):
        store.create_proposal(P["pl"], {"op": "activate_site", "site_id": "redzikowo", "evidence_seq": 0})
    run = store.create_run(P["ru"], {"scenario": "engagement-demo"})
    done = store.finish_run(run["id"], {"seed": 7, "summary": {"threats": 2}})
    act = store.create_proposal(P["pl"], {"op": "activate_site", "site_id": "redzikowo",
                                          "evidence_seq": done["ledger_seq"]})
    assert act["required"] == ["pl", "ru", "us"]
    for pid in ("pl", "ru", "us"):
        last = store.decide_proposal(P[pid], act["id"], True)
    assert last["status"] == "approved" and store.architecture()["sites"][0]["active"]
    v = store.verify()
    assert v.ok, v.reason
    kinds = [e.kind for e in store.entries()]
    assert kinds.count("partner_added") == 5 and kinds.count("architecture_changed") == 2
    assert "run" in kinds and kinds.count("proposal_decided") == 5


def test_a_refused_or_crashed_write_leaves_nothing(store, monkeypatch):
    P = _partners(store)
    before = {name: store.count(name) for name in ("proposals", "decisions", "ledger_entries", "notifications")}
    with pytest.raises(Forbidden):
        store.create_proposal(P["eu"], {"op": "add_site", "site": SITE})
    prop = store.create_proposal(P["us"], {"op": "add_site", "site": SITE})
    before = {name: store.count(name) for name in ("proposals", "decisions", "ledger_entries", "notifications",
                                                   "architecture")}

    original = Store._append

    def crash(self, conn, partner_id, kind, payload, key=None):
        if kind == "architecture_changed":  # after the decision row and its entry were written
            raise RuntimeError("power cut")
        return original(self, conn, partner_id, kind, payload, key)

    monkeypatch.setattr(Store, "_append", crash)
    with pytest.raises(RuntimeError):
        store.decide_proposal(P["pl"], prop["id"], True)
    monkeypatch.setattr(Store, "_append", original)
    after = {name: store.count(name) for name in before}
    assert after == before
    assert store.proposal(P["us"], prop["id"])["status"] == "pending"
    assert store.verify().ok
    assert store.decide_proposal(P["pl"], prop["id"], True)["status"] == "approved"
    assert store.verify().ok


def test_concurrent_writers_leave_a_gap_free_ledger(store):
    P = _partners(store)
    n_threads, per = 6, 8
    errors = []

    def work(pid):
        try:
            for _ in range(per):
                store.file_notification(P[pid], NOTE)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(pid,)) for pid in ("us", "ru", "eu", "pl", "cz", "us")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert store.count("notifications") == n_threads * per
    entries = store.entries()
    assert [e.seq for e in entries] == list(range(len(entries)))
    assert store.verify().ok


def test_verify_names_a_row_edited_in_the_database(store):
    P = _partners(store)
    store.file_notification(P["ru"], NOTE)
    from sqlalchemy import delete, update

    with store.engine.begin() as conn:
        conn.execute(update(t.ledger_entries).where(t.ledger_entries.c.seq == 2).values(partner="us"))
    v = store.verify()
    assert not v.ok and v.first_bad == 2
    with store.engine.begin() as conn:
        conn.execute(delete(t.ledger_entries).where(t.ledger_entries.c.seq == 5))  # the last entry
    # (entry 2 is still the first bad one)
    assert store.verify().first_bad == 2
