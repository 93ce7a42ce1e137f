"""The architecture the partners operate: sites (radars and interceptor sites, each in a host country,
built but inactive until activated), the observers attached to them, the agreed threat criteria, and
the activation rule. Immutable: a change makes a new :class:`Architecture` (see :mod:`.proposals`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from ..errors import InputError
from .partners import check_country, check_partner_id

SiteKind = Literal["radar", "interceptor"]


@dataclass(frozen=True)
class ActivationRule:
    """What activating a site needs (the 2007 offer tied activation to a demonstrated threat and the
    agreement of the partners).

    ``threat_evidence``: the proposal must cite a published run (a ledger entry of kind ``run``) in which
    at least one launch was classified a threat. ``approvers``: ``hosts-and-operators`` (the site's host
    and every operator partner, default) or ``all-partners`` (every partner not revoked)."""

    threat_evidence: bool = True
    approvers: Literal["hosts-and-operators", "all-partners"] = "hosts-and-operators"

    def as_dict(self) -> dict:
        return {"threat_evidence": self.threat_evidence, "approvers": self.approvers}

    @classmethod
    def from_dict(cls, d: dict) -> ActivationRule:
        approvers = d.get("approvers", "hosts-and-operators")
        if approvers not in ("hosts-and-operators", "all-partners"):
            raise InputError("activation_rule.approvers",
                             f"{approvers!r} is not allowed; allowed: hosts-and-operators, all-partners")
        return cls(bool(d.get("threat_evidence", True)), approvers)


def _num(field_: str, v, lo: float, hi: float) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not (lo <= v <= hi):
        raise InputError(field_, f"{v!r} is not a number in {lo:g}..{hi:g}")
    return float(v)


@dataclass(frozen=True)
class Site:
    """A radar or interceptor site. ``type``: a catalogue name (jointshield catalogue); ``inventory``:
    interceptors at the site (0 for radars)."""

    id: str
    kind: SiteKind
    host_country: str
    lat_deg: float
    lon_deg: float
    type: str
    inventory: int = 0
    active: bool = False
    observers: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict, prefix: str = "site") -> Site:
        if not isinstance(d, dict):
            raise InputError(prefix, "must be an object with id, kind, host_country, lat_deg, lon_deg, type")
        known = {"id", "kind", "host_country", "lat_deg", "lon_deg", "type", "inventory"}
        extra = sorted(set(d) - known)
        if extra:
            raise InputError(f"{prefix}.{extra[0]}", f"unknown field; allowed: {', '.join(sorted(known))}")
        for k in ("id", "kind", "host_country", "lat_deg", "lon_deg", "type"):
            if k not in d:
                raise InputError(f"{prefix}.{k}", "is required")
        sid = d["id"]
        try:
            check_partner_id(sid)  # same spelling rules as partner ids
        except InputError:
            raise InputError(f"{prefix}.id", f"{sid!r} is not a site id; use 1-64 of a-z, 0-9, '-', '_'") from None
        if d["kind"] not in ("radar", "interceptor"):
            raise InputError(f"{prefix}.kind", f"{d['kind']!r} is not allowed; allowed: radar, interceptor")
        try:
            check_country(d["host_country"])
        except InputError as exc:
            raise InputError(f"{prefix}.host_country", exc.message) from None
        t = d["type"]
        if not isinstance(t, str) or not 1 <= len(t) <= 64:
            raise InputError(f"{prefix}.type", f"{t!r} must be a catalogue name of 1-64 characters")
        inv = d.get("inventory", 0)
        if isinstance(inv, bool) or not isinstance(inv, int) or not 0 <= inv <= 10_000:
            raise InputError(f"{prefix}.inventory", f"{inv!r} is not an integer in 0..10000")
        if d["kind"] == "radar" and inv:
            raise InputError(f"{prefix}.inventory", "a radar has no interceptors; leave it 0")
        return cls(sid, d["kind"], d["host_country"], _num(f"{prefix}.lat_deg", d["lat_deg"], -90, 90),
                   _num(f"{prefix}.lon_deg", d["lon_deg"], -180, 180), t, inv)

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "host_country": self.host_country, "lat_deg": self.lat_deg,
                "lon_deg": self.lon_deg, "type": self.type, "inventory": self.inventory, "active": self.active,
                "observers": list(self.observers)}


@dataclass(frozen=True)
class Architecture:
    """The shared picture's fixed part: sites, the agreed criteria (a document the partners agreed on,
    e.g. a rule set of :mod:`jointshield.defense.criteria` as JSON) and the activation rule."""

    sites: tuple[Site, ...] = ()
    criteria: dict | None = None
    activation_rule: ActivationRule = field(default_factory=ActivationRule)
    version: int = 0
    """Number of changes applied so far."""

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        from .errors import NotFound

        raise NotFound(f"no site {site_id!r}; sites: {', '.join(s.id for s in self.sites) or 'none'}")

    def with_site(self, site: Site) -> Architecture:
        sites = tuple(site if s.id == site.id else s for s in self.sites)
        if site.id not in {s.id for s in self.sites}:
            sites += (site,)
        return replace(self, sites=sites)

    def as_dict(self) -> dict:
        return {"version": self.version, "sites": [s.as_dict() for s in self.sites], "criteria": self.criteria,
                "activation_rule": self.activation_rule.as_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> Architecture:
        sites = tuple(
            replace(Site.from_dict({k: v for k, v in s.items() if k not in ("active", "observers")}),
                    active=bool(s.get("active", False)), observers=tuple(s.get("observers", ())))
            for s in d.get("sites", ()))
        return cls(sites, d.get("criteria"), ActivationRule.from_dict(d.get("activation_rule", {})),
                   int(d.get("version", 0)))
