"""Text helpers shared by search, import and display: folding, amount parsing, masking.

Bank memos are ASCII upper case without diacritics while users type Vietnamese with diacritics,
so both sides are *folded* the same way before they meet. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Unicode does not decompose đ/Đ (it is a letter of its own), so it needs an explicit map.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss"})
_CONTROL = {cat for cat in ("Cc", "Cf", "Cs", "Co", "Cn")}


def fold(text: object) -> str:
    """Lower case, no combining marks, đ→d, control characters dropped, whitespace collapsed.

    CJK and other scripts without diacritics pass through unchanged so they stay searchable.
    """
    if text is None:
        return ""
    s = str(text)
    if s.isascii() and s.isprintable():  # bank memos: the fast path for millions of lines
        return " ".join(s.lower().split())
    s = s.translate(_EXTRA)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch if unicodedata.category(ch) not in _CONTROL else " " for ch in s if not unicodedata.combining(ch))
    return _SPACE.sub(" ", s.lower().translate(_EXTRA)).strip()


_AMOUNT_SUFFIX = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "m": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "b": 1_000_000_000,
}
_AMOUNT_RE = re.compile(r"^([0-9][0-9.,\s]*)\s*([a-z]*)$")
MAX_AMOUNT = 10**15  # one quadrillion đồng: far beyond any real transfer, well inside BIGINT


def parse_amount(text: object) -> int | None:
    """Parse an amount as people and banks write it; None if it is not one.

    '500k' → 500000, '500.000' / '500,000đ' / '500 000 VND' → 500000, '0,5tr' / '0.5tr' → 500000,
    '500000.00' → 500000, '1.2 tỷ' → 1200000000. Negative or absurdly large amounts are rejected.
    """
    if text is None:
        return None
    s = fold(text).replace("vnd", "").replace("dong", "").replace("₫", "").strip()
    s = s.rstrip("d").strip() if s.endswith("d") and not s.endswith("nd") else s
    m = _AMOUNT_RE.match(s)
    if not m:
        return None
    digits, suffix = m.group(1).replace(" ", ""), m.group(2)
    if suffix and suffix not in _AMOUNT_SUFFIX:
        return None
    unit = _AMOUNT_SUFFIX.get(suffix, 1)
    value = _number(digits, has_unit=unit > 1)
    if value is None or not math.isfinite(value * unit):  # 400 nines read as a float are infinite
        return None
    amount = round(value * unit)
    return amount if 0 <= amount <= MAX_AMOUNT else None


def _number(digits: str, has_unit: bool) -> float | None:
    """Read '1.000.000', '1,000,000', '500000.00', '0,5' (decimal comma before a unit)."""
    if not digits or not digits[0].isdigit() or not digits[-1].isdigit():
        return None
    seps = [c for c in digits if c in ".,"]
    if not seps:
        return float(digits)
    groups = re.split(r"[.,]", digits)
    last = groups[-1]
    if len(set(seps)) == 2:  # '1,234.56' or '1.234,56': the last separator is the decimal one
        decimal = seps[-1]
        whole = re.sub(r"[.,]", "", digits[: digits.rfind(decimal)])
        return float(f"{whole}.{last}")
    thousands_shape = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    if len(seps) > 1:
        return float("".join(groups)) if thousands_shape else None
    # A single separator: thousands when followed by exactly 3 digits and no unit ('500.000'),
    # otherwise a decimal ('500000.00', '0,5tr', '1.5k').
    if thousands_shape and not has_unit:
        return float("".join(groups))
    return float(f"{groups[0]}.{last}")


def mask_name(name: object) -> str:
    """Mask a private person's name for public display: 'Nguyễn Văn An' → 'N*** V** A*'. No name gives "": None,
    and NaN, which is how pandas reads a NULL into a text column (masked as a word it showed 'n**')."""
    if not name or (isinstance(name, float) and math.isnan(name)):
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in str(name).split())


def mask_digits(value: object, keep: int = 3) -> str:
    """Keep the last `keep` digits of an id or phone: '0912345678' → '*******678'."""
    s = "" if value is None else str(value)
    return "*" * max(len(s) - keep, 0) + s[-keep:] if s else ""


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> object:
    """Prefix text cells that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
