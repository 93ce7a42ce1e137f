"""The smooth copy of US Standard Atmosphere 1976 that the integrators use for drag."""

import numba
import numpy as np

from jointshield.earth.atmosphere import (
    UPPER_LN_RHO,
    UPPER_Z_M,
    atmosphere,
    us76_smooth_density_sound_speed,
)


@numba.njit
def _smooth(h):
    rho = np.empty(h.shape)
    a = np.empty(h.shape)
    for i in range(h.size):
        rho[i], a[i] = us76_smooth_density_sound_speed(h[i])
    return rho, a


def test_within_0p15_percent_of_the_standard_below_86_km():
    h = np.linspace(0.0, 85_999.0, 200_001)
    rho, a = _smooth(h)
    exact = atmosphere(h)
    assert np.max(np.abs(rho / exact.density_kg_m3 - 1)) < 1.5e-3
    assert np.max(np.abs(a - exact.sound_speed_m_s)) < 0.2  # m/s


def test_equals_the_table_rows_above_86_km_and_is_smooth():
    rho, _ = _smooth(UPPER_Z_M[:-1].copy())
    np.testing.assert_allclose(np.log(rho), UPPER_LN_RHO[:-1], rtol=0, atol=1e-12)
    # C1 at every node: one-sided slopes of ln ρ agree (the standard's own slopes jump by up to ~30%).
    nodes = np.concatenate([np.arange(500.0, 86_000.0, 500.0), UPPER_Z_M[1:-1]])
    d = 1e-3
    lr = np.log(_smooth(nodes + d)[0]) - np.log(_smooth(nodes)[0])
    ll = np.log(_smooth(nodes)[0]) - np.log(_smooth(nodes - d)[0])
    np.testing.assert_allclose(lr, ll, rtol=1e-4)
    h = np.linspace(0.0, 2_000e3, 100_001)
    assert np.all(np.diff(_smooth(h)[0]) < 0)


def test_holds_sea_level_below_ground():
    rho, a = _smooth(np.array([-100.0, 0.0]))
    assert rho[0] == rho[1] and a[0] == a[1]
    assert abs(rho[1] - 1.225) < 1e-3
