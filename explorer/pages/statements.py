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
from explorer.export import EXPORT_ROW_CAP
from explorer.params import to_query
from explorer.queries import imports, statements, totals
from explorer.text import parse_amount
from explorer.ui import phone, share
from explorer.ui import statements_view as view
from explorer.ui.data import query, query_section
from explorer.ui.i18n import day, num, t
from explorer.ui.layout import downloads, literal, page, sync_url
from explorer.ui.listing import date_format, last_updated, pager

PAGE_SIZE = 50
DIRECTIONS = urls.DIRECTIONS
SPEC = urls.SPECS["statements"]
params = page("statements", SPEC)
st.caption(t("statements.intro"))
last_updated()
state = st.session_state
accounts = query(statements.account_choices)
holders = dict(zip(accounts["number"], accounts["holder_name"], strict=False))
campaigns = query(statements.campaign_choices)
titles = dict(zip(campaigns["id"].astype(int), campaigns["title"], strict=False))
# Widgets are keyed per language: their labels change with it, so after a switch they start again from the URL
# (which every run rewrites) and keep their codes, instead of holding the other language's label as a value.
key = {
    name: f"stm_{name}_{params['lang']}"
    for name in ("account", "campaign", "q", "from", "to", "min", "max", "dir", "sort", "channel")
}
if key["account"] not in state:  # first run of this view (or language): the URL sets the page and every widget
    if params["account"] and params["account"] not in holders:
        st.info(t("statements.account_unknown", number=literal(params["account"])))
    if params["campaign"] is not None and params["campaign"] not in titles:
        st.info(t("common.ignored_params", params=literal(f"campaign: {t('common.not_allowed')}")))
    state.stm_page = params["page"]
    state.pop("stm_signature", None)
for name, seed in {
    "account": params["account"] if params["account"] in holders else "",
    "campaign": params["campaign"] if params["campaign"] in titles else "",
    "q": params["q"] or "",
    "from": params["from"],
    "to": params["to"],
    "dir": params["dir"],
    "channel": params["channel"],
    "sort": params["sort"],
    "min": "" if params["min"] is None else str(params["min"]),
    "max": "" if params["max"] is None else str(params["max"]),
}.items():
    state.setdefault(key[name], seed)

# Dates outside the lines of the chosen account / campaign are dropped before the pickers are drawn: a picker
# limited to the data's days (so its calendar opens on them, not on today) cannot hold a day outside them.
first_day, last_day = query(
    totals.line_days, account=state[key["account"]] or None, campaign=state[key["campaign"]] or None
)
for name in ("from", "to"):
    chosen = state[key[name]]
    if chosen is not None and first_day and last_day and not first_day <= chosen <= last_day:
        outside = t("common.outside_range", first=day(first_day), last=day(last_day))
        st.info(t("common.ignored_params", params=literal(f"{name}: {outside}")))
        state[key[name]] = None

top = st.columns([2, 3])
top[0].selectbox(
    t("statements.account"),
    [""] + list(holders),
    key=key["account"],
    format_func=lambda n: f"{n} — {holders[n]}" if n else t("statements.account_all"),
)
top[1].text_input(
    t("statements.search"),
    key=key["q"],
    max_chars=statements.MAX_QUERY_CHARS,
    help=t("statements.search_help", chars=statements.MAX_QUERY_CHARS),
)
# Folded (phone.filters): on a phone the results come before the rarely used filters.
defaults = {
    "campaign": "",
    "from": None,
    "to": None,
    "min": "",
    "max": "",
    "dir": "all",
    "sort": "newest",
    "channel": "all",
}
in_use = sum(state[key[name]] not in (default, None) for name, default in defaults.items())
with phone.filters(in_use, "stm_filters"):
    row = st.columns([3, 2])
    row[0].selectbox(
        t("statements.campaign"),
        ["", *titles],
        key=key["campaign"],  # "": all (None shows no label)
        format_func=lambda c: f"#{c} {titles[c]}" if c else t("statements.campaign_all"),
    )
    row[1].selectbox(
        t("statements.sort"), tuple(statements.SORTS), key=key["sort"], format_func=lambda s: t(f"statements.sort_{s}")
    )
    row = st.columns(4)
    limits = dict(min_value=first_day, max_value=last_day, format=date_format())
    row[0].date_input(t("statements.date_from"), key=key["from"], **limits)
    row[1].date_input(t("statements.date_to"), key=key["to"], **limits)
    row[2].text_input(t("statements.amount_min"), key=key["min"], help=t("statements.amount_help"))
    row[3].text_input(t("statements.amount_max"), key=key["max"], help=t("statements.amount_help"))
    way = st.columns([3, 2])
    way[0].radio(
        t("statements.direction"),
        DIRECTIONS,
        key=key["dir"],
        horizontal=True,
        format_func=lambda d: t(f"statements.direction_{d}"),
    )
    way[1].selectbox(
        t("channels.channel"),
        ("all", *CHANNELS),
        key=key["channel"],
        format_func=lambda c: t("channels.all") if c == "all" else t(f"channels.{c}"),
    )
value = {name: state[k] for name, k in key.items()}


def _amount(typed: str) -> int | None:
    value = parse_amount(typed) if typed.strip() else None
    if typed.strip() and value is None:
        st.warning(t("statements.amount_unreadable", value=literal(typed[:40])))
    return value


filters = dict(
    account=value["account"] or None,
    campaign=value["campaign"] or None,
    q=value["q"],
    date_from=value["from"],
    date_to=value["to"],
    amount_min=_amount(value["min"]),
    amount_max=_amount(value["max"]),
    direction=None if value["dir"] == "all" else value["dir"],
    channel=None if value["channel"] == "all" else value["channel"],
)
signature = (tuple(filters.items()), value["sort"])
if state.get("stm_signature", signature) != signature:  # new filters start again at page 1
    state.stm_page = 1
state.stm_signature = signature

lines, has_more = query(
    statements.search_lines, **filters, sort=value["sort"], page=state.stm_page, page_size=PAGE_SIZE
)
if lines.attrs.get("searched_rows"):  # a short query reads only the first lines of the view: say so
    st.info(t("statements.scale_search_bounded", rows=num(lines.attrs["searched_rows"])))
url_state = {
    "account": filters["account"],
    "campaign": filters["campaign"],
    "q": value["q"],
    "from": value["from"],
    "to": value["to"],
    "min": filters["amount_min"],
    "max": filters["amount_max"],
    "dir": value["dir"],
    "channel": value["channel"],
    "sort": value["sort"],
    "page": state.stm_page,
    "lang": params["lang"],
}
if lines.empty:
    st.info(t("common.no_rows"))
else:
    first = (state.stm_page - 1) * PAGE_SIZE + 1
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
share.share_row("stm", to_query(url_state, SPEC))


def _turn(target: int) -> None:
    state.stm_page = max(1, target)


pager(state.stm_page, has_more, "stm", _turn)

if st.toggle(t("statements.export_toggle"), key="stm_export", help=t("common.export_cap", cap=num(EXPORT_ROW_CAP))):
    export = query(statements.export_lines, **filters, sort=value["sort"])
    downloads(export, "statements", capped=export.attrs.get("capped", False))

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
    state[ready] = True
if state.get(ready):
    with st.spinner(t("statements.dataset_preparing")):
        prepared = query_section(statements.dataset_parquet, account=scope)
    if prepared is None:
        state[ready] = False
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

sync_url(url_state, SPEC)
