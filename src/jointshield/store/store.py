"""The store: every read and write of the joint service. Each write method is one transaction that
first locks the ledger head (``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite),
applies the joint rules, writes its rows and appends its ledger entry; any refusal or crash rolls it all
back, so there is never half a proposal or a ledger gap."""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import json
import secrets
import threading
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from .. import joint
from ..errors import InputError
from ..joint import Architecture, Entry, Partner, Proposal
from ..joint.errors import Conflict, Forbidden, NotFound
from ..joint.ledger import GENESIS_HASH, canonical_json, digest, make_entry, public_key_b64
from ..joint.partners import check_partner_id
from . import schema as t
from . import tokens
from .db import database_url, make_engine, migrate


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(obj) -> str:
    return canonical_json(obj).decode()


def _partner(row) -> Partner:
    return Partner(row.id, row.name, row.country, row.role, base64.b64decode(row.public_key),
                   row.revoked_at is not None)


def _partner_dict(row) -> dict:
    return {"id": row.id, "name": row.name, "country": row.country, "role": row.role,
            "public_key": row.public_key, "created_at": row.created_at, "revoked_at": row.revoked_at}


def _entry(row) -> Entry:
    return Entry(row.ledger, row.seq, row.prev, row.time, row.partner, row.kind, json.loads(row.payload),
                 row.hash, row.signature)


class Store:
    """Open with :meth:`open` (runs the migrations). Thread-safe: one engine, a connection per call."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url
        self._tokens = tokens.Cache()
        # SQLite allows one writer: queue this process's writers on a lock instead of SQLite's busy handler,
        # which sleeps in steps of up to 100 ms. (Other processes still meet BEGIN IMMEDIATE's busy wait.)
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        url = database_url(url)
        engine = make_engine(url)
        try:
            migrate(engine)
        except Exception as exc:
            engine.dispose()
            if isinstance(exc, InputError):
                raise
            raise InputError("--db", f"cannot open {engine.url.render_as_string(hide_password=True)}: "
                             f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from None
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock, self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    def _head(self, conn: Connection) -> tuple[Entry | None, str]:
        """Lock the ledger head; return the last entry (None: empty) and the ledger id."""
        head = conn.execute(select(t.ledger_head).where(t.ledger_head.c.id == 1).with_for_update()).first()
        ledger_id = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "ledger_id")).scalar()
        if ledger_id is None:
            ledger_id = secrets.token_hex(16)
            conn.execute(insert(t.meta).values(key="ledger_id", value=ledger_id))
        if head is None:
            conn.execute(insert(t.ledger_head).values(id=1, seq=-1, hash=GENESIS_HASH, time=""))
            return None, ledger_id
        if head.seq < 0:
            return None, ledger_id
        row = conn.execute(select(t.ledger_entries).where(t.ledger_entries.c.seq == head.seq)).first()
        return _entry(row), ledger_id

    def _append(self, conn: Connection, partner_id: str, kind: str, payload: dict,
                key: Ed25519PrivateKey | None = None) -> Entry:
        prev, ledger_id = self._head(conn)
        if key is None:
            row = conn.execute(select(t.partners.c.private_key).where(t.partners.c.id == partner_id)).first()
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(row.private_key))
        when = max(now_iso(), prev.time if prev else "")
        e = make_entry(prev, ledger_id, partner_id, kind, payload, when, key)
        conn.execute(insert(t.ledger_entries).values(**{**e.body(), "payload": _json(e.payload)}, hash=e.hash,
                                                     signature=e.signature))
        conn.execute(update(t.ledger_head).where(t.ledger_head.c.id == 1).values(seq=e.seq, hash=e.hash, time=e.time))
        return e

    # -- partners -------------------------------------------------------------------------------------
    def add_partner(self, partner_id: str, name: str, country: str, role: str) -> tuple[dict, str]:
        """Register a partner with a fresh Ed25519 key and token; returns (partner, token). The token is
        shown once: only its hash is kept."""
        p = Partner(check_partner_id(partner_id), name, country, role)  # validates
        key = Ed25519PrivateKey.generate()
        token, token_id, salt, h = tokens.new_token()
        with self._write() as conn:
            self._head(conn)  # take the lock before the existence check
            if conn.execute(select(t.partners.c.id).where(t.partners.c.id == p.id)).first():
                raise Conflict(f"partner {p.id!r} exists already")
            created = now_iso()
            raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            conn.execute(insert(t.partners).values(
                id=p.id, name=p.name, country=p.country, role=p.role, token_id=token_id, token_salt=salt,
                token_hash=h, public_key=public_key_b64(key), private_key=base64.b64encode(raw).decode(),
                created_at=created))
            self._append(conn, p.id, "partner_added",
                         {"partner": {"id": p.id, "name": p.name, "country": p.country, "role": p.role},
                          "public_key": public_key_b64(key)}, key)
            row = conn.execute(select(t.partners).where(t.partners.c.id == p.id)).first()
        return _partner_dict(row), token

    def revoke_partner(self, partner_id: str) -> dict:
        with self._write() as conn:
            self._head(conn)
            row = conn.execute(select(t.partners).where(t.partners.c.id == partner_id)).first()
            if row is None:
                raise NotFound(f"no partner {partner_id!r}")
            if row.revoked_at is not None:
                raise Conflict(f"partner {partner_id!r} is revoked already")
            conn.execute(update(t.partners).where(t.partners.c.id == partner_id).values(revoked_at=now_iso()))
            self._append(conn, partner_id, "partner_revoked", {"partner": partner_id})
            row = conn.execute(select(t.partners).where(t.partners.c.id == partner_id)).first()
        self._tokens.drop(partner_id)
        return _partner_dict(row)

    def partners(self) -> list[dict]:
        with self._read() as conn:
            return [_partner_dict(r) for r in conn.execute(select(t.partners).order_by(t.partners.c.created_at))]

    def _partners(self, conn) -> list[Partner]:
        return [_partner(r) for r in conn.execute(select(t.partners))]

    def authenticate(self, token: str) -> Partner | None:
        """The partner a token belongs to, if it is valid and not revoked."""
        parts = tokens.split(token)
        if parts is None:
            return None
        with self._read() as conn:
            row = conn.execute(select(t.partners).where(t.partners.c.token_id == parts[0])).first()
        if row is None or row.revoked_at is not None:
            return None
        if self._tokens.get(token) != row.id:
            if not tokens.check(parts[1], row.token_salt, row.token_hash):
                return None
            self._tokens.put(token, row.id)
        return _partner(row)

    def _actor(self, conn, partner: Partner) -> Partner:
        """Re-read the acting partner inside the transaction: a revocation in between wins."""
        row = conn.execute(select(t.partners).where(t.partners.c.id == partner.id)).first()
        if row is None or row.revoked_at is not None:
            raise Forbidden(f"partner {partner.id!r} is revoked")
        return _partner(row)

    # -- architecture and proposals ---------------------------------------------------------------------
    def _architecture(self, conn) -> Architecture:
        row = conn.execute(select(t.architecture).where(t.architecture.c.id == 1)).first()
        return Architecture() if row is None else Architecture.from_dict(json.loads(row.document))

    def architecture(self) -> dict:
        with self._read() as conn:
            return self._architecture(conn).as_dict()

    def _proposal(self, conn, pid: int) -> Proposal:
        row = conn.execute(select(t.proposals).where(t.proposals.c.id == pid)).first()
        if row is None:
            raise NotFound(f"no proposal {pid}")
        ds = conn.execute(select(t.decisions).where(t.decisions.c.proposal_id == pid).order_by(t.decisions.c.id))
        return Proposal(row.id, row.author, joint.change_from_dict(json.loads(row.change)), row.status,
                        frozenset(json.loads(row.required)),
                        tuple(joint.Decision(d.partner, bool(d.approve), d.comment) for d in ds))

    def _visible(self, conn, viewer: Partner, pid: int) -> Proposal:
        p = self._proposal(conn, pid)
        if not p.visible_to(viewer.id):
            raise NotFound(f"no proposal {pid}")  # another's draft: as if it did not exist
        return p

    def proposals(self, viewer: Partner, status: str | None = None) -> list[dict]:
        with self._read() as conn:
            q = select(t.proposals.c.id).order_by(t.proposals.c.id)
            if status:
                q = q.where(t.proposals.c.status == status)
            out = []
            for (pid,) in conn.execute(q):
                p = self._proposal(conn, pid)
                if p.visible_to(viewer.id):
                    out.append(p.as_dict())
            return out

    def proposal(self, viewer: Partner, pid: int) -> dict:
        with self._read() as conn:
            return self._visible(conn, viewer, pid).as_dict()

    def _save_status(self, conn, p: Proposal) -> None:
        conn.execute(update(t.proposals).where(t.proposals.c.id == p.id).values(
            status=p.status, required=_json(sorted(p.required)), updated_at=now_iso()))

    def _check_evidence(self, conn, change) -> None:
        if change.op != "activate_site" or change.args.get("evidence_seq") is None:
            return
        row = conn.execute(select(t.ledger_entries).where(t.ledger_entries.c.seq == change.args["evidence_seq"])).first()
        if row is None or not joint.demonstrates_threat(row.kind, json.loads(row.payload)):
            raise Conflict(f"ledger entry {change.args['evidence_seq']} is not a published run that demonstrated "
                           "a threat (a run entry whose summary counts at least one threat)")

    def create_proposal(self, partner: Partner, change: dict, submit: bool = True) -> dict:
        ch = joint.change_from_dict(change)
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            if not me.may_propose:
                raise Forbidden(f"a partner with role {me.role!r} may not propose changes (operators and hosts may)")
            arch = self._architecture(conn)
            joint.proposals.check_applicable(ch, arch, self._partners(conn))
            when = now_iso()
            pid = conn.execute(insert(t.proposals).values(
                author=me.id, status="draft", change=_json(ch.as_dict()), required="[]", created_at=when,
                updated_at=when)).inserted_primary_key[0]
            p = Proposal(pid, me.id, ch)
            if submit:
                p = self._submit(conn, me, p, arch)
            return p.as_dict()

    def _submit(self, conn, me: Partner, p: Proposal, arch: Architecture) -> Proposal:
        self._check_evidence(conn, p.change)
        p = joint.submit(p, me, arch, self._partners(conn))
        self._save_status(conn, p)
        self._append(conn, me.id, "proposal_submitted",
                     {"proposal": p.id, "change": p.change.as_dict(), "required": sorted(p.required)})
        return p

    def submit_proposal(self, partner: Partner, pid: int) -> dict:
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            p = self._visible(conn, me, pid)
            return self._submit(conn, me, p, self._architecture(conn)).as_dict()

    def withdraw_proposal(self, partner: Partner, pid: int) -> dict:
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            p = joint.withdraw(self._visible(conn, me, pid), me)
            self._save_status(conn, p)
            self._append(conn, me.id, "proposal_withdrawn", {"proposal": p.id})
            return p.as_dict()

    def decide_proposal(self, partner: Partner, pid: int, approve: bool, comment: str = "") -> dict:
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            p = joint.decide(self._visible(conn, me, pid), me, approve, comment)
            e = self._append(conn, me.id, "proposal_decided",
                             {"proposal": p.id, "approve": bool(approve), "comment": comment, "status": p.status})
            conn.execute(insert(t.decisions).values(proposal_id=p.id, partner=me.id, approve=bool(approve),
                                                    comment=comment, ledger_seq=e.seq))
            if p.status == "approved":
                arch = self._architecture(conn)
                joint.proposals.check_applicable(p.change, arch, self._partners(conn))
                new = joint.apply_change(arch, p.change)
                doc = new.as_dict()
                if conn.execute(select(t.architecture.c.id).where(t.architecture.c.id == 1)).first() is None:
                    conn.execute(insert(t.architecture).values(id=1, version=new.version, document=_json(doc)))
                else:
                    conn.execute(update(t.architecture).where(t.architecture.c.id == 1).values(
                        version=new.version, document=_json(doc)))
                self._append(conn, me.id, "architecture_changed",
                             {"proposal": p.id, "version": new.version, "architecture_digest": digest(doc)})
            self._save_status(conn, p)
            return p.as_dict()

    # -- notifications --------------------------------------------------------------------------------
    def file_notification(self, partner: Partner, doc: dict) -> dict:
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            filed = _dt.datetime.now(_dt.UTC)
            n = joint.Notification.from_dict(doc, me.id, filed)
            d = n.as_dict()
            nid = conn.execute(insert(t.notifications).values(partner=me.id, document=_json(d), filed_at=d["filed_at"],
                                                              ledger_seq=-1)).inserted_primary_key[0]
            e = self._append(conn, me.id, "notification", {"notification": nid, **d})
            conn.execute(update(t.notifications).where(t.notifications.c.id == nid).values(ledger_seq=e.seq))
            return {"id": nid, **d, "ledger_seq": e.seq}

    def notifications(self, limit: int = 100, after: int = 0) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(select(t.notifications).where(t.notifications.c.id > after)
                                .order_by(t.notifications.c.id).limit(limit))
            return [{"id": r.id, **json.loads(r.document), "ledger_seq": r.ledger_seq} for r in rows]

    def count(self, table: str) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.metadata.tables[table])).scalar())

    # -- runs -----------------------------------------------------------------------------------------
    def create_run(self, partner: Partner, request: dict) -> dict:
        with self._write() as conn:
            me = self._actor(conn, partner)
            rid = conn.execute(insert(t.runs).values(partner=me.id, status="queued", progress=0.0,
                                                     request=_json(request), created_at=now_iso())
                               ).inserted_primary_key[0]
            return self._run_dict(conn.execute(select(t.runs).where(t.runs.c.id == rid)).first())

    def run_progress(self, rid: int, progress: float, status: str = "running") -> None:
        with self._write() as conn:
            conn.execute(update(t.runs).where(t.runs.c.id == rid).values(progress=float(progress), status=status))

    def finish_run(self, rid: int, result: dict | None, error: str | None = None) -> dict:
        """Store a run's result and publish it in the ledger (its digest and summary), in one transaction;
        or mark it failed."""
        with self._write() as conn:
            self._head(conn)
            row = conn.execute(select(t.runs).where(t.runs.c.id == rid)).first()
            if error is not None:
                conn.execute(update(t.runs).where(t.runs.c.id == rid).values(
                    status="failed", error=error, finished_at=now_iso()))
            else:
                req = json.loads(row.request)
                e = self._append(conn, row.partner, "run", {
                    "run": rid, "request": req, "result_digest": digest(result),
                    "summary": result.get("summary", {}), "seed": result.get("seed")})
                conn.execute(update(t.runs).where(t.runs.c.id == rid).values(
                    status="done", progress=1.0, result=_json(result), finished_at=now_iso(), ledger_seq=e.seq))
            return self._run_dict(conn.execute(select(t.runs).where(t.runs.c.id == rid)).first(), with_result=True)

    def fail_unfinished_runs(self) -> int:
        """Runs left queued or running by a server that stopped are marked failed (at start-up)."""
        with self._write() as conn:
            r = conn.execute(update(t.runs).where(t.runs.c.status.in_(("queued", "running"))).values(
                status="failed", error="the server stopped before the run finished", finished_at=now_iso()))
            return r.rowcount

    @staticmethod
    def _run_dict(row, with_result: bool = False) -> dict:
        d = {"id": row.id, "partner": row.partner, "status": row.status, "progress": row.progress,
             "request": json.loads(row.request), "error": row.error, "created_at": row.created_at,
             "finished_at": row.finished_at, "ledger_seq": row.ledger_seq}
        if with_result:
            d["result"] = None if row.result is None else json.loads(row.result)
        return d

    def run(self, rid: int) -> dict:
        with self._read() as conn:
            row = conn.execute(select(t.runs).where(t.runs.c.id == rid)).first()
            if row is None:
                raise NotFound(f"no run {rid}")
            return self._run_dict(row, with_result=True)

    def runs(self, limit: int = 100) -> list[dict]:
        with self._read() as conn:
            return [self._run_dict(r) for r in conn.execute(select(t.runs).order_by(t.runs.c.id.desc()).limit(limit))]

    # -- capability statements ------------------------------------------------------------------------
    def publish_statement(self, partner: Partner, title: str, document: dict) -> dict:
        if not isinstance(document, dict) or not document:
            raise InputError("document", "must be a non-empty JSON object (the capability statement)")
        if not isinstance(title, str) or not 1 <= len(title) <= 200:
            raise InputError("title", "must be 1-200 characters")
        with self._write() as conn:
            self._head(conn)
            me = self._actor(conn, partner)
            if not me.may_publish:
                raise Forbidden(f"a partner with role {me.role!r} may not publish capability statements "
                                "(operators and hosts may)")
            dg = digest(document)
            when = now_iso()
            sid = conn.execute(insert(t.statements).values(partner=me.id, title=title, document=_json(document),
                                                           digest=dg, created_at=when, ledger_seq=-1)
                               ).inserted_primary_key[0]
            e = self._append(conn, me.id, "statement", {"statement": sid, "title": title, "digest": dg})
            conn.execute(update(t.statements).where(t.statements.c.id == sid).values(ledger_seq=e.seq))
            return {"id": sid, "partner": me.id, "title": title, "digest": dg, "created_at": when,
                    "ledger_seq": e.seq, "document": document}

    def statements(self) -> list[dict]:
        with self._read() as conn:
            return [{"id": r.id, "partner": r.partner, "title": r.title, "digest": r.digest,
                     "created_at": r.created_at, "ledger_seq": r.ledger_seq}
                    for r in conn.execute(select(t.statements).order_by(t.statements.c.id))]

    def statement(self, sid: int) -> dict:
        with self._read() as conn:
            r = conn.execute(select(t.statements).where(t.statements.c.id == sid)).first()
            if r is None:
                raise NotFound(f"no statement {sid}")
            entry = conn.execute(select(t.ledger_entries).where(t.ledger_entries.c.seq == r.ledger_seq)).first()
            return {"id": r.id, "partner": r.partner, "title": r.title, "digest": r.digest,
                    "created_at": r.created_at, "ledger_seq": r.ledger_seq, "document": json.loads(r.document),
                    "ledger_entry": _entry(entry).as_dict()}

    # -- ledger ---------------------------------------------------------------------------------------
    def entries(self, after: int = -1, limit: int | None = None) -> list[Entry]:
        with self._read() as conn:
            q = select(t.ledger_entries).where(t.ledger_entries.c.seq > after).order_by(t.ledger_entries.c.seq)
            if limit is not None:
                q = q.limit(limit)
            return [_entry(r) for r in conn.execute(q)]

    def verify(self) -> joint.Verification:
        with self._read() as conn:
            ledger_id = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "ledger_id")).scalar()
            head = conn.execute(select(t.ledger_head)).first()
            entries = [_entry(r) for r in conn.execute(select(t.ledger_entries).order_by(t.ledger_entries.c.seq))]
        v = joint.verify_entries(entries, ledger_id=ledger_id)
        if v.ok and head is not None and head.seq >= 0 and (head.seq != len(entries) - 1 or head.hash != v.head):
            return joint.Verification(False, len(entries), min(head.seq, len(entries)),
                                      f"entry {min(head.seq, len(entries))}: the ledger ends before its recorded "
                                      f"head (seq {head.seq}): entries were removed", v.head)
        return v

    def export(self) -> dict:
        with self._read() as conn:
            ledger_id = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "ledger_id")).scalar()
            entries = [_entry(r).as_dict() for r in conn.execute(select(t.ledger_entries).order_by(t.ledger_entries.c.seq))]
        return {"format": "jointshield-ledger", "version": 1, "ledger": ledger_id,
                "head": entries[-1]["hash"] if entries else GENESIS_HASH, "entries": entries}

    def picture(self, limit: int = 50) -> dict:
        """The shared picture every partner sees alike: architecture, partners, pending proposals, recent
        notifications, runs and statements, and the ledger head."""
        with self._read() as conn:
            arch = self._architecture(conn).as_dict()
            head = conn.execute(select(t.ledger_head)).first()
            pending = conn.execute(select(t.proposals.c.id).where(t.proposals.c.status == "pending")
                                   .order_by(t.proposals.c.id)).scalars().all()
            notes = [{"id": r.id, **json.loads(r.document)} for r in conn.execute(
                select(t.notifications).order_by(t.notifications.c.id.desc()).limit(limit))]
            runs = [self._run_dict(r) for r in conn.execute(select(t.runs).order_by(t.runs.c.id.desc()).limit(limit))]
            stmts = [{"id": r.id, "partner": r.partner, "title": r.title, "digest": r.digest}
                     for r in conn.execute(select(t.statements).order_by(t.statements.c.id.desc()).limit(limit))]
            partners = [{"id": r.id, "country": r.country, "role": r.role, "revoked": r.revoked_at is not None}
                        for r in conn.execute(select(t.partners).order_by(t.partners.c.id))]
        return {"architecture": arch, "partners": partners, "pending_proposals": list(pending),
                "notifications": notes, "runs": runs, "statements": stmts,
                "ledger_head": {"seq": head.seq, "hash": head.hash} if head else {"seq": -1, "hash": GENESIS_HASH}}
