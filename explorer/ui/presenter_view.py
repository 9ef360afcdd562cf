"""Projector-friendly blocks for the Presenter page: large type, high contrast, nothing else on screen.

Every text that comes from the database is HTML-escaped before it goes into the few HTML snippets here.
"""

from __future__ import annotations

import html
import time

import pandas as pd
import streamlit as st

from explorer import vietqr
from explorer.queries.presenter import ticker_window
from explorer.text import mask_name
from explorer.ui.i18n import compact_money, moment, money, num, pct, t

TICK_SECONDS = 4
TICKER_LINES = 6
QR_TARGET_PX = 420  # on a 1080-line screen
QR_SMALL_PX = 270  # on a 720-line projector (CSS shows one of the two)

_CSS = """<style>
/* Kiosk: the projector shows the screen only (no sidebar, no header bar; the language comes from ?lang=). */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-pz_head [data-testid="stMetricValue"] { font-size: clamp(1.8rem, 3vw, 3.4rem); font-weight: 800;
                                                line-height: 1.15; }
.st-key-pz_head [data-testid="stMetricLabel"] p { font-size: 1.4rem; font-weight: 600; }
.st-key-pz_camp [data-testid="stMetricValue"] { font-size: clamp(1.6rem, 2.4vw, 2.2rem); font-weight: 800; }
.st-key-pz_camp [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
.st-key-pz_camp .stProgress p { font-size: 1.15rem; }
.pz-title { font-size: 2rem; font-weight: 800; line-height: 1.2; margin: .2rem 0 .4rem; }
.pz-sub { font-size: 1.3rem; }
.pz-sim { display: block; background: #fff3bf; color: #4a3500; border: 3px solid #c99700; border-radius: .5rem;
          padding: .4rem .8rem; font-weight: 800; font-size: 1.05rem; margin-bottom: .4rem; }
.pz-tick { display: flex; align-items: baseline; gap: .6rem; font-size: 1.45rem; line-height: 1.5;
           padding: .25rem .4rem; border-bottom: 1px solid #d0d4da; white-space: nowrap; overflow: hidden; }
.pz-tick:first-child { background: #e6f4ea; }
.pz-tick .amt { flex: none; font-weight: 800; color: #0b5d1e; }
.pz-tick .who { flex: none; }
.pz-tick .where { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; color: #333;
                  font-size: 1.05rem; }
.pz-tick .when { flex: none; color: #444; font-size: 1rem; }
.pz-acc { font-size: 2.4rem; font-weight: 800; letter-spacing: .08em; }
.pz-row { font-size: 1.3rem; line-height: 1.5; }
/* Two QR images, each at a whole number of pixels per module (never resampled): the big one on a 1080-line
   screen, the small one when the screen is shorter (a 1280x720 projector), so everything fits on one screen. */
.st-key-pz_qr_small { display: none; }
@media (max-height: 860px) {
  .st-key-pz_qr_big { display: none; }
  .st-key-pz_qr_small { display: block; }
  [data-testid="stMainBlockContainer"] { padding-top: .6rem; padding-bottom: 0; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.7rem; padding: 0 0 .1rem; }
  [data-testid="stMainBlockContainer"] h3 { font-size: 1.25rem; padding: .1rem 0; }
  [data-testid="stCaptionContainer"] { margin-bottom: -.6rem; }
  .st-key-pz_head [data-testid="stMetricValue"] { font-size: 2.1rem; }
  .st-key-pz_head [data-testid="stMetricLabel"] p { font-size: 1.1rem; }
  .st-key-pz_camp [data-testid="stMetricValue"] { font-size: 1.6rem; }
  .st-key-pz_camp [data-testid="stMetricLabel"] p { font-size: 1rem; }
  .st-key-pz_camp .stProgress p, .pz-sub { font-size: 1rem; }
  .pz-title { font-size: 1.45rem; margin: 0; }
  .pz-sim { font-size: .85rem; padding: .15rem .5rem; margin-bottom: .2rem; }
  .pz-tick { font-size: 1.15rem; line-height: 1.3; padding: .15rem .4rem; }
  .pz-tick:nth-child(n+5) { display: none; }
  .pz-acc { font-size: 1.8rem; }
  .pz-row { font-size: 1.05rem; line-height: 1.35; }
  [data-testid="stImageCaption"] { display: none; }
}
/* One line for the title on a short projector (the whole on hover); not on a phone held upright, whose screen is
   as short but narrow: there a long title was cut to its first four words, so it wraps instead. */
@media (max-height: 860px) and (min-width: 641px) {
  .pz-title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
}
/* A phone (390 px): a ticker line wraps, the time stays beside the amount and the campaign takes a line of its
   own (on one line the time was pushed off the screen); the small QR code fits the width. */
@media (max-width: 640px) {
  .pz-tick { flex-wrap: wrap; row-gap: 0; font-size: 1.1rem; line-height: 1.35; }
  .pz-tick .when { order: 2; margin-left: auto; font-size: .85rem; }
  .pz-tick .where { order: 3; flex: 1 0 100%; font-size: .9rem; }
  .st-key-pz_qr_big { display: none; }
  .st-key-pz_qr_small { display: block; }
}
</style>"""


def style() -> None:
    st.markdown(_CSS, unsafe_allow_html=True)


def _html(snippet: str) -> None:
    st.markdown(snippet, unsafe_allow_html=True)


def headline(totals: dict) -> None:
    """Total raised, donors, campaigns and the share disbursed, as four big numbers."""
    raised, disbursed = totals["raised"], totals["disbursed"]
    cols = st.container(key="pz_head").columns([2, 1, 1, 1])  # the money figure is the longest
    cols[0].metric(t("presenter.raised"), compact_money(raised), help=money(raised))
    cols[1].metric(t("presenter.donors"), num(totals["donors"]))
    cols[2].metric(t("presenter.campaigns"), num(totals["campaigns"]))
    cols[3].metric(
        t("presenter.disbursed_pct"),
        pct(disbursed / raised) if raised else "—",
        help=t("presenter.disbursed_help", disbursed=money(disbursed), raised=money(raised)),
    )


def campaign(progress: dict | None) -> None:
    """One campaign: title, money received against the target, a progress bar, donors and payouts."""
    if progress is None:
        st.info(t("presenter.no_campaign"))
        return
    cur = progress["currency"]
    box = st.container(key="pz_camp")
    title = html.escape(progress["title"], quote=True)  # cut with "…" on a short screen: the whole on hover
    box.markdown(f'<div class="pz-title" title="{title}">{title}</div>', unsafe_allow_html=True)
    left, right = box.columns(2)
    left.metric(t("presenter.campaign_raised"), money(progress["raised"], cur))
    right.metric(t("presenter.campaign_target"), money(progress["target"], cur))
    ratio = progress["ratio"] or 0.0
    box.progress(
        min(ratio, 1.0),
        text=t(
            "presenter.campaign_progress",
            pct=pct(ratio),
            donations=num(progress["donations"]),
            donors=num(progress["donors"]),
        ),
    )
    box.markdown(
        '<div class="pz-sub">'
        + html.escape(t("presenter.campaign_disbursed", amount=money(progress["disbursed"], cur)))
        + "</div>",
        unsafe_allow_html=True,
    )


def ticker_lines(window: pd.DataFrame) -> list[str]:
    """One HTML line per donation: amount, masked name, campaign, original time (all escaped)."""
    out = []
    for row in window.to_dict("records"):
        who = mask_name(row["counterparty"]) or t("presenter.anonymous")
        where = html.escape(row["campaign"]) if isinstance(row["campaign"], str) else ""
        out.append(
            f'<div class="pz-tick"><span class="amt">+{html.escape(money(row["amount"], row["currency"]))}</span>'
            f'<span class="who">{html.escape(who)}</span><span class="where" title="{where}">{where}</span>'
            f'<span class="when">{html.escape(moment(row["posted_at"]))}</span></div>'
        )
    return out


@st.fragment(run_every=TICK_SECONDS)
def ticker(pool: pd.DataFrame) -> None:
    """The simulated ticker: replays the pool one line per tick; only this fragment reruns."""
    _html(f'<div class="pz-sim">🧪 {html.escape(t("presenter.ticker_simulated"))}</div>')
    if pool.empty:
        st.info(t("presenter.ticker_empty"))
        return
    window = ticker_window(pool, int(time.time() // TICK_SECONDS), TICKER_LINES)
    _html('<div class="pz-ticker">' + "".join(ticker_lines(window)) + "</div>")


def qr_panel(acc: dict, payload: str, amount: int | None, memo: str) -> None:
    """The QR image, then the account, bank, holder, amount and memo in large type, and the raw payload."""
    # A whole number of pixels per module and no `width`: Streamlit would resample the PNG (bilinear) to fit a
    # width, and blurred module edges make phones struggle to scan the code from across a room.
    modules = int(vietqr.qr(payload).symbol_size(scale=1, border=4)[0])
    st.container(key="pz_qr_big").image(
        vietqr.qr_png(payload, scale=max(4, QR_TARGET_PX // modules)),
        caption=t("presenter.qr_caption"),
        output_format="PNG",
    )
    st.container(key="pz_qr_small").image(
        vietqr.qr_png(payload, scale=max(4, QR_SMALL_PX // modules)), output_format="PNG"
    )
    found = vietqr.bank(acc["bank"])
    bank_name = html.escape(found.name if found else acc["bank"])
    _html(
        f'<div class="pz-row">{html.escape(t("presenter.qr_account"))}</div>'
        f'<div class="pz-acc">{html.escape(acc["number"])}</div>'
        f'<div class="pz-row">{html.escape(t("presenter.qr_bank"))}: <b>{bank_name}</b><br>'
        f"{html.escape(t('presenter.qr_holder'))}: <b>{html.escape(acc['holder_name'])}</b></div>"
    )
    if amount is not None:
        _html(f'<div class="pz-row">{html.escape(t("presenter.qr_amount"))}: <b>{html.escape(money(amount))}</b></div>')
    if memo:
        _html(f'<div class="pz-row">{html.escape(t("presenter.qr_memo"))}: <b>{html.escape(memo)}</b></div>')
    with st.expander(t("presenter.qr_payload")):
        st.code(payload, language=None, wrap_lines=True)
