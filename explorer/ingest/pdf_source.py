"""Text PDFs into the importer: the PDF reader (explorer.ingest.pdf) assembles records and reads what the file
prints; here its records go through the same row converter as every table, so a PDF line and a CSV line
are read by the same rules (amounts, dates, flags, set-aside reasons)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from explorer import banks
from explorer.ingest.errors import ProblemList
from explorer.ingest.layouts.base import Context, Layout, Parsed
from explorer.ingest.layouts.table import RowConverter
from explorer.ingest.normalise import CellError
from explorer.ingest.pdf import ROLES
from explorer.ingest.policy import SetAside, code_for
from explorer.ingest.reconcile import printed_figures
from explorer.ingest.source import Grid


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def read(data: bytes, file: str, family: str | None, progress: Callable[[int, int], None] | None):
    """(layout, grid of the records' cells by role, the reader's statement)."""
    from explorer.ingest.pdf import read_pdf  # pypdfium2 loads only when a PDF arrives

    statement = read_pdf(data, file, family=None if family in (None, "", "auto") else family, progress=progress)
    records = statement.records
    grid = Grid([[record.cells.get(role, "") for record in records] for role in ROLES], "pdf")
    layout = Layout(
        statement.family[:32],
        statement.bank,
        f"PDF: {statement.family}",
        lambda _grid: (statement.score, statement.why),
        lambda _grid, _ctx: Parsed([], 0, ProblemList(), {}),
    )
    return layout, grid, statement


def parse(grid: Grid, statement, ctx: Context, data: bytes = b"") -> Parsed:
    """Convert every record; one that cannot be read is set aside with its page and raw text."""
    index = {role: i for i, role in enumerate(ROLES)}
    present = {role for role, column in zip(ROLES, grid.columns, strict=False) if any(column)}
    if "amount" in present and not {"debit", "credit"} & present:
        index = {role: i for role, i in index.items() if role not in ("debit", "credit")}
        convert = RowConverter(index, direction_from_balance=True, exponent=ctx.exponent)
    else:
        index = {role: i for role, i in index.items() if role != "amount"}
        convert = RowConverter(index, exponent=ctx.exponent)
    printed = statement.printed
    bank = statement.bank or banks.named_in("\n".join(what for _, what in statement.skipped))  # a charity's list
    parsed = Parsed(
        [],
        len(statement.skipped),
        ProblemList(),
        {role: role for role in ROLES},
        bank=bank,
        holder=printed.holder,
        currency=printed.currency,
        why=f"score {statement.score:.2f}: {statement.why}",
    )
    parsed.printed = printed_figures(printed, ctx.exponent, parsed.notes)
    if parsed.printed.get("opening_balance") is not None:
        parsed.opening_balance = parsed.printed["opening_balance"]  # type: ignore[assignment]
        convert.previous_balance = parsed.opening_balance
    if printed.account:
        parsed.declared_account = (None, "".join(ch for ch in printed.account if ch.isdigit()))
    rows = zip(*grid.columns, strict=True)
    for number, (record, cells) in enumerate(zip(statement.records, rows, strict=True), start=1):
        if ctx.progress and number % 1000 == 0:
            ctx.progress(number, len(statement.records))
        try:
            line = convert(cells, number)
        except CellError as exc:
            parsed.set_aside.append(
                SetAside(number, record.page, code_for(exc.message), f"{exc.column}: {exc.message}", record.raw)
            )
            continue
        flags = line.flags + tuple(flag if flag.startswith("ocr") else f"pdf: {flag}" for flag in record.flags)
        parsed.lines.append(line._replace(flags=flags, page=record.page))
    _confirm_ocr(parsed, {number: record for number, record in enumerate(statement.records, start=1)})
    _crop_scanned(parsed, statement.records, data)
    numbers = [record.cells.get("seq", "") for record in statement.records]
    if numbers and all(n.isdigit() for n in numbers) and int(numbers[0]) == 1:
        parsed.printed["numbered_rows"] = max(int(n) for n in numbers)  # STT 1..N: N rows were published
    if statement.pages_without_text:
        pages = ", ".join(str(p) for p in statement.pages_without_text)
        parsed.notes.append(f"page(s) {pages} have no text layer (scanned images): not read")
    parsed.notes.extend(statement.notes)
    return parsed


CROP_DPI = 110  # legible digits in a crop a reviewer reads (grey PNG, tens of kB for a noisy scan)
CROP_MARGIN = 6  # points above and below the record's lines


def _crop_scanned(parsed: Parsed, records: list, data: bytes) -> None:
    """A set-aside row read by OCR gets the image of its lines, so a person can read what the scan shows."""
    wanted = [
        i
        for i, aside in enumerate(parsed.set_aside)
        if (record := records[aside.row - 1]).box and any(f.startswith("ocr") for f in record.flags)
    ]
    if not wanted or not data:
        return
    import io

    from explorer.ingest.ocr.render import open_doc, render_page

    doc, _ = open_doc(data)
    scale = CROP_DPI / 72
    try:
        for i in wanted:
            aside = parsed.set_aside[i]
            record = records[aside.row - 1]
            image = render_page(doc, record.page - 1, CROP_DPI)
            top, bottom = record.box
            crop = image.crop(
                (
                    0,
                    max(0, int((top - CROP_MARGIN) * scale)),
                    image.width,
                    min(image.height, int((bottom + CROP_MARGIN) * scale)),
                )
            )
            out = io.BytesIO()
            crop.save(out, format="PNG", optimize=True)
            parsed.set_aside[i] = dataclasses.replace(aside, image=out.getvalue())
    finally:
        doc.close()


def _confirm_ocr(parsed: Parsed, records: dict) -> None:
    """An OCR'd line is written only where the running balance confirms its amount: one the chain contradicts is
    set aside for a person (never written with a possibly misread amount). Lines without balances keep their
    OCR flag and are checked by the printed totals."""
    kept, previous = [], parsed.opening_balance
    for line in parsed.lines:
        ocr = any(flag.startswith("ocr") for flag in line.flags)
        if line.balance is not None and previous is not None and ocr:
            expected = previous + (line.amount if line.direction == "in" else -line.amount)
            if expected != line.balance:
                parsed.set_aside.append(
                    SetAside(
                        line.row,
                        line.page,
                        "ocr_unconfirmed",
                        f"OCR read {line.amount:,} with balance {line.balance:,}, but {previous:,} ± {line.amount:,} "
                        f"≠ {line.balance:,}: a misread amount or balance",
                        records[line.row].raw,
                    )
                )
                previous = line.balance
                continue
        kept.append(line)
        previous = line.balance
    parsed.lines = kept
    parsed.set_aside.sort(key=lambda aside: aside.row)
