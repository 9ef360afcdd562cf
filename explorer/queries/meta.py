"""Facts about the database itself."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine


def read_meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT key, value FROM meta")).all())
