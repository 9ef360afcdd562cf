"""Accounts: find an account by number or holder name and open its money picture.

URL params: q (account number — exact hits first — or holder / organization name, diacritics optional),
province (province code), kind (organization kind), page, account (an account number: opens that account), lang.
"""

from typing import Any

import pandas as pd
import streamlit as st

from explorer import urls
from explorer.db.schema import ORG_KINDS
from explorer.export import EXPORT_ROW_CAP
from explorer.queries import accounts, flags
from explorer.ui import accounts_view, phone, province_labels
from explorer.ui.data import query
from explorer.ui.i18n import labels, t
from explorer.ui.layout import downloads_on_request, page, sync_url
from explorer.ui.listing import UrlState, page_url, pager, pick

SPEC = urls.SPECS["accounts"]
params = page("accounts", SPEC)
current = dict(params)


def back_to_list() -> None:
    del st.query_params["account"]


def open_account(number: str) -> None:
    current["account"] = number
    sync_url(current, SPEC)
    st.rerun()


def phone_accounts(area: Any, rows: pd.DataFrame, under_holder: str, key: str) -> None:
    """The phone's copy of an accounts grid (ui.phone): the number (a link that opens the account) with its bank,
    the holder with `under_holder` (a column of rows) beneath, wrapped instead of cut."""
    phone.html_table(
        area,
        [(t("accounts.number"), "30%"), (t("accounts.holder"), "70%")],
        [
            phone.cell(r.number, href=page_url("accounts", account=r.number), note=r.bank)
            + phone.cell(r.holder_name, note=getattr(r, under_holder))
            for r in rows.itertuples(index=False)
        ],
        key,
    )


if params["account"]:
    st.button(t("accounts.back"), on_click=back_to_list)
    accounts_view.detail(params["account"])
else:
    provinces = query(accounts.province_choices)
    names = dict(zip(provinces.code, provinces.name, strict=False))
    state = UrlState("acc", SPEC, params)
    current["q"] = st.text_input(t("accounts.search"), placeholder=t("accounts.search_hint"), **state.seed("q"))
    with phone.filters(sum(params[k] is not None for k in ("province", "kind")), "acc_filters"):
        middle, right = st.columns(2)
        with middle:
            current["province"] = pick(
                t("accounts.province"),
                list(names),
                params["province"],
                t("accounts.all"),
                names.__getitem__,
                "province",
                state,
            )
        with right:
            current["kind"] = pick(
                t("accounts.kind"),
                list(ORG_KINDS),
                params["kind"],
                t("accounts.all"),
                labels("accounts.kind_"),
                "kind",
                state,
            )
    filters = {k: current[k] for k in ("q", "province", "kind")}
    result = query(accounts.search_accounts, **filters, page=current["page"])
    rows = result["rows"]
    if rows.empty:
        st.info(t("accounts.nothing_found"))
    else:
        shown = rows.assign(
            org_kind=rows.org_kind.map(lambda k: t(f"accounts.kind_{k}") if k else "—"),
            province=province_labels.labelled(rows),  # 'Hà Giang (now Tuyên Quang)'
        )
        # The organization's own name is in the account's header and the export; the list shows the holder's
        # (what a bank transfer screen shows), so the columns fit 820 px (32 px of checkbox included) and a merged
        # province's label ('Thái Bình (nay thuộc Hưng Yên)') shows whole.
        columns = {
            "number": st.column_config.TextColumn(t("accounts.number"), width=104),
            "bank": st.column_config.TextColumn(t("accounts.bank"), width=80),
            "holder_name": st.column_config.TextColumn(t("accounts.holder"), width=200),
            "org_kind": st.column_config.TextColumn(t("accounts.kind"), width=120),
            "province": st.column_config.TextColumn(t("accounts.province"), width=210),
            "campaigns": st.column_config.NumberColumn(t("accounts.campaigns"), width=70),
        }
        if set(rows.currency) != {"VND"}:
            columns["currency"] = st.column_config.TextColumn(t("accounts.currency"), width=64)
        wide, narrow = phone.by_screen("acc_list")
        event = wide.dataframe(
            shown[list(columns)],
            hide_index=True,
            key="accounts_table",
            on_select="rerun",
            selection_mode="single-row",
            column_config=columns,
        )
        phone_accounts(narrow, shown, "province", "accounts_table_phone")
        st.caption(t("accounts.select_hint"))
        chosen = event.selection.rows
        if chosen:
            open_account(str(rows.iloc[chosen[0]].number))
        pager(current["page"], result["has_more"], "accounts")

        def every_account() -> tuple[pd.DataFrame, bool]:
            everything = query(accounts.search_accounts, **filters, page=1, page_size=EXPORT_ROW_CAP)
            return everything["rows"], everything["has_more"]

        downloads_on_request("accounts", every_account)
    if not any(filters.values()):
        st.subheader(t("accounts.flagged"))
        flagged = query(flags.flagged_accounts)
        if flagged.empty:
            st.success(t("flags.none"))
        else:
            flagged = flagged.assign(status=flagged.status.map(labels("flags.status_")))
            wide, narrow = phone.by_screen("acc_flagged")
            picked = wide.dataframe(
                flagged,
                hide_index=True,
                key="flagged_table",
                on_select="rerun",
                selection_mode="single-row",
                column_config={
                    "account_id": None,
                    "number": t("accounts.number"),
                    "bank": t("accounts.bank"),
                    "holder_name": t("accounts.holder"),
                    "status": t("accounts.flag"),
                    "campaigns": t("accounts.campaigns"),
                },
            ).selection.rows
            # The grid cut the holder's name at the screen's edge and left the flag itself off-screen.
            phone_accounts(narrow, flagged, "status", "flagged_table_phone")
            st.caption(t("accounts.flagged_hint"))
            if picked:
                open_account(str(flagged.iloc[picked[0]].number))
sync_url(current, SPEC)
