"""Refusals of the joint rules. Adapters map them: :class:`Forbidden` -> 403, :class:`Conflict` -> 409,
:class:`NotFound` -> 404; bad input stays :class:`~jointshield.errors.InputError` (422)."""


class JointError(Exception):
    """A request the joint rules refuse; the message says why and what to do instead."""


class Forbidden(JointError):
    """The partner may not do this (wrong role, not the host, not the author, revoked)."""


class Conflict(JointError):
    """Not in this state (the proposal is already decided, the site is already active, ...)."""


class NotFound(JointError):
    """No such proposal, site, partner, run or entry."""
