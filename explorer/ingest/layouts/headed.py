"""Layouts with one header row and one transaction per row: VCB daily export, VCB 'thống kê', VietinBank."""

from __future__ import annotations

import re
from collections.abc import Mapping

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import Context, Layout, Parsed, match_header, read_title_block, walk
from explorer.ingest.layouts.table import RowConverter
from explorer.ingest.source import Grid

# VCB memos end with the receiving account and its holder: '…toi 0019990004321 MAT TRAN TO QUOC - BAN CUU TRO'.
_VCB_RECEIVER = re.compile(r"\btoi (\d{6,20}) (.{3,200})$")


def headed_layout(
    name: str, bank: str, summary: str, roles: Mapping[str, tuple[str, ...]], required: tuple[str, ...]
) -> Layout:
    """A Layout recognised by its headings (folded, partial, bilingual: see base.match_header): the share of
    its roles the best header row names is its score, and every `required` role must be there."""

    def recognise(grid: Grid) -> tuple[float, str] | None:
        found = match_header(grid, roles, required)
        return (found.score, found.why) if found else None

    def parse(grid: Grid, ctx: Context) -> Parsed:
        found = match_header(grid, roles, required)
        problems = ProblemList()
        if found is None:
            problems.add(None, None, f"no header row with the columns {', '.join(required)} ({summary})")
            return Parsed([], 0, problems, {})
        parsed = Parsed([], 0, problems, found.names, bank=bank, why=found.why)
        read_title_block(grid, found.row, parsed, ctx.exponent)
        convert = RowConverter(found.index, exponent=ctx.exponent)
        parsed.lines, parsed.skipped = walk(
            grid, found.row + 1, convert, found.names, problems, ctx.progress, set_aside=parsed.set_aside
        )
        parsed.stated_totals.extend(convert.stated)
        if bank == "VCB":
            parsed.holder = _vcb_holder(grid, found.index.get("description"), ctx.account)
        return parsed

    def near_miss(grid: Grid) -> tuple[int, float, str] | None:
        found = match_header(grid, roles, required, partial=True)
        if found is None or not found.index:
            return None
        missing = [f"{roles[r][0]!r} ({r})" for r in required if r not in found.index]
        return found.row + 1, found.score, f"the column {', '.join(missing)} is missing from the header"

    return Layout(name, bank, summary, recognise, parse, near_miss)


def _vcb_holder(grid: Grid, memo_column: int | None, account: str | None) -> str | None:
    """The account holder as VCB prints it in transfer memos to `account`, if any of the first rows says."""
    if memo_column is None:
        return None
    for memo in grid.columns[memo_column][:2000]:
        m = _VCB_RECEIVER.search(memo) if isinstance(memo, str) else None
        if m and m.group(1) == account:
            return m.group(2).strip()
    return None


VCB_DAILY = headed_layout(
    "vcb_daily",
    "VCB",
    "Vietcombank account export: TNXDate, DocNo, Debit, Credit, Balance, Transactions in Detail",
    roles={
        "date": ("tnxdate", "tnx date"),
        "reference": ("docno", "doc no"),
        "debit": ("debit", "no"),
        "credit": ("credit", "co"),
        "balance": ("balance", "so du"),
        "description": ("transactiondetails", "transactions in detail", "transaction details"),
    },
    required=("date", "debit", "credit", "description"),
)

VCB_THONG_KE = headed_layout(
    "vcb_thong_ke",
    "VCB",
    "Vietcombank 'thống kê': Vietnamese headers, date and time, sender name column",
    roles={
        "date": ("ngay gio giao dich", "ngay giao dich"),
        "debit": ("so tien ghi no",),
        "credit": ("so tien ghi co",),
        "counterparty": ("ten nguoi chuyen",),
        "description": ("noi dung chi tiet",),
        "reference": ("so tham chieu", "so but toan"),
    },
    required=("date", "credit", "description"),
)

VIETINBANK = headed_layout(
    "vietinbank",
    "VietinBank",
    "VietinBank: ';' delimiter, ',' thousands, donor name inside the memo",
    roles={
        "date": ("ngay gd",),
        "debit": ("so tien ghi no",),
        "credit": ("so tien ghi co",),
        "description": ("noi dung chi tiet",),
        "balance": ("so du",),
    },
    required=("date", "credit", "description"),
)
