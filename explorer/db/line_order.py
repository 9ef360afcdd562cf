"""Whether statement line ids run in time order, kept as a fact in the meta table.

When they do (every seed writes lines oldest first, and an import that appends a later statement keeps it so),
"newest first" is "highest id first", and the search index, which hands out its hits by id, can serve a page
of newest matches after reading only as many hits as the page needs (explorer.db.search.index_walk) instead
of collecting and sorting all of them. Ids follow time when no line has a later posted_at than a line with a
higher id. Only writers (seed, import) record the fact; readers trust it, and a missing fact means "no".
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

KEY = "line_ids_follow_time"


def ids_follow_time(conn: Connection) -> bool:
    return conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": KEY}).scalar() == "1"


def record(conn: Connection, after_id: int | None = None) -> bool:
    """Check and store whether ids follow time, inside the writer's transaction; returns the fact.

    `after_id`: the largest id before an append (None: check the whole table). An append keeps the fact
    true only if its lines are in order and none is older than the line before them; a fact that was
    already false stays false without reading anything.
    """
    known = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": KEY}).scalar()
    if after_id is not None and known == "0":
        return False
    scope = "WHERE id >= :after" if after_id is not None and known == "1" else ""
    out_of_order = conn.execute(
        text(
            "SELECT 1 FROM (SELECT posted_at, lag(posted_at) OVER (ORDER BY id) AS before "
            f"FROM statement_lines {scope}) ordered WHERE posted_at < before LIMIT 1"
        ),
        {"after": after_id},
    ).first()
    return store(conn, out_of_order is None)


def store(conn: Connection, follows: bool) -> bool:
    """Record the fact as the writer knows it (the seed knows it from the frames it wrote, without a re-read)."""
    conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": KEY})
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": KEY, "v": "1" if follows else "0"})
    return follows
