"""Great-circle distances and exact k-nearest merchants for a million beneficiaries, in numpy only.

No scipy here, so nearest neighbours use tiles: beneficiaries are sorted into latitude bands, each band
into longitude tiles of ~1,000 people, and each tile is compared only with the merchants inside a
lat/lon window around it. The window grows until it provably holds every row's k nearest (a merchant
outside it is at least the latitude gap R·|Δφ| or the meridian-plane distance R·asin(cos φ·sin Δλ)
away), so the answer is exact while the work stays near O(N · merchants per window).
"""
from __future__ import annotations

import numpy as np

EARTH_KM = 6371.0088
KM_PER_DEGREE_LAT = EARTH_KM * np.pi / 180
BAND_SIZE = 16_384
TILE_SIZE = 2_048


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
    n, m = len(b_lat), len(m_lat)
    k = min(k, m)
    out_idx = np.zeros((n, k), dtype=np.int64)
    out_km = np.zeros((n, k))
    if n == 0 or k == 0:
        return out_idx, out_km
    m_order = np.argsort(m_lat, kind="stable")
    m_sorted_lat, m_sorted_lon = m_lat[m_order], m_lon[m_order]
    m_vec = _unit_vectors(m_lat, m_lon)[m_order]
    b_vec = _unit_vectors(b_lat, b_lon)
    by_lat = np.argsort(b_lat)
    margin = 0.3  # degrees; each tile starts from the window its neighbour needed
    for band_start in range(0, n, BAND_SIZE):
        band = by_lat[band_start:band_start + BAND_SIZE]
        band = band[np.argsort(b_lon[band])]
        for tile_start in range(0, len(band), TILE_SIZE):
            rows = band[tile_start:tile_start + TILE_SIZE]
            idx, km, margin = _tile_nearest(b_lat[rows], b_lon[rows], b_vec[rows], m_sorted_lat, m_sorted_lon,
                                            m_vec, k, margin)
            out_idx[rows], out_km[rows] = m_order[idx], km
    return out_idx, out_km


def _tile_nearest(lat, lon, vec, m_lat, m_lon, m_vec, k, margin):
    """k nearest for one compact tile of beneficiaries, growing a lat/lon window until each row is proven."""
    idx = np.zeros((len(lat), k), dtype=np.int64)
    km = np.zeros((len(lat), k))
    pending = np.arange(len(lat))
    used = margin
    while len(pending):
        plat, plon = lat[pending], lon[pending]
        lat0, lat1 = plat.min() - margin, plat.max() + margin
        lon_margin = margin / max(np.cos(np.radians(max(abs(lat0), abs(lat1)))), 0.05)
        lon0, lon1 = plon.min() - lon_margin, plon.max() + lon_margin
        lo, hi = np.searchsorted(m_lat, lat0, "left"), np.searchsorted(m_lat, lat1, "right")
        inside = lo + np.flatnonzero((m_lon[lo:hi] >= lon0) & (m_lon[lo:hi] <= lon1))
        everything = len(inside) == len(m_lat)
        if len(inside) < k and not everything:
            margin *= 2
            continue
        found, dist = _band_nearest(vec[pending], m_vec[inside], k)
        used = margin
        # Anything outside the window is at least this far: R·Δφ to the latitude edges, and the distance
        # to the meridian planes of the longitude edges, R·asin(cos φ · sin Δλ).
        lat_gap = np.minimum(plat - lat0, lat1 - plat) * KM_PER_DEGREE_LAT
        dlon = np.radians(np.minimum(np.minimum(plon - lon0, lon1 - plon), 90.0))
        lon_gap = EARTH_KM * np.arcsin(np.clip(np.cos(np.radians(plat)) * np.sin(dlon), 0, 1))
        done = everything | (dist[:, -1] <= np.minimum(lat_gap, lon_gap))
        idx[pending[done]], km[pending[done]] = inside[found[done]], dist[done]
        if not done.all():
            margin = max(margin * 2, dist[~done, -1].max() / KM_PER_DEGREE_LAT)
        pending = pending[~done]
    return idx, km, max(0.3, used * 0.8)


def _band_nearest(vec: np.ndarray, m_vec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    # Larger dot product of unit vectors = shorter great-circle distance: one matrix product ranks all.
    # k is small, so k passes of argmax beat a row-wise argpartition (numpy's per-row overhead dominates).
    dots = vec @ m_vec.T
    rows = np.arange(len(vec))
    top = np.empty((len(vec), k), dtype=np.int64)
    top_dots = np.empty((len(vec), k))
    for j in range(k):
        best = dots.argmax(axis=1)
        top[:, j] = best
        top_dots[:, j] = dots[rows, best]
        dots[rows, best] = -np.inf
    chord = np.sqrt(np.clip(2 - 2 * top_dots, 0, 4))
    return top, 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
