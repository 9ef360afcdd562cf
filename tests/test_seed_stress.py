"""The stress scale's year replay keeps ids unique, references unique and balances reconciled (checked on tiny)."""

from __future__ import annotations

import pandas as pd
import pytest
from rollup_oracle import assert_rollups_match
from sqlalchemy import text

from explorer.db import line_order
from explorer.db.engine import make_engine
from explorer.queries.ledger_checks import CHECKS
from seed.generate import LINE_COLUMNS, build
from seed.stress import SHIFT, campaign_copy, line_copy, seed_stress, yearly_openings

YEARS = 3


def test_replayed_years_reconcile_and_stay_unique():
    frames = build("tiny", 1)
    lines, acc, camp = frames["statement_lines"], frames["accounts"], frames["campaigns"]
    net, opening = yearly_openings(lines, acc, YEARS)
    lift = opening - acc.set_index("id").opening_balance
    copies = pd.concat([line_copy(lines, k, len(camp), net, lift) for k in range(YEARS)], ignore_index=True)
    assert copies.id.is_unique and len(copies) == YEARS * len(lines)
    refs = copies.dropna(subset=["reference"])
    assert not refs.duplicated(["account_id", "reference"]).any()
    copies = copies.sort_values("id")
    signed = copies.amount.where(copies.direction == "in", -copies.amount)
    expected = signed.groupby(copies.account_id).cumsum() + copies.account_id.map(opening)
    assert (expected == copies.balance).all() and (copies.balance >= 0).all()
    last = copies[copies.id > (YEARS - 1) * len(lines)]
    assert (last.posted_at.min() - lines.posted_at.min()) == (YEARS - 1) * SHIFT


def test_replayed_campaigns_get_new_ids_titles_and_dates():
    camp = build("tiny", 1)["campaigns"]
    second = campaign_copy(camp, 1, YEARS)
    assert (second.id == camp.id + len(camp)).all()
    assert (second.start_on.map(lambda d: d.year) >= camp.start_on.map(lambda d: d.year)).all()
    assert second.title.str.endswith(")").all() and (second.status == "closed").all()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replay_in_sql_writes_exactly_the_replayed_frames(backend, tmp_path, request):
    """seed_stress writes year 0 from Python and copies the other years in SQL: the table must hold exactly
    line_copy's frames for every year (here a tiny year, three times), in time order, and reconcile."""
    url = (
        f"sqlite:///{tmp_path / 'stress.sqlite'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_database")("stress")
    )
    engine = make_engine(url)
    report = seed_stress(engine, 1, year="tiny", years=YEARS)
    frames = build("tiny", 1)
    lines, acc, camp = frames["statement_lines"], frames["accounts"], frames["campaigns"]
    net, opening = yearly_openings(lines, acc, YEARS)
    lift = opening - acc.set_index("id").opening_balance
    expected = pd.concat([line_copy(lines, k, len(camp), net, lift) for k in range(YEARS)], ignore_index=True)
    with engine.connect() as conn:
        stored = pd.read_sql(text(f"SELECT {', '.join(LINE_COLUMNS)} FROM statement_lines ORDER BY id"), conn)
        follows = line_order.ids_follow_time(conn)
    assert report["rows"]["statement_lines"] == len(stored) == YEARS * len(lines)
    stored["posted_at"] = pd.to_datetime(stored["posted_at"])
    for column in LINE_COLUMNS:
        want, got = expected[column].astype(object), stored[column].astype(object)
        same = [(a == b) or (pd.isna(a) and pd.isna(b)) for a, b in zip(want, got, strict=False)]
        assert all(same), (
            column,
            want[[not x for x in same]].head(3).tolist(),
            got[[not x for x in same]].head(3).tolist(),
        )
    assert follows and stored.posted_at.is_monotonic_increasing  # the fact the seed stated, against the table
    for name in ("balance_breaks", "duplicate_references", "disbursements_without_debit"):
        assert CHECKS[name](engine).empty, name
    assert_rollups_match(engine)  # summed from year 0's frame and shifted, never from the replayed lines
    if backend == "sqlite":  # the search index was built in a second process and copied in: it must be exact
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO statement_fts(statement_fts) VALUES ('integrity-check')")
            term = stored.search_text.iloc[len(lines) // 2][:3]  # one trigram: the index keeps no positions
            hits = conn.execute(
                text("SELECT rowid FROM statement_fts WHERE statement_fts MATCH :q ORDER BY rowid"), {"q": f'"{term}"'}
            ).scalars()
            assert list(hits) == stored.id[stored.search_text.str.contains(term, regex=False)].tolist()
            triggers = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
            assert triggers == 3  # kept by triggers again for the imports to come
