"""Both backends: the same seed gives the same numbers; the public connection cannot write; slow queries stop."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from explorer.db.engine import QueryTimeout, is_timeout, make_engine
from explorer.queries import overview


def test_seed_gives_identical_totals_on_both_backends(backend_engine, tiny_engine):
    assert overview.totals(backend_engine) == overview.totals(tiny_engine)
    assert overview.totals(backend_engine)["campaigns"] == 24 + 3 + 1  # + the giving day's projects, a purchase one


def test_daily_series_is_identical_on_both_backends(backend_engine, tiny_engine):
    ours, reference = overview.daily_received(backend_engine), overview.daily_received(tiny_engine)
    assert ours.equals(reference) and len(ours) > 30


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO meta (key, value) VALUES ('x', 'y')",
        "UPDATE statement_lines SET amount = 1",
        "DELETE FROM campaigns",
        "DROP TABLE merchants",
    ],
)
def test_public_connection_cannot_write(backend_url, statement):
    public = make_engine(backend_url, readonly=True, timeout_ms=5000)
    with pytest.raises(SQLAlchemyError) as caught:
        with public.begin() as conn:
            conn.execute(text(statement))
    assert "read" in str(caught.value.orig).lower()  # 'readonly database' / 'read-only transaction'
    with public.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM campaigns")).scalar_one() == 28


def test_slow_query_is_cut_off(backend_url):
    public = make_engine(backend_url, readonly=True, timeout_ms=200)
    endless = (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000000) SELECT COUNT(*) FROM r"
    )
    with pytest.raises(SQLAlchemyError) as caught:
        with public.connect() as conn:
            conn.execute(text(endless)).scalar_one()
    assert is_timeout(caught.value)
    assert issubclass(QueryTimeout, Exception)
