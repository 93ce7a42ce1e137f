"""US Standard Atmosphere 1976 against the standard's printed tables and the ``ambiance`` package (ICAO
Standard Atmosphere 1993, identical to US76 below 80 km); continuity, monotony, compiled vs batched."""

from __future__ import annotations

import numpy as np
import pytest

from jointshield.earth.atmosphere import (
    R0,
    UPPER_TABLE,
    UPPER_Z_M,
    Atmosphere,
    atmosphere,
    us76_density_sound_speed,
)


def _python(kernel):
    """The interpreted source of a compiled kernel (the kernel itself under NUMBA_DISABLE_JIT=1)."""
    return getattr(kernel, "py_func", kernel)


def _geometric(h_geopotential_m):
    """Geometric altitude (m) of a geopotential altitude (m'), US76 eq. 18 inverted."""
    return R0 * h_geopotential_m / (R0 - h_geopotential_m)


# US76 Table 4: layer bases H_b (m'), T_M,b (K) and P_b (N/m² = Pa), as printed (P_b to 7 figures).
TABLE_4 = [
    (0.0, 288.15, 101325.0),
    (11000.0, 216.65, 22632.06),
    (20000.0, 216.65, 5474.889),
    (32000.0, 228.65, 868.0187),
    (47000.0, 270.65, 110.9063),
    (51000.0, 270.65, 66.93887),
    (71000.0, 214.65, 3.956420),
    (84852.0, 186.946, 0.3733836),
]


@pytest.mark.parametrize("h_b, t_b, p_b", TABLE_4)
def test_layer_bases_against_table_4(h_b, t_b, p_b):
    z = _geometric(h_b)
    state = atmosphere(z)
    # T_M,b: Table 4 prints 3 decimals at most, the chained value is exact to rounding; compare the
    # molecular-scale temperature through the density and pressure (kinetic T differs above 80 km).
    t_m = state.pressure_pa * 28.9644 / (8.31432e3 * state.density_kg_m3)
    assert t_m == pytest.approx(t_b, abs=5e-4)
    # P_b: 7 printed figures, i.e. half a unit of the last digit is <= 5e-7 relative; 1e-6 allowed.
    assert state.pressure_pa == pytest.approx(p_b, rel=1e-6)


# US76 Table I (geometric altitude), as printed: Z (km) -> (T K, P Pa, rho kg/m³, sound speed m/s or None).
TABLE_I = {
    0.0: (288.150, 1.01325e5, 1.2250, 340.29),
    11.0: (216.774, 2.2700e4, 3.6480e-1, 295.15),
    20.0: (216.650, 5.5293e3, 8.8910e-2, 295.07),
    86.0: (186.87, 3.7338e-1, 6.958e-6, 274.10),
    90.0: (186.87, 1.8359e-1, 3.416e-6, None),
    100.0: (195.08, 3.2011e-2, 5.604e-7, None),
    110.0: (240.00, 7.1042e-3, 9.708e-8, None),
    120.0: (360.00, 2.5382e-3, 2.222e-8, None),
    150.0: (634.39, 4.5422e-4, 2.076e-9, None),
    200.0: (854.56, 8.4736e-5, 2.541e-10, None),
    300.0: (976.01, 8.7704e-6, 1.916e-11, None),
    500.0: (999.24, 3.0236e-7, 5.215e-13, None),
    750.0: (999.99, 2.2599e-8, 1.788e-14, None),
    1000.0: (1000.00, 7.5138e-9, 3.561e-15, None),
}


@pytest.mark.parametrize("z_km", sorted(TABLE_I))
def test_against_table_i(z_km):
    t, p, rho, a = TABLE_I[z_km]
    state = atmosphere(z_km * 1000.0)
    # Tolerances: the printed rounding (half a unit of the last digit), with a little room for the
    # standard's own computation. Below 86 km the values follow from the formulas; above, the pressures and
    # densities are nodes of the fit (the 86 km node is the lower model's), temperatures the closed forms.
    assert state.temperature_k == pytest.approx(t, abs=6e-3)
    assert state.pressure_pa == pytest.approx(p, rel=5e-5)
    assert state.density_kg_m3 == pytest.approx(rho, rel=1e-4 if z_km < 86.0 else 2e-4)
    if a is not None:
        assert state.sound_speed_m_s == pytest.approx(a, abs=6e-3)
    density, sound_speed = us76_density_sound_speed(z_km * 1000.0)
    assert density == pytest.approx(rho, rel=1e-4 if z_km < 86.0 else 2e-4)
    assert sound_speed == pytest.approx(274.10 if a is None else a, abs=6e-3)


def test_every_upper_node_is_reproduced():
    z = np.array([row[0] for row in UPPER_TABLE]) * 1000.0
    state = atmosphere(z)
    np.testing.assert_allclose(state.pressure_pa, [row[1] for row in UPPER_TABLE], rtol=1e-12)
    np.testing.assert_allclose(state.density_kg_m3, [row[2] for row in UPPER_TABLE], rtol=1e-12)


def test_against_ambiance_icao_1993_below_80_km():
    ambiance = pytest.importorskip("ambiance")
    z = np.linspace(-5000.0, 80000.0, 1701)
    ours = atmosphere(z)
    theirs = ambiance.Atmosphere(z)
    # ICAO 1993 and US76 share the model below 80 km (ICAO's M0 = 28.96442 differs from US76's 28.9644
    # by 7e-7): 1e-4 relative, as specified.
    np.testing.assert_allclose(ours.temperature_k, theirs.temperature, rtol=1e-4)
    np.testing.assert_allclose(ours.pressure_pa, theirs.pressure, rtol=1e-4)
    np.testing.assert_allclose(ours.density_kg_m3, theirs.density, rtol=1e-4)
    np.testing.assert_allclose(ours.sound_speed_m_s, theirs.speed_of_sound, rtol=1e-4)
    compiled = np.array([us76_density_sound_speed(h) for h in z])
    np.testing.assert_allclose(compiled[:, 0], theirs.density, rtol=1e-4)
    np.testing.assert_allclose(compiled[:, 1], theirs.speed_of_sound, rtol=1e-4)


def _boundaries_m():
    lower = [_geometric(h) for h, _, _ in TABLE_4[1:-1]]
    # 80-86 km: Table 8 steps; 86 km: the join; 91, 110, 120 km: temperature segments; all upper nodes.
    return np.array(lower + list(np.arange(80000.0, 86000.0, 500.0)) + [91000.0] + list(UPPER_Z_M))


def test_continuous_at_every_boundary():
    z = _boundaries_m()
    eps = 1e-12 * z  # a relative step of 1e-12 (< 1e-6 m), far below any scale height
    below, above = atmosphere(z - eps), atmosphere(z + eps)
    for field in Atmosphere._fields:
        np.testing.assert_allclose(getattr(below, field), getattr(above, field), rtol=1e-6, err_msg=field)
    k_below = np.array([us76_density_sound_speed(h) for h in z - eps])
    k_above = np.array([us76_density_sound_speed(h) for h in z + eps])
    np.testing.assert_allclose(k_below, k_above, rtol=1e-6)


def test_density_and_pressure_fall_monotonically_and_stay_positive():
    z = np.linspace(-5000.0, 2.5e6, 200001)
    state = atmosphere(z)
    assert np.all(np.diff(state.density_kg_m3) < 0.0)
    assert np.all(np.diff(state.pressure_pa) < 0.0)
    assert np.all(state.density_kg_m3 > 0.0)
    # Above 1000 km the last segment is continued: smaller than at 1000 km, still positive.
    assert 0.0 < atmosphere(2e6).density_kg_m3 < 3.561e-15 / 100


def test_sound_speed_is_held_above_86_km():
    speeds = atmosphere(np.array([86e3, 100e3, 500e3, 5e6])).sound_speed_m_s
    np.testing.assert_array_equal(speeds, speeds[0])
    assert speeds[0] == pytest.approx(274.10, abs=6e-3)  # Table I at 86 km


def test_compiled_and_batched_agree():
    rng = np.random.default_rng(11)
    z = np.concatenate([rng.uniform(-5e3, 90e3, 400), rng.uniform(86e3, 1.5e6, 200), _boundaries_m()])
    state = atmosphere(z)
    compiled = np.array([us76_density_sound_speed(h) for h in z])
    interpreted = np.array([_python(us76_density_sound_speed)(h) for h in z])
    np.testing.assert_allclose(compiled[:, 0], state.density_kg_m3, rtol=1e-12)
    np.testing.assert_allclose(compiled[:, 1], state.sound_speed_m_s, rtol=1e-12)
    np.testing.assert_allclose(compiled, interpreted, rtol=1e-13)


def test_shapes():
    state = atmosphere(np.zeros((4, 5)))
    assert all(np.shape(v) == (4, 5) for v in state)
    assert np.ndim(atmosphere(1000.0).density_kg_m3) == 0


def test_kernels_inline_into_a_compiled_caller():
    # The flight integrator calls the earth kernels from its own compiled right-hand side; this is that
    # use, in miniature: altitude, density, sound speed and gravity in one compiled function.
    from jointshield._numba import njit
    from jointshield.earth.frames import geodetic_altitude_xyz
    from jointshield.earth.gravity import gravity_xyz
    from jointshield.earth.models import WGS84

    @njit
    def rhs(x, y, z, a, f, mu, j2):
        h = geodetic_altitude_xyz(x, y, z, a, f)
        rho, sound = us76_density_sound_speed(h)
        gx, gy, gz = gravity_xyz(x, y, z, mu, j2, a)
        return h, rho, sound, gx, gy, gz

    from jointshield.earth.frames import ecef_to_geodetic, geodetic_to_ecef
    from jointshield.earth.gravity import gravity

    x, y, z = geodetic_to_ecef(0.6, 0.7, 30e3)  # 30 km up: drag and J2 both matter
    h, rho, sound, gx, gy, gz = rhs(x, y, z, WGS84.a_m, WGS84.f, WGS84.mu_m3_s2, WGS84.j2)
    h_ref = float(ecef_to_geodetic(np.array([x, y, z]))[2])
    assert h == pytest.approx(h_ref, abs=1e-8) and h == pytest.approx(30e3, abs=1e-6)
    state = atmosphere(h_ref)
    assert rho == pytest.approx(float(state.density_kg_m3), rel=1e-12)
    assert sound == pytest.approx(float(state.sound_speed_m_s), rel=1e-12)
    np.testing.assert_allclose([gx, gy, gz], gravity(np.array([x, y, z])), rtol=1e-14)
