"""What the Presenter page shows: campaigns to pick, one campaign's progress, the latest donations
for the (simulated) ticker, and the accounts a VietQR can be made for. Pure functions, bound parameters."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

PICK_LIMIT = 500  # campaigns / accounts offered in a selector
TICKER_POOL = 60  # latest incoming lines the ticker replays


def campaign_choices(engine: Engine) -> pd.DataFrame:
    """Campaigns to pick from, active ones first, then by money received: id, title, status, raised."""
    with engine.connect() as conn:
        return pd.read_sql(
            text("""
            SELECT c.id, c.title, c.status, COALESCE(r.raised, 0) AS raised
            FROM campaigns c
            LEFT JOIN (SELECT t.campaign_id, SUM(t.amount) AS raised
                       FROM lifetime_totals t JOIN campaigns k ON k.id = t.campaign_id AND k.currency = t.currency
                       WHERE t.direction = 'in' GROUP BY t.campaign_id) r ON r.campaign_id = c.id
            ORDER BY CASE c.status WHEN 'active' THEN 0 WHEN 'closed' THEN 1 ELSE 2 END, raised DESC, c.id
            LIMIT :limit"""),
            conn,
            params={"limit": PICK_LIMIT},
        )


def campaign_progress(engine: Engine, campaign_id: int) -> dict | None:
    """One campaign's target, money received in its currency, donations, donors and disbursed; None if absent."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                text("""
            SELECT c.id, c.title, c.status, c.currency, c.target, c.start_on, c.end_on,
                   a.number AS account_number, a.bank, a.holder_name,
                   (SELECT COALESCE(SUM(t.amount), 0) FROM daily_totals t
                     WHERE t.campaign_id = c.id AND t.direction = 'in' AND t.currency = c.currency) AS raised,
                   (SELECT COALESCE(SUM(t.lines), 0) FROM daily_totals t
                     WHERE t.campaign_id = c.id AND t.direction = 'in' AND t.currency = c.currency) AS donations,
                   (SELECT COUNT(DISTINCT l.donor_key) FROM statement_lines l
                     WHERE l.campaign_id = c.id AND l.direction = 'in') AS donors,
                   (SELECT COALESCE(SUM(d.amount), 0) FROM disbursements d
                     WHERE d.campaign_id = c.id AND d.currency = c.currency) AS disbursed
            FROM campaigns c JOIN accounts a ON a.id = c.account_id
            WHERE c.id = :id"""),
                {"id": campaign_id},
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    out = dict(row)
    for key in ("target", "raised", "donations", "donors", "disbursed"):
        out[key] = int(out[key] or 0)
    out["ratio"] = out["raised"] / out["target"] if out["target"] else None
    return out


def recent_donations(engine: Engine, limit: int = TICKER_POOL, campaign_id: int | None = None) -> pd.DataFrame:
    """The latest incoming lines (newest first): posted_at, amount, currency, counterparty, campaign; only the
    campaign's own lines when `campaign_id` is given (the ticker under a campaign shows nothing else)."""
    only = "AND l.campaign_id = :campaign" if campaign_id is not None else ""
    with engine.connect() as conn:
        frame = pd.read_sql(
            text(f"""
            SELECT l.posted_at, l.amount, l.currency, l.counterparty, c.title AS campaign
            FROM statement_lines l LEFT JOIN campaigns c ON c.id = l.campaign_id
            WHERE l.direction = 'in' {only}
            ORDER BY l.posted_at DESC, l.id DESC
            LIMIT :limit"""),
            conn,
            params={"limit": int(limit), "campaign": campaign_id},
        )
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    return frame


def qr_accounts(engine: Engine, banks: tuple[str, ...]) -> pd.DataFrame:
    """Accounts at the given banks (those with a VietQR BIN), most money received first: number, bank, holder_name."""
    if not banks:
        return pd.DataFrame(columns=["number", "bank", "holder_name", "raised"])
    stmt = text("""
        SELECT a.number, a.bank, a.holder_name, COALESCE(SUM(t.amount), 0) AS raised
        FROM accounts a
        LEFT JOIN lifetime_totals t ON t.account_id = a.id AND t.direction = 'in' AND t.currency = 'VND'
        WHERE a.bank IN :banks AND a.closed_on IS NULL
        GROUP BY a.id, a.number, a.bank, a.holder_name
        ORDER BY raised DESC, a.number
        LIMIT :limit""").bindparams(bindparam("banks", expanding=True))
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn, params={"banks": list(banks), "limit": PICK_LIMIT})


def account(engine: Engine, number: str) -> dict | None:
    """The account with this number (the first by id if two banks share it): number, bank, holder_name."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                text("""
            SELECT number, bank, holder_name FROM accounts WHERE number = :number ORDER BY id LIMIT 1"""),
                {"number": number},
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def ticker_window(lines: pd.DataFrame, tick: int, size: int) -> pd.DataFrame:
    """`size` consecutive lines of the pool, starting at a position that moves one line per tick (wrapping)."""
    if lines.empty or size <= 0:
        return lines.head(0)
    n = len(lines)
    start = n - 1 - tick % n  # replay from the oldest of the pool towards the newest, then start over
    order = [(start + i) % n for i in range(min(size, n))]
    return lines.iloc[order].reset_index(drop=True)
