"""Verify my donation: a donor finds their own incoming transfer, ranked, with why each line matched.

URL params: name (part of the sender name or memo), amount (any usual form: 500k, 500.000, 0,5tr),
date (YYYY-MM-DD, roughly when it was sent), days (0–31 either side of the date, default 3),
account (receiving account number, optional), lang.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from explorer import urls
from explorer.params import to_query
from explorer.queries import statements, totals, verify
from explorer.text import parse_amount
from explorer.ui import phone, receipt, share
from explorer.ui import statements_view as view
from explorer.ui.data import query
from explorer.ui.i18n import moment, money, num, t
from explorer.ui.layout import literal, page, sync_url
from explorer.ui.listing import UrlState, date_box

SHOWN = 20  # candidates shown at most, best first
VN_TZ = "Asia/Ho_Chi_Minh"  # "checked at" in the time the statements are written in
SPEC = urls.SPECS["verify"]
params = page("verify", SPEC)
st.caption(t("verify.intro"))
# The URL is the state (explorer.ui.listing.UrlState): each box writes its value back to the URL as it changes.
state = UrlState("vfy", SPEC, params)
current = dict(params)
top = st.columns([3, 2])
current["name"] = top[0].text_input(
    t("verify.name"),
    max_chars=statements.MAX_QUERY_CHARS,
    help=t("verify.name_help"),
    **state.seed("name", params["name"] or "", from_url=False),
)
typed_amount = (
    top[1]
    .text_input(
        t("verify.amount"),
        help=t("verify.amount_help"),
        **state.seed("amount", "" if params["amount"] is None else str(params["amount"]), from_url=False),
    )
    .strip()
)
# The day, the window and the account narrow the search; folded so that on a phone the matches come first.
first_day, last_day = query(totals.line_days)
in_use = (params["date"] is not None) + (params["days"] != SPEC["days"].default) + bool(params["account"])
with phone.filters(in_use, "vfy_filters"):
    row = st.columns(3)
    current["date"] = date_box(row[0], t("verify.around"), params["date"], first_day, last_day, "date", state)
    current["days"] = int(
        row[1].number_input(t("verify.days"), min_value=0, max_value=31, step=1, **state.seed("days"))
    )
    current["account"] = (
        row[2]
        .text_input(t("verify.account"), max_chars=32, **state.seed("account", params["account"] or "", from_url=False))
        .strip()
        or None
    )


def confirm(found) -> None:
    """A printable confirmation of one candidate (the best by default): an HTML page to download and print."""
    ids = [int(i) for i in found["id"]]
    with st.expander(t("public.confirm_heading"), icon="🖨️"):
        chosen = st.selectbox(t("public.confirm_pick"), ids, key="vfy_confirm_line", format_func=lambda i: f"#{i}")
        row = found.loc[found["id"].astype(int) == chosen].iloc[0]
        checked = dt.datetime.now(ZoneInfo(VN_TZ)).replace(tzinfo=None)
        link = share.view_link(st.context.url or "", to_query(wanted, SPEC))
        fields = {
            t("verify.col_id"): f"#{chosen}",
            t("verify.col_time"): view.when(row["posted_at"]),
            t("verify.col_amount"): money(int(row["amount"]), row["currency"]),
            t("verify.col_account"): row["account"],
            t("verify.col_description"): row["description"],
            t("verify.col_campaign"): row["campaign"] if isinstance(row["campaign"], str) else "—",
            t("public.confirm_checked_at"): moment(checked),
            t("public.confirm_link"): link,
        }
        page_html = receipt.confirmation_html(
            fields,
            title=t("public.confirm_title"),
            sender_label=t("verify.col_counterparty"),
            sender=row["counterparty"],
            note=t("public.confirm_note"),
            lang=params["lang"],
        )
        st.html(page_html.split("<body>", 1)[1].split("</body>", 1)[0])
        st.download_button(
            t("public.confirm_download"),
            page_html.encode("utf-8"),
            file_name=f"xac-nhan-{chosen}.html",
            mime="text/html",
            key="vfy_confirm_dl",
            on_click="ignore",
        )


amount = parse_amount(typed_amount) if typed_amount else None
if typed_amount and amount is None:
    st.warning(t("verify.amount_unreadable", value=literal(typed_amount[:40])))
current["amount"] = amount
account = current["account"]
known_accounts = set(query(statements.account_choices)["number"])
wanted = current

if not statements.search_term(current["name"]) and amount is None:
    st.info(t("verify.need_input"))
elif account and account not in known_accounts:
    st.warning(t("verify.unknown_account", number=literal(account)))
else:
    found = query(
        verify.find_donation,
        name_or_memo=current["name"],
        amount=amount,
        around=current["date"],
        account=account,
        days=current["days"],
        limit=SHOWN,
    )
    if found.empty:
        st.warning(t("verify.nothing_found"))
    else:
        # at the cap, the count is the cap, not how many lines match: say it is the best SHOWN of possibly more
        st.success(
            t("verify.found_capped", n=num(SHOWN)) if len(found) >= SHOWN else t("verify.found", n=num(len(found)))
        )
        table = view.candidates_table(found)
        wide, narrow = phone.by_screen("vfy_found")
        wide.dataframe(
            table, hide_index=True, width="stretch", column_config=view.column_config(table, "verify.col_amount")
        )
        view.phone_lines(narrow, found.assign(direction="in"), "vfy_phone_lines")
        confirm(found)
        st.caption(t("verify.scoring", name=verify.NAME_POINTS, amount=verify.AMOUNT_POINTS, date=verify.DATE_POINTS))

sync_url(wanted, SPEC)
