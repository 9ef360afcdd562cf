"""Facts about the database itself."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine


def read_meta(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT key, value FROM meta")).all())


def is_simulated(engine: Engine) -> bool:
    """True when any account holds seeded (simulated) data."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM accounts WHERE simulated LIMIT 1")).first() is not None
