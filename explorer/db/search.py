"""Full-text search over statement lines, one implementation per dialect.

Semantics everywhere: the folded query is a *substring* of the folded line text (`fold(q) in search_text`),
so the brute-force oracle is one line of Python and every backend must agree with it.

- SQLite: an FTS5 table with the trigram tokenizer over `search_text` (external content, kept in sync by
  triggers). Queries under 3 characters cannot use trigrams and fall back to `instr`. Longer ones ask the
  index for lines holding the query's INDEX_TRIGRAMS rarest trigrams (ranked on a sample of lines read once
  per database), then `instr` keeps exactly the lines containing the query. Why not the whole quoted phrase:
  Vietnamese names are made of a few dozen syllables, so every trigram of 'nguyen van an' sits in a third of
  all lines, and matching the phrase reads all those doclists (~100 ms at 2 M lines); the rarest three are
  read in a few ms. A term whose candidates exceed `COMMON_CAP` lines is served by `instr` alone: scanning
  lines in the page's order finds the first 20 hits within a few hundred rows, whereas collecting a million
  FTS hits to sort them would take a second. The candidates counted for that decision are handed to the
  query as a JSON array of rowids, so the index is read once.
- The SQLite index keeps no positions (detail=none: a third of the size, and a faster build): it is only
  ever asked for single trigrams, and `instr` does the exact matching.
- SQLite, when line ids follow time (explorer.db.line_order): `index_walk` drives the page query from the
  index itself, in id order, checking each candidate with `instr` until the page is full. A page of the
  newest 'nguyen van' hits then costs ~0.3 ms instead of sorting every hit (250 ms at 2 M lines); a term
  whose rarest trigrams are common but whose whole text is rare ('ung ho ung ho') walks every candidate
  (~60 ms at 2 M lines, the worst seen).
- PostgreSQL: a `pg_trgm` GIN index on the *joined* text `translate(search_text, ' ', 'z')` (JOINED_SQL).
  pg_trgm splits text into words and pads them, so an index on the text itself only knows which words a line
  holds: 'vu quang quang' had 25 k candidates (lines with the words 'vu' and 'quang' anywhere) for 147 hits,
  and fetching them took 0.5 s at 1.9 M lines. Spaces turned into a letter no folded Vietnamese text holds make
  the trigrams cross word boundaries ('uzq', 'gzq'), as SQLite's trigram tokenizer does: 178 candidates. Any
  character-by-character mapping keeps every hit a candidate (q in t ⇒ f(q) in f(t)); `strpos` on the text
  itself then keeps exactly the hits, so a 'z' in real text can only add candidates, never change results.
  As on SQLite, the index is asked only for a few of the query's trigrams (`_pg_index_trigrams`), chosen on a
  sample of lines read once per database: every trigram of a Vietnamese name is common, and the GIN scan reads
  each one's posting list (40 ms for the 8 of 'vu quang quang' against 2 ms for its rarest 3). The same sample
  estimates how many lines hold those trigrams (`estimated_candidates`), which the statement search uses to
  choose between the bitmap and a walk in page order (explorer.queries.statements).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer.db import line_order

MIN_INDEXED_CHARS = 3
COMMON_CAP = 20_000
BITMAP_MAX_HITS = 100_000  # PostgreSQL: expected candidates up to which the trigram bitmap beats an ordered walk
INDEX_TRIGRAMS = 3
SAMPLE_LINES = 2_000  # read once per database (20 runs of consecutive lines) to rank trigrams by frequency
_trigram_samples: dict[str, Counter] = {}
# PostgreSQL: the indexed expression (see the module docstring) and the trigram sample that steers it.
JOINER = "z"  # no folded Vietnamese word holds a 'z'; one in foreign text only adds candidates
JOINED_SQL = "translate({column}, ' ', 'z')"
PG_INDEX = "ix_lines_search_trgm"
PG_SAMPLE_LINES, PG_SAMPLE_RUNS = 10_000, 100  # ~0.4 s CPU (0.9 s wall) once per database and process
PG_INDEX_TRIGRAMS = 5  # at most this many trigrams are asked of the index
PG_COMMON_SHARE = 0.05  # a trigram on more than this share of sampled lines is not added once the rest miss
_pg_samples: dict[str, tuple[dict[str, int], int, float]] = {}
FTS_REBUILD_HASHSIZE = 32 * 1024 * 1024
FTS_DEFAULT_HASHSIZE = 1024 * 1024

_SQLITE_TRIGGERS = {
    "statement_fts_ai": """CREATE TRIGGER IF NOT EXISTS statement_fts_ai AFTER INSERT ON statement_lines BEGIN
        INSERT INTO statement_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "statement_fts_ad": """CREATE TRIGGER IF NOT EXISTS statement_fts_ad AFTER DELETE ON statement_lines BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    "statement_fts_au": """CREATE TRIGGER IF NOT EXISTS statement_fts_au
        AFTER UPDATE OF search_text ON statement_lines BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO statement_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
}


def create_index(conn: Connection) -> None:
    """Create the dialect's full-text index and whatever keeps it in sync (idempotent)."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS statement_fts USING fts5("
                "search_text, content='statement_lines', content_rowid='id', tokenize='trigram',"
                " columnsize=0, detail=none)"
            )
        )
        for ddl in _SQLITE_TRIGGERS.values():
            conn.execute(text(ddl))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        _create_pg_index(conn)
        for table, column in (("accounts", "holder_folded"), ("campaigns", "title_folded")):
            conn.execute(
                text(
                    f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
                )
            )


def index_is_current(conn: Connection) -> bool:
    """Whether the search index is this version's: on PostgreSQL, the trigram index on the joined text (an older
    database has it on the text itself, which the search conditions no longer use: create_index replaces it)."""
    if conn.dialect.name != "postgresql":
        return True
    return "translate(" in (_pg_index_definition(conn) or "")


def _pg_index_definition(conn: Connection) -> str | None:
    return conn.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = :name AND schemaname = current_schema()"),
        {"name": PG_INDEX},
    ).scalar()


def _create_pg_index(conn: Connection) -> None:
    """The trigram index on the joined text; a database indexed on the text itself (before 2026-12) has that
    index replaced, and its statistics refreshed so the planner knows the new expression."""
    joined = JOINED_SQL.format(column="search_text")
    existing = _pg_index_definition(conn)
    if existing is not None and "translate(" in existing:
        return
    if existing is not None:
        conn.execute(text(f"DROP INDEX {PG_INDEX}"))
    conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))  # the GIN build sorts in memory (see bulk.py)
    conn.execute(text(f"CREATE INDEX {PG_INDEX} ON statement_lines USING gin (({joined}) gin_trgm_ops)"))
    if existing is not None:
        conn.execute(text("ANALYZE statement_lines"))


def drop_index(conn: Connection) -> None:
    """Remove the full-text index and its maintenance (before dropping the tables)."""
    suspend_index(conn)
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TABLE IF EXISTS statement_fts"))


def suspend_index(conn: Connection) -> None:
    """Before a bulk load: stop per-row index maintenance (rebuild_index() restores it)."""
    if conn.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(f"DROP INDEX IF EXISTS {PG_INDEX}"))


def rebuild_index(conn: Connection) -> None:
    """After a bulk load: rebuild the index from the table in one pass and re-arm maintenance."""
    if conn.dialect.name == "sqlite":
        with _large_fts_buffer(conn):
            conn.execute(text("INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')"))
    create_index(conn)


@contextmanager
def _large_fts_buffer(conn: Connection):
    """A larger FTS5 write buffer for a rebuild; the table's own setting is put back after.

    FTS5 flushes its in-memory index to a new segment every `hashsize` bytes (default 1 MiB) and merges the
    segments later; a 32 MiB buffer halves the rebuild's CPU time on long memos (bench/bench_import.py).
    """
    before = conn.exec_driver_sql("SELECT v FROM statement_fts_config WHERE k = 'hashsize'").scalar()
    configure = "INSERT INTO statement_fts(statement_fts, rank) VALUES ('hashsize', ?)"
    conn.exec_driver_sql(configure, (FTS_REBUILD_HASHSIZE,))
    try:
        yield
    finally:
        if before is None:  # never configured: leave no trace of ours in the index's settings
            conn.exec_driver_sql(configure, (FTS_DEFAULT_HASHSIZE,))
            conn.exec_driver_sql("DELETE FROM statement_fts_config WHERE k = 'hashsize'")
        else:
            conn.exec_driver_sql(configure, (int(before),))


def contains(conn: Connection, column: str, param: str) -> str:
    """SQL for 'the bound parameter :param is a substring of column' (no pattern characters to escape)."""
    return f"instr({column}, :{param}) > 0" if conn.dialect.name == "sqlite" else f"strpos({column}, :{param}) > 0"


def like_pattern(folded: str) -> str:
    """A LIKE pattern matching `folded` literally anywhere (escape character: backslash)."""
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(folded: str) -> str:
    """An FTS5 query that is one literal phrase: no user character can act as FTS syntax."""
    return '"' + folded.replace('"', '""') + '"'


def text_condition(conn: Connection, folded: str, alias: str = "s", prefix: str = "q") -> tuple[str, dict]:
    """A WHERE condition (with its bound params) for 'line `alias` contains `folded`'.

    `folded` must already be folded (explorer.text.fold) and non-empty.
    """
    col = f"{alias}.search_text"
    if conn.dialect.name == "postgresql":
        return _pg_text_condition(conn, folded, alias, prefix)
    if len(folded) < MIN_INDEXED_CHARS or "\x00" in folded:
        return contains(conn, col, prefix), {prefix: folded}
    hits, rowids = conn.execute(
        text(
            "SELECT count(*), json_group_array(rowid) FROM "
            "(SELECT rowid FROM statement_fts WHERE statement_fts MATCH :m LIMIT :cap)"
        ),
        {"m": _rarest_match(conn, folded), "cap": COMMON_CAP},
    ).one()
    if hits >= COMMON_CAP:
        return contains(conn, col, prefix), {prefix: folded}
    return (
        f"{alias}.id IN (SELECT value FROM json_each(:{prefix}_ids)) AND {contains(conn, col, prefix)}",
        {f"{prefix}_ids": rowids, prefix: folded},
    )


def _pg_text_condition(conn: Connection, folded: str, alias: str, prefix: str) -> tuple[str, dict]:
    """PostgreSQL: the joined text holds a few of the query's trigrams (the index's part), and the text holds the
    query (exact). With no trigram the index can use (a query of punctuation), the joined text's LIKE pattern
    lets pg_trgm decide, as before."""
    joined = JOINED_SQL.format(column=f"{alias}.search_text")
    exact = contains(conn, f"{alias}.search_text", prefix)
    grams, _ = _pg_index_trigrams(conn, folded)
    if not grams:
        pattern = like_pattern(folded.replace(" ", JOINER))
        return f"{joined} LIKE :{prefix}_like ESCAPE '\\' AND {exact}", {f"{prefix}_like": pattern, prefix: folded}
    names = [f"{prefix}_g{i}" for i in range(len(grams))]
    index_part = " AND ".join(f"{joined} LIKE :{name}" for name in names)
    return f"{index_part} AND {exact}", {**{n: f"%{g}%" for n, g in zip(names, grams, strict=True)}, prefix: folded}


def estimated_candidates(conn: Connection, folded: str) -> float:
    """PostgreSQL: about how many lines the trigram index hands out for `folded` (from the sample; ~0.1 ms)."""
    return _pg_index_trigrams(conn, folded)[1]


def _pg_index_trigrams(conn: Connection, folded: str) -> tuple[list[str], float]:
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


@contextmanager
def search_index_first(conn: Connection):
    """Inside: find text hits through the search index rather than by reading an ordered index and filtering.
    For use once a bounded scan in page order has shown the hits are sparse in that order.

    PostgreSQL's planner guesses a term's hits from the trigrams and often walks the time index backwards,
    filtering every line, expecting hits soon; for a term bunched in the past ('yagi') it reads most of the
    table (0.7–0.9 s at 1.9 M lines) where the trigram index's bitmap and a top-N sort take 30–60 ms. Bitmap
    scans stay allowed, so filters on other indexes (account, dates) still combine with the trigram index.
    Use it only while estimated_candidates is at most BITMAP_MAX_HITS: fetching a few hundred thousand hits costs more
    (3–7 s for 'mien bac' at 11.7 M lines) than the walk, which meets that many hits soon (0.5 s).
    SQLite decides this itself (text_condition, index_walk): nothing to do there.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
    try:
        yield
    finally:
        conn.exec_driver_sql("RESET enable_indexscan")


def scoped_text_condition(
    conn: Connection, folded: str, scope: list[str], params: dict, alias: str = "s", prefix: str = "q"
) -> tuple[str, dict]:
    """Like text_condition, for a caller about to ask several queries within `scope` (conditions on `alias`
    with their `params`): on PostgreSQL the hits within the scope are read from the trigram index once and
    handed on as a list of ids (when there are at most COMMON_CAP), since each trigram query re-reads the
    posting lists of every trigram (~90 ms for a common Vietnamese name at 1.9 M lines)."""
    if conn.dialect.name != "postgresql":
        return text_condition(conn, folded, alias, prefix)
    condition, text_params = text_condition(conn, folded, alias, prefix)
    with search_index_first(conn):
        ids = (
            conn.execute(
                text(
                    f"SELECT {alias}.id FROM statement_lines {alias} WHERE "
                    f"{' AND '.join(scope + [condition])} LIMIT :hit_cap"
                ),
                {**params, **text_params, "hit_cap": COMMON_CAP + 1},
            )
            .scalars()
            .all()
        )
    if len(ids) > COMMON_CAP:
        return condition, text_params
    return f"{alias}.id = ANY(:{prefix}_ids)", {f"{prefix}_ids": list(ids)}


def index_walk(conn: Connection, folded: str, alias: str = "s", prefix: str = "q") -> tuple[str, str, dict, str] | None:
    """(FROM clause, condition, params, id key) for 'line `alias` contains `folded`', read from the index in id
    order, which is time order: ORDER BY the key with a LIMIT stops reading at the page's last hit. None where
    the index can't walk (PostgreSQL, short terms) or id order is not time order (explorer.db.line_order)."""
    if conn.dialect.name != "sqlite" or len(folded) < MIN_INDEXED_CHARS or "\x00" in folded:
        return None
    if not line_order.ids_follow_time(conn):
        return None
    index = f"{prefix}_fts"
    source = f"statement_fts {index} CROSS JOIN statement_lines {alias} ON {alias}.id = {index}.rowid"
    condition = f"{index}.statement_fts MATCH :{prefix}_m AND {contains(conn, f'{alias}.search_text', prefix)}"
    return source, condition, {f"{prefix}_m": _rarest_match(conn, folded), prefix: folded}, f"{index}.rowid"


def _rarest_match(conn: Connection, folded: str) -> str:
    """An FTS5 query for lines holding the INDEX_TRIGRAMS rarest trigrams of `folded` (a superset of the hits)."""
    counts = _trigram_counts(conn)
    rarest = sorted(set(trigrams(folded)), key=lambda gram: (counts[gram], gram))[:INDEX_TRIGRAMS]
    return " AND ".join(fts_phrase(gram) for gram in rarest)


def trigrams(folded: str) -> list[str]:
    return [folded[i : i + 3] for i in range(len(folded) - 2)]


def _trigram_counts(conn: Connection) -> Counter:
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
