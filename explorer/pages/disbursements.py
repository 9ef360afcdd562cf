"""Disbursements: what was paid out, to which groups and provinces, each tied to the debit line it explains.

URL params: campaign (id), category, group (recipient group), province (code),
by (breakdown: campaign | category | recipient_group | province), page, lang.
"""

import altair as alt
import pandas as pd
import streamlit as st

from explorer import urls
from explorer.db.schema import BENEFICIARY_GROUPS, DISBURSEMENT_CATEGORIES
from explorer.export import EXPORT_ROW_CAP
from explorer.queries import disbursements
from explorer.ui import charts, disbursements_view, flow_view, phone, province_labels
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, labels, money, t
from explorer.ui.layout import downloads_on_request, page, sync_url
from explorer.ui.listing import UrlState, pager, pick

SPEC = urls.SPECS["disbursements"]
FILTERS = ("campaign", "category", "group", "province")
params = page("disbursements", SPEC)
current = dict(params)

choices = query(disbursements.choices)
campaign_names = dict(zip(choices["campaigns"].id, choices["campaigns"].name, strict=False))
provinces = dict(zip(choices["provinces"].code, choices["provinces"].name, strict=False))
everything = t("disbursements.all")
state = UrlState("dsb", SPEC, params)
with phone.filters(sum(params[k] is not None for k in FILTERS), "dsb_filters"):
    cols = [*st.columns(2), *st.columns(2)]
    with cols[0]:
        current["campaign"] = pick(
            t("disbursements.campaign"),
            list(campaign_names),
            params["campaign"],
            everything,
            lambda c: f"#{c} {campaign_names[c]}",
            "campaign",
            state,
        )
    with cols[1]:
        current["category"] = pick(
            t("disbursements.category"),
            DISBURSEMENT_CATEGORIES,
            params["category"],
            everything,
            labels("disbursements.cat_"),
            "category",
            state,
        )
    with cols[2]:
        current["group"] = pick(
            t("disbursements.recipient_group"),
            BENEFICIARY_GROUPS,
            params["group"],
            everything,
            labels("disbursements.group_"),
            "group",
            state,
        )
    with cols[3]:
        current["province"] = pick(
            t("disbursements.province"),
            list(provinces),
            params["province"],
            everything,
            provinces.__getitem__,
            "province",
            state,
        )
if any(current[k] != params[k] for k in FILTERS):
    current["page"] = 1
filters = dict(
    campaign_id=current["campaign"], category=current["category"], group=current["group"], province=current["province"]
)

st.subheader(t("disbursements.stages"))
stages = query(disbursements.money_stages, campaign_id=current["campaign"])
metric_cols = st.columns(4)
for column, key in zip(metric_cols, ("target", "pledged", "received", "disbursed"), strict=False):
    column.metric(t(f"disbursements.{key}"), compact_money(stages[key]), help=money(stages[key]))
    column.caption(t(f"disbursements.{key}_explained"))
st.caption(t("disbursements.stages_scope_one" if current["campaign"] else "disbursements.stages_scope_all"))

st.subheader(t("disbursements.breakdown"))
current["by"] = st.radio(
    t("disbursements.by"),
    list(disbursements.GROUPINGS),
    horizontal=True,
    format_func=labels("disbursements.by_"),
    **state.seed("by"),
)
grouped = query(disbursements.breakdown, by=current["by"], **filters)
if grouped.empty:
    st.info(t("common.no_rows"))
else:
    coded = {"category": "disbursements.cat_", "recipient_group": "disbursements.group_"}.get(current["by"])
    shown = grouped.assign(label=grouped.label.map(labels(coded)) if coded else grouped.label)
    if current["by"] == "province":
        shown["label"] = province_labels.labelled(grouped.rename(columns={"label": "province"}))
    charts.show(
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("amount:Q", title=t("disbursements.amount")),
            tooltip=[
                alt.Tooltip("label:N", title=t(f"disbursements.by_{current['by']}")),
                charts.money_tip("amount", t("disbursements.amount")),
                charts.count_tip("disbursements", t("disbursements.count")),
            ],
        )
    )

st.subheader(t("disbursements.list"))
result = query(disbursements.listing, **filters, page=current["page"])
disbursements_view.table(result["rows"])
pager(current["page"], result["has_more"], "disbursements")


def every_disbursement() -> tuple[pd.DataFrame, bool]:
    export = query(disbursements.listing, **filters, page=1, page_size=EXPORT_ROW_CAP)
    return export["rows"], export["has_more"]


downloads_on_request("disbursements", every_disbursement)

st.subheader(t("disbursements.flow"))
links = query(disbursements.flows, campaign_id=current["campaign"])
if links.empty:
    st.info(t("common.no_rows"))
else:
    titles = {s: t(f"disbursements.stage_{s}") for s in flow_view.STAGES}
    charts.show(flow_view.flow_chart(links, disbursements_view.node_label, titles, t("disbursements.amount")))
    st.caption(t("disbursements.flow_explained"))
sync_url(current, SPEC)
