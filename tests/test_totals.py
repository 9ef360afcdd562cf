"""Totals of a Statements view: every matching line (not the page), per currency, equal to plain SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from explorer.queries import statements
from explorer.queries.totals import line_totals


def oracle(engine, where: str = "1 = 1", **params) -> dict[str, tuple]:
    """{currency: (lines, lines_in, lines_out, sum_in, sum_out, min, max)} by plain SQL on the same seed."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.currency, COUNT(*), "
                "SUM(s.direction = 'in'), SUM(s.direction = 'out'), "
                "COALESCE(SUM(CASE WHEN s.direction = 'in' THEN s.amount END), 0), "
                "COALESCE(SUM(CASE WHEN s.direction = 'out' THEN s.amount END), 0), MIN(s.amount), MAX(s.amount) "
                f"FROM statement_lines s JOIN accounts a ON a.id = s.account_id WHERE {where} GROUP BY s.currency"
            ),
            params,
        ).all()
    return {r[0]: tuple(int(v) for v in r[1:]) for r in rows}


def got(frame) -> dict[str, tuple]:
    return {r[0]: tuple(int(v) for v in r[1:]) for r in frame.itertuples(index=False)}


def test_all_lines(tiny_engine):
    expected = oracle(tiny_engine)
    assert got(line_totals(tiny_engine)) == expected
    assert sum(v[0] for v in expected.values()) > 1000  # the whole seed, far more than one page


def test_account_and_search_cover_every_page_not_only_the_first(tiny_engine):
    filters = dict(account="3879", q="Nguyễn Văn")
    expected = oracle(tiny_engine, "a.number = '3879' AND s.search_text LIKE '%nguyen van%'")
    totals = line_totals(tiny_engine, **filters)
    assert got(totals) == expected
    lines, more = statements.search_lines(tiny_engine, **filters, page_size=10)
    assert more and int(totals.lines.sum()) > len(lines)  # more than the page on screen


def test_every_filter_at_once(tiny_engine):
    with tiny_engine.connect() as conn:
        campaign, day = conn.execute(
            text(
                "SELECT campaign_id, MIN(date(posted_at)) FROM statement_lines WHERE campaign_id IS NOT NULL "
                "GROUP BY campaign_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).one()
    start = dt.date.fromisoformat(day)
    end = start + dt.timedelta(days=30)
    filters = dict(
        campaign=campaign, date_from=start, date_to=end, amount_min="100k", amount_max=5_000_000, direction="in"
    )
    expected = oracle(
        tiny_engine,
        "s.campaign_id = :c AND s.posted_at >= :a AND s.posted_at < :b AND s.amount BETWEEN 100000 AND 5000000 "
        "AND s.direction = 'in' AND s.currency = 'VND'",
        c=campaign,
        a=start.isoformat(),
        b=(end + dt.timedelta(days=1)).isoformat(),
    )
    assert expected and got(line_totals(tiny_engine, **filters)) == expected


@pytest.mark.parametrize("filters", [dict(account="0000000"), dict(q="zzqqxx-no-such-memo")])
def test_nothing_matches(tiny_engine, filters):
    assert line_totals(tiny_engine, **filters).empty


def test_currencies_are_never_added(tiny_engine):
    totals = line_totals(tiny_engine)
    assert totals.currency.is_unique


@pytest.mark.parametrize(
    "filters, where",
    [
        (dict(account="3879"), "a.number = '3879'"),
        (dict(direction="out"), "s.direction = 'out'"),
        (
            dict(date_from=dt.date(2024, 9, 1), date_to=dt.date(2024, 9, 30), direction="in"),
            "s.posted_at >= '2024-09-01' AND s.posted_at < '2024-10-01' AND s.direction = 'in'",
        ),
    ],
)
def test_whole_day_views_read_from_the_rollups_and_still_equal_the_lines(tiny_engine, filters, where):
    """No text and no amount bounds: counts and sums come from daily_totals, the ends from the amount index."""
    expected = oracle(tiny_engine, where)
    assert expected and got(line_totals(tiny_engine, **filters)) == expected


def test_whole_ledger_totals_on_both_backends(backend_engine):
    """The rollup path with a currency of few lines (USD: about 2 % of the tiny seed's lines), whose smallest and
    largest amounts are found through the accounts holding it: equal to plain SQL on SQLite and PostgreSQL."""
    with backend_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT currency, COUNT(*), MIN(amount), MAX(amount), "
                "COALESCE(SUM(CASE WHEN direction = 'in' THEN amount END), 0) FROM statement_lines GROUP BY currency"
            )
        ).all()
    expected = {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}
    assert 0 < expected["USD"][0] * 10 < sum(v[0] for v in expected.values())  # the few-lines path runs
    frame = line_totals(backend_engine)
    assert {r.currency: (r.lines, r.smallest, r.largest, r.sum_in) for r in frame.itertuples()} == expected
