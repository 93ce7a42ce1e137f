"""Proposals: every change to the architecture is a proposal that takes effect only when every partner
whose approval it needs has approved it.

Who must approve (:func:`required_approvers`, fixed when the proposal is submitted):

==================  ==============================================================================
change              approvers
==================  ==============================================================================
``add_site``        the host partner(s) of the site's country
``move_site``       the host of the site (and of the new country, if ``host_country`` changes)
``set_inventory``   the host of the site
``attach_observer`` the host of the site
``deactivate_site`` the host of the site
``activate_site``   the host of the site and every operator (or every partner, by the activation
                    rule), with a published run that demonstrated a threat when the rule asks for it
``set_criteria``    every operator partner
==================  ==============================================================================

The author's own approval is not implied: an author who must approve approves like anyone else. One
rejection rejects the proposal; a withdrawal by the author ends it. Decided proposals are kept.
Life cycle: ``draft`` (seen by its author only) -> ``pending`` -> ``approved`` | ``rejected`` |
``withdrawn`` (a draft may also be withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from ..errors import InputError
from .architecture import Architecture, Site
from .errors import Conflict, Forbidden, NotFound
from .partners import Partner, check_country, check_partner_id

ProposalStatus = Literal["draft", "pending", "approved", "rejected", "withdrawn"]
OPS = ("add_site", "move_site", "set_inventory", "attach_observer", "deactivate_site", "activate_site",
       "set_criteria")

ChangeDenied = Forbidden  # kept as a name for callers that think of it so


@dataclass(frozen=True)
class Change:
    """A validated change: ``op`` (one of :data:`OPS`) and its arguments as a plain dict."""

    op: str
    args: dict

    def as_dict(self) -> dict:
        return {"op": self.op, **self.args}


def change_from_dict(d: dict) -> Change:
    """Validate a change document, e.g. ``{"op": "set_inventory", "site_id": "redzikowo", "inventory": 10}``."""
    if not isinstance(d, dict):
        raise InputError("change", "must be an object with an `op` field")
    op = d.get("op")
    if op not in OPS:
        raise InputError("change.op", f"{op!r} is not allowed; allowed: {', '.join(OPS)}")
    args = {k: v for k, v in d.items() if k != "op"}
    allowed = {
        "add_site": {"site"}, "move_site": {"site_id", "lat_deg", "lon_deg", "host_country"},
        "set_inventory": {"site_id", "inventory"}, "attach_observer": {"site_id", "observer"},
        "deactivate_site": {"site_id"}, "activate_site": {"site_id", "evidence_seq"},
        "set_criteria": {"criteria"},
    }[op]
    required = allowed - {"host_country", "evidence_seq"}
    extra = sorted(set(args) - allowed)
    if extra:
        raise InputError(f"change.{extra[0]}", f"unknown field for {op}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(args))
    if missing:
        raise InputError(f"change.{missing[0]}", f"is required for {op}")
    if op == "add_site":
        args["site"] = Site.from_dict(args["site"], "change.site").as_dict()
        args["site"].pop("active"), args["site"].pop("observers")
    if "site_id" in args and (not isinstance(args["site_id"], str) or not args["site_id"]):
        raise InputError("change.site_id", f"{args['site_id']!r} is not a site id")
    if op == "move_site":
        for k, lo, hi in (("lat_deg", -90, 90), ("lon_deg", -180, 180)):
            v = args[k]
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
                raise InputError(f"change.{k}", f"{v!r} is not a number in {lo}..{hi}")
            args[k] = float(v)
        if "host_country" in args:
            try:
                check_country(args["host_country"])
            except InputError as exc:
                raise InputError("change.host_country", exc.message) from None
    if op == "set_inventory":
        v = args["inventory"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10_000:
            raise InputError("change.inventory", f"{v!r} is not an integer in 0..10000")
    if op == "attach_observer":
        try:
            check_partner_id(args["observer"])
        except InputError as exc:
            raise InputError("change.observer", exc.message) from None
    if op == "activate_site" and args.get("evidence_seq") is not None:
        v = args["evidence_seq"]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InputError("change.evidence_seq", f"{v!r} is not a ledger entry number (integer >= 0)")
    if op == "set_criteria" and not isinstance(args["criteria"], dict):
        raise InputError("change.criteria", "must be an object (the agreed rule set as JSON)")
    return Change(op, args)


def _hosts(country: str, partners: list[Partner]) -> set[str]:
    ids = {p.id for p in partners if p.role == "host" and p.country == country and not p.revoked}
    if not ids:
        raise Conflict(f"no host partner for country {country}; add one (jointshield partner add --role host)")
    return ids


def required_approvers(change: Change, arch: Architecture, partners: list[Partner]) -> frozenset[str]:
    """The partner ids whose approval ``change`` needs (see the module's table). Raises
    :class:`~.errors.Conflict` when the change cannot apply to ``arch`` (unknown site, duplicate id, ...)."""
    check_applicable(change, arch, partners)
    op, a = change.op, change.args
    operators = {p.id for p in partners if p.role == "operator" and not p.revoked}
    if op == "add_site":
        return frozenset(_hosts(a["site"]["host_country"], partners))
    if op == "set_criteria":
        if not operators:
            raise Conflict("no operator partner to approve a change of the agreed criteria")
        return frozenset(operators)
    site = arch.site(a["site_id"])
    need = _hosts(site.host_country, partners)
    if op == "move_site" and a.get("host_country", site.host_country) != site.host_country:
        need |= _hosts(a["host_country"], partners)
    if op == "activate_site":
        if arch.activation_rule.approvers == "all-partners":
            need |= {p.id for p in partners if not p.revoked}
        else:
            need |= operators
    return frozenset(need)


def check_applicable(change: Change, arch: Architecture, partners: list[Partner]) -> None:
    """Raise :class:`~.errors.Conflict` / :class:`~.errors.NotFound` if ``change`` cannot apply now."""
    op, a = change.op, change.args
    if op == "add_site":
        if a["site"]["id"] in {s.id for s in arch.sites}:
            raise Conflict(f"site {a['site']['id']!r} exists already; propose move_site or set_inventory")
        return
    if op == "set_criteria":
        return
    site = arch.site(a["site_id"])
    if op == "set_inventory" and site.kind != "interceptor":
        raise Conflict(f"site {site.id!r} is a radar; only interceptor sites have an inventory")
    if op == "activate_site" and site.active:
        raise Conflict(f"site {site.id!r} is active already")
    if op == "deactivate_site" and not site.active:
        raise Conflict(f"site {site.id!r} is not active")
    if op == "activate_site" and arch.activation_rule.threat_evidence and a.get("evidence_seq") is None:
        raise InputError("change.evidence_seq", "the activation rule needs the ledger entry of a published run "
                         "that demonstrated a threat (evidence_seq)")
    if op == "attach_observer":
        known = {p.id: p for p in partners}
        if a["observer"] not in known or known[a["observer"]].revoked:
            raise NotFound(f"no partner {a['observer']!r} to attach as an observer")
        if a["observer"] in site.observers:
            raise Conflict(f"{a['observer']!r} observes site {site.id!r} already")


def demonstrates_threat(entry_kind: str, payload: dict) -> bool:
    """Whether a ledger entry is a published run in which at least one launch was classified a threat
    (the evidence an activation needs under the 2007 rule)."""
    summary = payload.get("summary") if isinstance(payload, dict) else None
    return entry_kind == "run" and isinstance(summary, dict) and int(summary.get("threats", 0) or 0) >= 1


def apply_change(arch: Architecture, change: Change) -> Architecture:
    """The architecture after ``change`` (its version + 1). A new site starts inactive."""
    op, a = change.op, change.args
    if op == "add_site":
        new = arch.with_site(Site.from_dict(a["site"]))
    elif op == "set_criteria":
        new = replace(arch, criteria=a["criteria"])
    else:
        s = arch.site(a["site_id"])
        if op == "move_site":
            s = replace(s, lat_deg=a["lat_deg"], lon_deg=a["lon_deg"], host_country=a.get("host_country", s.host_country))
        elif op == "set_inventory":
            s = replace(s, inventory=a["inventory"])
        elif op == "attach_observer":
            s = replace(s, observers=(*s.observers, a["observer"]))
        elif op == "activate_site":
            s = replace(s, active=True)
        elif op == "deactivate_site":
            s = replace(s, active=False)
        new = arch.with_site(s)
    return replace(new, version=arch.version + 1)


@dataclass(frozen=True)
class Decision:
    partner: str
    approve: bool
    comment: str = ""


@dataclass(frozen=True)
class Proposal:
    id: int
    author: str
    change: Change
    status: ProposalStatus = "draft"
    required: frozenset[str] = frozenset()
    decisions: tuple[Decision, ...] = field(default=())

    def visible_to(self, partner_id: str) -> bool:
        """Drafts are private to their author; everything else is the shared picture."""
        return self.status != "draft" or self.author == partner_id

    def as_dict(self) -> dict:
        return {"id": self.id, "author": self.author, "change": self.change.as_dict(), "status": self.status,
                "required": sorted(self.required),
                "decisions": [{"partner": d.partner, "approve": d.approve, "comment": d.comment} for d in self.decisions],
                "awaiting": sorted(self.required - {d.partner for d in self.decisions})}


def submit(p: Proposal, partner: Partner, arch: Architecture, partners: list[Partner]) -> Proposal:
    """Draft -> pending, fixing who must approve."""
    if partner.id != p.author:
        raise Forbidden("only the author may submit a proposal")
    if p.status != "draft":
        raise Conflict(f"proposal {p.id} is {p.status}, not a draft")
    return replace(p, status="pending", required=required_approvers(p.change, arch, partners))


def withdraw(p: Proposal, partner: Partner) -> Proposal:
    if partner.id != p.author:
        raise Forbidden("only the author may withdraw a proposal")
    if p.status not in ("draft", "pending"):
        raise Conflict(f"proposal {p.id} is {p.status}; only a draft or pending proposal can be withdrawn")
    return replace(p, status="withdrawn")


def decide(p: Proposal, partner: Partner, approve: bool, comment: str = "") -> Proposal:
    """Record ``partner``'s approval or rejection. Returns the proposal, ``approved`` once every required
    approver approved, ``rejected`` at the first rejection. The caller applies an approved change."""
    if not p.visible_to(partner.id):
        raise NotFound(f"no proposal {p.id}")
    if p.status != "pending":
        raise Conflict(f"proposal {p.id} is {p.status}; only a pending proposal can be decided")
    if partner.id not in p.required:
        raise Forbidden(f"partner {partner.id!r} is not among the approvers of proposal {p.id} "
                        f"({', '.join(sorted(p.required))}); a partner approves only for its own country or role")
    if partner.id in {d.partner for d in p.decisions}:
        raise Conflict(f"partner {partner.id!r} has decided on proposal {p.id} already")
    decisions = (*p.decisions, Decision(partner.id, bool(approve), comment))
    if not approve:
        status = "rejected"
    elif p.required <= {d.partner for d in decisions if d.approve}:
        status = "approved"
    else:
        status = "pending"
    return replace(p, decisions=decisions, status=status)
