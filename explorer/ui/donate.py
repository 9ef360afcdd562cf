"""Donate by VietQR on an account's and a campaign's page: the code, the account, the bank and a suggested memo.

A static QR (no amount: the donor types what they give); the memo is suggested in the code and printed beside it,
so a donor who types it can find the gift again on the Verify page.
"""

from __future__ import annotations

import re

import streamlit as st

from explorer import vietqr
from explorer.ui.i18n import t

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")
QR_SCALE = 5  # px per module: a whole number (never resampled), about 230 px for a typical payload


def donate(number: str, bank_code: str, holder: str, campaign_id: int | None = None, key: str = "donate") -> None:
    """The donate block, or a plain sentence saying why this account has no QR (a bank without a NAPAS BIN)."""
    memo = vietqr.donation_memo(number, campaign_id)
    with st.container(border=True, key=key):
        st.markdown(f"**{t('public.donate_heading')}**")
        try:
            payload = vietqr.payload(bank_code, number, memo=memo)
        except vietqr.VietQRError as exc:
            st.caption(t(f"public.donate_no_qr_{exc.code}", bank=bank_code))
            return
        found = vietqr.bank(bank_code)
        image, facts = st.columns([1, 2])
        image.image(vietqr.qr_png(payload, scale=QR_SCALE), output_format="PNG")
        facts.markdown(
            f"{t('public.donate_account')}: **{_md(number)}**  \n"
            f"{t('public.donate_bank')}: **{_md(found.name if found else bank_code)}**  \n"
            f"{t('public.donate_holder')}: **{_md(holder)}**  \n"
            f"{t('public.donate_memo')}: `{memo}`"
        )
        facts.caption(t("public.donate_explain"))


def _md(text: str) -> str:
    """Text from the database shown literally in markdown (a holder named *X* stays *X*, not italics)."""
    return _MARKDOWN.sub(r"\\\1", text)
