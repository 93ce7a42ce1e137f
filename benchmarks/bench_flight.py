"""Flight rows: batched free flight of ICBM-class trajectories against what a scipy user would write.

Peers, measured side by side in this run on the same machine:
(a) ``scipy.integrate.solve_ivp(method="DOP853")`` called once per trajectory, impact found by its own
    event machinery: the way a scientist writes it first;
(b) one ``solve_ivp`` call on the stacked 6N-dimensional system with a vectorised numpy right-hand
    side: the fastest way a scipy user has. It cannot stop each trajectory at its own impact, so it is
    given the easier job of integrating all of them to a common time (the shortest flight time).
Both peers run at rtol 1e-9, which already meets the 1 m bar against DOP853 at rtol 1e-12.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
from _harness import Context, Row, matmul_peak_flops, median_time
from scipy.integrate import solve_ivp
from scipy.integrate._ivp import dop853_coefficients as dop

from jointshield.earth.frames import ecef_to_eci, ecef_to_geodetic, eci_to_ecef
from jointshield.earth.gravity import gravity
from jointshield.earth.models import WGS84
from jointshield.flight import kernel as k
from jointshield.flight.propagate import burnout_state_ecef, free_flight_ecef

RHS_FLOP = 25
"""Flop of one right-hand side (``earth.gravity._gravity_xyz``, point mass + J2), counted in the source:
|r|² 5, 1/|r| 2, 1/|r|² 1, μ/|r|³ 2, the J2 factor and 5z²/|r|² 4, the two brackets 8, the three products 3."""
EVENT_FLOP = 86
"""Flop of the exact event functions at one state (``kernel.event_values_xyz``): Vermeille's altitude and
normal 75 (its inverse cube root 17 of them; the branch for points deep inside the Earth not counted), the
altitude rate 9, the two levels 2."""
DENSE_STATE_FLOP = 86
"""Flop of one state on a step's dense output (``kernel_lockstep._dense_eval_lanes``): 14 per component
(Horner in x and 1 − x, and the start state), x and 1 − x once."""
HERMITE_ITERATION_FLOP = 44
"""Flop of one Newton iteration on the cubic Hermite first guess of an altitude event
(``kernel.hermite_root``): x, x², x³ 3, the interpolant 19, its slope 20, the update 2."""
STEP_CONTROL_FLOP = 13
"""Flop per lane and step besides the tableau: the error norm's last 6 and the step-size factor 7."""
BLAS_SPIN_S = 0.3
"""Pause before each kernel run that follows a matrix multiply (see ``rows``)."""


def kernel_flops() -> dict[str, int]:
    """Floating-point operations of each unit of work of the lockstep free-flight kernel.

    Counted, not estimated, by one rule: each +, −, ×, ÷ and √ is one flop; a tableau coefficient that is
    zero costs nothing (the generated code has no term for it); a value the code computes once counts
    once. The stage combinations (Y + h Σ a_j K_j: 2n + 1 flop per component for n terms), the error
    estimates and the dense-output coefficients are counted from scipy's DOP853 tableau, the same numbers
    that ``tools/gen_dop853_lanes.py`` writes into the kernel; the rest from the source (the constants
    above). Root-finder updates, bookkeeping and redundant work in vector loops (items that have already
    converged) are not counted, so the rate is a lower bound.
    """
    nz = np.count_nonzero

    def combination(coefs):
        return 6 * (2 * int(nz(coefs)) + 1)

    a = dop.A
    step = (sum(combination(a[s, :s]) for s in range(1, k._NS)) + combination(dop.B) + k._NS * RHS_FLOP
            # error norm per component: scale and its reciprocal 3, both estimates, two products squared
            # and summed 6
            + 6 * (3 + (2 * int(nz(dop.E5)) - 1) + (2 * int(nz(dop.E3)) - 1) + 6)
            + EVENT_FLOP + STEP_CONTROL_FLOP)
    dense = (sum(combination(a[s, :s]) for s in range(k._NS + 1, a.shape[0])) + 3 * RHS_FLOP
             # interpolant coefficients per component: Δy 1, F1 2, F2 4, and four of 2n + 1
             + 6 * (1 + 2 + 4 + sum(2 * int(nz(d)) + 1 for d in dop.D)))
    # first step size (scipy's rule): two right-hand sides, two scaled norms of 6 components, a trial state
    first = 2 * RHS_FLOP + 6 * (8 + 9) + 12 + 10
    return {"step": step, "dense output": dense, "root-finder iteration": DENSE_STATE_FLOP + EVENT_FLOP,
            "Hermite iteration": HERMITE_ITERATION_FLOP, "final state": DENSE_STATE_FLOP, "first step": first}


def flight_flops(batch) -> tuple[int, dict[str, int]]:
    """Flop of a lockstep batch (:func:`kernel_flops` times the kernel's own work counters) and the counts."""
    per = kernel_flops()
    w = batch.kernel_work
    counts = {"step": int(batch.n_steps.sum()), "dense output": w["dense outputs"],
              "root-finder iteration": w["root-finder iterations"], "Hermite iteration": w["Hermite iterations"],
              "final state": w["final states"],
              "first step": int(np.count_nonzero(batch.status != k.ST_BELOW_SURFACE))}
    return sum(per[key] * counts[key] for key in per), counts


def _icbm_states(n: int, seed: int = 2008):
    """N ICBM-class burnout states on the WGS-84 Earth: 200 km up, 6.9–7.2 km/s, 20–30°, any heading."""
    rng = np.random.default_rng(seed)
    lat = np.deg2rad(rng.uniform(-60, 60, n))
    lon = np.deg2rad(rng.uniform(-180, 180, n))
    r, v = burnout_state_ecef(lat, lon, 200e3, rng.uniform(6900, 7200, n), np.deg2rad(rng.uniform(20, 30, n)),
                              rng.uniform(0, 2 * np.pi, n), WGS84)
    return r, v


def _eci(r, v):
    return ecef_to_eci(r, v, np.zeros(len(r)), 0.0, WGS84.omega_rad_s)


def _rhs_one(t, y):
    a = gravity(y[None, :3], WGS84)[0]
    return np.concatenate([y[3:], a])


def _impact_event(t, y):
    r, _ = eci_to_ecef(y[None, :3], y[None, 3:], np.array([t]), 0.0, WGS84.omega_rad_s)
    return float(ecef_to_geodetic(r, WGS84)[2][0]) if t > 1.0 else 1.0


_impact_event.terminal = True
_impact_event.direction = -1


def _peer_per_trajectory(ri, vi, rtol):
    out = []
    for i in range(len(ri)):
        sol = solve_ivp(_rhs_one, (0, 4 * 3600), np.hstack([ri[i], vi[i]]), method="DOP853", rtol=rtol,
                        atol=1e-6, events=_impact_event)
        out.append((sol.t_events[0][0], sol.y_events[0][0]))
    return out


def _peer_stacked(ri, vi, t_end, rtol):
    n = len(ri)

    def f(t, y):
        s = y.reshape(n, 6)
        return np.hstack([s[:, 3:], gravity(s[:, :3], WGS84)]).ravel()

    return solve_ivp(f, (0, t_end), np.hstack([ri, vi]).ravel(), method="DOP853", rtol=rtol, atol=1e-6)


def rows(ctx: Context) -> list[Row]:
    n = 10_000 if ctx.quick else 100_000
    r, v = _icbm_states(n)
    ri, vi = _eci(r, v)

    # Ours: the whole batch, impact located per trajectory. The run may follow another module's matrix
    # multiply (the machine's peak): let OpenBLAS's threads go to sleep first (see the flop rate below).
    time.sleep(BLAS_SPIN_S)
    batch = None

    def ours():
        nonlocal batch
        batch = free_flight_ecef(r, v, WGS84)

    t_ours = median_time(ours, repeat=3 if ctx.quick else 5)
    rate = n / t_ours.median_s
    assert np.all(batch.impacted)
    flop, counts = flight_flops(batch)

    # Accuracy: impact states of a sample against DOP853 at rtol 1e-12.
    n_sample = 16 if ctx.quick else 64
    sample = np.arange(0, n, n // n_sample)[:n_sample]
    ref = _peer_per_trajectory(ri[sample], vi[sample], 1e-12)
    r_imp, _ = batch.event_state_ecef("impact")
    err = []
    for j, i in enumerate(sample):
        t_ref, y_ref = ref[j]
        rr, _ = eci_to_ecef(y_ref[None, :3], y_ref[None, 3:], np.array([t_ref]), 0.0, WGS84.omega_rad_s)
        err.append(np.linalg.norm(r_imp[i] - rr[0]))
    max_err_m = float(np.max(err))

    # Peer (a): per-trajectory solve_ivp on a sample, rate extrapolated (it is linear in N).
    m_a = 20 if ctx.quick else 60
    t_a = median_time(lambda: _peer_per_trajectory(ri[:m_a], vi[:m_a], 1e-9), repeat=3, warmup=0)
    rate_a = m_a / t_a.median_s

    # Peer (b): stacked system, all to the shortest flight time.
    m_b = 1_000 if ctx.quick else 10_000
    t_common = float(np.min(batch.event_t_s[:m_b, k.EV_IMPACT]))
    t_b = median_time(lambda: _peer_stacked(ri[:m_b], vi[:m_b], t_common, 1e-9), repeat=3, warmup=0)
    rate_b = m_b / t_b.median_s

    # With drag through reentry to impact (β = 5000 kg/m², US Standard Atmosphere 1976).
    t_drag = median_time(lambda: free_flight_ecef(r, v, WGS84, beta_kg_m2=5000.0), repeat=3)
    rate_drag = n / t_drag.median_s

    # Flop rate: the kernel call's own time (without the frame conversions around it), each run paired
    # with a matrix multiply right after it, so that both see the same load on a shared machine.
    # After a call OpenBLAS's threads spin for 2^28 clock ticks (~0.1 s) before they sleep
    # (OpenMathLib/OpenBLAS#5171), and a kernel started in that time shares the cores with them: measured
    # 1.5x slower right after a matmul, 1.0-1.15x after a 0.3 s pause. So each kernel run waits that out.
    kernel_s, peaks = [], []
    for _ in range(3 if ctx.quick else 5):
        time.sleep(BLAS_SPIN_S)
        kernel_s.append(free_flight_ecef(r, v, WGS84).kernel_s)
        peaks.append(matmul_peak_flops(n=512 if ctx.quick else 2048, repeat=1))
    t_kernel = float(np.median(kernel_s))
    gflops = flop / t_kernel / 1e9
    peak = float(np.median(peaks)) / 1e9
    per = kernel_flops()
    per_flight = ", ".join(f"{counts[key] / n:.2f} {key}s × {per[key]}" for key in per)
    mean_flight_min = float(np.mean(batch.event_t_s[:, k.EV_IMPACT])) / 60
    common = f"N={n} ICBM-class free flights on WGS-84 + J2, mean {mean_flight_min:.0f} min to impact"
    return [
        Row("free flight, batched vs solve_ivp per trajectory", rate, "trajectories/s",
            "scipy solve_ivp DOP853 per trajectory, rtol 1e-9", rate_a,
            notes=f"{common}; peer on {m_a} trajectories; goal ≥1000×; higher is better"),
        Row("free flight, batched vs stacked solve_ivp", rate, "trajectories/s",
            "scipy solve_ivp DOP853 on the stacked 6N system, vectorised RHS, rtol 1e-9", rate_b,
            notes=f"{common}; peer on {m_b} trajectories to a common end time, no events; goal ≥5×"),
        Row("free flight accuracy: impact point vs DOP853 rtol 1e-12", max_err_m, "m", "bar", 1.0,
            notes=f"largest of {len(sample)} sampled impacts; goal ≤ 1 m; lower is better"),
        Row("free flight kernel floating-point rate", gflops, "GFLOP/s",
            "numpy float64 matmul peak, measured between the kernel runs", peak,
            notes=f"{flop / n:,.0f} flop per flight counted (bench_flight.kernel_flops): {per_flight}; "
                  f"over the kernel call's own time ({t_kernel / t_ours.median_s:.0%} of the whole call); "
                  "goal ≥ 25% of peak"),
        Row("free flight with reentry drag (β 5000 kg/m²), batched", rate_drag, "trajectories/s",
            "same batch without drag", rate, notes=common),
        Row("first call: import + first flight (warm cache)", _first_call_s(), "s", "goal", 5.0,
            notes="subprocess; numba cache=True; lower is better"),
    ]


def _first_call_s() -> float:
    code = ("import time; t=time.perf_counter(); from jointshield.flight.propagate import free_flight; "
            "from jointshield.earth.models import WGS84; free_flight(0.6, 0.9, 0.0, 7000.0, 0.4, 1.0, WGS84); "
            "print(time.perf_counter()-t)")
    times = []
    for _ in range(3):  # the first may compile into the cache; report the warm median
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return float(np.median(times[1:]))


if __name__ == "__main__":  # quick manual run
    t0 = time.time()
    for row in rows(Context(quick=True, machine={})):
        print(row)
    print(time.time() - t0)
