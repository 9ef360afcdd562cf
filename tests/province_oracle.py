"""An independent reading of seed/provinces_2025.csv for test oracles: old province (first plate code) → the first
plate code of the old province whose name today's province carries (or its only member, for Huế)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CSV = Path(__file__).resolve().parent.parent / "seed" / "provinces_2025.csv"


@cache
def _today() -> dict[int, int]:
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    first = {int(r["plate_codes"].split()[0]): r for r in rows}
    by_old_name = {r["province_vi_until_2025_06_30"]: code for code, r in first.items()}
    out = {}
    for code, r in first.items():
        new = r["province_vi_from_2025_07_01"]
        out[code] = by_old_name.get(new, code)
    return out


def today_of(code: int) -> int:
    return _today().get(int(code), int(code))


def same_today(code: int, picked: int) -> bool:
    """Does a row of province `code` belong under the filter `picked` (an old or new code)?"""
    return today_of(code) == today_of(picked)


def today_name_of(code: int) -> str:
    rows = {int(r["plate_codes"].split()[0]): r for r in csv.DictReader(CSV.open(encoding="utf-8"))}
    return rows[int(code)]["province_vi_from_2025_07_01"]
