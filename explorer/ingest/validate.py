"""Checks on a parsed file as a whole: running balance, stated totals, the account it names, published counts."""
from __future__ import annotations

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts import Parsed
from explorer.ingest.normalise import Line


def totals(lines: list[Line]) -> tuple[int, int]:
    """(credit total, debit total) in đồng."""
    credit = debit = 0
    for line in lines:
        if line.direction == "in":
            credit += line.amount
        else:
            debit += line.amount
    return credit, debit


def balance_breaks(lines: list[Line], opening: int | None) -> list[tuple[int, str]]:
    """(row, message) for every stated balance that is not the previous one plus or minus the row's amount.

    Each row is checked against the balance the file states on the row before, so one wrong row is one
    break, not a cascade. A row without a balance restarts the chain.
    """
    breaks = []
    previous = opening
    for line in lines:
        if line.balance is None:
            previous = None
            continue
        if previous is not None:
            expected = previous + (line.amount if line.direction == "in" else -line.amount)
            if line.balance != expected:
                sign = "+" if line.direction == "in" else "-"
                breaks.append((line.row, f"running balance breaks: {previous:,} {sign} {line.amount:,} = "
                                         f"{expected:,}, but the row says {line.balance:,}"))
        previous = line.balance
    return breaks


def check_balances(parsed: Parsed, problems: ProblemList) -> None:
    """Report every balance break. Some banks list the newest transaction first: when the balances only
    add up read bottom-up, that is the file's order, not a break."""
    forward = balance_breaks(parsed.lines, parsed.opening_balance)
    if forward and parsed.opening_balance is None and not balance_breaks(parsed.lines[::-1], None):
        parsed.newest_first = True
        parsed.notes.append("rows are listed newest first (the running balance adds up bottom-up)")
        return
    column = parsed.columns.get("balance", "balance")
    for row, message in forward:
        problems.add(row, column, message)


def opening_balance(parsed: Parsed) -> int | None:
    """The balance before the first line: an opening-balance row, or worked back from the first stated balance."""
    if parsed.opening_balance is not None:
        return parsed.opening_balance
    if parsed.lines:
        first = parsed.lines[-1] if parsed.newest_first else parsed.lines[0]
        if first.balance is not None:
            return first.balance - (first.amount if first.direction == "in" else -first.amount)
    return None


def closing_balance(parsed: Parsed) -> int | None:
    """The balance after the last line, when the file states it."""
    if parsed.lines:
        return (parsed.lines[0] if parsed.newest_first else parsed.lines[-1]).balance
    return None


def check_stated_totals(parsed: Parsed, credit: int, debit: int, problems: ProblemList) -> None:
    for row, role, direction, stated in parsed.stated_totals:
        computed = credit if direction == "in" else debit
        if stated != computed:
            problems.add(row, parsed.columns.get(role, role),
                         f"the totals row says {stated:,} but the transactions add up to {computed:,}")


def check_account(parsed: Parsed, account: str, problems: ProblemList) -> None:
    if parsed.declared_account and parsed.declared_account[1] != account:
        row, number = parsed.declared_account
        problems.add(row, None, f"the file is the statement of account {number}, not {account}")


def check_expected(count: int, credit: int, expected_rows: int | None, expected_credit: int | None,
                   problems: ProblemList) -> None:
    """Compare with what the charity published alongside the file (a truncated export fails here)."""
    if count == 0:
        problems.add(None, None, "the file holds no transactions")
    if expected_rows is not None and count != expected_rows:
        problems.add(None, None, f"the file holds {count:,} transactions, {expected_rows:,} expected")
    if expected_credit is not None and credit != expected_credit:
        problems.add(None, None, f"incoming money adds up to {credit:,} đồng, {expected_credit:,} expected")


def validate(parsed: Parsed, account: str, expected_rows: int | None, expected_credit: int | None) -> None:
    """Add every whole-file problem to parsed.problems."""
    credit, debit = totals(parsed.lines)
    check_account(parsed, account, parsed.problems)
    check_balances(parsed, parsed.problems)
    check_stated_totals(parsed, credit, debit, parsed.problems)
    check_expected(len(parsed.lines), credit, expected_rows, expected_credit, parsed.problems)
