"""Presenter: big live numbers, one campaign's progress, a simulated donation ticker and a VietQR to give now.

URL params: lang; campaign (campaign id); account (account number for the VietQR; default: the campaign's
account); amount (suggested amount, e.g. 100000 or 100k); memo (transfer memo, folded to ASCII).
"""

import streamlit as st

from explorer import urls, vietqr
from explorer.queries import channels, overview
from explorer.queries import presenter as q
from explorer.text import parse_amount
from explorer.ui import channel_view
from explorer.ui import presenter_view as view
from explorer.ui.data import query
from explorer.ui.i18n import t
from explorer.ui.layout import literal, page, sync_url
from explorer.ui.listing import UrlState

SPEC = urls.SPECS["presenter"]
params = page("presenter", SPEC)
view.style()
main = st.container(key="pz_main")
settings = st.expander(t("presenter.settings"))

# Choices first (they sit in the expander at the bottom), then the screen above them.
choices = query(q.campaign_choices)
titles = dict(zip(choices["id"].tolist(), choices["title"].tolist(), strict=False))
campaign_ids = list(titles)
if params["campaign"] is not None and params["campaign"] not in titles:
    st.info(t("common.ignored_params", params=f"campaign={params['campaign']}"))
start = campaign_ids.index(params["campaign"]) if params["campaign"] in titles else 0
# The settings follow the list pages' convention (explorer.ui.listing.UrlState): the URL is the state, each
# widget seeded from it once and writing its change back, so a change is never lost and the link reproduces it.
state = UrlState("pz", SPEC, params)
campaign_id = (
    settings.selectbox(
        t("presenter.campaign_label"),
        campaign_ids,
        format_func=lambda i: titles.get(i, str(i)),
        **state.seed("campaign", campaign_ids[start] if campaign_ids else None, from_url=False),
    )
    if campaign_ids
    else None
)
progress = query(q.campaign_progress, campaign_id=campaign_id) if campaign_id is not None else None

accounts = query(q.qr_accounts, banks=vietqr.supported_banks())
labels = {
    number: f"{number} · {bank} · {holder}"
    for number, bank, holder in zip(accounts.number, accounts.bank, accounts.holder_name, strict=True)
}
default_account = progress["account_number"] if progress and progress["account_number"] in labels else None
default_account = default_account or (next(iter(labels)) if labels else None)
wanted = params["account"] or default_account
options = list(labels) if wanted in labels or wanted is None else [wanted, *labels]
account_state = UrlState(f"pz{campaign_id}", SPEC, params)  # each campaign opens on its own account
account_number = (
    settings.selectbox(
        t("presenter.account_label"),
        options,
        format_func=lambda n: labels.get(n, str(n)),
        **account_state.seed("account", wanted if wanted in options else options[0], from_url=False),
    )
    if options
    else None
)

amount_text = settings.text_input(
    t("presenter.amount_label"),
    help=t("presenter.amount_help"),
    **state.seed("amount", "" if params["amount"] is None else str(params["amount"]), from_url=False),
)
amount = parse_amount(amount_text) if amount_text.strip() else None
if amount_text.strip() and not amount:
    settings.warning(t("presenter.amount_bad", value=amount_text[:40]))
    amount = None
memo = settings.text_input(t("presenter.memo_label"), max_chars=80, help=t("presenter.memo_help"), **state.seed("memo"))
if memo.strip():
    settings.caption(t("presenter.memo_converted", memo=vietqr.clean_memo(memo)))

with main:
    view.headline(query(overview.totals))
    left, right = st.columns([3, 2], gap="large")
    with left:
        view.campaign(progress)
        st.subheader(t("presenter.ticker_title"))
        view.ticker(query(q.recent_donations, campaign_id=campaign_id))
        if campaign_id:  # how the campaign's money came, in one line: the kiosk fits one screen
            channel_view.mix_line(query(channels.channel_mix, campaign_id=campaign_id))
    with right:
        st.subheader(t("presenter.qr_title"))
        acc = query(q.account, number=account_number) if account_number else None
        if acc is None:
            st.warning(t("presenter.account_missing", account=literal(account_number or "—")))
        else:
            try:
                payload = vietqr.payload(acc["bank"], acc["number"], amount, memo)
            except vietqr.VietQRError as exc:
                st.warning(
                    t(
                        "presenter.qr_unavailable",
                        account=acc["number"],
                        bank=acc["bank"],
                        reason=t(f"presenter.err_{exc.code}"),
                    )
                )
            else:
                view.qr_panel(acc, payload, amount, vietqr.clean_memo(memo) if memo.strip() else "")

sync_url(
    {
        **params,
        "campaign": campaign_id,
        "account": account_number if account_number != default_account else None,
        "amount": amount,
        "memo": memo.strip(),
    },
    SPEC,
)
