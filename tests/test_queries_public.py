"""Public queries (accounts, campaigns, disbursements, stats, flags) against brute-force oracles on the tiny seed.

The oracles read the raw tables into pandas (the tiny seed is small) and recompute every answer in plain
Python; every query test runs on SQLite and on PostgreSQL (`backend_engine`, tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from province_oracle import today_of
from sqlalchemy import text

from explorer import rules
from explorer.db import rollups
from explorer.db.engine import make_engine
from explorer.queries import accounts, campaigns, disbursements, flags, stats
from explorer.text import fold


@pytest.fixture()
def engine(backend_engine):
    """The public engine on the tiny seed, once per backend (SQLite; PostgreSQL via the conftest fixtures).

    Both backends hold the same deterministic seed, so the one SQLite-read oracle serves both.
    """
    return backend_engine


@pytest.fixture(scope="session")
def raw(tiny_engine) -> dict[str, pd.DataFrame]:
    """Every table the public queries read, whole (fine for the tiny seed; the oracles' input)."""
    with tiny_engine.connect() as conn:
        tables = {
            name: pd.read_sql(text(f"SELECT * FROM {name}"), conn)
            for name in ("provinces", "organizations", "accounts", "campaigns", "statement_lines", "disbursements")
        }
        tables["planted"] = pd.DataFrame(
            json.loads(conn.execute(text("SELECT value FROM meta WHERE key = 'planted_breaches'")).scalar_one())
        )
    lines = tables["statement_lines"]
    lines["posted_at"] = pd.to_datetime(lines.posted_at)
    lines["day"] = lines.posted_at.dt.date
    for column in ("start_on", "first_report_on"):
        tables["campaigns"][column] = pd.to_datetime(tables["campaigns"][column]).dt.date
    tables["disbursements"]["disbursed_on"] = pd.to_datetime(tables["disbursements"].disbursed_on).dt.date
    return tables


def _donations(raw, campaign_id=None):
    s = raw["statement_lines"]
    s = s[(s.direction == "in") & s.campaign_id.notna()]
    return s if campaign_id is None else s[s.campaign_id == campaign_id]


def _oracle_flags(raw) -> pd.DataFrame:
    """The rule recomputed line by line in Python: cumulative receipts in time order, then rules.report_status."""
    today = raw["statement_lines"].day.max()
    rows = []
    for c in raw["campaigns"].itertuples():
        mine = _donations(raw, c.id).sort_values(["posted_at", "id"])
        reached = mine[mine.amount.cumsum() >= rules.THRESHOLD_SHARE * c.target]
        threshold = reached.day.iloc[0] if len(reached) else None
        disbursed = int(raw["disbursements"].loc[raw["disbursements"].campaign_id == c.id, "amount"].sum())
        received = int(mine.amount.sum())
        report = None if pd.isna(c.first_report_on) else c.first_report_on
        rows.append(
            {
                "campaign_id": c.id,
                "threshold_on": threshold,
                "received": received,
                "disbursed": disbursed,
                "status": rules.report_status(threshold, report, received, disbursed, today),
            }
        )
    return pd.DataFrame(rows)


# --- flags -------------------------------------------------------------------------------------------------


def test_flags_are_exactly_the_planted_breaches(engine, raw):
    found = flags.campaign_flags(engine)
    breaches = found[found.status.isin(flags.BREACHES)]
    assert set(zip(breaches.campaign_id, breaches.status, strict=False)) == set(
        zip(raw["planted"].campaign_id, raw["planted"].rule, strict=False)
    )
    assert len(raw["planted"]) == 3 and set(raw["planted"].rule) == set(flags.BREACHES)


def test_flags_match_a_line_by_line_oracle(engine, raw):
    found = flags.campaign_flags(engine).set_index("campaign_id")
    oracle = _oracle_flags(raw).set_index("campaign_id")
    assert list(found.columns) == [c for c in flags.FLAG_COLUMNS if c != "campaign_id"]
    assert found.index.tolist() == sorted(raw["campaigns"].id)
    for column in ("status", "threshold_on", "received", "disbursed"):
        assert found[column].tolist() == oracle[column].tolist(), column
    reached = found[found.threshold_on.notna()]
    assert (reached.due_on == reached.threshold_on + dt.timedelta(days=rules.REPORT_GRACE_DAYS)).all()
    assert found.status.nunique() >= 4  # met, not_due and the breaches all occur: the test can tell them apart


def test_as_of_is_the_latest_ledger_day(engine, raw):
    assert flags.as_of(engine) == raw["statement_lines"].day.max()


def test_flagged_accounts_are_the_breaching_campaigns_accounts(engine, raw):
    owners = raw["campaigns"].set_index("id").account_id
    expected = {(int(owners[p.campaign_id]), p.rule) for p in raw["planted"].itertuples()}
    found = flags.flagged_accounts(engine)
    assert set(zip(found.account_id, found.status, strict=False)) == expected
    assert (found.campaigns == 1).all()


def test_account_flags_explain_each_breach(engine, raw):
    owners = raw["campaigns"].set_index("id").account_id
    for p in raw["planted"].itertuples():
        found = flags.account_flags(engine, int(owners[p.campaign_id]))
        assert found[found.campaign_id == p.campaign_id].flag.tolist() == [p.rule]
    clean = raw["campaigns"][
        ~raw["campaigns"].id.isin(raw["planted"].campaign_id)
        & ~raw["campaigns"].account_id.isin(owners[raw["planted"].campaign_id])
    ]
    assert flags.account_flags(engine, int(clean.account_id.iloc[0])).empty


def test_unexplained_payout_is_flagged(tiny_db_url, tmp_path):
    """An outgoing line that no disbursement explains becomes a flag with its count and amount."""
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(tiny_db_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # includes whatever still sits in the write-ahead log
    writer = make_engine(f"sqlite:///{copy}")
    with writer.begin() as conn:
        account_id = conn.execute(text("SELECT id FROM accounts WHERE number = '2905'")).scalar_one()
        last_id = conn.execute(text("SELECT max(id) FROM statement_lines")).scalar_one()
        conn.execute(
            text("""INSERT INTO statement_lines (account_id, posted_at, has_time, direction, amount, currency,
                             description, search_text) VALUES (:a, '2024-12-30 10:00:00', 1, 'out', 7000000, 'VND',
                             'CHUYEN TIEN', 'chuyen tien')"""),
            {"a": account_id},
        )
        at = dt.datetime(2024, 12, 30, 10)
        rollups.refresh(conn, at, at, last_id)  # what the ledger writer does after every write of lines
    last = flags.account_flags(writer, account_id).to_dict("records")[-1]
    assert (last["flag"], last["lines"], last["amount"]) == ("unexplained_payouts", 1, 7_000_000)
    assert not (flags.account_flags(make_engine(tiny_db_url), account_id).flag == "unexplained_payouts").any()


# --- accounts ----------------------------------------------------------------------------------------------


def _account_oracle(raw, q="", province=None, kind=None) -> list[str]:
    a = raw["accounts"].merge(
        raw["organizations"][["id", "kind", "name_folded"]],
        left_on="org_id",
        right_on="id",
        how="left",
        suffixes=("", "_org"),
    )
    digits = q.replace(" ", "").replace(".", "")
    if digits.isdigit():
        a = a[a.number.str.contains(digits, regex=False)]
        a = a.assign(rank=(a.number != digits).astype(int))
    elif fold(q):
        a = a[a.holder_folded.str.contains(fold(q), regex=False) | a.name_folded.str.contains(fold(q), regex=False)]
        a = a.assign(rank=2)
    else:
        a = a.assign(rank=2)
    if province is not None:  # today's province: Đà Nẵng also holds Quảng Nam's accounts (9205)
        a = a[a.province_code.map(today_of) == today_of(province)]
    if kind:
        a = a[a.kind == kind]
    return a.assign(length=a.number.str.len()).sort_values(["rank", "length", "number", "id"]).number.tolist()


@pytest.mark.parametrize(
    "q, province, kind",
    [
        ("2905", None, None),
        ("29", None, None),
        ("05", None, None),
        ("Hà Nội", None, None),
        ("HÀ NỘI", None, None),
        ("đà nẵng", None, None),
        ("nguyễn", None, None),
        ("hoi chu thap do", 29, None),
        ("", None, "individual"),
        ("", 43, "red_cross_chapter"),
        ("", 92, "red_cross_chapter"),  # an old province's code: today's Đà Nẵng
        ("no such holder", None, None),
        ("29 05", None, None),
    ],
)
def test_account_search_matches_oracle(engine, raw, q, province, kind):
    found = accounts.search_accounts(engine, q=q, province=province, kind=kind, page_size=500)
    assert found["rows"].number.tolist() == _account_oracle(raw, q, province, kind)
    assert not found["has_more"]


def test_account_search_exact_number_first_and_paging(engine, raw):
    first = accounts.search_accounts(engine, q="2905")["rows"]
    assert first.number.iloc[0] == "2905" and first.holder_name.iloc[0] == "HOI CHU THAP DO HA NOI"
    oracle = _account_oracle(raw, "05")
    page2 = accounts.search_accounts(engine, q="05", page=2, page_size=10)
    assert page2["rows"].number.tolist() == oracle[10:20] and page2["has_more"] == (len(oracle) > 20)


def test_account_money_balance_and_counterparties(engine, raw):
    owner = raw["campaigns"].set_index("id").account_id[int(raw["planted"].campaign_id.iloc[0])]
    acc = accounts.by_number(engine, raw["accounts"].set_index("id").number[owner])
    lines = raw["statement_lines"]
    mine = lines[(lines.account_id == acc["id"]) & (lines.currency == acc["currency"])]
    money = accounts.money_in_out(engine, acc["id"])
    assert money["received"] == mine[mine.direction == "in"].amount.sum() > 0
    assert money["paid_out"] == mine[mine.direction == "out"].amount.sum() > 0
    assert money["lines_in"] == (mine.direction == "in").sum()
    assert money["closing"] == mine.sort_values("id").balance.iloc[-1]  # the bank's own running balance
    balance = accounts.balance_series(engine, acc["id"])
    printed = mine.sort_values("id").groupby("day").balance.last()
    assert balance.balance.tolist() == printed.tolist()
    assert [d.date() for d in balance.day] == printed.index.tolist()
    monthly = accounts.monthly_in_out(engine, acc["id"])
    assert monthly[monthly.direction == "out"].amount.sum() == money["paid_out"]
    top = accounts.top_counterparties(engine, acc["id"], "in", limit=5)
    sums = mine[mine.direction == "in"].groupby("counterparty").amount.sum()
    assert top.amount.tolist() == sorted(sums, reverse=True)[:5]
    assert all(sums[name] == amount for name, amount in zip(top.counterparty, top.amount, strict=False))
    origin = accounts.provenance(engine, acc["id"])
    assert origin.lines.tolist() == [len(lines[lines.account_id == acc["id"]])]
    assert origin.source_sha256.isna().all()


def test_unknown_account_number(engine):
    assert accounts.by_number(engine, "0000") is None


# --- campaigns ---------------------------------------------------------------------------------------------


def _campaign_oracle(raw, **f) -> list[int]:
    c = raw["campaigns"].merge(
        raw["organizations"][["id", "name_folded"]], left_on="org_id", right_on="id", suffixes=("", "_org")
    )
    if f.get("q"):
        c = c[c.title_folded.str.contains(fold(f["q"]), regex=False) | c.name_folded.str.contains(fold(f["q"]))]
    for column, key in (
        ("status", "status"),
        ("category", "category"),
        ("province_code", "province"),
        ("org_id", "org"),
    ):
        if f.get(key) is not None:
            c = c[c[column] == f[key]]
    if f.get("start_from"):
        c = c[c.start_on >= f["start_from"]]
    if f.get("start_to"):
        c = c[c.start_on <= f["start_to"]]
    if f.get("rule"):
        status = _oracle_flags(raw).set_index("campaign_id").status
        c = c[c.id.map(status) == f["rule"]]
    return c.sort_values(["start_on", "id"], ascending=False).id.tolist()


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "closed"},
        {"category": "disaster_relief"},
        {"q": "BÃO LŨ"},
        {"q": "chữ thập đỏ"},
        {"start_from": dt.date(2024, 9, 1), "start_to": dt.date(2024, 9, 30)},
        {"rule": "met"},
        {"rule": "not_due"},
        {"rule": "late_report"},
        {"rule": "missing_report"},
        {"rule": "over_disbursed"},
        {"province": 29},
        {"status": "active", "rule": "met"},
    ],
)
def test_campaign_listing_matches_oracle(engine, raw, filters):
    rule = filters.pop("rule", None)
    ids = flags.ids_with_status(flags.campaign_flags(engine), rule) if rule else None
    found = campaigns.listing(engine, **filters, ids=ids, page_size=100)
    assert found["rows"].id.tolist() == _campaign_oracle(raw, **filters, rule=rule)


def test_campaign_listing_money_status_and_paging(engine, raw):
    oracle = _oracle_flags(raw).set_index("campaign_id")
    page1 = campaigns.listing(engine, page_size=10)
    page3 = campaigns.listing(engine, page=3, page_size=10)
    assert page1["has_more"] and not page3["has_more"]
    assert page3["rows"].id.tolist() == _campaign_oracle(raw)[20:]
    standing = flags.campaign_flags(engine)
    rows = campaigns.with_money(pd.concat([page1["rows"], page3["rows"]]), standing)
    assert len(rows) == 10 + len(_campaign_oracle(raw)[20:]) and rows.received.notna().all()
    for r in rows.itertuples():
        assert (r.received, r.disbursed, r.rule_status) == tuple(oracle.loc[r.id, ["received", "disbursed", "status"]])
        assert r.progress == pytest.approx(r.received / r.target)


def test_campaign_by_org_and_account(engine, raw):
    c = raw["campaigns"].iloc[0]
    assert set(campaigns.listing(engine, org=int(c.org_id))["rows"].id) == set(
        raw["campaigns"][raw["campaigns"].org_id == c.org_id].id
    )
    assert set(campaigns.listing(engine, account_id=int(c.account_id))["rows"].id) == set(
        raw["campaigns"][raw["campaigns"].account_id == c.account_id].id
    )


def test_campaign_detail_daily_and_lines(engine, raw):
    cid = int(raw["planted"].campaign_id.iloc[0])
    mine = _donations(raw, cid)
    found = campaigns.detail(engine, cid)
    assert found["donors"] == mine.donor_key.nunique() and found["donations"] == len(mine)
    money = campaigns.with_money(pd.DataFrame([found]), flags.campaign_flags(engine)).iloc[0]
    assert money.received == mine.amount.sum() and money.rule_status == raw["planted"].rule.iloc[0]
    daily = campaigns.daily_donations(engine, cid)
    expected = mine.groupby("day").amount.sum()
    assert daily.amount.tolist() == expected.tolist() and [d.date() for d in daily.day] == expected.index.tolist()
    first = campaigns.lines(engine, cid, page_size=20)
    every = raw["statement_lines"][raw["statement_lines"].campaign_id == cid].sort_values(
        ["posted_at", "id"], ascending=False
    )
    assert first["rows"].id.tolist() == every.id.head(20).tolist() and first["has_more"] == (len(every) > 20)
    assert campaigns.detail(engine, 10**6) is None


def test_campaign_facet_choices(engine, raw):
    choices = campaigns.facet_choices(engine)
    assert set(choices["provinces"].code) == {today_of(c) for c in raw["campaigns"].province_code}  # today's map
    assert set(choices["organizations"].id) == set(raw["campaigns"].org_id)


# --- disbursements -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters", [{}, {"category": "cash"}, {"group": "child"}, {"province": 29}, {"campaign_id": 1}]
)
def test_disbursement_listing_links_each_row_to_its_debit_line(engine, raw, filters):
    d = raw["disbursements"]
    for column, key in (
        ("category", "category"),
        ("recipient_group", "group"),
        ("province_code", "province"),
        ("campaign_id", "campaign_id"),
    ):
        if key in filters:
            d = d[d[column] == filters[key]]
    found = disbursements.listing(engine, **filters, page_size=1000)["rows"]
    assert found.id.tolist() == d.sort_values(["disbursed_on", "id"], ascending=False).id.tolist()
    lines = raw["statement_lines"].set_index("id")
    for r in found.itertuples():
        line = lines.loc[r.line_id]
        assert (line.direction, line.amount, line.reference) == ("out", r.amount, r.line_reference)
        assert r.line_amount == r.amount and r.line_posted_at == line.posted_at


def test_disbursement_paging(engine, raw):
    page1 = disbursements.listing(engine, page_size=10)
    page2 = disbursements.listing(engine, page=2, page_size=10)
    assert page1["has_more"] and not set(page1["rows"].id) & set(page2["rows"].id)


@pytest.mark.parametrize(
    "by, column",
    [
        ("campaign", "campaign_id"),
        ("category", "category"),
        ("recipient_group", "recipient_group"),
        ("province", "province_code"),
    ],
)
def test_disbursement_breakdown(engine, raw, by, column):
    found = disbursements.breakdown(engine, by)
    expected = raw["disbursements"].groupby(column).amount.sum()
    assert dict(zip(found.key, found.amount, strict=False)) == expected.to_dict()
    assert found.amount.is_monotonic_decreasing


def test_money_stages_keep_pledged_received_disbursed_apart(engine, raw):
    c = raw["campaigns"]
    found = disbursements.money_stages(engine)
    assert found == {
        "target": c.target.sum(),
        "pledged": c.pledged.sum(),
        "received": _donations(raw).amount.sum(),
        "disbursed": raw["disbursements"].amount.sum(),
    }
    cid = int(c.id.iloc[0])
    one = disbursements.money_stages(engine, cid)
    assert one["pledged"] == c.set_index("id").pledged[cid] and one["received"] == _donations(raw, cid).amount.sum()


def test_flows_conserve_money(engine, raw):
    links = disbursements.flows(engine)

    def stage(col):
        return links[col].str.split(":").str[0]

    received, disbursed = _donations(raw).amount.sum(), raw["disbursements"].amount.sum()
    assert links[stage("source") == "donors"].amount.sum() == received
    paid_out = links[(stage("source") == "account") & (links.target != "category:held")]
    assert paid_out.amount.sum() == disbursed
    assert links[stage("source") == "category"].amount.sum() == disbursed
    by_gift = links[stage("source") == "donors"].groupby("source").amount.sum()
    small = _donations(raw).amount <= 500_000
    assert by_gift["donors:small"] == _donations(raw).amount[small].sum()
    assert (links.amount > 0).all()


# --- stats -------------------------------------------------------------------------------------------------


def _vnd_in(raw, date_from=None, date_to=None):
    s = raw["statement_lines"]
    s = s[(s.direction == "in") & (s.currency == "VND")]
    if date_from:
        s = s[s.day >= date_from]
    if date_to:
        s = s[s.day <= date_to]
    return s


SPANS = [(None, None), (dt.date(2024, 9, 10), dt.date(2024, 9, 12)), (dt.date(2024, 10, 1), None)]


@pytest.mark.parametrize("date_from, date_to", SPANS)
def test_stats_daily_and_buckets(engine, raw, date_from, date_to):
    s = _vnd_in(raw, date_from, date_to)
    daily = stats.daily(engine, date_from, date_to)
    grouped = s.groupby("day")
    assert daily.amount.tolist() == grouped.amount.sum().tolist()
    assert daily.lines.tolist() == grouped.size().tolist()
    edges = [-1] + [b for _, b in stats.AMOUNT_BUCKETS if b] + [np.inf]
    counts = pd.cut(s.amount, edges, right=True).value_counts(sort=False).tolist()
    buckets = stats.amount_buckets(engine, date_from, date_to)
    assert buckets.bucket.tolist() == [k for k, _ in stats.AMOUNT_BUCKETS]
    assert buckets.lines.tolist() == counts and buckets.amount.sum() == s.amount.sum()
    assert buckets.share.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("date_from, date_to", SPANS)
def test_stats_donors_provinces_hours(engine, raw, date_from, date_to):
    s = _vnd_in(raw, date_from, date_to)
    top = stats.top_donors(engine, date_from, date_to, limit=10)
    sums = s.dropna(subset=["counterparty"]).groupby("counterparty").amount.sum()
    assert top.amount.tolist() == sorted(sums, reverse=True)[:10]
    assert all(sums[n] == a for n, a in zip(top.counterparty, top.amount, strict=False))
    by_account = s.merge(raw["accounts"][["id", "province_code"]], left_on="account_id", right_on="id")
    found = stats.by_province(engine, "account", date_from, date_to)
    today = by_account.province_code.map(today_of)  # sums by today's province: Hà Giang's count to Tuyên Quang
    assert dict(zip(found.code, found.amount, strict=False)) == by_account.groupby(today).amount.sum().to_dict()
    by_campaign = s.merge(raw["campaigns"][["id", "province_code"]], left_on="campaign_id", right_on="id")
    found = stats.by_province(engine, "campaign", date_from, date_to)
    today = by_campaign.province_code.map(today_of)
    assert dict(zip(found.code, found.amount, strict=False)) == by_campaign.groupby(today).amount.sum().to_dict()
    hours = stats.by_hour(engine, date_from, date_to)
    timed = s[s.has_time.astype(bool)]
    assert hours.hour.tolist() == list(range(24))
    assert hours.lines.tolist() == [int((timed.posted_at.dt.hour == h).sum()) for h in range(24)]


def test_stats_bounds(engine, raw):
    s = raw["statement_lines"]
    assert stats.date_bounds(engine) == (s[s.direction == "in"].day.min(), s[s.direction == "in"].day.max())
