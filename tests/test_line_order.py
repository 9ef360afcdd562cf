"""The recorded fact "line ids follow time" (explorer.db.line_order) is true exactly when it is, after a seed and
after each import, and statement search gives the same pages whether the index walks in id order or not."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from explorer.db import line_order
from explorer.db.engine import make_engine
from explorer.db.search import index_walk
from explorer.ingest import import_statement, parse_mapping
from explorer.queries import line_search, statements

MAPPING = parse_mapping("date=Ngay,credit=Co,description=Noi dung")


def follows(engine) -> bool:
    with engine.connect() as conn:
        return line_order.ids_follow_time(conn)


def truly_follows(engine) -> bool:
    """The oracle: every line is no older than the line with the next lower id."""
    with engine.connect() as conn:
        stamps = [row[0] for row in conn.execute(text("SELECT posted_at FROM statement_lines ORDER BY id"))]
    return all(a <= b for a, b in zip(stamps, stamps[1:], strict=False))


def statement(*days: int, memo: str = "NGUYEN VAN AN ung ho") -> bytes:
    """A generic statement with one 100.000 ₫ credit on each given day of September 2024, in file order."""
    return ("Ngay,Co,Noi dung\n" + "".join(f"{d:02d}/09/2024,100.000,{memo} {d}\n" for d in days)).encode()


def test_a_seed_records_that_ids_follow_time(tiny_db_url):
    engine = make_engine(tiny_db_url, readonly=True)
    assert follows(engine) is True and truly_follows(engine)


def test_imports_keep_the_fact_only_while_it_holds(empty_db_url):
    engine = make_engine(empty_db_url)
    assert follows(engine) is False  # nothing recorded yet means "no"

    def load(name, *days):
        return import_statement(
            engine,
            statement(*days),
            name,
            account="7777",
            bank="MB",
            column_map=MAPPING,
        )

    load("first.csv", 1, 2, 3)
    assert follows(engine) is True and truly_follows(engine)
    load("later.csv", 3, 4, 5)  # appends a later statement (3 September again: ties are in order)
    assert follows(engine) is True and truly_follows(engine)
    import_statement(
        engine, statement(2, memo="older gift"), "older.csv", account="7777", bank="MB", column_map=MAPPING
    )  # an older day imported after newer ones
    assert follows(engine) is False and not truly_follows(engine)
    load("latest.csv", 20, 21)  # once false, an in-order append cannot make it true again
    assert follows(engine) is False


def test_a_newest_first_file_is_written_in_time_order(empty_db_url):
    """Lines are written oldest first whatever the file's order, so one newest-first file does not switch the
    fast search path off."""
    engine = make_engine(empty_db_url)
    import_statement(engine, statement(9, 8, 7), "desc.csv", account="7777", bank="MB", column_map=MAPPING)
    assert follows(engine) is True and truly_follows(engine)
    with engine.connect() as conn:
        days = [row[0] for row in conn.execute(text("SELECT posted_at FROM statement_lines ORDER BY id"))]
    assert [str(d)[:10] for d in days] == ["2024-09-07", "2024-09-08", "2024-09-09"]


@pytest.mark.parametrize("days", [(1, 2, 3, 4, 5, 6), (6, 5, 4, 3, 2, 1)], ids=["ids_follow_time", "newest_first"])
def test_search_pages_are_the_same_either_way(empty_db_url, days, monkeypatch):
    """Newest-first pages of a text search are identical whether the index walked in id order or not."""
    monkeypatch.setattr(line_search, "PREFIX_SCAN_MAX", 0)  # a table this small would otherwise be scanned whole
    walks = []
    monkeypatch.setattr(line_search, "index_walk", lambda *a: walks.append(a) or index_walk(*a))
    engine = make_engine(empty_db_url)
    for day in days:  # one file a day, each with lines for two names
        import_statement(
            engine,
            statement(day, day, memo="TRAN THI HOA ung ho") + statement(day)[17:],
            f"{day}.csv",
            account="7777",
            bank="MB",
            column_map=MAPPING,
        )
    assert follows(engine) == (days[0] == 1)
    page, more = statements.search_lines(engine, q="tran thi hoa", page_size=5)
    assert page["description"].tolist() == [f"TRAN THI HOA ung ho {d}" for d in (6, 6, 5, 5, 4)] and more
    oldest, _ = statements.search_lines(engine, q="tran thi hoa", sort="oldest", page=2, page_size=5)
    assert oldest["description"].tolist() == [f"TRAN THI HOA ung ho {d}" for d in (3, 4, 4, 5, 5)]
    assert len(walks) == 2  # the index was asked to walk both times (and only answered where ids follow time)
