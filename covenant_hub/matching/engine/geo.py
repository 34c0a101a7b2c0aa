"""Great-circle distances, vectorised: one requester against every organisation at once."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Distance from one point to many; NaN where either end has no coordinates."""
    if lat is None or lon is None or np.isnan(lat) or np.isnan(lon):
        return np.full(len(lats), np.nan)
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlmb = np.radians(lons) - np.radians(lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def decay(distance_km: np.ndarray, scale_km: float) -> np.ndarray:
    """exp(-d/scale), 0 where the distance is unknown."""
    out = np.exp(-np.nan_to_num(distance_km, nan=np.inf) / scale_km)
    return np.asarray(out)
