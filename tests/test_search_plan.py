"""Short queries read a bounded part of the view and say so; the search plan names the step that answered.

The oracle reads the view's lines in page order (newest first, id breaking ties), keeps the first
SHORT_SCAN_ROWS of them and filters those in Python with the substring rule. The bound is lowered so the
tiny seed (~5 k lines) is larger than it; the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from explorer.__main__ import main
from explorer.queries import line_search, statements
from explorer.queries.search_plan import STRATEGIES
from explorer.text import fold

BOUND = 400


def view(engine, where: str = "1 = 1", **params) -> list[tuple[int, str]]:
    """(id, folded text) of the view's lines in the default page order."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT s.id, s.counterparty, s.description FROM statement_lines s WHERE {where} "
                "ORDER BY s.posted_at DESC, s.id DESC"
            ),
            params,
        ).all()
    return [(i, fold(f"{who or ''} {memo}")) for i, who, memo in rows]


def bounded_oracle(lines: list[tuple[int, str]], q: str, limit: int) -> list[int]:
    term = fold(q).strip()
    return [i for i, folded in lines[:BOUND] if term in folded][:limit]


@pytest.fixture()
def low_bound(monkeypatch):
    monkeypatch.setattr(line_search, "SHORT_SCAN_ROWS", BOUND)
    monkeypatch.setattr(line_search, "PREFIX_SCAN_ROWS", 50)  # the small first scan falls short for rare terms


def a_sparse_short_term(lines: list[tuple[int, str]]) -> str:
    """A 2-character term found in the tiny seed, with fewer hits than a page in the first BOUND lines but
    more hits after them (so a whole-table answer would differ from the bounded one)."""
    counts: dict[str, tuple[int, int]] = {}
    for position, (_, folded) in enumerate(lines):
        for pair in {folded[i : i + 2] for i in range(len(folded) - 1)}:
            if pair.strip() == pair and pair.isalnum():
                early, late = counts.get(pair, (0, 0))
                counts[pair] = (early + 1, late) if position < BOUND else (early, late + 1)
    candidates = sorted(p for p, (early, late) in counts.items() if 1 <= early < 10 and late > 20)
    assert candidates, "the tiny seed should hold some sparse 2-character terms"
    return candidates[0]


def test_short_sparse_query_is_bounded_and_says_so(backend_engine, low_bound):
    lines = view(backend_engine)
    term = a_sparse_short_term(lines)
    page, more = statements.search_lines(backend_engine, q=term, page_size=20)
    assert page["id"].tolist() == bounded_oracle(lines, term, 20) and not more
    assert 0 < len(page) < 20
    assert page.attrs["searched_rows"] == BOUND
    plan = statements.explain_search(backend_engine, q=term, page_size=20)
    assert plan.answered_by == "bounded_short" and plan.searched_rows == BOUND
    assert f"{BOUND:,}" in plan.explain() and [s for s, _ in plan.steps] == ["prefix_scan", "bounded_short"]


def test_punctuation_and_chinese_are_bounded_misses(backend_engine, low_bound):
    for q in ('"', "%", "_", "李明"):
        page, more = statements.search_lines(backend_engine, q=q, page_size=20)
        assert page.empty and not more and page.attrs["searched_rows"] == BOUND, q


def test_a_small_view_is_read_whole_and_exact(backend_engine, low_bound):
    with backend_engine.connect() as conn:
        account, count = conn.execute(
            text(
                "SELECT account_id, COUNT(*) FROM statement_lines GROUP BY account_id "
                "HAVING COUNT(*) BETWEEN 60 AND :bound ORDER BY COUNT(*) DESC LIMIT 1"
            ),
            {"bound": BOUND - 1},
        ).one()
    lines = view(backend_engine, "s.account_id = :a", a=account)
    assert len(lines) == count
    for q in ("an", "u", "ho", '"'):
        page, _ = statements.search_lines(backend_engine, account=int(account), q=q, page_size=500)
        term = fold(q).strip()
        assert page["id"].tolist() == [i for i, folded in lines if term in folded], q  # every line, no bound
        assert "searched_rows" not in page.attrs


def test_common_short_term_fills_a_page_exactly(backend_engine, low_bound):
    lines = view(backend_engine)
    page, more = statements.search_lines(backend_engine, q="an", page_size=20)
    assert page["id"].tolist() == [i for i, folded in lines if "an" in folded][:20] and more
    assert "searched_rows" not in page.attrs
    assert statements.explain_search(backend_engine, q="an", page_size=20).answered_by == "prefix_scan"


def test_long_terms_name_an_index_step(backend_engine):
    rare = view(backend_engine)[-1][1].split()[-1]  # a word of the oldest line: hits bunched in the past
    plan = statements.explain_search(backend_engine, q=rare, page_size=20)
    assert plan.answered_by in STRATEGIES and plan.searched_rows is None
    expected = {"sqlite": {"prefix_scan", "index_walk"}, "postgresql": {"prefix_scan", "pg_trigram_bitmap"}}
    assert plan.answered_by in expected[backend_engine.dialect.name], plan.explain()


def test_bench_explain_prints_every_terms_plan(tiny_db_url, capsys):
    assert main(["bench", "--db", tiny_db_url, "--explain"]) == 0
    out = capsys.readouterr().out
    assert "search '\"' on sqlite" in out and "[cjk] search '李明'" in out and "bounded_short" in out


def test_new_search_operations_run(tiny_db_url, capsys):
    keys = ["statement_search_punct", "statement_search_cjk", "statement_search_nohit"]
    assert main(["bench", "--db", tiny_db_url, "--json", "--repeats", "2", "--no-rss", "--only", *keys]) == 0
    results = json.loads(capsys.readouterr().out)
    for key in keys:
        assert results[key]["rows"] == 0 and results[key]["baseline"].startswith("like_scan_")


def test_statements_page_says_the_search_was_bounded(app, low_bound):
    from page_specs import open_page

    from explorer.i18n import translate

    at = open_page(app, "statements", q="李明")
    bounded = translate("vi", "statements.scale_search_bounded", rows=f"{BOUND:,}".replace(",", "."))
    assert [i.value for i in at.info if "3 ký tự" in i.value] == [bounded]


def test_statements_page_has_no_bound_notice_for_indexed_terms(app, low_bound):
    from page_specs import open_page

    at = open_page(app, "statements", q="nguyen")
    assert at.dataframe and not [i.value for i in at.info if "3 ký tự" in i.value]
