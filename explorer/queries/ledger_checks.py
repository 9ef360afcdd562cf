"""Ledger consistency checks, each one SQL query returning the offending rows (empty = clean).

They are the evidence behind the checker (`python -m explorer check`) and the explorer's flags.
Every check can be narrowed to one account.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from explorer.db import rollups, summaries

DETAIL_CAP = 1_000  # rows of evidence kept per check; counts are exact


def _run(engine: Engine, sql: str, account_id: int | None, alias: str = "s") -> pd.DataFrame:
    """Run a check; `{account}` in its SQL narrows it to one account through `alias`.account_id."""
    narrow = "" if account_id is None else f"AND {alias}.account_id = :account_id"
    params = {} if account_id is None else {"account_id": account_id}
    with engine.connect() as conn:
        return pd.read_sql(
            text(sql.replace("{account}", narrow).replace("{cap}", str(DETAIL_CAP))), conn, params=params
        )


def balance_breaks(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Lines whose printed running balance ≠ previous balance (or the opening balance) ± amount.

    Imported lines are left to `statement_gaps`: their import compared each balance with the line before it
    in the file, which is where a published statement leaves lines out.
    """
    return _run(
        engine,
        """
        SELECT id AS line_id, account_id, balance, expected FROM (
          SELECT s.id, s.account_id, s.balance, s.import_id,
                 COALESCE(LAG(s.balance) OVER w, a.opening_balance)
                   + CASE WHEN s.direction = 'in' THEN s.amount ELSE -s.amount END AS expected
          FROM statement_lines s JOIN accounts a ON a.id = s.account_id
          WHERE s.balance IS NOT NULL {account}
          WINDOW w AS (PARTITION BY s.account_id ORDER BY s.id)
        ) x WHERE balance <> expected AND import_id IS NULL ORDER BY line_id LIMIT {cap}""",
        account_id,
    )


def statement_gaps(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Imported statements whose running balance moves by money no published line explains."""
    return _run(
        engine,
        """
        SELECT g.account_id, i.file_name, g.after_row, g.before_row, g.unexplained, g.currency
        FROM balance_gaps g JOIN imports i ON i.id = g.import_id WHERE 1 = 1 {account}
        ORDER BY g.account_id, g.import_id, g.before_row LIMIT {cap}""",
        account_id,
        alias="g",
    )


def set_aside_rows(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Rows of imported files that could not be read and wait for a person."""
    return _run(
        engine,
        """
        SELECT r.account_id, i.file_name, r.page, r.row, r.code, r.reason
        FROM set_aside_rows r JOIN imports i ON i.id = r.import_id WHERE r.resolved_line_id IS NULL {account}
        ORDER BY r.account_id, r.import_id, r.row LIMIT {cap}""",
        account_id,
        alias="r",
    )


def unreconciled_imports(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Imports whose printed figures (balances, turnover, totals, counts) disagree with the lines read."""
    return _run(
        engine,
        """
        SELECT i.account_id, i.file_name, i.sha256, i.checks FROM imports i
        WHERE NOT i.reconciled {account} ORDER BY i.id LIMIT {cap}""",
        account_id,
        alias="i",
    )  # NULL: nothing printed


def disbursements_without_debit(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Disbursements not paid by an outgoing line of the same amount on the campaign's account."""
    return _run(
        engine,
        """
        SELECT d.id AS disbursement_id, d.campaign_id, d.amount, d.statement_line_id, s.amount AS line_amount
        FROM disbursements d JOIN campaigns c ON c.id = d.campaign_id
        LEFT JOIN statement_lines s ON s.id = d.statement_line_id
        WHERE (s.id IS NULL OR s.direction <> 'out' OR s.amount <> d.amount OR s.account_id <> c.account_id)
          {account}
        ORDER BY d.id LIMIT {cap}""",
        account_id,
        alias="c",
    )


def debits_without_explanation(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Outgoing lines on campaign accounts that no disbursement explains."""
    return _run(
        engine,
        """
        SELECT s.id AS line_id, s.account_id, s.posted_at, s.amount, s.description FROM statement_lines s
        WHERE s.direction = 'out' {account}
          AND NOT EXISTS (SELECT 1 FROM disbursements d WHERE d.statement_line_id = s.id)
        ORDER BY s.id LIMIT {cap}""",
        account_id,
    )


def over_disbursed(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Campaigns that paid out more than they received."""
    return _run(
        engine,
        """
        SELECT c.id AS campaign_id, c.account_id, r.received, d.disbursed FROM campaigns c
        JOIN (SELECT campaign_id, SUM(amount) AS disbursed FROM disbursements GROUP BY campaign_id) d
          ON d.campaign_id = c.id
        LEFT JOIN (SELECT campaign_id, SUM(amount) AS received FROM statement_lines
                   WHERE direction = 'in' GROUP BY campaign_id) r ON r.campaign_id = c.id
        WHERE d.disbursed > COALESCE(r.received, 0) {account}
        ORDER BY c.id LIMIT {cap}""",
        account_id,
        alias="c",
    )


def duplicate_references(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Bank references that appear on more than one line of the same account."""
    return _run(
        engine,
        """
        SELECT s.account_id, s.reference, COUNT(*) AS lines FROM statement_lines s
        WHERE s.reference IS NOT NULL AND s.reference <> '' {account}
        GROUP BY s.account_id, s.reference HAVING COUNT(*) > 1
        ORDER BY s.account_id, s.reference LIMIT {cap}""",
        account_id,
    )


def outside_account_life(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Lines dated before the account was opened or after it was closed."""
    return _run(
        engine,
        """
        SELECT s.id AS line_id, s.account_id, s.posted_at, a.opened_on, a.closed_on
        FROM statement_lines s JOIN accounts a ON a.id = s.account_id
        WHERE (s.posted_at < a.opened_on OR (a.closed_on IS NOT NULL AND s.posted_at >= a.closed_on)) {account}
        ORDER BY s.id LIMIT {cap}""",
        account_id,
    )


def stale_rollups(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Rollup rows (explorer.db.rollups: day totals, donations by channel) that no longer equal the lines:
    something wrote lines behind the writers. The `rollup` column names the table."""
    with engine.connect() as conn:
        queries = [rollups.stale_sql(conn, "{account}", table) for table in rollups.CHECKED]
    found = [_run(engine, f"{query} ORDER BY 2, 3 LIMIT {{cap}}", account_id) for query in queries]
    return pd.concat([f for f in found if not f.empty] or found[:1], ignore_index=True)


def stale_summaries(engine: Engine) -> pd.DataFrame:
    """Rows of the summaries (explorer.db.summaries: counterparty and donor totals, account sources, campaign
    receipts) that no longer equal the lines, each recomputed from the lines in SQL: the summary, its key, and the
    values as the lines give them and as stored ('lines | amount | first id' …; empty where a row is missing).
    Whole-ledger only (donor totals and campaign receipts belong to no one account)."""
    with engine.connect() as conn:
        queries = [summaries.stale_sql(conn, table) for table in summaries.TABLES]
    found = [_run(engine, f"{query} ORDER BY 2 LIMIT {{cap}}", None) for query in queries]
    return pd.concat(found, ignore_index=True)


CHECKS: dict[str, Callable[..., pd.DataFrame]] = {
    "balance_breaks": balance_breaks,
    "statement_gaps": statement_gaps,
    "set_aside_rows": set_aside_rows,
    "unreconciled_imports": unreconciled_imports,
    "disbursements_without_debit": disbursements_without_debit,
    "debits_without_explanation": debits_without_explanation,
    "over_disbursed": over_disbursed,
    "duplicate_references": duplicate_references,
    "outside_account_life": outside_account_life,
    "stale_rollups": stale_rollups,
}
