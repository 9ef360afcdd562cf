"""The sidebar language switcher changes every text, writes `lang` to the URL, and money follows the language."""

from __future__ import annotations

import datetime as dt

import pytest

from explorer import fmt
from explorer.queries import overview


def test_switching_language_changes_texts_and_url(app, public_engine):
    at = app.run()
    assert not at.exception
    picker = at.selectbox(key="lang_picker")
    assert picker.value == "vi"
    assert at.title[0].value == "Minh bạch từ thiện — tổng quan"
    assert "lang" not in at.query_params

    at.selectbox(key="lang_picker").set_value("en").run()
    assert not at.exception
    assert at.query_params["lang"] == "en"
    assert at.title[0].value == "Charity transparency — overview"
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Raised", "Disbursed", "Donors"]
    totals = overview.totals(public_engine)
    assert {m.label: m.value for m in at.metric}["Donors"] == fmt.number(totals["donors"], "en")
    assert any("Simulated data" in c.value for c in at.caption)

    at.selectbox(key="lang_picker").set_value("zh").run()
    assert not at.exception
    assert at.query_params["lang"] == "zh"
    assert at.title[0].value == "慈善透明——概览"
    assert [m.label for m in at.metric][:2] == ["已收到", "已拨付"]

    at.selectbox(key="lang_picker").set_value("vi").run()
    assert at.title[0].value == "Minh bạch từ thiện — tổng quan"
    assert at.query_params.get("lang") in (None, "vi")


def test_language_persists_on_the_presenter_page(app, tiny_engine):
    app.run()
    app.switch_page("explorer/pages/presenter.py")
    at = app.run()
    at.selectbox(key="lang_picker").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Give now"
    assert at.query_params["lang"] == "en"
    metrics = {m.label: m.value for m in at.metric}
    raised = metrics["Raised for this campaign"]
    assert raised.startswith("₫") and "," in raised and "." not in raised
    assert "SIMULATION" in " ".join(m.value for m in at.markdown)

    at.selectbox(key="lang_picker").set_value("zh").run()
    assert at.title[0].value == "立即捐款"
    assert "本活动已收到" in {m.label for m in at.metric}


def test_lang_from_the_url_selects_the_picker(app):
    app.query_params["lang"] = "zh"
    at = app.run()
    assert at.selectbox(key="lang_picker").value == "zh"
    assert at.title[0].value == "慈善透明——概览"


@pytest.mark.parametrize(
    "lang,vnd,cny",
    [
        ("vi", "1.000.000\u00a0₫", "200,00\u00a0CN¥"),
        ("en", "₫1,000,000", "CN¥200.00"),
        ("zh", "₫1,000,000", "¥200.00"),
    ],
)
def test_money_per_language(lang, vnd, cny):
    # Babel separates the symbol with a no-break space so it never wraps away from the number.
    assert fmt.money(1_000_000, "VND", lang) == vnd
    assert fmt.money(20_000, "CNY", lang) == cny  # 20,000 fen = 200 yuan
    assert fmt.money(1_000_000, "VND", lang).replace("\u00a0", " ") == vnd.replace("\u00a0", " ")


def test_vietnamese_money_has_no_decimals_and_cny_has_the_yuan_sign():
    assert fmt.money(1_000_000, "VND", "vi").replace("\u00a0", " ") == "1.000.000 ₫"
    assert "¥" in fmt.money(5_000, "CNY", "vi") and "¥" in fmt.money(5_000, "CNY", "en")


@pytest.mark.parametrize(
    "lang,number,day",
    [
        ("vi", "1.234.567", "08/09/2024"),  # one date format per language, the date pickers' and the tables' too
        ("en", "1,234,567", "2024-09-08"),
        ("zh", "1,234,567", "2024/09/08"),
    ],
)
def test_numbers_and_dates_per_language(lang, number, day):
    assert fmt.number(1_234_567, lang) == number
    assert fmt.day(dt.date(2024, 9, 8), lang) == day


@pytest.mark.parametrize(
    ("lang", "compact", "full"),
    [("vi", "51 triệu ₫", "51.000.000\xa0₫"), ("en", "₫51M", "₫51,000,000"), ("zh", "₫5100万", "₫51,000,000")],
)
def test_short_and_full_amounts_put_the_currency_sign_on_the_same_side(lang, compact, full):
    assert fmt.compact_money(51_000_000, "VND", lang) == compact and fmt.money(51_000_000, "VND", lang) == full


@pytest.mark.parametrize(
    ("amount", "currency", "vi", "en", "zh"),
    [
        (899_000_000, "VND", "899 triệu ₫", "₫899M", "₫8.99亿"),  # the tiny seed's disbursements
        (1_297_158_584, "VND", "1,3 tỷ ₫", "₫1.3B", "₫13亿"),  # its money raised (1.30 / 12.97亿)
        (856_400_000, "VND", "856,4 triệu ₫", "₫856.4M", "₫8.56亿"),
        (10_497, "VND", "10,5 nghìn ₫", "₫10.5K", "₫1.05万"),  # was '₫1万': 5 % off
        (1_050_010, "VND", "1,05 triệu ₫", "₫1.05M", "₫105万"),  # was '1,1 triệu': 4.8 % off
        (999_960_000, "VND", "1 tỷ ₫", "₫1B", "₫10亿"),  # rounds up to the next unit, not '999,96 triệu'
        (69_056_500, "CNY", "690,6 nghìn CN¥", "CN¥690.6K", "¥69.1万"),  # a voucher fund's CNY 690,565.00
    ],
)
def test_compact_amounts_keep_three_significant_digits(amount, currency, vi, en, zh):
    assert [fmt.compact_money(amount, currency, lang) for lang in ("vi", "en", "zh")] == [vi, en, zh]
