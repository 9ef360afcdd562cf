"""Hand-made statement lines appended to a copy of a seed (odd memos the seed never writes), the way any writer
appends: ids after the last line, folded search text, the line-order fact recorded (explorer.db.line_order) and
the rollups refreshed (explorer.db.rollups)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from explorer.db import line_order, rollups
from explorer.text import fold


def append_lines(writer, lines: list[dict]) -> None:
    """Each line: counterparty (or None), description, posted_at, direction, amount (đồng), reference."""
    with writer.begin() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE currency = 'VND' ORDER BY id LIMIT 1")).scalar()
        next_id = conn.execute(text("SELECT max(id) FROM statement_lines")).scalar() + 1
        for i, line in enumerate(lines):
            counterparty, description = line["counterparty"], line["description"]
            conn.execute(
                text(
                    "INSERT INTO statement_lines (id, account_id, posted_at, has_time, direction, amount, currency,"
                    " balance, reference, counterparty, description, search_text) VALUES (:id, :a, :t, :has_time, :dir,"
                    " :amt, 'VND', NULL, :ref, :cp, :d, :st)"
                ),
                {
                    "id": next_id + i,
                    "a": account_id,
                    "t": line["posted_at"],
                    "has_time": True,
                    "dir": line["direction"],
                    "amt": line["amount"],
                    "ref": line["reference"],
                    "cp": counterparty,
                    "d": description,
                    "st": fold(f"{counterparty} {description}" if counterparty else description),
                },
            )
        line_order.record(conn, next_id - 1)
        if lines:
            times = [line["posted_at"] for line in lines]
            rollups.refresh(conn, min(times), max(times), next_id - 1)
    writer.dispose()


def daily(first: dt.datetime, memos: list[tuple[str | None, str]], amount: int, reference: str) -> list[dict]:
    """Incoming lines, one a day from `first`, the i-th for amount × (i + 1)."""
    return [
        {
            "counterparty": c,
            "description": d,
            "posted_at": first + dt.timedelta(days=i),
            "direction": "in",
            "amount": amount * (i + 1),
            "reference": f"{reference}{i}",
        }
        for i, (c, d) in enumerate(memos)
    ]
