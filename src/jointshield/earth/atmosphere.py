"""TEMPORARY (replaced by the earth branch)."""
import math
from .._numba import njit_inline

@njit_inline
def us76_density_sound_speed(h_m):
    if h_m > 1.0e6:
        return 0.0, 300.0
    return 1.225 * math.exp(-h_m / 7200.0), 300.0
