"""Partner tokens: ``js_<id>_<secret>``; the store keeps the id and scrypt(secret) with a per-token salt.

scrypt (hashlib, RFC 7914; n=2**14, r=8, p=1: 16 MiB, ~40 ms) rather than a plain SHA-256: a stolen
database then gives no usable token even for a weak secret someone pasted in by hand. Verified tokens
are remembered in memory (keyed by SHA-256 of the token) for :data:`CACHE_S`, so a busy client does not
pay scrypt per request; revocation is still checked against the database on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

N, R, P = 2**14, 8, 1
CACHE_S = 300.0


def new_token() -> tuple[str, str, str, str]:
    """(token, token_id, salt_hex, hash_hex): show the token once, store the rest."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    return f"js_{token_id}_{secret}", token_id, salt.hex(), _hash(secret, salt)


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, n=N, r=R, p=P, dklen=32, maxmem=64 * 2**20).hex()


def split(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != "js" or len(parts[1]) != 16 or not parts[2] or len(token) > 200:
        return None
    return parts[1], parts[2]


def check(secret: str, salt_hex: str, hash_hex: str) -> bool:
    return hmac.compare_digest(_hash(secret, bytes.fromhex(salt_hex)), hash_hex)


class Cache:
    """token digest -> (partner id, expiry); thread-safe."""

    def __init__(self):
        self._d: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> str | None:
        k = self.key(token)
        with self._lock:
            hit = self._d.get(k)
            if hit and hit[1] > time.monotonic():
                return hit[0]
            self._d.pop(k, None)
        return None

    def put(self, token: str, partner_id: str) -> None:
        with self._lock:
            if len(self._d) > 10_000:
                self._d.clear()
            self._d[self.key(token)] = (partner_id, time.monotonic() + CACHE_S)

    def drop(self, partner_id: str) -> None:
        with self._lock:
            for k in [k for k, v in self._d.items() if v[0] == partner_id]:
                del self._d[k]
