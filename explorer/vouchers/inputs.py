"""Real inputs: beneficiary counts per group × province and a merchant list, uploaded as CSV.

Untrusted files are parsed, never evaluated, and checked cell by cell. Every problem is an
InputError naming the row (as a spreadsheet shows it: the header is row 1), the column and a code
with values the page words in the reader's language; `str()` gives the English one. Counts carry
no personal data (no names, no ids): the engine spreads each cell's people around the province's
centre, and the results keep the usual privacy rule (groups under 10 people are never shown).

counts.csv      group, province_code, count
merchants.csv   category, province_code, and optionally merchant_id, lat, lon, daily_capacity
                (lat/lon both or neither: without them a shop sits near its province's centre)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from explorer.db.schema import BENEFICIARY_GROUPS, MERCHANT_CATEGORIES
from explorer.vouchers.population import HOUSEHOLD_GROUPS, Population, _merchants, reference_provinces

MAX_CSV_BYTES = 1024 * 1024
MAX_PEOPLE = 2_000_000  # the same bound as a database selection (memory)
MAX_MERCHANTS = 50_000
MAX_ERRORS = 20  # more are counted, not listed
DEFAULT_CAPACITY = 100
LAT_RANGE, LON_RANGE = (8.0, 24.0), (102.0, 110.0)  # Vietnam with its islands' margin
COUNT_COLUMNS = ("group", "province_code", "count")
MERCHANT_REQUIRED = ("category", "province_code")
MERCHANT_OPTIONAL = ("merchant_id", "lat", "lon", "daily_capacity", "name")

MESSAGES = {
    "too_large": "the file is larger than {limit} bytes",
    "encoding": "the file is not UTF-8 text",
    "empty": "the file has no rows",
    "missing_column": "the column is missing (needed: {needed})",
    "unknown_value": "“{value}” is not one of: {choices}",
    "not_integer": "“{value}” is not a whole number",
    "not_number": "“{value}” is not a number",
    "negative": "{value} is below 0",
    "range": "{value} is outside {low}–{high}",
    "duplicate": "the same {what} appears on row {first}",
    "lat_lon_pair": "lat and lon must both be given or both left empty",
    "too_many": "{value} is more than the {limit} a simulation takes",
    "no_people": "every count is 0: nobody to simulate",
}


@dataclass(frozen=True)
class InputError:
    row: int | None  # spreadsheet row (header = 1); None for the whole file
    column: str | None
    code: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        where = ", ".join(x for x in (f"row {self.row}" if self.row else "", self.column or "") if x)
        text = MESSAGES.get(self.code, self.code).format(**self.values)
        return f"{where}: {text}" if where else text


@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame | None  # None when there are errors
    errors: list[InputError]
    more_errors: int = 0  # errors beyond MAX_ERRORS, not listed
    ignored: tuple[str, ...] = ()  # columns the parser does not use


def _read(data: bytes) -> tuple[list[dict], list[str], list[InputError]]:
    if len(data) > MAX_CSV_BYTES:
        return [], [], [InputError(None, None, "too_large", {"limit": MAX_CSV_BYTES})]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [], [InputError(None, None, "encoding")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = [
        {k: (v or "").strip() for k, v in row.items() if k is not None}
        for row in reader
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    ]
    if not header or not rows:
        return [], header, [InputError(None, None, "empty")]
    return rows, header, []


def _int(raw: str) -> int | None:
    try:
        value = float(raw.replace(",", "")) if raw else None
    except ValueError:
        return None
    return int(value) if value is not None and value.is_integer() else None


def _missing(header: list[str], needed: tuple[str, ...]) -> list[InputError]:
    return [InputError(1, c, "missing_column", {"needed": ", ".join(needed)}) for c in needed if c not in header]


def _done(frame: pd.DataFrame, errors: list[InputError], ignored: tuple[str, ...]) -> Parsed:
    if errors:
        return Parsed(None, errors[:MAX_ERRORS], max(0, len(errors) - MAX_ERRORS), ignored)
    return Parsed(frame, [], 0, ignored)


def parse_counts(data: bytes, provinces: pd.DataFrame | None = None) -> Parsed:
    """group, province_code, count (int64) — one row per (group, province)."""
    rows, header, errors = _read(data)
    if errors:
        return Parsed(None, errors)
    errors = _missing(header, COUNT_COLUMNS)
    if errors:
        return Parsed(None, errors)
    codes = set((reference_provinces() if provinces is None else provinces)["code"].astype(int))
    out, seen, total = [], {}, 0
    for i, row in enumerate(rows, start=2):
        group, code, count = row["group"], _int(row["province_code"]), _int(row["count"])
        bad = False
        if group not in BENEFICIARY_GROUPS:
            errors.append(
                InputError(i, "group", "unknown_value", {"value": group, "choices": ", ".join(BENEFICIARY_GROUPS)})
            )
            bad = True
        if code is None or code not in codes:
            errors.append(
                InputError(
                    i,
                    "province_code",
                    "not_integer" if code is None else "unknown_value",
                    {"value": row["province_code"], "choices": "the 63 province codes"},
                )
            )
            bad = True
        if count is None:
            errors.append(InputError(i, "count", "not_integer", {"value": row["count"]}))
            bad = True
        elif count < 0:
            errors.append(InputError(i, "count", "negative", {"value": count}))
            bad = True
        elif count > MAX_PEOPLE:
            errors.append(InputError(i, "count", "too_many", {"value": count, "limit": MAX_PEOPLE}))
            bad = True
        if bad or count is None:  # (count is None is bad already: said again for the type checker)
            continue
        if (group, code) in seen:
            errors.append(
                InputError(i, "group", "duplicate", {"what": f"{group} × {code}", "first": seen[(group, code)]})
            )
            continue
        seen[(group, code)] = i
        total += count
        out.append((group, code, count))
    if not errors and total > MAX_PEOPLE:
        errors.append(InputError(None, "count", "too_many", {"value": total, "limit": MAX_PEOPLE}))
    if not errors and total == 0:
        errors.append(InputError(None, "count", "no_people"))
    frame = pd.DataFrame(out, columns=list(COUNT_COLUMNS)).astype({"province_code": "int64", "count": "int64"})
    return _done(frame, errors, tuple(c for c in header if c not in COUNT_COLUMNS))


def parse_merchants(data: bytes, provinces: pd.DataFrame | None = None) -> Parsed:
    """merchant_id, category, province_code, lat (NaN if not given), lon, daily_capacity."""
    rows, header, errors = _read(data)
    if errors:
        return Parsed(None, errors)
    errors = _missing(header, MERCHANT_REQUIRED)
    if errors:
        return Parsed(None, errors)
    if len(rows) > MAX_MERCHANTS:
        return Parsed(None, [InputError(None, None, "too_many", {"value": len(rows), "limit": MAX_MERCHANTS})])
    codes = set((reference_provinces() if provinces is None else provinces)["code"].astype(int))
    out, seen = [], {}
    for i, row in enumerate(rows, start=2):
        bad = False
        category, code = row["category"], _int(row["province_code"])
        if category not in MERCHANT_CATEGORIES:
            errors.append(
                InputError(
                    i, "category", "unknown_value", {"value": category, "choices": ", ".join(MERCHANT_CATEGORIES)}
                )
            )
            bad = True
        if code is None or code not in codes:
            errors.append(
                InputError(
                    i,
                    "province_code",
                    "not_integer" if code is None else "unknown_value",
                    {"value": row["province_code"], "choices": "the 63 province codes"},
                )
            )
            bad = True
        merchant_id = i - 1
        if row.get("merchant_id"):
            merchant_id = _int(row["merchant_id"])
            if merchant_id is None or merchant_id < 1:
                errors.append(InputError(i, "merchant_id", "not_integer", {"value": row["merchant_id"]}))
                bad = True
            elif merchant_id in seen:
                errors.append(
                    InputError(
                        i,
                        "merchant_id",
                        "duplicate",
                        {"what": f"merchant_id {merchant_id}", "first": seen[merchant_id]},
                    )
                )
                bad = True
            else:
                seen[merchant_id] = i
        lat_raw, lon_raw = row.get("lat", ""), row.get("lon", "")
        lat = lon = float("nan")
        if bool(lat_raw) != bool(lon_raw):
            errors.append(InputError(i, "lat" if not lat_raw else "lon", "lat_lon_pair"))
            bad = True
        elif lat_raw:
            for name, raw, (low, high) in (("lat", lat_raw, LAT_RANGE), ("lon", lon_raw, LON_RANGE)):
                try:
                    value = float(raw)
                except ValueError:
                    errors.append(InputError(i, name, "not_number", {"value": raw}))
                    bad = True
                    continue
                if not low <= value <= high:
                    errors.append(InputError(i, name, "range", {"value": raw, "low": low, "high": high}))
                    bad = True
                lat, lon = (value, lon) if name == "lat" else (lat, value)
        capacity = DEFAULT_CAPACITY
        if row.get("daily_capacity"):
            capacity = _int(row["daily_capacity"])
            if capacity is None:
                errors.append(InputError(i, "daily_capacity", "not_integer", {"value": row["daily_capacity"]}))
                bad = True
            elif not 1 <= capacity <= 100_000:
                errors.append(InputError(i, "daily_capacity", "range", {"value": capacity, "low": 1, "high": 100_000}))
                bad = True
        if not bad:
            out.append((merchant_id, category, code, lat, lon, capacity))
    frame = pd.DataFrame(out, columns=["merchant_id", "category", "province_code", "lat", "lon", "daily_capacity"])
    frame = frame.astype({"merchant_id": "int64", "province_code": "int64", "daily_capacity": "int64"})
    return _done(frame, errors, tuple(c for c in header if c not in MERCHANT_REQUIRED + MERCHANT_OPTIONAL))


def population_from_counts(
    counts: pd.DataFrame,
    merchants: pd.DataFrame | None = None,
    *,
    categories: tuple[str, ...] = MERCHANT_CATEGORIES,
    seed: int = 0,
    province_table: pd.DataFrame | None = None,
) -> Population:
    """Exactly `count` people per (group, province), placed around the province's centre (no personal data);
    the uploaded shops (near their province's centre when they have no coordinates), or, without a list,
    synthetic shops as for a preset (about one per 2,000 people, every category in every province used)."""
    rng = np.random.default_rng([seed, 13])
    table = (reference_provinces() if province_table is None else province_table).set_index("code")
    groups = np.repeat(counts["group"].to_numpy(object), counts["count"].to_numpy(np.int64)).astype(str)
    codes = np.repeat(counts["province_code"].to_numpy(np.int64), counts["count"].to_numpy(np.int64))
    n = len(groups)
    household = np.where(np.isin(groups, HOUSEHOLD_GROUPS), rng.integers(2, 8, n), rng.integers(1, 4, n))
    people = pd.DataFrame(
        {
            "person_id": np.arange(n, dtype=np.int64),
            "org_id": np.ones(n, dtype=np.int64),
            "group": groups,
            "province_code": codes,
            "household_size": household,
            "lat": table.loc[codes, "lat"].to_numpy(float) + rng.normal(0, 0.25, n),
            "lon": table.loc[codes, "lon"].to_numpy(float) + rng.normal(0, 0.25, n),
        }
    )
    if merchants is None:
        used = table.loc[sorted(set(codes))].reset_index()
        per = np.array([(codes == c).sum() for c in used["code"]])
        shops = _merchants(rng, used, per, categories, 2000)
    else:
        shops = merchants.copy()
        missing = shops["lat"].isna().to_numpy()
        where = shops["province_code"].to_numpy(np.int64)[missing]
        shops.loc[missing, "lat"] = table.loc[where, "lat"].to_numpy(float) + rng.normal(0, 0.3, int(missing.sum()))
        shops.loc[missing, "lon"] = table.loc[where, "lon"].to_numpy(float) + rng.normal(0, 0.3, int(missing.sum()))
    return Population(people, shops)


COUNTS_EXAMPLE = "group,province_code,count\nchild,21,1200\nelderly,21,800\nchild,29,3000\n"
MERCHANTS_EXAMPLE = (
    "merchant_id,category,province_code,lat,lon,daily_capacity\n"
    "1,groceries,21,21.72,104.91,150\n2,pharmacy_clinic,21,,,60\n3,groceries,29,21.03,105.85,300\n"
)
