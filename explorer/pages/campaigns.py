"""Campaigns: filter by facets, compare raised and disbursed with the target, see who keeps the reporting rule.

URL params: q (title or organization, diacritics optional), status, category, province (code), org (id),
from / to (start date range, YYYY-MM-DD), rule (rule status), page, campaign (id: opens that campaign),
sort (raised: most money received first, the default | ending: running campaigns ending soonest first | newest), lang.
"""

from typing import Any

import pandas as pd
import streamlit as st

from explorer import urls
from explorer.db.schema import CAMPAIGN_CATEGORIES, CAMPAIGN_STATUSES
from explorer.export import EXPORT_ROW_CAP
from explorer.queries import campaigns
from explorer.rules import RULE_STATUSES
from explorer.ui import campaigns_view, flags_view, phone
from explorer.ui.data import query
from explorer.ui.i18n import labels, t
from explorer.ui.layout import downloads_on_request, page, sync_url
from explorer.ui.listing import UrlState, date_box, last_updated, pager, pick

SPEC = urls.SPECS["campaigns"]
FILTERS = ("q", "status", "category", "province", "org", "from", "to", "rule")
params = page("campaigns", SPEC)
current = dict(params)
last_updated()


def back_to_list() -> None:
    del st.query_params["campaign"]


if params["campaign"]:
    st.button(t("campaigns.back"), on_click=back_to_list)
    campaigns_view.detail(params["campaign"])
else:
    choices = query(campaigns.facet_choices)
    provinces = dict(zip(choices["provinces"].code, choices["provinces"].name, strict=False))
    orgs = dict(zip(choices["organizations"].id, choices["organizations"].name, strict=False))
    everything = t("campaigns.all")
    state = UrlState("cmp", SPEC, params)
    current["q"] = st.text_input(t("campaigns.search"), placeholder=t("campaigns.search_hint"), **state.seed("q"))
    in_use = sum(params[k] is not None for k in FILTERS if k != "q") + (params["sort"] != SPEC["sort"].default)
    with phone.filters(in_use, "cmp_filters"):
        row1 = st.columns(3)
        with row1[0]:
            current["status"] = pick(
                t("campaigns.status"),
                CAMPAIGN_STATUSES,
                params["status"],
                everything,
                labels("campaigns.status_"),
                "status",
                state,
            )
        with row1[1]:
            current["category"] = pick(
                t("campaigns.category"),
                CAMPAIGN_CATEGORIES,
                params["category"],
                everything,
                labels("campaigns.cat_"),
                "category",
                state,
            )
        with row1[2]:
            current["rule"] = pick(
                t("campaigns.rule_status"),
                RULE_STATUSES,
                params["rule"],
                everything,
                flags_view.status_label,
                "rule",
                state,
            )
        row2 = st.columns([1, 2, 1, 1])
        with row2[0]:
            current["province"] = pick(
                t("campaigns.province"),
                list(provinces),
                params["province"],
                everything,
                provinces.__getitem__,
                "province",
                state,
            )
        with row2[1]:
            current["org"] = pick(
                t("campaigns.organization"), list(orgs), params["org"], everything, orgs.__getitem__, "org", state
            )
        first, last = query(campaigns.start_days)
        current["from"] = date_box(row2[2], t("campaigns.start_from"), params["from"], first, last, "from", state)
        current["to"] = date_box(row2[3], t("campaigns.start_to"), params["to"], first, last, "to", state)
        current["sort"] = st.radio(
            t("campaigns.sort"),
            list(campaigns.SORTS),
            horizontal=True,
            format_func=labels("campaigns.sort_"),
            **state.seed("sort"),
        )
    filters: dict[str, Any] = dict(  # keyword arguments of campaigns.listing, each of its own type
        q=current["q"],
        status=current["status"],
        category=current["category"],
        rule=current["rule"],
        province=current["province"],
        org=current["org"],
        start_from=current["from"],
        start_to=current["to"],
        sort=current["sort"],
    )
    result = campaigns_view.listing(**filters, page=current["page"])
    picked = campaigns_view.table(result["rows"], key="campaigns_table")
    if picked is not None:
        current["campaign"] = picked
        sync_url(current, SPEC)
        st.rerun()
    st.caption(flags_view.rule_text())
    pager(current["page"], result["has_more"], "campaigns")

    def every_campaign() -> tuple[pd.DataFrame, bool]:
        export = campaigns_view.listing(**filters, page=1, page_size=EXPORT_ROW_CAP)
        return export["rows"], export["has_more"]

    downloads_on_request("campaigns", every_campaign)
sync_url(current, SPEC)
