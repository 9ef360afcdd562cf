"""Any CSV, XLSX or Parquet table, with the columns named by the operator: `--map date=Ngay,credit=Co,...`.

Roles: date (required), time, credit and/or debit, or one signed amount (negative = money out), balance,
reference, counterparty, description. Column names match exactly or after folding ('Noi dung' = 'Nội dung').
Identical rows are kept: without a reference or time two equal donations on one day are plausible.
"""

from __future__ import annotations

from collections.abc import Mapping

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import (
    HEADER_SCAN_ROWS,
    Context,
    Layout,
    Parsed,
    folded_row,
    read_title_block,
    recognised_by,
    walk,
)
from explorer.ingest.layouts.table import ROLES, RowConverter
from explorer.ingest.source import Grid
from explorer.text import fold


def parse_mapping(text: str) -> dict[str, str]:
    """'date=Ngay,credit=Co' → {'date': 'Ngay', 'credit': 'Co'}; ValueError with the reason if malformed."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, sep, column = part.partition("=")
        if not sep or not column.strip():
            raise ValueError(f"{part!r} is not role=column")
        mapping[role.strip().lower()] = column.strip()
    check_mapping(mapping)
    return mapping


def check_mapping(mapping: Mapping[str, str]) -> None:
    unknown = sorted(set(mapping) - set(ROLES))
    if unknown:
        raise ValueError(f"unknown role {', '.join(unknown)} (use {', '.join(ROLES)})")
    if "date" not in mapping:
        raise ValueError("the mapping needs a date column (date=...)")
    if not {"credit", "debit", "amount"} & set(mapping):
        raise ValueError("the mapping needs credit and/or debit columns, or one signed amount column")
    if "amount" in mapping and {"credit", "debit"} & set(mapping):
        raise ValueError("map either credit/debit or amount, not both")


def _find_header(grid: Grid, mapping: Mapping[str, str]) -> tuple[int | None, list[str]]:
    """(header row index, names not found): the first row holding every mapped name."""
    wanted = {fold(name) for name in mapping.values()}
    best: tuple[int | None, set[str]] = (None, wanted)
    for index in range(min(grid.nrows, HEADER_SCAN_ROWS)):
        missing = wanted - set(folded_row(grid, index))
        if not missing:
            return index, []
        if len(missing) < len(best[1]):
            best = (index, missing)
    return None, sorted(best[1])


def detect(grid: Grid) -> bool:
    return False  # never guessed: the operator names the columns


def parse(grid: Grid, ctx: Context) -> Parsed:
    problems = ProblemList()
    mapping = dict(ctx.column_map or {})
    try:
        check_mapping(mapping)
    except ValueError as exc:
        problems.add(None, None, f"column mapping: {exc}")
        return Parsed([], 0, problems, {})
    header, missing = _find_header(grid, mapping)
    if header is None:
        shown = ", ".join(repr(n) for n in missing)
        problems.add(
            None, None, f"no header row (in the first {HEADER_SCAN_ROWS} rows) has the mapped column(s) {shown}"
        )
        return Parsed([], 0, problems, {})
    folded = folded_row(grid, header)
    index = {role: folded.index(fold(name)) for role, name in mapping.items()}
    names = {role: name for role, name in mapping.items()}
    parsed = Parsed([], 0, problems, names, why=f"the column mapping given, header on row {header + 1}")
    read_title_block(grid, header, parsed, ctx.exponent)
    convert = RowConverter(index, exponent=ctx.exponent)
    parsed.lines, parsed.skipped = walk(
        grid, header + 1, convert, names, problems, ctx.progress, reject_duplicates=False, set_aside=parsed.set_aside
    )
    parsed.stated_totals.extend(convert.stated)
    return parsed


GENERIC = Layout(
    "generic",
    None,
    "Any CSV/XLSX/Parquet table with an explicit column mapping",
    recognised_by(detect, 0.0, "never detected"),
    parse,
)
