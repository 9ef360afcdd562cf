"""Stats: incoming VND donations per day, by amount bucket, top donors as printed, by province, by hour.

URL params: from / to (posting days, both included, YYYY-MM-DD), basis (province of the receiving
account or of the campaign: account | campaign), account (an account number), campaign (id): every figure
recomputed for that account's / campaign's lines, lang.
"""

import streamlit as st

from explorer import urls
from explorer.queries import channels, province_map, stats, totals
from explorer.ui import channel_view, charts, phone, scope, stats_view
from explorer.ui.data import query, query_section
from explorer.ui.i18n import compact_money, labels, money, num, t
from explorer.ui.layout import downloads, page, sync_url
from explorer.ui.listing import UrlState, date_box, last_updated, money_column, table

SPEC = urls.SPECS["stats"]
TOP_PROVINCES = 20
params = page("stats", SPEC)
current = dict(params)
last_updated()

first, last = query(stats.date_bounds)
state = UrlState("sts", SPEC, params)
in_use = sum(params[k] is not None for k in ("from", "to", "account", "campaign"))
with phone.filters(in_use, "sts_filters"):
    left, right = st.columns(2)
    with left:
        current["account"] = scope.account_picker(params["account"], state)
    with right:
        current["campaign"] = scope.campaign_picker(params["campaign"], state)
    if current["account"] or current["campaign"]:  # the pickers open on the days of the lines in scope
        first, last = query(totals.line_days, account=current["account"], campaign=current["campaign"])
    left, right, _ = st.columns([1, 1, 2])
    current["from"] = date_box(left, t("stats.from"), params["from"], first, last, "from", state)
    current["to"] = date_box(right, t("stats.to"), params["to"], first, last, "to", state)
scope = query(stats.scope_of, account=current["account"], campaign=current["campaign"])
span = dict(date_from=current["from"], date_to=current["to"], scope=scope)

daily = query(stats.daily, **span)
cols = st.columns(3)
cols[0].metric(t("stats.received"), compact_money(int(daily.amount.sum())), help=money(int(daily.amount.sum())))
cols[1].metric(t("stats.donations"), num(int(daily.lines.sum())))
cols[2].metric(t("stats.days"), num(len(daily)))
st.caption(t("stats.scope"))

st.subheader(t("stats.daily"))
if daily.empty:
    st.info(t("common.no_rows"))
else:
    charts.show(charts.daily_bars(daily, "day", "amount", t("stats.day"), t("stats.amount")))

st.subheader(t("stats.buckets"))
buckets = query(stats.amount_buckets, **span)
buckets = buckets.assign(label=buckets.bucket.map(labels("stats.bucket_")))
charts.show(
    stats_view.ordered_bars(buckets, "label", "lines", t("stats.bucket"), t("stats.lines"), list(buckets.label))
)

donors_col, hours_col = st.columns(2)
with donors_col:
    st.subheader(t("stats.top_donors"))
    donors = query_section(stats.top_donors, **span)  # the one section that reads lines, not rollups
    if donors is not None:
        table(
            donors,
            hide_index=True,
            column_config={
                "counterparty": t("stats.counterparty"),
                "amount": money_column(t("stats.amount")),
                "lines": t("stats.lines"),
            },
        )
    st.caption(t("stats.donors_as_printed"))
with hours_col:
    st.subheader(t("stats.hours"))
    hours = query(stats.by_hour, **span)
    charts.show(stats_view.ordered_bars(hours, "hour", "lines", t("stats.hour"), t("stats.lines"), list(hours.hour)))
    st.caption(t("stats.hours_explained"))

st.subheader(t("stats.provinces"))
current["basis"] = st.radio(
    t("stats.basis"),
    list(stats.PROVINCE_BASES),
    horizontal=True,
    format_func=labels("stats.basis_"),
    **state.seed("basis"),
)
provinces = query(stats.by_province, basis=current["basis"], **span)
if provinces.empty:
    st.info(t("common.no_rows"))
else:
    charts.show(
        stats_view.ranked_bars(provinces.head(TOP_PROVINCES), "province", "amount", t("stats.amount"), t("stats.lines"))
    )
st.caption(t(f"stats.basis_{current['basis']}_explained"))
mix = query_section(channels.channel_mix, **span)  # from the channel rollup
if mix is not None:
    channel_view.mix(mix)

st.subheader(t("public.map_heading"))
money_map = query(province_map.money_by_province, basis=current["basis"], **span)
if money_map.empty:
    st.info(t("common.no_rows"))
else:
    names = {"raised": t("public.map_raised"), "disbursed": t("public.map_disbursed")}
    charts.show(stats_view.province_map(money_map, names, t("public.map_province")), width="content")
    st.caption(t("public.map_explained"))

with st.expander(t("stats.downloads")):
    for frame, name in (
        (daily, "daily"),
        (buckets, "amount_buckets"),
        (donors, "top_donors"),
        (hours, "hours"),
        (provinces, "provinces"),
        (money_map, "province_map"),
    ):
        if frame is not None:
            st.caption(t(f"stats.export_{name}"))
            downloads(frame, f"stats_{name}")
sync_url(current, SPEC)
