"""What a word is (date, time, amount, STT) and how glued words are cut apart."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from explorer.ingest.pdf.words import Word

DATE = re.compile(r"^(\d{1,5})/(\d{1,2})/(\d{4}|20\d{4})$")
TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
INT = re.compile(r"^\d{1,5}\.?$")
# An amount as a bank prints it: thousands groups with a separator, optional 1–2 decimals; or digits with 2 decimals.
AMOUNT = re.compile(r"^(?:\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:(?!\1)[.,]\d{1,2})?|\d+[.,]\d{2})$")
PLAIN = re.compile(r"^\d{3,15}$")
_LEAD_AMOUNT = re.compile(r"^(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*(?:(?!\2)[.,]\d{2})?)(?=[^\W\d_])")
_TAIL_AMOUNT = re.compile(r"(?<=[^\W\d_(])(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})+(?:(?!\2)[.,]\d{2})?)$")
_LEAD_TIME = re.compile(r"^(\d{1,2}:\d{2}:\d{2})(?=\S)")
_GLUED_DATE = re.compile(r"^(\d{2,5})/(\d{1,2})/(\d{4}|20\d{4})(?=\D|$)")


def is_amount(text: str, numbers: str = "any") -> bool:
    m = AMOUNT.match(text)
    if not m:
        return False
    if numbers == "dot":
        return "," not in text or text.rfind(",") > text.rfind(".")
    if numbers == "comma":
        return "." not in text or text.rfind(".") > text.rfind(",")
    return True


def fix_date(text: str) -> tuple[str, str | None]:
    """'24/9/202024' → ('24/9/2024', flag). Other dates unchanged."""
    m = DATE.match(text)
    if m and len(m.group(3)) == 6:
        fixed = f"{m.group(1)}/{m.group(2)}/{m.group(3)[:2]}{m.group(3)[-2:]}"
        return fixed, f"date printed as {text!r}: read as {fixed!r}"
    return text, None


def valid_date(text: str) -> bool:
    m = DATE.match(text)
    return bool(m) and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12 and len(m.group(3)) == 4


_DECIMAL_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{2}|\d{1,3}(?:,\d{3})+\.\d{2}")
_DIGITS_ONLY = re.compile(r"^[\d.,]+$")
_DECIMAL_TAIL = re.compile(r"^(.*?)(?:([.,])(\d{1,2}))?$")


def split_glued(w: Word) -> list[Word]:
    """Cut a word that holds two cells: '10:21:100401001446xxx', '500.000,00giup', 'TAI2,000,000', '418/9/2024'."""
    t = w.text
    if len(t) < 4 or not any(c.isdigit() for c in t):
        return [w]
    if _DIGITS_ONLY.match(t) and not AMOUNT.match(t):
        # stray digits of a neighbouring cell touching an amount with decimals: keep the one complete amount
        for m in _DECIMAL_AMOUNT.finditer(t):
            if m.start() == 0 and m.end() == len(t):
                break
            a, rest = w.cut(m.start()) if m.start() else (None, w)
            b, c = rest.cut(m.end() - m.start()) if m.end() < len(t) else (rest, None)
            b.note = f"stray digits touch the amount {t!r}: read as {b.text!r}"
            return [x for x in (a, b, c) if x is not None]
    m = _LEAD_TIME.match(t)
    if m:
        a, b = w.cut(m.end(1))
        return [a] + split_glued(b)
    m = _LEAD_AMOUNT.match(t)
    if m:
        a, b = w.cut(m.end(1))
        return [a, b]
    m = _TAIL_AMOUNT.search(t)
    if m:
        a, b = w.cut(m.start(1))
        return [a, b]
    m = _GLUED_DATE.match(t)
    if m and int(m.group(1)) > 31:  # STT glued to the date: '418/9/2024' = 4 + 18/9/2024
        head = m.group(1)
        k = 2 if 1 <= int(head[-2:]) <= 31 else 1
        a, b = w.cut(len(head) - k)
        b.glued = True
        return [a] + split_glued(b)
    return [w]


def to_decimal(text: str) -> Decimal | None:
    """'500.000,00' → 500000.00, '1,000,000' → 1000000, '1.468,48' → 1468.48, '200,00' → 200.00."""
    t = text.strip()
    if not t:
        return None
    if AMOUNT.match(t):
        m = _DECIMAL_TAIL.match(t)
        assert m is not None  # every string matches: the tail is optional
        whole, sep, dec = m.group(1), m.group(2), m.group(3)
        if sep and sep in whole:  # '1.000.00' is not a decimal; treat all as thousands
            whole, dec = t, None
        digits = re.sub(r"[.,]", "", whole)
        try:
            return Decimal(digits) + (Decimal(dec) / (10 ** len(dec)) if dec else 0)
        except InvalidOperation:
            return None
    if PLAIN.match(t) or re.match(r"^\d+$", t):
        return Decimal(t)
    return None
