"""Verify my donation: ranked candidates equal a Python oracle on the tiny seed; the page shows them with reasons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer.db import line_order
from explorer.queries import verify
from explorer.text import fold


@pytest.fixture(scope="module")
def incoming(tiny_db_url) -> pd.DataFrame:
    """Every incoming line (for the oracle only)."""
    from explorer.db.engine import make_engine

    with make_engine(tiny_db_url, readonly=True).connect() as conn:
        frame = pd.read_sql(
            text(
                "SELECT s.id, s.posted_at, a.number AS account, s.amount, s.currency, s.search_text "
                "FROM statement_lines s JOIN accounts a ON a.id = s.account_id WHERE s.direction = 'in'"
            ),
            conn,
        )
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    return frame


def oracle(
    incoming: pd.DataFrame,
    name: str,
    amount: int | None,
    around: dt.date | None,
    account=None,
    days: int = 3,
    limit: int = 20,
) -> list[tuple[int, float]]:
    """(id, score) best first: name 40 + exact amount 40 + closeness 20·(1 − days_off/(days+1))."""
    term = fold(name)
    rows = incoming if account is None else incoming[incoming["account"] == account]
    if around is not None:
        off = (rows["posted_at"].dt.normalize() - pd.Timestamp(around)).dt.days
        rows = rows[off.abs() <= days]
    name_hit = rows["search_text"].map(lambda s: bool(term) and term in s)
    scale = rows["currency"].map({"VND": 1, "USD": 100})
    amount_hit = (rows["amount"] == amount * scale) if amount is not None else pd.Series(False, index=rows.index)
    rows = rows.assign(name_hit=name_hit, amount_hit=amount_hit)
    rows = rows[rows["name_hit"] | rows["amount_hit"]]
    close = 0.0
    if around is not None:
        close = (1 - (rows["posted_at"].dt.normalize() - pd.Timestamp(around)).dt.days.abs() / (days + 1)).clip(lower=0)
    rows = rows.assign(score=(40 * rows["name_hit"] + 40 * rows["amount_hit"] + 20 * close).round(1))
    rows = rows.sort_values(["score", "posted_at", "id"], ascending=False).head(limit)
    return list(zip(rows["id"].tolist(), rows["score"].tolist(), strict=False))


@pytest.fixture(scope="module")
def donation(incoming) -> dict:
    """A real incoming VND line with a named sender (the donor we look for)."""
    row = incoming[(incoming["currency"] == "VND") & incoming["search_text"].str.startswith("nguyen")].iloc[100]
    return {
        "id": int(row["id"]),
        "name": row["search_text"].split(" ")[:3],
        "amount": int(row["amount"]),
        "day": row["posted_at"].date(),
        "account": row["account"],
    }


def written(amount: int) -> list[str]:
    """The same amount as people write it."""
    forms = [f"{amount:,}".replace(",", "."), f"{amount:,}đ", str(amount)]
    if amount % 1000 == 0:
        forms.append(f"{amount // 1000}k")
    if amount % 100_000 == 0:
        forms.append(f"{amount / 1_000_000:g}tr".replace(".", ","))
    return forms


def test_the_donor_finds_their_line_first_with_reasons(public_engine, incoming, donation):
    name = " ".join(donation["name"]).title()  # as typed: 'Nguyen Van An'
    found = verify.find_donation(
        public_engine, name_or_memo=name, amount=donation["amount"], around=donation["day"] + dt.timedelta(days=1)
    )
    best = found.iloc[0]
    assert best["id"] == donation["id"] or (best["match_name"] and best["exact_amount"])
    mine = found[found["id"] == donation["id"]].iloc[0]
    assert bool(mine["match_name"]) and bool(mine["exact_amount"]) and mine["days_off"] == 1
    assert mine["score"] == pytest.approx(40 + 40 + 20 * (1 - 1 / 4))


@pytest.fixture(params=["shipped", "index_walk", "index_unordered"])
def plan(request, monkeypatch):
    """How the text candidates are found: as shipped (the tiny seed's date windows are small, so scanned), by
    the index walking in id order, or by the index without the walk (as when line ids do not follow time)."""
    if request.param != "shipped":
        monkeypatch.setattr(verify, "WINDOW_SCAN_LINES", 0)
    if request.param == "index_unordered":
        monkeypatch.setattr(line_order, "ids_follow_time", lambda conn: False)
    return request.param


@pytest.mark.parametrize("limit", [3, 50])
@pytest.mark.parametrize("days", [0, 3, 10])
def test_ranking_equals_oracle(public_engine, incoming, donation, days, limit, plan):
    """limit 3 fills every list on both sides of the date: the busy day at the edge of the after side must give
    its newest lines (they rank first), and lines with name and amount come from the third query."""
    name = donation["name"][0]  # a family name only: many candidates
    around = donation["day"] + dt.timedelta(days=min(days, 2))
    found = verify.find_donation(
        public_engine, name_or_memo=name, amount=donation["amount"], around=around, days=days, limit=limit
    )
    expected = oracle(incoming, name, donation["amount"], around, days=days, limit=limit)
    assert list(zip(found["id"].tolist(), found["score"].tolist(), strict=False)) == expected
    assert len(expected) > (1 if days == 0 else min(limit - 1, 5))


@pytest.mark.postgres
@pytest.mark.parametrize("hit_list_cap", [None, 0])
def test_postgres_ranking_equals_oracle(pg_tiny_url, donation, hit_list_cap, monkeypatch):
    """On PostgreSQL the name's hits in the window are read once and handed on as ids; past COMMON_CAP hits
    (forced here with 0) the trigram condition itself is used. Both rank exactly like the oracle over the
    same database's lines."""
    from explorer.db import search
    from explorer.db.engine import make_engine

    if hit_list_cap is not None:
        monkeypatch.setattr(search, "COMMON_CAP", hit_list_cap)
    engine = make_engine(pg_tiny_url, readonly=True, timeout_ms=5000)
    with engine.connect() as conn:
        lines = pd.read_sql(
            text(
                "SELECT s.id, s.posted_at, a.number AS account, s.amount, s.currency, s.search_text "
                "FROM statement_lines s JOIN accounts a ON a.id = s.account_id WHERE s.direction = 'in'"
            ),
            conn,
        )
    lines["posted_at"] = pd.to_datetime(lines["posted_at"])
    name, around = donation["name"][0], donation["day"] + dt.timedelta(days=2)
    for limit in (3, 50):
        found = verify.find_donation(
            engine, name_or_memo=name, amount=donation["amount"], around=around, days=10, limit=limit
        )
        expected = oracle(lines, name, donation["amount"], around, days=10, limit=limit)
        assert list(zip(found["id"].tolist(), found["score"].tolist(), strict=False)) == expected
        assert len(expected) == limit
    with engine.connect() as conn:  # the hand-off itself: exactly the incoming lines holding the name
        condition, params = search.scoped_text_condition(conn, fold(name), ["s.direction = 'in'"], {})
    if hit_list_cap is None:
        assert sorted(params["q_ids"]) == sorted(lines.id[lines.search_text.str.contains(fold(name), regex=False)])
    else:
        assert "LIKE" in condition


@pytest.mark.parametrize(
    "case",
    [
        dict(name="", amount=500_000, around=dt.date(2024, 9, 15)),
        dict(name="ung ho", amount=None, around=dt.date(2024, 10, 2)),
        dict(name="Đức", amount=200_000, around=None),
        dict(name="", amount=20, around=None),  # 20 USD gifts (2000 cents)
        dict(name="nguyen", amount=100_000, around=dt.date(2024, 10, 3), account="6905"),
    ],
)
def test_other_inputs_equal_oracle(public_engine, incoming, case, plan):
    found = verify.find_donation(
        public_engine,
        name_or_memo=case["name"],
        amount=case["amount"],
        around=case["around"],
        account=case.get("account"),
    )
    expected = oracle(incoming, case["name"], case["amount"], case["around"], account=case.get("account"))
    assert list(zip(found["id"].tolist(), found["score"].tolist(), strict=False)) == expected
    assert expected


def test_amount_in_any_usual_form(public_engine, donation):
    results = [
        verify.find_donation(public_engine, name_or_memo="", amount=form, around=donation["day"])["id"].tolist()
        for form in written(donation["amount"])
    ]
    assert results[0] and all(r == results[0] for r in results)
    half = verify.find_donation(public_engine, name_or_memo="", amount="0,5tr", around=dt.date(2024, 9, 15))
    assert not half.empty and (half["amount"] == 500_000).all()


def test_only_incoming_lines(public_engine, tiny_engine):
    with tiny_engine.connect() as conn:
        out_amount, day = conn.execute(
            text("SELECT amount, date(posted_at) FROM statement_lines WHERE direction = 'out' LIMIT 1")
        ).one()
    found = verify.find_donation(
        public_engine, name_or_memo="", amount=out_amount, around=dt.date.fromisoformat(day), days=0
    )
    with tiny_engine.connect() as conn:
        directions = {
            r[0]
            for r in conn.execute(
                text("SELECT DISTINCT direction FROM statement_lines WHERE id IN (SELECT value FROM json_each(:ids))"),
                {"ids": str(found["id"].tolist())},
            )
        }
    assert directions <= {"in"}


def test_nothing_to_look_for_or_nothing_found(public_engine):
    assert verify.find_donation(public_engine, name_or_memo="   ", amount=None, around=None).empty
    assert verify.find_donation(public_engine, name_or_memo="", amount="not money", around=None).empty
    assert verify.find_donation(public_engine, name_or_memo="zzqxq", amount=None, around=None).empty
    assert verify.find_donation(public_engine, name_or_memo="nguyen", amount=None, around=None, account="no-such").empty
    odd = verify.find_donation(public_engine, name_or_memo='"NEAR(*) AND %_\x00' * 50, amount="1e9", around=None)
    assert odd.empty


# --- the page -------------------------------------------------------------------------------------------


def test_page_shows_ranked_candidates_from_a_deep_link(app, public_engine, incoming, donation):
    name = " ".join(donation["name"]).title()
    around = donation["day"] + dt.timedelta(days=1)
    at = open_page(
        app,
        "verify",
        name=name,
        amount=f"{donation['amount'] // 1000}k" if donation["amount"] % 1000 == 0 else str(donation["amount"]),
        date=around.isoformat(),
    )
    assert not at.exception
    shown = at.dataframe[0].value
    expected = oracle(incoming, name, donation["amount"], around)
    assert shown["Mã dòng"].tolist() == [i for i, _ in expected]
    assert shown["Điểm"].tolist() == [s for _, s in expected]
    first = shown[shown["Mã dòng"] == donation["id"]].iloc[0]
    assert first["Số tiền"] == donation["amount"] and first["Tiền tệ"] == "VND"  # a number: it sorts by value
    assert first["Vì sao khớp"] == "khớp tên/nội dung · đúng số tiền · lệch 1 ngày"
    assert at.text_input(key="vfy_name_vi").value == name
    assert at.text_input(key="vfy_amount_vi").value == str(donation["amount"])
    assert at.query_params["amount"] == str(donation["amount"])


def test_page_url_follows_the_inputs(app):
    at = open_page(app, "verify")
    assert any("Nhập tên" in i.value for i in at.info)
    at.text_input(key="vfy_name_vi").input("Trần Thị").run()
    at.text_input(key="vfy_amount_vi").input("0,5tr").run()
    at.date_input(key="vfy_date_vi").set_value(dt.date(2024, 9, 20)).run()
    assert not at.exception
    assert at.query_params["name"] == "Trần Thị"
    assert at.query_params["amount"] == "500000" and at.query_params["date"] == "2024-09-20"
    assert at.dataframe and at.success


def test_page_guidance_when_nothing_is_found(app):
    at = open_page(app, "verify", name="zzqxq không có ai", date="2024-09-20", days="1")
    assert not at.dataframe
    warning = " ".join(w.value for w in at.warning)
    assert "kiểm tra lại số tài khoản" in warning and "ngày" in warning


def test_page_unknown_account_and_bad_params(app):
    at = open_page(app, "verify", name="nguyen", account="0000", days="99", date="yesterday", amount="lots")
    notice = " ".join(i.value for i in at.info)
    assert "days" in notice and "date" in notice and "amount" in notice
    assert any("0000" in w.value for w in at.warning)
    assert not at.exception


def test_changing_the_amount_twice_and_the_language_keeps_the_search(app):
    """Each change is the URL; a language switch keeps what was typed (the boxes start again from the URL)."""
    at = open_page(app, "verify", name="Trần Thị")
    for typed, in_url in (("0,5tr", "500000"), ("200k", "200000")):
        at.text_input(key="vfy_amount_vi").input(typed).run()
        assert at.query_params["amount"] == in_url and at.query_params["name"] == "Trần Thị"
    at.selectbox(key="lang_picker").set_value("en").run()
    assert not at.exception
    assert at.text_input(key="vfy_name_en").value == "Trần Thị" and at.text_input(key="vfy_amount_en").value == "200000"
    assert at.query_params["amount"] == "200000" and at.query_params["lang"] == "en"
