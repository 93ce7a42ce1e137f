"""Analysis grid rows: a defended footprint at 0.5° over Europe against launches from one point in Iran,
and a reach map at 1° over a 40° × 60° launch region toward Warsaw, against the engagement-demo
architecture (Brdy and Gabala radars, ten 7 km/s-class interceptors at Redzikowo).

Each pair is aimed (minimum energy: anchors, Broyden, Newton), flown to impact with its steps recorded,
sampled every 5 s, detected and checked against the site's reach table. Building the reach table (once
per interceptor type and site latitude, cached) is reported in the notes, not in the timing. Goal: each
grid under a minute on 2 cores; the share of the time spent in the flight kernel (propagation) is the
``propagation_s`` of the result.
"""

from __future__ import annotations

import time

from _harness import Context, Row

from jointshield.analysis import Architecture, Grid, footprint, reach_map
from jointshield.scenario import bundled_scenario


def rows(ctx: Context) -> list[Row]:
    sc = bundled_scenario("engagement-demo")
    arch = Architecture.from_scenario(sc)
    t0 = time.perf_counter()
    arch.tables()
    t_table = time.perf_counter() - t0
    irbm = sc.vehicle("notional-irbm")
    step_fp, step_rm = (2.0, 4.0) if ctx.quick else (0.5, 1.0)
    fp = footprint(arch, irbm, [(35.23, 53.92)], Grid.box(34.0, 71.5, -12.0, 54.0, step_fp))
    rm = reach_map(arch, irbm, Grid.box(20.0, 60.0, 20.0, 80.0, step_rm), [(52.23, 21.01)])
    out = []
    for name, res, s in (
        (f"defended footprint, {step_fp:g}° over Europe, launches from Semnan", fp.pairs, fp.summary()),
        (f"reach map, {step_rm:g}° over 40° × 60° (20-60°N, 20-80°E) toward Warsaw", rm.pairs, rm.summary()),
    ):
        share = res.propagation_s / res.seconds
        out.append(Row(name, res.seconds, "s", "goal", 60.0,
                       notes=f"{len(res):,} points at {len(res) / res.seconds:,.0f} points/s; {100 * share:.0f}% of "
                             f"the time in propagation (aiming and flying); {s.get('reachable_pairs', s.get('targets_reached'))} "
                             f"within the missile's range; reach table built once beforehand in {t_table:.1f} s; "
                             "lower is better"))
    return out
