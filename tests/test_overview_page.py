"""The Overview page shows the totals SQL computes on the tiny seed."""

from __future__ import annotations

from sqlalchemy import text

from explorer import fmt


def _sql_totals(engine):
    with engine.connect() as conn:

        def one(q):
            return conn.execute(text(q)).scalar_one()

        return {
            "raised": one("SELECT SUM(amount) FROM statement_lines WHERE direction='in' AND currency='VND'"),
            "disbursed": one("SELECT SUM(amount) FROM disbursements"),
            "donors": one("SELECT COUNT(DISTINCT donor_key) FROM statement_lines WHERE direction='in'"),
            "campaigns": one("SELECT COUNT(*) FROM campaigns"),
            "accounts": one("SELECT COUNT(*) FROM accounts"),
        }


def test_overview_shows_sql_totals(app, tiny_engine):
    at = app.run()
    assert not at.exception
    expected = _sql_totals(tiny_engine)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Đã nhận"].value == fmt.compact_money(expected["raised"], "VND", "vi")
    assert metrics["Đã giải ngân"].value == fmt.compact_money(expected["disbursed"], "VND", "vi")
    assert metrics["Nhà hảo tâm"].value == fmt.number(expected["donors"], "vi")
    assert metrics["Chiến dịch"].value == fmt.number(expected["campaigns"], "vi")
    assert metrics["Tài khoản"].value == fmt.number(expected["accounts"], "vi")
    assert expected["campaigns"] == 24 + 3 + 1 and expected["accounts"] == 86  # + giving day, charity purchases
    assert any("mô phỏng" in c.value for c in at.caption), "seeded data must be labelled as simulated"


def test_overview_in_english_via_url(app, tiny_engine):
    app.query_params["lang"] = "en"
    at = app.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Campaigns"] == "28"  # 24 + the giving day's 3 projects + charity purchases
    assert at.title[0].value == "Charity transparency — overview"


def test_unknown_url_param_is_ignored_with_notice(app):
    app.query_params["evil"] = "__import__('os')"
    app.query_params["lang"] = "klingon"
    at = app.run()
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "evil" in notices and "lang" in notices
    assert at.title[0].value == "Minh bạch từ thiện — tổng quan"


def test_headline_amounts_in_chinese_keep_three_significant_digits(app, tiny_engine):
    """899,000,000 ₫ disbursed read '₫9亿' in Chinese, beside '899 triệu' and '₫899M': one digit, rounded up."""
    app.query_params["lang"] = "zh"
    at = app.run()
    expected = _sql_totals(tiny_engine)
    assert (expected["raised"], expected["disbursed"]) == (1_297_158_584, 899_000_000)  # the tiny seed's totals
    metrics = {m.label: m for m in at.metric}
    assert metrics["已拨付"].value == "₫8.99亿"
    assert metrics["已收到"].value == "₫13亿"  # 12.97亿: three significant digits, the trailing zero dropped
    assert metrics["已拨付"].help == "₫899,000,000"
