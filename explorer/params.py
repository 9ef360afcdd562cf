"""URL query parameters: a whitelist with a type per name (pure, no Streamlit).

Every page declares the parameters it understands; anything else in the URL, or a value of the wrong
type, is dropped and reported as a notice. Values are only ever parsed, never evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from explorer import provinces
from explorer.text import parse_amount

MAX_TEXT = 200  # longer search text is cut, not refused: nobody types a 10 k-character name


@dataclass(frozen=True)
class Param:
    kind: str  # text | int | province | date | choice | amount | flag
    default: Any = None
    choices: tuple = ()
    min: int | None = None
    max: int | None = None

    def parse(self, raw: str) -> Any:
        """The typed value, or raise ValueError with a short reason."""
        return _PARSERS[self.kind](self, raw)


def _text(p: Param, raw: str) -> str:
    cleaned = "".join(ch for ch in raw if ch.isprintable() or ch == " ").strip()
    return cleaned[:MAX_TEXT]


def _int(p: Param, raw: str) -> int:
    if not raw.strip().lstrip("-").isdigit() or len(raw) > 12:
        raise ValueError("not_int")
    value = int(raw)
    if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
        raise ValueError("out_of_range")
    return value


def _province(p: Param, raw: str) -> int:
    """Today's province code from a plate code or an old or new name ('23', 'Hà Giang', 'ha-giang' → 22,
    Tuyên Quang): links made before the 1 July 2025 merger keep working."""
    code = provinces.lookup(raw[:MAX_TEXT])
    if code is None:
        raise ValueError("not_province")
    return code


def _date(p: Param, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise ValueError("not_date") from None


def _choice(p: Param, raw: str) -> str:
    if raw not in p.choices:
        raise ValueError("not_allowed")
    return raw


def _amount(p: Param, raw: str) -> int:
    value = parse_amount(raw)
    if value is None:
        raise ValueError("not_amount")
    return value


def _flag(p: Param, raw: str) -> bool:
    if raw not in ("0", "1", "true", "false"):
        raise ValueError("not_flag")
    return raw in ("1", "true")


_PARSERS: dict[str, Callable[[Param, str], Any]] = {
    "text": _text,
    "int": _int,
    "province": _province,
    "date": _date,
    "choice": _choice,
    "amount": _amount,
    "flag": _flag,
}

# Why a URL value was ignored: a code per reason (ValueError's message), in words through `reasons`
# (pages pass the visitor's language; these English words are the default for code outside the pages).
REASONS = {
    "unknown": "unknown parameter",
    "not_int": "not a whole number",
    "not_province": "not a province",
    "out_of_range": "out of range",
    "not_date": "not a date (YYYY-MM-DD)",
    "not_allowed": "not one of the allowed values",
    "not_amount": "not an amount",
    "not_flag": "not 0 or 1",
}

# Parameters every page accepts (set by the shared layout, not by the page).
COMMON = {"lang": Param("choice", "vi", choices=("vi", "en", "zh"))}


def parse_params(
    raw: Mapping[str, str | list[str]], spec: Mapping[str, Param], reasons: Mapping[str, str] = REASONS
) -> tuple[dict[str, Any], list[str]]:
    """(values for every name in spec — defaults where absent or bad, notices about what was ignored, each
    reason in the words of `reasons`)."""
    allowed = {**COMMON, **spec}
    values = {name: p.default for name, p in allowed.items()}
    notices: list[str] = []
    for name, value in raw.items():
        if isinstance(value, list):
            value = value[-1] if value else ""
        if name not in allowed:
            notices.append(f"{name[:40]!r}: {reasons['unknown']}")
            continue
        try:
            values[name] = allowed[name].parse(str(value))
        except ValueError as exc:
            notices.append(f"{name}: {reasons.get(str(exc), str(exc))}")
    return values, notices


def to_query(values: Mapping[str, Any], spec: Mapping[str, Param]) -> dict[str, str]:
    """The URL form of `values`: only non-default values of known parameters, as strings."""
    allowed = {**COMMON, **spec}
    out = {}
    for name, value in values.items():
        p = allowed.get(name)
        if p is not None and p.kind == "amount" and isinstance(value, str):
            value = parse_amount(value)  # typed ('0,5tr'): the URL holds its number; an unreadable one, nothing
        if p is None or value is None or value == p.default or value == "":
            continue
        out[name] = value.isoformat() if isinstance(value, dt.date) else ("1" if value is True else str(value))
    return out
