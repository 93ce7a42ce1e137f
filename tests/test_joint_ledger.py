"""The ledger: a chain that verifies, and every kind of tampering detected at the right entry."""

import base64
import copy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jointshield.joint import canonical_json, entry_hash, make_entry, public_key_b64, verify_entries

T = "2008-03-01T12:00:{:02d}.000000Z"


def _ledger(n_notes=4, ledger_id="aa11"):
    keys = {p: Ed25519PrivateKey.generate() for p in ("us", "pl", "ru")}
    entries = []
    for i, p in enumerate(keys):
        entries.append(make_entry(entries[-1] if entries else None, ledger_id, p, "partner_added",
                                  {"partner": {"id": p, "role": "operator"}, "public_key": public_key_b64(keys[p])},
                                  T.format(i), keys[p]))
    for i in range(n_notes):
        p = ("us", "pl", "ru")[i % 3]
        entries.append(make_entry(entries[-1], ledger_id, p, "notification", {"n": i, "x": 1.5},
                                  T.format(10 + i), keys[p]))
    return entries, keys


def test_a_good_ledger_verifies():
    entries, _ = _ledger()
    v = verify_entries(entries)
    assert v.ok and v.first_bad is None and v.entries == 7 and v.head == entries[-1].hash
    assert verify_entries([e.as_dict() for e in entries]).ok  # as exported
    assert verify_entries([]).ok


def test_canonical_json_is_key_order_and_space_free():
    assert canonical_json({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def _d(entries):
    return [copy.deepcopy(e.as_dict()) for e in entries]


def test_edit_is_detected():
    entries, _ = _ledger()
    d = _d(entries)
    d[4]["payload"]["n"] = 99
    v = verify_entries(d)
    assert not v.ok and v.first_bad == 4 and "edited" in v.reason


def test_edit_with_rehash_is_detected_by_the_signature():
    entries, _ = _ledger()
    d = _d(entries)
    d[4]["payload"]["n"] = 99
    d[4]["hash"] = entry_hash(
        {k: d[4][k] for k in ("ledger", "seq", "prev", "time", "partner", "kind", "payload")})
    v = verify_entries(d)
    assert not v.ok and v.first_bad == 4 and "forged" in v.reason


def test_delete_is_detected():
    entries, _ = _ledger()
    d = _d(entries)
    del d[4]
    v = verify_entries(d)
    assert not v.ok and v.first_bad == 4 and "removed" in v.reason


def test_delete_of_the_last_entry_is_detected_by_the_pinned_head():
    entries, _ = _ledger()
    v = verify_entries(_d(entries)[:-1])
    assert v.ok and v.head != entries[-1].hash  # a partner who kept the head hash sees the loss


def test_reorder_is_detected():
    entries, _ = _ledger()
    d = _d(entries)
    d[4], d[5] = d[5], d[4]
    v = verify_entries(d)
    assert not v.ok and v.first_bad == 4


def test_forged_signature_is_detected():
    entries, keys = _ledger()
    d = _d(entries)
    assert d[4]["partner"] == "pl"
    # RU signs an entry that claims to be PL's.
    d[4]["signature"] = base64.b64encode(keys["ru"].sign(bytes.fromhex(d[4]["hash"]))).decode()
    v = verify_entries(d)
    assert not v.ok and v.first_bad == 4 and "forged" in v.reason


def test_forged_entry_by_an_outsider_is_detected():
    entries, _ = _ledger()
    outsider = Ed25519PrivateKey.generate()
    forged = make_entry(entries[-1], "aa11", "us", "notification", {"n": 666}, T.format(50), outsider)
    v = verify_entries([*entries, forged])
    assert not v.ok and v.first_bad == 7 and "forged" in v.reason


def test_replay_is_detected():
    entries, _ = _ledger()
    d = _d(entries)
    v = verify_entries([*d, d[4]])  # the same signed entry appended again
    assert not v.ok and v.first_bad == 7
    other, _ = _ledger(ledger_id="bb22")  # an entry of another ledger, renumbered to fit
    replay = dict(other[4].as_dict(), seq=7, prev=entries[-1].hash)
    v = verify_entries([*d, replay])
    assert not v.ok and v.first_bad == 7 and ("another ledger" in v.reason or "edited" in v.reason)


def test_replayed_partner_registration_is_detected():
    entries, keys = _ledger()
    again = make_entry(entries[-1], "aa11", "us", "partner_added",
                       {"partner": {"id": "us"}, "public_key": public_key_b64(keys["us"])}, T.format(59), keys["us"])
    v = verify_entries([*entries, again])
    assert not v.ok and v.first_bad == 7 and "added already" in v.reason


def test_revoked_partner_cannot_sign_after_revocation():
    entries, keys = _ledger()
    rev = make_entry(entries[-1], "aa11", "ru", "partner_revoked", {"partner": "ru"}, T.format(40), keys["ru"])
    after = make_entry(rev, "aa11", "ru", "notification", {"n": 1}, T.format(41), keys["ru"])
    assert verify_entries([*entries, rev]).ok
    v = verify_entries([*entries, rev, after])
    assert not v.ok and v.first_bad == 8 and "revocation" in v.reason


def test_pinned_keys_catch_a_ledger_rewritten_with_fresh_keys():
    entries, keys = _ledger()
    pinned = {p: public_key_b64(k) for p, k in keys.items()}
    assert verify_entries(entries, trusted_keys=pinned).ok
    rewritten, _ = _ledger()  # same partners, new keys: self-consistent
    assert verify_entries(rewritten).ok
    v = verify_entries(rewritten, trusted_keys=pinned)
    assert not v.ok and v.first_bad == 0 and "pinned" in v.reason
