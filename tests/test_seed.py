"""The seed is deterministic, follows the account-numbering rule, reconciles, and looks like real statements."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from explorer.db.engine import make_engine
from explorer.text import fold
from seed.generate import seed_database
from seed.orgs import provinces
from seed.people import FAMILY

TABLES = [
    "provinces",
    "organizations",
    "accounts",
    "campaigns",
    "statement_lines",
    "disbursements",
    "beneficiaries",
    "merchants",
    "meta",
]


def table_hashes(engine) -> dict[str, str]:
    """SHA-256 of every table's rows in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for table in TABLES:
            pk = inspect(engine).get_pk_constraint(table)["constrained_columns"]
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {', '.join(pk)}")).all()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def test_same_seed_gives_identical_tables_and_another_seed_does_not(tiny_engine, tmp_path):
    again = make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    seed_database(again, "tiny", 1)
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    seed_database(other, "tiny", 2)
    first, second, third = table_hashes(tiny_engine), table_hashes(again), table_hashes(other)
    assert first == second
    assert first["statement_lines"] != third["statement_lines"]
    assert first["provinces"] == third["provinces"]  # facts do not depend on the seed


def test_every_province_has_a_red_cross_chapter_account_numbered_plate_code_05(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT p.plate_codes, a.number, a.bank, p.name_vi FROM accounts a
            JOIN organizations o ON o.id = a.org_id JOIN provinces p ON p.code = o.province_code
            WHERE o.kind = 'red_cross_chapter'""")
        ).all()
    assert len(rows) == 63 == len(provinces())
    assert all(number == plates.split()[0] + "05" for plates, number, _, _ in rows)
    by_name = {name: number for _, number, _, name in rows}
    assert (by_name["Hà Nội"], by_name["Đà Nẵng"], by_name["TP Hồ Chí Minh"]) == ("2905", "4305", "5005")


def test_running_balances_reconcile_on_every_account(tiny_engine):
    lines = pd.read_sql(
        text("SELECT account_id, id, direction, amount, balance FROM statement_lines ORDER BY id"), tiny_engine
    )
    opening = pd.read_sql(text("SELECT id, opening_balance FROM accounts"), tiny_engine).set_index("id").opening_balance
    signed = lines.amount.where(lines.direction == "in", -lines.amount)
    expected = signed.groupby(lines.account_id).cumsum() + lines.account_id.map(opening)
    assert (expected == lines.balance).all()
    closing = lines.groupby("account_id").balance.last()
    credits = lines[lines.direction == "in"].groupby("account_id").amount.sum()
    debits = lines[lines.direction == "out"].groupby("account_id").amount.sum()
    recomputed = (
        opening.reindex(closing.index)
        + credits.reindex(closing.index, fill_value=0)
        - debits.reindex(closing.index, fill_value=0)
    )
    assert (recomputed == closing).all()
    assert (lines.balance >= 0).all()


def test_each_disbursement_is_paid_by_a_debit_line_of_the_same_amount_on_the_campaign_account(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT d.amount, s.amount, s.direction, s.account_id, c.account_id, s.campaign_id, d.campaign_id
            FROM disbursements d JOIN campaigns c ON c.id = d.campaign_id
            LEFT JOIN statement_lines s ON s.id = d.statement_line_id""")
        ).all()
        debits = conn.execute(text("SELECT COUNT(*) FROM statement_lines WHERE direction = 'out'")).scalar_one()
    assert len(rows) > 10
    for d_amount, s_amount, direction, s_account, c_account, s_campaign, d_campaign in rows:
        assert (s_amount, direction, s_account, s_campaign) == (d_amount, "out", c_account, d_campaign)
    assert debits == len(rows)  # and no debit without its disbursement


def test_seed_plants_each_kind_of_rule_breach_and_lists_it(tiny_engine):
    with tiny_engine.connect() as conn:
        planted = json.loads(conn.execute(text("SELECT value FROM meta WHERE key = 'planted_breaches'")).scalar_one())
    assert {p["rule"] for p in planted} == {"late_report", "missing_report", "over_disbursed"}


def test_vietnamese_names_are_family_name_first(tiny_engine):
    families = {fold(f).upper() for f in FAMILY}
    with tiny_engine.connect() as conn:
        printed = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT counterparty FROM statement_lines WHERE direction = 'in' AND currency = 'VND' "
                    "AND counterparty NOT LIKE 'CONG TY%' AND counterparty NOT LIKE 'TONG CONG TY%' "
                    "AND counterparty NOT LIKE 'NGAN HANG%'"
                )
            )
        ]
    assert len(printed) > 1000
    first_words = pd.Series([p.split()[0] for p in printed])
    assert first_words.isin(families).all()
    assert (first_words == "NGUYEN").mean() > 0.25  # the commonest family name leads, as in life


def test_amounts_look_like_real_relief_statements(tiny_engine):
    """Outside micro-donation (community) campaigns, amounts follow the 2024 relief statements' mix."""
    amounts = pd.read_sql(
        text("""SELECT s.amount FROM statement_lines s JOIN campaigns c ON c.id = s.campaign_id
                                  WHERE s.direction = 'in' AND c.category <> 'community'"""),
        tiny_engine,
    ).amount
    favourites = amounts.isin([10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000])
    assert favourites.mean() > 0.6
    assert (amounts % 10_000 == 0).mean() > 0.85
    assert amounts.max() >= 20_000_000  # a tail of large gifts


def test_memos_are_ascii_in_real_bank_styles(tiny_engine):
    memos = pd.read_sql(
        text("SELECT description FROM statement_lines WHERE direction = 'in' AND currency = 'VND'"), tiny_engine
    ).description
    assert memos.map(str.isascii).all()
    assert 0.15 < memos.str.startswith("MBVCB.").mean() < 0.35
    assert 0.15 < memos.str.match(r"^02009704").mean() < 0.35


def test_evenings_dominate_the_daily_cycle(tiny_engine):
    hours = pd.read_sql(
        text("SELECT CAST(strftime('%H', posted_at) AS INTEGER) AS h FROM statement_lines WHERE direction = 'in'"),
        tiny_engine,
    ).h
    share = hours.value_counts(normalize=True)
    assert share[21] > share[10] > share[3]


def test_beneficiaries_include_duplicates_across_organizations(tiny_engine):
    with tiny_engine.connect() as conn:
        dup = conn.execute(
            text("""SELECT COUNT(*) FROM (SELECT national_id_hash FROM beneficiaries
                                   GROUP BY national_id_hash HAVING COUNT(DISTINCT org_id) > 1) d""")
        ).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM beneficiaries")).scalar_one()
        provinces_with_merchants = conn.execute(
            text("SELECT COUNT(DISTINCT province_code) FROM merchants")
        ).scalar_one()
    assert 0.01 * total < dup < 0.05 * total
    assert provinces_with_merchants == 63


def test_bursts_peak_within_days_of_an_appeal(tiny_engine):
    """The biggest disaster-relief campaign receives most of its lines in its first week."""
    with tiny_engine.connect() as conn:
        cid, start = conn.execute(
            text("""
            SELECT c.id, c.start_on FROM campaigns c JOIN statement_lines s ON s.campaign_id = c.id
            WHERE c.category = 'disaster_relief' GROUP BY c.id, c.start_on ORDER BY COUNT(*) DESC LIMIT 1""")
        ).one()
        days = pd.read_sql(
            text(
                "SELECT julianday(date(posted_at)) - julianday(:start) AS d FROM statement_lines "
                "WHERE campaign_id = :cid AND direction = 'in'"
            ),
            conn,
            params={"start": start, "cid": cid},
        ).d
    per_day = days.value_counts().sort_index()
    assert per_day.idxmax() <= 5
    assert (days <= 7).mean() > 0.6


@pytest.mark.parametrize(
    "url, phrase",
    [
        ("not a url", "not a valid URL"),
        ("mysql://x@y/z", "Unsupported database"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "Cannot reach the database"),
    ],
)
def test_bad_database_url_gives_one_clear_message(url, phrase, capsys):
    from seed.__main__ import main

    assert main(["--scale", "tiny", "--db", url]) == 2
    err = capsys.readouterr().err
    assert phrase in err and "Traceback" not in err


def test_unwritable_data_folder_gives_one_clear_message(tmp_path, capsys):
    from seed.__main__ import main

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["--scale", "tiny", "--db", f"sqlite:///{blocker}/sub/x.sqlite"]) == 2
    err = capsys.readouterr().err
    assert "Cannot create the data folder" in err and "Traceback" not in err
