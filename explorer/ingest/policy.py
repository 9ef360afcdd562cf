"""What happens to a row the importer has doubts about: a small checklist of codes, each with a severity.

- `set_aside`: the row cannot be read (no date, no amount). It is kept in the quarantine table with its
  file, page, row, raw text and reason, and never written as a line. The import goes through while the
  set-aside rows are at most `max_set_aside` of the transaction rows, or a single row whatever the file's length
  (so a short list with one dateless row is not refused), and some row was read; `strict` accepts none. (A file
  cut mid-row is refused before this, by the source: explorer/ingest/source.py.)
- `flag`: the row is readable but doubtful (a zero amount, two values in one cell, a date outside the
  statement's period). It is imported, and the line carries the flag.

Invariant, checked on every import: lines + set-aside rows = the transaction rows of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_SET_ASIDE = 0.005  # 0.5 % of the rows: a few smudged rows in a long statement, not a wrong layout
# Whatever the share, one unreadable row goes through: under 200 rows 0.5 % is less than one, and refusing a short
# charity list for its one dateless row helps nobody (it stays set aside, counted and shown). A wrong layout
# fails on most rows, not on one.
TOLERATED_ROWS = 1

# code → (severity, what it means in the report)
CODES: dict[str, tuple[str, str]] = {
    "no_date": ("set_aside", "no date can be read"),
    "no_amount": ("set_aside", "no amount can be read"),
    "bad_cell": ("set_aside", "a cell cannot be read"),
    "repeated_row": ("set_aside", "an exact repeat of an earlier row (pasted twice?)"),
    "ocr_unconfirmed": ("set_aside", "read by OCR, and the running balance contradicts it"),
    "zero_amount": ("flag", "the amount is zero"),
    "several_values": ("flag", "two values in one cell; the first was taken"),
    "outside_period": ("flag", "the date is outside the statement's period"),
    "pdf": ("flag", "doubtful reading of the PDF"),
    "ocr": ("flag", "read from a scanned page by OCR"),
}


@dataclass(frozen=True)
class SetAside:
    """A row that was not written: where it is and why."""

    row: int
    page: int | None
    code: str
    reason: str
    raw: str
    column: str | None = None
    image: bytes | None = None  # PNG crop of the row on a scanned page, for the person who reviews it


@dataclass(frozen=True)
class Policy:
    max_set_aside: float = DEFAULT_MAX_SET_ASIDE
    strict: bool = False

    def refuses(self, set_aside: int, rows: int) -> str | None:
        """Why the import is refused for its set-aside rows, or None when it may go through."""
        if not set_aside:
            return None
        if self.strict:
            return f"{set_aside:,} row(s) cannot be read and strict mode accepts none"
        if set_aside >= rows:
            return f"none of the {rows:,} row(s) can be read: the wrong layout, or a damaged file?"
        allowed = max(self.max_set_aside * rows, TOLERATED_ROWS)
        if set_aside > allowed:
            return (
                f"{set_aside:,} of {rows:,} rows cannot be read ({set_aside / max(rows, 1):.1%}), more than the "
                f"{self.max_set_aside:.1%} allowed: the wrong layout, or a damaged file? (--max-set-aside to accept)"
            )
        return None


DEFAULT_POLICY = Policy()


def code_for(message: str) -> str:
    """The checklist code of a cell problem's message (CellError messages are plain English)."""
    lowered = message.lower()
    if "date" in lowered and ("missing" in lowered or "not a date" in lowered or "impossible" in lowered):
        return "no_date"
    if "amount" in lowered or "debit" in lowered or "credit" in lowered:
        return "no_amount"
    return "bad_cell"
