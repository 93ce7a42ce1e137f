"""Weapon-target assignment: which site fires at which threat, when, and how many shots.

An optimal plan, not a greedy one: a mixed-integer program solved by HiGHS through
``scipy.optimize.milp``. It maximises the expected number of threats killed, each weighted by its value
(default 1), under

- **inventory**: a site fires at most as many interceptors as it holds (a shoot-look-shoot second shot
  is reserved, whether or not it is fired);
- **launch interval**: two launches from one site are at least its launch interval apart;
- **windows**: every shot launches inside its (site, threat) launch window and meets the threat at the
  intercept that launch time gives (:meth:`EngagementWindows.intercept_for_launch`);
- **doctrine** (see :mod:`.sites`): at most two shots per threat; a ``single`` site fires at most one of
  them; the second shot *looks* (shoot-look-shoot: launched only after the first shot's intercept plus
  the site's kill-assessment time, and fired only if the first missed) when its site's doctrine is
  shoot-look-shoot and the window leaves time; otherwise the two shots form a salvo.

The kill probability of a threat is ``1 − Π(1 − pk)`` over its shots, which is exact in the program:
a threat's shots form one *pattern* (none, one shot from site s, or a first shot from s1 and a second
from s2), each pattern a binary variable with its exact kill probability. Shoot-look-shoot kills with
the same probability as a salvo (the second shot is fired whenever the first missed) but spends fewer
interceptors on average, so among plans of equal expected kills (a second solve, with the expected
kills held at the optimum) the program prefers more looks, then earlier launches. An optional ``shot_cost`` (expected kills per interceptor)
makes it hold interceptors back for later threats.

Launch times are chosen from candidates: per site, the earliest launch of each of its threats, the
earliest kill-assessment time of each threat, and these plus whole launch intervals (up to the site's
inventory). A schedule that launches every shot as early as its window, the launch interval or a look
allows uses only such times, so the program is exact over those schedules; ``max_candidates`` (per
pair) caps the count in large raids, which the plan reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .sites import Sites
from .windows import EngagementWindows

__all__ = ["Candidates", "EngagementPlan", "candidate_shots", "plan_engagements"]

MAX_CANDIDATES = 16


@dataclass(frozen=True)
class Candidates:
    """Candidate shots (arrays of shape (C,)): a site, a threat and the launch and intercept it gives."""

    site: np.ndarray
    threat: np.ndarray
    launch_s: np.ndarray
    intercept_s: np.ndarray
    alt_m: np.ndarray
    closing_m_s: np.ndarray
    capped: bool
    """True where ``max_candidates`` dropped some launch times (the plan is then optimal over fewer)."""


@dataclass(frozen=True)
class EngagementPlan:
    """Planned shots (arrays of shape (n,), sorted by launch time) and the plan's expected outcome."""

    site: np.ndarray
    threat: np.ndarray
    launch_s: np.ndarray
    intercept_s: np.ndarray
    alt_m: np.ndarray
    closing_m_s: np.ndarray
    pk: np.ndarray
    order: np.ndarray
    """1 for a threat's first shot, 2 for its second."""
    look: np.ndarray
    """True for a second shot that waits for the first's kill assessment (fired only if it missed)."""
    kill_probability: np.ndarray
    """(M,) probability that each threat is killed if the plan is carried out."""
    expected_kills: float
    """Σ value × kill probability."""
    status: str
    """The solver's verdict: 'optimal', or why not."""
    capped: bool

    def __len__(self) -> int:
        return len(self.site)

    @property
    def expected_interceptors(self) -> float:
        """Interceptors expected to be fired: a looking second shot only if the first missed."""
        n = float(np.sum(~self.look))
        for i in np.nonzero(self.look)[0]:
            first = (self.threat == self.threat[i]) & (self.order == 1)
            n += float(1.0 - self.pk[first][0])
        return n


def candidate_shots(windows: EngagementWindows, sites: Sites, *, max_candidates: int = MAX_CANDIDATES,
                    inventory=None) -> Candidates:
    """Candidate launch times per (site, threat) pair (see the module docstring)."""
    inv = sites.inventory if inventory is None else np.asarray(inventory)
    n_s = windows.feasible.shape[0]
    ss, mm = np.nonzero(windows.feasible)
    e_launch = windows.earliest_launch_s[ss, mm]
    look = windows.earliest_intercept_s  # (S, M): the earliest intercept of each pair
    out = {k: [] for k in ("site", "threat", "tau")}
    capped = False
    for s in range(n_s):  # per site: a few numpy operations on its threats' times
        mine = ss == s
        if not np.any(mine) or inv[s] <= 0:
            continue
        base = [e_launch[mine]]
        if sites.doctrine[s] == "shoot-look-shoot":
            looks = look[np.isfinite(look)] + sites.kill_assessment_s[s]
            base.append(looks)
        base = np.unique(np.concatenate(base))
        k_max = int(min(inv[s], max(1, 2 * np.count_nonzero(mine))))
        step = sites.launch_interval_s[s]
        times = (base[:, None] + step * np.arange(k_max if step > 0 else 1)[None, :]).ravel()
        times = np.unique(times)
        for m in mm[mine]:
            lo, hi = windows.earliest_launch_s[s, m], windows.latest_launch_s[s, m]
            tm = times[(times >= lo - 1e-9) & (times <= hi + 1e-9)]
            if len(tm) > max_candidates:
                capped = True
                tm = tm[:max_candidates]
            out["site"].append(np.full(len(tm), s))
            out["threat"].append(np.full(len(tm), m))
            out["tau"].append(tm)
    if not out["site"]:
        e = np.zeros(0)
        return Candidates(e.astype(int), e.astype(int), e, e, e, e, capped)
    site = np.concatenate(out["site"])
    threat = np.concatenate(out["threat"])
    tau = np.concatenate(out["tau"])
    t_i, launch, alt, clo = windows.intercept_for_launch(site, threat, tau)
    ok = np.isfinite(t_i)
    site, threat, launch, t_i, alt, clo = site[ok], threat[ok], launch[ok], t_i[ok], alt[ok], clo[ok]
    # Launch times moved to the same instant (the interceptor waits on its launcher) are one candidate.
    key = np.round(launch, 6)
    _, first = np.unique(np.stack([site, threat, key]), axis=1, return_index=True)
    first = np.sort(first)
    return Candidates(site[first], threat[first], launch[first], t_i[first], alt[first], clo[first], capped)


def plan_engagements(windows: EngagementWindows, sites: Sites, *, threat_value=None, inventory=None,
                     shot_cost: float = 0.0, max_candidates: int = MAX_CANDIDATES,
                     time_limit_s: float = 30.0, candidates: Candidates | None = None) -> EngagementPlan:
    """The optimal plan for the windows (see the module docstring).

    ``threat_value``: (M,) weights (default 1 each); ``inventory``: (S,) interceptors left (default the
    sites'); ``shot_cost``: value of one interceptor held back (default 0: spend what helps).
    """
    n_s, n_m = windows.feasible.shape
    value = np.ones(n_m) if threat_value is None else np.asarray(threat_value, dtype=float)
    inv = sites.inventory if inventory is None else np.asarray(inventory)
    cand = candidates if candidates is not None else candidate_shots(windows, sites, max_candidates=max_candidates,
                                                                     inventory=inv)
    n_c = len(cand.site)
    pk = sites.pk
    if n_c == 0:
        return _empty_plan(n_m, cand.capped)
    # Variable layout: x1 (C) | x2 (C) | z1 (M·S) | z2 (M·S·S) | look (M)
    o_x1, o_x2 = 0, n_c
    o_z1 = 2 * n_c
    o_z2 = o_z1 + n_m * n_s
    o_lk = o_z2 + n_m * n_s * n_s
    n_var = o_lk + n_m
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def add(row_cols, row_vals, lb, ub):
        nonlocal r
        rows.extend([r] * len(row_cols))
        cols.extend(row_cols)
        vals.extend(row_vals)
        lo.append(lb)
        hi.append(ub)
        r += 1

    def z1(m, s):
        return o_z1 + m * n_s + s

    def z2(m, s1, s2):
        return o_z2 + (m * n_s + s1) * n_s + s2

    by_pair: dict[tuple[int, int], np.ndarray] = {}
    for (s, m) in {(int(a), int(b)) for a, b in zip(cand.site, cand.threat, strict=True)}:
        by_pair[(s, m)] = np.nonzero((cand.site == s) & (cand.threat == m))[0]
    ub = np.ones(n_var)
    for m in range(n_m):
        for s in range(n_s):
            c = by_pair.get((s, m), np.zeros(0, int))
            if len(c) == 0:
                ub[z1(m, s)] = 0
                ub[[z2(m, s, s2) for s2 in range(n_s)]] = 0
                ub[[z2(m, s1, s) for s1 in range(n_s)]] = 0
            # (a) first shots of s at m = z1 + Σ z2[m, s, ·];  (b) second shots = Σ z2[m, ·, s]
            add(list(o_x1 + c) + [z1(m, s)] + [z2(m, s, s2) for s2 in range(n_s)],
                [1.0] * len(c) + [-1.0] * (1 + n_s), 0.0, 0.0)
            add(list(o_x2 + c) + [z2(m, s1, s) for s1 in range(n_s)], [1.0] * len(c) + [-1.0] * n_s, 0.0, 0.0)
            if sites.doctrine[s] == "single":
                ub[z2(m, s, s)] = 0
        # (c) one pattern per threat
        add([z1(m, s) for s in range(n_s)] + [z2(m, a, b) for a in range(n_s) for b in range(n_s)],
            [1.0] * (n_s + n_s * n_s), -np.inf, 1.0)
    # (d) inventory; (e) launch interval: at most one launch per site in any [t, t + interval)
    for s in range(n_s):
        c = np.nonzero(cand.site == s)[0]
        if len(c) == 0:
            continue
        add(list(o_x1 + c) + list(o_x2 + c), [1.0] * (2 * len(c)), -np.inf, float(inv[s]))
        dt = sites.launch_interval_s[s]
        t = cand.launch_s[c]
        order = np.argsort(t)
        tc, cs = t[order], c[order]
        for i in range(len(cs)):
            j = np.searchsorted(tc, tc[i] + dt - 1e-9, side="left") if dt > 0 else i + 1
            j = max(j, i + 1)
            grp = cs[i:j]
            if dt > 0 or len(grp) >= 1:
                add(list(o_x1 + grp) + list(o_x2 + grp), [1.0] * (2 * len(grp)), -np.inf, 1.0)
    # (f) a look: second launch >= first intercept + kill assessment; (g) only from a look-shoot site
    big = float(np.max(cand.intercept_s) - np.min(cand.launch_s) + np.max(sites.kill_assessment_s) + 10.0)
    for m in range(n_m):
        c = np.nonzero(cand.threat == m)[0]
        if len(c) == 0:
            ub[o_lk + m] = 0
            continue
        ka = sites.kill_assessment_s[cand.site[c]]
        t_ref = float(np.min(cand.launch_s[c]))  # shift times so that the big-M stays small
        add(list(o_x2 + c) + list(o_x1 + c) + [o_lk + m],
            list(cand.launch_s[c] - ka - t_ref) + list(-(cand.intercept_s[c] - t_ref)) + [-big], -big, np.inf)
        sls = c[[sites.doctrine[s] == "shoot-look-shoot" for s in cand.site[c]]]
        add([o_lk + m] + list(o_x2 + sls), [1.0] + [-1.0] * len(sls), -np.inf, 0.0)
    # Objective, lexicographic in two solves: (1) the most expected kills (less any shot cost); (2) among
    # plans within a hair of that, the most looks, then the earliest launches.
    primary = np.zeros(n_var)
    for m in range(n_m):
        for s in range(n_s):
            primary[z1(m, s)] = -value[m] * pk[s]
            for s2 in range(n_s):
                primary[z2(m, s, s2)] = -value[m] * (1.0 - (1.0 - pk[s]) * (1.0 - pk[s2]))
    primary[o_x1:o_x1 + n_c] += shot_cost
    primary[o_x2:o_x2 + n_c] += shot_cost
    a = coo_matrix((vals, (rows, cols)), shape=(r, n_var)).tocsr()
    bounds = Bounds(np.zeros(n_var), ub)
    opts = {"time_limit": time_limit_s, "mip_rel_gap": 1e-9, "disp": False}
    res = milp(primary, constraints=LinearConstraint(a, lo, hi), integrality=np.ones(n_var), bounds=bounds,
               options=opts)
    if res.x is None:
        plan = _empty_plan(n_m, cand.capped)
        return EngagementPlan(**{**plan.__dict__, "status": f"no plan: {res.message}"})
    status = "optimal" if res.status == 0 else f"time limit: best found ({res.message})"
    secondary = np.zeros(n_var)
    t_norm = (cand.launch_s - np.min(cand.launch_s)) / (float(np.ptp(cand.launch_s)) + 1.0)  # 0..1
    secondary[o_x1:o_x1 + n_c] = t_norm
    secondary[o_x2:o_x2 + n_c] = t_norm
    secondary[o_lk:o_lk + n_m] = -(2.0 * n_c + 1.0)  # one more look outweighs any launch times
    best = float(primary @ np.round(res.x))
    keep = LinearConstraint(primary[None, :], -np.inf, best + 1e-9 * max(1.0, abs(best)))
    res2 = milp(secondary, constraints=[LinearConstraint(a, lo, hi), keep], integrality=np.ones(n_var),
                bounds=bounds, options=opts)
    x = np.round(res2.x if res2.x is not None else res.x).astype(bool)
    return _plan_from_solution(x, cand, sites, value, n_m, o_x1, o_x2, o_lk, status)


def _plan_from_solution(x, cand, sites, value, n_m, o_x1, o_x2, o_lk, status) -> EngagementPlan:
    n_c = len(cand.site)
    x1, x2, lk = x[o_x1:o_x1 + n_c], x[o_x2:o_x2 + n_c], x[o_lk:o_lk + n_m]
    idx = np.concatenate([np.nonzero(x1)[0], np.nonzero(x2)[0]])
    order = np.concatenate([np.ones(x1.sum(), int), np.full(x2.sum(), 2)])
    site, threat = cand.site[idx], cand.threat[idx]
    look = (order == 2) & lk[threat] & np.array([sites.doctrine[s] == "shoot-look-shoot" for s in site], bool)
    pk = sites.pk[site]
    survive = np.ones(n_m)
    np.multiply.at(survive, threat, 1.0 - pk)
    p_kill = 1.0 - survive
    srt = np.lexsort((order, cand.launch_s[idx]))
    return EngagementPlan(site[srt], threat[srt], cand.launch_s[idx][srt], cand.intercept_s[idx][srt],
                          cand.alt_m[idx][srt], cand.closing_m_s[idx][srt], pk[srt], order[srt], look[srt],
                          p_kill, float(np.sum(value * p_kill)), status, cand.capped)


def _empty_plan(n_m: int, capped: bool) -> EngagementPlan:
    e = np.zeros(0)
    ei = np.zeros(0, int)
    return EngagementPlan(ei, ei, e, e, e, e, e, ei, np.zeros(0, bool), np.zeros(n_m), 0.0, "optimal", capped)
