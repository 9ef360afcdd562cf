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
from explorer.ui.i18n import day, moment, money, num, t
from explorer.ui.layout import literal, page, sync_url
from explorer.ui.listing import date_format

SHOWN = 20  # candidates shown at most, best first
VN_TZ = "Asia/Ho_Chi_Minh"  # "checked at" in the time the statements are written in
SPEC = urls.SPECS["verify"]
params = page("verify", SPEC)
st.caption(t("verify.intro"))
state = st.session_state
if "vfy_name" not in state:  # first run of this view: the URL sets every widget
    state.update(
        vfy_name=params["name"] or "",
        vfy_date=params["date"],
        vfy_days=params["days"],
        vfy_amount="" if params["amount"] is None else str(params["amount"]),
        vfy_account=params["account"] or "",
    )

top = st.columns([3, 2])
top[0].text_input(t("verify.name"), key="vfy_name", max_chars=statements.MAX_QUERY_CHARS, help=t("verify.name_help"))
top[1].text_input(t("verify.amount"), key="vfy_amount", help=t("verify.amount_help"))
# The day, the window and the account narrow the search; folded so that on a phone the matches come first.
first_day, last_day = query(totals.line_days)
if state.vfy_date is not None and first_day and not first_day <= state.vfy_date <= last_day:
    st.info(
        t(
            "common.ignored_params",
            params=literal(f"date: {t('common.outside_range', first=day(first_day), last=day(last_day))}"),
        )
    )
    state.vfy_date = None
in_use = (state.vfy_date is not None) + (state.vfy_days != SPEC["days"].default) + bool(state.vfy_account.strip())
with phone.filters(in_use, "vfy_filters"):
    row = st.columns(3)
    row[0].date_input(t("verify.around"), key="vfy_date", format=date_format(), min_value=first_day, max_value=last_day)
    row[1].number_input(t("verify.days"), key="vfy_days", min_value=0, max_value=31, step=1)
    row[2].text_input(t("verify.account"), key="vfy_account", max_chars=32)


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


typed_amount = state.vfy_amount.strip()
amount = parse_amount(typed_amount) if typed_amount else None
if typed_amount and amount is None:
    st.warning(t("verify.amount_unreadable", value=literal(typed_amount[:40])))
account = state.vfy_account.strip() or None
known_accounts = set(query(statements.account_choices)["number"])
wanted = {
    "name": state.vfy_name,
    "amount": amount,
    "date": state.vfy_date,
    "days": int(state.vfy_days),
    "account": account,
    "lang": params["lang"],
}

if not statements.search_term(state.vfy_name) and amount is None:
    st.info(t("verify.need_input"))
elif account and account not in known_accounts:
    st.warning(t("verify.unknown_account", number=literal(account)))
else:
    found = query(
        verify.find_donation,
        name_or_memo=state.vfy_name,
        amount=amount,
        around=state.vfy_date,
        account=account,
        days=int(state.vfy_days),
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
