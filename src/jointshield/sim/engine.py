"""The kill-chain engine: one scenario, one seed, one :class:`Result`.

``run(scenario, seed)`` steps through the scenario in decision cycles of :attr:`RunConfig.cycle_s`:

1. **Truth** — every launch flown once (powered and free flight), before the loop; an intercepted
   missile stops existing at its intercept time (its debris is not modelled).
2. **Radars** — all measurements are drawn up front from the run's radar stream (so that what the
   defence does never changes what the radars would have drawn); measurements of a missile after it was
   killed are dropped as the loop reaches them.
3. **Tracker** — the measurements of each cycle are fed to one :class:`~jointshield.tracking.Tracker`.
4. **Criteria** — every cycle, each firm track not yet classified is assessed with the scenario's agreed
   rule set (:func:`~jointshield.defense.criteria.assess`) on evidence from its predicted impact point
   and back-flown launch point (with their error ellipses). A threat verdict is kept; a track found not a
   threat (or undetermined) is assessed again every cycle, because a track confirmed while its missile is
   still boosting predicts its impact badly and becomes a threat only once the missile coasts. A
   ``classified`` event is logged whenever a track's verdict changes. Without criteria every firm track
   whose impact can be predicted is a threat.
5. **Engagement** — new threat tracks of a cycle are planned together: their paths predicted by free
   flight from the track state, engagement windows for every site with the decision time = now +
   :attr:`RunConfig.commit_delay_s`, and the optimal assignment (:func:`~jointshield.defense.plan_engagements`)
   with each site's remaining inventory and next free launch time. Planning is per cycle: threats that
   appear later are planned with what is left (as an operator would), not jointly with earlier ones; a
   threat the plan leaves without a shot is not planned again unless its shots later miss.
6. **Fly-out and outcome** — a shot flies toward the intercept point (PIP) predicted at planning and
   receives in-flight target updates from the track until the end game. The kill vehicle's divert must
   cover both: the PIP's shift since launch, spread over the flight (Δv ≈ shift / (½ flight time), one
   correction at mid-course), and the last PIP's miss of the missile's true position over the end game
   (miss / :data:`~jointshield.defense.flyout.ENDGAME_S`). Within the type's divert Δv the shot then
   kills with the site's Pk (one draw from the run's engagement stream per shot). The last PIP is
   predicted from the track's state at the start of the cycle that holds the intercept (at most one
   cycle old; a track deleted before the intercept serves with its last update). A shoot-look-shoot second shot is fired only after a
   miss; a threat whose shots all missed is re-planned while its window lasts.
7. **Impact** — a missile not killed reaches its impact point; a *leaker* is one whose track was
   classified a threat (or, never tracked, would have been: counted under ``unseen_threats``… not
   guessed: a missile never classified is reported as ``not_classified``).

The event log holds launch, first_detection, firm_track, classified, engagement_planned,
interceptor_launched, intercept, miss and impact, in time order, each naming its object (the launch id, the
track id, the site).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from ..defense import ThreatPaths, engagement_windows, plan_engagements
from ..defense.criteria import NOT_THREAT, THREAT, TrackEvidence, assess
from ..defense.flyout import ENDGAME_S
from ..defense.notifications import match_track_estimates as match_notifications
from ..defense.notifications import notice_word
from ..defense.sites import Sites
from ..earth.frames import eci_to_ecef
from ..flight.truth import Truth, hermite_sample
from ..scenario.criteria_schema import agreed_rule_set, regions_from_scenario
from ..scenario.defense_schema import sites_from_scenario
from ..scenario.notifications_schema import notification_arrays
from ..scenario.schema import Scenario
from ..scenario.truth import radar_arrays_from_scenario, rcs_from_scenario, truth_from_scenario
from ..sensors import Measurements
from ..sensors.observe import observe
from ..tracking import (
    FIRM,
    Tracker,
    TrackerConfig,
    TrackHistory,
    estimate_launch,
    impact_predictable,
    predict,
    predict_impact,
)

__all__ = ["EVENT_KINDS", "Event", "Prepared", "Result", "RunConfig", "prepare", "run"]

EVENT_KINDS = ("launch", "first_detection", "firm_track", "classified", "engagement_planned",
               "interceptor_launched", "intercept", "miss", "impact")


@dataclass(frozen=True)
class RunConfig:
    """Timing of the engine (s)."""

    cycle_s: float = 5.0
    """Decision cycle: tracks are assessed and new threats planned this often."""
    commit_delay_s: float = 30.0
    """From a threat verdict to the decision to engage (operators, communications)."""
    truth_step_s: float = 1.0
    """Sampling of the truth trajectories."""


@dataclass(frozen=True)
class Event:
    """One entry of the event log (time in s after the epoch)."""

    t_s: float
    kind: str
    object: str
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"t_s": round(float(self.t_s), 3), "kind": self.kind, "object": self.object, **self.detail}


@dataclass(frozen=True)
class Prepared:
    """What does not depend on the seed: truth, radars, sites, criteria (shared by Monte Carlo runs)."""

    scenario: Scenario
    truth: Truth
    radars: object
    rcs_m2: np.ndarray
    sites: Sites
    rule_set: object
    regions: dict
    notifications: dict | None = None
    """The scenario's launch notifications as arrays (:func:`~jointshield.scenario.notification_arrays`)."""


@dataclass(frozen=True)
class Result:
    """One run of a scenario: its inputs' outcomes and the time-ordered event log."""

    scenario: Scenario
    seed: int
    truth: Truth
    measurements: Measurements
    history: TrackHistory
    events: tuple[Event, ...]
    killed_t_s: np.ndarray
    """(T,) intercept time of each launch (NaN: not killed)."""
    classified: dict
    """track id -> (verdict name, t_s, launch id or None, explanation dict)."""
    shots: tuple[dict, ...]
    summary: dict
    track_launch: dict = field(default_factory=dict)
    """track id -> index of the launch whose measurements the track used most (None: false alarms only)."""


def prepare(scenario: Scenario, config: RunConfig | None = None) -> Prepared:
    """Everything of ``scenario`` that a run needs and that no seed changes (fly the launches once)."""
    config = config or RunConfig()
    sites = sites_from_scenario(scenario)
    sites.reach_tables(scenario.earth_model)  # build (and cache) the tables before any run
    return Prepared(scenario, truth_from_scenario(scenario, dt_s=config.truth_step_s),
                    radar_arrays_from_scenario(scenario), rcs_from_scenario(scenario), sites,
                    agreed_rule_set(scenario), regions_from_scenario(scenario), notification_arrays(scenario))


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    radar, engage = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(radar), np.random.default_rng(engage)


def run(scenario: Scenario | Prepared, seed: int | None = None, config: RunConfig | None = None) -> Result:
    """Run the kill chain on ``scenario`` (or a :func:`prepare`-d one) with ``seed`` (default: the
    scenario's); deterministic for a seed."""
    config = config or RunConfig()
    prep = scenario if isinstance(scenario, Prepared) else prepare(scenario, config)
    sc, truth, sites = prep.scenario, prep.truth, prep.sites
    model = sc.earth_model
    seed = sc.seed if seed is None else int(seed)
    rng_radar, rng_engage = _streams(seed)
    meas = observe(truth, prep.radars, prep.rcs_m2, rng_radar)
    tracker = Tracker(TrackerConfig(model=model))
    ids = truth.ids
    n_obj = len(truth)
    events: list[Event] = [Event(float(truth.launch_t_s[o]), "launch", ids[o]) for o in range(n_obj)]
    killed = np.full(n_obj, np.nan)
    detected = np.zeros(n_obj, bool)
    votes: dict[int, dict[int, int]] = {}  # track id -> {object: measurements}
    last_update: dict[int, tuple] = {}  # track id -> (history chunk, row) of its latest update
    firm_seen: set[int] = set()
    classified: dict[int, tuple] = {}
    engaged: set[int] = set()  # threat tracks with shots planned and not yet all missed
    passed: set[int] = set()  # threat tracks the plan left without a shot
    inventory = sites.inventory.astype(np.int64).copy()
    site_free = np.full(len(sites), -np.inf)
    pending: list[dict] = []  # shots planned, not yet resolved
    shots: list[dict] = []
    shots_of: dict[int, list[dict]] = {}  # track id -> its shots (in `shots` order)
    pk = sites.pk
    t0 = float(np.min(truth.launch_t_s))
    t_end = float(np.max(truth.impact_t_s)) + config.cycle_s
    t_prev = -np.inf
    order = np.argsort(meas.t_s, kind="stable")
    t_sorted = meas.t_s[order]

    def label(tid: int):
        v = votes.get(tid)
        if not v:
            return None
        o = max(v, key=v.get)
        return None if o < 0 else o

    def name_of(tid: int) -> str:
        o = label(tid)
        return f"track {tid}" + (f" ({ids[o]})" if o is not None else "")

    t = t0
    while t <= t_end:
        # --- radars → tracker: this cycle's measurements, less those of missiles already killed.
        lo, hi = np.searchsorted(t_sorted, [t_prev, t], side="right")
        rows = order[lo:hi]
        obj = meas.truth[rows]
        alive = (obj < 0) | ~(killed[np.maximum(obj, 0)] < meas.t_s[rows])  # NaN (not killed) < t is False
        rows = rows[alive]
        if rows.size:
            obj = meas.truth[rows]
            seen_now = obj[obj >= 0]
            # Objects detected for the first time (a few a run): the rest of the cycle's are known.
            for o in np.unique(seen_now[~detected[seen_now]]):
                detected[o] = True
                first = rows[obj == o][0]
                events.append(Event(float(meas.t_s[first]), "first_detection", ids[o],
                                    {"radar": prep.radars.ids[meas.sensor[first]]}))
            k0 = tracker.n_rows
            tracker.process(meas.take(rows))
            new = tracker.history(k0)
            upd = np.flatnonzero(new.meas >= 0)
            tid_u = new.track_id[upd]
            truth_of = meas.truth[rows[new.meas[upd]]]
            # Votes per (track, object), counted per distinct pair and added in the order of each pair's
            # first row, so that a track's dict meets its objects in the order the rows do (which breaks
            # ties in `label`).
            pair_key = tid_u * (n_obj + 1) + (truth_of + 1)
            _, first, count = np.unique(pair_key, return_index=True, return_counts=True)
            by_row = np.argsort(first)
            for tid, o, c in zip(tid_u[first[by_row]].tolist(), truth_of[first[by_row]].tolist(),
                                 count[by_row].tolist(), strict=True):
                d = votes.setdefault(tid, {})
                d[o] = d.get(o, 0) + c
            # The latest update of each track (its last row here: a dict keeps the last value of a key),
            # kept after the track is deleted; the row is read only when a shot needs it (a few times a
            # run, against ~10,000 updates).
            last_update.update(zip(tid_u.tolist(), zip(repeat(new), upd.tolist())))
            # A track's first firm row, in row order (the events' order within a time and kind).
            firm_rows = np.flatnonzero(new.status == FIRM)
            for j, tid in zip(firm_rows.tolist(), new.track_id[firm_rows].tolist(), strict=True):
                if tid not in firm_seen:
                    firm_seen.add(tid)
                    events.append(Event(float(new.t_s[j]), "firm_track", name_of(tid)))
        t_prev = t

        live = tracker.tracks()
        firm = np.flatnonzero(live.status == FIRM)
        # --- criteria on firm tracks not yet classified.
        tids = live.track_id.tolist()  # Python ints once, not a numpy scalar per track and lookup
        firm_l = firm.tolist()
        todo = np.array([i for i in firm_l if classified.get(tids[i], ("",))[0] != "threat"], dtype=np.int64)
        new_threats = []
        if todo.size:
            x, P, tt = live.x_eci[todo], live.P_eci[todo], live.t_s[todo]
            if prep.rule_set is None:  # only whether the impact can be predicted matters
                verdict = np.where(impact_predictable(x, P, tt, model), THREAT, -1)
                assessment = None
            else:
                imp = predict_impact(x, P, tt, model)
                lau = estimate_launch(x, P, tt, model)
                speed = np.linalg.norm(x[:, 3:], axis=1)
                speed_sig = np.sqrt(np.maximum(np.trace(P[:, 3:, 3:], axis1=1, axis2=2), 0.0))
                # The scenario lists every notification filed, so a launch none matches is known not to
                # be notified (0), not unknown (-1).
                notice = match_notifications(prep.notifications, lau, imp)
                ev = TrackEvidence.from_estimates(tt, lau, imp, speed, speed_sig, notified=notice.notified,
                                                  track_id=live.track_id[todo], model=model)
                assessment = assess(prep.rule_set, ev, prep.regions, model)
                verdict = assessment.verdict
            for j, i in enumerate(todo):
                tid = int(live.track_id[i])
                if verdict[j] not in (THREAT, NOT_THREAT):
                    continue
                name = "threat" if verdict[j] == THREAT else "not-threat"
                if classified.get(tid, ("",))[0] == name:
                    continue
                why = assessment.explain(j) if assessment is not None else {"rule": "no criteria: every firm track"}
                o = label(tid)
                classified[tid] = (name, t, None if o is None else ids[o], why)
                detail = {"verdict": name}
                if assessment is not None:
                    detail["notification"] = notice_word(notice, j)
                events.append(Event(t, "classified", name_of(tid), detail))
                if verdict[j] == THREAT:
                    new_threats.append(i)

        # --- engagement planning for the new threats (and re-planning after misses).
        replan = [i for i in firm_l if tids[i] in classified and classified[tids[i]][0] == "threat"
                  and tids[i] not in engaged and tids[i] not in passed and i not in new_threats]
        cand = np.array(new_threats + replan, dtype=np.int64)
        if cand.size and len(sites) and inventory.sum() > 0:
            r, v = _ecef(live.x_eci[cand], live.t_s[cand], model)
            paths = ThreatPaths.from_states(live.t_s[cand], r, v, model)
            win = engagement_windows(sites, paths, np.full(cand.size, t + config.commit_delay_s), model,
                                     site_free_s=site_free)
            plan = plan_engagements(win, sites, inventory=inventory)
            # A threat the plan leaves without a shot (out of every site's reach, or not worth the
            # inventory) is not planned again, unless later shots at it miss.
            passed.update(int(live.track_id[cand[m]]) for m in range(cand.size) if m not in set(plan.threat.tolist()))
            for k in range(len(plan)):
                tid = int(live.track_id[cand[plan.threat[k]]])
                s = int(plan.site[k])
                pip, _ = paths.state_at(np.array([plan.threat[k]]), np.array([plan.intercept_s[k]]))
                shot = {"site": sites.ids[s], "site_index": s, "track": tid, "launch_s": float(plan.launch_s[k]),
                        "intercept_s": float(plan.intercept_s[k]), "alt_km": float(plan.alt_m[k]) / 1e3,
                        "closing_km_s": float(plan.closing_m_s[k]) / 1e3, "look": bool(plan.look[k]),
                        "order": int(plan.order[k]), "pip_ecef_m": pip[0], "state": "planned"}
                pending.append(shot)
                shots.append(shot)
                shots_of.setdefault(tid, []).append(shot)
                engaged.add(tid)
                if not shot["look"]:
                    inventory[s] -= 1
                site_free[s] = max(site_free[s], shot["launch_s"] + sites.launch_interval_s[s])
                events.append(Event(t, "engagement_planned", name_of(tid),
                                    {"site": sites.ids[s], "launch_s": round(shot["launch_s"], 1),
                                     "intercept_s": round(shot["intercept_s"], 1), "look": shot["look"]}))

        # --- shots: launches and outcomes due by the end of this cycle, in time order.
        t_next = t + config.cycle_s
        for shot in sorted(pending, key=lambda s_: s_["launch_s"]):
            if shot["state"] == "planned" and shot["launch_s"] < t_next:
                if shot["look"]:
                    first = [s_ for s_ in shots_of[shot["track"]] if not s_["look"]
                             and s_["state"] in ("hit", "miss", "launched")]
                    if any(s_["state"] == "hit" for s_ in first) or not first:
                        shot["state"] = "not_needed"
                        continue
                    if inventory[shot["site_index"]] <= 0:
                        shot["state"] = "no_inventory"
                        continue
                    if any(s_["state"] == "launched" for s_ in first):
                        continue  # the look has not come back yet
                    inventory[shot["site_index"]] -= 1
                shot["state"] = "launched"
                events.append(Event(shot["launch_s"], "interceptor_launched", shot["site"],
                                    {"target": name_of(shot["track"])}))
            if shot["state"] == "launched" and shot["intercept_s"] < t_next:
                o = label(shot["track"])
                ok = False
                miss_m = np.nan
                if o is not None and not np.isfinite(killed[o]) and shot["intercept_s"] < truth.impact_t_s[o]:
                    r_true, _ = hermite_sample(truth.t_s, truth.r_ecef_m[o:o + 1], truth.v_ecef_m_s[o:o + 1],
                                               np.array([shot["intercept_s"]]))  # Truth.state_at of one object
                    pip_late = _latest_pip(last_update.get(shot["track"]), shot["intercept_s"], model)
                    if pip_late is None:
                        pip_late = shot["pip_ecef_m"]
                    miss_m = float(np.linalg.norm(r_true[0, 0] - pip_late))
                    shift_m = float(np.linalg.norm(pip_late - shot["pip_ecef_m"]))
                    t_fly = max(shot["intercept_s"] - shot["launch_s"], 2 * ENDGAME_S)
                    dv = shift_m / (0.5 * t_fly) + miss_m / ENDGAME_S
                    shot["divert_needed_m_s"] = dv
                    it = sites.types[shot["site_index"]]
                    ok = np.isfinite(dv) and dv <= it.divert_delta_v_m_s
                hit = bool(ok and rng_engage.random() < pk[shot["site_index"]])
                shot["state"] = "hit" if hit else "miss"
                shot["miss_before_divert_m"] = miss_m
                if hit:
                    killed[o] = shot["intercept_s"]
                detail = {"site": shot["site"], "miss_before_divert_m": None if not np.isfinite(miss_m)
                          else round(miss_m, 1)}
                if o is not None and np.isfinite(killed[o]) and killed[o] < shot["intercept_s"]:
                    detail["reason"] = "target already destroyed"
                elif o is None:
                    detail["reason"] = "a false track"
                elif not ok and np.isfinite(miss_m):
                    detail["reason"] = "beyond the kill vehicle's divert"
                events.append(Event(shot["intercept_s"], "intercept" if hit else "miss", name_of(shot["track"]),
                                    detail))
        pending = [s_ for s_ in pending if s_["state"] in ("planned", "launched")]
        # A threat whose shots are all resolved without a kill goes back to planning.
        for tid in list(engaged):
            mine = shots_of[tid]
            if all(s_["state"] in ("miss", "not_needed", "no_inventory") for s_ in mine) and not any(
                    s_["state"] == "hit" for s_ in mine):
                engaged.discard(tid)
                passed.discard(tid)
        t = t_next

    for o in range(n_obj):
        if not np.isfinite(killed[o]):
            events.append(Event(float(truth.impact_t_s[o]), "impact", ids[o]))
    events.sort(key=lambda e: (e.t_s, EVENT_KINDS.index(e.kind)))
    history = tracker.history()
    summary = _summary(truth, classified, shots, killed)
    for s_ in shots:
        s_.pop("pip_ecef_m", None)
    return Result(sc, seed, truth, meas, history, tuple(events), killed,
                  classified, tuple(shots), summary, {tid: label(tid) for tid in votes})


def _latest_pip(update, t_intercept_s: float, model):
    """ECEF position (3,) at the intercept time flown from a track's latest update ``(history, row)``
    (None if the track was never updated); a deleted track's last update still serves."""
    if update is None:
        return None
    hist, j = update
    t_u, x_u, P_u = hist.t_s[j], hist.x_eci[j], hist.P_eci[j]
    x, _ = predict(x_u[None], P_u[None], np.array([t_intercept_s - t_u]), 0.0, model)
    r, _ = _ecef(x, np.array([t_intercept_s]), model)
    return r[0]


def _ecef(x_eci, t_s, model):
    return eci_to_ecef(x_eci[:, :3], x_eci[:, 3:], t_s, 0.0, model.omega_rad_s)


def _summary(truth: Truth, classified: dict, shots: list[dict], killed: np.ndarray) -> dict:
    """Counts per launch: a launch is a threat when one of its tracks was classified a threat."""
    threat_objs = {c[2] for c in classified.values() if c[0] == "threat" and c[2] is not None}
    engaged_objs = set()
    for s_ in shots:
        c = classified.get(s_["track"])
        if c is not None and c[2] is not None:
            engaged_objs.add(c[2])
    intercepted = {truth.ids[o] for o in range(len(truth)) if np.isfinite(killed[o])}
    fired = sum(s_["state"] in ("hit", "miss", "launched") for s_ in shots)
    return {"launches": len(truth), "threats": len(threat_objs), "engaged": len(engaged_objs & threat_objs),
            "intercepted": len(intercepted), "leakers": len(threat_objs - intercepted),
            "interceptors_fired": int(fired)}
