"""Fund a scheme from a campaign: its available balance becomes the budget, and a *preview* of the
statement lines the program would add to the campaign's account — one payout per merchant per
settlement, fees, set-up — with the running balance. Nothing is ever written: this is a what-if.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from explorer.vouchers import prepare
from explorer.vouchers.scheme import Scheme

PREVIEW_COLUMNS = ["posted_on", "direction", "amount", "currency", "counterparty", "description", "balance"]


# Which campaign categories raised money for which beneficiary groups (a campaign's purpose binds its use).
PURPOSES = {
    "child": {"children"},
    "newborn_family": {"children"},
    "elderly": {"elderly"},
    "disabled": {"medical", "community"},
    "low_income_household": {"community", "housing"},
    "disaster_affected": {"disaster_relief", "housing"},
}


def purpose_problems(scheme: Scheme, category: str, province_code: int | None) -> dict[str, object]:
    """What in the campaign's purpose does not fit the scheme: {'groups': groups its category was not raised
    for, 'province': the campaign's province when the scheme serves other provinces only}. Empty: it fits."""
    out: dict[str, object] = {}
    groups = [t.group for t in scheme.targets if category not in PURPOSES.get(t.group, set())]
    if groups:
        out["groups"] = groups
    provinces = scheme.eligibility.provinces
    if province_code is not None and provinces and int(province_code) not in provinces:
        out["province"] = int(province_code)
    return out


def funded_scheme(scheme: Scheme, available: int) -> Scheme:
    """The scheme with the campaign's available balance as its budget (the engine then checks it)."""
    return dataclasses.replace(scheme, budget=max(int(available), 0))


def check_budget(scheme: Scheme, issued: int, registrations: int, available: int) -> None:
    """Raise SchemeError('budget', …) when the campaign cannot cover the value issued plus set-up and onboarding."""
    prepare.check_budget(scheme, issued, registrations, available)


def statement_preview(
    scheme: Scheme,
    settlements: pd.DataFrame,
    registrations: int,
    available: int,
    merchant_names: pd.Series | None = None,
) -> pd.DataFrame:
    """Outgoing lines in date order with the balance after each line.

    `settlements` (day, merchant_id, amount, transactions — one Monte Carlo run) become one payout per
    merchant per settlement, posted the day after (daily) or after each 7-day period (weekly); fees and
    settlement costs go to the voucher operator the same day; set-up and onboarding on the start date.
    Memos follow bank style: ASCII upper case without diacritics.
    """
    posted = [scheme.start_date + dt.timedelta(days=int(d) + 1) for d in settlements["day"]]
    ids = settlements["merchant_id"].to_numpy()
    names = (
        merchant_names.reindex(ids).fillna("").astype(str).tolist() if merchant_names is not None else [""] * len(ids)
    )
    code = _code(scheme)
    payouts = pd.DataFrame(
        {
            "posted_on": posted,
            "direction": "out",
            "amount": settlements["amount"].astype("int64").to_numpy(),
            "currency": scheme.currency,
            "counterparty": [f"{name} (#{i})".strip() for name, i in zip(names, ids, strict=False)],
            "description": [
                f"THANH TOAN VOUCHER {code} {n} GD NGAY {p:%d/%m/%Y}"
                for n, p in zip(settlements["transactions"], posted, strict=False)
            ],
            "_order": 1,
        }
    )
    fees = _operator_lines(scheme, settlements, posted)
    frame = pd.concat([_start_lines(scheme, registrations), payouts, fees], ignore_index=True)
    frame = frame[frame["amount"] > 0].sort_values(["posted_on", "_order"], kind="stable").reset_index(drop=True)
    frame["amount"] = frame["amount"].astype("int64")
    frame["balance"] = int(available) - frame["amount"].cumsum()
    return frame[PREVIEW_COLUMNS]


def _code(scheme: Scheme) -> str:
    return scheme.name.upper().replace("_", " ")


def _start_lines(scheme: Scheme, registrations: int) -> pd.DataFrame:
    """Set-up and onboarding (registration, verification) costs, paid on the start date."""
    return pd.DataFrame(
        {
            "posted_on": [scheme.start_date] * 2,
            "direction": ["out"] * 2,
            "amount": [scheme.costs.setup, scheme.costs.onboarding_per_beneficiary * registrations],
            "currency": [scheme.currency] * 2,
            "counterparty": ["VOUCHER OPERATOR"] * 2,
            "description": [
                f"CHI PHI TRIEN KHAI CHUONG TRINH {_code(scheme)}",
                f"CHI PHI DANG KY {registrations} NGUOI THU HUONG {_code(scheme)}",
            ],
            "_order": [0, 0],
        }
    )


def _operator_lines(scheme: Scheme, settlements: pd.DataFrame, posted: list[dt.date]) -> pd.DataFrame:
    """Per settlement day: transaction fees plus the per-payout settlement cost, in one line."""
    per_day = (
        pd.DataFrame({"posted_on": posted, "transactions": settlements["transactions"].to_numpy(), "payouts": 1})
        .groupby("posted_on", as_index=False)
        .sum()
    )
    amount = (
        per_day["transactions"] * scheme.costs.fee_per_transaction + per_day["payouts"] * scheme.costs.settlement_cost
    ).astype("int64")
    return pd.DataFrame(
        {
            "posted_on": per_day["posted_on"],
            "direction": "out",
            "amount": amount,
            "currency": scheme.currency,
            "counterparty": "VOUCHER OPERATOR",
            "description": [
                f"PHI GIAO DICH {t} GD, {p} LAN THANH TOAN"
                for t, p in zip(per_day["transactions"], per_day["payouts"], strict=False)
            ],
            "_order": 2,
        }
    )


def preview_totals(preview: pd.DataFrame, available: int) -> dict[str, int]:
    paid = int(preview["amount"].sum()) if len(preview) else 0
    return {
        "available": int(available),
        "paid_out": paid,
        "closing_balance": int(available) - paid,
        "lines": len(preview),
    }
