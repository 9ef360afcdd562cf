"""One line, one identity, whatever file it came in.

A line is identified by what it says, not by where it was read: its account (the store adds that), value
date, direction, amount, currency, its memo reduced to letters and digits, and its occurrence number among
the lines of the same file that say all of that too. So a re-export, an overlapping period or the same
statement as CSV and as PDF adds only the lines not yet present.

Left out on purpose, because the same line published twice differs in them: the time of day (a PDF notice
prints dates only, the bank's CSV adds times), the bank reference (a CSV has a DocNo column, a charity's
list does not), the running balance (credits-only lists drop it), the sender column (some layouts print the
name in the memo instead), and spaces and punctuation in the memo (PDF text wraps where CSV cells do not).
Two different donations that agree on everything kept are told apart by their occurrence number.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

from explorer.ingest.normalise import Line, fold_fast

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def compact_memo(line: Line) -> str:
    return _NOT_ALNUM.sub("", fold_fast(line.description))


def line_keys(lines: Iterable[Line], currency: str) -> list[str]:
    """The identity of each line, in the order given (40 hex digits: SHA-1 of its fields and occurrence)."""
    seen: dict[str, int] = {}
    keys = []
    for line in lines:
        content = f"{line.posted_at.date().isoformat()}|{line.direction}|{line.amount}|{currency}|{compact_memo(line)}"
        occurrence = seen[content] = seen.get(content, 0) + 1
        keys.append(hashlib.sha1(f"{content}|{occurrence}".encode()).hexdigest())
    return keys
