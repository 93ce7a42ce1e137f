"""TEMPORARY (replaced by the earth branch)."""
import math
from .._numba import njit_inline

@njit_inline
def geodetic_latitude_altitude_xyz(x, y, z, a, f):
    p = math.sqrt(x * x + y * y)
    if f == 0.0:
        return math.atan2(z, p), math.sqrt(x * x + y * y + z * z) - a
    e2 = f * (2.0 - f)
    lat = math.atan2(z, p * (1.0 - e2))
    for _ in range(6):
        s = math.sin(lat)
        n = a / math.sqrt(1.0 - e2 * s * s)
        h = p / math.cos(lat) - n if abs(lat) < 1.0 else z / s - n * (1.0 - e2)
        lat = math.atan2(z, p * (1.0 - e2 * n / (n + h)))
    s = math.sin(lat)
    n = a / math.sqrt(1.0 - e2 * s * s)
    h = p * math.cos(lat) + z * s - a * a / n
    return lat, h

import numpy as np

def geodetic_to_ecef(lat_rad, lon_rad, h_m, model=None):
    from .models import WGS84
    model = model or WGS84
    lat, lon, h = np.broadcast_arrays(np.asarray(lat_rad, float), np.asarray(lon_rad, float), np.asarray(h_m, float))
    e2 = model.e2
    n = model.a_m / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.stack([(n + h) * np.cos(lat) * np.cos(lon), (n + h) * np.cos(lat) * np.sin(lon), (n * (1 - e2) + h) * np.sin(lat)], -1)

def ecef_to_geodetic(r, model=None):
    from .models import WGS84
    model = model or WGS84
    r = np.asarray(r, float)
    out = np.vectorize(lambda x, y, z: geodetic_latitude_altitude_xyz(x, y, z, model.a_m, model.f))(r[..., 0], r[..., 1], r[..., 2])
    return out[0], np.arctan2(r[..., 1], r[..., 0]), out[1]

def enu_rotation(lat_rad, lon_rad):
    lat = np.asarray(lat_rad, float); lon = np.asarray(lon_rad, float)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    z = np.zeros_like(lat)
    return np.stack([np.stack([-so, co, z], -1), np.stack([-sl * co, -sl * so, cl], -1), np.stack([cl * co, cl * so, sl], -1)], -2)

def _rot(theta):
    c, s = np.cos(theta), np.sin(theta)
    return c, s

def eci_to_ecef(r_eci, v_eci, t_s, theta0_rad=0.0, omega_rad_s=7.292115e-5):
    r = np.asarray(r_eci, float); v = np.asarray(v_eci, float)
    th = theta0_rad + omega_rad_s * np.asarray(t_s, float)
    c, s = np.cos(th)[..., None], np.sin(th)[..., None]
    vr = v - np.cross([0, 0, omega_rad_s], r)
    def R(a):
        return np.stack([c[..., 0] * a[..., 0] + s[..., 0] * a[..., 1], -s[..., 0] * a[..., 0] + c[..., 0] * a[..., 1], a[..., 2]], -1)
    return R(r), R(vr)

def ecef_to_eci(r_ecef, v_ecef, t_s, theta0_rad=0.0, omega_rad_s=7.292115e-5):
    r = np.asarray(r_ecef, float); v = np.asarray(v_ecef, float)
    th = theta0_rad + omega_rad_s * np.asarray(t_s, float)
    c, s = np.cos(th), np.sin(th)
    def R(a):
        return np.stack([c * a[..., 0] - s * a[..., 1], s * a[..., 0] + c * a[..., 1], a[..., 2]], -1)
    ri = R(r)
    return ri, R(v) + np.cross([0, 0, omega_rad_s], ri)
