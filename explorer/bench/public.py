"""Benchmark operations for the public pages' other queries: account and campaign search, the aggregates
behind an account page, and the statistics page. Inputs cycle through a few realistic values."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.bench import register
from explorer.queries import accounts, campaigns, flags, stats

ACCOUNT_QUERIES = ("2905", "ha noi", "chữ thập đỏ", "quỹ", "05")
CAMPAIGN_FACETS = (
    {"status": "active"},
    {"category": "disaster_relief", "q": "bão lũ"},
    {"province": 29},
    {"start_from": dt.date(2020, 1, 1), "category": "medical"},
    {"q": "học bổng", "status": "closed"},
)


def _cycle(values, run_one: Callable) -> Callable[[], int]:
    values = itertools.cycle(list(values))
    return lambda: run_one(next(values))


def _busiest_accounts(engine: Engine, n: int = 3) -> list[int]:
    with engine.connect() as conn:
        return [
            r[0]
            for r in conn.execute(
                text("SELECT account_id FROM statement_lines GROUP BY account_id ORDER BY COUNT(*) DESC LIMIT :n"),
                {"n": n},
            )
        ]


def _account_page(engine: Engine) -> Callable[[], int]:
    def run(account_id: int) -> int:
        totals = accounts.money_in_out(engine, account_id)
        series = accounts.balance_series(engine, account_id)
        top = accounts.top_counterparties(engine, account_id)
        found = flags.account_flags(engine, account_id)
        return len(series) + len(top) + len(found) + len(totals)

    return _cycle(_busiest_accounts(engine), run)


def _stats(engine: Engine) -> Callable[[], int]:
    def run() -> int:
        return (
            len(stats.daily(engine))
            + len(stats.amount_buckets(engine))
            + len(stats.top_donors(engine))
            + len(stats.by_province(engine))
            + len(stats.by_hour(engine))
        )

    return run


register(
    "account_search",
    lambda e: _cycle(ACCOUNT_QUERIES, lambda q: len(accounts.search_accounts(e, q=q)["rows"])),
    note="number, holder name, organization",
)


def _campaign_search(engine: Engine) -> Callable[[], int]:
    """A page of campaigns for each facet set, with the money columns the page shows (the all-campaign
    standing comes from the page's cache, so it is computed once here; `campaign_flags` times it cold)."""
    standing = flags.campaign_flags(engine)

    def run(facets: dict) -> int:
        return len(campaigns.with_money(campaigns.listing(engine, **facets)["rows"], standing))

    return _cycle(CAMPAIGN_FACETS, run)


register("campaign_search", _campaign_search, note="facets: status, category + text, province, dates; with money")
register(
    "campaign_flags",
    lambda e: lambda: len(flags.campaign_flags(e)),
    note="rule status of every campaign (cold)",
    repeats=10,
)
register("account_page", _account_page, note="in/out, balance series, top counterparties, flags (busiest accounts)")
register("stats_aggregates", _stats, note="daily, buckets, top donors, provinces, hours (whole ledger)")
