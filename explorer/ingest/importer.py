"""Import one statement file: read → detect layout → parse → validate everything → write in one transaction."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from explorer.db.engine import DatabaseError
from explorer.ingest import store
from explorer.ingest.errors import StatementImportError
from explorer.ingest.layouts import LAYOUTS, Context, Layout, Parsed, detect_layout
from explorer.ingest.source import Grid, read_grid, sha256
from explorer.ingest.validate import closing_balance, opening_balance, totals, validate

Progress = Callable[[str, int, int], None]  # (stage 'parse' | 'write', done, total)
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{3,20}$")
MAX_FILE_BYTES = 2 * 1024**3


@dataclass
class Statement:
    """A parsed, fully validated file: everything needed to write it, nothing written yet."""
    file: str
    sha256: str
    layout: Layout
    parsed: Parsed
    credit_total: int
    debit_total: int
    opening_balance: int | None
    closing_balance: int | None
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    file: str
    layout: str
    sha256: str
    rows: int               # transactions parsed from the file
    added: int              # lines written by this import (0 when the file was imported before)
    skipped: int            # recognised non-transaction rows (opening balance, totals)
    credit_total: int
    debit_total: int
    closing_balance: int | None
    account_id: int
    account_created: bool
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """The CLI's --json object."""
        keys = ("layout", "sha256", "rows", "added", "skipped", "credit_total", "debit_total")
        return {k: v for k, v in asdict(self).items() if k in keys}


def clean_account_number(number: str, file: str) -> str:
    cleaned = re.sub(r"[\s.\-]", "", str(number or ""))
    if not _ACCOUNT_NUMBER.match(cleaned):
        raise StatementImportError.single(file, f"the account number {str(number)[:40]!r} is not 3–20 digits")
    return cleaned


def read_statement(data: bytes, file: str, *, account: str, layout: str | None = None,
                   column_map: Mapping[str, str] | None = None, expected_rows: int | None = None,
                   expected_credit: int | None = None, progress: Progress | None = None) -> Statement:
    """Parse and validate without touching a database; StatementImportError lists every problem found."""
    account = clean_account_number(account, file)
    if len(data) > MAX_FILE_BYTES:
        raise StatementImportError.single(file, f"the file is {len(data):,} bytes; split it below 2 GB")
    grid = read_grid(data, file)
    chosen = _choose_layout(grid, file, layout, column_map)
    ctx = Context(file, account, column_map, (lambda done, total: progress("parse", done, total)) if progress else None)
    parsed = chosen.parse(grid, ctx)
    if not parsed.problems:  # whole-file checks only make sense once every row could be read
        validate(parsed, account, expected_rows, expected_credit)
    parsed.problems.raise_if_any(file)
    credit, debit = totals(parsed.lines)
    return Statement(file, sha256(data), chosen, parsed, credit, debit, opening_balance(parsed),
                     closing_balance(parsed), notes=grid.notes + parsed.notes)


def _choose_layout(grid: Grid, file: str, name: str | None, column_map: Mapping[str, str] | None) -> Layout:
    if name in (None, "", "auto"):
        if column_map:
            return LAYOUTS["generic"]
        found = detect_layout(grid)
        if found is None:
            raise StatementImportError.single(file, "not a statement layout this importer knows "
                                                    f"({', '.join(n for n in LAYOUTS if n != 'generic')}); "
                                                    "name the columns with a column mapping (--map) to import it")
        return found
    if column_map and name != "generic":
        raise StatementImportError.single(file, f"a column mapping only applies to the generic layout, not {name}")
    if name not in LAYOUTS:
        raise StatementImportError.single(file, f"unknown layout {name!r} (known: {', '.join(LAYOUTS)})")
    layout = LAYOUTS[name]
    if name == "generic" and not column_map:
        raise StatementImportError.single(file, "the generic layout needs a column mapping (--map date=...,credit=...)")
    if name != "generic" and not layout.detect(grid):
        raise StatementImportError.single(file, f"the file does not look like the {name} layout ({layout.summary})")
    return layout


def write_statement(engine: Engine, statement: Statement, *, account: str, bank: str | None = None,
                    holder: str | None = None, progress: Progress | None = None) -> ImportResult:
    """Write a validated statement in one transaction: nothing is written if anything fails."""
    parsed = statement.parsed
    account = clean_account_number(account, statement.file)
    bank = store.canonical_bank(bank) or store.canonical_bank(parsed.bank) or statement.layout.bank
    opened_on = min(line.posted_at for line in parsed.lines).date()
    on_write = (lambda done, total: progress("write", done, total)) if progress else None
    try:
        with engine.begin() as conn:
            store.begin(conn)
            account_id, created = store.find_or_create_account(conn, account, bank, holder or parsed.holder, opened_on,
                                                               statement.opening_balance or 0)
            store.lock_account(conn, account_id)
            present = store.imported_rows(conn, account_id, statement.sha256)
            new = [line for line in parsed.lines if line.row not in present]
            added = store.insert_lines(conn, account_id, new, statement.sha256, statement.layout.name, on_write)
    except store.AccountChoiceError as exc:
        raise StatementImportError.single(statement.file, str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"Nothing was imported from {statement.file}: the database refused the write ({reason}).") from None
    return ImportResult(statement.file, statement.layout.name, statement.sha256, len(parsed.lines), added,
                        parsed.skipped, statement.credit_total, statement.debit_total, statement.closing_balance,
                        account_id, created, statement.notes)


def import_statement(engine: Engine, data: bytes, file: str, *, account: str, bank: str | None = None,
                     holder: str | None = None, layout: str | None = None,
                     column_map: Mapping[str, str] | None = None, expected_rows: int | None = None,
                     expected_credit: int | None = None, progress: Progress | None = None) -> ImportResult:
    """Read, validate and write one statement file. Raises StatementImportError or DatabaseError; never half-writes."""
    statement = read_statement(data, file, account=account, layout=layout, column_map=column_map,
                               expected_rows=expected_rows, expected_credit=expected_credit, progress=progress)
    return write_statement(engine, statement, account=account, bank=bank, holder=holder, progress=progress)


def import_file(engine: Engine, path: str | Path, **options) -> ImportResult:
    """import_statement for a file on disk; a missing or unreadable file is a StatementImportError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatementImportError.single(path.name, f"cannot read the file: {exc.strerror or exc}") from None
    return import_statement(engine, data, path.name, **options)
