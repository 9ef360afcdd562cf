"""Overview: headline totals (raised, disbursed, donors, campaigns, accounts) and VND received per day.

URL params: lang.
"""

import streamlit as st

from explorer import urls
from explorer.queries import overview
from explorer.ui import charts
from explorer.ui.data import query
from explorer.ui.i18n import compact_money, money, num, pct, t
from explorer.ui.layout import page, sync_url
from explorer.ui.listing import last_updated

SPEC = urls.SPECS["overview"]
params = page("overview", SPEC)

totals = query(overview.totals)
last_updated()
cols = [*st.columns(3), *st.columns(3)[:2]]  # two rows: five headline numbers do not fit in one at 1280 px
cols[0].metric(t("overview.raised"), compact_money(totals["raised"]), help=money(totals["raised"]))
cols[1].metric(
    t("overview.disbursed"),
    compact_money(totals["disbursed"]),
    pct(totals["disbursed"] / totals["raised"]) if totals["raised"] else None,
    delta_color="off",
    help=money(totals["disbursed"]),
)
cols[2].metric(t("overview.donors"), num(totals["donors"]), help=t("overview.donors_help"))
cols[3].metric(t("overview.campaigns"), num(totals["campaigns"]))
cols[4].metric(t("overview.accounts"), num(totals["accounts"]))
st.caption(t("overview.explain", donations=num(totals["donations"])))

daily = query(overview.daily_received)
st.subheader(t("overview.daily"))
if daily.empty:
    st.info(t("common.no_rows"))
else:
    charts.show(charts.daily_bars(daily, "day", "amount", t("overview.day"), t("overview.amount_vnd")))
sync_url(params, SPEC)
