"""Verify my donation: a donor finds their own incoming transfer, ranked, with why each line matched.

URL params: name (part of the sender name or memo), amount (any usual form: 500k, 500.000, 0,5tr),
date (YYYY-MM-DD, roughly when it was sent), days (0–31 either side of the date, default 3),
account (receiving account number, optional), lang.
"""

import streamlit as st

from explorer.params import Param
from explorer.queries import statements, verify
from explorer.text import parse_amount
from explorer.ui import statements_view as view
from explorer.ui.data import query
from explorer.ui.i18n import num, t
from explorer.ui.layout import literal, page, sync_url
from explorer.ui.listing import date_format

SHOWN = 20  # candidates shown at most, best first
SPEC = {
    "name": Param("text"),
    "amount": Param("amount"),
    "date": Param("date"),
    "days": Param("int", 3, min=0, max=31),
    "account": Param("text"),
}
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
row = st.columns(3)
row[0].date_input(t("verify.around"), key="vfy_date", format=date_format())
row[1].number_input(t("verify.days"), key="vfy_days", min_value=0, max_value=31, step=1)
row[2].text_input(t("verify.account"), key="vfy_account", max_chars=32)

typed_amount = state.vfy_amount.strip()
amount = parse_amount(typed_amount) if typed_amount else None
if typed_amount and amount is None:
    st.warning(t("verify.amount_unreadable", value=literal(typed_amount[:40])))
account = state.vfy_account.strip() or None
known_accounts = set(query(statements.account_choices)["number"])

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
        st.dataframe(
            table, hide_index=True, width="stretch", column_config=view.column_config(table, "verify.col_amount")
        )
        st.caption(t("verify.scoring", name=verify.NAME_POINTS, amount=verify.AMOUNT_POINTS, date=verify.DATE_POINTS))

sync_url(
    {
        "name": state.vfy_name,
        "amount": amount,
        "date": state.vfy_date,
        "days": int(state.vfy_days),
        "account": account,
        "lang": params["lang"],
    },
    SPEC,
)
