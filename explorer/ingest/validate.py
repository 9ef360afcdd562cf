"""Checks on a parsed file as a whole: running balance, stated totals, the account it names, published counts."""

from __future__ import annotations

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts import Parsed
from explorer.ingest.normalise import Line
from explorer.ingest.reconcile import balance_gaps


def totals(lines: list[Line]) -> tuple[int, int]:
    """(credit total, debit total) in đồng."""
    credit = debit = 0
    for line in lines:
        if line.direction == "in":
            credit += line.amount
        else:
            debit += line.amount
    return credit, debit


def detect_newest_first(parsed: Parsed) -> None:
    """Some banks list the newest transaction first: when the balances only add up read bottom-up, that is
    the file's order, not a gap."""
    if (
        parsed.opening_balance is None
        and balance_gaps(parsed.lines, None)
        and not balance_gaps(parsed.lines[::-1], None)
    ):
        parsed.newest_first = True
        parsed.notes.append("rows are listed newest first (the running balance adds up bottom-up)")


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


def check_account(parsed: Parsed, account: str, problems: ProblemList) -> None:
    if parsed.declared_account and parsed.declared_account[1] != account:
        row, number = parsed.declared_account
        problems.add(row, None, f"the file is the statement of account {number}, not {account}")


def check_expected(
    count: int, credit: int, expected_rows: int | None, expected_credit: int | None, problems: ProblemList
) -> None:
    """Compare with what the charity published alongside the file (a truncated export fails here)."""
    if count == 0:
        problems.add(None, None, "the file holds no transactions")
        return
    if expected_rows is not None and count != expected_rows:
        problems.add(None, None, f"the file holds {count:,} transactions, {expected_rows:,} expected")
    if expected_credit is not None and credit != expected_credit:
        problems.add(None, None, f"incoming money adds up to {credit:,} đồng, {expected_credit:,} expected")


def validate(parsed: Parsed, account: str, expected_rows: int | None, expected_credit: int | None) -> None:
    """Add every whole-file problem (a reason to refuse the file) to parsed.problems.

    Gaps in the balance and printed figures that disagree are findings, not problems: explorer.ingest.reconcile.
    """
    credit, _ = totals(parsed.lines)
    check_account(parsed, account, parsed.problems)
    detect_newest_first(parsed)
    check_expected(len(parsed.lines) + len(parsed.set_aside), credit, expected_rows, expected_credit, parsed.problems)
