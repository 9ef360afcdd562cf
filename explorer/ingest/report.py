"""The import report, for the CLI, the operator page and its download: one source of truth for what is said.

A dry run reports a Statement (read and checked, nothing written); an import adds what was written.
"""

from __future__ import annotations

import re
from collections import Counter

from explorer.ingest.channels import infer_channel
from explorer.ingest.importer import ImportResult, Statement
from explorer.ingest.policy import CODES

SHOWN = 20  # rows of each kind listed in the text report; the JSON report lists them all


def flag_codes(statement: Statement) -> dict[str, int]:
    """How many lines carry each flag code ('zero_amount': 22)."""
    counts: dict[str, int] = {}
    for line in statement.parsed.lines:
        for flag in line.flags:
            code = re.split(r"[:( ]", flag, maxsplit=1)[0]  # 'zero_amount: …', 'ocr (mean confidence 94)'

            counts[code] = counts.get(code, 0) + 1
    return counts


def channel_counts(statement: Statement) -> dict[str, int]:
    """Lines per channel read from their memo ('unknown' where the bank text does not show it), most first."""
    counts = Counter(infer_channel(line.description) for line in statement.parsed.lines)
    return dict(counts.most_common())


def report(statement: Statement, result: ImportResult | None = None) -> dict:
    """Everything the import found, as plain JSON-ready data."""
    parsed = statement.parsed
    out = {
        "file": statement.file,
        "sha256": statement.sha256,
        "layout": statement.layout.name,
        "why": parsed.why,
        "currency": statement.currency,
        "rows": statement.rows,
        "lines": len(parsed.lines),
        "set_aside": len(parsed.set_aside),
        "flagged": statement.flagged,
        "gaps": len(statement.gaps),
        "skipped": parsed.skipped,
        "credit_total": statement.credit_total,
        "debit_total": statement.debit_total,
        "opening_balance": statement.opening_balance,
        "closing_balance": statement.closing_balance,
        "reconciled": statement.reconciled,
        "dry_run": result is None,
        "checks": [{"name": c.name, "printed": c.printed, "parsed": c.parsed, "ok": c.ok} for c in statement.checks],
        "flags_by_code": flag_codes(statement),
        "channels": channel_counts(statement),
        "set_aside_rows": [
            {"row": a.row, "page": a.page, "code": a.code, "reason": a.reason, "raw": a.raw} for a in parsed.set_aside
        ],
        "gap_list": [
            {"after_row": g.after_row, "before_row": g.before_row, "unexplained": g.unexplained} for g in statement.gaps
        ],
        "flagged_lines": [
            {"row": line.row, "page": line.page, "flags": list(line.flags)} for line in parsed.lines if line.flags
        ],
        "notes": list(statement.notes),
    }
    if result is not None:
        out |= {
            "added": result.added,
            "already_present": result.already_present,
            "account_created": result.account_created,
            "import_id": result.import_id,
        }
    return out


def report_text(statement: Statement, result: ImportResult | None = None) -> str:
    """The report as lines of plain text (the CLI's output)."""
    data = report(statement, result)
    unit = "đ" if statement.currency == "VND" else statement.currency
    head = f"{data['file']}: layout {data['layout']} ({data['why']}), {data['rows']:,} transaction rows"
    if result is None:
        head += " — dry run, nothing written"
        written = f"{data['lines']:,} lines read"
    else:
        written = f"{data['added']:,} added, {data['already_present']:,} already present"
    created = " (new account created)" if result is not None and result.account_created else ""
    out = [
        head,
        f"{written}, {data['set_aside']:,} set aside, {data['flagged']:,} flagged, {data['gaps']:,} gaps, "
        f"{data['skipped']:,} non-transaction rows skipped{created}",
        f"credit {data['credit_total']:,} {unit}, debit {data['debit_total']:,} {unit}"
        + (f", closing balance {data['closing_balance']:,} {unit}" if data["closing_balance"] is not None else ""),
        f"sha256 {data['sha256']}",
    ]
    out += [
        f"{'✓' if c['ok'] else '✗'} {c['name']}: printed {c['printed']:,}, parsed {c['parsed']:,}"
        for c in data["checks"]
    ]
    out += [
        f"flags: {count:,} × {code} ({CODES.get(code, ('', code))[1]})" for code, count in data["flags_by_code"].items()
    ]
    out += [f"flag: row {flagged['row']}: {'; '.join(flagged['flags'])}" for flagged in data["flagged_lines"][:5]]
    known = {c: n for c, n in data["channels"].items() if c != "unknown"}
    if data["lines"]:
        shown = ", ".join(f"{n:,} {c}" for c, n in known.items())
        out.append(f"channels from the memo: {sum(known.values()):,} of {data['lines']:,} lines ({shown or 'none'})")
    for aside in data["set_aside_rows"][:SHOWN]:
        page = f" (page {aside['page']})" if aside["page"] else ""
        out.append(f"set aside: row {aside['row']}{page}: {aside['reason']}")
    out += [f"gap: {g.message(unit)}" for g in statement.gaps[:SHOWN]]
    return "\n".join(out + [f"note: {n}" for n in data["notes"]])
