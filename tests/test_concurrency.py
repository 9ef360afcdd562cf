"""Twenty concurrent sessions over the demo data: no errors, and every answer equals the one-at-a-time answer."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from explorer.db.engine import make_engine
from explorer.queries import accounts, campaigns, flags, overview, statements, stats, verify
from seed.generate import seed_database

SESSIONS = 20


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    seed_database(make_engine(url), "demo", 1)
    return url


def _workload(engine) -> dict[str, object]:
    """What one visitor's clicks ask of the database, each result reduced to something comparable."""
    page, _ = statements.search_lines(engine, q="nguyen van", page_size=20)
    chapter, _ = statements.search_lines(engine, account="2905", sort="largest", page_size=20)
    short, _ = statements.search_lines(engine, q="an", page_size=20)
    found = verify.find_donation(engine, name_or_memo="ung ho", amount="200k", around=dt.date(2024, 9, 12))
    return {
        "search": page.id.tolist(),
        "chapter": chapter.id.tolist(),
        "short": short.id.tolist(),
        "verify": found.id.tolist() if "id" in found else found.index.tolist(),
        "accounts": accounts.search_accounts(engine, q="ha noi")["rows"].to_dict("list")
        if isinstance(accounts.search_accounts(engine, q="ha noi"), dict)
        else None,
        "campaigns": campaigns.listing(engine, status="active")["rows"].id.tolist(),
        "flags": flags.campaign_flags(engine).status.value_counts().to_dict(),
        "totals": overview.totals(engine),
        "buckets": stats.amount_buckets(engine).to_dict("list"),
    }


@pytest.mark.slow
def test_twenty_concurrent_sessions_agree_with_a_single_session(demo_url):
    engine = make_engine(demo_url, readonly=True, timeout_ms=30_000)
    expected = _workload(engine)
    # 300 planned + the giving day's 3 projects + a charity-purchase campaign (seed/giving.py)
    assert len(expected["search"]) == 20 and expected["totals"]["campaigns"] == 304
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda _: _workload(engine), range(SESSIONS)))
    assert len(results) == SESSIONS
    for got in results:
        assert pd.Series(got).to_dict() == pd.Series(expected).to_dict()
