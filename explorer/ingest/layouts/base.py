"""What every layout shares: the Layout record, header location and the row walk that collects problems."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

from explorer.ingest.errors import ProblemList
from explorer.ingest.normalise import CellError, Line
from explorer.ingest.policy import SetAside, code_for
from explorer.ingest.source import Grid
from explorer.text import fold

HEADER_SCAN_ROWS = 30  # title blocks are a few rows; a header further down is not a header
SKIP = object()  # a row a converter recognised as not a transaction (opening balance, totals)
Progress = Callable[[int, int], None]


@dataclass
class Context:
    file: str
    account: str | None  # None: not given; the file's own title block names it
    column_map: Mapping[str, str] | None = None  # generic layout only: role → column name in the file
    progress: Progress | None = None
    exponent: int = 0  # decimals of the statement's currency (minor units)


@dataclass
class Parsed:
    lines: list[Line]
    skipped: int  # recognised non-transaction rows (blank rows are not counted)
    problems: ProblemList  # whole-file problems: the import is refused
    columns: dict[str, str]  # role → the column's name in messages
    set_aside: list[SetAside] = field(default_factory=list)  # transaction rows that cannot be read
    opening_balance: int | None = None  # from an opening-balance row, when the file has one
    stated_totals: list[tuple[int, str, str, int]] = field(default_factory=list)  # (row, role, direction, amount)
    declared_account: tuple[int | None, str] | None = None  # (row, number) from a title block
    bank: str | None = None
    holder: str | None = None
    newest_first: bool = False  # set by validation when balances add up bottom-up
    notes: list[str] = field(default_factory=list)
    currency: str | None = None  # ISO 4217, when the file says
    printed: dict[str, object] = field(default_factory=dict)  # figures the file states (explorer.ingest.reconcile)
    why: str = ""  # why this layout was chosen


@dataclass(frozen=True)
class Layout:
    name: str
    bank: str | None
    summary: str
    recognise: Callable[[Grid], tuple[float, str] | None]  # (score 0..1, why) when the file looks like this layout
    parse: Callable[[Grid, Context], Parsed]
    near_miss: Callable[[Grid], tuple[int, float, str] | None] = lambda grid: None  # (row, score, what is missing)

    def detect(self, grid: Grid) -> bool:
        return self.recognise(grid) is not None


def recognised_by(detect: Callable[[Grid], bool], score: float, why: str) -> Callable[[Grid], tuple[float, str] | None]:
    """A recogniser from a yes/no signature test (layouts without headings to score)."""
    return lambda grid: (score, why) if detect(grid) else None


def folded_row(grid: Grid, index: int) -> list[str]:
    return [fold(c) if isinstance(c, str) else "" for c in grid.row(index)]


_UNITS = re.compile(r"\((?:vnd|vnđ|usd|dong|đong|đ)\)|\[(?:vnd|usd)\]")


def heading_names(cell: object) -> set[str]:
    """The names a header cell answers to: folded, units in brackets dropped, bilingual halves split.

    'Số tiền ghi có / Credit (VND)' → {'so tien ghi co / credit', 'so tien ghi co', 'credit'}; a heading broken
    over two lines inside the cell reads as one.
    """
    if not isinstance(cell, str) or not cell.strip():
        return set()
    folded = " ".join(_UNITS.sub(" ", fold(cell.replace("\n", " "))).split())
    names = {folded, folded.replace(" ", "")}
    for part in re.split(r"\s*[/|]\s*", folded):
        if part:
            names.update((part, part.replace(" ", "")))
    return names


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # index of the header row
    index: dict[str, int]  # role → column
    names: dict[str, str]  # role → the heading as written
    score: float  # share of the layout's roles found
    why: str


def match_header(
    grid: Grid, roles: Mapping[str, tuple[str, ...]], required: tuple[str, ...], partial: bool = False
) -> HeaderMatch | None:
    """The row (within the title block) whose headings cover the most roles, if it has every required one
    (`partial`: the best row even without them, to say what is missing)."""
    best: HeaderMatch | None = None
    for row in range(min(grid.nrows, HEADER_SCAN_ROWS)):
        cells = [heading_names(c) for c in grid.row(row)]
        if sum(1 for c in cells if c) < len(required):
            continue
        index: dict[str, int] = {}
        for role, aliases in roles.items():
            wanted = {a for alias in aliases for a in (alias, alias.replace(" ", ""))}
            hit = next((i for i, names in enumerate(cells) if names & wanted and i not in index.values()), None)
            if hit is not None:
                index[role] = hit
        if not partial and not all(r in index for r in required):
            continue
        score = len(index) / len(roles)
        if best is None or score > best.score:
            raw = grid.row(row)
            names = {role: " ".join(str(raw[i]).split()) for role, i in index.items()}
            why = f"row {row + 1} has {len(index)} of {len(roles)} headings: " + ", ".join(
                f"{names[r]!r}={r}" for r in index
            )
            best = HeaderMatch(row, index, names, score, why)
    return best


def find_header(grid: Grid, signature: tuple[str, ...]) -> int | None:
    """Index of the first row (within the title block) whose folded cells include every signature name."""
    for index in range(min(grid.nrows, HEADER_SCAN_ROWS)):
        cells = set(folded_row(grid, index))
        if all(name in cells for name in signature):
            return index
    return None


def map_columns(
    grid: Grid, header: int, roles: Mapping[str, tuple[str, ...]], required: tuple[str, ...], problems: ProblemList
) -> tuple[dict[str, int], dict[str, str]]:
    """(role → column index, role → header text) for the header row; a missing required role is a problem."""
    raw = grid.row(header)
    folded = folded_row(grid, header)
    index, names = {}, {}
    for role, aliases in roles.items():
        hit = next((i for i, cell in enumerate(folded) if cell in aliases), None)
        if hit is not None:
            index[role], names[role] = hit, str(raw[hit]).strip()
        elif role in required:
            problems.add(
                grid.row_number(header), None, f"the column {aliases[0]!r} ({role}) is missing from the header"
            )
    return index, names


def walk(
    grid: Grid,
    first: int,
    convert: Callable[[tuple, int], Line | object],
    columns: Mapping[str, str],
    problems: ProblemList,
    progress: Progress | None,
    *,
    reject_duplicates: bool = True,
    set_aside: list[SetAside] | None = None,
) -> tuple[list[Line], int]:
    """Assemble and convert every non-blank row from index `first`; (lines, skipped). Rows that cannot be read
    are set aside (appended to `set_aside` with their reason), never dropped and never a stop.

    Record assembly, when the converter can tell a row's shape (RowConverter.shape): a memo continued on the
    next row joins its record; a record's date on one row and its amount on the next are one record; the
    header repeated (concatenated pages) and totals rows ('Tổng cộng', 'Cộng trang', 'Phát sinh') are skipped,
    the totals kept as printed figures (RowConverter.stated).

    An exact repeat of an earlier row is set aside when the layout's rows carry something unique (a sequence
    number, a reference, a time or a running balance): a repeat then means a pasted or concatenated file.
    """
    lines: list[Line] = []
    aside = set_aside if set_aside is not None else []
    skipped = 0
    shape = getattr(convert, "shape", None)
    header = {fold(str(c)) for c in grid.row(first - 1) if c != ""} if first > 0 else set()
    pending: list | None = None  # [row, cells, has an amount] of the record being assembled
    blank = ("",) * len(grid.columns)
    seen: dict[int, int] = {}  # hash of the row's cells → its index (hashes, not rows: memory for 2 M rows)
    total = grid.nrows

    def emit(row: int, cells: tuple) -> None:
        nonlocal skipped
        try:
            result = convert(cells, row)
        except CellError as exc:
            column = columns.get(exc.column, exc.column)
            aside.append(
                SetAside(row, None, code_for(exc.message), f"column {column!r}: {exc.message}", raw_text(cells), column)
            )
            return
        if result is SKIP:
            skipped += 1
        else:
            lines.append(cast(Line, result))

    rows = itertools.islice(zip(*grid.columns, strict=False), first, None)
    for index, cells in enumerate(rows, start=first):
        if progress and index % 20_000 == 0:
            progress(index, total)
        if cells == blank:
            continue
        row = index + 1
        if reject_duplicates:
            key = hash(cells)
            earlier = seen.get(key)
            if earlier is not None and grid.row(earlier) == list(cells):
                aside.append(
                    SetAside(
                        row,
                        None,
                        "repeated_row",
                        f"this row repeats row {earlier + 1} exactly (a duplicated or pasted row?)",
                        raw_text(cells),
                    )
                )
                continue
            seen[key] = index
        kind = shape(cells) if shape else "record"
        if kind == "record" or kind == "dated":
            if pending:
                emit(pending[0], pending[1])
            pending = [row, cells, kind == "record"]
            continue
        if kind == "amount_only" and pending and not pending[2]:  # the amount of the record dated above
            pending = [pending[0], convert.merge(pending[1], cells), True]  # type: ignore[attr-defined]
            continue
        if kind == "text_only":
            if header and {fold(str(c)) for c in cells if c != ""} <= header:
                skipped += 1  # the header again: pages concatenated
            elif pending:
                pending[1] = convert.merge(pending[1], cells)  # type: ignore[attr-defined]
            else:
                skipped += 1  # text above the first record: a title or a note
            continue
        if kind in ("totals", "subtotal"):  # a page's subtotal is skipped; the file's total is a printed figure
            if pending:
                emit(pending[0], pending[1])
                pending = None
            if kind == "totals":
                convert.total(cells, row)  # type: ignore[attr-defined]
            skipped += 1
            continue
        if pending:  # an amount without a date, after a complete record: its own (unreadable) row
            emit(pending[0], pending[1])
            pending = None
        emit(row, cells)
    if pending:
        emit(pending[0], pending[1])
    if progress:
        progress(total, total)
    return lines, skipped


def read_title_block(grid: Grid, header_row: int, parsed: Parsed, exponent: int) -> None:
    """What the rows above the header print: account, currency, period, balances, turnover (as PDFs do)."""
    from explorer.ingest.pdf import Printed
    from explorer.ingest.pdf.printed import read_printed
    from explorer.ingest.reconcile import printed_figures

    if header_row <= 0:
        return
    text = "\n".join(" ".join(str(c) for c in grid.row(i) if c != "") for i in range(header_row))
    printed = Printed()
    read_printed(printed, text)
    parsed.printed.update(printed_figures(printed, exponent, parsed.notes))
    if printed.account and not parsed.declared_account:
        parsed.declared_account = (None, re.sub(r"\D", "", printed.account))
    parsed.currency = parsed.currency or printed.currency
    parsed.holder = parsed.holder or printed.holder


def raw_text(cells: tuple) -> str:
    """A row's cells as one line of text, for the person who reviews a set-aside row."""
    return " | ".join(str(c) for c in cells if c != "")[:2000]


def headerless_names(roles: tuple[str, ...]) -> dict[str, str]:
    """Message names for a file without a header: 'column 4 (credit)'."""
    return {role: f"column {i + 1} ({role})" for i, role in enumerate(roles)}
