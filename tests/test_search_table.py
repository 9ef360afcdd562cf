"""Statement search equals a brute-force Python oracle, whatever the user types.

The oracle reads every line into Python (the tiny seed is small) and keeps those where the folded, capped
query is a substring of fold(counterparty + ' ' + description). Extra lines with Chinese memos, emoji,
quotes and pattern characters are inserted into a COPY of the tiny database (the shared one is never
written), once dated after every seeded line (line ids still follow time, so newest-first pages are read from
the index in id order) and once dated in the middle (ids no longer follow time). Every query runs under three
strategies: as shipped, without the bounded page-order scan (so the search index answers), and with every
indexed term treated as common (so `instr` scanning answers where the index does not walk).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest
from babel.numbers import get_currency_precision
from extra_lines import append_lines, daily
from sqlalchemy import text

from explorer.db import line_order, search
from explorer.db.engine import make_engine
from explorer.queries import line_search, statements
from explorer.text import fold

EXTRA_LINES = [  # (counterparty, description)
    ("WANG XIAOMING", "王小明 捐款给灾区 支援越南"),
    (None, "爱心捐赠 灾区 200元"),
    ("LE THI ANH", "Trần Thị Ánh ủng hộ 🙏❤️ bà con miền Trung"),
    ("NGUYEN VAN DUC", "Đức ủng hộ đồng bào lũ lụt"),
    ("OBRIEN", "ung ho \"mien trung\" 50% it's O'Brien"),
    (None, "100% tam long_ban a*b star NEAR the river AND OR NOT"),
    ("BACKSLASH", "back\\slash ^caret (paren) col:umn {brace} -minus +plus"),
    ("FORMULA", "=cmd|' /C calc'!A0"),
]

QUERIES = [
    # diacritics on/off, case, đ/Đ
    "Nguyễn Văn",
    "nguyen van",
    "NGUYEN VAN",
    "nGuYeN vAn",
    "Nguyen  Van",
    " nguyễn văn ",
    "Đức",
    "đức",
    "DUC",
    "duc",
    "Đ",
    "đ",
    "d",
    "ủng hộ",
    "ung ho",
    "ỦNG HỘ",
    "Trần Thị Ánh",
    "ánh",
    "ÁNH",
    "đồng bào",
    "dong bao",
    "lũ lụt",
    # Chinese, emoji
    "捐款",
    "捐款给灾区",
    "灾",
    "灾区",
    "王小明",
    "爱心捐赠",
    "支援越南",
    "🙏",
    "❤️",
    "🙏❤️",
    "bà con 🙏",
    # 1–2 characters
    "a",
    "an",
    "ho",
    "x",
    "zz",
    "1",
    "20",
    ".",
    "..",
    " ",
    # quotes and FTS syntax
    '"',
    '""',
    "'",
    "O'Brien",
    '"mien trung"',
    '"ung ho',
    "*",
    "a*b",
    "ung*",
    "NEAR",
    "NEAR(ung ho)",
    "near(",
    "AND",
    "ung AND ho",
    "OR",
    "NOT",
    "ung OR ho",
    "-minus",
    "+plus",
    "^caret",
    "(paren)",
    "col:umn",
    "search_text:ung",
    "{brace}",
    "ung ho NOT mien",
    # LIKE pattern characters, backslash
    "%",
    "50%",
    "_",
    "long_ban",
    "tam long_ban",
    "\\",
    "back\\slash",
    "%_%",
    # control characters, NUL, very long input, odd Unicode
    "\x00",
    "ung\x00ho",
    "\x01\x02",
    "\t\n",
    "ung\tho",
    "ung\u200bho",
    "ﬁ",
    "ＵＮＧ ＨＯ",
    "İ",
    "ß",
    "=cmd",
    "a" * 10_000,
    "ung ho " * 2_000,
    "",
]

STRATEGIES = ["shipped", "index_only", "instr_only"]


def insert_extra_lines(writer, first_day: dt.datetime) -> None:
    """The extra lines, one a day from first_day."""
    append_lines(writer, daily(first_day, EXTRA_LINES, 100_000, "X"))


def all_lines(engine) -> pd.DataFrame:
    """Every line, for the oracle only."""
    with engine.connect() as conn:
        frame = pd.read_sql(
            text(
                "SELECT s.id, s.posted_at, a.number AS account, s.direction, s.amount, s.currency, s.counterparty,"
                " s.description FROM statement_lines s JOIN accounts a ON a.id = s.account_id"
            ),
            conn,
        )
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    frame["folded"] = [
        fold(f"{c if isinstance(c, str) else ''} {d}")  # a missing counterparty is NaN here
        for c, d in zip(frame["counterparty"], frame["description"], strict=False)
    ]
    return frame


EXTRA_LINES_FROM = {
    "ids_follow_time": dt.datetime(2025, 6, 1, 10),
    "ids_out_of_time_order": dt.datetime(2024, 7, 1, 10),
}


@pytest.fixture(scope="module", params=list(EXTRA_LINES_FROM))
def search_engine(request, tiny_db_url, tmp_path_factory):
    """A copy of the tiny seed (sqlite backup API) with the extra lines indexed by the triggers; read-only engine."""
    source = sqlite3.connect(tiny_db_url.removeprefix("sqlite:///"))
    path = tmp_path_factory.mktemp(request.param) / "search.sqlite"
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    insert_extra_lines(make_engine(f"sqlite:///{path}"), EXTRA_LINES_FROM[request.param])
    return make_engine(f"sqlite:///{path}", readonly=True, timeout_ms=10_000)


@pytest.fixture(scope="module")
def lines(search_engine) -> pd.DataFrame:
    return all_lines(search_engine)


@pytest.fixture(params=STRATEGIES)
def strategy(request, monkeypatch):
    if request.param in ("index_only", "instr_only"):
        monkeypatch.setattr(line_search, "PREFIX_SCAN_MAX", 0)  # the bounded scan never answers
    if request.param == "instr_only":
        monkeypatch.setattr(search, "COMMON_CAP", 1)  # every indexed term counts as common
    return request.param


def oracle(
    lines: pd.DataFrame,
    q: str = "",
    account=None,
    date_from=None,
    date_to=None,
    amount_min=None,
    amount_max=None,
    direction=None,
    sort="newest",
) -> list[int]:
    term = fold(q)[:200].strip()  # the documented cap: statements.MAX_QUERY_CHARS folded characters
    keep = lines["folded"].map(lambda s: term in s) if term else pd.Series(True, index=lines.index)
    if account is not None:
        keep &= lines["account"] == account
    if date_from is not None:
        keep &= lines["posted_at"].dt.date >= date_from
    if date_to is not None:
        keep &= lines["posted_at"].dt.date <= date_to
    major = lines["amount"] / lines["currency"].map(lambda c: 10 ** get_currency_precision(c))
    if amount_min is not None:
        keep &= major >= amount_min
    if amount_max is not None:
        keep &= major <= amount_max
    if direction is not None:
        keep &= lines["direction"] == direction
    key, descending = {
        "newest": ("posted_at", True),
        "oldest": ("posted_at", False),
        "largest": ("amount", True),
        "smallest": ("amount", False),
    }[sort]
    ordered = lines[keep].sort_values([key, "id"], ascending=[not descending, not descending])
    return ordered["id"].tolist()


def test_cap_is_the_documented_one():
    assert statements.MAX_QUERY_CHARS == 200


def test_extra_lines_are_indexed(search_engine):
    with search_engine.connect() as conn:
        hits = conn.execute(text("SELECT count(*) FROM statement_fts WHERE statement_fts MATCH '\"捐款给\"'")).scalar()
        last_seeded = conn.execute(
            text("SELECT max(posted_at) FROM statement_lines WHERE id < (SELECT max(id) - :n FROM statement_lines)"),
            {"n": len(EXTRA_LINES) - 1},
        ).scalar()
        follows = line_order.ids_follow_time(conn)
    assert hits == 1
    assert last_seeded < "2025-06-01"  # the first variant really is dated after every seeded line
    assert follows == ("ids_follow_time" in search_engine.url.database)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: repr(q)[:40])
def test_search_equals_oracle(search_engine, lines, strategy, q):
    expected = oracle(lines, q)
    everything = statements.export_lines(search_engine, q=q)
    assert sorted(everything["id"].tolist()) == sorted(expected)
    first_page, has_more = statements.search_lines(search_engine, q=q, page_size=50)
    assert first_page["id"].tolist() == expected[:50]
    assert has_more == (len(expected) > 50)


def test_the_table_exercises_every_kind_of_answer(lines):
    """Guard against a vacuous table: some queries match nothing, some a few lines, some most lines."""
    counts = [len(oracle(lines, q)) for q in QUERIES]
    assert 0 in counts and any(0 < c < 5 for c in counts) and max(counts) > len(lines) // 2
    assert len(oracle(lines, "Đức")) == len(oracle(lines, "DUC")) > 0
    assert oracle(lines, "捐款") and oracle(lines, "🙏") and oracle(lines, '"mien trung"')


FILTER_CASES = [
    dict(q="nguyen", direction="in", sort="largest"),
    dict(q="ung ho", account="3879", sort="oldest"),
    dict(q="", account="3879", date_from=dt.date(2024, 10, 1), date_to=dt.date(2024, 10, 31)),
    dict(q="an", amount_min=100_000, amount_max=500_000, sort="smallest"),
    dict(q="", direction="out", sort="newest"),
    dict(q="", amount_min=20, amount_max=20),  # 20 USD (2000 cents), not 20 đồng
    dict(q="tran", date_from=dt.date(2024, 9, 1), direction="in", sort="largest"),
    dict(q="zzzz-nothing", account="3879"),
    dict(q="", account="no-such-account"),
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("page", [1, 2, 7])
def test_filters_sort_and_paging_equal_oracle(search_engine, lines, strategy, case, page):
    expected = oracle(lines, **case)
    got, has_more = statements.search_lines(search_engine, **case, page=page, page_size=20)
    assert got["id"].tolist() == expected[(page - 1) * 20 : page * 20]
    assert has_more == (len(expected) > page * 20)


def test_filter_cases_are_not_vacuous(lines):
    sizes = [len(oracle(lines, **case)) for case in FILTER_CASES]
    assert sum(s > 40 for s in sizes) >= 4 and sizes[-1] == 0 and sizes[5] > 0


def test_bad_sort_direction_and_page_fall_back_to_defaults(search_engine, lines):
    got, _ = statements.search_lines(search_engine, q="ung", sort="DROP TABLE", direction="sideways", page=-3)
    assert got["id"].tolist() == oracle(lines, "ung")[:50]


def test_dates_at_the_calendar_ends(search_engine, lines):
    got, _ = statements.search_lines(search_engine, q="ung", date_from=dt.date.min, date_to=dt.date.max)
    assert got["id"].tolist() == oracle(lines, "ung")[:50]
    got, _ = statements.search_lines(search_engine, date_from=dt.date.max)
    assert got.empty


def test_amounts_in_any_usual_form(search_engine, lines):
    expected = oracle(lines, amount_min=500_000, amount_max=500_000)
    for written in ("500k", "500.000", "500,000đ", "0,5tr", 500_000):
        got = statements.export_lines(search_engine, amount_min=written, amount_max=written)
        assert sorted(got["id"]) == sorted(expected), written
    assert expected


def test_shown_columns(search_engine):
    page, _ = statements.search_lines(search_engine, q="捐款")
    assert list(page.columns) == statements.COLUMNS
    row = page.iloc[0]
    assert row["description"] == "王小明 捐款给灾区 支援越南" and row["currency"] == "VND" and row["direction"] == "in"


def test_export_is_capped(search_engine, monkeypatch):
    monkeypatch.setattr(statements, "EXPORT_ROW_CAP", 7)
    capped = statements.export_lines(search_engine, q="an")
    assert len(capped) == 7 and capped.attrs["capped"] is True
    small = statements.export_lines(search_engine, q="捐款")
    assert len(small) == 1 and small.attrs["capped"] is False


def test_whole_dataset_parquet(search_engine, lines, monkeypatch):
    import io

    data, capped = statements.dataset_parquet(search_engine, account="3879")
    frame = pd.read_parquet(io.BytesIO(data))
    assert sorted(frame["id"]) == sorted(lines.loc[lines["account"] == "3879", "id"]) and not capped
    monkeypatch.setattr(statements, "DATASET_ROW_CAP", 100)
    monkeypatch.setattr(statements, "DATASET_CHUNK_ROWS", 30)
    data, capped = statements.dataset_parquet(search_engine)
    frame = pd.read_parquet(io.BytesIO(data))
    assert frame["id"].tolist() == sorted(lines["id"])[:100] and capped


@pytest.mark.postgres
def test_postgres_search_equals_oracle(pg_database):
    """The same table on PostgreSQL (pg_trgm + LIKE): a fresh database seeded tiny, plus the extra lines."""
    from seed.generate import seed_database

    url = pg_database("search")
    seed_database(make_engine(url), "tiny", 1)
    insert_extra_lines(make_engine(url), EXTRA_LINES_FROM["ids_out_of_time_order"])
    engine = make_engine(url, readonly=True, timeout_ms=10_000)
    lines = all_lines(engine)
    for q in QUERIES:
        expected = oracle(lines, q)
        assert sorted(statements.export_lines(engine, q=q)["id"]) == sorted(expected), repr(q)[:40]
        page, has_more = statements.search_lines(engine, q=q, page_size=50)
        assert page["id"].tolist() == expected[:50] and has_more == (len(expected) > 50), repr(q)[:40]
    for case in FILTER_CASES:
        got, _ = statements.search_lines(engine, **case, page=2, page_size=20)
        assert got["id"].tolist() == oracle(lines, **case)[20:40], case
