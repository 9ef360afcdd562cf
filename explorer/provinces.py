"""The map of today: Vietnam's 63 provinces became 34 on 1 July 2025 (Resolution 202/2025/QH15).

Pure facts from `seed/provinces_2025.csv` (which old province went into which new one). Data keeps the
province of its day; filters offer today's provinces and include the old ones merged into each. A today
province is keyed by the plate code of the old province whose name it kept (Tuyên Quang 22 takes in
Hà Giang 23); Huế, the one new name, is keyed by Thừa Thiên Huế's 75.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from explorer.text import fold

MERGER_CSV = Path(__file__).resolve().parent.parent / "seed" / "provinces_2025.csv"
MERGED_ON = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class Today:
    code: int
    name: str
    members: tuple[int, ...]  # plate codes (first of each) of the old provinces merged into it, itself first


@dataclass(frozen=True)
class _Map:
    old_name: dict[int, str]  # old code → name until 30 June 2025
    today_of: dict[int, int]  # old code → today's code
    today: dict[int, Today]  # today's code → its facts
    by_key: dict[str, int]  # folded name, ascii slug or plate code → today's code


@cache
def _load() -> _Map:
    with open(MERGER_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    old_name = {int(r["plate_codes"].split()[0]): r["province_vi_until_2025_06_30"] for r in rows}
    new_of = {int(r["plate_codes"].split()[0]): r["province_vi_from_2025_07_01"] for r in rows}
    key_of_name: dict[str, int] = {}
    for name in dict.fromkeys(new_of.values()):
        namesakes = [c for c, n in old_name.items() if n == name]
        members = [c for c, n in new_of.items() if n == name]
        key_of_name[name] = namesakes[0] if namesakes else members[0]
    today_of = {c: key_of_name[n] for c, n in new_of.items()}
    today = {
        key: Today(key, name, (key, *sorted(c for c, k in today_of.items() if k == key and c != key)))
        for name, key in key_of_name.items()
    }
    by_key: dict[str, int] = {}
    for r in rows:
        first = int(r["plate_codes"].split()[0])
        for code in r["plate_codes"].split():
            by_key[code] = today_of[first]
        for name in (old_name[first], new_of[first]):
            by_key[fold(name)] = today_of[first]
            by_key[_slug(name)] = today_of[first]
    return _Map(old_name, today_of, today, by_key)


def _slug(name: str) -> str:
    """'TP Hồ Chí Minh' → 'ho-chi-minh', 'Bà Rịa - Vũng Tàu' → 'ba-ria-vung-tau'."""
    folded = fold(name)
    return re.sub(r"[^a-z0-9]+", "-", folded.removeprefix("tp ")).strip("-")


def today_provinces() -> list[Today]:
    """The 34 provinces of today, in alphabetical order of their folded names."""
    return sorted(_load().today.values(), key=lambda p: fold(p.name))


def province_of_today(old_code: int) -> int:
    """Today's province (code) that the province with this (first) plate code belongs to; unknown codes are kept."""
    return _load().today_of.get(int(old_code), int(old_code))


def members(code: int) -> tuple[int, ...]:
    """Every old province code (first plate codes) merged into today's province of `code` (old or new code)."""
    today = _load().today.get(province_of_today(code))
    return today.members if today else (int(code),)


def today_name(code: int) -> str:
    today = _load().today.get(province_of_today(code))
    return today.name if today else str(code)


def old_name(code: int) -> str:
    return _load().old_name.get(int(code), str(code))


def was_merged(code: int) -> bool:
    """True when the province of this code no longer exists under its name (Hà Giang → Tuyên Quang)."""
    return old_name(code) != today_name(code)


def province_of_day(code: int, on: dt.date) -> int:
    """The province code data of day `on` carries: the old one before 1 July 2025, today's after."""
    return int(code) if on < MERGED_ON else province_of_today(code)


def lookup(raw: str) -> int | None:
    """Today's code for what a URL may carry: a plate code (any of a province's), an old or new name with or
    without diacritics, or its ascii slug ('ha-giang', 'Hà Giang', 'ha giang', '23' all give Tuyên Quang)."""
    key = fold(raw).strip()
    if not key:
        return None
    m = _load()
    return m.by_key.get(key) or m.by_key.get(_slug(key))
