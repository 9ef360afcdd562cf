"""The Disbursements page: money stages, rows tied to their debit lines, breakdowns and the flow chart."""

from __future__ import annotations

import pandas as pd
from page_specs import chart_frames, open_page
from sqlalchemy import text

from explorer import fmt, provinces
from explorer.ui import flow_view


def test_stages_rows_and_debit_lines_match_sql(app, tiny_engine):
    at = open_page(app, "disbursements")
    assert not at.exception
    with tiny_engine.connect() as conn:
        pledged, target = conn.execute(text("SELECT SUM(pledged), SUM(target) FROM campaigns")).one()
        received = conn.execute(
            text("SELECT SUM(amount) FROM statement_lines WHERE direction = 'in' AND campaign_id IS NOT NULL")
        ).scalar_one()
        disbursed = conn.execute(text("SELECT SUM(amount) FROM disbursements")).scalar_one()
        expected = conn.execute(
            text("""
            SELECT d.id, d.amount, s.id AS line_id, s.amount AS line_amount, s.reference, s.direction, a.number
            FROM disbursements d JOIN statement_lines s ON s.id = d.statement_line_id
            JOIN accounts a ON a.id = s.account_id
            ORDER BY d.disbursed_on DESC, d.id DESC LIMIT 20""")
        ).all()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Mục tiêu": fmt.compact_money(target, "VND", "vi"),
        "Cam kết": fmt.compact_money(pledged, "VND", "vi"),
        "Đã nhận": fmt.compact_money(received, "VND", "vi"),
        "Đã giải ngân": fmt.compact_money(disbursed, "VND", "vi"),
    }
    table = at.dataframe[0].value
    assert table.id.tolist() == [e.id for e in expected]
    for row, e in zip(table.itertuples(), expected, strict=False):
        assert (row.line_id, row.line_amount, row.line_reference) == (e.line_id, e.line_amount, e.reference)
        assert e.direction == "out" and e.line_amount == e.amount == row.amount
        assert row.line_link.startswith("statements?") and f"account={e.number}" in row.line_link


def test_filters_and_breakdown_round_trip(app, tiny_engine):
    params = {"category": "construction", "by": "province"}
    at = open_page(app, "disbursements", **params)
    with tiny_engine.connect() as conn:
        ids = (
            conn.execute(
                text("SELECT id FROM disbursements WHERE category = 'construction' ORDER BY disbursed_on DESC, id DESC")
            )
            .scalars()
            .all()
        )
        by_province = {
            # a province merged on 1 July 2025 is named with today's: 'Bình Thuận (nay thuộc Lâm Đồng)'
            f"{name} (nay thuộc {provinces.today_name(code)})" if provinces.was_merged(code) else name: amount
            for code, name, amount in conn.execute(
                text("""SELECT p.code, p.name_vi, SUM(d.amount) FROM disbursements d
            JOIN provinces p ON p.code = d.province_code WHERE d.category = 'construction'
            GROUP BY p.code, p.name_vi""")
            ).all()
        }
    assert at.dataframe[0].value.id.tolist() == ids[:20] and ids
    assert at.radio[0].value == "province"
    breakdown = chart_frames(at)[0]
    assert dict(zip(breakdown.label, breakdown.amount, strict=False)) == by_province
    assert dict(at.query_params) == params


def test_choosing_a_grouping_writes_the_url(app):
    at = open_page(app, "disbursements")
    at.radio[0].set_value("recipient_group").run()
    assert dict(at.query_params) == {"by": "recipient_group"}


def test_flow_chart_conserves_money(app, tiny_engine):
    at = open_page(app, "disbursements")
    links = next(frame for frame in chart_frames(at) if "link" in frame)  # the flow's bands
    with tiny_engine.connect() as conn:
        received = conn.execute(
            text("SELECT SUM(amount) FROM statement_lines WHERE direction = 'in' AND campaign_id IS NOT NULL")
        ).scalar_one()
    first_stage = links[links.source.str.startswith("donors:")].drop_duplicates("link")
    assert first_stage.amount.sum() == received


def test_invalid_params_are_ignored_with_a_notice(app):
    at = open_page(app, "disbursements", group="aliens", by="'; DROP TABLE x", campaign="0")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "group" in notices and "by" in notices and "campaign" in notices
    assert at.radio[0].value == "category"
    assert dict(at.query_params) == {}


def test_flow_layout_stacks_bands_inside_their_nodes():
    links = pd.DataFrame(
        {
            "source": ["donors:small", "donors:large", "account:2905", "account:2905"],
            "target": ["account:2905", "account:2905", "category:cash", "category:held"],
            "amount": [30, 70, 60, 40],
        }
    )
    nodes, bands = flow_view.layout(links)
    node = nodes.set_index("node")
    assert node.value.to_dict() == {
        "account:2905": 100,
        "category:cash": 60,
        "category:held": 40,
        "donors:large": 70,
        "donors:small": 30,
    }
    assert node.loc["category:held", "y0"] > node.loc["category:cash", "y0"]  # catch-alls go last
    ends = bands.groupby("link").agg(first_y0=("y0", "first"), last_y0=("y0", "last"), amount=("amount", "first"))
    into_account = ends[ends.index.str.endswith("account:2905")].sort_values("last_y0")
    assert into_account.last_y0.tolist() == [node.loc["account:2905", "y0"], node.loc["account:2905", "y0"] + 70]
    assert (bands.y1 - bands.y0).round(9).equals(bands.amount.astype(float))
