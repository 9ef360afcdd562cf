"""The stress scale's year replay keeps ids unique, references unique and balances reconciled (checked on tiny)."""
from __future__ import annotations

import pandas as pd

from seed.generate import build
from seed.stress import SHIFT, campaign_copy, line_copy, yearly_openings

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
