"""Statements (sao kê): one account or all; search, filters, sort and paging run in SQL; exports.

URL params: account (account number; unknown = all accounts, with a notice), campaign (campaign id: the lines
attributed to it; unknown = all, with a notice), q (search text, folded),
from, to (YYYY-MM-DD, inclusive), min, max (amounts in any usual form: 500k, 0,5tr), dir (in|out),
channel (transfer|vietqr|card|ewallet|giving_day|matching|charity_purchase|monthly|cash_deposit|unknown),
sort (newest|oldest|largest|smallest), page (1–10000), lang.
"""

import pandas as pd
import streamlit as st

from explorer import urls
from explorer.db.schema import CHANNELS
from explorer.params import to_query
from explorer.queries import imports, statements, totals
from explorer.text import parse_amount
from explorer.ui import phone, scope, share
from explorer.ui import statements_view as view
from explorer.ui.data import query, query_section
from explorer.ui.i18n import labels, num, t
from explorer.ui.layout import downloads_on_request, literal, page, sync_url
from explorer.ui.listing import UrlState, date_box, last_updated, pager

PAGE_SIZE = 50
DIRECTIONS = urls.DIRECTIONS
SPEC = urls.SPECS["statements"]
params = page("statements", SPEC)
st.caption(t("statements.intro"))
last_updated()
current = dict(params)
state = UrlState("stm", SPEC, params)  # the URL is the state: every widget writes its value back to it
top = st.columns([2, 3])
with top[0]:
    current["account"] = scope.account_picker(params["account"], state)
current["q"] = top[1].text_input(
    t("statements.search"),
    max_chars=statements.MAX_QUERY_CHARS,
    help=t("statements.search_help", chars=statements.MAX_QUERY_CHARS),
    **state.seed("q", params["q"] or "", from_url=False),
)
# The pickers are limited to the days of the chosen account / campaign's lines (so the calendar opens on them);
# a date outside them is dropped with a notice.
first_day, last_day = query(totals.line_days, account=current["account"], campaign=params["campaign"])
in_use = sum(
    params[name] not in (None, SPEC[name].default) for name in ("campaign", "from", "to", "min", "max", "dir", "sort")
) + (params["channel"] != SPEC["channel"].default)
# Folded (phone.filters): on a phone the results come before the rarely used filters.
with phone.filters(in_use, "stm_filters"):
    row = st.columns([3, 2])
    with row[0]:
        current["campaign"] = scope.campaign_picker(params["campaign"], state)
    current["sort"] = row[1].selectbox(
        t("statements.sort"),
        tuple(statements.SORTS),
        format_func=labels("statements.sort_"),
        **state.seed("sort"),
    )
    row = st.columns(4)
    current["from"] = date_box(row[0], t("statements.date_from"), params["from"], first_day, last_day, "from", state)
    current["to"] = date_box(row[1], t("statements.date_to"), params["to"], first_day, last_day, "to", state)
    typed = {
        name: box.text_input(
            t(f"statements.amount_{bound}"),
            help=t("statements.amount_help"),
            **state.seed(name, "" if params[name] is None else str(params[name]), from_url=False),
        )
        for name, bound, box in (("min", "min", row[2]), ("max", "max", row[3]))
    }
    way = st.columns([3, 2])
    current["dir"] = way[0].radio(
        t("statements.direction"),
        DIRECTIONS,
        horizontal=True,
        format_func=labels("statements.direction_"),
        **state.seed("dir"),
    )
    current["channel"] = way[1].selectbox(
        t("channels.channel"),
        ("all", *CHANNELS),
        format_func=labels("channels."),
        **state.seed("channel"),
    )


def _amount(typed: str) -> int | None:
    value = parse_amount(typed) if typed.strip() else None
    if typed.strip() and value is None:
        st.warning(t("statements.amount_unreadable", value=literal(typed[:40])))
    return value


current["min"], current["max"] = _amount(typed["min"]), _amount(typed["max"])
filters = dict(
    account=current["account"],
    campaign=current["campaign"],
    q=current["q"],
    date_from=current["from"],
    date_to=current["to"],
    amount_min=current["min"],
    amount_max=current["max"],
    direction=None if current["dir"] == "all" else current["dir"],
    channel=None if current["channel"] == "all" else current["channel"],
)
lines, has_more = query(
    statements.search_lines, **filters, sort=current["sort"], page=current["page"], page_size=PAGE_SIZE
)
if lines.attrs.get("searched_rows"):  # a short query reads only the first lines of the view: say so
    st.info(t("statements.scale_search_bounded", rows=num(lines.attrs["searched_rows"])))
if lines.empty:
    st.info(t("common.no_rows"))
else:
    first = (current["page"] - 1) * PAGE_SIZE + 1
    st.caption(t("statements.rows_on_page", first=num(first), last=num(first + len(lines) - 1)))
    table = view.lines_table(lines)
    sources = query(imports.line_sources, ids=tuple(int(i) for i in lines["id"]))
    if not sources.empty:  # imported lines say where they were read: file, page and row
        where = {
            int(r.id): (
                t("statements.source_at", file=r.file_name, page=int(r.source_page), row=r.source_row)
                if pd.notna(r.source_page)
                else t("statements.source_row", file=r.file_name, row=r.source_row)
            )
            for r in sources.itertuples()
        }
        table[t("statements.col_source")] = [where.get(int(i), "") for i in lines["id"]]
    wide, narrow = phone.by_screen("stm_lines")
    wide.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=view.column_config(table, "statements.col_amount", "statements.col_balance"),
    )
    view.phone_lines(narrow, lines, "stm_phone_lines")
found_totals = query_section(totals.line_totals, **filters)  # a slow total says so; the lines stay on screen
if found_totals is not None:
    view.totals_caption(found_totals)
share.share_row("stm", to_query(current, SPEC))


pager(current["page"], has_more, "stm")


def every_line() -> tuple[pd.DataFrame, bool]:
    export = query(statements.export_lines, **filters, sort=current["sort"])
    return export, export.attrs.get("capped", False)


downloads_on_request("statements", every_line, key="stm_export", label=t("statements.export_toggle"))

st.subheader(t("statements.dataset_heading"))
scope = filters["account"]
st.caption(
    t("statements.dataset_account", number=scope, cap=num(statements.DATASET_ROW_CAP))
    if scope
    else t("statements.dataset_all", cap=num(statements.DATASET_ROW_CAP))
)
# Prepared on request in this run (cached for everyone for a few minutes), so a failure is said on the page;
# a deferred download that failed left the visitor with no file and no word.
ready = f"stm_dataset_ready_{scope or 'all'}"
if st.button(t("statements.dataset_prepare"), key="stm_dataset_prepare"):
    st.session_state[ready] = True
if st.session_state.get(ready):
    with st.spinner(t("statements.dataset_preparing")):
        prepared = query_section(statements.dataset_parquet, account=scope)
    if prepared is None:
        st.session_state[ready] = False
    else:
        data, capped = prepared
        st.download_button(
            t("statements.dataset_button"),
            data=data,
            file_name=f"statements_{scope or 'all'}.parquet",
            mime="application/octet-stream",
            key="stm_dataset",
            on_click="ignore",
        )
        if capped:
            st.caption(t("statements.dataset_capped", cap=num(statements.DATASET_ROW_CAP)))

sync_url(current, SPEC)
