"""What a track says about its missile: predicted impact point and time, launch point and time, range class.

Method (batched over tracks; no loop over tracks):

* **Sigma points.** The track's inertial state and covariance at its time give 2n = 12 symmetric sigma
  points x ± √n Lᵢ (L the Cholesky factor of P, with a relative jitter if needed; weights 1/12) plus the
  mean (weight 0): the unscented transform of Julier & Uhlmann with κ = 0, which keeps the covariance
  positive semi-definite. Each point is flown to the ground by the batched flight kernel
  (:func:`jointshield.flight.propagate.free_flight_ecef`, DOP853, impact located on its dense output),
  13 N trajectories in one call.
* **Impact**: point and time = weighted mean of the sigma points' impacts; covariance of the impact
  point in the local east/north plane at the mean point (2 × 2, m²) and variance of the time. The error
  ellipse: semi-axes √λ of that covariance (1σ; :meth:`GroundEstimate.ellipse` scales to a probability)
  and the azimuth of the major axis (rad from north, clockwise, in [0, π)).
* **Drag**: drag-free by default (``beta_kg_m2 = inf``). The tracker filters without drag, so it cannot
  observe a reentry vehicle's ballistic coefficient; a finite ``beta_kg_m2`` makes the kernel add US
  Standard Atmosphere 1976 drag, as a stated assumption. Drag lands a reentry vehicle short of its
  drag-free impact point (figures in docs/tracking.md).
* **Launch**: the same sigma points flown *backwards* (inertial velocity reversed, which is exact for a
  conservative force in an inertial frame) until they reach the ground. The powered boost is not
  ballistic, so this is the launch point of the ballistic arc through the track's state, not of the
  missile: it lies *behind* the true launch point (up-range) and its time is *later* than the true launch
  — the bias is quantified in docs/tracking.md and not corrected here.
* **Range class** from the estimated launch→impact surface distance: SRBM < 1,000 km ≤ MRBM < 3,000 km
  ≤ IRBM < 5,500 km ≤ ICBM (thresholds configurable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from ..earth.frames import ecef_to_geodetic, eci_to_ecef, enu_rotation
from ..earth.geodesy import surface_distance_m
from ..earth.models import WGS84, EarthModel
from ..flight import kernel as fk
from ..flight.propagate import free_flight_ecef

RANGE_CLASSES = ("SRBM", "MRBM", "IRBM", "ICBM")
RANGE_CLASS_LIMITS_KM = (1000.0, 3000.0, 5500.0)
"""Upper ground-range limits (km) of SRBM, MRBM and IRBM; longer is ICBM."""


@dataclass(frozen=True)
class GroundEstimate:
    """Where and when N tracks reach (or left) the ground, with uncertainty (arrays with leading axis N)."""

    t_s: np.ndarray
    """(N,) mean time, s after the epoch."""
    t_sigma_s: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    r_ecef_m: np.ndarray
    """(N, 3) mean point, ECEF."""
    cov_en_m2: np.ndarray
    """(N, 2, 2) covariance of the point in local east/north at the mean point."""
    semi_major_m: np.ndarray
    """(N,) 1σ semi-major axis of the error ellipse."""
    semi_minor_m: np.ndarray
    major_azimuth_rad: np.ndarray
    """(N,) azimuth of the major axis (from north, clockwise, [0, π))."""
    valid: np.ndarray
    """(N,) bool: every sigma point reached the ground."""

    def ellipse(self, probability: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Semi-axes (N,), (N,) m of the ellipse holding the point with ``probability`` (2-D Gaussian)."""
        k = np.sqrt(chi2.ppf(probability, 2))
        return k * self.semi_major_m, k * self.semi_minor_m


def sigma_points(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric sigma points (N, 2n+1, n) and weights (2n+1,) of N Gaussians (κ = 0: mean weight 0)."""
    n = x.shape[-1]
    Ps = 0.5 * (P + np.swapaxes(P, -1, -2))
    try:
        L = np.linalg.cholesky(Ps)
    except np.linalg.LinAlgError:
        scale = np.trace(Ps, axis1=-2, axis2=-1)[..., None, None] / n
        L = np.linalg.cholesky(Ps + 1e-12 * scale * np.eye(n))
    d = np.sqrt(n) * np.swapaxes(L, -1, -2)  # rows: scaled columns of L
    pts = np.concatenate([x[:, None, :], x[:, None, :] + d, x[:, None, :] - d], axis=1)
    w = np.r_[0.0, np.full(2 * n, 1.0 / (2 * n))]
    return pts, w


def _fly_sigma_points(x_eci, P_eci, t_s, model, beta_kg_m2, backwards, impact_alt_m, t_max_s):
    """The sigma points of N tracks flown to the ground (backwards: velocity reversed). Returns the
    weights (13,), the points' times (N·13,) s, the flight batch and ``ok`` (N, 13): the point landed."""
    x = np.atleast_2d(np.asarray(x_eci, dtype=float))
    n = x.shape[0]
    P = np.asarray(P_eci, dtype=float).reshape(n, 6, 6)
    t = np.broadcast_to(np.asarray(t_s, dtype=float), (n,))
    pts, w = sigma_points(x, P)
    ns = pts.shape[1]
    flat = pts.reshape(-1, 6)
    tt = np.repeat(t, ns)
    sign = -1.0 if backwards else 1.0
    r_ecef, v_ecef = eci_to_ecef(flat[:, :3], sign * flat[:, 3:], tt, 0.0, model.omega_rad_s)
    fb = free_flight_ecef(r_ecef, v_ecef, model, beta_kg_m2=beta_kg_m2, impact_alt_m=impact_alt_m,
                          t_max_s=t_max_s)
    return w, tt, fb, (fb.status == fk.ST_IMPACT).reshape(n, ns)


def _to_ground(x_eci, P_eci, t_s, model, beta_kg_m2, backwards, impact_alt_m, t_max_s) -> GroundEstimate:
    w, tt, fb, ok = _fly_sigma_points(x_eci, P_eci, t_s, model, beta_kg_m2, backwards, impact_alt_m, t_max_s)
    n, ns = ok.shape
    sign = -1.0 if backwards else 1.0
    tau = fb.event_t_s[:, fk.EV_IMPACT]
    y = fb.event_y_eci[:, fk.EV_IMPACT, :3]  # in the frame that was ECEF at the track's time
    # ECEF at the event: turn by ω·(event time − track time) = ±ω τ about z.
    r_g, _ = eci_to_ecef(y, None, sign * np.nan_to_num(tau), 0.0, model.omega_rad_s)
    valid = ok.all(axis=1)
    r_g = r_g.reshape(n, ns, 3)
    t_g = (tt + sign * tau).reshape(n, ns)
    r_g = np.where(ok[..., None], r_g, 0.0)
    t_g = np.where(ok, t_g, 0.0)
    r_mean = np.einsum("k,nki->ni", w, r_g)
    t_mean = t_g @ w
    t_sig = np.sqrt(np.maximum((t_g - t_mean[:, None]) ** 2 @ w, 0.0))
    r_safe = np.where(valid[:, None], r_mean, model.a_m * np.array([1.0, 0.0, 0.0]))
    lat, lon, _ = ecef_to_geodetic(r_safe, model)
    E = enu_rotation(lat, lon)[:, :2, :]  # east, north rows
    d = np.einsum("nij,nkj->nki", E, r_g - r_mean[:, None, :])
    cov = np.einsum("k,nki,nkj->nij", w, d, d)
    lam, vec = np.linalg.eigh(cov)
    major = vec[:, :, 1]
    az = np.mod(np.arctan2(major[:, 0], major[:, 1]), np.pi)
    nan = ~valid
    out = [t_mean, t_sig, lat, lon, r_mean, cov, np.sqrt(np.maximum(lam[:, 1], 0)),
           np.sqrt(np.maximum(lam[:, 0], 0)), az]
    out = [np.where(nan.reshape((-1,) + (1,) * (a.ndim - 1)), np.nan, a) for a in out]
    return GroundEstimate(*out, valid)


def predict_impact(x_eci, P_eci, t_s, model: EarthModel = WGS84, *, beta_kg_m2: float = np.inf,
                   impact_alt_m: float = 0.0, t_max_s: float = 4 * 3600.0) -> GroundEstimate:
    """Impact point and time, with covariance, of N tracks (inertial states (N, 6), covariances
    (N, 6, 6) at times ``t_s`` (N,)). See the module docstring for the method."""
    return _to_ground(x_eci, P_eci, t_s, model, beta_kg_m2, False, impact_alt_m, t_max_s)


def impact_predictable(x_eci, P_eci, t_s, model: EarthModel = WGS84, *, beta_kg_m2: float = np.inf,
                       impact_alt_m: float = 0.0, t_max_s: float = 4 * 3600.0) -> np.ndarray:
    """(N,) bool: :attr:`GroundEstimate.valid` of :func:`predict_impact` with the same arguments (every
    sigma point reaches the ground), from the same flights but without the estimate, for a caller that
    needs no more (the engine without criteria: ~60% of a prediction's cost for a few tracks is the
    estimate's numpy calls)."""
    return _fly_sigma_points(x_eci, P_eci, t_s, model, beta_kg_m2, False, impact_alt_m, t_max_s)[3].all(axis=1)


def estimate_launch(x_eci, P_eci, t_s, model: EarthModel = WGS84, *, launch_alt_m: float = 0.0,
                    t_max_s: float = 4 * 3600.0) -> GroundEstimate:
    """Launch point and time of the ballistic arc through each track's state, flown backwards to the
    ground (drag-free). Biased by the boost phase: see the module docstring and docs/tracking.md."""
    return _to_ground(x_eci, P_eci, t_s, model, np.inf, True, launch_alt_m, t_max_s)


def range_class(launch_lat_rad, launch_lon_rad, impact_lat_rad, impact_lon_rad, model: EarthModel = WGS84,
                limits_km=RANGE_CLASS_LIMITS_KM) -> tuple[np.ndarray, np.ndarray]:
    """``(range_m (N,), class index (N,))``: surface distance from launch to impact and its class, an index
    into :data:`RANGE_CLASSES` (−1 where either point is unknown)."""
    rng = surface_distance_m(launch_lat_rad, launch_lon_rad, impact_lat_rad, impact_lon_rad, model)
    rng = np.where(np.isnan(np.asarray(impact_lat_rad, float) + np.asarray(launch_lat_rad, float)), np.nan, rng)
    cls = np.searchsorted(np.asarray(limits_km) * 1e3, np.nan_to_num(rng, nan=0.0), side="right")
    return rng, np.where(np.isnan(rng), -1, cls)
