"""Stats recomputed for one account / one campaign, and the province map's money, equal to plain SQL on lines."""

from __future__ import annotations

import datetime as dt

import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer.queries import province_map, stats


@pytest.fixture(scope="module")
def busy(tiny_engine) -> dict:
    """The account number and the campaign with the most incoming VND lines in the tiny seed."""
    with tiny_engine.connect() as conn:
        number = conn.execute(
            text(
                "SELECT a.number FROM statement_lines s JOIN accounts a ON a.id = s.account_id "
                "WHERE s.direction = 'in' AND s.currency = 'VND' GROUP BY a.number ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).scalar_one()
        campaign = conn.execute(
            text(
                "SELECT campaign_id FROM statement_lines WHERE direction = 'in' AND campaign_id IS NOT NULL "
                "GROUP BY campaign_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).scalar_one()
    return {"account": number, "campaign": int(campaign)}


def lines_sql(engine, where: str, **params) -> tuple[int, int]:
    with engine.connect() as conn:
        count, amount = conn.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(s.amount), 0) FROM statement_lines s "
                "JOIN accounts a ON a.id = s.account_id "
                f"WHERE s.direction = 'in' AND s.currency = 'VND' AND {where}"
            ),
            params,
        ).one()
    return int(count), int(amount)


@pytest.mark.parametrize("which", ["account", "campaign", "both"])
def test_daily_buckets_hours_and_donors_follow_the_scope(tiny_engine, busy, which):
    account = busy["account"] if which in ("account", "both") else None
    campaign = busy["campaign"] if which in ("campaign", "both") else None
    scope = stats.scope_of(tiny_engine, account=account, campaign=campaign)
    where = " AND ".join(
        (["a.number = :n"] if account else []) + (["s.campaign_id = :c"] if campaign is not None else [])
    )
    count, amount = lines_sql(tiny_engine, where, n=account, c=campaign)
    daily = stats.daily(tiny_engine, scope=scope)
    assert (int(daily.lines.sum()), int(daily.amount.sum())) == (count, amount)
    buckets = stats.amount_buckets(tiny_engine, scope=scope)
    assert int(buckets.lines.sum()) == count
    timed, _ = lines_sql(tiny_engine, where + " AND s.has_time", n=account, c=campaign)
    assert int(stats.by_hour(tiny_engine, scope=scope).lines.sum()) == timed
    if which != "both":
        everything = stats.daily(tiny_engine)
        assert int(everything.lines.sum()) > count  # the scope really narrowed the figures


def test_dates_and_scope_together(tiny_engine, busy):
    scope = stats.scope_of(tiny_engine, campaign=busy["campaign"])
    daily = stats.daily(tiny_engine, scope=scope)
    start = daily.day.iloc[len(daily) // 2].date()
    end = start + dt.timedelta(days=10)
    count, amount = lines_sql(
        tiny_engine,
        "s.campaign_id = :c AND s.posted_at >= :a AND s.posted_at < :b",
        c=busy["campaign"],
        a=start.isoformat(),
        b=(end + dt.timedelta(days=1)).isoformat(),
    )
    part = stats.daily(tiny_engine, date_from=start, date_to=end, scope=scope)
    assert (int(part.lines.sum()), int(part.amount.sum())) == (count, amount) and count


def test_unknown_account_scope_matches_nothing(tiny_engine):
    scope = stats.scope_of(tiny_engine, account="0000000")
    assert stats.daily(tiny_engine, scope=scope).empty


def test_map_money_per_province_equals_sql(tiny_engine):
    frame = province_map.money_by_province(tiny_engine, basis="campaign").set_index("unit")
    with tiny_engine.connect() as conn:
        raised = dict(
            conn.execute(
                text(
                    "SELECT c.province_code, SUM(s.amount) FROM statement_lines s JOIN campaigns c "
                    "ON c.id = s.campaign_id WHERE s.direction = 'in' AND s.currency = 'VND' GROUP BY 1"
                )
            ).all()
        )
        paid = dict(
            conn.execute(
                text(
                    "SELECT d.province_code, SUM(d.amount) FROM disbursements d JOIN campaigns c "
                    "ON c.id = d.campaign_id WHERE c.currency = 'VND' GROUP BY 1"
                )
            ).all()
        )
        where = dict(conn.execute(text("SELECT code, lat FROM provinces")).all())
    assert set(frame.index) == set(raised) | set(paid) and paid
    for code, row in frame.iterrows():
        assert (row.raised, row.disbursed) == (raised.get(code, 0), paid.get(code, 0))
        assert row.lat == where[code]
    assert list(frame.raised) == sorted(frame.raised, reverse=True)


def test_stats_page_scoped_by_account_shows_its_total(app, tiny_engine, busy):
    at = open_page(app, "stats", account=busy["account"])
    count, _ = lines_sql(tiny_engine, "a.number = :n", n=busy["account"])
    assert at.metric[1].value == f"{count:,}".replace(",", ".")
    assert at.selectbox(key="sts_account_vi").value == busy["account"]
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any('"field": "lon"' in spec and '"field": "lat"' in spec for spec in specs)  # the province map


def test_map_chart_has_a_circle_per_province_and_measure(tiny_engine):
    from explorer.ui import stats_view

    frame = province_map.money_by_province(tiny_engine)
    chart = stats_view.province_map(frame, {"raised": "R", "disbursed": "D"}, "P")
    drawn = chart.layer[0].data
    assert len(drawn) == int((frame.raised > 0).sum() + (frame.disbursed > 0).sum()) and len(drawn) > 10
    row = drawn[(drawn.measure == "D")].iloc[0]
    assert row.amount == row.disbursed == frame.set_index("province").loc[row.province, "disbursed"]
