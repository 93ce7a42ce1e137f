"""Closed-form Keplerian ballistics on a spherical, non-rotating Earth (the `textbook` model).

Free flight above an atmosphere-free sphere is an arc of a Kepler ellipse. Given the burnout radius
``r_b`` (m), speed ``v_b`` (m/s, inertial = Earth-relative on a non-rotating Earth) and flight-path
angle ``gamma_b`` (rad above the local horizontal), these functions give the range angle to a
reentry/impact radius, the time of flight, and the apogee. All are batched over numpy arrays.

Sources: Bate, Mueller & White, *Fundamentals of Astrodynamics* (1971), ch. 6 (ballistic missile
trajectories), eqs. 6.2-7 ff.; Wheelon, "Free flight of a ballistic missile", ARS Journal 29 (1959).
Minimum-energy relation: v²R/μ = 2 sin(ψ/2) / (1 + sin(ψ/2)) at γ = (π − ψ)/4 for burnout and
reentry at the same radius R (Bate, Mueller & White eq. 6.2-16 with Q = v²r/μ).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class KeplerArc(NamedTuple):
    """Free-flight arc from burnout to the impact radius (arrays broadcast over the inputs)."""

    range_angle_rad: np.ndarray
    """Central angle from burnout to impact (rad)."""
    time_of_flight_s: np.ndarray
    """Time from burnout to impact (s)."""
    apogee_radius_m: np.ndarray
    """Largest distance from the Earth's centre on the arc (m); the burnout radius if γ ≤ 0."""
    eccentricity: np.ndarray
    semi_major_axis_m: np.ndarray


def kepler_arc(r_b_m, v_b_m_s, gamma_b_rad, r_impact_m, mu_m3_s2: float) -> KeplerArc:
    """Free-flight range angle, time of flight and apogee of a burnout state (see module docstring).

    The arc must be bound (v² < 2μ/r) and must come down to ``r_impact_m``; other inputs give NaN.
    """
    r = np.asarray(r_b_m, dtype=float)
    v = np.asarray(v_b_m_s, dtype=float)
    g = np.asarray(gamma_b_rad, dtype=float)
    ri = np.asarray(r_impact_m, dtype=float)
    nu = v * v * r / mu_m3_s2  # Q in Bate, Mueller & White
    p = r * nu * np.cos(g) ** 2  # semi-latus rectum: h²/μ with h = r v cos γ
    e = np.sqrt(np.maximum(1.0 + nu * (nu - 2.0) * np.cos(g) ** 2, 0.0))
    a = r / (2.0 - nu)
    # True anomalies, measured from perigee: burnout on the way up if γ > 0.
    cos_nu_b = np.clip((p / r - 1.0) / e, -1.0, 1.0)
    nu_b = np.arccos(cos_nu_b) * np.where(g >= 0.0, 1.0, -1.0)
    cos_nu_i = (p / ri - 1.0) / e
    reachable = (cos_nu_i >= -1.0) & (cos_nu_i <= 1.0) & (nu < 2.0)
    nu_i = 2.0 * np.pi - np.arccos(np.clip(cos_nu_i, -1.0, 1.0))  # descending branch
    nu_b_pos = np.mod(nu_b, 2.0 * np.pi)
    psi = nu_i - nu_b_pos
    tof = _time_since_perigee(nu_i, e, a, mu_m3_s2) - _time_since_perigee(nu_b_pos, e, a, mu_m3_s2)
    r_apo = np.where(g > 0.0, a * (1.0 + e), r)
    nan = np.where(reachable, 1.0, np.nan)
    return KeplerArc(psi * nan, tof * nan, r_apo * nan, e, a)


def _time_since_perigee(true_anomaly, e, a, mu):
    """Time since perigee (s) of an elliptic orbit at a true anomaly in [0, 2π) (Kepler's equation)."""
    big_e = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(true_anomaly / 2.0),
                             np.sqrt(1.0 + e) * np.cos(true_anomaly / 2.0))
    big_e = np.mod(big_e, 2.0 * np.pi)
    mean_anomaly = big_e - e * np.sin(big_e)
    return mean_anomaly * np.sqrt(a**3 / mu)


def minimum_energy_speed(range_angle_rad, r_m, mu_m3_s2: float) -> np.ndarray:
    """Burnout speed (m/s) of the minimum-energy arc of central angle ψ, burnout and impact at r."""
    s = np.sin(np.asarray(range_angle_rad, dtype=float) / 2.0)
    return np.sqrt(mu_m3_s2 / np.asarray(r_m, dtype=float) * 2.0 * s / (1.0 + s))


def minimum_energy_angle(range_angle_rad) -> np.ndarray:
    """Burnout flight-path angle (rad) of the minimum-energy arc of central angle ψ: (π − ψ)/4."""
    return (np.pi - np.asarray(range_angle_rad, dtype=float)) / 4.0


def maximum_range_angle(r_m, v_m_s, mu_m3_s2: float) -> np.ndarray:
    """Largest central angle (rad) reachable with burnout speed v at radius r (burnout = impact radius).

    Inverse of :func:`minimum_energy_speed`: sin(ψ/2) = Q / (2 − Q) with Q = v² r/μ (Q < 1).
    """
    q = np.asarray(v_m_s, dtype=float) ** 2 * np.asarray(r_m, dtype=float) / mu_m3_s2
    return np.where(q < 1.0, 2.0 * np.arcsin(np.clip(q / (2.0 - q), 0.0, 1.0)), np.pi)
