"""Layouts with one header row and one transaction per row: VCB daily export, VCB 'thống kê', VietinBank."""
from __future__ import annotations

import re
from typing import Mapping

from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import Context, Layout, Parsed, find_header, map_columns, walk
from explorer.ingest.layouts.table import RowConverter
from explorer.ingest.source import Grid

# VCB memos end with the receiving account and its holder: '…toi 0019990004321 MAT TRAN TO QUOC - BAN CUU TRO'.
_VCB_RECEIVER = re.compile(r"\btoi (\d{6,20}) (.{3,200})$")


def headed_layout(name: str, bank: str, summary: str, roles: Mapping[str, tuple[str, ...]],
                  signature: tuple[str, ...], required: tuple[str, ...]) -> Layout:
    """A Layout found by `signature` header names, whose columns are found by folded header aliases."""

    def detect(grid: Grid) -> bool:
        return find_header(grid, signature) is not None

    def parse(grid: Grid, ctx: Context) -> Parsed:
        header = find_header(grid, signature)
        problems = ProblemList()
        index, names = map_columns(grid, header, roles, required, problems)
        if problems:
            return Parsed([], 0, problems, names)
        lines, skipped = walk(grid, header + 1, RowConverter(index), names, problems, ctx.progress)
        holder = _vcb_holder(grid, index.get("description"), ctx.account) if bank == "VCB" else None
        return Parsed(lines, skipped, problems, names, bank=bank, holder=holder)

    return Layout(name, bank, summary, detect, parse)


def _vcb_holder(grid: Grid, memo_column: int | None, account: str) -> str | None:
    """The account holder as VCB prints it in transfer memos to `account`, if any of the first rows says."""
    if memo_column is None:
        return None
    for memo in grid.columns[memo_column][:2000]:
        m = _VCB_RECEIVER.search(memo) if isinstance(memo, str) else None
        if m and m.group(1) == account:
            return m.group(2).strip()
    return None


VCB_DAILY = headed_layout(
    "vcb_daily", "VCB", "Vietcombank daily export: PageId,TNXDate,DocNo,Debit,Credit,Balance,TransactionDetails",
    roles={"date": ("tnxdate",), "reference": ("docno",), "debit": ("debit",), "credit": ("credit",),
           "balance": ("balance",), "description": ("transactiondetails",)},
    signature=("tnxdate", "transactiondetails"),
    required=("date", "debit", "credit", "description"),
)

VCB_THONG_KE = headed_layout(
    "vcb_thong_ke", "VCB", "Vietcombank 'thống kê': Vietnamese headers, date and time, sender name column",
    roles={"date": ("ngay gio giao dich", "ngay giao dich"), "debit": ("so tien ghi no",),
           "credit": ("so tien ghi co",), "counterparty": ("ten nguoi chuyen",),
           "description": ("noi dung chi tiet",), "reference": ("so tham chieu", "so but toan")},
    signature=("ngay gio giao dich", "so tien ghi co"),
    required=("date", "credit", "description"),
)

VIETINBANK = headed_layout(
    "vietinbank", "VietinBank", "VietinBank: ';' delimiter, ',' thousands, donor name inside the memo",
    roles={"date": ("ngay gd",), "debit": ("so tien ghi no",), "credit": ("so tien ghi co",),
           "description": ("noi dung chi tiet",), "balance": ("so du",)},
    signature=("ngay gd", "so tien ghi co"),
    required=("date", "credit", "description"),
)
