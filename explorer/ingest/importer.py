"""Import one statement file: read (CSV/XLSX/Parquet/PDF) → choose the layout by score → parse (unreadable rows
set aside) → check (refusals; gaps and printed figures as findings) → write the new lines in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from explorer import banks
from explorer.db.engine import DatabaseError
from explorer.ingest import pdf_source, store
from explorer.ingest.errors import Problem, StatementImportError
from explorer.ingest.layouts import LAYOUTS, Context, Layout, Parsed, detect_layout
from explorer.ingest.policy import DEFAULT_POLICY, Policy
from explorer.ingest.reconcile import Check, Gap, balance_gaps, checks, in_time_order
from explorer.ingest.source import Grid, read_grid, sha256
from explorer.ingest.validate import closing_balance, opening_balance, totals, validate

is_pdf = pdf_source.is_pdf

Progress = Callable[[str, int, int], None]  # (stage 'parse' | 'write', done, total)
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{3,20}$")
MAX_FILE_BYTES = 2 * 1024**3


@dataclass
class Statement:
    """A parsed file: everything needed to write it (and to report on it), nothing written yet."""

    file: str
    sha256: str
    layout: Layout
    parsed: Parsed
    currency: str
    account: str  # as given, or as the file names it
    credit_total: int
    debit_total: int
    opening_balance: int | None
    closing_balance: int | None
    gaps: list[Gap] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Transaction rows in the file: lines + set-aside rows (the import's invariant)."""
        return len(self.parsed.lines) + len(self.parsed.set_aside)

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.parsed.lines if line.flags)

    @property
    def reconciled(self) -> bool | None:
        """True when every printed figure matches, False when one does not, None when the file prints none."""
        return all(c.ok for c in self.checks) if self.checks else None


@dataclass
class ImportResult:
    file: str
    layout: str
    sha256: str
    rows: int  # transaction rows in the file (= lines read + set aside)
    added: int  # lines written by this import
    skipped: int  # recognised non-transaction rows (opening balance, totals)
    credit_total: int
    debit_total: int
    closing_balance: int | None
    account_id: int
    account_created: bool
    already_present: int = 0  # lines of the file the account already holds (same identity, any file)
    set_aside: int = 0
    flagged: int = 0
    gaps: int = 0
    reconciled: bool | None = None
    currency: str = "VND"
    import_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """The CLI's --json object."""
        keys = (
            "layout",
            "sha256",
            "rows",
            "added",
            "skipped",
            "credit_total",
            "debit_total",
            "already_present",
            "set_aside",
            "flagged",
            "gaps",
            "reconciled",
            "currency",
        )
        return {k: v for k, v in asdict(self).items() if k in keys}


def clean_account_number(number: str, file: str) -> str:
    cleaned = re.sub(r"[\s.\-]", "", str(number or ""))
    if not _ACCOUNT_NUMBER.match(cleaned):
        raise StatementImportError.single(file, f"the account number {str(number)[:40]!r} is not 3–20 digits")
    return cleaned


def read_statement(
    data: bytes,
    file: str,
    *,
    account: str | None,
    layout: str | None = None,
    column_map: Mapping[str, str] | None = None,
    expected_rows: int | None = None,
    expected_credit: int | None = None,
    currency: str | None = None,
    policy: Policy = DEFAULT_POLICY,
    progress: Progress | None = None,
) -> Statement:
    """Parse and check without touching a database; StatementImportError lists every reason to refuse.

    Unreadable rows are set aside (refused only beyond the policy's share); gaps and printed figures that
    disagree are findings on the Statement, not refusals. Without an `account`, the one the file names is used.
    """
    if account:
        account = clean_account_number(account, file)
    if len(data) > MAX_FILE_BYTES:
        raise StatementImportError.single(file, f"the file is {len(data):,} bytes; split it below 2 GB")
    on_parse = (lambda done, total: progress("parse", done, total)) if progress else None
    if is_pdf(data):
        chosen, grid, parsed_pdf = pdf_source.read(data, file, layout, on_parse)
        currency = _currency(file, currency, parsed_pdf.printed.currency)
        parsed = pdf_source.parse(grid, parsed_pdf, Context(file, account, None, on_parse, exponent_of(currency)), data)
    else:
        grid = read_grid(data, file)
        chosen, why = _choose_layout(grid, file, layout, column_map)
        given = currency
        currency = _currency(file, given, None)
        parsed = chosen.parse(grid, Context(file, account, column_map, on_parse, exponent_of(currency)))
        if parsed.currency and parsed.currency != currency:  # the title block names the currency: read again in it
            currency = _currency(file, given, parsed.currency)
            parsed = chosen.parse(grid, Context(file, account, column_map, on_parse, exponent_of(currency)))
        parsed.why = why if why.startswith("score") else parsed.why or why
        parsed.notes[:0] = grid.notes
    if not account:
        if not parsed.declared_account:
            raise StatementImportError.single(file, "the file does not name its account: give the account number")
        account = clean_account_number(parsed.declared_account[1], file)
    if not parsed.problems:  # whole-file checks only make sense once the layout could read its columns
        validate(parsed, account, expected_rows, expected_credit)
    parsed.problems.raise_if_any(file)
    _flag_outside_period(parsed)
    rows = len(parsed.lines) + len(parsed.set_aside)
    refused = policy.refuses(len(parsed.set_aside), rows)
    if refused:
        raise StatementImportError(
            file,
            [Problem(a.row, a.column, f"set aside ({a.code}): {a.reason}") for a in parsed.set_aside[:20]]
            + [Problem(None, None, refused)],
        )
    credit, debit = totals(parsed.lines)
    ordered = in_time_order(parsed.lines, parsed.newest_first)
    opening = opening_balance(parsed)
    printed = dict(parsed.printed)
    for _row, _role, direction, stated in parsed.stated_totals:
        printed["total_credit" if direction == "in" else "total_debit"] = stated
    return Statement(
        file,
        sha256(data),
        chosen,
        parsed,
        currency,
        account,
        credit,
        debit,
        opening,
        closing_balance(parsed),
        gaps=balance_gaps(ordered, parsed.opening_balance),
        checks=checks(parsed.lines, printed, parsed.newest_first, rows),
        notes=parsed.notes,
    )


def _flag_outside_period(parsed: Parsed) -> None:
    """A line dated outside the period the statement prints is imported, and flagged."""
    period = parsed.printed.get("period")
    if not period:
        return
    first, last = period  # type: ignore[misc]
    parsed.lines = [
        line
        if first <= line.posted_at.date() <= last
        else line._replace(
            flags=line.flags
            + (
                f"outside_period: dated {line.posted_at:%d/%m/%Y}, the statement covers "
                f"{first:%d/%m/%Y}–{last:%d/%m/%Y}",
            )
        )
        for line in parsed.lines
    ]


def exponent_of(currency: str) -> int:
    """Decimals of the currency's minor unit (ISO 4217, via Babel)."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def _currency(file: str, given: str | None, printed: str | None) -> str:
    given = (given or "").strip().upper() or None
    printed = (printed or "").strip().upper() or None
    if given and printed and given != printed:
        raise StatementImportError.single(file, f"the file is a {printed} statement, not {given}")
    chosen = given or printed or "VND"
    if not re.fullmatch(r"[A-Z]{3}", chosen):
        raise StatementImportError.single(file, f"{chosen!r} is not a currency code (VND, USD, …)")
    return chosen


def _choose_layout(grid: Grid, file: str, name: str | None, column_map: Mapping[str, str] | None) -> tuple[Layout, str]:
    """(layout, why it was chosen): the best-scoring recogniser, or the one named."""
    if name in (None, "", "auto"):
        if column_map:
            return LAYOUTS["generic"], "a column mapping was given"
        found = detect_layout(grid)
        if found is None:
            near = max(
                ((layout, miss) for layout in LAYOUTS.values() if (miss := layout.near_miss(grid))),
                key=lambda pair: pair[1][1],
                default=None,
            )
            if near and near[1][1] >= 0.5:  # most of a known layout's headings: say what is missing
                layout, (row, _score, missing) = near
                raise StatementImportError.single(file, f"{missing} (closest layout: {layout.name})", row=row)
            raise StatementImportError.single(
                file,
                "not a statement layout this importer knows "
                f"({', '.join(n for n in LAYOUTS if n != 'generic')}); "
                "name the columns with a column mapping (--map) to import it",
            )
        layout, score, why = found
        return layout, f"score {score:.2f}: {why}"
    if column_map and name != "generic":
        raise StatementImportError.single(file, f"a column mapping only applies to the generic layout, not {name}")
    if name not in LAYOUTS:
        raise StatementImportError.single(file, f"unknown layout {name!r} (known: {', '.join(LAYOUTS)})")
    layout = LAYOUTS[name]
    if name == "generic" and not column_map:
        raise StatementImportError.single(file, "the generic layout needs a column mapping (--map date=...,credit=...)")
    if name != "generic" and not layout.detect(grid):
        raise StatementImportError.single(file, f"the file does not look like the {name} layout ({layout.summary})")
    return layout, "chosen by name"


def write_statement(
    engine: Engine,
    statement: Statement,
    *,
    account: str | None = None,
    bank: str | None = None,
    holder: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a statement in one transaction (nothing is written if anything fails): the lines not yet
    present, in time order, and the import's record with its set-aside rows and gaps."""
    parsed = statement.parsed
    account = clean_account_number(account, statement.file) if account else statement.account
    bank = banks.canonical(bank) or banks.canonical(parsed.bank) or statement.layout.bank
    lines = sorted(in_time_order(parsed.lines, parsed.newest_first), key=lambda line: line.posted_at)
    opened_on = lines[0].posted_at.date() if lines else dt.date.today()
    on_write = (lambda done, total: progress("write", done, total)) if progress else None
    try:
        with engine.begin() as conn:
            store.begin(conn)
            account_id, created = store.find_or_create_account(
                conn,
                account,
                bank,
                holder or parsed.holder,
                opened_on,
                statement.opening_balance or 0,
                statement.currency,
            )
            store.lock_account(conn, account_id)
            written = store.write_import(conn, account_id, statement, lines, on_write)
    except store.AccountChoiceError as exc:
        raise StatementImportError.single(statement.file, str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(
            f"Nothing was imported from {statement.file}: the database refused the write ({reason})."
        ) from None
    return ImportResult(
        statement.file,
        statement.layout.name,
        statement.sha256,
        statement.rows,
        written.added,
        parsed.skipped,
        statement.credit_total,
        statement.debit_total,
        statement.closing_balance,
        account_id,
        created,
        already_present=written.already_present,
        set_aside=len(parsed.set_aside),
        flagged=statement.flagged,
        gaps=len(statement.gaps),
        reconciled=statement.reconciled,
        currency=statement.currency,
        import_id=written.import_id,
        notes=statement.notes,
    )


def import_statement(
    engine: Engine,
    data: bytes,
    file: str,
    *,
    account: str | None = None,
    bank: str | None = None,
    holder: str | None = None,
    layout: str | None = None,
    column_map: Mapping[str, str] | None = None,
    expected_rows: int | None = None,
    expected_credit: int | None = None,
    currency: str | None = None,
    policy: Policy = DEFAULT_POLICY,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and write one statement file. Raises StatementImportError or DatabaseError; never half-writes.
    Without a currency given, the file's, else the account's (a USD account's statement is read in cents)."""
    kept = (
        store.account_currency(engine, clean_account_number(account, file), banks.canonical(bank)) if account else None
    )
    if currency and kept and currency.upper() != kept:
        raise StatementImportError.single(
            file, f"account {account} keeps {kept}; this statement is in {currency.upper()}"
        )
    currency = currency or kept
    statement = read_statement(
        data,
        file,
        account=account,
        layout=layout,
        column_map=column_map,
        expected_rows=expected_rows,
        expected_credit=expected_credit,
        currency=currency,
        policy=policy,
        progress=progress,
    )
    return write_statement(engine, statement, account=account, bank=bank, holder=holder, progress=progress)


def import_file(engine: Engine, path: str | Path, **options) -> ImportResult:
    """import_statement for a file on disk; a missing or unreadable file is a StatementImportError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatementImportError.single(path.name, f"cannot read the file: {exc.strerror or exc}") from None
    return import_statement(engine, data, path.name, **options)
