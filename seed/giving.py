"""How people give beyond the plain transfer: each line's channel, a giving day with a sponsor's matching pool,
and a merchant's charity purchases (a fixed amount per item sold, paid once a month).

Everything here draws from its own generators (seeded from the seed's number), so the rest of the seeded world is
the same line for line as without it; the extra campaigns, lines and disbursements are appended after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer import provinces
from explorer.rules import THRESHOLD_SHARE
from explorer.text import fold
from seed import patterns, people
from seed.disburse import CATEGORY_FOR, GROUP_FOR
from seed.people import NameBook
from seed.scales import Scale

# Share of an ordinary campaign's gifts per channel (micro-gift campaigns give by e-wallet, chapters also take
# cash at their office). The giving day, matching and charity purchases have their own lines below.
CHANNEL_MIX = {"transfer": 0.58, "vietqr": 0.24, "card": 0.04, "ewallet": 0.06, "monthly": 0.05, "cash_deposit": 0.03}
GIVING_DAY = (9, 9)  # 9 September, as on the platforms' "99" giving days
PER_ITEM = 500  # đồng a merchant gives per order
POOL_COLUMNS = [
    "id",
    "name",
    "sponsor_account_id",
    "day",
    "ratio_pct",
    "cap_per_gift",
    "cap_per_project",
    "pool_size",
    "currency",
]


@dataclass(frozen=True)
class Extra:
    campaigns: pd.DataFrame
    lines: pd.DataFrame  # with disbursement_id for payouts
    disbursements: pd.DataFrame
    pools: pd.DataFrame
    projects: pd.DataFrame


def donation_channels(seed: int, lines: pd.DataFrame, camp: pd.DataFrame, orgs: pd.DataFrame) -> np.ndarray:
    """A channel per donation line (campaign_donations + memos): the memo's own word where it has one (MBVCB,
    IBFT → transfer), e-wallet for micro-gift campaigns, else drawn from CHANNEL_MIX."""
    rng = np.random.default_rng([seed, 71])
    names = list(CHANNEL_MIX)
    p = np.array(list(CHANNEL_MIX.values()))
    drawn = np.array(names, dtype=object)[rng.choice(len(names), len(lines), p=p / p.sum())]
    by_campaign = camp.set_index("id")
    micro = lines.campaign_id.map(by_campaign.profile).eq("micro").to_numpy()
    kind = lines.campaign_id.map(by_campaign.org_id).map(orgs.set_index("id").kind).to_numpy()
    drawn[(drawn == "cash_deposit") & (kind != "red_cross_chapter")] = "transfer"
    drawn[micro] = "ewallet"
    said = lines.description.str.startswith("MBVCB.").to_numpy() | lines.description.str.contains("IBFT").to_numpy()
    drawn[said] = "transfer"  # the memo shows a bank transfer: so it was one, micro-gift or not
    return drawn


def _giving_day(scale: Scale) -> dt.date | None:
    for year in range(scale.end.year, scale.start.year - 1, -1):
        day = dt.date(year, *GIVING_DAY)
        if scale.start + dt.timedelta(days=20) <= day <= scale.end - dt.timedelta(days=30):
            return day
    return None


def _campaign_row(cid, org, account_id, title, category, start, end, target, scale, report_on) -> dict:
    steps = [start - dt.timedelta(days=d) for d in (14, 10, 7, 3)]
    return {
        "id": cid,
        "account_id": int(account_id),
        "org_id": int(org.id),
        "title": title,
        "title_folded": fold(title),
        "category": category,
        "province_code": provinces.province_of_day(int(org.province_code), start),
        "currency": "VND",
        "target": int(target),
        "pledged": 0,
        "status": "active" if end >= scale.end else "closed",
        "start_on": start,
        "end_on": end,
        "needs_assessed_on": steps[0],
        "target_set_on": steps[1],
        "beneficiaries_listed_on": steps[2],
        "plan_approved_on": steps[3],
        "announced_on": start,
        "first_report_on": report_on,
    }


def _line(account_id, at, direction, amount, reference, counterparty, memo, campaign_id, donor_key, channel) -> dict:
    return {
        "account_id": int(account_id),
        "posted_at": pd.Timestamp(at),
        "direction": direction,
        "amount": int(amount),
        "currency": "VND",
        "reference": reference,
        "counterparty": counterparty,
        "description": memo,
        "campaign_id": campaign_id,
        "donor_key": donor_key,
        "channel": channel,
    }


def _payout(disb_id: int, cid: int, category: str, on: dt.date, amount: int, province: int) -> dict:
    return {
        "id": disb_id,
        "campaign_id": cid,
        "disbursed_on": on,
        "amount": int(amount),
        "currency": "VND",
        "category": CATEGORY_FOR[category][0],
        "recipient_group": GROUP_FOR[category],
        "province_code": province,
        "report_text": f"Đã chi {int(amount):,} đ cho nhóm {GROUP_FOR[category]} theo kế hoạch giải ngân.",
    }


def extras(
    seed: int,
    scale: Scale,
    orgs: pd.DataFrame,
    accounts: pd.DataFrame,
    next_campaign: int,
    next_disbursement: int,
    names: NameBook,
) -> Extra:
    """The giving day (three projects, a sponsor's pool) and one charity-purchase campaign."""
    rng = np.random.default_rng([seed, 99])
    vnd = accounts[accounts.currency == "VND"].set_index("org_id")
    makers = orgs[orgs.kind.isin(["foundation", "religious", "individual"])].sort_values("id")
    firms = orgs[orgs.kind == "company"].sort_values("id")
    sponsor = (firms if len(firms) else makers).iloc[0]
    camps, lines, payouts, pools, projects = [], [], [], [], []
    cid, did = next_campaign, next_disbursement
    day = _giving_day(scale)
    if day is not None and len(makers) >= 3:
        n = int(np.clip(scale.campaigns * 2, 60, 1_500))
        gifts = {}
        for k, category in enumerate(("children", "education", "community")):
            org = makers.iloc[k]
            amounts = patterns.relief_amounts(rng, n)
            amounts = np.where(amounts > 1_000_000, 200_000, amounts)
            when = patterns.timestamps(rng, np.datetime64(day), 1, 0, n)
            who = people.bank_upper(names.names(rng, n))
            gifts[cid + k] = (org, category, amounts, when, who)
        cap_gift, ratio = 100_000, 100
        matchable = sum(int(np.minimum(a * ratio // 100, cap_gift).sum()) for _, _, a, _, _ in gifts.values())
        pool_size = max(matchable * 6 // 10 // 1_000_000, 1) * 1_000_000  # runs out before the day ends
        cap_project = max(pool_size * 45 // 100 // 1_000_000, 1) * 1_000_000
        sponsor_acct = vnd.loc[sponsor.id]
        name = f"Ngày hội Giving Day {day.day}/{day.month}/{day.year}"
        pools.append(
            {
                "id": 1,
                "name": name,
                "sponsor_account_id": int(sponsor_acct.id),
                "day": day,
                "ratio_pct": ratio,
                "cap_per_gift": cap_gift,
                "cap_per_project": cap_project,
                "pool_size": pool_size,
                "currency": "VND",
            }
        )
        events = sorted((pd.Timestamp(t), c, i) for c, (_, _, _, when, _) in gifts.items() for i, t in enumerate(when))
        pool_left, project_left = pool_size, dict.fromkeys(gifts, cap_project)
        matched = dict.fromkeys(gifts, 0)
        tag = f"GIVING DAY {day.day}/{day.month}"
        for at, c, i in events:
            org, category, amounts, _, who = gifts[c]
            acct = vnd.loc[org.id]
            ref = f"GD{day:%y%m%d}{c:04d}{i:05d}"
            memo = f"{who[i]} ung ho du an {c} NGAY HOI {tag}"
            lines.append(
                _line(acct.id, at, "in", amounts[i], ref, who[i], memo, c, f"{fold(who[i])}:gd{c}{i}", "giving_day")
            )
            m = min(int(amounts[i]) * ratio // 100, cap_gift, project_left[c], pool_left)
            if m > 0:
                pool_left, project_left[c], matched[c] = pool_left - m, project_left[c] - m, matched[c] + m
                memo = f"CT tu {sponsor_acct.number} {sponsor_acct.holder_name} DOI UNG {tag} CHO GD {ref}"
                lines.append(
                    _line(
                        acct.id,
                        at + pd.Timedelta(seconds=30),
                        "in",
                        m,
                        f"MT{ref[2:]}",
                        sponsor_acct.holder_name,
                        memo,
                        c,
                        None,
                        "matching",
                    )
                )
        for c, (org, category, amounts, _, _) in gifts.items():
            acct = vnd.loc[org.id]
            received = int(amounts.sum()) + matched[c]
            title = (
                f"{name}: "
                + {
                    "children": "Sách cho em vùng cao",
                    "education": "Học bổng cho học sinh nghèo",
                    "community": "Bữa cơm yêu thương",
                }[category]
            )
            end = day + dt.timedelta(days=20)
            report_on = day + dt.timedelta(days=12)
            target = (received * 5 // 4 // 10_000_000 + 1) * 10_000_000
            camps.append(
                _campaign_row(
                    c, org, acct.id, title, category, day - dt.timedelta(days=10), end, target, scale, report_on
                )
            )
            projects.append({"pool_id": 1, "campaign_id": c})
            paid = received * 7 // 10 // 1_000_000 * 1_000_000
            payouts.append(_payout(did, c, category, day + dt.timedelta(days=10), paid, camps[-1]["province_code"]))
            did += 1
        cid += len(gifts)
    purchase = _charity_purchases(rng, scale, makers, firms, vnd, cid, did)
    if purchase is not None:
        camp_row, purchase_lines, payout = purchase
        camps.append(camp_row)
        lines += purchase_lines
        if payout:
            payouts.append(payout)
    return Extra(
        pd.DataFrame(camps),
        pd.DataFrame(lines),
        pd.DataFrame(payouts),
        pd.DataFrame(pools, columns=POOL_COLUMNS),
        pd.DataFrame(projects, columns=["pool_id", "campaign_id"]),
    )


def _charity_purchases(rng, scale: Scale, makers, firms, vnd, cid: int, did: int):
    """A merchant's monthly transfer of PER_ITEM đồng per order sold into one campaign, items × amount in the memo."""
    if len(makers) < 4:
        return None
    org = makers.iloc[3]
    acct = vnd.loc[org.id]
    merchant = fold(people.companies(rng, 1)[0] if not len(firms) > 1 else firms.iloc[1]["name"]).upper()
    start = scale.start + dt.timedelta(days=15)
    months = pd.date_range(start, scale.end, freq="MS") + pd.Timedelta(days=4)
    if len(months) < 2:
        return None
    per_month = max(scale.raised_vnd // 2_000, 2_000_000)  # small beside the calibrated national totals
    items = (per_month // PER_ITEM * rng.uniform(0.6, 1.4, len(months))).astype(np.int64)
    lines = []
    for k, (at, count) in enumerate(zip(months, items, strict=True)):
        posted = at + pd.Timedelta(hours=10, minutes=int(rng.integers(0, 60)))
        month = at - pd.DateOffset(months=1)
        memo = (
            f"{merchant} CHUYEN TIEN MUA SAM VI CONG DONG THANG {month:%m/%Y}: "
            f"{count:,} DON HANG X {PER_ITEM} D".replace(",", ".")
        )
        lines.append(
            _line(
                acct.id,
                posted,
                "in",
                count * PER_ITEM,
                f"CP{posted:%y%m%d}{k:03d}",
                merchant,
                memo,
                cid,
                f"{fold(merchant)}:merchant",
                "charity_purchase",
            )
        )
    total = int(items.sum()) * PER_ITEM
    target = (total * 5 // 4 // 10_000_000 + 1) * 10_000_000
    cumulative = np.cumsum(items * PER_ITEM)
    reached = int(np.argmax(cumulative >= THRESHOLD_SHARE * target))
    first = (months[reached] + pd.Timedelta(days=6)).date()
    report_on, payout = None, None
    if first <= scale.end:
        report_on = first + dt.timedelta(days=3)
        paid = int(cumulative[reached]) // 2 // 1_000_000 * 1_000_000
        payout = _payout(did, cid, "community", first, paid, provinces.province_of_day(int(org.province_code), first))
        report_on = report_on if report_on <= scale.end else None
    title = f"Mỗi đơn hàng một bữa cơm – {merchant.title()} ({start.year})"
    row = _campaign_row(
        cid, org, acct.id, title, "community", start, scale.end + dt.timedelta(days=90), target, scale, report_on
    )
    return row, lines, payout
