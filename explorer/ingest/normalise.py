"""Cell values → typed statement-line fields. Pure functions; a bad cell raises CellError.

Written for speed as much as clarity: a 2-million-line import calls each of these millions of times,
so dates are cached per day and ASCII text (almost every bank memo) takes a fast path through folding.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from explorer.text import MAX_AMOUNT, fold

EARLIEST_YEAR = 1990  # before Vietnamese online banking; an earlier year is a typo or a wrong column
MAX_TEXT_CELL = 10_000  # real memos are < 300 characters; a huge cell means an unclosed quote swallowed rows
MAX_REFERENCE = 64  # statement_lines.reference is VARCHAR(64)
MAX_COUNTERPARTY = 200  # statement_lines.counterparty is VARCHAR(200)


class CellError(ValueError):
    """A cell that cannot be read; `column` is a role ('credit') the parser maps to the file's header."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


class UnsavedFormula(str):
    """A spreadsheet formula whose result was never saved in the file (so there is no value to import)."""

    def explain(self) -> str:
        return (
            f"the formula {str(self)[:60]!r} has no saved result: open and save the file in a spreadsheet "
            "program, or paste the values"
        )


class Line(NamedTuple):
    """One transaction, ready to store (account, currency and file provenance are added by the store)."""

    row: int
    posted_at: dt.datetime
    has_time: bool
    direction: str  # 'in' | 'out'
    amount: int  # > 0, đồng
    balance: int | None
    reference: str | None
    counterparty: str | None
    description: str
    search_text: str
    donor_key: str | None
    flags: tuple[str, ...] = ()  # doubtful but readable: imported, and marked so (explorer.ingest.policy)
    page: int | None = None  # the PDF page the record starts on (None for tables)


def fold_fast(text: str) -> str:
    """explorer.text.fold, with a shortcut for printable ASCII (same result, ~20× faster)."""
    if text.isascii() and text.isprintable():
        return " ".join(text.lower().split())
    return fold(text)


def is_blank(value: object) -> bool:
    return (
        value is None
        or value == ""
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and not value.strip())
    )


# --- amounts ---------------------------------------------------------------------------------------------

# Thousands groups with one consistent separator ('1.000.000', '1,000,000', '1 000') or plain digits, then an
# optional 1–2 digit decimal part after the other separator ('500000.00', '1.000,00'; not '1.000.00').
# A separator before exactly 3 digits is always a thousands separator: no VND amount has 3 decimals.
_AMOUNT = re.compile(r"^(\d{1,3}(?:([., \u00a0])\d{3})(?:\2\d{3})*|\d+)(?:(?!\2)[.,](\d{1,2}))?$")
_CURRENCY_SUFFIX = re.compile(r"\s*(vnd|vnđ|đ|₫|d)$", re.IGNORECASE)


_SEPARATORS = str.maketrans("", "", "., \u00a0")
_KNOWN_AMOUNTS: dict[str, int] = {}  # donations repeat a few favourite sums: remember their text (bounded)
_CACHE_LIMIT = 100_000


def amount(value: object, column: str, *, signed: bool = False, exponent: int = 0) -> int | None:
    """Minor units from a cell ('1.000.000', '500000.00', 29000, 29000.0); None when the cell is empty.

    `exponent` is the currency's number of decimals (ISO 4217: VND 0, USD 2): '1.468,48' in USD is 146848 cents.
    Negative amounts are refused unless `signed` (a generic file's single signed amount column).
    """
    if exponent:
        return _careful_amount(value, column, signed, exponent)
    if type(value) is str:  # fast path for the usual clean text cell; anything unusual goes the careful way
        known = _KNOWN_AMOUNTS.get(value)
        if known is not None:
            return known
        if value == "":
            return None
        m = _AMOUNT.match(value)
        if m is not None and not (m.group(3) and int(m.group(3))):
            whole = int(m.group(1).translate(_SEPARATORS))
            if whole <= MAX_AMOUNT:
                if len(_KNOWN_AMOUNTS) < _CACHE_LIMIT:
                    _KNOWN_AMOUNTS[value] = whole
                return whole
    return _careful_amount(value, column, signed)


def _careful_amount(value: object, column: str, signed: bool, exponent: int = 0) -> int | None:
    """amount() for anything but a clean text cell; `exponent` > 0 keeps that many decimals (minor units)."""
    if is_blank(value):
        return None
    if isinstance(value, UnsavedFormula):
        raise CellError(column, value.explain())
    if isinstance(value, bool):
        raise CellError(column, f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        if not exponent:
            return _checked(value, column, signed, repr(value))
        scaled = round(value * 10**exponent, 6)
        if scaled != scaled or scaled in (float("inf"), float("-inf")) or scaled != int(scaled):
            raise CellError(column, f"{value!r} is not an amount with at most {exponent} decimals")
        return _checked(int(scaled), column, signed, repr(value))
    text = str(value).strip()
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    digits = _CURRENCY_SUFFIX.sub("", text.strip("()").lstrip("+-").strip())
    m = _AMOUNT.match(digits)
    if not m:
        raise CellError(column, f"{_short(text)!r} is not an amount")
    if not exponent and m.group(3) and int(m.group(3)):
        raise CellError(column, f"{text!r} has a fraction of a đồng")
    whole = int(m.group(1).translate(_SEPARATORS)) * 10**exponent
    fraction = int((m.group(3) or "").ljust(exponent, "0")[:exponent] or 0) if exponent else 0
    return _checked(-(whole + fraction) if negative else whole + fraction, column, signed, repr(text))


def first_of_several(value: object) -> tuple[object, str | None]:
    """(the first value, a flag) for a cell holding several values on separate lines ('680.357.956\n9112')."""
    if type(value) is str and "\n" in value and "\n" in value.strip():
        parts = [p.strip() for p in value.strip().splitlines() if p.strip()]
        if len(parts) > 1:
            return parts[0], f"two values in one cell ({', '.join(repr(p) for p in parts[:3])}): the first was taken"
    return value, None


def _checked(number: float, column: str, signed: bool, shown: str) -> int:
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(column, f"{shown} is not an amount")
    if number != int(number):
        raise CellError(column, f"{shown} has a fraction of a đồng")
    if number < 0 and not signed:
        raise CellError(column, f"{shown} is negative (amounts are written without a sign; use the debit column)")
    if abs(number) > MAX_AMOUNT:
        raise CellError(column, f"{shown} is larger than any real transfer (over 10^15 đồng): overflow or wrong column")
    return int(number)


# --- dates and times -------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$")
_DAYS: dict[tuple[int, int, int], dt.date] = {}
_KNOWN_MOMENTS: dict[str, tuple[dt.datetime, bool]] = {}  # date-only statements repeat each day's text


def when(value: object, column: str) -> tuple[dt.datetime, bool]:
    """(moment, has_time) from '24/09/2024 0:07:14', '10/09/2024', '2024-09-10 08:00' or a datetime cell.

    Text dates are day first, as Vietnamese banks write them. A datetime cell at exactly midnight counts as a
    date without time (that is how spreadsheets store a typed date).
    """
    if type(value) is str:
        known = _KNOWN_MOMENTS.get(value)
        if known is not None:
            return known
        if value.strip():
            moment = _text_moment(value.strip(), column)
            if len(_KNOWN_MOMENTS) < _CACHE_LIMIT:
                _KNOWN_MOMENTS[value] = moment
            return moment
    if is_blank(value):
        raise CellError(column, "the date is missing")
    if isinstance(value, UnsavedFormula):
        raise CellError(column, value.explain())
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        moment = dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second)
        return _in_range(moment, column, str(value)), moment.time() != dt.time(0)
    if isinstance(value, dt.date):
        return _in_range(dt.datetime(value.year, value.month, value.day), column, str(value)), False
    return _text_moment(str(value).strip(), column)


def _text_moment(text: str, column: str) -> tuple[dt.datetime, bool]:
    m = _DMY.match(text)
    if m:
        day, month, year, hh, mm, ss = m.groups()
    else:
        m = _YMD.match(text)
        if not m:
            raise CellError(column, f"{_short(text)!r} is not a date (expected dd/mm/yyyy)")
        year, month, day, hh, mm, ss = m.groups()
    date = _day(int(year), int(month), int(day), column, text)
    if hh is None:
        return dt.datetime(date.year, date.month, date.day), False
    try:
        moment = dt.datetime(date.year, date.month, date.day, int(hh), int(mm), int(ss or 0))
    except ValueError:
        raise CellError(column, f"{text!r} has an impossible time of day") from None
    return moment, True


def _day(year: int, month: int, day: int, column: str, text: str) -> dt.date:
    key = (year, month, day)
    date = _DAYS.get(key)
    if date is None:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise CellError(column, f"{text!r} is an impossible date") from None
        _in_range(dt.datetime(year, month, day), column, text)
        _DAYS[key] = date
    return date


def _in_range(moment: dt.datetime, column: str, shown: str) -> dt.datetime:
    latest = dt.date.today().year + 1
    if not EARLIEST_YEAR <= moment.year <= latest:
        raise CellError(column, f"{shown!r} is outside {EARLIEST_YEAR}–{latest}: a typo or the wrong column")
    return moment


# --- text ------------------------------------------------------------------------------------------------


def text_cell(value: object, column: str, limit: int = MAX_TEXT_CELL) -> str:
    """A text cell as written (numbers from spreadsheets as their digits), refusing absurd lengths."""
    if type(value) is str and len(value) <= limit:
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, UnsavedFormula):
        raise CellError(column, value.explain())
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a reference typed as a number: 123456.0 → '123456'
    text = str(value).strip()
    if len(text) > limit:
        raise CellError(
            column,
            f"the cell holds {len(text):,} characters (at most {limit:,} expected): "
            "an unclosed quote or a broken file?",
        )
    return text


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def make_line(
    row: int,
    posted_at: dt.datetime,
    has_time: bool,
    direction: str,
    amount_: int,
    balance: int | None,
    reference: str | None,
    counterparty: str | None,
    description: str,
    flags: tuple[str, ...] = (),
    page: int | None = None,
) -> Line:
    """A Line with its derived search text and donor key (only senders of incoming money are donors)."""
    if counterparty and len(counterparty) > MAX_COUNTERPARTY:
        raise CellError("counterparty", f"the name holds {len(counterparty):,} characters (at most {MAX_COUNTERPARTY})")
    if reference and len(reference) > MAX_REFERENCE:
        raise CellError("reference", f"{_short(reference)!r} is longer than {MAX_REFERENCE} characters")
    search_text = fold_fast(f"{counterparty} {description}" if counterparty else description)
    donor_key = (fold_fast(counterparty)[:64] or None) if counterparty and direction == "in" else None
    return Line(
        row,
        posted_at,
        has_time,
        direction,
        amount_,
        balance,
        reference or None,
        counterparty or None,
        description,
        search_text,
        donor_key,
        flags,
        page,
    )


def direction_and_amount(debit: object, credit: object, exponent: int = 0) -> tuple[str, int]:
    """('in', amount) for a credit, ('out', amount) for a debit; exactly one of them must hold an amount.

    A printed zero is returned as a zero amount (the caller flags it): banks do print such lines.
    """
    d, c = amount(debit, "debit", exponent=exponent), amount(credit, "credit", exponent=exponent)
    if d and c:
        raise CellError("credit", "both debit and credit hold an amount")
    if not d and not c:
        if d == 0 or c == 0:
            return ("in", 0) if c == 0 else ("out", 0)
        raise CellError("credit", "neither debit nor credit holds an amount")
    return ("in", c) if c else ("out", d or 0)
