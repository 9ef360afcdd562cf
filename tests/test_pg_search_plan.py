"""PostgreSQL picks the same kind of search plan as SQLite, and both return the rows of a brute-force oracle.

The oracle reads every line of the tiny seed in page order (newest first, id breaking ties) and keeps those
whose folded text holds the folded query. The first bounded scan is lowered to 50 rows so that rare terms
get past it on ~5 k lines, as they do at national scale. Terms are picked from the data: a common one (a page
of hits in the first rows), a short one, a rare name (hits only further back), one with no hit, and on
PostgreSQL a term with a few hits in the first rows and many more further on (the walk in page order).
"""

from __future__ import annotations

import datetime as dt

import pytest
from extra_lines import append_lines, daily
from sqlalchemy import text

from explorer.db import search, trigram_sample
from explorer.db.engine import create_schema, make_engine, schema_is_current
from explorer.queries import line_search, statements
from explorer.text import fold

FIRST_SCAN = 50
PAGE = 20
# What kind of read answered: the same kind is expected on both backends (names differ per dialect).
KIND = {
    "prefix_scan": "page order",
    "pg_walk": "page order",
    "bounded_short": "bounded",
    "index_walk": "index",
    "trigram_ids": "index",
    "pg_trigram_bitmap": "index",
    "instr_scan": "scan",
    "pg_planner": "scan",
}


def view(engine) -> list[tuple[int, str]]:
    """(id, folded text) of every line in the default page order."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, counterparty, description FROM statement_lines ORDER BY posted_at DESC, id DESC")
        ).all()
    return [(i, fold(f"{who or ''} {memo}")) for i, who, memo in rows]


def oracle(lines: list[tuple[int, str]], q: str) -> list[int]:
    term = fold(q).strip()
    return [i for i, folded in lines if term in folded]


@pytest.fixture()
def small_first_scan(monkeypatch):
    monkeypatch.setattr(line_search, "PREFIX_SCAN_ROWS", FIRST_SCAN)
    monkeypatch.setattr(line_search, "PREFIX_SCAN_PER_HIT", 0)


@pytest.fixture(scope="module")
def engines(tiny_db_url, pg_tiny_url):
    return {
        "sqlite": make_engine(tiny_db_url, readonly=True, timeout_ms=5000),
        "postgresql": make_engine(pg_tiny_url, readonly=True, timeout_ms=5000),
    }


def terms(lines: list[tuple[int, str]]) -> dict[str, str]:
    """One term of each kind, found in the data (deterministic: the first that qualifies)."""
    first = lines[:FIRST_SCAN]

    def early(q: str) -> int:
        return len(oracle(first, q))

    words = sorted({w for _, folded in lines for w in folded.split() if len(w) >= 3 and w.isalpha()})
    common = next(w for w in words if early(w) >= PAGE + 1)
    names = [" ".join(folded.split()[:3]) for _, folded in reversed(lines)]  # oldest first
    rare = next(n for n in names if len(n) >= 8 and early(n) == 0 and 1 <= len(oracle(lines, n)) < PAGE)
    return {"common": common, "short": "an", "rare": rare, "nohit": "qzxv nguyen"}


EXPECTED_KIND = {"common": "page order", "short": "page order", "rare": "index", "nohit": "index"}


@pytest.mark.postgres
def test_plan_kind_and_rows_are_the_same_on_both_backends(engines, small_first_scan):
    lines = view(engines["sqlite"])
    assert view(engines["postgresql"]) == lines  # the same seed: the same lines, ids and order
    picked = terms(lines)
    for kind, q in picked.items():
        expected = oracle(lines, q)
        assert (len(expected) > 0) == (kind != "nohit"), (kind, q)
        answered = {}
        for name, engine in engines.items():
            for page in (1, 2):
                got, more = statements.search_lines(engine, q=q, page=page, page_size=PAGE)
                wanted = expected[(page - 1) * PAGE : page * PAGE]
                assert got["id"].tolist() == wanted and more == (len(expected) > page * PAGE), (name, kind, q, page)
            answered[name] = statements.explain_search(engine, q=q, page_size=PAGE).answered_by
        assert {KIND[a] for a in answered.values()} == {EXPECTED_KIND[kind]}, (kind, q, answered)


@pytest.mark.postgres
def test_postgres_walks_on_in_page_order_when_the_first_scan_shows_hits_spread(engines, small_first_scan):
    """A term with a few hits in the first rows and many further on is read by a longer scan in page order
    (the bitmap would fetch every candidate); the rows are the oracle's."""
    engine = engines["postgresql"]
    lines = view(engine)
    first = lines[:FIRST_SCAN]
    words = sorted({w for _, folded in lines for w in folded.split() if len(w) >= 3 and w.isalpha()})
    q = next(w for w in words if 2 <= len(oracle(first, w)) <= 10 and len(oracle(lines, w)) >= 300)
    got, more = statements.search_lines(engine, q=q, page_size=PAGE)
    assert got["id"].tolist() == oracle(lines, q)[:PAGE] and more
    plan = statements.explain_search(engine, q=q, page_size=PAGE)
    assert [step for step, _ in plan.steps] == ["prefix_scan", "pg_walk"] and plan.answered_by == "pg_walk"


@pytest.mark.postgres
def test_postgres_estimate_orders_terms_by_frequency(engines):
    lines = view(engines["sqlite"])
    picked = terms(lines)
    with engines["postgresql"].connect() as conn:
        estimate = {
            kind: trigram_sample.estimated_candidates(conn, fold(q)) for kind, q in picked.items() if kind != "short"
        }
        grams, _ = trigram_sample.pg_index_trigrams(conn, fold(picked["rare"]))
    assert estimate["common"] > estimate["rare"] > estimate["nohit"]
    assert estimate["nohit"] < 1  # in no sampled line: half a sampled line's share of the table
    joined = fold(picked["rare"]).replace(" ", search.JOINER)
    assert grams and all(g in joined and g.isalnum() for g in grams)  # trigrams of the query the index knows


@pytest.mark.postgres
def test_old_index_is_replaced_and_a_real_z_only_adds_candidates(pg_database):
    """A database indexed on the plain text (before the joined text) gets the new index from create_schema;
    a line holding 'vuzquang' is a candidate for 'vu quang' in the joined text, never a hit."""
    from seed.generate import seed_database

    url = pg_database("pgsearch_upgrade")
    writer = make_engine(url)
    seed_database(writer, "tiny", 1)
    with writer.begin() as conn:
        conn.execute(text(f"DROP INDEX {search.PG_INDEX}"))
        conn.execute(text(f"CREATE INDEX {search.PG_INDEX} ON statement_lines USING gin (search_text gin_trgm_ops)"))
    assert not schema_is_current(writer)  # so the app's first run upgrades it (explorer/ui/first_run.py)
    create_schema(writer)
    assert schema_is_current(writer)
    with writer.connect() as conn:
        definition = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": search.PG_INDEX}
        ).scalar_one()
    assert "translate(search_text" in definition and "gin_trgm_ops" in definition
    memos = [("VUZQUANG", "vuzquang ung ho"), ("VU QUANG", "vu quang ung ho"), (None, "xin gui vu quang")]
    append_lines(writer, daily(dt.datetime(2025, 6, 1, 10), memos, 100_000, "Z"))
    engine = make_engine(url, readonly=True, timeout_ms=5000)
    lines = view(engine)
    expected = oracle(lines, "Vũ Quang")
    got, _ = statements.search_lines(engine, q="Vũ Quang", page_size=PAGE)
    assert got["id"].tolist() == expected[:PAGE]
    assert got["description"].tolist()[:2] == ["xin gui vu quang", "vu quang ung ho"]
    assert "vuzquang ung ho" not in got["description"].tolist()
    with engine.connect() as conn:
        condition, params = search.text_condition(conn, fold("vu quang"))
        candidates = conn.execute(
            text(f"SELECT count(*) FROM statement_lines s WHERE {condition.rpartition(' AND ')[0]}"), params
        ).scalar_one()
    assert candidates > len(expected)  # the 'z' line (and maybe others) is a candidate, and strpos drops it


@pytest.mark.postgres
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_postgres_reads_a_term_with_too_many_candidates_in_windows_of_ids(engines, small_first_scan, monkeypatch, sort):
    """A term past the bitmap's bound, with no hit in the first rows, is read in growing windows of ids (ids follow
    time in the seed): pages 1–3 are the oracle's in either time order, from several windows, and the plan says
    so; a rare term and one with no hit too."""
    monkeypatch.setattr(statements, "BITMAP_MAX_HITS", 0)  # every term is "too many candidates for one bitmap"
    monkeypatch.setattr(line_search, "PG_FIRST_WINDOW", 100)
    engine = engines["postgresql"]
    lines = view(engine)
    ordered = lines if sort == "newest" else sorted(lines)  # ids follow time: oldest first is id order
    words = sorted({w for _, folded in lines for w in folded.split() if len(w) >= 3 and w.isalpha()})
    spread = next(
        w for w in words if not oracle(ordered[:FIRST_SCAN], w) and 3 * PAGE < len(oracle(ordered, w)) < 2_000
    )
    for q in (spread, terms(lines)["rare"], "qzxv nguyen"):
        expected = oracle(ordered, q)
        for page in (1, 2, 3):
            got, more = statements.search_lines(engine, q=q, page=page, page_size=PAGE, sort=sort)
            assert got["id"].tolist() == expected[(page - 1) * PAGE : page * PAGE], (q, page)
            assert more == (len(expected) > page * PAGE)
        plan = statements.explain_search(engine, q=q, page_size=PAGE, sort=sort)
        assert plan.answered_by == "pg_id_windows", plan.explain()
        windows = int(plan.steps[-1][1].split(" in ")[1].split()[0])
        assert windows >= 2  # 100 ids first, then 200, 400 …: more than one window was read
