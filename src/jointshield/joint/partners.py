"""Partners and their roles.

Every partner has one role:

``operator``  runs part of the system (e.g. US, RU under the 2007 offer of joint operation); proposes
              changes, approves changes of the agreed criteria and activations, publishes statements.
``host``      a country on whose soil a site stands (PL, CZ); proposes changes, and its approval is needed
              for every change to a site it hosts.
``observer``  watches (e.g. EU institutions, or an inspector attached to a site); reads the shared picture,
              files launch notifications and starts runs, but neither proposes nor approves.

Equal rights are the default: every partner, whatever its role, reads the same shared picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from ..errors import InputError

Role = Literal["operator", "host", "observer"]
ROLES: tuple[str, ...] = get_args(Role)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def check_partner_id(value: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InputError("partner", f"{value!r} is not a partner id; use 1-64 of a-z, 0-9, '-', '_' (e.g. pl)")
    return value


def check_country(value: str) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise InputError("country", f"{value!r} is not a two-letter upper-case code (e.g. PL, CZ, US, RU, EU)")
    return value


def check_role(value: str) -> str:
    if value not in ROLES:
        raise InputError("role", f"{value!r} is not a role; allowed: {', '.join(ROLES)}")
    return value


@dataclass(frozen=True)
class Partner:
    """A partner of the joint system. ``country``: two-letter code (ISO 3166-1, or EU)."""

    id: str
    name: str
    country: str
    role: Role
    public_key: bytes = b""
    """Raw 32-byte Ed25519 public key that verifies this partner's ledger entries."""
    revoked: bool = False

    def __post_init__(self):
        check_partner_id(self.id)
        check_country(self.country)
        check_role(self.role)
        if not self.name or len(self.name) > 200:
            raise InputError("name", "a partner's name must be 1-200 characters")

    @property
    def may_propose(self) -> bool:
        return self.role in ("operator", "host") and not self.revoked

    @property
    def may_publish(self) -> bool:
        """Capability statements are published by operators and hosts."""
        return self.role in ("operator", "host") and not self.revoked
