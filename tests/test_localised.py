"""Issue 14, "localised and consistent": formats follow the page's language (never the browser's), one date
format per language on every page, charts carrying the language's Vega-Lite locale, no English in the seed's memos."""

from __future__ import annotations

import json

import pytest
from page_specs import open_page as open_in
from sqlalchemy import text

from explorer import fmt
from explorer.db.schema import BENEFICIARY_GROUPS

APP = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "streamlit_app.py")

LANGS = ("vi", "en", "zh")


def open_page(_app, name: str, **params):
    """The page in a new session (an AppTest reused across pages and languages keeps the other's widgets)."""
    from streamlit.testing.v1 import AppTest

    return open_in(AppTest.from_file(APP, default_timeout=60), name, **params)


def money_formats(element) -> dict[str, str]:
    """{header: format} of a dataframe's number columns that carry a printf format."""
    columns = json.loads(element.proto.columns)
    return {
        k: c["type_config"]["format"]
        for k, c in columns.items()
        if c.get("type_config", {}).get("type") == "number" and "format" in c["type_config"]
    }


def test_grid_money_format_per_language():
    assert fmt.grid_money_format("vi") == "%'.,d"  # 53.000.000
    assert fmt.grid_money_format("en") == "%',,d"  # 53,000,000
    assert fmt.grid_money_format("zh") == "%',,d"
    assert "." not in fmt.grid_money_format("vi", 2).split(",")[0]  # never '1.234.56'


@pytest.mark.parametrize("lang", LANGS)
def test_money_columns_follow_the_page_language(app, lang):
    expected = fmt.grid_money_format(lang)
    at = open_page(app, "statements", lang=lang, dir="in")
    assert not at.exception
    shown = at.dataframe[0].value
    formats = money_formats(at.dataframe[0])
    assert len(formats) == 2  # amount and balance
    for header, format_ in formats.items():
        whole = bool((shown[header].dropna() % 1 == 0).all())
        assert format_ == (expected if whole else fmt.grid_money_format(lang, 2)), header
    at = open_page(app, "campaigns", lang=lang)
    formats = money_formats(at.dataframe[0])
    assert {formats[k] for k in ("target", "received", "disbursed")} == {expected}
    at = open_page(app, "stats", lang=lang)
    assert money_formats(at.dataframe[0])["amount"] == expected


@pytest.mark.parametrize("lang", LANGS)
def test_one_date_format_per_language_on_every_page(app, lang):
    wanted = fmt.date_widget_format(lang)
    seen = {}
    for path in ("statements", "stats", "campaigns", "verify"):
        at = open_page(app, path, lang=lang)
        assert not at.exception
        seen.update({f"{path}:{d.label}": d.proto.format for d in at.date_input})
    assert len(seen) >= 7 and set(seen.values()) == {wanted}, seen
    at = open_page(app, "campaigns", lang=lang)
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["start_on"]["type_config"]["format"] == wanted


@pytest.mark.parametrize(
    "lang,january,sunday,group",
    [("vi", "tháng 1", "Chủ Nhật", "."), ("en", "January", "Sunday", ","), ("zh", "一月", "星期日", ",")],
)
def test_charts_carry_the_page_language_locale(app, lang, january, sunday, group):
    for path in ("stats", "overview", "disbursements"):
        at = open_page(app, path, lang=lang)
        charts = at.get("vega_lite_chart")
        assert charts
        for chart in charts:
            locale = json.loads(chart.proto.spec)["config"]["locale"]
            assert locale["time"]["months"][0] == january and locale["time"]["days"][0] == sunday
            assert locale["number"]["thousands"] == group


def test_vega_locale_currency_and_dates():
    vi, en = fmt.vega_locale("vi"), fmt.vega_locale("en")
    assert vi["number"]["currency"] == ["", "\u00a0₫"] and en["number"]["currency"] == ["₫", ""]
    assert vi["time"]["date"] == "%d/%m/%Y" and en["time"]["date"] == "%Y-%m-%d"
    assert fmt.vega_locale("zh")["time"]["shortMonths"][11] == "12月"


def test_seeded_payout_memos_carry_no_english_codes(tiny_engine):
    with tiny_engine.connect() as conn:
        memos = (
            conn.execute(
                text("SELECT l.description FROM statement_lines l JOIN disbursements d ON d.statement_line_id = l.id")
            )
            .scalars()
            .all()
        )
    assert memos
    codes = [g.upper().replace("_", " ") for g in BENEFICIARY_GROUPS]
    assert not [m for m in memos if any(c in m for c in codes)]
    assert any("NGUOI CAO TUOI" in m for m in memos)


@pytest.mark.parametrize(
    "lang,headers",
    [
        ("vi", ["Tên trên sao kê", "Số tiền", "Số giao dịch"]),
        ("en", ["Name on the statement", "Amount", "Lines"]),
        ("zh", ["对方名称", "金额", "笔数"]),
    ],
)
def test_csv_headers_in_the_page_language_parquet_in_codes(app_env, media, lang, headers):
    import io

    import pandas as pd
    from page_specs import exports

    at = open_page(None, "stats", lang=lang, **{"from": "2024-09-10", "to": "2024-09-12"})
    files = exports(at, media)
    (csv,) = [v for k, v in files.items() if k.endswith("stats_top_donors.csv")]
    (parquet,) = [v for k, v in files.items() if k.endswith("stats_top_donors.parquet")]
    assert pd.read_csv(io.BytesIO(csv)).columns.tolist() == headers
    assert pd.read_parquet(io.BytesIO(parquet)).columns.tolist() == ["counterparty", "amount", "lines"]


def test_url_notice_in_the_page_language(app_env):
    at = open_page(None, "stats", lang="vi", basis="nowhere", colour="red")
    notice = " ".join(i.value for i in at.info)
    assert "không phải giá trị được phép" in notice and "không phải tham số của trang này" in notice
    assert "unknown" not in notice and "allowed" not in notice
    at = open_page(None, "stats", lang="en", basis="nowhere")
    assert "not one of the allowed values" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_tables_say_so_in_the_page_language(app_env, tiny_engine, lang):
    import datetime as dt

    from explorer.i18n import translate

    with tiny_engine.connect() as conn:
        days = set(
            conn.execute(
                text("SELECT DISTINCT date(posted_at) FROM statement_lines WHERE direction = 'in' AND currency = 'VND'")
            ).scalars()
        )
    first = dt.date.fromisoformat(min(days))
    quiet = next(d for d in (first + dt.timedelta(n) for n in range(400)) if d.isoformat() not in days)
    at = open_page(None, "stats", lang=lang, **{"from": quiet.isoformat(), "to": quiet.isoformat()})
    assert len(at.dataframe) == 0  # no grid with its English "empty"
    assert translate(lang, "common.no_rows") in [i.value for i in at.info]
