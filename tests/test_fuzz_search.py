"""Fuzzing every search and filter entry point with hypothesis: whatever the public types or puts in a URL,
nothing raises, and searches return exactly what a brute-force Python oracle says.

Entry points: explorer.queries.statements.search_lines (q, account, dates, amounts, direction, sort, page,
page size), explorer.queries.verify.find_donation, explorer.queries.accounts.search_accounts,
explorer.queries.campaigns.listing, explorer.queries.disbursements.listing (it takes no free text: its typed
filters are fuzzed), the date filters of explorer.queries.stats, explorer.text.fold / parse_amount, and
explorer.params.parse_params with every page's SPEC (read from the page files, so a new page is covered).

Inputs mix FTS5 syntax, quotes, SQL metacharacters, LIKE's % and _, backslashes, 10 k-character strings,
emoji and ZWJ sequences, NUL and control characters, lone surrogates, mixed scripts (Vietnamese with
composed and decomposed marks, Chinese, Cyrillic, Arabic, Thai), numbers in every format, and pieces of
real memos and names (re-cased, with diacritics added or removed) so that searches also hit.

The database is a copy of the tiny seed plus lines whose memos hold those characters (the shared seed is
never written). Runs are deterministic (derandomize=True); every example is counted, and the totals are
written to artifacts/issue8/fuzz_search.json (≥ 2,000 inputs in total, 0 exceptions).
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import json
import re
import unicodedata
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pandas as pd
import pytest
from babel.numbers import get_currency_precision
from extra_lines import append_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_specs import page_specs
from province_oracle import same_today
from sqlalchemy import text

from explorer import provinces
from explorer.db import search
from explorer.db.engine import make_engine
from explorer.params import COMMON, MAX_TEXT, Param, parse_params, to_query
from explorer.queries import accounts, campaigns, disbursements, line_search, statements, stats, verify
from explorer.text import MAX_AMOUNT, fold, parse_amount

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "issue8"
CAP = statements.MAX_QUERY_CHARS
# Per fuzz test (this module runs on one worker under --dist loadfile): generated inputs, inputs that raised,
# inputs whose result differed from the oracle.
TRIED: collections.Counter = collections.Counter()
EXCEPTIONS: collections.Counter = collections.Counter()
MISMATCHES: collections.Counter = collections.Counter()
WITH_HITS: collections.Counter = collections.Counter()  # inputs whose oracle answer was not empty
MIN_TOTAL = 2_000


def counted(test):
    """Count every input the test body sees, and how it ended (a raise is an exception, an assert a mismatch)."""

    @functools.wraps(test)
    def body(*args, **kwargs):
        db = kwargs.get("db")
        key = test.__name__ + (f"[{db.engine.dialect.name}]" if db is not None else "")
        TRIED[key] += 1
        try:
            return test(*args, **kwargs)
        except AssertionError:
            MISMATCHES[key] += 1
            raise
        except Exception:
            EXCEPTIONS[key] += 1
            raise

    return body


def fuzz(examples: int):
    """Deterministic hypothesis settings: a fixed number of examples, no deadline, no example database."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- hostile material --------------------------------------------------------------------------------------

HOSTILE = [
    # quotes and SQL
    '"',
    '""',
    "'",
    "''",
    "`",
    ";",
    "--",
    "/*",
    "*/",
    "' OR '1'='1",
    "'; DROP TABLE statement_lines; --",
    '" OR 1=1 --',
    "1; SELECT * FROM beneficiaries",
    "UNION SELECT full_name FROM beneficiaries",
    "?",
    ":q",
    "$1",
    # LIKE / GLOB / regex metacharacters, backslash
    "%",
    "%%",
    "_",
    "__",
    "\\",
    "\\%",
    "\\_",
    "[",
    "]",
    "[a-z]",
    "^",
    "$",
    ".*",
    "|",
    # FTS5 syntax
    "*",
    "a*",
    "ung*",
    "NEAR",
    "NEAR(ung ho)",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "{",
    "}",
    ":",
    "col:umn",
    "search_text:ung",
    "-",
    "+",
    "^ung",
    '"ung ho"',
    "statement_fts",
    # text that does occur
    "ung ho",
    "UNG HO",
    "ủng hộ",
    "Đ",
    "đồng bào",
    "Nguyễn Văn",
    "nguyen",
    " ",
    "  ",
    # control characters, invisible and odd Unicode
    "\x00",
    "\x01",
    "\x1b[31m",
    "\t",
    "\n",
    "\r\n",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200d",
    "\u202e",
    "\ufeff",
    "\u0301",
    "\u0323",
    "\ud800",
    "\udfff",
    "\U000e0041",
    "\uffff",
    # emoji and scripts
    "🙏",
    "❤️",
    "👨‍👩‍👧",
    "🇻🇳",
    "捐款",
    "灾区",
    "王小明",
    "Привет",
    "مرحبا",
    "שלום",
    "สวัสดี",
    "ﬁ",
    "Ｕ",
    "İ",
    "ß",
    "Å",
    "Ω",
    "ǅ",
    "ﷺ",
    # numbers in every format
    "0",
    "-1",
    "500k",
    "500.000",
    "500,000đ",
    "0,5tr",
    "1.2 tỷ",
    "1e9",
    "1E-3",
    "1_000",
    "0x1F",
    "NaN",
    "inf",
    "٣",
    "²",
    "Ⅻ",
    "１２３",
    "9" * 400,
    # other injections
    "<script>alert(1)</script>",
    "${7*7}",
    "{{7*7}}",
    "%s%s%n",
    "__import__('os').system('id')",
    "../../etc/passwd",
]
# Memos of extra lines, so that hostile queries can also hit: (counterparty, description).
EXTRA_LINES = [
    ("WANG XIAOMING", "王小明 捐款给灾区 支援越南 🙏"),
    (None, "100% tam long_ban a*b NEAR(ung ho) AND OR NOT ^caret col:umn {brace}"),
    ("O'BRIEN", 'ung ho "mien trung" it\'s 50%_off \\back\\slash'),
    ("LE THI ANH", "Trần Thị Ánh ủng hộ ❤️ 👨‍👩‍👧 🇻🇳 bà con"),
    (None, "'; DROP TABLE statement_lines; -- ' OR '1'='1 /* x */ $1 ?"),
    ("PETROV", "Привет мир مرحبا שלום สวัสดี ǅ ß İ"),
    (None, "<script>alert(1)</script> ${7*7} {{7*7}} %s%n ../../etc/passwd"),
    ("NGUYEN VAN DUC", "Đức ủng hộ đồng bào 500.000đ 0,5tr 1e9 0x1F"),
]


def _vietnamese(s: str) -> str:
    """Put diacritics back on ASCII the way a Vietnamese typist would (fold removes them again)."""
    table = str.maketrans({"a": "ạ", "e": "ế", "o": "ộ", "u": "ư", "i": "ì", "y": "ỹ", "d": "đ", "D": "Đ", "A": "Ấ"})
    return s.translate(table)


TRANSFORMS = [
    lambda s: s,
    str.upper,
    str.lower,
    str.title,
    _vietnamese,
    lambda s: unicodedata.normalize("NFD", _vietnamese(s)),
    lambda s: "  ".join(s.split()),
    lambda s: f"\t{s}\n",
    lambda s: s.replace(" ", "\u00a0"),
]


def hostile_text(max_size: int = 8):
    pieces = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=max_size))
    return st.one_of(
        st.lists(pieces, max_size=6).map("".join),
        st.text(max_size=40),
        st.builds(
            lambda piece, n: (piece * n)[:10_000], st.sampled_from(HOSTILE + ["a", "ung ho "]), st.integers(1, 10_000)
        ),
    )


def real_fragment(data, texts: list[str]) -> str:
    """A piece of a real memo or name, re-cased or with diacritics, maybe with hostile bits around it."""
    source = data.draw(st.sampled_from(texts), label="source text")
    i = data.draw(st.integers(0, max(len(source) - 1, 0)), label="start")
    j = data.draw(st.integers(i, min(len(source), i + 30)), label="end")
    piece = data.draw(st.sampled_from(TRANSFORMS), label="transform")(source[i:j])
    if data.draw(st.sampled_from([False, False, False, True]), label="decorate"):
        piece = data.draw(st.sampled_from(HOSTILE)) + piece + data.draw(st.sampled_from(HOSTILE))
    return piece


def query_text(data, texts: list[str]) -> str:
    if data.draw(st.booleans(), label="real or hostile"):
        return real_fragment(data, texts)
    return data.draw(hostile_text(), label="hostile q")


def amount_input():
    """What an amount box may receive: a readable amount in many spellings, junk, or a bare int."""
    spelled = st.builds(
        lambda n, form: form.format(n=n, dotted=f"{n:,}".replace(",", "."), comma=f"{n:,}"),
        st.integers(0, 3_000_000),
        st.sampled_from(["{n}", "{dotted}", "{comma}", "{comma}đ", "{n} VND", "{dotted} ₫", "{n}.00"]),
    )
    return st.one_of(
        st.none(),
        spelled,
        st.sampled_from(["500k", "0,5tr", "1tr", "200k", "10k", "1.2 tỷ", "", " "]),
        st.integers(-10, 5_000_000),
        hostile_text(6),
    )


def dates():
    return st.one_of(
        st.none(),
        st.dates(dt.date(2024, 5, 1), dt.date(2025, 1, 31)),
        st.sampled_from([dt.date.min, dt.date.max, dt.date(2024, 2, 29)]),
    )


# --- the database ------------------------------------------------------------------------------------------


def _insert_extra_lines(writer) -> None:
    """Dated mid-ledger, so line ids no longer follow time (recorded as such)."""
    append_lines(
        writer,
        [
            {
                "counterparty": c,
                "description": d,
                "posted_at": dt.datetime(2024, 9, 10 + i, 8 + i),
                "direction": "in" if i % 3 else "out",
                "amount": 500_000 * (i + 1),
                "reference": f"FUZZ{i}",
            }
            for i, (c, d) in enumerate(EXTRA_LINES)
        ],
    )


class FuzzDB(SimpleNamespace):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example: keep it short
        return f"FuzzDB({self.engine.dialect.name}, {len(self.lines)} lines)"


def _load(engine) -> FuzzDB:
    """Everything the oracles need, read once (the tiny seed is small)."""
    with engine.connect() as conn:
        lines = pd.read_sql(
            text(
                "SELECT s.id, s.account_id, a.number, s.posted_at, s.direction, s.amount, s.currency, s.counterparty,"
                " s.description FROM statement_lines s JOIN accounts a ON a.id = s.account_id"
            ),
            conn,
        )
        accts = pd.read_sql(
            text(
                "SELECT a.id, a.number, a.holder_name, a.province_code, o.name AS org_name, o.kind AS org_kind"
                " FROM accounts a LEFT JOIN organizations o ON o.id = a.org_id"
            ),
            conn,
        )
        camps = pd.read_sql(
            text(
                "SELECT c.id, c.title, c.status, c.category, c.province_code, c.org_id, c.start_on, o.name AS org_name"
                " FROM campaigns c JOIN organizations o ON o.id = c.org_id"
            ),
            conn,
        )
        disb = pd.read_sql(
            text("SELECT id, campaign_id, category, recipient_group, province_code, disbursed_on FROM disbursements"),
            conn,
        )
    lines["posted_at"] = pd.to_datetime(lines["posted_at"])
    lines["day"] = lines["posted_at"].dt.date
    # (pandas 3 stores a missing text as NaN, which is truthy: test with isinstance, never with `or`.)
    lines["folded"] = [
        fold(f"{c if isinstance(c, str) else ''} {d}")
        for c, d in zip(lines["counterparty"], lines["description"], strict=False)
    ]
    lines["scale"] = lines["currency"].map(lambda c: 10 ** get_currency_precision(c))
    camps["start_on"] = pd.to_datetime(camps["start_on"]).dt.date
    disb["disbursed_on"] = pd.to_datetime(disb["disbursed_on"]).dt.date
    texts = sorted(
        set(lines["counterparty"].dropna())
        | set(lines["description"].sample(400, random_state=1))
        | set(accts["holder_name"])
        | set(camps["title"])
        | {d for _, d in EXTRA_LINES}
    )
    return FuzzDB(
        engine=engine,
        lines=lines,
        accounts=accts,
        campaigns=camps,
        disbursements=disb,
        texts=texts,
        numbers=sorted(set(accts["number"])),
        account_ids=sorted(accts["id"]),
        campaign_ids=sorted(camps["id"]),
    )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tiny_db_url, copy_sqlite, tmp_path_factory) -> FuzzDB:
    """The tiny seed plus EXTRA_LINES on each backend, opened with the public (read-only, time-limited) engine."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
        copy_sqlite(tiny_db_url, path)
        url = f"sqlite:///{path}"
    else:
        from seed.generate import seed_database

        url = request.getfixturevalue("pg_database")("fuzz")
        seed_database(make_engine(url), "tiny", 1)
    _insert_extra_lines(make_engine(url))
    engine = make_engine(url, readonly=True, timeout_ms=20_000)
    yield _load(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def sqlite_db(tiny_db_url, copy_sqlite, tmp_path_factory) -> FuzzDB:
    """The SQLite flavour only, for the entry points whose SQL has no dialect branch of interest."""
    path = tmp_path_factory.mktemp("fuzz_plain") / "fuzz.sqlite"
    copy_sqlite(tiny_db_url, path)
    _insert_extra_lines(make_engine(f"sqlite:///{path}"))
    engine = make_engine(f"sqlite:///{path}", readonly=True, timeout_ms=20_000)
    yield _load(engine)
    engine.dispose()


def test_the_fuzz_database_holds_the_hostile_lines(sqlite_db):
    folded = set(sqlite_db.lines["folded"])
    for counterparty, description in EXTRA_LINES:
        assert fold(f"{counterparty or ''} {description}") in folded
    assert len(sqlite_db.lines) > 5_000 and len(sqlite_db.numbers) > 50


# --- oracles -----------------------------------------------------------------------------------------------


def term_of(q: object) -> str:
    """The documented search semantics: the folded query, cut to MAX_QUERY_CHARS characters."""
    return fold(q)[:CAP].strip()


def amount_of(value: object) -> int | None:
    """How an amount filter reads its input: a non-negative int as is, text through parse_amount."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_amount(value)


def where(column: pd.Series, test) -> pd.Series:
    """A boolean mask from a Python predicate (plain bools: pandas 3 keeps text columns as strings)."""
    return pd.Series([bool(test(v)) for v in column], index=column.index, dtype=bool)


def line_mask(
    lines: pd.DataFrame,
    *,
    account=None,
    q="",
    date_from=None,
    date_to=None,
    amount_min=None,
    amount_max=None,
    direction=None,
) -> pd.Series:
    keep = pd.Series(True, index=lines.index)
    if account is not None and account != "":
        if isinstance(account, int) and not isinstance(account, bool):
            keep &= lines["account_id"] == account
        else:
            number = str(account).strip()
            keep &= where(lines["number"], lambda n: n == number)
    if date_from is not None:
        keep &= lines["day"] >= date_from
    if date_to is not None:
        keep &= lines["day"] <= date_to
    if direction in ("in", "out"):
        keep &= lines["direction"] == direction
    low, high = amount_of(amount_min), amount_of(amount_max)
    if low is not None:
        keep &= lines["amount"] >= low * lines["scale"]
    if high is not None:
        keep &= lines["amount"] <= high * lines["scale"]
    term = term_of(q)
    if term:
        keep &= where(lines["folded"], lambda s: term in s)
    return keep


SORT_KEYS = {
    "newest": ("posted_at", False),
    "oldest": ("posted_at", True),
    "largest": ("amount", False),
    "smallest": ("amount", True),
}


def oracle_ids(lines: pd.DataFrame, sort: str, **filters) -> list[int]:
    key, ascending = SORT_KEYS.get(sort, SORT_KEYS["newest"])
    chosen = lines[line_mask(lines, **filters)]
    return chosen.sort_values([key, "id"], ascending=[ascending, ascending])["id"].tolist()


def sometimes(data, strategy, label: str):
    """A value from `strategy` one time in three, else None (the filter is not set)."""
    return (
        data.draw(strategy, label=label)
        if data.draw(st.sampled_from([False, False, True]), label=f"{label}?")
        else None
    )


def _strategy(name: str) -> ExitStack:
    """Force one of the three ways statements search can answer (bounded scan, FTS index, instr scan)."""
    stack = ExitStack()
    if name in ("index_only", "instr_only"):
        stack.enter_context(mock.patch.object(line_search, "PREFIX_SCAN_MAX", 0))
    if name == "instr_only":
        stack.enter_context(mock.patch.object(search, "COMMON_CAP", 1))
    return stack


# --- statements: search_lines ------------------------------------------------------------------------------


@fuzz(examples=450)
@given(data=st.data())
@counted
def test_search_lines_equals_the_oracle(db, data):
    q = query_text(data, db.texts)
    # Each filter is set one time in three, so that many inputs still have hits to compare.
    account = sometimes(
        data,
        st.one_of(
            st.just(""),
            st.sampled_from(db.numbers),
            st.sampled_from(db.account_ids),
            st.integers(-5, 10**6),
            hostile_text(6),
        ),
        "account",
    )
    filters = dict(
        account=account,
        q=q,
        date_from=sometimes(data, dates(), "from"),
        date_to=sometimes(data, dates(), "to"),
        amount_min=sometimes(data, amount_input(), "min"),
        amount_max=sometimes(data, amount_input(), "max"),
        direction=sometimes(data, st.sampled_from(["in", "out", "", "IN", "all", "in'--"]), "dir"),
    )
    sort = data.draw(st.sampled_from([*statements.SORTS, "", "NEWEST", "s.id; DROP TABLE x", "random()"]), label="sort")
    page = data.draw(st.one_of(st.integers(-2, 3), st.integers(4, 40)), label="page")
    page_size = data.draw(st.sampled_from([1, 2, 7, 20, 50, 0, -3, 600]), label="page_size")
    how = data.draw(st.sampled_from(["shipped", "index_only", "instr_only"]), label="strategy")
    with _strategy(how):
        frame, has_more = statements.search_lines(db.engine, **filters, sort=sort, page=page, page_size=page_size)
    size = min(max(page_size, 1), statements.MAX_PAGE_SIZE)
    start = (max(page, 1) - 1) * size
    expected = oracle_ids(db.lines, sort, **filters)
    WITH_HITS[f"test_search_lines_equals_the_oracle[{db.engine.dialect.name}]"] += bool(expected)
    assert frame["id"].tolist() == expected[start : start + size], (how, term_of(q))
    assert has_more == (len(expected) > start + size)
    assert list(frame.columns) == statements.COLUMNS


@fuzz(examples=120)
@given(data=st.data())
@counted
def test_export_lines_equals_the_oracle(sqlite_db, data):
    q = query_text(data, sqlite_db.texts)
    sort = data.draw(st.sampled_from(list(statements.SORTS)), label="sort")
    direction = data.draw(st.sampled_from([None, "in", "out"]), label="dir")
    frame = statements.export_lines(sqlite_db.engine, q=q, sort=sort, direction=direction)
    assert frame["id"].tolist() == oracle_ids(sqlite_db.lines, sort, q=q, direction=direction)
    assert frame.attrs["capped"] is False


# --- verify my donation -------------------------------------------------------------------------------------


def _days_around(around: dt.date, days: int) -> tuple[dt.date, dt.date]:
    low = around - dt.timedelta(days=days) if (around - dt.date.min).days >= days else dt.date.min
    high = around + dt.timedelta(days=days) if (dt.date.max - around).days >= days else dt.date.max
    return low, high


@fuzz(examples=300)
@given(data=st.data())
@counted
def test_find_donation_never_raises_and_agrees_with_the_oracle(db, data):
    lines = db.lines
    if data.draw(st.booleans(), label="from a real line"):  # a donor looking for a transfer that exists
        row = lines[lines.direction == "in"].iloc[data.draw(st.integers(0, int((lines.direction == "in").sum()) - 1))]
        name = data.draw(
            st.sampled_from(
                [
                    real_fragment(data, [row.folded]),
                    "",
                    row.counterparty if isinstance(row.counterparty, str) else "",
                    data.draw(hostile_text(6)),
                ]
            ),
            label="name",
        )
        major = int(row.amount) // int(row.scale)
        amount = data.draw(
            st.sampled_from(
                [
                    str(major),
                    f"{major:,}".replace(",", "."),
                    f"{major:,}đ",
                    major,
                    None,
                    f"{major // 1000}k" if major % 1000 == 0 else str(major),
                ]
            ),
            label="amount",
        )
        around = data.draw(st.sampled_from([None, row.day, row.day + dt.timedelta(days=2)]), label="around")
        account = data.draw(st.sampled_from([None, row.number, "", "0000"]), label="account")
    else:
        name = query_text(data, db.texts)
        amount = data.draw(amount_input(), label="amount")
        around = data.draw(dates(), label="around")
        account = data.draw(st.one_of(st.none(), st.sampled_from(db.numbers), hostile_text(4)), label="account")
    days = data.draw(st.integers(-5, 60), label="days")
    limit = data.draw(st.integers(-2, 60), label="limit")

    found = verify.find_donation(
        db.engine, name_or_memo=name, amount=amount, around=around, account=account, days=days, limit=limit
    )

    assert list(found.columns) == verify.RESULT_COLUMNS
    term, value = term_of(name), amount_of(amount)
    if not term and value is None:
        assert found.empty
        return
    days_c = min(max(days, 0), 31)
    scope = (lines.direction == "in") & line_mask(lines, account=account)
    if around is not None:
        low, high = _days_around(around, days_c)
        scope &= (lines.day >= low) & (lines.day <= high)
    text_hit = where(lines.folded, lambda s: term and term in s)
    amount_hit = (lines.amount == value * lines.scale) if value is not None else pd.Series(False, index=lines.index)
    candidates = lines[scope & (text_hit | amount_hit)].set_index("id")
    WITH_HITS[
        f"test_find_donation_never_raises_and_agrees_with_the_oracle[{db.engine.dialect.name}]"
    ] += not candidates.empty
    ids = found["id"].tolist()
    assert set(ids) <= set(candidates.index), "a result outside the account/date window or matching nothing"
    assert len(ids) == len(set(ids))
    for row in found.itertuples(index=False):
        truth = candidates.loc[row.id]
        assert row.match_name == (bool(term) and term in truth.folded)
        assert row.exact_amount == (value is not None and truth.amount == value * truth.scale)
        if around is not None:
            assert row.days_off == abs((truth.day - around).days) <= days_c
    scores = found["score"].tolist()
    assert scores == sorted(scores, reverse=True)
    cap = min(max(limit, 1), verify.MAX_LIMIT)  # candidates per list (and per side of the date)
    small = (scope & text_hit).sum() <= cap and (scope & amount_hit).sum() <= cap
    if small:  # every candidate was fetched: the result is the best `limit` of all of them
        assert len(ids) == min(max(limit, 1), len(candidates))
        both = candidates.index[
            where(candidates.folded, lambda s: term and term in s)
            & ((candidates.amount == value * candidates.scale) if value is not None else False)
        ]
        k = min(max(limit, 1), len(both))
        assert set(ids[:k]) <= set(both), "lines matching name and amount must rank first"


# --- accounts, campaigns, disbursements, stats --------------------------------------------------------------


@fuzz(examples=300)
@given(data=st.data())
@counted
def test_search_accounts_equals_the_oracle(sqlite_db, data):
    a = sqlite_db.accounts
    if data.draw(st.booleans(), label="real"):
        number = data.draw(st.sampled_from(sqlite_db.numbers))
        q = data.draw(
            st.sampled_from(
                [
                    number,
                    number[1:3],
                    " ".join(number),
                    f"{number[:2]}.{number[2:]}",
                    f"{number[:2]}-{number[2:]}",
                    real_fragment(data, list(a.holder_name)),
                ]
            ),
            label="q",
        )
    else:
        q = data.draw(hostile_text(), label="q")
    province = data.draw(st.one_of(st.none(), st.integers(1, 99)), label="province")
    kind = data.draw(st.sampled_from([None, *sorted(set(a.org_kind.dropna())), "hospital' OR 1=1"]), label="kind")
    result = accounts.search_accounts(sqlite_db.engine, q=q, province=province, kind=kind, page=1, page_size=200)

    digits = re.sub(r"[\s.\-]", "", q or "")
    folded = fold(q)
    keep = pd.Series(True, index=a.index)
    exact = pd.Series(False, index=a.index)
    if digits.isdigit():
        exact = where(a.number, lambda n: n == digits)
        keep &= exact | where(a.number, lambda n: digits in n)
    elif folded:
        keep &= where(a.holder_name, lambda h: folded in fold(h)) | where(
            a.org_name, lambda o: isinstance(o, str) and folded in fold(o)
        )
    if province is not None:
        keep &= where(a.province_code, lambda p: same_today(p, province))
    if kind:
        keep &= where(a.org_kind, lambda k: k == kind)
    chosen = a[keep].assign(inexact=~exact[keep])
    expected = [row.id for row in sorted(chosen.itertuples(), key=lambda r: (r.inexact, len(r.number), r.number, r.id))]
    assert result["rows"]["id"].tolist() == expected
    assert result["has_more"] is False


@fuzz(examples=200)
@given(data=st.data())
@counted
def test_campaign_listing_equals_the_oracle(sqlite_db, data):
    c = sqlite_db.campaigns
    q = (
        real_fragment(data, list(c.title) + list(c.org_name))
        if data.draw(st.booleans())
        else data.draw(hostile_text(), label="q")
    )
    status = data.draw(st.sampled_from([None, *sorted(set(c.status)), "closed'--"]), label="status")
    category = data.draw(st.sampled_from([None, *sorted(set(c.category)), "%"]), label="category")
    province = data.draw(st.one_of(st.none(), st.integers(1, 99)), label="province")
    org = data.draw(st.one_of(st.none(), st.sampled_from(sorted(set(c.org_id))), st.integers(1, 10**9)), label="org")
    start_from, start_to = data.draw(dates(), label="from"), data.draw(dates(), label="to")
    # `ids` is how the page applies the rule-status filter (flags.ids_with_status): any subset, even unknown ids.
    ids = data.draw(st.one_of(st.none(), st.lists(st.integers(-1, 40), max_size=12).map(tuple)), label="ids")
    result = campaigns.listing(
        sqlite_db.engine,
        q=q,
        status=status,
        category=category,
        province=province,
        org=org,
        start_from=start_from,
        start_to=start_to,
        ids=ids,
        page=1,
        page_size=200,
    )

    folded = fold(q)
    keep = pd.Series(True, index=c.index)
    if folded:
        keep &= where(c.title, lambda s: folded in fold(s)) | where(c.org_name, lambda s: folded in fold(s))
    for column, value in (("status", status), ("category", category), ("org_id", org)):
        if value is not None:
            keep &= where(c[column], lambda v, value=value: v == value)
    if province is not None:  # today's province and the old ones merged into it
        keep &= where(c.province_code, lambda p: same_today(p, province))
    if start_from:
        keep &= where(c.start_on, lambda d: d >= start_from)
    if start_to:
        keep &= where(c.start_on, lambda d: d <= start_to)
    if ids is not None:
        keep &= where(c.id, lambda i: i in ids)
    expected = sorted(c[keep]["id"], key=lambda i: (c.start_on[c.id == i].iloc[0], i), reverse=True)
    assert result["rows"]["id"].tolist() == expected
    assert result["has_more"] is False


@fuzz(examples=120)
@given(data=st.data())
@counted
def test_disbursement_listing_equals_the_oracle(sqlite_db, data):
    d = sqlite_db.disbursements
    filters = dict(
        campaign_id=data.draw(st.one_of(st.none(), st.sampled_from(sqlite_db.campaign_ids), st.integers(1, 10**9))),
        category=data.draw(st.sampled_from([None, *sorted(set(d.category)), "cash' OR '1'='1", "%"])),
        group=data.draw(st.sampled_from([None, *sorted(set(d.recipient_group)), "_"])),
        province=data.draw(st.one_of(st.none(), st.integers(1, 99))),
    )
    page = data.draw(st.integers(-3, 5))
    result = disbursements.listing(sqlite_db.engine, **filters, page=page, page_size=10)
    keep = pd.Series(True, index=d.index)
    for column, key in (
        ("campaign_id", "campaign_id"),
        ("category", "category"),
        ("recipient_group", "group"),
    ):
        if filters[key] is not None:
            keep &= where(d[column], lambda v, wanted=filters[key]: v == wanted)
    if filters["province"] is not None:
        keep &= where(d.province_code, lambda p: same_today(p, filters["province"]))
    expected = d[keep].sort_values(["disbursed_on", "id"], ascending=False)["id"].tolist()
    start = (max(page, 1) - 1) * 10
    assert result["rows"]["id"].tolist() == expected[start : start + 10]
    assert result["has_more"] == (len(expected) > start + 10)


@fuzz(examples=60)
@given(date_from=dates(), date_to=dates(), basis=st.sampled_from(sorted(stats.PROVINCE_BASES)))
@counted
def test_stats_date_filters_equal_the_oracle(sqlite_db, date_from, date_to, basis):
    lines = sqlite_db.lines
    keep = (
        (lines.direction == "in") & (lines.currency == "VND") & line_mask(lines, date_from=date_from, date_to=date_to)
    )
    daily = stats.daily(sqlite_db.engine, date_from=date_from, date_to=date_to)
    assert int(daily["lines"].sum()) == int(keep.sum())
    assert int(daily["amount"].sum()) == int(lines[keep].amount.sum())
    assert (
        int(stats.amount_buckets(sqlite_db.engine, date_from=date_from, date_to=date_to)["lines"].sum()) == keep.sum()
    )
    stats.top_donors(sqlite_db.engine, date_from=date_from, date_to=date_to)
    stats.by_hour(sqlite_db.engine, date_from=date_from, date_to=date_to)
    stats.by_province(sqlite_db.engine, basis=basis, date_from=date_from, date_to=date_to)


# --- text helpers --------------------------------------------------------------------------------------------


def _control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


@fuzz(examples=400)
@given(s=st.one_of(hostile_text(), st.text(), st.lists(st.sampled_from(HOSTILE)).map("".join)))
@counted
def test_fold_is_total_idempotent_and_clean(s):
    folded = fold(s)
    assert fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert not any(unicodedata.combining(ch) or _control(ch) for ch in folded)
    assert "đ" not in folded and "Đ" not in folded
    assert not any(ch.isspace() and ch != " " for ch in folded)
    # ASCII letters and digits survive (lower-cased, in order; compatibility forms such as ¹ or Ｕ may add
    # more); Chinese is never folded away.
    kept = iter(c for c in folded if c.isascii() and c.isalnum())
    assert all(c.lower() in kept for c in s if c.isascii() and c.isalnum())
    assert [c for c in folded if "\u4e00" <= c <= "\u9fff"] == [c for c in s if "\u4e00" <= c <= "\u9fff"]


AMOUNT_FORMS = {
    "plain": lambda n: str(n),
    "dots": lambda n: f"{n:,}".replace(",", "."),
    "commas": lambda n: f"{n:,}",
    "dong": lambda n: f"{n:,}đ".replace(",", "."),
    "vnd": lambda n: f"{n} VND",
    "symbol": lambda n: f"{n:,} ₫",
    "cents": lambda n: f"{n}.00",
    "cents_commas": lambda n: f"{n:,}.00",
    "spaced": lambda n: f"{n:,}".replace(",", " "),
    "upper_vnd": lambda n: f"{n:,}VND".replace(",", "."),
    "padded": lambda n: f"  {n}  ",
}


@fuzz(examples=300)
@given(n=st.integers(0, MAX_AMOUNT), form=st.sampled_from(sorted(AMOUNT_FORMS)))
@counted
def test_parse_amount_reads_every_usual_spelling(n, form):
    assert parse_amount(AMOUNT_FORMS[form](n)) == n


@fuzz(examples=150)
@given(
    k=st.integers(0, 10**6),
    unit=st.sampled_from(
        [("k", 1_000), ("tr", 1_000_000), ("triệu", 1_000_000), ("tỷ", 1_000_000_000), ("nghìn", 1_000)]
    ),
    comma=st.booleans(),
)
@counted
def test_parse_amount_reads_units_and_decimal_commas(k, unit, comma):
    word, size = unit
    whole, tenth = divmod(k, 10)
    written = f"{whole}{',' if comma else '.'}{tenth}{word}" if tenth else f"{whole}{word}"
    expected = whole * size + tenth * size // 10
    assert parse_amount(written) == (expected if expected <= MAX_AMOUNT else None)


@fuzz(examples=400)
@given(
    s=st.one_of(
        hostile_text(),
        st.text(alphabet="0123456789.,  kđtrVND₫-e+", max_size=30),
        st.text(alphabet="0123456789", min_size=300, max_size=2_000),
    )
)
@counted
def test_parse_amount_never_raises(s):
    value = parse_amount(s)
    assert value is None or (isinstance(value, int) and 0 <= value <= MAX_AMOUNT)


# --- URL parameters ------------------------------------------------------------------------------------------


SPECS = page_specs()


def test_every_page_has_a_spec():
    assert {
        "overview",
        "accounts",
        "campaigns",
        "statements",
        "verify",
        "disbursements",
        "stats",
        "vouchers",
        "presenter",
    } <= set(SPECS)
    assert all(isinstance(p, Param) for spec in SPECS.values() for p in spec.values())


def _valid(p: Param):
    """A strategy of (raw URL text, the value parse_params must produce) for one parameter."""
    if p.kind == "int":
        lo, hi = (p.min if p.min is not None else -(10**6)), (p.max if p.max is not None else 10**6)
        return st.integers(lo, hi).map(lambda v: (str(v), v))
    if p.kind == "date":
        return st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(lambda d: (d.isoformat(), d))
    if p.kind == "choice":
        return st.sampled_from(p.choices).map(lambda c: (c, c))
    if p.kind == "amount":
        return st.integers(0, MAX_AMOUNT).map(lambda n: (f"{n:,}".replace(",", "."), n))
    if p.kind == "flag":
        return st.sampled_from([("1", True), ("0", False), ("true", True), ("false", False)])
    if p.kind == "province":  # a plate code or a name, old or new, with or without diacritics → today's code
        return st.sampled_from(
            [("29", 29), ("30", 29), ("23", 22), ("Hà Giang", 22), ("ha-giang", 22), ("HA GIANG", 22), ("huế", 75)]
        )
    # What explorer.params keeps of a text: printable characters (str.isprintable) and the plain space.
    printable = st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Co", "Cn", "Z"), whitelist_characters=" "), max_size=60
    )
    return printable.map(str.strip).filter(bool).map(lambda s: (s, s))


def _typed_ok(p: Param, value) -> bool:
    if value is None or value == p.default:
        return True
    if p.kind == "int":
        return isinstance(value, int) and (p.min is None or value >= p.min) and (p.max is None or value <= p.max)
    if p.kind == "date":
        return isinstance(value, dt.date)
    if p.kind == "choice":
        return value in p.choices
    if p.kind == "amount":
        return isinstance(value, int) and 0 <= value <= MAX_AMOUNT
    if p.kind == "flag":
        return isinstance(value, bool)
    if p.kind == "province":
        return value in {t.code for t in provinces.today_provinces()}
    return isinstance(value, str) and len(value) <= MAX_TEXT and all(c.isprintable() or c == " " for c in value)


@pytest.mark.parametrize("page", sorted(SPECS))
@fuzz(examples=60)
@given(data=st.data())
@counted
def test_parse_params_keeps_only_typed_values_and_reports_the_rest(page, data):
    spec = SPECS[page]
    allowed = {**COMMON, **spec}
    names = st.one_of(
        st.sampled_from(sorted(allowed)),
        hostile_text(6),
        st.sampled_from(["__import__('os').system('id')", "page[]", "PAGE", "q ", "lang\x00", "<script>", "../", ""]),
    )
    values = st.one_of(
        hostile_text(),
        st.lists(hostile_text(6), max_size=3),
        st.sampled_from(
            [
                "2024-02-30",
                "2024-13-01",
                "0000-01-01",
                "9999-12-31",
                "-1",
                "0",
                "99999999999999999999",
                "1e3",
                "١٢",
                "²",
                "nan",
                "1.5",
                " 7 ",
                "None",
            ]
        ),
    )
    raw = data.draw(st.dictionaries(names, values, max_size=8), label="url")
    parsed, notices = parse_params(raw, spec)
    assert set(parsed) == set(allowed)
    for name, p in allowed.items():
        assert _typed_ok(p, parsed[name]), (name, parsed[name])
    unknown = [n for n in raw if n not in allowed]
    for name in unknown:
        assert f"{name[:40]!r}: unknown parameter" in notices
    assert len(notices) >= len(unknown) and len(notices) <= len(raw)
    for name, p in allowed.items():
        if name not in raw:
            assert parsed[name] == p.default


@pytest.mark.parametrize("page", sorted(SPECS))
@fuzz(examples=30)
@given(data=st.data())
@counted
def test_parse_params_reads_well_formed_urls_exactly(page, data):
    spec = SPECS[page]
    allowed = {**COMMON, **spec}
    chosen = data.draw(st.lists(st.sampled_from(sorted(allowed)), unique=True), label="names")
    pairs = {name: data.draw(_valid(allowed[name]), label=name) for name in chosen}
    parsed, notices = parse_params({name: raw for name, (raw, _) in pairs.items()}, spec)
    assert notices == []
    for name, (_, value) in pairs.items():
        assert parsed[name] == value
    # And the URL the page writes back reads to the same values.
    again, notices = parse_params(to_query(parsed, spec), spec)
    assert again == parsed and notices == []


# --- the total -----------------------------------------------------------------------------------------------

FUZZ_TESTS = {name for name, obj in list(globals().items()) if name.startswith("test_") and hasattr(obj, "hypothesis")}


def test_zz_at_least_2000_inputs_were_tried():
    """Runs last in this file (same worker under --dist loadfile): the count of every generated input."""
    ran = {key.split("[")[0] for key in TRIED}
    if not FUZZ_TESTS <= ran:
        pytest.skip(f"only part of the fuzz suite ran ({sorted(FUZZ_TESTS - ran)} did not)")
    total, exceptions, mismatches = sum(TRIED.values()), sum(EXCEPTIONS.values()), sum(MISMATCHES.values())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "fuzz_search.json").write_text(
        json.dumps(
            {
                "inputs_total": total,
                "exceptions": exceptions,
                "oracle_mismatches": mismatches,
                "inputs_per_test": dict(sorted(TRIED.items())),
                "inputs_with_oracle_hits": dict(sorted(WITH_HITS.items())),
                "exceptions_per_test": dict(EXCEPTIONS),
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(
        f"\nfuzz: {total} inputs, {exceptions} exceptions, {mismatches} oracle mismatches; "
        f"{dict(sorted(TRIED.items()))}"
    )
    assert total >= MIN_TOTAL
    assert exceptions == 0 and mismatches == 0
