"""Donate VietQR on account and campaign pages, share links that restore a view, Verify's printable confirmation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer import banks, vietqr
from explorer.ui import receipt, share


def test_donation_payload_decodes_to_the_accounts_number_and_bin(tiny_engine):
    with tiny_engine.connect() as conn:
        accounts = conn.execute(text("SELECT number, bank FROM accounts WHERE number = '2905'")).all()
    assert accounts
    for number, bank in accounts:
        payload = vietqr.payload(bank, number, memo=vietqr.donation_memo(number))
        assert vietqr.is_valid(payload)
        assert vietqr.beneficiary(payload) == (banks.BANKS[bank].bin, number)
        assert vietqr.parse(vietqr.parse(payload)["62"])["08"] == "ung ho tk 2905"


def test_campaign_memo_names_the_campaign():
    payload = vietqr.payload("VCB", "0011001234567", memo=vietqr.donation_memo("0011001234567", 42))
    assert vietqr.beneficiary(payload) == ("970436", "0011001234567")
    assert vietqr.parse(vietqr.parse(payload)["62"])["08"] == "ung ho chien dich 42"


def qr_images(at) -> int:
    return sum(len(i.proto.imgs) for i in at.image)


def test_account_page_shows_the_donate_block(app, tiny_engine):
    at = open_page(app, "accounts", account="2905")
    with tiny_engine.connect() as conn:
        bank = conn.execute(text("SELECT bank FROM accounts WHERE number = '2905' ORDER BY id")).scalars().first()
    shown = " ".join(m.value for m in at.markdown)
    assert "ung ho tk 2905" in shown and banks.BANKS[bank].name.replace("(", "\\(").replace(")", "\\)") in shown
    assert qr_images(at) == 1


def test_campaign_page_shows_the_donate_block_for_its_account(app, tiny_engine):
    with tiny_engine.connect() as conn:
        campaign_id, number = conn.execute(
            text(
                "SELECT c.id, a.number FROM campaigns c JOIN accounts a ON a.id = c.account_id "
                "WHERE a.bank <> 'VBSP' ORDER BY c.id LIMIT 1"
            )
        ).one()
    at = open_page(app, "campaigns", campaign=campaign_id)
    shown = " ".join(m.value for m in at.markdown)
    assert f"ung ho chien dich {campaign_id}" in shown and f"**{number}**" in shown
    assert qr_images(at) == 1


def test_share_urls_carry_the_exact_view():
    link = share.view_link(
        "http://example.org:8501/statements?old=1#x", {"account": "2905", "q": "bão lũ", "page": "2"}
    )
    assert link == "http://example.org:8501/statements?account=2905&q=b%C3%A3o+l%C5%A9&page=2"
    for shared, key in ((share.facebook_url(link), "u"), (share.zalo_url(link), "url")):
        assert parse_qs(urlsplit(shared).query)[key] == [link]
    assert share.facebook_url(link).startswith("https://www.facebook.com/sharer/sharer.php?")


@pytest.mark.parametrize(
    ("path", "params"), [("accounts", {"account": "2905"}), ("statements", {"account": "2905", "dir": "in"})]
)
def test_share_box_holds_the_link_of_the_view(app, path, params):
    at = open_page(app, path, params)
    codes = [c.value for c in at.code]
    assert any(
        urlsplit(c).query and parse_qs(urlsplit(c).query) == {k: [v] for k, v in params.items()} for c in codes
    ), codes


def test_confirmation_masks_the_sender_and_escapes_text():
    page = receipt.confirmation_html(
        {
            "Line": "#12",
            "Date": "01/02/2024",
            "Amount": "500.000 ₫",
            "Account": "2905",
            "Memo": "<b>x</b> NGUYEN VAN AN ung ho",
        },
        title="Confirmation",
        sender_label="Sender",
        sender="Nguyễn Văn An",
        note="masked",
        lang="vi",
    )
    assert "N***** V** A*" in page and "Nguyễn" not in page
    assert "N***** V** A* ung ho" in page and "NGUYEN" not in page  # the name inside the memo is masked too
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.index("500.000") < page.index("N***** V** A*")


def test_confirmation_of_a_line_without_a_sender_masks_nothing():
    """A line with no sender reaches the confirmation as NaN (pandas reads a NULL counterparty so): the sender row
    says "—" and no word of the memo is taken for a name ('nạn' folds to 'nan', the word NaN prints as)."""
    page = receipt.confirmation_html(
        {"Line": "#13", "Memo": "ung ho nạn nhân lũ lụt"},
        title="Confirmation",
        sender_label="Sender",
        sender=float("nan"),
        note="no sender",
        lang="vi",
    )
    assert "<td>ung ho nạn nhân lũ lụt</td>" in page
    assert "<th>Sender</th><td>—</td>" in page


def test_verify_offers_a_confirmation_of_the_best_match(app, tiny_engine):
    at = open_page(app, "verify", name="nguyen")
    assert at.selectbox(key="vfy_confirm_line").value == int(at.dataframe[0].value.iloc[0]["Mã dòng"])
    best = int(at.dataframe[0].value.iloc[0]["Mã dòng"])
    with tiny_engine.connect() as conn:
        counterparty, description = conn.execute(
            text("SELECT counterparty, description FROM statement_lines WHERE id = :i"), {"i": best}
        ).one()
    block = [h for h in at.get("html") if f"#{best}" in h.proto.body]
    assert block and counterparty not in block[0].proto.body
