"""The national scale reproduces the Thiện nguyện app's public figures (built in memory, not written)."""

from __future__ import annotations

import pytest

from seed.generate import build
from seed.scales import NATIONAL_FIGURES


@pytest.fixture(scope="module")
def national():
    return build("national", 1)


@pytest.mark.slow
def test_national_totals_within_5_percent(national):
    lines, campaigns = national["statement_lines"], national["campaigns"]
    received = lines[(lines.direction == "in") & (lines.currency == "VND")]
    measured = {
        "campaigns": len(campaigns),
        "raised_vnd": int(received.amount.sum()),
        "distinct_donors": received.donor_key.nunique(),
    }
    for key, figure in NATIONAL_FIGURES.items():
        assert abs(measured[key] - figure) <= 0.05 * figure, (key, measured[key], figure)


@pytest.mark.slow
def test_national_campaign_shapes(national):
    lines = national["statement_lines"]
    incoming = (
        lines[lines.direction == "in"]
        .groupby("campaign_id")
        .agg(
            total=("amount", "sum"),
            donors=("donor_key", "nunique"),
            donations=("amount", "size"),
            first=("posted_at", "min"),
            last=("posted_at", "max"),
        )
    )
    big = incoming[incoming.donations > 1_000_000]
    assert len(big) == 1 and 95_000 <= big.donors.iloc[0] <= 100_000

    def near(total, figure):
        return (total - figure).abs() < 0.02 * figure

    shaped = incoming[(incoming.donors == 1_341) & near(incoming.total, 1_610_000_000)]
    assert len(shaped) == 1
    quick = incoming[(incoming.donors == 3_054) & near(incoming.total, 1_300_000_000)]
    assert len(quick) == 1
    assert (quick["last"].iloc[0] - quick["first"].iloc[0]).total_seconds() <= 2 * 86_400
