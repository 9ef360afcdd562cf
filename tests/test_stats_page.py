"""The Stats page: totals, buckets, top donors, provinces and hours equal SQL on the tiny seed."""

from __future__ import annotations

import collections
import datetime as dt

from page_specs import chart_frames, open_page
from province_oracle import today_name_of
from sqlalchemy import text

from explorer import fmt

DONATIONS = "direction = 'in' AND currency = 'VND' AND posted_at >= '2024-09-10' AND posted_at < '2024-09-13'"


def test_date_range_totals_and_tables_match_sql(app, tiny_engine):
    params = {"from": "2024-09-10", "to": "2024-09-12"}
    at = open_page(app, "stats", **params)
    assert not at.exception
    with tiny_engine.connect() as conn:
        amount, lines, days = conn.execute(
            text(
                f"SELECT SUM(amount), COUNT(*), COUNT(DISTINCT date(posted_at)) FROM statement_lines WHERE {DONATIONS}"
            )
        ).one()
        top = conn.execute(
            text(f"""SELECT counterparty, SUM(amount) AS total FROM statement_lines
            WHERE {DONATIONS} AND counterparty IS NOT NULL GROUP BY counterparty ORDER BY total DESC LIMIT 20""")
        ).all()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Đã nhận": fmt.compact_money(amount, "VND", "vi"),
        "Lượt ủng hộ": fmt.number(lines, "vi"),
        "Số ngày có ủng hộ": fmt.number(days, "vi"),
    }
    assert days == 3
    donors = at.dataframe[0].value
    assert donors.amount.tolist() == [t for _, t in top]
    assert dict(at.query_params) == params
    assert at.date_input[0].value == dt.date(2024, 9, 10)


def test_charts_carry_sql_buckets_hours_and_provinces(app, tiny_engine):
    at = open_page(app, "stats", **{"from": "2024-09-10", "to": "2024-09-12", "basis": "campaign"})
    frames = chart_frames(at)
    buckets = next(f for f in frames if "bucket" in f)
    hours = next(f for f in frames if "hour" in f)
    provinces = next(f for f in frames if "province" in f)
    with tiny_engine.connect() as conn:
        bucket_counts = conn.execute(
            text(f"""SELECT
            SUM(amount <= 10000), SUM(amount > 10000 AND amount <= 50000), SUM(amount > 50000 AND amount <= 100000),
            SUM(amount > 100000 AND amount <= 200000), SUM(amount > 200000 AND amount <= 500000),
            SUM(amount > 500000 AND amount <= 1000000), SUM(amount > 1000000 AND amount <= 5000000),
            SUM(amount > 5000000 AND amount <= 10000000), SUM(amount > 10000000 AND amount <= 100000000),
            SUM(amount > 100000000) FROM statement_lines WHERE {DONATIONS}""")
        ).one()
        by_hour = dict(
            conn.execute(
                text(f"""SELECT CAST(strftime('%H', posted_at) AS INTEGER), COUNT(*)
            FROM statement_lines WHERE {DONATIONS} GROUP BY 1""")
            ).all()
        )
        by_old_province = conn.execute(
            text(f"""SELECT c.province_code, SUM(s.amount) FROM statement_lines s
            JOIN campaigns c ON c.id = s.campaign_id
            WHERE {DONATIONS.replace("direction", "s.direction").replace("currency", "s.currency")}
            GROUP BY c.province_code""")
        ).all()
    by_province = collections.Counter()  # today's provinces: Phú Yên's gifts count to Đắk Lắk
    for code, amount in by_old_province:
        by_province[today_name_of(code)] += amount
    assert buckets.lines.tolist() == [int(n or 0) for n in bucket_counts]
    assert buckets.label.tolist()[0] == "≤10k" and buckets.label.tolist()[-1] == ">100 tr"
    assert hours.lines.tolist() == [by_hour.get(h, 0) for h in range(24)]
    assert dict(zip(provinces.province, provinces.amount, strict=False)) == by_province
    assert at.radio[0].value == "campaign"
    assert "chiến dịch" in " ".join(c.value for c in at.caption)  # says which province basis is used


def test_picking_a_basis_and_dates_writes_the_url(app):
    at = open_page(app, "stats")
    at.radio[0].set_value("campaign").run()
    at.date_input[0].set_value(dt.date(2024, 10, 1)).run()
    assert dict(at.query_params) == {"basis": "campaign", "from": "2024-10-01"}


def test_invalid_params_are_ignored_with_a_notice(app):
    at = open_page(app, "stats", **{"from": "2024-13-45", "basis": "donor_home", "limit": "1e9"})
    assert not at.exception
    notices = at.info[0].value
    assert "from" in notices and "basis" in notices and "limit" in notices
    assert at.radio[0].value == "account"
    assert dict(at.query_params) == {}


def test_dates_outside_the_ledger_are_dropped_with_a_notice(app):
    at = open_page(app, "stats", **{"from": "2030-01-01", "to": "2024-09-12"})
    assert not at.exception
    assert "from" in " ".join(i.value for i in at.info)
    assert dict(at.query_params) == {"to": "2024-09-12"} and at.date_input[0].value is None


def test_top_donors_cut_off_leaves_the_rest_of_the_page(app, tiny_engine, monkeypatch):
    """Top donors is the one section reading lines: if it hits the time limit, it says so in place and the
    totals, charts and other downloads still show."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from explorer.i18n import translate
    from explorer.queries import stats

    def cut_off(engine, **_):
        raise OperationalError("SELECT counterparty …", {}, sqlite3.OperationalError("interrupted"))

    monkeypatch.setattr(stats, "top_donors", cut_off)
    at = open_page(app, "stats", lang="en", **{"from": "2024-09-10", "to": "2024-09-12"})
    assert [w.value for w in at.warning] == [translate("en", "common.query_timeout")]
    with tiny_engine.connect() as conn:
        amount = conn.execute(text(f"SELECT SUM(amount) FROM statement_lines WHERE {DONATIONS}")).scalar()
    assert at.metric[0].value == fmt.compact_money(amount, "VND", "en")
    assert len(at.dataframe) == 0 and len(chart_frames(at)) >= 3
