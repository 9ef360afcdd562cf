"""Statements (sao kê): one account or all; search, filters, sort and paging run in SQL; exports.

URL params: account (account number; unknown = all accounts, with a notice), q (search text, folded),
from, to (YYYY-MM-DD, inclusive), min, max (amounts in any usual form: 500k, 0,5tr), dir (in|out),
sort (newest|oldest|largest|smallest), page (1–10000), lang.
"""
import streamlit as st

from explorer.export import EXPORT_ROW_CAP
from explorer.params import Param
from explorer.queries import statements
from explorer.text import parse_amount
from explorer.ui import statements_view as view
from explorer.ui.data import engine, query
from explorer.ui.i18n import num, t
from explorer.ui.layout import downloads, literal, page, sync_url

PAGE_SIZE = 50
DIRECTIONS = ("all", "in", "out")
SPEC = {
    "account": Param("text"), "q": Param("text"), "from": Param("date"), "to": Param("date"),
    "min": Param("amount"), "max": Param("amount"),
    "dir": Param("choice", "all", choices=DIRECTIONS),
    "sort": Param("choice", "newest", choices=tuple(statements.SORTS)),
    "page": Param("int", 1, min=1, max=10_000),
}
params = page("statements", SPEC)
st.caption(t("statements.intro"))
state = st.session_state
accounts = query(statements.account_choices)
holders = dict(zip(accounts["number"], accounts["holder_name"]))
if "stm_account" not in state:  # first run of this view: the URL sets every widget
    if params["account"] and params["account"] not in holders:
        st.info(t("statements.account_unknown", number=literal(params["account"])))
    state.update(stm_account=params["account"] if params["account"] in holders else "", stm_q=params["q"] or "",
                 stm_from=params["from"], stm_to=params["to"], stm_dir=params["dir"], stm_sort=params["sort"],
                 stm_min="" if params["min"] is None else str(params["min"]),
                 stm_max="" if params["max"] is None else str(params["max"]), stm_page=params["page"])

top = st.columns([2, 3])
top[0].selectbox(t("statements.account"), [""] + list(holders), key="stm_account",
                 format_func=lambda n: f"{n} — {holders[n]}" if n else t("statements.account_all"))
top[1].text_input(t("statements.search"), key="stm_q", max_chars=statements.MAX_QUERY_CHARS,
                  help=t("statements.search_help", chars=statements.MAX_QUERY_CHARS))
row = st.columns(5)
row[0].date_input(t("statements.date_from"), key="stm_from", format="DD/MM/YYYY")
row[1].date_input(t("statements.date_to"), key="stm_to", format="DD/MM/YYYY")
row[2].text_input(t("statements.amount_min"), key="stm_min", help=t("statements.amount_help"))
row[3].text_input(t("statements.amount_max"), key="stm_max", help=t("statements.amount_help"))
row[4].selectbox(t("statements.sort"), tuple(statements.SORTS), key="stm_sort",
                 format_func=lambda s: t(f"statements.sort_{s}"))
st.radio(t("statements.direction"), DIRECTIONS, key="stm_dir", horizontal=True,
         format_func=lambda d: t(f"statements.direction_{d}"))


def _amount(typed: str) -> int | None:
    value = parse_amount(typed) if typed.strip() else None
    if typed.strip() and value is None:
        st.warning(t("statements.amount_unreadable", value=literal(typed[:40])))
    return value


filters = dict(account=state.stm_account or None, q=state.stm_q, date_from=state.stm_from, date_to=state.stm_to,
               amount_min=_amount(state.stm_min), amount_max=_amount(state.stm_max),
               direction=None if state.stm_dir == "all" else state.stm_dir)
signature = (tuple(filters.items()), state.stm_sort)
if state.get("stm_signature", signature) != signature:  # new filters start again at page 1
    state.stm_page = 1
state.stm_signature = signature

lines, has_more = query(statements.search_lines, **filters, sort=state.stm_sort, page=state.stm_page,
                        page_size=PAGE_SIZE)
if lines.empty:
    st.info(t("common.no_rows"))
else:
    first = (state.stm_page - 1) * PAGE_SIZE + 1
    st.caption(t("statements.rows_on_page", first=num(first), last=num(first + len(lines) - 1)))
    st.dataframe(view.lines_table(lines), hide_index=True, width="stretch")


def _turn(step: int) -> None:
    state.stm_page = max(1, state.stm_page + step)


nav = st.columns([1, 2, 1])
nav[0].button(t("common.previous"), key="stm_prev", disabled=state.stm_page <= 1, on_click=_turn, args=(-1,))
nav[1].caption(t("common.page_n", page=num(state.stm_page)))
nav[2].button(t("common.next"), key="stm_next", disabled=not has_more, on_click=_turn, args=(1,))

if st.toggle(t("statements.export_toggle"), key="stm_export", help=t("common.export_cap", cap=num(EXPORT_ROW_CAP))):
    export = query(statements.export_lines, **filters, sort=state.stm_sort)
    downloads(export, "statements", capped=export.attrs.get("capped", False))

st.subheader(t("statements.dataset_heading"))
scope = filters["account"]
st.caption(t("statements.dataset_account", number=scope, cap=num(statements.DATASET_ROW_CAP)) if scope else
           t("statements.dataset_all", cap=num(statements.DATASET_ROW_CAP)))
db = engine()  # resolved here: the deferred download runs outside this script run
st.download_button(t("statements.dataset_button"), data=lambda: statements.dataset_parquet(db, scope)[0],
                   file_name=f"statements_{scope or 'all'}.parquet", mime="application/octet-stream",
                   key="stm_dataset", on_click="ignore")

sync_url({"account": filters["account"], "q": state.stm_q, "from": state.stm_from, "to": state.stm_to,
          "min": filters["amount_min"], "max": filters["amount_max"], "dir": state.stm_dir,
          "sort": state.stm_sort, "page": state.stm_page, "lang": params["lang"]}, SPEC)
