"""VBSP (Ngân hàng Chính sách xã hội) Excel sheet: a title block, a header, an opening-balance row,
transactions with text amounts and a running balance, and a closing totals row.

Excel typed the first date ('10/09/2024') as a US date, 9 October: a datetime cell in the date column is
read back as the day and month the value-date column (or the neighbouring rows) agree with.
"""

from __future__ import annotations

import datetime as dt
import re

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import SKIP, Context, Layout, Parsed, find_header, map_columns, recognised_by, walk
from explorer.ingest.layouts.table import RowConverter
from explorer.ingest.normalise import CellError, amount, is_blank, when
from explorer.ingest.source import Grid
from explorer.text import fold

ROLES = {
    "seq": ("stt",),
    "date": ("ngay giao dich",),
    "value_date": ("ngay gia tri",),
    "description": ("noi dung giao dich",),
    "amount": ("so tien giao dich",),
    "balance": ("so du tai khoan", "so du"),
}
SIGNATURE = ("ngay giao dich", "so tien giao dich")
_REFERENCE = re.compile(r"\(\s*Ref:\s*(\w{4,64})\s*\)")  # 'PAYTRON - CREDIT ( Ref: CT65618072035413 ) …'
_ACCOUNT = re.compile(r"so tai khoan:?\s*([0-9][0-9 .]{5,30}[0-9])")


def detect(grid: Grid) -> bool:
    return find_header(grid, SIGNATURE) is not None


def parse(grid: Grid, ctx: Context) -> Parsed:
    header = find_header(grid, SIGNATURE)
    problems = ProblemList()
    if header is None:  # the layout was forced (--layout vbsp) on a file without its headings
        problems.add(None, None, f"no row has the VBSP headings {', '.join(SIGNATURE)}")
        return Parsed([], 0, problems, {})
    index, names = map_columns(grid, header, ROLES, ("seq", "date", "description", "amount", "balance"), problems)
    parsed = Parsed(
        [], 0, problems, names, bank="VBSP", why=f"row {header + 1} has the headings {', '.join(SIGNATURE)}"
    )
    _read_title(grid, header, parsed)
    if problems:
        return parsed
    convert = RowConverter(index, direction_from_balance=True, reference_in_memo=_REFERENCE, exponent=ctx.exponent)
    previous_day: list[dt.date | None] = [None]

    def convert_row(cells: tuple, row: int):
        label = fold(cells[index["seq"]]) if isinstance(cells[index["seq"]], str) else ""
        if label.startswith("so du dau"):
            parsed.opening_balance = amount(cells[index["balance"]], "balance", signed=True)
            convert.previous_balance = parsed.opening_balance
            return SKIP
        if is_blank(cells[index["seq"]]) and is_blank(cells[index["date"]]):
            # No number and no date: a totals or signature row; a stated total is checked against the lines.
            stated = amount(cells[index["amount"]], "amount")
            if stated is not None:
                parsed.stated_totals.append((row, "amount", "in", stated))
            return SKIP
        cells = _fix_swapped_date(cells, index, previous_day[0])
        line = convert(cells, row)
        previous_day[0] = line.posted_at.date()
        return line

    parsed.lines, parsed.skipped = walk(
        grid, header + 1, convert_row, names, problems, ctx.progress, set_aside=parsed.set_aside
    )
    return parsed


def _read_title(grid: Grid, header: int, parsed: Parsed) -> None:
    """Account number and holder from the title rows above the header."""
    for index in range(header):
        for cell in grid.row(index):
            if not isinstance(cell, str) or not cell.strip():
                continue
            folded = fold(cell)
            m = _ACCOUNT.search(folded)
            if m:
                parsed.declared_account = (index + 1, re.sub(r"\D", "", m.group(1)))
            elif folded.startswith("sao ke tai khoan ") and parsed.holder is None:
                holder = cell.strip().split(None, 4)[4] if len(cell.split()) > 4 else ""
                cut = holder.rfind("(")  # drop a trailing '(SỐ TIỀN CHUYỂN VÀO TK)' note
                if cut > 0 and fold(holder[cut:]).startswith("(so tien"):
                    holder = holder[:cut].strip()
                parsed.holder = holder or None


def _fix_swapped_date(cells: tuple, index: dict[str, int], previous: dt.date | None) -> tuple:
    """Undo Excel's day/month swap on a datetime cell: prefer the reading the value date or the last row agrees with."""
    cell = cells[index["date"]]
    if not isinstance(cell, dt.datetime) or cell.day > 12:
        return cells
    swapped = cell.replace(month=cell.day, day=cell.month)
    anchor = previous
    if "value_date" in index:
        try:
            anchor = when(cells[index["value_date"]], "value_date")[0].date()
        except CellError:
            pass
    if anchor is not None:
        best = min((cell, swapped), key=lambda c: abs((c.date() - anchor).days))
    else:
        best = swapped
    fixed = list(cells)
    fixed[index["date"]] = best
    return tuple(fixed)


VBSP = Layout(
    "vbsp",
    "VBSP",
    "VBSP Excel sheet: title block, opening and totals rows, text amounts",
    recognised_by(detect, 1.0, "the headings " + ", ".join(SIGNATURE)),
    parse,
)
