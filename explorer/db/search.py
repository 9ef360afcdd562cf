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
  As on SQLite, the index is asked only for a few of the query's trigrams (`pg_index_trigrams`), chosen on a
  sample of lines read once per database: every trigram of a Vietnamese name is common, and the GIN scan reads
  each one's posting list (40 ms for the 8 of 'vu quang quang' against 2 ms for its rarest 3). The same sample
  estimates how many lines hold those trigrams (`estimated_candidates`), which the statement search uses to
  choose between the bitmap and a walk in page order (explorer.queries.statements).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from explorer.db import line_order
from explorer.db.trigram_sample import (
    INDEX_TRIGRAMS,
    JOINED_SQL,
    JOINER,
    pg_index_trigrams,
    trigram_counts,
    trigrams,
)

MIN_INDEXED_CHARS = 3
COMMON_CAP = 20_000
BITMAP_MAX_HITS = 100_000  # PostgreSQL: expected candidates up to which the trigram bitmap beats an ordered walk
# PostgreSQL: the indexed expression (see the module docstring).
PG_INDEX = "ix_lines_search_trgm"
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


_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS statement_fts USING fts5("
    "search_text, content='statement_lines', content_rowid='id', tokenize='trigram', columnsize=0, detail=none)"
)
# The FTS5 tables that hold the index itself (the rest of its tables hold its settings).
_SQLITE_FTS_SHADOWS = {"statement_fts_data": 2, "statement_fts_idx": 3}


def create_index(conn: Connection) -> None:
    """Create the dialect's full-text index and whatever keeps it in sync (idempotent)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(_SQLITE_FTS))
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


def build_index_file(path: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """SQLite: the search index, built in a new file at `path` over the lines `fill` writes into its table
    `statement_lines (id, search_text)`, for adopt_index_file to take over.

    The stress seed runs this in a second process while it writes the lines and builds their other indexes,
    so the two slowest stages share the machine's cores; it also reads 1 GB of texts instead of the 4 GB table.
    """
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE statement_lines (id INTEGER PRIMARY KEY, search_text TEXT)")
        db.execute(_SQLITE_FTS)
        db.execute("BEGIN")
        fill(db)
        db.execute("INSERT INTO statement_fts(statement_fts, rank) VALUES ('hashsize', ?)", (FTS_REBUILD_HASHSIZE,))
        db.execute("INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')")
        db.execute("COMMIT")
    finally:
        db.close()


def adopt_index_file(conn: Connection, path: str) -> None:
    """SQLite, after a bulk load: make the index built by build_index_file the search index, then re-arm upkeep.

    The file's lines must be exactly the table's (ids and texts). FTS5 keeps an index in two plain tables, so they
    are copied as they are. This connection may hold the empty index's layout in memory: the caller must not
    search or write lines on it afterwards, and should close it (the seed disposes of its engine's connections).
    """
    raw = conn.connection.dbapi_connection  # engine.driver_connection, which imports this module
    assert raw is not None
    side = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, width in _SQLITE_FTS_SHADOWS.items():
            raw.execute(f"DELETE FROM {table}")
            rows = side.execute(f"SELECT * FROM {table}")
            insert = f"INSERT INTO {table} VALUES ({', '.join('?' * width)})"
            while chunk := rows.fetchmany(10_000):
                raw.executemany(insert, chunk)
    finally:
        side.close()
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
    grams, _ = pg_index_trigrams(conn, folded)
    if not grams:
        pattern = like_pattern(folded.replace(" ", JOINER))
        return f"{joined} LIKE :{prefix}_like ESCAPE '\\' AND {exact}", {f"{prefix}_like": pattern, prefix: folded}
    names = [f"{prefix}_g{i}" for i in range(len(grams))]
    index_part = " AND ".join(f"{joined} LIKE :{name}" for name in names)
    return f"{index_part} AND {exact}", {**{n: f"%{g}%" for n, g in zip(names, grams, strict=True)}, prefix: folded}


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
    counts = trigram_counts(conn)
    rarest = sorted(set(trigrams(folded)), key=lambda gram: (counts[gram], gram))[:INDEX_TRIGRAMS]
    return " AND ".join(fts_phrase(gram) for gram in rarest)
