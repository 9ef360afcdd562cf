"""What every layout shares: the Layout record, header location and the row walk that collects problems."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Mapping

from explorer.ingest.errors import ProblemList
from explorer.ingest.normalise import CellError, Line
from explorer.ingest.source import Grid
from explorer.text import fold

HEADER_SCAN_ROWS = 30  # title blocks are a few rows; a header further down is not a header
SKIP = object()        # a row a converter recognised as not a transaction (opening balance, totals)
Progress = Callable[[int, int], None]


@dataclass
class Context:
    file: str
    account: str
    column_map: Mapping[str, str] | None = None   # generic layout only: role → column name in the file
    progress: Progress | None = None


@dataclass
class Parsed:
    lines: list[Line]
    skipped: int                                   # recognised non-transaction rows (blank rows are not counted)
    problems: ProblemList
    columns: dict[str, str]                        # role → the column's name in messages
    opening_balance: int | None = None             # from an opening-balance row, when the file has one
    stated_totals: list[tuple[int, str, str, int]] = field(default_factory=list)  # (row, role, direction, amount)
    declared_account: tuple[int, str] | None = None  # (row, number) from a title block
    bank: str | None = None
    holder: str | None = None
    newest_first: bool = False                     # set by validation when balances add up bottom-up
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    name: str
    bank: str | None
    summary: str
    detect: Callable[[Grid], bool]
    parse: Callable[[Grid, Context], Parsed]


def folded_row(grid: Grid, index: int) -> list[str]:
    return [fold(c) if isinstance(c, str) else "" for c in grid.row(index)]


def find_header(grid: Grid, signature: tuple[str, ...]) -> int | None:
    """Index of the first row (within the title block) whose folded cells include every signature name."""
    for index in range(min(grid.nrows, HEADER_SCAN_ROWS)):
        cells = set(folded_row(grid, index))
        if all(name in cells for name in signature):
            return index
    return None


def map_columns(grid: Grid, header: int, roles: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
                problems: ProblemList) -> tuple[dict[str, int], dict[str, str]]:
    """(role → column index, role → header text) for the header row; a missing required role is a problem."""
    raw = grid.row(header)
    folded = folded_row(grid, header)
    index, names = {}, {}
    for role, aliases in roles.items():
        hit = next((i for i, cell in enumerate(folded) if cell in aliases), None)
        if hit is not None:
            index[role], names[role] = hit, str(raw[hit]).strip()
        elif role in required:
            problems.add(grid.row_number(header), None,
                         f"the column {aliases[0]!r} ({role}) is missing from the header")
    return index, names


def walk(grid: Grid, first: int, convert: Callable[[tuple, int], Line | object], columns: Mapping[str, str],
         problems: ProblemList, progress: Progress | None, *, reject_duplicates: bool = True) -> tuple[list[Line], int]:
    """Convert every non-blank row from index `first`; (lines, skipped). Bad rows become problems, not stops.

    An exact repeat of an earlier row is refused when the layout's rows carry something unique (a sequence
    number, a reference, a time or a running balance): a repeat then means a pasted or concatenated file.
    """
    lines: list[Line] = []
    skipped = 0
    blank = ("",) * len(grid.columns)
    seen: dict[int, int] = {}   # hash of the row's cells → its index (hashes, not rows: memory for 2 M rows)
    total = grid.nrows
    rows = itertools.islice(zip(*grid.columns), first, None)
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
                problems.add(row, None, f"this row repeats row {earlier + 1} exactly (a duplicated or pasted row?)")
                continue
            seen[key] = index
        try:
            result = convert(cells, row)
        except CellError as exc:
            problems.add(row, columns.get(exc.column, exc.column), exc.message)
            continue
        if result is SKIP:
            skipped += 1
        else:
            lines.append(result)
    if progress:
        progress(total, total)
    return lines, skipped


def headerless_names(roles: tuple[str, ...]) -> dict[str, str]:
    """Message names for a file without a header: 'column 4 (credit)'."""
    return {role: f"column {i + 1} ({role})" for i, role in enumerate(roles)}
