"""Which of a query's trigrams to ask the search index for, ranked on a sample of lines read once per database.

Only steers speed: whatever is chosen, the exact condition (explorer.db.search) keeps the hits. SQLite asks its
FTS5 index for the INDEX_TRIGRAMS rarest trigrams of the query; PostgreSQL greedily picks those that leave the
fewest sampled lines (at most PG_INDEX_TRIGRAMS) and estimates from the same sample how many lines the index will
hand out (`estimated_candidates`), which the statement search uses to choose its plan.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import text
from sqlalchemy.engine import Connection

INDEX_TRIGRAMS = 3
SAMPLE_LINES = 2_000  # read once per database (20 runs of consecutive lines) to rank trigrams by frequency
PG_SAMPLE_LINES, PG_SAMPLE_RUNS = 10_000, 100  # ~0.4 s CPU (0.9 s wall) once per database and process
PG_INDEX_TRIGRAMS = 5  # at most this many trigrams are asked of the index
PG_COMMON_SHARE = 0.05  # a trigram on more than this share of sampled lines is not added once the rest miss
JOINER = "z"  # no folded Vietnamese word holds a 'z'; one in foreign text only adds candidates (explorer.db.search)
JOINED_SQL = "translate({column}, ' ', 'z')"
_trigram_samples: dict[str, Counter] = {}
_pg_samples: dict[str, tuple[dict[str, int], int, float]] = {}


def estimated_candidates(conn: Connection, folded: str) -> float:
    """PostgreSQL: about how many lines the trigram index hands out for `folded` (from the sample; ~0.1 ms)."""
    return pg_index_trigrams(conn, folded)[1]


def pg_index_trigrams(conn: Connection, folded: str) -> tuple[list[str], float]:
    """(trigrams to ask the index for, estimated candidate lines): greedily, the sampled lines' intersection.

    Starts from the rarest of the query's trigrams (those pg_trgm indexes: letters and digits only) and adds
    the one that leaves the fewest sampled lines, while that helps, up to PG_INDEX_TRIGRAMS. Once no sampled
    line is left, one more uncommon trigram is added (the sample cannot tell 0 from a few hundred lines).
    Steers speed only: whatever is chosen, the exact condition keeps the hits.
    """
    bits, size, total = _pg_sample(conn)
    joined = folded.replace(" ", JOINER)
    grams = sorted({g for g in trigrams(joined) if g.isalnum()}, key=lambda g: (bits.get(g, 0).bit_count(), g))
    if not grams:
        return [], total
    chosen, left = [grams[0]], bits.get(grams[0], 0)
    while len(chosen) < min(PG_INDEX_TRIGRAMS, len(grams)):
        rest = [g for g in grams if g not in chosen]
        if not left:
            extra = rest[0]  # the rarest left
            if bits.get(extra, 0).bit_count() <= PG_COMMON_SHARE * size:
                chosen.append(extra)
            break
        best = min(rest, key=lambda g: ((left & bits.get(g, 0)).bit_count(), grams.index(g)))
        narrower = left & bits.get(best, 0)
        if narrower.bit_count() >= left.bit_count():
            break
        chosen.append(best)
        left = narrower
    share = max(left.bit_count(), 0.5) / max(size, 1)  # none sampled: half a sampled line
    return chosen, share * total


def _bitset(positions: list[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for i in positions:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def _pg_sample(conn: Connection) -> tuple[dict[str, int], int, float]:
    """(trigram → bitset of the sampled lines holding it, sampled lines, lines in the table), once per database:
    PG_SAMPLE_RUNS runs of consecutive lines spread over the id range, read as the index reads them."""
    key = conn.engine.url.render_as_string(hide_password=True)
    if key in _pg_samples:
        return _pg_samples[key]
    low, high = conn.execute(text("SELECT min(id), max(id) FROM statement_lines")).one()
    if low is None:  # nothing to learn from yet: ask again once lines exist
        return {}, 0, 0.0
    joined = JOINED_SQL.format(column="search_text")
    positions: dict[str, list[int]] = {}
    size = 0
    for k in range(PG_SAMPLE_RUNS):
        rows = conn.execute(
            text(f"SELECT {joined} FROM statement_lines WHERE id >= :start ORDER BY id LIMIT :n"),
            {"start": low + (high - low) * k // PG_SAMPLE_RUNS, "n": PG_SAMPLE_LINES // PG_SAMPLE_RUNS},
        )
        for (line,) in rows:
            for gram in {line[i : i + 3] for i in range(len(line) - 2)}:
                positions.setdefault(gram, []).append(size)
            size += 1
    bits = {gram: _bitset(at, size) for gram, at in positions.items() if gram.isalnum()}
    estimate = conn.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST('statement_lines' AS regclass)")
    ).scalar()
    total = float(estimate) if estimate and estimate > 0 else float(high - low + 1)
    _pg_samples[key] = (bits, size, total)
    return _pg_samples[key]


def trigrams(folded: str) -> list[str]:
    return [folded[i : i + 3] for i in range(len(folded) - 2)]


def trigram_counts(conn: Connection) -> Counter:
    """In how many sampled lines each trigram occurs (cached per database; only steers speed, never results)."""
    key = conn.engine.url.render_as_string(hide_password=True)
    if key not in _trigram_samples:
        counts: Counter = Counter()
        low, high = conn.execute(text("SELECT min(id), max(id) FROM statement_lines")).one()
        runs = 20
        for k in range(runs if low is not None else 0):
            for (line,) in conn.execute(
                text("SELECT search_text FROM statement_lines WHERE id >= :start ORDER BY id LIMIT :n"),
                {"start": low + (high - low) * k // runs, "n": SAMPLE_LINES // runs},
            ):
                counts.update(set(trigrams(line)))
        if low is None:  # nothing to learn from yet: ask again once lines exist
            return counts
        _trigram_samples[key] = counts
    return _trigram_samples[key]
