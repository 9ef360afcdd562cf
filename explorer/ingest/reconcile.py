"""What a statement says about itself, against what was read from it: gaps in the running balance, and the
printed figures (opening and closing balance, turnover, counts, totals rows, a notice's published total).

Neither refuses an import. A gap is a finding (lines left out of a published statement are exactly what the
public should see); a printed figure that disagrees marks the import as not reconciled, on the report and
on the account page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from explorer.ingest.normalise import CellError, Line, amount


@dataclass(frozen=True)
class Gap:
    """The balance moves between two consecutive lines by more (or less) than the lines explain."""

    after_row: int | None  # None: before the first line (against the printed opening balance)
    before_row: int
    unexplained: int  # stated balance − expected balance, minor units (> 0: money in not listed)

    def message(self, unit: str = "đ") -> str:
        where = (
            f"between row {self.after_row} and row {self.before_row}"
            if self.after_row is not None
            else f"before row {self.before_row}"
        )
        moves = "rises" if self.unexplained > 0 else "falls"
        return (
            f"{where} the balance {moves} by {abs(self.unexplained):,} {unit} more than the published lines "
            "explain — lines left out of the statement?"
        )


@dataclass(frozen=True)
class Check:
    """One printed figure against the parsed one."""

    name: str  # 'closing balance', 'credit turnover', 'credit count', 'totals row (credit)', …
    printed: int
    parsed: int

    @property
    def ok(self) -> bool:
        return self.printed == self.parsed


def in_time_order(lines: list[Line], newest_first: bool) -> list[Line]:
    return lines[::-1] if newest_first else lines


def balance_gaps(lines: list[Line], opening: int | None) -> list[Gap]:
    """Every place where a stated balance is not the previous one plus or minus the line's amount.

    Each line is checked against the balance stated on the line before, so one omission is one gap, not a
    cascade. A line without a balance restarts the chain.
    """
    gaps = []
    previous, previous_row = opening, None
    for line in lines:
        if line.balance is None:
            previous = None
            continue
        if previous is not None:
            expected = previous + (line.amount if line.direction == "in" else -line.amount)
            if line.balance != expected:
                gaps.append(Gap(previous_row, line.row, line.balance - expected))
        previous, previous_row = line.balance, line.row
    return gaps


def checks(
    lines: list[Line], printed: dict[str, object], newest_first: bool = False, rows: int | None = None
) -> list[Check]:
    """Printed figures (keys as in explorer.ingest.pdf.Printed, amounts already in minor units) vs parsed.
    `rows`: transaction rows read (lines + set aside), against the last sequence number (STT) printed."""
    ordered = in_time_order(lines, newest_first)
    credit = [line.amount for line in lines if line.direction == "in"]
    debit = [line.amount for line in lines if line.direction == "out"]
    parsed = {
        "credit turnover": sum(credit),
        "debit turnover": sum(debit),
        "credit count": len(credit),
        "debit count": len(debit),
        "totals row (credit)": sum(credit),
        "totals row (debit)": sum(debit),
        "published count": len(lines),
        "published total": sum(credit),
    }
    keys = {
        "credit_turnover": "credit turnover",
        "debit_turnover": "debit turnover",
        "credit_count": "credit count",
        "debit_count": "debit count",
        "total_credit": "totals row (credit)",
        "total_debit": "totals row (debit)",
        "notice_count": "published count",
        "notice_total": "published total",
    }
    found = [
        Check(name, cast(int, printed[key]), parsed[name])  # figures other than the period are ints
        for key, name in keys.items()
        if printed.get(key) is not None
    ]
    if printed.get("numbered_rows") is not None:
        found.append(
            Check(
                "rows numbered 1..N (STT)",
                cast(int, printed["numbered_rows"]),
                len(lines) if rows is None else rows,
            )
        )
    closing = printed.get("closing_balance")
    if closing is not None and ordered and ordered[-1].balance is not None:
        found.append(Check("closing balance", int(closing), ordered[-1].balance))  # type: ignore[arg-type]
    opening = printed.get("opening_balance")
    if opening is not None and closing is not None:
        movement = sum(credit) - sum(debit)
        found.append(Check("opening + credits − debits = closing", int(closing), int(opening) + movement))  # type: ignore[arg-type]
    return found


_AMOUNT_FIGURES = (
    "opening_balance",
    "closing_balance",
    "credit_turnover",
    "debit_turnover",
    "total_credit",
    "total_debit",
    "notice_total",
    "cumulative_total",
)
_COUNT_FIGURES = ("credit_count", "debit_count", "notice_count")


def printed_figures(printed, exponent: int, notes: list[str]) -> dict[str, object]:
    """What a statement prints about itself (explorer.ingest.pdf.Printed) in minor units; a figure that cannot
    be read is noted, not guessed. The period is kept as dates."""
    figures: dict[str, object] = {}
    for key in _AMOUNT_FIGURES:
        text = getattr(printed, key, None)
        if text in (None, ""):
            continue
        try:
            figures[key] = amount(text, key, signed=True, exponent=exponent)
        except CellError as exc:
            notes.append(f"the printed {key.replace('_', ' ')} {text!r} cannot be read: {exc.message}")
    for key in _COUNT_FIGURES:
        value = getattr(printed, key, None)
        if value is not None:
            figures[key] = int(value)
    if printed.period_start and printed.period_end:
        figures["period"] = (printed.period_start, printed.period_end)
    return figures
