"""The row converter shared by every layout: once columns are located, a statement row is a statement row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from explorer.ingest.memo import counterparty_from_memo
from explorer.ingest.normalise import (
    CellError,
    Line,
    amount,
    direction_and_amount,
    first_of_several,
    make_line,
    text_cell,
    when,
)
from explorer.text import fold

# The roles a column can play, in the order a headerless or mapped file lists them in messages.
ROLES = ("date", "time", "debit", "credit", "amount", "balance", "reference", "counterparty", "description")


class RowConverter:
    """Turns a row's cells into a Line once the columns are located (role → column position).

    Amounts come from a debit/credit pair, a credit column alone, or one signed `amount` column.
    `join_wrapped_memo`: banks that wrap memos inside a cell break words anywhere ('do\\nng bao'), so
    the line breaks are removed, not turned into spaces. `direction_from_balance`: a single unsigned
    amount is money out when the running balance went down by it, otherwise money in; a layout with an
    opening-balance row sets `previous_balance` before the first transaction. `exponent`: the currency's
    decimals (amounts are stored in minor units). A zero amount or a cell holding two values is read and
    flagged (explorer.ingest.policy), not refused.
    """

    def __init__(
        self,
        index: Mapping[str, int],
        *,
        join_wrapped_memo: bool = False,
        direction_from_balance: bool = False,
        reference_in_memo: re.Pattern | None = None,
        exponent: int = 0,
    ):
        self.i_date, self.i_time = index["date"], index.get("time")
        self.i_debit, self.i_credit, self.i_amount = index.get("debit"), index.get("credit"), index.get("amount")
        self.i_balance, self.i_ref = index.get("balance"), index.get("reference")
        self.i_cp, self.i_memo = index.get("counterparty"), index.get("description")
        self.join_wrapped_memo = join_wrapped_memo
        self.direction_from_balance = direction_from_balance
        self.reference_in_memo = reference_in_memo  # group 1 is the bank reference, for layouts without a column
        self.exponent = exponent
        self.previous_balance: int | None = None
        self.stated: list[tuple[int, str, str, int]] = []  # totals rows: (row, role, direction, amount)
        self._amounts = [i for i in (self.i_debit, self.i_credit, self.i_amount) if i is not None]
        self._texts = [i for i in (self.i_memo, self.i_cp, self.i_ref) if i is not None]

    def shape(self, cells: tuple) -> str:
        """What a row is, before it is read: record | dated (date, no amount yet) | amount_only | text_only |
        totals. Cheap on the usual row (a date and an amount) — it runs on every row of a 2 M-line file."""
        date = cells[self.i_date]
        if type(date) is str and date[:1].isdigit():
            for i in self._amounts:
                cell = cells[i]
                if type(cell) is str and cell[:1].isdigit():
                    return "record"
        has_date = _numeric_start(cells[self.i_date])
        has_amount = any(_numeric_start(cells[i]) for i in self._amounts)
        if has_date:
            return "record" if has_amount else "dated"
        words = [fold(str(c)) for c in cells if isinstance(c, str) and c.strip() and not _AMOUNTISH.match(c.strip())]
        if words and _TOTALS.match(words[0]):
            return "subtotal" if words[0].startswith(("cong trang", "cong phat sinh trang")) else "totals"
        if has_amount:
            return "amount_only"
        return "text_only" if any(not _blank(cells[i]) for i in self._texts) else "other"

    def merge(self, cells: tuple, more: tuple) -> tuple:
        """`cells` with the empty cells filled from `more`, and `more`'s text appended to its text cells."""
        merged = list(cells)
        for i, value in enumerate(more):
            if _blank(value):
                continue
            if _blank(merged[i]):
                merged[i] = value
            elif i in self._texts:
                merged[i] = f"{merged[i]}{'' if self.join_wrapped_memo else ' '}{value}"
        return tuple(merged)

    def total(self, cells: tuple, row: int) -> None:
        """A totals row: its amounts are printed figures to reconcile with, not a transaction."""
        for role, index, direction in (("credit", self.i_credit, "in"), ("debit", self.i_debit, "out")):
            if index is not None and not _blank(cells[index]):
                try:
                    value = amount(cells[index], role, exponent=self.exponent)
                except CellError:
                    continue
                if value is not None:
                    self.stated.append((row, role, direction, value))

    def __call__(self, cells: tuple, row: int) -> Line:
        flags: list[str] = []
        posted_at, has_time = when(cells[self.i_date], "date")
        if self.i_time is not None and cells[self.i_time] != "":
            posted_at, has_time = _with_time(posted_at, cells[self.i_time]), True
        balance = None
        if self.i_balance is not None:
            balance = amount(
                self._one(cells[self.i_balance], "balance", flags), "balance", signed=True, exponent=self.exponent
            )
        if self.i_amount is not None:
            direction, value = _single_amount(
                self._one(cells[self.i_amount], "amount", flags),
                balance,
                self.previous_balance,
                self.direction_from_balance,
                self.exponent,
            )
        else:
            direction, value = direction_and_amount(
                self._one(cells[self.i_debit], "debit", flags) if self.i_debit is not None else "",
                self._one(cells[self.i_credit], "credit", flags) if self.i_credit is not None else "",
                self.exponent,
            )
        if value == 0:
            flags.append("zero_amount: the amount is printed as zero")
        self.previous_balance = balance
        memo = text_cell(cells[self.i_memo], "description") if self.i_memo is not None else ""
        if self.join_wrapped_memo:
            memo = memo.replace("\r", "").replace("\n", "")
        reference = text_cell(cells[self.i_ref], "reference") if self.i_ref is not None else ""
        if not reference and self.reference_in_memo is not None:
            found = self.reference_in_memo.search(memo)
            reference = found.group(1) if found else ""
        counterparty = text_cell(cells[self.i_cp], "counterparty") if self.i_cp is not None else ""
        return make_line(
            row,
            posted_at,
            has_time,
            direction,
            value,
            balance,
            reference,
            counterparty or counterparty_from_memo(memo),
            memo,
            tuple(flags),
        )

    @staticmethod
    def _one(cell: object, role: str, flags: list[str]) -> object:
        if type(cell) is str and "\n" not in cell:  # the usual cell: one value (checked for 2 M rows)
            return cell
        value, flag = first_of_several(cell)
        if flag:
            flags.append(f"several_values: {role}: {flag}")
        return value


_TOTALS = re.compile(r"^(tong cong|tong so|tong|cong trang|cong phat sinh|phat sinh|cong)\b(?! cong ty| ty)")
_AMOUNTISH = re.compile(r"^[\d.,\s]+$")


def _numeric_start(value: object) -> bool:
    """A cell that could hold a date or an amount: a number, a datetime, or text starting with a digit or sign."""
    if isinstance(value, str):
        head = value.lstrip()[:1]
        return head.isdigit() or (head in "-+(" and head != "")
    return value is not None and value == value  # numbers and datetimes (NaN is not)


def _blank(value: object) -> bool:
    return value == "" or value is None or (isinstance(value, str) and not value.strip())


def _single_amount(
    cell: object, balance: int | None, previous: int | None, from_balance: bool, exponent: int = 0
) -> tuple[str, int]:
    if from_balance:
        value = amount(cell, "amount", exponent=exponent)
        if value is None:
            raise CellError("amount", "the amount is missing")
        went_down = balance is not None and previous is not None and previous - value == balance
        return ("out" if went_down else "in"), value
    value = amount(cell, "amount", signed=True, exponent=exponent)
    if value is None:
        raise CellError("amount", "the amount is missing")
    return ("in", value) if value >= 0 else ("out", -value)


def _with_time(day: dt.datetime, cell: object) -> dt.datetime:
    if isinstance(cell, dt.time):
        return dt.datetime.combine(day.date(), cell)
    parts = str(cell).strip().split(":")
    try:
        if not 2 <= len(parts) <= 3:
            raise ValueError
        hh, mm, ss = (int(p) for p in (parts + ["0"])[:3])
        return day.replace(hour=hh, minute=mm, second=ss)
    except ValueError:
        raise CellError("time", f"{str(cell)[:20]!r} is not a time of day (hh:mm or hh:mm:ss)") from None
