"""Agribank: no header row; memos wrapped over lines inside quoted cells; a running balance on every row.

Columns: date, details, debit, credit, balance, reference, bank, org.
"""

from __future__ import annotations

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import Context, Layout, Parsed, headerless_names, recognised_by, walk
from explorer.ingest.layouts.table import RowConverter
from explorer.ingest.normalise import CellError, amount, is_blank, when
from explorer.ingest.source import Grid
from explorer.text import fold

COLUMNS = ("date", "description", "debit", "credit", "balance", "reference", "bank", "org")


def _first_row(grid: Grid) -> int | None:
    return next((i for i in range(min(grid.nrows, 30)) if any(not is_blank(c) for c in grid.row(i))), None)


def detect(grid: Grid) -> bool:
    """Eight columns, the first a date, the balance an amount and the bank column naming Agribank."""
    first = _first_row(grid)
    if len(grid.columns) != len(COLUMNS) or first is None:
        return False
    cells = grid.row(first)
    try:
        when(cells[0], "date")
        amount(cells[4], "balance")
    except CellError:
        return False
    return "agribank" in fold(cells[6])


def parse(grid: Grid, ctx: Context) -> Parsed:
    names = headerless_names(COLUMNS)
    problems = ProblemList()
    index = {role: i for i, role in enumerate(COLUMNS) if role not in ("bank", "org")}
    first = _first_row(grid) or 0
    convert = RowConverter(index, join_wrapped_memo=True, exponent=ctx.exponent)
    org = str(grid.columns[7][first]).strip() if grid.nrows else ""
    parsed = Parsed([], 0, problems, names, bank="Agribank", holder=org or None, why=WHY)
    parsed.lines, parsed.skipped = walk(grid, first, convert, names, problems, ctx.progress, set_aside=parsed.set_aside)
    parsed.stated_totals.extend(convert.stated)
    return parsed


WHY = "no header row; 8 columns, a date first, a balance in column 5 and 'Agribank' in the bank column"
AGRIBANK = Layout(
    "agribank",
    "Agribank",
    "Agribank without header: date, details, debit, credit, balance, reference, bank, org",
    recognised_by(detect, 0.9, WHY),
    parse,
)
