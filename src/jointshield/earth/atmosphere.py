"""US Standard Atmosphere 1976 (NOAA, NASA, USAF; U.S. Government Printing Office, Washington D.C., 1976;
NASA-TM-X-74335), the atmosphere of the ``wgs84`` Earth model.

Input is geometric altitude Z (m) above the surface. What is implemented, and from where:

- **Below 86 km**: the standard's seven layers of linear molecular-scale temperature T_M in geopotential
  altitude H = r0 Z / (r0 + Z) with r0 = 6 356 766 m (eq. 18), hydrostatic pressure (eqs. 33a, 33b),
  density ρ = P M0 / (R* T_M) (eq. 42) and speed of sound a = sqrt(γ R* T_M / M0) (eq. 50), with the
  constants of Tables 2 to 4 (R* = 8314.32 J kmol⁻¹ K⁻¹, M0 = 28.9644 kg/kmol, g0 = 9.80665 m/s², γ = 1.4,
  layer bases H_b and gradients L_M,b of Table 4). The base temperatures and pressures are chained from
  the sea-level values (288.15 K, 101 325 Pa) with these same formulas, so that every layer meets the
  next exactly; they reproduce Table 4's printed P_b to its seven figures. The kinetic temperature is
  T = T_M · M/M0 with M/M0 from Table 8 (1 below 80 km, down to 0.999579 at 86 km), linearly interpolated
  in its 0.5 km steps. The standard starts at −5 km; below that the first layer is continued (an
  integrator may step a little below the ground before the impact event stops it).
- **86 km to 1000 km**: temperature by the standard's closed forms (eqs. 25 to 32: isothermal to 91 km,
  an elliptical arc to 110 km, +12 K/km to 120 km, then the exponential approach to T∞ = 1000 K). Density
  and pressure are piecewise exponential in Z (linear interpolation of their logarithms) between the
  values of the standard's Table I at the altitudes in :data:`UPPER_TABLE`; the 86 km node is the lower
  model's own value, so nothing jumps there. The standard's full model above 86 km (diffusion of the
  species) is not reproduced: between nodes the interpolation departs from it by up to about 5 %
  (largest between 200 and 250 km, where the nodes are 50 km apart), far below the uncertainty of the real thermosphere and irrelevant to drag on a missile there.
  The speed of sound, which the standard does not define above 86 km, is held at its 86 km value
  (274.1 m/s) so that Mach-dependent drag coefficients stay defined.
- **Above 1000 km**: the last exponential segment (900 to 1000 km, scale height ~210 km) is continued,
  so density keeps falling smoothly (3.6e-15 kg/m³ at 1000 km, ~3e-17 at 2000 km) instead of stepping
  to zero; pressure likewise, temperature stays at ~1000 K.

Everything is continuous in altitude (no step > 1e-6 relative), since an adaptive integrator uses it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .._numba import njit_inline

# -- Constants of the standard (US76 Tables 2 and 3) -------------------------------------------------------
R_STAR = 8.31432e3
"""Universal gas constant as the standard defines it (J kmol⁻¹ K⁻¹)."""
M0 = 28.9644
"""Sea-level mean molecular weight (kg/kmol)."""
G0 = 9.80665
"""Standard gravity (m/s²; the standard's g0' in m² s⁻² m'⁻¹ for geopotential metres)."""
R0 = 6356766.0
"""Effective Earth radius for the geopotential altitude (m)."""
GAMMA = 1.4
"""Ratio of specific heats of air."""
T0 = 288.15
"""Sea-level temperature (K)."""
P0 = 101325.0
"""Sea-level pressure (Pa)."""

# -- The seven layers below 86 km (US76 Table 4), geopotential metres ---------------------------------------
H_BASE_M = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0, 84852.0])
"""Layer bases H_b (m', geopotential); the last entry is the top of the seventh layer (Z = 86 km)."""
LAPSE_K_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
"""Molecular-scale temperature gradients L_M,b (K per m')."""

_GMR = G0 * M0 / R_STAR  # hydrostatic constant g0 M0 / R* (K per m')


def _chain_bases() -> tuple[np.ndarray, np.ndarray]:
    """Base temperatures T_M,b (K) and pressures P_b (Pa) of the seven layers, chained from sea level."""
    t_base, p_base = [T0], [P0]
    for i in range(7):
        dh = H_BASE_M[i + 1] - H_BASE_M[i]
        t_top = t_base[i] + LAPSE_K_M[i] * dh
        if LAPSE_K_M[i] == 0.0:
            p_top = p_base[i] * math.exp(-_GMR * dh / t_base[i])
        else:
            p_top = p_base[i] * (t_base[i] / t_top) ** (_GMR / LAPSE_K_M[i])
        t_base.append(t_top)
        p_base.append(p_top)
    return np.array(t_base), np.array(p_base)


T_BASE_K, P_BASE_PA = _chain_bases()
"""T_M,b (K) and P_b (Pa) at H_BASE_M, chained (Table 4 prints 101325, 22632.06, 5474.889, 868.0187,
110.9063, 66.93887, 3.956420 and, at the top, 0.3733836 Pa)."""

# -- M/M0 from 80 to 86 km (US76 Table 8), geometric altitude ------------------------------------------------
MOLECULAR_WEIGHT_RATIO_Z_M = np.arange(80000.0, 86001.0, 500.0)
MOLECULAR_WEIGHT_RATIO = np.array(
    [1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
     0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579]
)  # fmt: skip

Z_86_M = 86000.0
"""Top of the seven-layer model, geometric (m)."""


def _lower_scalar(z_m: float) -> tuple[float, float]:
    """(T_M in K, P in Pa) of the seven-layer model at geometric altitude z_m (m), in plain Python."""
    hg = R0 * z_m / (R0 + z_m)
    i = int(np.clip(np.searchsorted(H_BASE_M[1:7], hg, side="right"), 0, 6))
    tm = T_BASE_K[i] + LAPSE_K_M[i] * (hg - H_BASE_M[i])
    if LAPSE_K_M[i] == 0.0:
        return tm, P_BASE_PA[i] * math.exp(-_GMR * (hg - H_BASE_M[i]) / T_BASE_K[i])
    return tm, P_BASE_PA[i] * (T_BASE_K[i] / tm) ** (_GMR / LAPSE_K_M[i])


_TM_86, _P_86 = _lower_scalar(Z_86_M)
RHO_86 = _P_86 * M0 / (R_STAR * _TM_86)
"""Density at 86 km of the seven-layer model (kg/m³); Table I prints 6.958e-6."""
SOUND_SPEED_86 = math.sqrt(GAMMA * R_STAR * _TM_86 / M0)
"""Speed of sound at 86 km (m/s), held above; Table I prints 274.10."""

# -- Above 86 km: US76 Table I (geometric altitude), pressure converted from mb to Pa ---------------------
UPPER_TABLE = (
    # Z (km), P (Pa),    rho (kg/m³)   -- U.S. Standard Atmosphere 1976, Table I
    (90.0, 1.8359e-1, 3.416e-6),
    (95.0, 7.5966e-2, 1.393e-6),
    (100.0, 3.2011e-2, 5.604e-7),
    (110.0, 7.1042e-3, 9.708e-8),
    (115.0, 4.0096e-3, 4.289e-8),
    (120.0, 2.5382e-3, 2.222e-8),
    (130.0, 1.2505e-3, 8.152e-9),
    (140.0, 7.2028e-4, 3.831e-9),
    (150.0, 4.5422e-4, 2.076e-9),
    (160.0, 3.0395e-4, 1.233e-9),
    (180.0, 1.5271e-4, 5.194e-10),
    (200.0, 8.4736e-5, 2.541e-10),
    (250.0, 2.4767e-5, 6.073e-11),
    (300.0, 8.7704e-6, 1.916e-11),
    (350.0, 3.4498e-6, 7.014e-12),
    (400.0, 1.4518e-6, 2.803e-12),
    (450.0, 6.4468e-7, 1.184e-12),
    (500.0, 3.0236e-7, 5.215e-13),
    (600.0, 8.2130e-8, 1.137e-13),
    (700.0, 3.1908e-8, 3.070e-14),
    (750.0, 2.2599e-8, 1.788e-14),
    (800.0, 1.7036e-8, 1.136e-14),
    (900.0, 1.0873e-8, 5.759e-15),
    (1000.0, 7.5138e-9, 3.561e-15),
)
"""Nodes of the piecewise-exponential density and pressure above 86 km: (Z km, P Pa, ρ kg/m³), as printed
in the standard's Table I (the 86 km node is the seven-layer model's own value)."""

UPPER_Z_M = np.array([Z_86_M] + [row[0] * 1000.0 for row in UPPER_TABLE])
UPPER_LN_P = np.log(np.array([_P_86] + [row[1] for row in UPPER_TABLE]))
UPPER_LN_RHO = np.log(np.array([RHO_86] + [row[2] for row in UPPER_TABLE]))

# -- Temperature above 86 km (US76 eqs. 25-32 and the constants printed with them) ------------------------
T7 = 186.8673
"""Kinetic temperature from 86 to 91 km (K)."""
T9, Z9_M, LAPSE_9_K_M = 240.0, 110000.0, 12.0e-3
T10, Z10_M, T_INF = 360.0, 120000.0, 1000.0
_LAMBDA = LAPSE_9_K_M / (T_INF - T10)  # 1/m: λ = L_K,9 / (T∞ − T10) = 0.01875 /km
# The elliptical arc from 91 to 110 km is fixed by meeting T7 with zero slope at 91 km and T9 with
# slope 12 K/km at 110 km. Solving those conditions (rather than using the printed, rounded
# Tc = 263.1905 K, A = −76.3232 K, a = −19.9429 km) keeps T continuous at 110 km to 1e-12 instead of 1e-6.
_S = (T9 - T7) / (LAPSE_9_K_M * (110000.0 - 91000.0) - (T9 - T7))
ELLIPSE_A_K = -(T9 - T7) / (1.0 - _S)
ELLIPSE_TC_K = T7 - ELLIPSE_A_K
ELLIPSE_SEMI_AXIS_M = -(110000.0 - 91000.0) / math.sqrt(1.0 - _S * _S)


class Atmosphere(NamedTuple):
    """State of the US Standard Atmosphere 1976; every field has the shape of the altitude given."""

    temperature_k: np.ndarray
    """Kinetic temperature (K)."""
    pressure_pa: np.ndarray
    """Pressure (Pa)."""
    density_kg_m3: np.ndarray
    """Mass density (kg/m³)."""
    sound_speed_m_s: np.ndarray
    """Speed of sound (m/s); held at its 86 km value above 86 km."""


@njit_inline
def us76_density_sound_speed(h_m):
    """Compiled scalar kernel: (density kg/m³, speed of sound m/s) at geometric altitude ``h_m`` (m).

    US Standard Atmosphere 1976 as described in the module docstring: the seven layers below 86 km,
    the piecewise-exponential fit to Table I above, the speed of sound held at 274.1 m/s above 86 km.
    """
    if h_m < Z_86_M:
        hg = R0 * h_m / (R0 + h_m)
        i = 0
        while i < 6 and hg >= H_BASE_M[i + 1]:
            i += 1
        tm = T_BASE_K[i] + LAPSE_K_M[i] * (hg - H_BASE_M[i])
        if LAPSE_K_M[i] == 0.0:
            p = P_BASE_PA[i] * np.exp(-_GMR * (hg - H_BASE_M[i]) / T_BASE_K[i])
        else:
            p = P_BASE_PA[i] * (T_BASE_K[i] / tm) ** (_GMR / LAPSE_K_M[i])
        return p * M0 / (R_STAR * tm), np.sqrt(GAMMA * R_STAR * tm / M0)
    n = UPPER_Z_M.shape[0]
    j = 0
    while j < n - 2 and h_m >= UPPER_Z_M[j + 1]:
        j += 1
    slope = (UPPER_LN_RHO[j + 1] - UPPER_LN_RHO[j]) / (UPPER_Z_M[j + 1] - UPPER_Z_M[j])
    return np.exp(UPPER_LN_RHO[j] + slope * (h_m - UPPER_Z_M[j])), SOUND_SPEED_86


def _upper_temperature(z_m: np.ndarray) -> np.ndarray:
    """Kinetic temperature (K) above 86 km, US76 eqs. 25-32, for geometric altitudes z_m (m) ≥ 86 km."""
    x = np.clip((z_m - 91000.0) / ELLIPSE_SEMI_AXIS_M, -1.0, 1.0)
    ellipse = ELLIPSE_TC_K + ELLIPSE_A_K * np.sqrt(1.0 - x * x)
    linear = T9 + LAPSE_9_K_M * (z_m - Z9_M)
    xi = (z_m - Z10_M) * (R0 + Z10_M) / (R0 + z_m)
    exponential = T_INF - (T_INF - T10) * np.exp(-_LAMBDA * xi)
    return np.select(
        [z_m < 91000.0, z_m < Z9_M, z_m < Z10_M], [np.full_like(z_m, T7), ellipse, linear], exponential
    )


def atmosphere(h_m: ArrayLike) -> Atmosphere:
    """US Standard Atmosphere 1976 at geometric altitudes ``h_m`` (m, any shape): temperature, pressure,
    density and speed of sound, each of the shape of ``h_m``. Vectorised numpy; the same model as the
    compiled kernel :func:`us76_density_sound_speed` (see the module docstring for sources and limits).
    """
    z = np.asarray(h_m, dtype=float)
    lower = z < Z_86_M

    # Seven layers (evaluated everywhere, then selected: cheaper than fancy indexing for big batches).
    hg = R0 * z / (R0 + z)
    i = np.clip(np.searchsorted(H_BASE_M[1:7], hg, side="right"), 0, 6)
    lapse = LAPSE_K_M[i]
    dh = hg - H_BASE_M[i]
    tm = T_BASE_K[i] + lapse * dh
    isothermal = lapse == 0.0
    safe_lapse = np.where(isothermal, 1.0, lapse)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p_grad = P_BASE_PA[i] * (T_BASE_K[i] / tm) ** (_GMR / safe_lapse)
        p_iso = P_BASE_PA[i] * np.exp(-_GMR * dh / T_BASE_K[i])
    p_low = np.where(isothermal, p_iso, p_grad)
    ratio = np.interp(z, MOLECULAR_WEIGHT_RATIO_Z_M, MOLECULAR_WEIGHT_RATIO)

    # Above 86 km: log-linear between Table I nodes, the last segment continued above 1000 km.
    j = np.clip(np.searchsorted(UPPER_Z_M, z, side="right") - 1, 0, UPPER_Z_M.size - 2)
    frac = (z - UPPER_Z_M[j]) / (UPPER_Z_M[j + 1] - UPPER_Z_M[j])
    with np.errstate(over="ignore", invalid="ignore"):
        p_up = np.exp(UPPER_LN_P[j] + frac * (UPPER_LN_P[j + 1] - UPPER_LN_P[j]))
        rho_up = np.exp(UPPER_LN_RHO[j] + frac * (UPPER_LN_RHO[j + 1] - UPPER_LN_RHO[j]))
        t_up = _upper_temperature(np.maximum(z, Z_86_M))

    return Atmosphere(
        temperature_k=np.where(lower, tm * ratio, t_up),
        pressure_pa=np.where(lower, p_low, p_up),
        density_kg_m3=np.where(lower, p_low * M0 / (R_STAR * tm), rho_up),
        sound_speed_m_s=np.where(lower, np.sqrt(GAMMA * R_STAR * np.maximum(tm, 0.0) / M0), SOUND_SPEED_86),
    )


# --- A smooth copy of the standard for the integrators ------------------------------------------------
#
# The standard's density has corners: its temperature is piecewise linear below 86 km, so the slope of
# ln ρ jumps at every layer base, and above 86 km the fit above is log-linear between table rows. An
# adaptive integrator pays for every corner it crosses with rejected steps (about 40 extra steps per
# reentry; see the drag row of `make bench`). Drag in the flight kernels therefore uses cubic splines
# (C², scipy's CubicSpline, not-a-knot ends) of ln ρ and of the speed of sound: through the standard
# sampled every 500 m from 0 to 86 km, and through the Table I rows above (the same nodes as the fit).
# Below 86 km it is within 0.15% of the standard (tests/test_earth_atmosphere_smooth.py); at the
# rows above it equals the table; between them it stays within the log-linear fit's own ~5%.

SMOOTH_STEP_M = 500.0
"""Node spacing of the smooth density below 86 km (m)."""


def _smooth_tables():
    from scipy.interpolate import CubicSpline  # scipy only here, at import: the kernels get arrays

    lower = np.arange(0.0, Z_86_M, SMOOTH_STEP_M)
    z = np.concatenate([lower, UPPER_Z_M])
    ln_rho = np.concatenate([np.log(atmosphere(lower).density_kg_m3), UPPER_LN_RHO])
    rho_spline = CubicSpline(z, ln_rho)
    a_nodes = np.append(lower, Z_86_M)
    a_spline = CubicSpline(a_nodes, atmosphere(a_nodes).sound_speed_m_s)
    return (np.ascontiguousarray(z), np.ascontiguousarray(rho_spline.c.T),
            np.ascontiguousarray(a_spline.c.T))


SMOOTH_Z_M, SMOOTH_LN_RHO_COEF, SMOOTH_SOUND_COEF = _smooth_tables()
_N_LOWER = round(Z_86_M / SMOOTH_STEP_M)
_TOP_SLOPE = (UPPER_LN_RHO[-1] - UPPER_LN_RHO[-2]) / (UPPER_Z_M[-1] - UPPER_Z_M[-2])


@njit_inline
def us76_smooth_density_sound_speed(h_m):
    """Compiled scalar kernel: (density kg/m³, speed of sound m/s) at geometric altitude ``h_m`` (m) from
    the C² splines of the standard described above. Below 0 m it holds the sea-level values; above the
    last table row (1,000 km) ln ρ continues along the last row's slope and the sound speed is held."""
    h = max(h_m, 0.0)
    if h < Z_86_M:
        i = min(int(h / SMOOTH_STEP_M), _N_LOWER - 1)
        dx = h - i * SMOOTH_STEP_M
        c = SMOOTH_LN_RHO_COEF[i]
        s = SMOOTH_SOUND_COEF[i]
        ln_rho = ((c[0] * dx + c[1]) * dx + c[2]) * dx + c[3]
        return np.exp(ln_rho), ((s[0] * dx + s[1]) * dx + s[2]) * dx + s[3]
    n = SMOOTH_Z_M.shape[0]
    if h >= SMOOTH_Z_M[n - 1]:
        return np.exp(UPPER_LN_RHO[-1] + _TOP_SLOPE * (h - SMOOTH_Z_M[n - 1])), SOUND_SPEED_86
    i = _N_LOWER
    while SMOOTH_Z_M[i + 1] <= h:
        i += 1
    dx = h - SMOOTH_Z_M[i]
    c = SMOOTH_LN_RHO_COEF[i]
    return np.exp(((c[0] * dx + c[1]) * dx + c[2]) * dx + c[3]), SOUND_SPEED_86
