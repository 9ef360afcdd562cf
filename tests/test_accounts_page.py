"""The Accounts page shows what SQL says about the tiny seed, and its URL reproduces the view."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from page_specs import chart_frames, exports, open_page
from sqlalchemy import text

from explorer import fmt
from explorer.i18n import translate

FLAGGED = 1  # the flagged-accounts table: after the result list (its phone copy is HTML: explorer.ui.phone)


def rows(at, index=0):
    return at.dataframe[index].value


@pytest.fixture(scope="module")
def breach(tiny_engine):
    """A planted breach with its campaign and the account that holds it."""
    with tiny_engine.connect() as conn:
        planted = json.loads(conn.execute(text("SELECT value FROM meta WHERE key = 'planted_breaches'")).scalar_one())
        first = planted[0]
        found = (
            conn.execute(
                text("""SELECT c.id, c.title, a.id AS account_id, a.number FROM campaigns c
                                     JOIN accounts a ON a.id = c.account_id WHERE c.id = :id"""),
                {"id": first["campaign_id"]},
            )
            .mappings()
            .one()
        )
    return {**found, "rule": first["rule"], "planted": planted}


def test_exact_number_comes_first(app, tiny_engine):
    at = open_page(app, "accounts", q="2905")
    assert not at.exception
    with tiny_engine.connect() as conn:
        expected = (
            conn.execute(
                text(
                    "SELECT number FROM accounts WHERE instr(number, '2905') > 0 "
                    "ORDER BY number <> '2905', length(number), number"
                )
            )
            .scalars()
            .all()
        )
    assert rows(at).number.tolist() == expected and expected[0] == "2905"
    assert rows(at).holder_name.iloc[0] == "HOI CHU THAP DO HA NOI"
    assert at.query_params["q"] == "2905"


def test_holder_name_without_diacritics_or_case(app):
    at = open_page(app, "accounts", q="hội chữ THẬP ĐỎ đà nẵng")
    assert rows(at).number.tolist() == ["4305"]


def test_filters_round_trip_and_match_sql(app, tiny_engine):
    params = {"province": "29", "kind": "red_cross_chapter"}
    at = open_page(app, "accounts", **params)
    with tiny_engine.connect() as conn:
        expected = (
            conn.execute(
                text("""SELECT a.number FROM accounts a JOIN organizations o ON o.id = a.org_id
                                        WHERE a.province_code = 29 AND o.kind = 'red_cross_chapter'""")
            )
            .scalars()
            .all()
        )
    assert rows(at).number.tolist() == expected == ["2905"]
    assert dict(at.query_params) == params
    assert at.selectbox[0].value == 29 and at.selectbox[1].value == "red_cross_chapter"


def test_typing_a_search_writes_the_url_and_pages(app, tiny_engine):
    at = open_page(app, "accounts")
    at.text_input[0].input("05").run()
    assert dict(at.query_params) == {"q": "05"}
    with tiny_engine.connect() as conn:
        expected = (
            conn.execute(
                text(
                    "SELECT number FROM accounts WHERE instr(number, '05') > 0 "
                    "ORDER BY number <> '05', length(number), number"
                )
            )
            .scalars()
            .all()
        )
    assert rows(at).number.tolist() == expected[:20] and len(expected) > 20
    at.button(key="accounts_next").click().run()
    assert at.query_params["page"] == "2"
    assert rows(at).number.tolist() == expected[20:40]


def test_account_detail_shows_money_flags_and_link(app, tiny_engine, breach):
    at = open_page(app, "accounts", account=breach["number"])
    assert not at.exception
    with tiny_engine.connect() as conn:
        money_in, money_out = conn.execute(
            text("""
            SELECT SUM(CASE WHEN direction = 'in' THEN amount END), SUM(CASE WHEN direction = 'out' THEN amount END)
            FROM statement_lines WHERE account_id = :a AND currency = 'VND'"""),
            {"a": breach["account_id"]},
        ).one()
        top = conn.execute(
            text("""SELECT counterparty, SUM(amount) AS total FROM statement_lines
                                   WHERE account_id = :a AND direction = 'in' AND counterparty IS NOT NULL
                                   GROUP BY counterparty ORDER BY total DESC LIMIT 10"""),
            {"a": breach["account_id"]},
        ).all()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tiền vào"] == fmt.compact_money(money_in, "VND", "vi")
    assert metrics["Tiền ra"] == fmt.compact_money(money_out, "VND", "vi")
    assert rows(at, 0).amount.tolist() == [t for _, t in top]
    warnings = " ".join(w.value for w in at.warning)
    assert breach["title"] in warnings and translate("vi", f"flags.status_{breach['rule']}") in warnings
    assert translate("vi", "flags.rule_label") in warnings  # the rule each flag comes from is named
    link = at.get("page_link")[0].proto
    assert link.query_string == f"account={breach['number']}" and "statements" in link.page
    campaigns_table = rows(at, 2)
    assert breach["id"] in campaigns_table.id.tolist()
    assert dict(at.query_params) == {"account": breach["number"]}


def test_account_detail_exports_its_monthly_in_and_out(app, media, tiny_engine, breach):
    """The in-vs-out chart's figures download as CSV and Parquet, equal to SQL over the lines."""
    at = open_page(app, "accounts", account=breach["number"])
    with tiny_engine.connect() as conn:
        expected = pd.read_sql(
            text("""
            SELECT substr(posted_at, 1, 7) AS month, direction, SUM(amount) AS amount, COUNT(*) AS lines
            FROM statement_lines WHERE account_id = :a AND currency = 'VND'
            GROUP BY substr(posted_at, 1, 7), direction ORDER BY month, direction"""),
            conn,
            params={"a": breach["account_id"]},
        )
    files = exports(at, media)
    name = f"account_{breach['number']}_monthly"
    (csv,) = [v for k, v in files.items() if k.endswith(f"{name}.csv")]
    (parquet,) = [v for k, v in files.items() if k.endswith(f"{name}.parquet")]
    for shown in (coded(pd.read_csv(io.BytesIO(csv))), pd.read_parquet(io.BytesIO(parquet))):
        assert shown.to_dict("records") == expected.to_dict("records")
    assert set(expected["direction"]) == {"in", "out"}


def test_flagged_accounts_listed_on_the_empty_search(app, breach):
    at = open_page(app, "accounts")
    flagged = rows(at, FLAGGED)
    numbers = set(flagged.number)
    assert breach["number"] in numbers and len(flagged) == len(breach["planted"])


def test_unknown_account_and_bad_params_are_reported(app):
    at = open_page(app, "accounts", account="0000", kind="alien", province="x9", evil="__import__('os')")
    assert not at.exception
    assert "0000" in at.warning[0].value
    notice = at.info[0].value
    assert "kind" in notice and "province" in notice and "evil" in notice
    assert dict(at.query_params) == {"account": "0000"}


def test_english_labels_via_url(app):
    at = open_page(app, "accounts", q="2905", lang="en")
    assert at.title[0].value == "Charity accounts"
    assert at.text_input[0].label == "Account number or holder name"


def test_selecting_a_row_opens_that_account(app, tiny_engine, breach):
    at = open_page(app, "accounts")
    flagged = rows(at, FLAGGED)
    row = flagged.number.tolist().index(breach["number"])
    at.session_state["flagged_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert dict(at.query_params) == {"account": breach["number"]}
    assert at.subheader[0].value.startswith(f"{breach['number']} · ")
    at.button[0].click().run()  # back to the list
    with tiny_engine.connect() as conn:
        first = conn.execute(text("SELECT number FROM accounts ORDER BY length(number), number LIMIT 1")).scalar_one()
    assert dict(at.query_params) == {} and rows(at).number.iloc[0] == first


def coded(frame: pd.DataFrame) -> pd.DataFrame:
    """A CSV read back with its Vietnamese headers (the page's language) turned into the column codes."""
    from explorer.i18n import catalog

    codes = {texts["vi"]: key.split(".", 1)[1] for key, texts in catalog().items() if key.startswith("columns.")}
    assert set(frame.columns) <= set(codes), frame.columns
    return frame.rename(columns=codes)


@pytest.mark.parametrize(("lang", "pattern"), [("vi", r"\d{2}/\d{4}"), ("en", r"\d{4}-\d{2}"), ("zh", r"\d{4}/\d{2}")])
def test_the_monthly_chart_writes_months_as_the_language_does(app, breach, lang, pattern):
    at = open_page(app, "accounts", account=breach["number"], lang=lang)
    (monthly,) = [f for f in chart_frames(at) if "shown" in f]
    assert monthly["shown"].str.fullmatch(pattern).all() and len(set(monthly["shown"])) > 1
    firsts = pd.to_datetime(monthly["month"] + "-01").dt.strftime({"vi": "%m/%Y", "en": "%Y-%m", "zh": "%Y/%m"}[lang])
    assert monthly["shown"].tolist() == firsts.tolist()
