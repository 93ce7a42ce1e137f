"""The capability statement: threat class × launch region × target region → share engageable, shots.

What partners would exchange to show that a system is, or is not, limited. For each threat class (a
missile type) and each pair of a launch region and a target region (``analysis:`` of the scenario, with
defaults, :func:`~jointshield.scenario.analysis_schema.resolved_analysis`):

- ``points_per_region`` points are drawn uniformly (on the sphere) inside each region from a generator
  seeded with the statement's seed (one stream per region, in order), and every launch point is paired
  with every target point (n² pairs), each evaluated by :func:`~.engage.engage_pairs`;
- **reachable**: pairs the missile can fly; **engageable_fraction**: the share of those some site with
  interceptors can intercept (NaN → null when none is reachable); **shots_available**: the median, over
  the engageable pairs, of the interceptors their windows leave room for; **median_margin_s**: the median
  best-site margin over the reachable pairs that come within reach.

The statement records the scenario's content hash (SHA-256 of its validated content as canonical JSON,
so formatting and comments do not count), the code version, the seed, the delays, and a digest of
everything else; :func:`verify_statement` recomputes it and says which of these differ.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from .. import __version__
from .architecture import Architecture, Delays
from .engage import engage_pairs

__all__ = ["KIND", "Verification", "capability_statement", "scenario_hash", "statement_digest", "verify_statement"]

KIND = "jointshield capability statement"
MARGIN_TOLERANCE_S = 1.0
"""Recomputed median margins may differ by this much (s) and still match (floating point across machines)."""


def scenario_hash(scenario) -> str:
    """SHA-256 (hex) of the scenario's validated content as canonical JSON."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def statement_digest(doc: dict) -> str:
    """SHA-256 (hex) of a statement's canonical JSON without its ``digest`` field."""
    body = {k: v for k, v in doc.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def sample_region(region, n: int, rng: np.random.Generator, model) -> np.ndarray:
    """``n`` points (lat_deg, lon_deg) uniform on the sphere inside ``region`` (rejection sampling in its
    bounding box, in batches); the region's centre when it is too small to hit."""
    from .maps import region_centre_deg, region_outline_deg

    blat, blon = region_outline_deg(region)
    s0, s1 = np.sin(np.deg2rad(max(blat.min(), -90.0))), np.sin(np.deg2rad(min(blat.max(), 90.0)))
    got: list[np.ndarray] = []
    have = 0
    for _ in range(50):
        m = max(4 * n, 64)
        lat = np.rad2deg(np.arcsin(rng.uniform(s0, s1, m)))
        lon = rng.uniform(blon.min(), blon.max(), m)
        lon = np.mod(lon + 180.0, 360.0) - 180.0
        inside = np.asarray(region.contains(np.deg2rad(lat), np.deg2rad(lon), model), bool)
        pts = np.stack([lat[inside], lon[inside]], axis=1)
        got.append(pts)
        have += len(pts)
        if have >= n:
            break
    pts = np.concatenate(got)[:n] if have else np.empty((0, 2))
    if len(pts) == 0:
        pts = np.array([region_centre_deg(region)])
    return pts


def _median(x) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return round(float(np.median(x)), 1) if x.size else None


def capability_statement(scenario, *, seed: int | None = None, code_version: str = __version__,
                         scenario_ref: str | None = None, delays: Delays | None = None, progress=None) -> dict:
    """The capability statement of ``scenario`` as a JSON-ready dict (see the module docstring).

    ``seed``: default the scenario's; ``code_version``: recorded as given (adapters pass a version that
    identifies the sources); ``scenario_ref``: how to find the scenario again (a bundled name or a path),
    recorded for ``verify``. ``progress(done, total)`` per threat class.
    """
    from ..scenario.analysis_schema import resolved_analysis

    seed = scenario.seed if seed is None else int(seed)
    spec = resolved_analysis(scenario)
    arch = Architecture.from_scenario(scenario, delays)
    model = scenario.earth_model
    n = spec["points_per_region"]
    streams = np.random.SeedSequence(seed).spawn(len(spec["launch_regions"]) + len(spec["target_regions"]))
    regions = list(spec["launch_regions"].items()) + list(spec["target_regions"].items())
    points = {("launch" if i < len(spec["launch_regions"]) else "target", name): sample_region(
        reg, n, np.random.default_rng(streams[i]), model) for i, (name, reg) in enumerate(regions)}
    arch.tables()
    rows = []
    combos = [(lr, tr) for lr in spec["launch_regions"] for tr in spec["target_regions"]]
    for ti, threat in enumerate(spec["threats"]):
        vehicle = scenario.vehicle(threat)
        la, lo, ta, to, which = [], [], [], [], []
        for ci, (lr, tr) in enumerate(combos):
            lp, tp = points[("launch", lr)], points[("target", tr)]
            la.append(np.repeat(lp[:, 0], len(tp)))
            lo.append(np.repeat(lp[:, 1], len(tp)))
            ta.append(np.tile(tp[:, 0], len(lp)))
            to.append(np.tile(tp[:, 1], len(lp)))
            which.append(np.full(len(lp) * len(tp), ci))
        which = np.concatenate(which)
        res = engage_pairs(arch, vehicle, np.concatenate(la), np.concatenate(lo), np.concatenate(ta),
                           np.concatenate(to))
        for ci, (lr, tr) in enumerate(combos):
            sel = which == ci
            reach = res.reachable[sel]
            eng = res.engageable[sel] & reach
            nr = int(reach.sum())
            rows.append({
                "threat": threat, "launch_region": lr, "target_region": tr, "pairs": int(sel.sum()),
                "reachable": nr, "engageable": int(eng.sum()),
                "engageable_fraction": round(float(eng.sum()) / nr, 4) if nr else None,
                "shots_available": _median(res.shots[sel][eng]) if eng.any() else 0,
                "median_margin_s": _median(res.best_margin_s[sel][reach]),
            })
        if progress:
            progress(ti + 1, len(spec["threats"]))
    doc = {
        "kind": KIND,
        "scenario": scenario.name,
        "scenario_ref": scenario_ref,
        "scenario_sha256": scenario_hash(scenario),
        "code_version": code_version,
        "seed": seed,
        "delays": arch.delays.as_dict(),
        "analysis": {"threats": spec["threats"], "launch_regions": {k: r.describe() for k, r in spec["launch_regions"].items()},
                     "target_regions": {k: r.describe() for k, r in spec["target_regions"].items()},
                     "points_per_region": n},
        "sites": [{"id": s, "interceptor": t.name, "inventory": int(inv)} for s, t, inv in zip(
            arch.sites.ids, arch.sites.types, arch.sites.inventory, strict=True)],
        "rows": rows,
    }
    doc = json.loads(json.dumps(doc, default=_jsonable))  # plain JSON types, as a file would hold them
    doc["digest"] = statement_digest(doc)
    return doc


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_statement`: ``matches`` and one (name, ok, detail) per check."""

    matches: bool
    checks: tuple[tuple[str, bool, str], ...]
    recomputed: dict | None

    def as_dict(self) -> dict:
        return {"matches": self.matches, "checks": [{"check": c, "ok": ok, "detail": d} for c, ok, d in self.checks]}


def _rows_equal(a: list[dict], b: list[dict]) -> tuple[bool, str]:
    if len(a) != len(b):
        return False, f"{len(a)} rows recorded, {len(b)} recomputed"
    for ra, rb in zip(a, b, strict=True):
        for k in set(ra) | set(rb):
            va, vb = ra.get(k), rb.get(k)
            if k == "median_margin_s" and va is not None and vb is not None:
                if abs(va - vb) > MARGIN_TOLERANCE_S:
                    return False, f"{ra.get('threat')}/{ra.get('launch_region')}/{ra.get('target_region')}: {k} {va} vs {vb}"
            elif va != vb:
                return False, f"{ra.get('threat')}/{ra.get('launch_region')}/{ra.get('target_region')}: {k} {va} vs {vb}"
    return True, f"{len(a)} rows equal"


def verify_statement(doc: dict, scenario, *, code_version: str = __version__, progress=None) -> Verification:
    """Recompute a statement on ``scenario`` with its recorded seed and delays, and compare: its digest
    (unedited), the scenario's content hash, the code version, and every row."""
    checks = []
    if doc.get("kind") != KIND:
        return Verification(False, (("kind", False, f"not a capability statement (kind {doc.get('kind')!r})"),), None)
    ok = doc.get("digest") == statement_digest(doc)
    checks.append(("digest", ok, "the statement is as written" if ok else "the statement was edited after it was made"))
    h = scenario_hash(scenario)
    ok = doc.get("scenario_sha256") == h
    checks.append(("scenario", ok, "same content" if ok else f"the scenario changed (recorded {str(doc.get('scenario_sha256'))[:12]}…, "
                   f"now {h[:12]}…)"))
    ok = doc.get("code_version") == code_version
    checks.append(("code_version", ok, code_version if ok else f"recorded {doc.get('code_version')}, running {code_version}"))
    try:
        seed = int(doc["seed"])
        delays = Delays(**doc.get("delays", {}))
    except (KeyError, TypeError, ValueError) as exc:
        checks.append(("seed", False, f"unreadable seed or delays: {exc}"))
        return Verification(False, tuple(checks), None)
    again = capability_statement(scenario, seed=seed, code_version=code_version, scenario_ref=doc.get("scenario_ref"),
                                 delays=delays, progress=progress)
    ok, detail = _rows_equal(doc.get("rows", []), again["rows"])
    checks.append(("rows", ok, f"recomputed with seed {seed}: {detail}"))
    return Verification(all(c[1] for c in checks), tuple(checks), again)
