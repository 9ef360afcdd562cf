"""Great-circle distances and exact k-nearest merchants for a million beneficiaries, in numpy only.

No scipy here, so nearest neighbours use a grid: beneficiaries fall into 0.1° cells, and each cell gets
the merchants that could be among the k nearest of *any* point in it — those within d_k(centre) +
2 × (centre-to-corner distance) of the centre, by the triangle inequality. Beneficiaries are then
compared only with their cell's candidates, cells with similar candidate counts batched together, so
the work is ~N × (a handful of candidates) with a few dozen numpy calls, and the answer is exact.
"""
from __future__ import annotations

import numpy as np

EARTH_KM = 6371.0088
CELL_DEG = 0.1
BATCH = 65_536        # beneficiaries compared per numpy call (bounds the N × candidates × 3 temporaries)
CELL_CHUNK = 512      # cells whose centre-to-merchant distances are computed at once (bounds its temporaries)


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
    out_idx, out_km = np.zeros((n, k), dtype=np.int64), np.zeros((n, k))
    if n == 0 or k == 0:
        return out_idx, out_km
    row, col = np.floor(b_lat / CELL_DEG).astype(np.int64), np.floor(b_lon / CELL_DEG).astype(np.int64)
    cells, cell_of = np.unique(row * 10_000_000 + col, return_inverse=True)
    candidates = _cell_candidates(cells // 10_000_000, cells % 10_000_000, m_lat, m_lon, k)
    count = candidates.sum(axis=1)
    # Beneficiaries sorted by their cell's candidate count (cells ranked by count, a 16-bit radix sort
    # when there are fewer than 65,536 cells): each batch pads to a similar width.
    cell_rank = np.empty(len(cells), dtype=np.int64)
    cell_rank[np.argsort(count, kind="stable")] = np.arange(len(cells))
    ranked = cell_rank[cell_of]
    order = np.argsort(ranked.astype(np.uint16) if len(cells) < 1 << 16 else ranked, kind="stable")
    m_vec = _unit_vectors(m_lat, m_lon).T.copy()   # three contiguous coordinate rows: cache-friendly gathers
    b_vec = _unit_vectors(b_lat, b_lon)
    for start in range(0, n, BATCH):
        rows = order[start:start + BATCH]
        mine = cell_of[rows]
        width = int(count[mine].max())
        table = _padded_lists(candidates, np.unique(mine), width)   # (cells in batch, width), -1 = none
        local = np.searchsorted(np.unique(mine), mine)
        cand = table[local]
        safe = np.maximum(cand, 0)
        mine_vec = b_vec[rows]
        dots = (mine_vec[:, :1] * m_vec[0][safe] + mine_vec[:, 1:2] * m_vec[1][safe]
                + mine_vec[:, 2:] * m_vec[2][safe])
        dots[cand < 0] = -np.inf
        best, best_dots = _top_k(dots, k)
        out_idx[rows] = np.take_along_axis(cand, best, axis=1)
        chord = np.sqrt(np.clip(2 - 2 * best_dots, 0, 4))
        out_km[rows] = 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
    return out_idx, out_km


def _cell_candidates(row: np.ndarray, col: np.ndarray, m_lat: np.ndarray, m_lon: np.ndarray, k: int) -> np.ndarray:
    """(cells × merchants) bool: merchants that may be among the k nearest of some point of the cell."""
    lat0, lon0 = row * CELL_DEG, col * CELL_DEG
    c_lat, c_lon = lat0 + CELL_DEG / 2, lon0 + CELL_DEG / 2
    corner = np.max([haversine_km(c_lat, c_lon, lat0 + dy, lon0 + dx) for dy in (0, CELL_DEG) for dx in (0, CELL_DEG)],
                    axis=0) * 1.001 + 1e-6  # a hair of slack against rounding
    out = np.zeros((len(row), len(m_lat)), dtype=bool)
    for s in range(0, len(row), CELL_CHUNK):
        d = haversine_km(c_lat[s:s + CELL_CHUNK, None], c_lon[s:s + CELL_CHUNK, None], m_lat[None], m_lon[None])
        d_k = np.partition(d, k - 1, axis=1)[:, k - 1]
        out[s:s + CELL_CHUNK] = d <= (d_k + 2 * corner[s:s + CELL_CHUNK])[:, None]
    return out


def _padded_lists(candidates: np.ndarray, cells: np.ndarray, width: int) -> np.ndarray:
    """Each cell's candidate merchant indices, left-aligned and padded with -1 to `width`."""
    r, c = np.nonzero(candidates[cells])  # row-major: each row's candidates in order
    slot = np.arange(len(r)) - np.searchsorted(r, r)  # position within its row (no cells × merchants cumsum)
    table = np.full((len(cells), width), -1, dtype=np.int64)
    table[r, slot] = c
    return table


def _top_k(dots: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of each row's k largest, largest first (k small: k argmax passes)."""
    rows = np.arange(len(dots))
    top = np.empty((len(dots), k), dtype=np.int64)
    values = np.empty((len(dots), k))
    for j in range(k):
        best = dots.argmax(axis=1)
        top[:, j], values[:, j] = best, dots[rows, best]
        dots[rows, best] = -np.inf
    return top, values
