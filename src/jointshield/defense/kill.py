"""Kill assessment: the outcome of each planned shot, drawn from the run's random generator.

Each shot of an :class:`~.assign.EngagementPlan` that is fired kills its threat with its probability of
kill ``pk``, independently of the others. A first shot and a salvo second shot are always fired; a
shoot-look-shoot second shot is fired only if the threat's first shot missed (the kill assessment is
taken to be correct). One uniform number is drawn per shot *and per run*, fired or not, in the plan's
shot order, so that a run's other draws do not depend on which shots happened to be fired.

The kill probability of a threat is then 1 − Π(1 − pk) over its shots for both doctrines:
0.91 for two shots of pk 0.7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assign import EngagementPlan

__all__ = ["ShotOutcomes", "draw_outcomes"]


@dataclass(frozen=True)
class ShotOutcomes:
    """Outcomes of a plan's shots over R runs: arrays (R, n) per shot and (R, M) per threat."""

    fired: np.ndarray
    hit: np.ndarray
    """The shot was fired and killed its threat."""
    killed: np.ndarray
    """(R, M) the threat was killed by one of its shots."""

    @property
    def interceptors_fired(self) -> np.ndarray:
        """(R,) interceptors fired in each run."""
        return self.fired.sum(axis=-1)


def draw_outcomes(plan: EngagementPlan, rng: np.random.Generator, runs: int = 1) -> ShotOutcomes:
    """Draw the outcome of every shot of ``plan`` in ``runs`` independent runs (see the module doc)."""
    n = len(plan)
    u = rng.random((runs, n))
    success = u < plan.pk[None, :]
    n_m = plan.kill_probability.shape[0]
    fired = np.ones((runs, n), bool)
    # A looking second shot is fired only if its threat's first shot missed.
    first_of = {int(m): i for i, (m, o) in enumerate(zip(plan.threat, plan.order, strict=True)) if o == 1}
    for i in np.nonzero(plan.look)[0]:
        j = first_of[int(plan.threat[i])]
        fired[:, i] = ~success[:, j]
    hit = fired & success
    killed = np.zeros((runs, n_m), bool)
    for i in range(n):  # shots of one plan: a handful, each an (R,) operation
        killed[:, plan.threat[i]] |= hit[:, i]
    return ShotOutcomes(fired, hit, killed)
