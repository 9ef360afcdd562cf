"""Reading the sender's name out of a bank memo, for layouts without a sender column."""

from __future__ import annotations

import re

# Bank names as banks print them: ASCII upper-case words ('NGUYEN THI BICH NGOC').
_NAME = r"[A-Z]{1,8}(?: [A-Z]{1,8}){1,5}"
_NAME_END = r"(?= [a-z]| [A-Z][a-z]|[.\-]|$)"  # the memo text after a name is lower or title case
# (a substring the memo must contain — a cheap test before the regex, the regex's search or match, whose
# group 1 is the name)
_MEMO_NAMES = [
    ("CT tu ", re.compile(rf"CT tu \d+ ({_NAME}) toi ").search),  # VCB app: '…CT tu 5902263334 NAME toi …'
    (
        "GD:",
        re.compile(rf"GD:\S+ \S+ ({_NAME}) \d+\**$").search,
    ),  # VietinBank: '…GD:16/09/2024 00:28:00 NAME 803546184***'
    (
        "Ref:",
        re.compile(rf"\( ?Ref: ?\w+ ?\) ({_NAME}){_NAME_END}").search,
    ),  # VBSP: 'PAYTRON - CREDIT ( Ref: CT… ) NAME memo'
    (
        "",
        re.compile(rf"(?:MBVCB\.\d+\.|(?:\d+\.)+ ?)({_NAME}){_NAME_END}").match,
    ),  # VCB: 'MBVCB.123.NAME memo', '526744.010924.060057.NAME memo'
    ("", re.compile(rf"({_NAME}){_NAME_END}").match),  # Agribank and others: 'NAME memo'
]


def counterparty_from_memo(memo: str) -> str | None:
    """The sender's name when the memo follows a known bank pattern; None rather than a guess."""
    for marker, find in _MEMO_NAMES:
        if marker in memo:
            m = find(memo)
            if m:
                return m.group(1)
    return None
