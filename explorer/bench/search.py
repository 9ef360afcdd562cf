"""Benchmark operations for statement search and "verify my donation", with the brute-force LIKE baseline.

Each search operation cycles through a few terms of its kind (so one lucky term cannot make the numbers) and
asks for one 20-line page exactly as the Statements page does (newest first). The baseline runs the same
terms as `LIKE '%term%' … ORDER BY posted_at DESC LIMIT 21` over statement_lines.search_text: for common terms
that scan stops early, for rare ones it reads the whole table — the ratio column shows both.
Names and verify inputs are taken from the data itself (lines spread evenly over the id range).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.bench import register
from explorer.db.search import like_pattern
from explorer.queries.statements import explain_search, search_lines, search_term
from explorer.queries.verify import find_donation

COMMON_TERMS = ("ung ho", "ủng hộ", "chuyen tien")
SHORT_TERMS = ("an", "vu", "đ", "ho")
MID_TERMS = ("nguyen van", "mien bac", "yagi", "ho tro")  # thousands of hits, some bunched in time
PUNCT_TERMS = ('"', "%", "_", "#")  # too short for trigrams, and in almost no line: the old full-table scans
CJK_TERMS = ("李明", "王芳", "陈")  # 1–2-character Chinese names: the seed has none, so every one is a miss
NO_HIT_TERMS = ("qzxv", "nguyen van zzz", "ung ho qqq wx")  # 3+ characters that match nothing
SAMPLES = 6
PAGE = 20


def _cycle(values: Iterable, run_one: Callable) -> Callable[[], int]:
    values = itertools.cycle(list(values))
    return lambda: run_one(next(values))


def _page(engine: Engine, terms: Iterable[str]) -> Callable[[], int]:
    return _cycle(terms, lambda q: len(search_lines(engine, q=q, page_size=PAGE)[0]))


def _like(engine: Engine, terms: Iterable[str]) -> Callable[[], int]:
    sql = text("SELECT id FROM statement_lines WHERE search_text LIKE :p ESCAPE '\\' ORDER BY posted_at DESC LIMIT 21")

    def run(q: str) -> int:
        with engine.connect() as conn:
            return len(conn.execute(sql, {"p": like_pattern(search_term(q))}).all())

    return _cycle(terms, run)


def sample_lines(engine: Engine, n: int = SAMPLES) -> list[dict]:
    """n incoming VND lines with a counterparty, spread evenly over the id range (deterministic)."""
    with engine.connect() as conn:
        low, high = conn.execute(text("SELECT min(id), max(id) FROM statement_lines")).one()
        picked = []
        for k in range(n):
            row = (
                conn.execute(
                    text(
                        "SELECT id, counterparty, amount, posted_at FROM statement_lines WHERE id >= :start "
                        "AND direction = 'in' AND currency = 'VND' AND counterparty IS NOT NULL ORDER BY id LIMIT 1"
                    ),
                    {"start": low + (high - low) * (2 * k + 1) // (2 * n)},
                )
                .mappings()
                .first()
            )
            if row:
                picked.append(dict(row))
    return picked


def rare_names(engine: Engine) -> list[str]:
    """Specific donor names as people type them (lower case), from the data."""
    return [row["counterparty"].lower() for row in sample_lines(engine)]


def unique_codes(engine: Engine) -> list[str]:
    """What a donor pastes from their banking app to find one transfer: the longest run of digits in a memo
    (a transaction code, usually on that line alone), or the whole line text when it has none."""
    with engine.connect() as conn:
        texts = [
            conn.execute(text("SELECT search_text FROM statement_lines WHERE id = :id"), {"id": row["id"]}).scalar_one()
            for row in sample_lines(engine)
        ]
    return [max(re.findall(r"\d{6,}", t), key=len, default=t) for t in texts]


def _written_amount(amount: int) -> str:
    """An amount the way a donor writes it: '500k', '1,5tr' or '120.000'."""
    if amount % 1_000_000 == 0 or (amount >= 1_000_000 and amount % 100_000 == 0):
        return f"{amount / 1_000_000:g}tr".replace(".", ",")
    return f"{amount // 1000}k" if amount % 1000 == 0 else f"{amount:,}".replace(",", ".")


def _verify(engine: Engine) -> Callable[[], int]:
    cases = [
        dict(
            name_or_memo=row["counterparty"].title(),
            amount=_written_amount(int(row["amount"])),
            around=dt.date.fromisoformat(str(row["posted_at"])[:10]) + dt.timedelta(days=1),
        )
        for row in sample_lines(engine)
    ]
    return _cycle(cases, lambda case: len(find_donation(engine, **case)))


register(
    "statement_search",
    lambda e: _page(e, COMMON_TERMS),
    baseline="like_scan_common",
    note="common terms, one page newest first",
)
register(
    "statement_search_rare",
    lambda e: _page(e, rare_names(e)),
    baseline="like_scan_baseline",
    note="specific donor names",
)
register(
    "statement_search_unique",
    lambda e: _page(e, unique_codes(e)),
    baseline="like_scan_unique",
    note="a transaction code from one memo",
)
register(
    "statement_search_short", lambda e: _page(e, SHORT_TERMS), baseline="like_scan_short", note="1–2 character queries"
)
register(
    "statement_search_mid",
    lambda e: _page(e, MID_TERMS),
    baseline="like_scan_mid",
    note="mid-frequency terms, some bunched in time",
)
register(
    "statement_search_punct",
    lambda e: _page(e, PUNCT_TERMS),
    baseline="like_scan_punct",
    note="punctuation, 1 character, almost no hits",
)
register("statement_search_cjk", lambda e: _page(e, CJK_TERMS), baseline="like_scan_cjk", note="1–2 Chinese chars")
register("statement_search_nohit", lambda e: _page(e, NO_HIT_TERMS), baseline="like_scan_nohit", note="no hit")
register("like_scan_punct", lambda e: _like(e, PUNCT_TERMS), note="LIKE scan, punctuation")
register("like_scan_cjk", lambda e: _like(e, CJK_TERMS), note="LIKE scan, Chinese names")
register("like_scan_nohit", lambda e: _like(e, NO_HIT_TERMS), note="LIKE scan, no-hit terms")
register("verify_donation", _verify, baseline="like_scan_baseline", note="name + written amount + date a day off")
register("like_scan_baseline", lambda e: _like(e, rare_names(e)), note="LIKE scan, specific names")
register("like_scan_unique", lambda e: _like(e, unique_codes(e)), note="LIKE scan, transaction codes")
register("like_scan_common", lambda e: _like(e, COMMON_TERMS), note="LIKE scan, common terms")
register("like_scan_mid", lambda e: _like(e, MID_TERMS), note="LIKE scan, mid-frequency terms")
register("like_scan_short", lambda e: _like(e, SHORT_TERMS), note="LIKE scan, 1–2 characters")


def explain(engine: Engine) -> str:
    """The search plan of every term the search operations use, one block per term."""
    groups = {
        "common": COMMON_TERMS,
        "rare": rare_names(engine),
        "unique": unique_codes(engine),
        "short": SHORT_TERMS,
        "punct": PUNCT_TERMS,
        "cjk": CJK_TERMS,
        "nohit": NO_HIT_TERMS,
        "mid": MID_TERMS,
    }
    blocks = []
    for group, terms in groups.items():
        for term in terms:
            blocks.append(f"[{group}] " + explain_search(engine, q=term, page_size=PAGE).explain())
    return "\n".join(blocks)
