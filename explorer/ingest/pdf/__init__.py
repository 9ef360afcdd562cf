"""Text PDF statements → assembled transaction records and the figures the file prints.

    read_pdf(data, name, *, family=None, progress=None) -> PdfStatement

Word positions come from pypdfium2 character boxes (explorer.ingest.pdf.words; pdfplumber measured 6–10× slower on
the real files); the family is chosen by normalised, partial header matching plus title phrases
(explorer.ingest.pdf.specs, .header); records are assembled by the shared stage in explorer.ingest.pdf.assemble.

For the importer:
- `cells` hold text as printed: one clean number per amount cell ('500.000,00', '1,000,000', '1.468,48'), dates as
  printed ('13/9/2024'; the one known typo '24/9/202024' is read as '24/9/2024' and flagged). `amount_value(text)`
  gives a Decimal with cents kept (USD statements); explorer.ingest.normalise.amount gives whole đồng.
- Direction: a bank statement fills exactly one of `debit`/`credit` per row (Agribank and VBSP by the balance
  chain). Charities' lists and notices, and credit-only statements, put the amount in `credit`. `amount` stays
  filled only where the direction cannot be told (a VBSP row whose balance cannot be read).
- A record with `date` '' or no amount is a row that could not be read: set it aside, never drop it. `flags` are
  doubtful-but-readable rows (two values in a cell, date typo, balance that does not follow, stray digits).
- `printed` is what the file states (for reconciliation); `notes` says what was checked or noticed (text-stream
  cross-check for VCB/BIDV, balance-chain breaks, image-only pages, a broken font decoded); `skipped` counts every
  recognised non-transaction line (headers, footers, 'Cộng trang'/'Tổng cộng' rows, title lines).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from explorer.ingest import ocr  # OCR hook: words for pages without a text layer (explorer.ingest.ocr)
from explorer.ingest.errors import StatementImportError
from explorer.ingest.pdf import tokens
from explorer.ingest.pdf.assemble import HEADERLESS_SCORE, Assembler, RawRecord, synthetic_header
from explorer.ingest.pdf.header import find_header
from explorer.ingest.pdf.printed import read_printed
from explorer.ingest.pdf.specs import AMOUNT_ROLES, FAMILIES, FamilySpec
from explorer.ingest.pdf.words import TextLine, group_lines, page_words, repair_shifted
from explorer.text import fold

__all__ = ["PdfRecord", "Printed", "PdfStatement", "read_pdf", "FAMILIES", "FamilySpec", "is_pdf", "ROLES"]

ROLES = (
    "seq",
    "date",
    "time",
    "value_date",
    "debit",
    "credit",
    "amount",
    "balance",
    "reference",
    "counterparty",
    "description",
)
MIN_SCORE = 0.6


@dataclass
class PdfRecord:
    page: int
    line: int
    cells: dict[str, str]
    raw: str
    flags: list[str] = field(default_factory=list)
    box: tuple[float, float] | None = None  # (top, bottom) on its page in points: where a reviewer looks


@dataclass
class Printed:
    account: str | None = None
    currency: str | None = None
    holder: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    opening_balance: str | None = None
    closing_balance: str | None = None
    credit_turnover: str | None = None
    debit_turnover: str | None = None
    credit_count: int | None = None
    debit_count: int | None = None
    total_credit: str | None = None
    total_debit: str | None = None
    notice_count: int | None = None
    notice_total: str | None = None
    cumulative_total: str | None = None


@dataclass
class PdfStatement:
    family: str
    bank: str | None
    score: float
    why: str
    records: list[PdfRecord]
    printed: Printed
    pages: int
    pages_without_text: list[int]
    skipped: list[tuple[int, str]]
    notes: list[str]


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _open(data: bytes, name: str):
    import pypdfium2 as pdfium

    if not is_pdf(data):
        raise StatementImportError.single(name, "not a PDF file (no '%PDF-' signature at the start)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise StatementImportError.single(
                name, "the PDF is encrypted (password protected); export it without a password"
            ) from None
        raise StatementImportError.single(name, f"the PDF is damaged and cannot be opened ({e})") from None


def _pages(doc, progress) -> tuple[list[list[TextLine]], list[int], int, list[str]]:
    out, empty = [], []
    repaired = [0]
    n = len(doc)
    streams: list[str] = []
    for i in range(n):
        page = doc[i]
        try:
            words, stream = page_words(page)
        finally:
            page.close()
        if not words:
            words = ocr.words_for_empty_page(doc, i)  # OCR hook: [] when Tesseract is missing or reads nothing
        streams.append(stream)
        if not words:
            empty.append(i + 1)
        lines = group_lines(words)
        repaired[0] += repair_shifted(lines)
        out.append(lines)
        if progress is not None:
            progress(i + 1, n)
    return out, empty, repaired[0], streams


def _score(spec: FamilySpec, pages: list[list[TextLine]], title: str) -> tuple[float, str]:
    best = None
    for lines in pages[:3]:
        h = find_header(spec, lines)
        if h is not None and (best is None or h.score > best.score):
            best = h
    hs = best.score if best else 0.0
    if hs < HEADERLESS_SCORE and spec.headerless:
        syn = next((x for x in (synthetic_header(spec, lines) for lines in pages[:3]) if x), None)
        if syn is not None:
            best = syn[0]
            hs = best.score
    found = [t for t in spec.title if t in title]
    ts = len(found) / len(spec.title) if spec.title else 0.0
    score = 0.7 * hs + 0.3 * ts
    excluded = [t for t in spec.exclude_title if t in title]
    if excluded:
        score *= 0.6
    cols = ", ".join(best.roles[r].text for r in best.matched) if best else "none"
    n_req = sum(1 for r in spec.required if best and r in best.roles)
    why = ("no header row: columns inferred from 'STT date … amount' rows; " if best and not best.lines else "") + (
        f"header matched {len(best.matched) if best else 0}/{len(best.cells) if best else 0} columns "
        f"({n_req}/{len(spec.required)} required): {cols}; title {len(found)}/{len(spec.title)}"
        + (f' ("{found[0]}")' if found else "")
        + (f"; ruled down by {excluded[0]!r}" if excluded else "")
    )
    return score, why


def read_pdf(
    data: bytes, name: str, *, family: str | None = None, progress: Callable[[int, int], None] | None = None
) -> PdfStatement:
    doc = _open(data, name)
    try:
        pages, empty, repaired, streams = _pages(doc, progress)
    finally:
        doc.close()
    n = len(pages)
    if n == 0:
        raise StatementImportError.single(name, "the PDF has no pages")
    if len(empty) == n:
        raise StatementImportError.single(
            name,
            f"a scanned PDF: no text layer on any page (pages {_ranges(empty)} of {n} are images); "
            + (ocr.missing() or "OCR found no text on them"),
        )  # OCR hook
    title = fold("\n".join(ln.text for lines in pages[:2] for ln in lines))
    if family is not None:
        if family not in FAMILIES:
            raise StatementImportError.single(name, f"unknown PDF layout {family!r}; known: {', '.join(FAMILIES)}")
        chosen = FAMILIES[family]
        score, why = _score(chosen, pages, title)
        why = "forced; " + why
    else:
        scored = sorted(((*_score(s, pages, title), s) for s in FAMILIES.values()), key=lambda t: -t[0])
        score, why, chosen = scored[0]
        if score < MIN_SCORE:
            listing = ", ".join(f"{s.name} {sc:.2f}" for sc, _, s in scored[:5])
            raise StatementImportError.single(
                name,
                f"not a statement layout this importer knows: best PDF family match {chosen.name} scored "
                f"{score:.2f} (< {MIN_SCORE}); scores: {listing}; families: {', '.join(FAMILIES)}",
            )
    st = _assemble(chosen, pages)
    st.family, st.bank, st.score, st.why = chosen.name, chosen.bank, round(score, 3), why
    st.pages, st.pages_without_text = n, empty
    ocr.mark(st, pages)  # OCR hook: provenance and confidence flags on records read from OCR words
    if "seq" in chosen.columns and st.records:
        st.notes.append(_seq_check(st.records))
    if chosen.stream_check:
        st.notes.append(_stream_check(st.records, streams))
    if repaired:
        st.notes.append(f"{repaired} line(s) printed in a broken font (code points shifted) were decoded")
    if empty:
        st.notes.append(f"pages {_ranges(empty)} have no text layer (scanned images): their rows are not read")
    return st


def _assemble(spec: FamilySpec, pages: list[list[TextLine]]) -> PdfStatement:
    asm = Assembler(spec)
    raws: list[RawRecord] = []
    title_lines: list[TextLine] = []
    other: list[TextLine] = []
    skipped: list[tuple[int, str]] = []
    totals: list[tuple[str, str]] = []
    for pno, lines in enumerate(pages, 1):
        res = asm.page(pno, lines)
        raws.extend(res.records)
        title_lines.extend(res.title_lines)
        other.extend(res.other_lines)
        skipped.extend(res.skipped)
        totals.extend(res.totals)
    printed = Printed()
    read_printed(printed, "\n".join(ln.text for ln in title_lines + other))
    for role, text in totals:
        if role in ("debit",):
            printed.total_debit = printed.total_debit or text
        elif role in ("credit", "amount"):
            printed.total_credit = printed.total_credit or text
    if printed.currency is None and spec.currency:
        printed.currency = spec.currency
    records: list[PdfRecord] = []
    for raw in raws:
        records.extend(_finish(spec, raw))
    notes: list[str] = []
    if spec.balance_decides or spec.amount_direction == "balance":
        _balance_directions(spec, records, printed, notes)
    if not raws:
        notes.append("no transaction rows were found under the table header")
    return PdfStatement(spec.name, spec.bank, 0.0, "", records, printed, 0, [], skipped, notes)


def _finish(spec: FamilySpec, raw: RawRecord) -> list[PdfRecord]:
    cells = {r: "" for r in ROLES}
    flags = list(raw.flags)
    extra: list[PdfRecord] = []
    for role, vals in raw.values.items():
        vals = sorted(vals, key=lambda v: v[0])
        cells[role] = vals[0][1]
        for _, text, line in vals[1:]:
            if (
                role in AMOUNT_ROLES
                and spec.assign == "nearest"
                and tokens.is_amount(text, spec.numbers)
                and tokens.is_amount(vals[0][1], spec.numbers)
                and role != "balance"
            ):
                ln = raw.lines.get(line)
                c = {r: "" for r in ROLES}
                c[role] = text
                extra.append(
                    PdfRecord(
                        raw.page,
                        line,
                        c,
                        ln.text if ln else text,
                        [f"an amount ({text}) with no date or memo of its own: kept as its own row"],
                        (ln.top, ln.bottom) if ln else None,
                    )
                )
                raw.lines.pop(line, None)
            else:
                flags.append(f"two values in the {role} cell ({vals[0][1]!r}, {text!r}): the first was taken")
    for role, words in raw.text.items():
        words.sort(key=lambda t: t[:3])
        cells[role] = " ".join(t[3] for t in words)
    if cells["amount"] and spec.amount_direction == "credit":
        cells["credit"], cells["amount"] = cells["amount"], ""
    for e in extra:
        if e.cells["amount"] and spec.amount_direction == "credit":
            e.cells["credit"], e.cells["amount"] = e.cells["amount"], ""
    if not cells["date"] and "no date" not in " ".join(flags):
        flags.append("no date could be read for this row")
    if not any(cells[r] for r in ("debit", "credit", "amount")):
        flags.append("no amount could be read for this row")
    raw_text = "\n".join(raw.lines[i].text for i in sorted(raw.lines))
    box = (min(ln.top for ln in raw.lines.values()), max(ln.bottom for ln in raw.lines.values())) if raw.lines else None
    rec = PdfRecord(raw.page, raw.anchor_line, cells, raw_text, flags, box)
    out = [rec] + extra
    out.sort(key=lambda r: (r.page, r.line))
    return out


def _balance_directions(spec, records: list[PdfRecord], printed: Printed, notes: list[str]) -> None:
    """Choose Dr vs Cr so that previous balance ± amount == balance (Agribank, VBSP)."""
    prev = tokens.to_decimal(printed.opening_balance) if printed.opening_balance else None
    breaks = 0
    for r in records:
        c = r.cells
        amt_text = c["amount"] or c["credit"] or c["debit"]
        amt = tokens.to_decimal(amt_text) if amt_text else None
        bal = tokens.to_decimal(c["balance"]) if c["balance"] else None
        if amt is None or bal is None:
            prev = bal if bal is not None else prev
            continue
        if prev is None:
            prev = bal - amt if not c["debit"] else bal + amt
        if prev + amt == bal:
            c["credit"], c["debit"], c["amount"] = amt_text, "", ""
        elif prev - amt == bal:
            c["debit"], c["credit"], c["amount"] = amt_text, "", ""
        else:
            breaks += 1
            if c["amount"]:
                c[spec.broken_direction], c["amount"] = amt_text, ""
            r.flags.append(
                f"the balance {c['balance']} does not follow from the previous balance {prev} "
                f"± {amt_text}: lines left out of the statement?"
            )
        prev = bal
    if breaks:
        notes.append(f"the running balance breaks {breaks} time(s)")


def _seq_check(records: list[PdfRecord]) -> str:
    """STT numbering: continuous 1..N (or N..1 for a newest-first file), else where it is not."""
    seqs = [int(r.cells["seq"]) if r.cells["seq"].isdigit() else None for r in records]
    nums = [q for q in seqs if q is not None]
    if not nums:
        return "STT check: no row carries an STT"
    run = list(range(1, len(seqs) + 1))
    if seqs == run or seqs == run[::-1]:
        return f"STT check: {len(seqs)}/{len(seqs)} rows carry an STT, 1..{len(seqs)} continuous"
    missing = sorted(set(range(min(nums), max(nums) + 1)) - set(nums))
    dup = sorted({q for q in nums if nums.count(q) > 1})
    parts = [f"{len(nums)}/{len(seqs)} rows carry an STT"]
    if missing:
        parts.append("missing " + ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else ""))
    if dup:
        parts.append("repeated " + ", ".join(map(str, dup[:10])))
    return "STT check: NOT continuous: " + "; ".join(parts)


_STREAM_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d,])")


def _stream_check(records: list[PdfRecord], streams: list[str]) -> str:
    """Cross-check with the text stream: every 'd.ddd,dd' token there is an amount (LAYOUTS E, H)."""
    toks = [m.group(0) for s in streams for m in _STREAM_AMOUNT.finditer(s)]
    total = sum((tokens.to_decimal(t) or Decimal(0) for t in toks), Decimal(0))
    amts = [amount_value(r.cells["credit"] or r.cells["debit"] or r.cells["amount"]) for r in records]
    read = sum((a for a in amts if a is not None), Decimal(0))
    n_read = sum(1 for a in amts if a is not None)
    verdict = "agrees" if (len(toks), total) == (n_read, read) else "DISAGREES"
    return (
        f"text-stream check {verdict}: {len(toks)} amount tokens summing to {total:,} in the text stream; "
        f"{n_read} amounts summing to {read:,} read by position"
    )


def _ranges(pages: list[int]) -> str:
    out, start = [], None
    for i, p in enumerate(pages):
        if start is None:
            start = p
        if i + 1 == len(pages) or pages[i + 1] != p + 1:
            out.append(f"{start}" if start == p else f"{start}–{p}")
            start = None
    return ", ".join(out)


def amount_value(text: str) -> Decimal | None:
    """An amount cell as a Decimal (cents kept): '500.000,00' → 500000.00, '1.468,48' → 1468.48."""
    return tokens.to_decimal(text) if text else None
