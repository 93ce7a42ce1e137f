"""The ledger: an append-only, hash-chained log of every decision and published result, each entry signed
with the Ed25519 key of the partner that made it.

An entry's *body* is ``{"ledger", "seq", "prev", "time", "partner", "kind", "payload"}``:

- ``ledger``: the ledger's id (a random hex string fixed by its first entry), so that an entry copied
  from another ledger does not verify here;
- ``seq``: 0, 1, 2, ... without gaps; ``prev``: the hash of entry ``seq - 1`` (64 zeros for entry 0);
- ``time``: UTC, ISO 8601 with microseconds (``2008-03-01T12:00:00.000000Z``), never decreasing;
- ``partner``: the id of the partner that signs; ``kind``: what happened; ``payload``: its JSON details.

``hash = SHA-256(b"jointshield-ledger-v1\\x00" + canonical_json(body))`` (hex) and ``signature =
Ed25519(partner's key, bytes.fromhex(hash))`` (RFC 8032, base64). Canonical JSON: UTF-8, keys sorted,
no white space, no NaN or infinity, strings as Python's ``json`` writes them with ``ensure_ascii=False``
(see docs/joint.md).

Keys travel in the ledger: a ``partner_added`` entry carries the new partner's public key and is signed by
it (proof of possession); a ``partner_revoked`` entry ends that key's validity. An outside partner who
pins the keys (``trusted_keys``) or the head hash it saw earlier also detects a ledger rewritten
wholesale with fresh keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS_HASH = "0" * 64
DOMAIN_TAG = b"jointshield-ledger-v1\x00"
KINDS = ("partner_added", "partner_revoked", "proposal_submitted", "proposal_decided",
         "proposal_withdrawn", "architecture_changed", "notification", "run", "statement")
BODY_KEYS = ("ledger", "seq", "prev", "time", "partner", "kind", "payload")


def _check_floats(obj: Any) -> None:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError("canonical JSON has no NaN or infinity")
    if isinstance(obj, dict):
        for v in obj.values():
            _check_floats(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _check_floats(v)


def canonical_json(obj: Any) -> bytes:
    """The one byte string that ``obj`` hashes and signs as: UTF-8, sorted keys, no spaces."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def digest(obj: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``obj``: how a run result or a statement is referenced."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def entry_hash(body: dict) -> str:
    return hashlib.sha256(DOMAIN_TAG + canonical_json(body)).hexdigest()


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(pub.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


@dataclass(frozen=True)
class Entry:
    ledger: str
    seq: int
    prev: str
    time: str
    partner: str
    kind: str
    payload: dict
    hash: str
    signature: str

    def body(self) -> dict:
        return {k: getattr(self, k) for k in BODY_KEYS}

    def as_dict(self) -> dict:
        return {**self.body(), "hash": self.hash, "signature": self.signature}

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        missing = [k for k in (*BODY_KEYS, "hash", "signature") if k not in d]
        if missing:
            raise ValueError(f"ledger entry lacks {', '.join(missing)}")
        return cls(**{k: d[k] for k in (*BODY_KEYS, "hash", "signature")})


def make_entry(prev: Entry | None, ledger_id: str, partner: str, kind: str, payload: dict, time: str,
               key: Ed25519PrivateKey) -> Entry:
    """The entry after ``prev`` (None: the first), hashed and signed with ``key``."""
    if kind not in KINDS:
        raise ValueError(f"ledger kind {kind!r} is not one of {', '.join(KINDS)}")
    _check_floats(payload)
    body = {"ledger": ledger_id, "seq": 0 if prev is None else prev.seq + 1,
            "prev": GENESIS_HASH if prev is None else prev.hash, "time": time, "partner": partner,
            "kind": kind, "payload": payload}
    h = entry_hash(body)
    sig = base64.b64encode(key.sign(bytes.fromhex(h))).decode()
    return Entry(**body, hash=h, signature=sig)


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify_entries`. ``first_bad``: position (= expected seq) of the first entry that
    fails, with ``reason``; None when all verify. ``head``: hash of the last good entry."""

    ok: bool
    entries: int
    first_bad: int | None = None
    reason: str = ""
    head: str = GENESIS_HASH

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "first_bad": self.first_bad, "reason": self.reason,
                "head": self.head}


def _load_key(b64: Any) -> Ed25519PublicKey:
    raw = base64.b64decode(b64, validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_entries(entries: list[Entry | dict], trusted_keys: dict[str, str] | None = None,
                   ledger_id: str | None = None) -> Verification:
    """Check the chain, every hash and every signature, in order; name the first bad entry.

    Detects an edited entry (its hash no longer matches its body, or the re-computed hash no longer
    matches the next entry's ``prev`` or the signature), a removed or reordered entry (``seq`` or
    ``prev`` out of line), a forged signature, a replayed entry (``seq``/``prev``/``ledger`` out of place),
    a signer unknown at that point or revoked before it. ``trusted_keys`` (partner id -> base64 public
    key) pins keys: a ``partner_added`` entry with another key fails.
    """
    prev_hash = GENESIS_HASH
    prev_time = ""
    keys: dict[str, Ed25519PublicKey] = {}
    revoked: set[str] = set()
    n = len(entries)
    for i, raw in enumerate(entries):
        def bad(reason: str, i=i, head=prev_hash) -> Verification:
            return Verification(False, n, i, f"entry {i}: {reason}", head)

        try:
            e = raw if isinstance(raw, Entry) else Entry.from_dict(raw)
        except (ValueError, TypeError) as exc:
            return bad(f"malformed ({exc})")
        if not isinstance(e.seq, int) or isinstance(e.seq, bool) or e.seq != i:
            return bad(f"seq is {e.seq!r}, expected {i} (an entry was removed, reordered or replayed)")
        if ledger_id is None:
            ledger_id = e.ledger
        if e.ledger != ledger_id:
            return bad(f"belongs to ledger {e.ledger!r}, not {ledger_id!r} (replayed from another ledger)")
        if e.prev != prev_hash:
            return bad("prev does not match the hash of the entry before it (removed, reordered or edited)")
        try:
            h = entry_hash(e.body())
        except (TypeError, ValueError) as exc:
            return bad(f"body cannot be encoded ({exc})")
        if h != e.hash:
            return bad("hash does not match its body (the entry was edited)")
        if not isinstance(e.time, str) or e.time < prev_time:
            return bad("time goes backwards")
        if e.kind == "partner_added":
            try:
                key_b64 = e.payload["public_key"]
                key = _load_key(key_b64)
            except (KeyError, TypeError, ValueError) as exc:
                return bad(f"partner_added without a valid public key ({exc})")
            if e.payload.get("partner", {}).get("id") != e.partner:
                return bad("partner_added names another partner than its signer")
            if e.partner in keys or e.partner in revoked:
                return bad(f"partner {e.partner!r} was added already (replayed)")
            if trusted_keys is not None and trusted_keys.get(e.partner) not in (None, key_b64):
                return bad(f"key of partner {e.partner!r} differs from the pinned key")
        else:
            if e.partner in revoked:
                return bad(f"signed by {e.partner!r} after its revocation")
            key = keys.get(e.partner)
            if key is None:
                return bad(f"signed by {e.partner!r}, not a partner at that point")
        try:
            key.verify(base64.b64decode(e.signature, validate=True), bytes.fromhex(e.hash))
        except (InvalidSignature, ValueError, TypeError):
            return bad(f"signature does not verify with {e.partner!r}'s key (forged)")
        if e.kind == "partner_added":
            keys[e.partner] = key
        elif e.kind == "partner_revoked":
            target = e.payload.get("partner")
            if target != e.partner:
                return bad("partner_revoked must be signed by the key it revokes")
            revoked.add(e.partner)
            keys.pop(e.partner, None)
        prev_hash, prev_time = e.hash, e.time
    return Verification(True, n, None, "", prev_hash)
