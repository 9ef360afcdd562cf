"""The row converter shared by every layout: once columns are located, a statement row is a statement row."""
from __future__ import annotations

import datetime as dt
import re
from typing import Mapping

from explorer.ingest.memo import counterparty_from_memo
from explorer.ingest.normalise import CellError, Line, amount, direction_and_amount, make_line, text_cell, when

# The roles a column can play, in the order a headerless or mapped file lists them in messages.
ROLES = ("date", "time", "debit", "credit", "amount", "balance", "reference", "counterparty", "description")


class RowConverter:
    """Turns a row's cells into a Line once the columns are located (role → column position).

    Amounts come from a debit/credit pair, a credit column alone, or one signed `amount` column.
    `join_wrapped_memo`: banks that wrap memos inside a cell break words anywhere ('do\\nng bao'), so
    the line breaks are removed, not turned into spaces. `direction_from_balance`: a single unsigned
    amount is money out when the running balance went down by it, otherwise money in; a layout with an
    opening-balance row sets `previous_balance` before the first transaction.
    """

    def __init__(self, index: Mapping[str, int], *, join_wrapped_memo: bool = False,
                 direction_from_balance: bool = False, reference_in_memo: re.Pattern | None = None):
        self.i_date, self.i_time = index["date"], index.get("time")
        self.i_debit, self.i_credit, self.i_amount = index.get("debit"), index.get("credit"), index.get("amount")
        self.i_balance, self.i_ref = index.get("balance"), index.get("reference")
        self.i_cp, self.i_memo = index.get("counterparty"), index.get("description")
        self.join_wrapped_memo = join_wrapped_memo
        self.direction_from_balance = direction_from_balance
        self.reference_in_memo = reference_in_memo  # group 1 is the bank reference, for layouts without a column
        self.previous_balance: int | None = None

    def __call__(self, cells: tuple, row: int) -> Line:
        posted_at, has_time = when(cells[self.i_date], "date")
        if self.i_time is not None and cells[self.i_time] != "":
            posted_at, has_time = _with_time(posted_at, cells[self.i_time]), True
        balance = amount(cells[self.i_balance], "balance", signed=True) if self.i_balance is not None else None
        if self.i_amount is not None:
            direction, value = _single_amount(cells[self.i_amount], balance, self.previous_balance,
                                              self.direction_from_balance)
        else:
            direction, value = direction_and_amount(cells[self.i_debit] if self.i_debit is not None else "",
                                                    cells[self.i_credit] if self.i_credit is not None else "")
        self.previous_balance = balance
        memo = text_cell(cells[self.i_memo], "description") if self.i_memo is not None else ""
        if self.join_wrapped_memo:
            memo = memo.replace("\r", "").replace("\n", "")
        reference = text_cell(cells[self.i_ref], "reference") if self.i_ref is not None else ""
        if not reference and self.reference_in_memo is not None:
            found = self.reference_in_memo.search(memo)
            reference = found.group(1) if found else ""
        counterparty = text_cell(cells[self.i_cp], "counterparty") if self.i_cp is not None else ""
        return make_line(row, posted_at, has_time, direction, value, balance, reference,
                         counterparty or counterparty_from_memo(memo), memo)


def _single_amount(cell: object, balance: int | None, previous: int | None, from_balance: bool) -> tuple[str, int]:
    if from_balance:
        value = amount(cell, "amount")
        if not value:
            raise CellError("amount", "the amount is missing" if value is None else "the amount is zero")
        went_down = balance is not None and previous is not None and previous - value == balance
        return ("out" if went_down else "in"), value
    value = amount(cell, "amount", signed=True)
    if not value:
        raise CellError("amount", "the amount is missing" if value is None else "the amount is zero")
    return ("in", value) if value > 0 else ("out", -value)


def _with_time(day: dt.datetime, cell: object) -> dt.datetime:
    if isinstance(cell, dt.time):
        return dt.datetime.combine(day.date(), cell)
    parts = str(cell).strip().split(":")
    try:
        hh, mm, ss = (int(p) for p in (parts + ["0"])[:3]) if 2 <= len(parts) <= 3 else (None, None, None)
        return day.replace(hour=hh, minute=mm, second=ss)
    except (TypeError, ValueError):
        raise CellError("time", f"{str(cell)[:20]!r} is not a time of day (hh:mm or hh:mm:ss)") from None
