"""TEMPORARY (replaced by the earth branch)."""
import numpy as np
import pyproj
_G = pyproj.Geod(ellps="WGS84")

def _sphere(model):
    return model.f == 0.0

def surface_distance_m(lat1, lon1, lat2, lon2, model):
    if _sphere(model):
        d = np.sin((lat2-lat1)/2)**2 + np.cos(lat1)*np.cos(lat2)*np.sin((lon2-lon1)/2)**2
        return 2*model.a_m*np.arcsin(np.sqrt(np.clip(d,0,1)))
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*map(np.rad2deg, (lat1, lon1, lat2, lon2)))
    return np.asarray(_G.inv(lon1, lat1, lon2, lat2)[2])

def initial_azimuth_rad(lat1, lon1, lat2, lon2, model):
    if _sphere(model):
        y = np.sin(lon2-lon1)*np.cos(lat2)
        x = np.cos(lat1)*np.sin(lat2) - np.sin(lat1)*np.cos(lat2)*np.cos(lon2-lon1)
        return np.mod(np.arctan2(y, x), 2*np.pi)
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*map(np.rad2deg, (lat1, lon1, lat2, lon2)))
    return np.mod(np.deg2rad(_G.inv(lon1, lat1, lon2, lat2)[0]), 2*np.pi)
