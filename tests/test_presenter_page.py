"""The Presenter page on the tiny seed: headline numbers, campaign progress, the simulated ticker, the VietQR."""

from __future__ import annotations

import binascii
import html
import re

import pandas as pd
import pytest
from page_specs import open_page
from sqlalchemy import create_engine, text

from explorer import fmt
from explorer.queries import overview
from explorer.queries.presenter import TICKER_POOL, ticker_window
from explorer.text import mask_name
from explorer.ui import presenter_view


def tlv(data: str) -> dict[str, str]:
    out, i = {}, 0
    while i < len(data):
        n = int(data[i + 2 : i + 4])
        out[data[i : i + 2]] = data[i + 4 : i + 4 + n]
        i += 4 + n
    return out


def test_headline_numbers_equal_the_overview_totals(app, public_engine):
    at = open_page(app, "presenter")
    assert not at.exception
    assert at.title[0].value == "Chung tay ủng hộ"
    totals = overview.totals(public_engine)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Đã nhận"] == fmt.compact_money(totals["raised"], "VND", "vi")
    assert metrics["Nhà hảo tâm"] == fmt.number(totals["donors"], "vi")
    assert (
        metrics["Chiến dịch"] == fmt.number(totals["campaigns"], "vi") == "28"
    )  # 24 + the giving day's 3 + charity purchases
    assert metrics["Đã giải ngân"] == fmt.percent(totals["disbursed"] / totals["raised"], "vi")
    assert re.fullmatch(r"\d+,\d%", metrics["Đã giải ngân"])


def _campaign_sql(engine, campaign_id):
    with engine.connect() as conn:

        def one(q):
            return conn.execute(text(q), {"c": campaign_id}).scalar_one()

        return {
            "title": one("SELECT title FROM campaigns WHERE id = :c"),
            "target": one("SELECT target FROM campaigns WHERE id = :c"),
            "raised": one(
                "SELECT COALESCE(SUM(amount), 0) FROM statement_lines "
                "WHERE campaign_id = :c AND direction = 'in' AND currency = 'VND'"
            ),
            "donations": one(
                "SELECT COUNT(*) FROM statement_lines WHERE campaign_id = :c AND direction = 'in' AND currency = 'VND'"
            ),
            "donors": one(
                "SELECT COUNT(DISTINCT donor_key) FROM statement_lines WHERE campaign_id = :c AND direction = 'in'"
            ),
            "disbursed": one("SELECT COALESCE(SUM(amount), 0) FROM disbursements WHERE campaign_id = :c"),
        }


@pytest.mark.parametrize("campaign_id", [3, 6])
def test_campaign_progress_equals_sql(app, tiny_engine, campaign_id):
    at = open_page(app, "presenter", campaign=str(campaign_id))
    assert not at.exception
    expected = _campaign_sql(tiny_engine, campaign_id)
    assert expected["raised"] > 0 and expected["donations"] > 0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Đã nhận cho chiến dịch"] == fmt.money(expected["raised"], "VND", "vi")
    assert metrics["Mục tiêu"] == fmt.money(expected["target"], "VND", "vi")
    bar = at.get("progress")[0].proto
    ratio = expected["raised"] / expected["target"]
    assert bar.value == int(min(ratio, 1.0) * 100)
    assert bar.text.startswith(fmt.percent(ratio, "vi") + " mục tiêu")
    assert f"{fmt.number(expected['donations'], 'vi')} lượt ủng hộ" in bar.text
    assert f"{fmt.number(expected['donors'], 'vi')} nhà hảo tâm" in bar.text
    page_html = " ".join(m.value for m in at.markdown)
    assert html.escape(expected["title"]) in page_html
    assert fmt.money(expected["disbursed"], "VND", "vi") in page_html
    assert at.selectbox(key="pz_campaign_vi").value == campaign_id


def test_vietqr_for_account_2905(app):
    at = open_page(app, "presenter", account="2905", amount="500k", memo="Ủng hộ Hà Nội")
    assert not at.exception
    assert not at.warning
    payload = at.code[0].value
    fields = tlv(payload)
    beneficiary = tlv(tlv(fields["38"])["01"])
    assert beneficiary == {"00": "970422", "01": "2905"}
    assert fields["54"] == "500000" and fields["01"] == "12"
    assert tlv(fields["62"]) == {"08": "ung ho ha noi"}
    assert payload[-4:] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"
    # the same QR twice, each at a whole number of pixels per module: a 1080-line screen's and a 720-line one's
    assert len(at.image) == 2 and at.image[0].proto.imgs[0].caption.startswith("Mở ứng dụng ngân hàng")
    page_html = " ".join(m.value for m in at.markdown)
    assert '<div class="pz-acc">2905</div>' in page_html
    assert "HOI CHU THAP DO HA NOI" in page_html
    assert fmt.money(500_000, "VND", "vi") in page_html


def test_vbsp_account_has_no_qr_and_says_why(app, tiny_engine):
    with tiny_engine.connect() as conn:
        number = conn.execute(text("SELECT number FROM accounts WHERE bank = 'VBSP'")).scalar_one()
    at = open_page(app, "presenter", account=number)
    assert not at.exception
    assert not at.code and not at.image
    assert any(number in w.value and "BIN NAPAS" in w.value for w in at.warning)


def test_url_params_round_trip(app, tiny_engine):
    at = open_page(app, "presenter", campaign="5", account="2905", amount="100.000", memo="ung ho")
    assert not at.exception
    assert at.selectbox(key="pz_campaign_vi").value == 5
    assert at.selectbox(key="pz5_account_vi").value == "2905"
    assert at.text_input(key="pz_amount_vi").value == "100000"
    assert at.text_input(key="pz_memo_vi").value == "ung ho"
    assert dict(at.query_params) == {"campaign": "5", "account": "2905", "amount": "100000", "memo": "ung ho"}

    at.selectbox(key="pz_campaign_vi").set_value(3).run()
    assert dict(at.query_params)["campaign"] == "3"
    at.text_input(key="pz_amount_vi").set_value("").run()
    at.text_input(key="pz_memo_vi").set_value("").run()
    with tiny_engine.connect() as conn:
        own = conn.execute(
            text("SELECT a.number FROM campaigns c JOIN accounts a ON a.id = c.account_id WHERE c.id = 3")
        ).scalar_one()
    at.selectbox(key="pz3_account_vi").set_value(own).run()
    # the campaign's own account is the default, so the link does not need to carry it
    assert dict(at.query_params) == {"campaign": "3"}
    assert tlv(tlv(tlv(at.code[0].value)["38"])["01"])["01"] == own


def test_ticker_is_labelled_simulated_and_masks_names(app, tiny_engine):
    at = open_page(app, "presenter")
    page_html = " ".join(m.value for m in at.markdown)
    assert "MÔ PHỎNG" in page_html
    ticks = re.findall(
        r'<div class="pz-tick"><span class="amt">\+([^<]+)</span><span class="who">([^<]+)</span>', page_html
    )
    assert len(ticks) == 6
    with tiny_engine.connect() as conn:
        shown = conn.execute(
            text("SELECT title FROM campaigns WHERE id = :c"), {"c": int(at.query_params["campaign"])}
        ).scalar_one()
        pool = conn.execute(
            text(
                "SELECT l.counterparty, l.amount FROM statement_lines l JOIN campaigns c "
                "ON c.id = l.campaign_id WHERE l.direction = 'in' AND c.title = :t "
                "ORDER BY l.posted_at DESC, l.id DESC LIMIT :n"
            ),
            {"n": TICKER_POOL, "t": shown},
        ).all()
    # only the chosen campaign's donations pass on its screen
    assert set(re.findall(r'<span class="where"[^>]*>([^<]*)</span>', page_html)) == {html.escape(shown)}
    masked = {mask_name(name) for name, _ in pool}
    amounts = {fmt.money(amount, "VND", "vi") for _, amount in pool} | {
        fmt.money(amount, "USD", "vi") for _, amount in pool
    }
    for amount, who in ticks:
        assert who.strip() in masked
        assert amount in amounts
    for name, _ in pool:  # nobody's full name reaches the projector
        assert name not in page_html


def test_ticker_window_moves_one_line_per_tick():
    pool = pd.DataFrame({"n": range(10)})  # 0 = newest
    first = ticker_window(pool, 0, 3)["n"].tolist()
    second = ticker_window(pool, 1, 3)["n"].tolist()
    assert first == [9, 0, 1] and second == [8, 9, 0]
    assert ticker_window(pool, 10, 3)["n"].tolist() == first  # wraps around the pool
    assert len(ticker_window(pool, 0, 50)) == 10
    assert ticker_window(pool.head(0), 3, 5).empty


def test_presenter_queries(public_engine, tiny_engine):
    from explorer import vietqr
    from explorer.queries import presenter as q

    accounts = q.qr_accounts(public_engine, banks=vietqr.supported_banks())
    assert "2905" in set(accounts["number"]) and "VBSP" not in set(accounts["bank"])
    assert set(accounts["bank"]) <= set(vietqr.supported_banks())
    assert accounts["raised"].is_monotonic_decreasing
    with tiny_engine.connect() as conn:
        expected = conn.execute(
            text("SELECT COUNT(*) FROM accounts WHERE bank != 'VBSP' AND closed_on IS NULL")
        ).scalar_one()
    assert len(accounts) == expected
    assert q.qr_accounts(public_engine, banks=()).empty
    assert q.account(public_engine, number="2905") == {
        "number": "2905",
        "bank": "MB",
        "holder_name": "HOI CHU THAP DO HA NOI",
    }
    assert q.account(public_engine, number="nope") is None
    assert q.campaign_progress(public_engine, campaign_id=10**6) is None
    recent = q.recent_donations(public_engine, limit=10)
    assert len(recent) == 10 and recent["posted_at"].is_monotonic_decreasing
    choices = q.campaign_choices(public_engine)
    assert len(choices) == 28 and choices.iloc[0]["status"] == "active"  # 24 + giving day's 3 + charity purchases


def test_ticker_names_a_donation_without_a_sender_as_a_donor():
    """A line with no sender (NULL counterparty) reaches the ticker as NaN, because pandas reads a text column
    with a missing value as a string column holding NaN: the ticker says 'a donor', never a masked 'n**'."""
    with create_engine("sqlite://").connect() as conn:
        frame = pd.read_sql(
            text(
                "SELECT '2024-09-10 08:05:00' AS posted_at, 150000 AS amount, 'VND' AS currency, "
                "'Nguyen Van An' AS counterparty, 'Lu mien Trung' AS campaign "
                "UNION ALL SELECT '2024-09-11 21:30:00', 2000000, 'VND', NULL, NULL"
            ),
            conn,
        )
    frame["posted_at"] = pd.to_datetime(frame["posted_at"])
    assert frame["counterparty"].isna().tolist() == [False, True]
    lines = presenter_view.ticker_lines(frame)
    pattern = r'<span class="amt">\+([^<]+)</span><span class="who">([^<]*)</span><span class="where" title="([^"]*)"'
    shown = [m.groups() for line in lines if (m := re.search(pattern, line))]
    assert shown == [("150.000\xa0₫", "N***** V** A*", "Lu mien Trung"), ("2.000.000\xa0₫", "Nhà hảo tâm", "")]
    assert mask_name(float("nan")) == "" and mask_name(None) == ""
