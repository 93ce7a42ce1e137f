"""TEMPORARY (replaced by the earth branch): point mass + J2 gravity kernel."""
import math
from .._numba import njit_inline

@njit_inline
def gravity_xyz(x, y, z, mu, j2, re):
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    k = -mu / (r2 * r)
    if j2 == 0.0:
        return k * x, k * y, k * z
    zr2 = z * z / r2
    c = 1.5 * j2 * re * re / r2
    fxy = 1.0 + c * (1.0 - 5.0 * zr2)
    fz = 1.0 + c * (3.0 - 5.0 * zr2)
    return k * x * fxy, k * y * fxy, k * z * fz
