"""Transparency flags: each campaign's standing under the reporting rule, and what that means per account.

The money is aggregated in SQL; the judgement itself is `explorer.rules.report_status`, so the seed, the
pages and the ledger checker all apply one rule. Every judgement is made "as of" the latest day in the
ledger (`frames.ledger_as_of`), not the wall clock, so a snapshot gives the same answer tomorrow.

- received: the campaign's attributed incoming lines in its own currency (pledges are not money received);
- disbursed: its reported disbursements in that currency;
- threshold_on: the first day cumulative receipts reach THRESHOLD_SHARE of the target, found with a
  running SUM() OVER (PARTITION BY campaign ORDER BY day) over the daily rollup, kept per campaign in
  campaign_receipts by the ledger writer (explorer.db.summaries);
- due_on: threshold_on + REPORT_GRACE_DAYS.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from explorer import rules
from explorer.queries.frames import as_date, dates, ints, ledger_as_of, read

BREACHES = ("late_report", "missing_report", "over_disbursed")
FLAG_COLUMNS = ["campaign_id", "status", "threshold_on", "due_on", "first_report_on", "received", "disbursed"]
# Money paid out of a charity account should be explained by a disbursement report. Unexplained = every
# outgoing line (from the daily rollup) minus the outgoing lines some disbursement names (each counted once):
# the same figures as filtering the account's lines with NOT EXISTS, which read all of them (0.4 s for the
# busiest national account) where this reads its rollup rows and the disbursements.
_UNEXPLAINED_PAYOUTS = text("""
    SELECT (SELECT COALESCE(SUM(t.lines), 0) FROM daily_totals t WHERE t.account_id = :a AND t.direction = 'out')
           - (SELECT COUNT(*) FROM statement_lines s
              WHERE s.id IN (SELECT d.statement_line_id FROM disbursements d) AND +s.account_id = :a
                AND s.direction = 'out') AS lines,
           (SELECT COALESCE(SUM(t.amount), 0) FROM daily_totals t WHERE t.account_id = :a AND t.direction = 'out')
           - (SELECT COALESCE(SUM(s.amount), 0) FROM statement_lines s
              WHERE s.id IN (SELECT d.statement_line_id FROM disbursements d) AND +s.account_id = :a
                AND s.direction = 'out') AS amount""")


def _standing_sql(only_ids: bool) -> str:
    # The id list (when given) is bound once, in `chosen`; everything else joins to it. Receipts and the
    # threshold day come from the summary the ledger writer keeps (explorer.db.summaries.refresh_campaigns).
    restrict = "c.id IN :ids" if only_ids else "1 = 1"
    return f"""
        WITH chosen AS (
            SELECT c.id, c.currency, c.first_report_on FROM campaigns c WHERE {restrict}
        ), spent AS (
            SELECT d.campaign_id, SUM(d.amount) AS disbursed
            FROM disbursements d JOIN chosen c ON c.id = d.campaign_id
            WHERE d.currency = c.currency
            GROUP BY d.campaign_id
        )
        SELECT c.id AS campaign_id, r.threshold_on, c.first_report_on,
               COALESCE(r.received, 0) AS received, COALESCE(sp.disbursed, 0) AS disbursed
        FROM chosen c
        LEFT JOIN campaign_receipts r ON r.campaign_id = c.id
        LEFT JOIN spent sp ON sp.campaign_id = c.id
        ORDER BY c.id"""


def standing(conn: Connection, campaign_ids: list[int] | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """FLAG_COLUMNS for the given campaigns (all when None), judged as of `today` (default: the ledger's)."""
    if campaign_ids is not None and not campaign_ids:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    params: dict = {}
    if campaign_ids is not None:
        params["ids"] = [int(i) for i in campaign_ids]
    frame = read(conn, _standing_sql(campaign_ids is not None), params, list_params=("ids",))
    dates(ints(frame, "received", "disbursed"), "threshold_on", "first_report_on")
    today = today or ledger_as_of(conn) or dt.date.today()
    grace = dt.timedelta(days=rules.REPORT_GRACE_DAYS)
    frame["due_on"] = pd.Series(
        [t + grace if t else None for t in frame["threshold_on"]], index=frame.index, dtype=object
    )
    frame["status"] = [
        rules.report_status(t, f, int(r), int(d), today)
        for t, f, r, d in zip(frame.threshold_on, frame.first_report_on, frame.received, frame.disbursed, strict=False)
    ]
    return frame[FLAG_COLUMNS]


def campaign_flags(engine: Engine) -> pd.DataFrame:
    """Every campaign's standing under the reporting rule: FLAG_COLUMNS, one row per campaign."""
    with engine.connect() as conn:
        return standing(conn)


def ids_with_status(standing: pd.DataFrame, status: str) -> tuple[int, ...]:
    """The campaigns of a `campaign_flags` frame that have this rule status (pure)."""
    return tuple(int(i) for i in standing.loc[standing.status == status, "campaign_id"])


def as_of(engine: Engine) -> dt.date | None:
    with engine.connect() as conn:
        return ledger_as_of(conn)


def flagged_accounts(engine: Engine) -> pd.DataFrame:
    """Accounts holding at least one campaign in breach: account_id, number, bank, holder_name, status, campaigns."""
    flags = campaign_flags(engine)
    breaches = flags[flags.status.isin(BREACHES)]
    if breaches.empty:
        return pd.DataFrame(columns=["account_id", "number", "bank", "holder_name", "status", "campaigns"])
    with engine.connect() as conn:
        owners = read(
            conn,
            """
            SELECT c.id AS campaign_id, a.id AS account_id, a.number, a.bank, a.holder_name
            FROM campaigns c JOIN accounts a ON a.id = c.account_id WHERE c.id IN :ids""",
            {"ids": breaches.campaign_id.astype(int).tolist()},
            list_params=("ids",),
        )
    merged = owners.merge(breaches[["campaign_id", "status"]], on="campaign_id")
    counted = merged.groupby(["account_id", "number", "bank", "holder_name", "status"], as_index=False).agg(
        campaigns=("campaign_id", "count")
    )
    return counted.sort_values(["campaigns", "number"], ascending=[False, True]).reset_index(drop=True)


ACCOUNT_FLAG_COLUMNS = [
    "flag",
    "campaign_id",
    "title",
    "threshold_on",
    "due_on",
    "first_report_on",
    "received",
    "disbursed",
    "lines",
    "amount",
]


def account_flags(engine: Engine, account_id: int) -> pd.DataFrame:
    """One account's flags, one row each: flag (a breach status or 'unexplained_payouts') and its evidence.

    Columns ACCOUNT_FLAG_COLUMNS; lines and amount only for unexplained payouts.
    """
    with engine.connect() as conn:
        campaigns = read(conn, "SELECT id, title FROM campaigns WHERE account_id = :a ORDER BY id", {"a": account_id})
        judged = standing(conn, campaigns.id.astype(int).tolist()).merge(
            campaigns.rename(columns={"id": "campaign_id"}), on="campaign_id"
        )
    return flag_rows(judged, unexplained_payouts(engine, account_id))


def unexplained_payouts(engine: Engine, account_id: int) -> dict[str, int]:
    """Outgoing lines of the account that no disbursement explains: {'lines': n, 'amount': total}."""
    with engine.connect() as conn:
        found = conn.execute(_UNEXPLAINED_PAYOUTS, {"a": account_id}).mappings().one()
    return {"lines": int(found["lines"]), "amount": int(found["amount"])}


def flag_rows(judged: pd.DataFrame, payouts: dict[str, int]) -> pd.DataFrame:
    """ACCOUNT_FLAG_COLUMNS from judged campaigns (FLAG_COLUMNS + title) and the unexplained payouts (pure)."""
    breaches = judged[judged.status.isin(BREACHES)]
    rows = [
        {
            "flag": b["status"],
            "campaign_id": int(b["campaign_id"]),
            "title": b["title"],
            "threshold_on": b["threshold_on"],
            "due_on": b["due_on"],
            "first_report_on": b["first_report_on"],
            "received": int(b["received"]),
            "disbursed": int(b["disbursed"]),
            "lines": None,
            "amount": None,
        }
        for b in breaches.to_dict("records")
    ]
    if payouts["lines"]:
        rows.append({**dict.fromkeys(ACCOUNT_FLAG_COLUMNS), "flag": "unexplained_payouts", **payouts})
    return pd.DataFrame(rows, columns=ACCOUNT_FLAG_COLUMNS)


def days_late(first_report_on: dt.date | None, due_on: dt.date | None) -> int | None:
    """Days a first report came after its due date (for the explanation of a late report)."""
    first, due = as_date(first_report_on), as_date(due_on)
    return (first - due).days if first and due else None
