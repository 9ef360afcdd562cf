"""Disbursements, the debit lines that pay them, and the Red Cross reporting rule — kept or broken on purpose.

The rule: once a campaign has received 30 % of its target it must disburse and publish a first report
within REPORT_GRACE_DAYS. The seed plants exact, listed breaches (late report, missing report,
disbursed more than received) so the explorer has something honest to flag.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from explorer import provinces
from explorer.rules import REPORT_GRACE_DAYS, THRESHOLD_SHARE

CATEGORY_FOR = {
    "disaster_relief": ["cash", "goods", "vouchers", "construction"],
    "medical": ["cash", "services"],
    "education": ["cash", "goods", "construction"],
    "housing": ["construction"],
    "children": ["goods", "vouchers"],
    "elderly": ["cash", "goods"],
    "community": ["goods", "services"],
}
GROUP_FOR = {
    "disaster_relief": "disaster_affected",
    "medical": "low_income_household",
    "education": "child",
    "housing": "low_income_household",
    "children": "child",
    "elderly": "elderly",
    "community": "low_income_household",
}


def threshold_day(times: np.ndarray, amounts: np.ndarray, target: int) -> dt.date | None:
    """The day cumulative receipts first reach THRESHOLD_SHARE of target."""
    reached = np.nonzero(np.cumsum(amounts) >= THRESHOLD_SHARE * target)[0]
    return None if not len(reached) else pd.Timestamp(times[reached[0]]).date()


def plan_disbursements(
    rng: np.random.Generator, camp: pd.DataFrame, received: dict[int, tuple], today: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(disbursements, planted breaches). `received[id]` = (times, amounts) of that campaign's donations."""
    rows, planted = [], []
    candidates = []
    for c in camp.itertuples():
        times, amounts = received.get(c.id, (np.array([]), np.array([])))
        t30 = threshold_day(times, amounts, c.target) if len(amounts) else None
        if t30 is not None and t30 + dt.timedelta(days=REPORT_GRACE_DAYS + 70) < today:
            candidates.append(c.id)
    candidates = rng.permutation(candidates).tolist()
    k = max(1, len(candidates) // 25)
    late, missing, over = (
        set(candidates[:k]),
        set(candidates[k : 2 * k]),
        set(candidates[2 * k : 2 * k + max(1, k // 2 + 1)]),
    )
    report_on: dict[int, dt.date | None] = {}
    for c in camp.itertuples():
        times, amounts = received.get(c.id, (np.array([]), np.array([])))
        total = int(amounts.sum()) if len(amounts) else 0
        t30 = threshold_day(times, amounts, c.target) if total else None
        report_on[c.id] = None
        if t30 is None:
            continue
        delay = (
            int(rng.integers(REPORT_GRACE_DAYS + 10, REPORT_GRACE_DAYS + 60))
            if c.id in late
            else int(rng.integers(2, 18))
        )
        first = t30 + dt.timedelta(days=delay)
        if first > today:
            continue
        share = (
            rng.uniform(1.08, 1.3)
            if c.id in over
            else (rng.uniform(0.55, 0.97) if c.status == "closed" else rng.uniform(0.3, 0.7))
        )
        budget = int(total * share) // 1_000_000 * 1_000_000
        tranches = int(rng.integers(1, 5))
        parts = rng.dirichlet(np.ones(tranches)) * budget // 1_000_000 * 1_000_000
        parts[-1] = budget - parts[:-1].sum()
        day = first
        for amount in parts.astype(np.int64):
            if amount <= 0 or day > today:
                continue
            rows.append(
                {
                    "campaign_id": c.id,
                    "disbursed_on": day,
                    "amount": int(amount),
                    "currency": "VND",
                    "category": rng.choice(CATEGORY_FOR[c.category]),
                    "recipient_group": GROUP_FOR[c.category],
                    "province_code": provinces.province_of_day(c.province_code, day),  # the map of its day
                }
            )
            day += dt.timedelta(days=int(rng.integers(7, 35)))
        if c.id in missing:
            planted.append({"campaign_id": c.id, "rule": "missing_report"})
            continue
        report = first + dt.timedelta(days=int(rng.integers(1, 8)))
        report_on[c.id] = report if report <= today else None
        if c.id in late:
            planted.append({"campaign_id": c.id, "rule": "late_report"})
        if c.id in over:
            planted.append({"campaign_id": c.id, "rule": "over_disbursed"})
    disb = pd.DataFrame(
        rows,
        columns=["campaign_id", "disbursed_on", "amount", "currency", "category", "recipient_group", "province_code"],
    )
    disb.insert(0, "id", np.arange(1, len(disb) + 1))
    camp["first_report_on"] = camp.id.map(report_on)
    disb["report_text"] = [
        (f"Đã chi {a:,} đ ({cat}) cho nhóm {g} theo kế hoạch giải ngân." if report_on.get(cid) else "")
        for a, cat, g, cid in zip(disb.amount, disb.category, disb.recipient_group, disb.campaign_id, strict=False)
    ]
    return disb, pd.DataFrame(planted, columns=["campaign_id", "rule"])


# Who a payout helps, as a Vietnamese bank memo writes it (upper case, no diacritics): the memo is shown as
# printed in every language, so it must not carry the English codes ("CHI HO TRO ELDERLY").
GROUP_MEMO = {
    "child": "TRE EM",
    "elderly": "NGUOI CAO TUOI",
    "low_income_household": "HO CAN NGHEO",
    "newborn_family": "GIA DINH CO TRE SO SINH",
    "disabled": "NGUOI KHUYET TAT",
    "disaster_affected": "NGUOI DAN VUNG THIEN TAI",
}


def debit_lines(rng: np.random.Generator, disb: pd.DataFrame, camp: pd.DataFrame, prov: pd.DataFrame) -> pd.DataFrame:
    """One outgoing statement line per disbursement, same amount, on the campaign's account."""
    acc = camp.set_index("id").account_id
    pname = prov.set_index("code").name_ascii.str.upper()
    hour = rng.integers(8, 17, len(disb))
    minute = rng.integers(0, 60, len(disb))
    posted = [
        dt.datetime.combine(d, dt.time(int(h), int(m))) for d, h, m in zip(disb.disbursed_on, hour, minute, strict=True)
    ]
    # 9…: never a donation's FT
    refs = [f"FT{d:%y%j}9{i:07d}" for d, i in zip(disb.disbursed_on, disb.id, strict=True)]
    recipient = [
        f"UBND TINH {pname[p]}" if g == "disaster_affected" else f"BAN DAI DIEN HOI {pname[p]}"
        for p, g in zip(disb.province_code, disb.recipient_group, strict=False)
    ]
    memo = [
        f"CHI HO TRO {GROUP_MEMO[g]} TINH {pname[p]} THEO QD SO {rng.integers(10, 999)}/QD-CT {r}"
        for g, p, r in zip(disb.recipient_group, disb.province_code, refs, strict=False)
    ]
    return pd.DataFrame(
        {
            "account_id": disb.campaign_id.map(acc).to_numpy(),
            "posted_at": pd.to_datetime(posted),
            "direction": "out",
            "amount": disb.amount.to_numpy(),
            "currency": "VND",
            "reference": refs,
            "counterparty": recipient,
            "description": memo,
            "campaign_id": disb.campaign_id.to_numpy(),
            "donor_key": None,
            "disbursement_id": disb.id.to_numpy(),
        }
    )
