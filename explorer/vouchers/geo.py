"""Great-circle distances and exact k-nearest merchants for a million beneficiaries.

Nearest neighbours come from a k-d tree (scipy's cKDTree) over points on the unit sphere: the straight-line
(chord) distance between two such points grows with their great-circle distance, so the k nearest by chord
are exactly the k nearest on the Earth's surface, and the chord converts back to kilometres exactly.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import KDTree  # the typed face of cKDTree (its subclass): the same query code

EARTH_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lmb = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lmb), np.cos(phi) * np.sin(lmb), np.sin(phi)])


def nearest_k(b_lat, b_lon, m_lat, m_lon, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(merchant index, distance km), each of shape (N, k), nearest first."""
    b_lat, b_lon = np.asarray(b_lat, float), np.asarray(b_lon, float)
    m_lat, m_lon = np.asarray(m_lat, float), np.asarray(m_lon, float)
    n, k = len(b_lat), min(k, len(m_lat))
    if n == 0 or k == 0:
        return np.zeros((n, k), dtype=np.int64), np.zeros((n, k))
    tree = KDTree(_unit_vectors(m_lat, m_lon))
    chord, idx = tree.query(_unit_vectors(b_lat, b_lon), k=k, workers=-1)
    chord, idx = chord.reshape(n, k), idx.reshape(n, k)  # k = 1 gives flat arrays
    return idx.astype(np.int64), 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
